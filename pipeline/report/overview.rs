//! The overview and the list pages: what the whole run looks like, with links into the
//! documents.
//!
//! Input: the documents (no text), fact counts, `province_metrics`, `anomalies`, `rejects`.
//! Output: `index.html` (summary, facts per metric, the chosen metric's chart, the coverage
//! matrix, anomalies, rejects), `metrics/ID.html` (one metric's chart and rows, each row
//! linked to the span of its chosen fact), `documents.html`, `anomalies.html`.
//! Invariants: the overview stays one page of bounded size whatever the run's size: long
//! lists are cut at [`LIST_MAX`] rows there and continue on their own page; a link to a
//! document goes to its page when it has one, else the name is shown as text.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use super::charts;
use super::escape::{html, json_for_script, page_name};
use super::tables::{AnomalyRow, DocRow, FactRow, PmRow, RejectRow};
use super::{Context, fmt_num};

/// Rows of a list shown on the overview before it continues on its own page.
pub(crate) const LIST_MAX: usize = 200;
/// Rows of `anomalies.html`; the rest are in `anomalies.parquet`.
const ANOMALY_PAGE_MAX: usize = 20_000;
/// Provinces drawn in a metric's chart (those with the most rows).
const CHART_PROVINCES: usize = 12;

/// Counts over every fact (the facts themselves are not kept).
#[derive(Debug, Default)]
pub(crate) struct FactStats {
    pub total: usize,
    pub flagged: usize,
    /// metric → (tier, facts, flagged, documents by a 64-bit hash of their name: eight bytes
    /// a document, not its name, so half a million documents stay small)
    pub per_metric: BTreeMap<String, (String, usize, usize, HashSet<u64>)>,
}

impl FactStats {
    pub fn add(&mut self, f: &FactRow) {
        self.total += 1;
        self.flagged += usize::from(f.flag.is_some());
        let e = self
            .per_metric
            .entry(f.metric.clone())
            .or_insert_with(|| (f.tier.clone().unwrap_or_default(), 0, 0, HashSet::new()));
        e.1 += 1;
        e.2 += usize::from(f.flag.is_some());
        let mut h = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&f.doc, &mut h);
        e.3.insert(std::hash::Hasher::finish(&h));
    }
}

pub(crate) struct Input<'a> {
    pub ctx: &'a Context,
    pub docs: &'a [DocRow],
    pub paged: &'a HashSet<String>,
    pub all_paged: bool,
    pub stats: &'a FactStats,
    pub pm: &'a [PmRow],
    pub anomalies: &'a [AnomalyRow],
    pub rejects: &'a [RejectRow],
}

/// File name of a metric's page: the id when it is plain, else a hash.
pub(crate) fn metric_page(metric: &str) -> String {
    if !metric.is_empty() && metric.len() <= 64 && metric.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{metric}.html")
    } else {
        page_name(metric)
    }
}

fn head(title: &str, page: &str, up: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"{up}report.css\"></head>\n<body data-page=\"{page}\">\n",
        html(title),
    )
}

fn tail(ctx: &Context, page: &str, up: &str) -> String {
    #[derive(serde::Serialize)]
    struct Data<'a> {
        page: &'a str,
        run: &'a str,
    }
    format!(
        "<script type=\"application/json\" id=\"data\">{}</script>\n<script type=\"application/json\" id=\"units\">{}</script>\n<script src=\"{up}report.js\"></script>\n</body></html>\n",
        json_for_script(&Data { page, run: &ctx.run_id }),
        ctx.units_json,
    )
}

/// A link to a document (and a span in it) from a page `depth` folders below the report.
fn doc_link(inp: &Input, doc: &str, span: Option<(i64, i64)>, up: &str) -> String {
    if inp.paged.contains(doc) {
        let at = span.map(|(s, e)| format!("#at={s}-{e}")).unwrap_or_default();
        format!("<a href=\"{up}docs/{}{at}\">{}</a>", page_name(doc), html(doc))
    } else {
        format!(
            "<span title=\"no page for this document: ictstat report --pages all\">{}</span>",
            html(doc)
        )
    }
}

fn opt(v: &Option<String>) -> String {
    html(v.as_deref().unwrap_or(""))
}

fn num(v: Option<f64>) -> String {
    v.map(fmt_num).unwrap_or_default()
}

/// Every page but the documents'.
pub(crate) fn pages(inp: &Input) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // rows per metric, metrics ordered by how many rows they have
    let mut by_metric: BTreeMap<&str, Vec<&PmRow>> = BTreeMap::new();
    for r in inp.pm {
        by_metric.entry(r.metric.as_str()).or_default().push(r);
    }
    let mut metrics_ranked: Vec<&str> = by_metric.keys().copied().collect();
    metrics_ranked.sort_by(|a, b| by_metric[b].len().cmp(&by_metric[a].len()).then(a.cmp(b)));
    let chart_of = |m: &str| -> String {
        let rows = &by_metric[m];
        let unit = rows.iter().find_map(|r| r.unit.clone()).unwrap_or_default();
        match charts::metric_chart(m, &unit, rows, CHART_PROVINCES) {
            Ok((svg, note)) => {
                let mut cap = format!(
                    "{} of {} provinces with rows drawn (most rows first); filled circle actual, hollow estimate, triangle target, red cross: conflict or flagged; lines join actual values.",
                    note.shown, note.provinces
                );
                if note.not_drawn > 0 {
                    let _ = write!(
                        cap,
                        " {} rows of another basis than {} or with a multi-year period are in the table only.",
                        note.not_drawn,
                        note.basis.as_deref().unwrap_or("none")
                    );
                }
                format!("<figure class=\"chart\">{svg}<figcaption>{}</figcaption></figure>", html(&cap))
            }
            Err(e) => format!("<p class=\"warn\">chart not drawn: {}</p>", html(&e)),
        }
    };

    // index.html
    let mut h = head("ictstat report", "overview", "");
    let ctx = inp.ctx;
    let conflicts = inp.pm.iter().filter(|r| r.conflict).count();
    let _ = write!(
        h,
        "<header><h1>ictstat report</h1><p class=\"meta\">run <code>{}</code> · ictstat {} · \
         <a href=\"documents.html\">documents</a> · <a href=\"anomalies.html\">anomalies</a></p></header>\n<main class=\"overview\">",
        html(&ctx.run_id),
        html(&ctx.version)
    );
    let _ = write!(
        h,
        "<section><h2>Summary</h2><table class=\"summary\"><tbody>\
         <tr><th>documents</th><td>{}</td><td>{}</td></tr>\
         <tr><th>rejected inputs</th><td>{}</td><td></td></tr>\
         <tr><th>facts</th><td>{}</td><td>{} flagged</td></tr>\
         <tr><th>province × period × metric rows</th><td>{}</td><td>{} with conflicting sources</td></tr>\
         <tr><th>anomalies</th><td>{}</td><td></td></tr></tbody></table></section>",
        inp.docs.len(),
        if inp.all_paged {
            "every document has a page".to_string()
        } else {
            format!("{} with a page (anomalies, conflicts and a sample)", inp.paged.len())
        },
        inp.rejects.len(),
        inp.stats.total,
        inp.stats.flagged,
        inp.pm.len(),
        conflicts,
        inp.anomalies.len()
    );

    // the chosen metric's chart
    h.push_str("<section id=\"charts\"><h2>A metric over time</h2>");
    if let Some(first) = metrics_ranked.first() {
        h.push_str("<label>metric <select id=\"metric-select\">");
        for m in &metrics_ranked {
            let _ = write!(
                h,
                "<option value=\"metrics/{}\"{}>{} ({} rows)</option>",
                html(&metric_page(m)),
                if m == first { " selected" } else { "" },
                html(m),
                by_metric[m].len()
            );
        }
        h.push_str("</select></label> <span class=\"hint\">(opens the metric's page: its chart and every row with its source)</span>");
        h.push_str(&chart_of(first));
    } else {
        h.push_str("<p>No province_metrics rows.</p>");
    }
    h.push_str("</section>");

    // coverage
    let mut provinces: Vec<String> = inp.pm.iter().map(|r| r.province.clone()).collect();
    provinces.sort();
    provinces.dedup();
    let metrics: Vec<String> = by_metric.keys().map(|m| m.to_string()).collect();
    let mut cells: BTreeMap<(usize, usize), HashSet<&str>> = BTreeMap::new();
    for r in inp.pm {
        let (Ok(p), Ok(m)) = (provinces.binary_search(&r.province), metrics.binary_search(&r.metric)) else {
            continue;
        };
        cells.entry((p, m)).or_default().insert(r.period.as_str());
    }
    let counts: BTreeMap<(usize, usize), usize> = cells.into_iter().map(|(k, v)| (k, v.len())).collect();
    h.push_str("<section id=\"coverage\"><h2>Coverage</h2>");
    if provinces.is_empty() {
        h.push_str("<p>No province_metrics rows.</p>");
    } else {
        match charts::coverage_matrix(&provinces, &metrics, &counts) {
            Ok(svg) => {
                let _ = write!(
                    h,
                    "<figure class=\"chart\">{svg}<figcaption>Periods with a value, per province (rows) and metric (columns); darker is more.</figcaption></figure>"
                );
            }
            Err(e) => {
                let _ = write!(h, "<p class=\"warn\">coverage not drawn: {}</p>", html(&e));
            }
        }
    }
    h.push_str("</section>");

    // facts per metric
    h.push_str("<section><h2>Facts per metric</h2><table><thead><tr><th>metric</th><th>tier</th><th>facts</th><th>documents</th><th>flagged</th><th>rows</th><th>conflicts</th></tr></thead><tbody>");
    for (m, (tier, n, flagged, docs)) in &inp.stats.per_metric {
        let rows = by_metric.get(m.as_str()).map_or(0, Vec::len);
        let conf = by_metric.get(m.as_str()).map_or(0, |v| v.iter().filter(|r| r.conflict).count());
        let name = if rows > 0 {
            format!("<a href=\"metrics/{}\">{}</a>", metric_page(m), html(m))
        } else {
            html(m)
        };
        let _ = write!(
            h,
            "<tr><td>{name}</td><td>{}</td><td>{n}</td><td>{}</td><td>{flagged}</td><td>{rows}</td><td>{conf}</td></tr>",
            html(tier),
            docs.len()
        );
    }
    h.push_str("</tbody></table></section>");

    // anomalies
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for a in inp.anomalies {
        *kinds.entry(a.kind.as_str()).or_default() += 1;
    }
    h.push_str("<section id=\"anomalies\"><h2>Anomalies</h2><p>");
    h.push_str(
        &kinds
            .iter()
            .map(|(k, n)| format!("{} <b>{n}</b>", html(k)))
            .collect::<Vec<_>>()
            .join(" · "),
    );
    h.push_str("</p>");
    h.push_str(&anomaly_table(inp, &inp.anomalies[..inp.anomalies.len().min(LIST_MAX)], ""));
    if inp.anomalies.len() > LIST_MAX {
        let _ = write!(h, "<p><a href=\"anomalies.html\">all {} anomalies</a></p>", inp.anomalies.len());
    }
    h.push_str("</section>");

    // rejects
    let mut rkinds: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for r in inp.rejects {
        rkinds.entry(r.kind.as_str()).or_insert((0, r.reason.as_str())).0 += 1;
    }
    h.push_str("<section id=\"rejects\"><h2>Rejected inputs</h2>");
    if inp.rejects.is_empty() {
        h.push_str("<p>None.</p>");
    } else {
        h.push_str("<table><thead><tr><th>kind</th><th>inputs</th><th>example reason</th></tr></thead><tbody>");
        for (k, (n, reason)) in &rkinds {
            let _ = write!(h, "<tr><td>{}</td><td>{n}</td><td>{}</td></tr>", html(k), html(reason));
        }
        h.push_str("</tbody></table><table><thead><tr><th>source</th><th>line</th><th>document</th><th>kind</th><th>reason</th></tr></thead><tbody>");
        for r in inp.rejects.iter().take(LIST_MAX) {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                html(&r.source),
                r.line.map(|l| l.to_string()).unwrap_or_default(),
                opt(&r.doc),
                html(&r.kind),
                html(&r.reason)
            );
        }
        h.push_str("</tbody></table>");
        if inp.rejects.len() > LIST_MAX {
            let _ = write!(h, "<p>{} more in <code>rejects.parquet</code>.</p>", inp.rejects.len() - LIST_MAX);
        }
    }
    h.push_str("</section>");
    h.push_str(super::EXPORT_HTML);
    h.push_str("</main>");
    h.push_str(&tail(ctx, "overview", ""));
    out.push(("index.html".to_string(), h));

    // anomalies.html
    let mut h = head("anomalies · ictstat report", "anomalies", "");
    let shown = inp.anomalies.len().min(ANOMALY_PAGE_MAX);
    let _ = write!(
        h,
        "<header><nav><a href=\"index.html\">← overview</a></nav><h1>Anomalies ({})</h1></header><main>{}",
        inp.anomalies.len(),
        anomaly_table(inp, &inp.anomalies[..shown], "")
    );
    if shown < inp.anomalies.len() {
        let _ = write!(h, "<p>{} more in <code>anomalies.parquet</code>.</p>", inp.anomalies.len() - shown);
    }
    h.push_str("</main>");
    h.push_str(&tail(ctx, "anomalies", ""));
    out.push(("anomalies.html".to_string(), h));

    // documents.html: those with a page (every document when all have one)
    let mut h = head("documents · ictstat report", "documents", "");
    let _ = write!(
        h,
        "<header><nav><a href=\"index.html\">← overview</a></nav><h1>Documents with a page ({} of {})</h1></header><main>\
         <table><thead><tr><th>document</th><th>title</th><th>province</th><th>period</th><th>facts</th></tr></thead><tbody>",
        inp.paged.len(),
        inp.docs.len()
    );
    for d in inp.docs.iter().filter(|d| inp.paged.contains(&d.doc)) {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            doc_link(inp, &d.doc, None, ""),
            opt(&d.title),
            opt(&d.province),
            opt(&d.period),
            d.n_facts.map(|n| n.to_string()).unwrap_or_default()
        );
    }
    h.push_str("</tbody></table></main>");
    h.push_str(&tail(ctx, "documents", ""));
    out.push(("documents.html".to_string(), h));

    // metrics/ID.html
    for m in &metrics_ranked {
        let mut rows = by_metric[m].clone();
        rows.sort_by(|a, b| {
            a.province
                .cmp(&b.province)
                .then(
                    charts::period_x(&a.period)
                        .unwrap_or(f64::MAX)
                        .total_cmp(&charts::period_x(&b.period).unwrap_or(f64::MAX)),
                )
                .then(a.period.cmp(&b.period))
                .then(a.status.cmp(&b.status))
        });
        let mut h = head(&format!("{m} · ictstat report"), "metric", "../");
        let _ = write!(
            h,
            "<header><nav><a href=\"../index.html\">← overview</a></nav><h1>{}</h1></header><main>{}",
            html(m),
            chart_of(m)
        );
        h.push_str(
            "<table><thead><tr><th>province</th><th>period</th><th>status</th><th>basis</th><th>value</th><th>unit</th>\
             <th>min – max</th><th>facts</th><th>docs</th><th>conflict</th><th>flag</th><th>source</th></tr></thead><tbody>",
        );
        for r in rows {
            let span = r.char_start.zip(r.char_end);
            let _ = write!(
                h,
                "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{} – {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                if r.conflict || r.flag.is_some() { " class=\"suspect\"" } else { "" },
                html(&r.province),
                html(&r.period),
                opt(&r.status),
                opt(&r.basis),
                num(r.value),
                opt(&r.unit),
                num(r.value_min),
                num(r.value_max),
                r.n_facts.map(|n| n.to_string()).unwrap_or_default(),
                r.n_docs.map(|n| n.to_string()).unwrap_or_default(),
                if r.conflict { "yes" } else { "" },
                opt(&r.flag),
                r.doc.as_deref().map(|d| doc_link(inp, d, span, "../")).unwrap_or_default()
            );
        }
        h.push_str("</tbody></table></main>");
        h.push_str(&tail(ctx, "metric", "../"));
        out.push((format!("metrics/{}", metric_page(m)), h));
    }
    out
}

fn anomaly_table(inp: &Input, rows: &[AnomalyRow], up: &str) -> String {
    let mut h = String::from(
        "<table><thead><tr><th>kind</th><th>metric</th><th>province</th><th>period</th><th>value</th><th>other</th><th>document</th><th>reason</th></tr></thead><tbody>",
    );
    for a in rows {
        let other = match (&a.other_doc, a.other_value) {
            (Some(d), v) => format!("{} in {}", num(v), doc_link(inp, d, None, up)),
            (None, v) => num(v),
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{other}</td><td>{}</td><td>{}</td></tr>",
            html(&a.kind),
            opt(&a.metric),
            opt(&a.province),
            opt(&a.period),
            num(a.value),
            doc_link(inp, &a.doc, a.char_start.zip(a.char_end), up),
            html(&a.reason)
        );
    }
    h.push_str("</tbody></table>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_pages_are_plain_names_or_hashes() {
        assert_eq!(metric_page("internet_subscribers"), "internet_subscribers.html");
        for bad in ["../x", "a b", "<m>", ""] {
            let p = metric_page(bad);
            assert_eq!(p.len(), 21, "{bad:?} → {p}");
        }
    }
}
