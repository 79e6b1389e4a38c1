//! A document's page: its cleaned text with every fact and mention highlighted, the facts to
//! step through, the review controls.
//!
//! Input: one `documents` row with its text, its `facts`, `mentions` and `anomalies` rows.
//! Output: one self-contained HTML page (CSS and JS inline; links to `../index.html`).
//! Invariants: every fact row of the document is one `data-fact` in the text (split into
//! pieces only where it crosses another highlight), or is listed as not placed when its span
//! lies outside the text; mentions with the span of a fact are not marked twice (their reason
//! becomes the fact's "why"); everything from the tables is escaped ([`super::escape`]).

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::escape::{html, json_for_script, safe_url};
use super::spans::{Mark, render};
use super::tables::{AnomalyRow, DocRow, FactRow, MentionRow};
use super::{Context, fmt_num, gold_doc};

/// A fact as the page's script sees it.
#[derive(Serialize)]
struct FactJs<'a> {
    id: usize,
    #[serde(flatten)]
    row: &'a FactRow,
    /// In the spec's catalog: exported as gold; ictstat's own ids are not.
    spec: bool,
    why: Option<&'a str>,
    placed: bool,
}

#[derive(Serialize)]
struct PageData<'a> {
    page: &'static str,
    run: &'a str,
    doc: &'a str,
    gold_doc: String,
    province: Option<&'a str>,
    period: Option<&'a str>,
    facts: Vec<FactJs<'a>>,
}

/// CSS class of a mention kind: letters, digits and `_` only.
fn kind_class(kind: &str) -> String {
    kind.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
        .collect()
}

fn status_class(f: &FactRow) -> String {
    let s = match f.status.as_deref() {
        Some("estimate") => "s-estimate",
        Some("target") => "s-target",
        _ => "s-actual",
    };
    if f.flag.is_some() { format!("{s} flagged") } else { s.to_string() }
}

/// What hovering a fact shows without script (the `title` tooltip), one field a line.
fn fact_tooltip(f: &FactRow, why: Option<&str>) -> String {
    let mut t = format!(
        "{} = {}{} {}",
        f.metric,
        f.value.map(fmt_num).unwrap_or_default(),
        f.value_high.map(|v| format!(" – {}", fmt_num(v))).unwrap_or_default(),
        f.unit.as_deref().unwrap_or("")
    );
    let fields = [
        ("of", f.of.map(fmt_num)),
        ("period", f.period.clone()),
        ("province", f.province.clone()),
        ("basis", f.basis.clone()),
        ("status", f.status.clone()),
        ("bound", f.bound.clone()),
        ("converted", f.converted.filter(|c| *c).map(|_| "yes".to_string())),
        (
            "flag",
            f.flag
                .as_ref()
                .map(|fl| format!("{fl}: {}", f.flag_reason.as_deref().unwrap_or(""))),
        ),
        ("growth", f.growth_pct.map(|g| format!("{}%", fmt_num(g)))),
        ("plan share", f.plan_share_pct.map(|g| format!("{}%", fmt_num(g)))),
        ("why", why.map(str::to_string)),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            let _ = write!(t, "\n{k}: {v}");
        }
    }
    t
}

/// Render one document's page.
pub(crate) fn page(
    ctx: &Context,
    doc: &DocRow,
    text: &str,
    facts: &[&FactRow],
    mentions: &[&MentionRow],
    anomalies: &[&AnomalyRow],
) -> String {
    let span = |s: Option<i64>, e: Option<i64>| -> Option<(usize, usize)> { Some((usize::try_from(s?).ok()?, usize::try_from(e?).ok()?)) };
    // a metric mention with exactly a fact's span is that fact: its reason is the fact's "why"
    let mut by_span: HashMap<(usize, usize), &MentionRow> = HashMap::new();
    for m in mentions {
        if let Some(sp) = span(m.char_start, m.char_end) {
            by_span.entry(sp).or_insert(m);
        }
    }
    let fact_spans: std::collections::HashSet<(usize, usize)> = facts.iter().filter_map(|f| span(f.char_start, f.char_end)).collect();
    let mut marks = Vec::with_capacity(facts.len() + mentions.len());
    let mut whys = Vec::with_capacity(facts.len());
    for (i, f) in facts.iter().enumerate() {
        let sp = span(f.char_start, f.char_end);
        let why = sp.and_then(|s| by_span.get(&s)).and_then(|m| m.reason.as_deref());
        whys.push(why);
        let (start, end) = sp.unwrap_or((1, 0));
        let (cls, tip) = (status_class(f), html(&fact_tooltip(f, why)));
        marks.push(Mark {
            start,
            end,
            first: format!("<mark class=\"f {cls}\" id=\"f-{i}\" data-fact=\"{i}\" tabindex=\"0\" title=\"{tip}\">"),
            rest: format!("<mark class=\"f {cls} cont\" data-fact=\"{i}\" title=\"{tip}\">"),
        });
    }
    for m in mentions {
        let Some((start, end)) = span(m.char_start, m.char_end) else {
            continue;
        };
        if fact_spans.contains(&(start, end)) {
            continue;
        }
        let kind = if m.kind == "metric" { "metric (no fact)" } else { m.kind.as_str() };
        let metric = m.metric.as_deref().map(|x| format!(" {x}")).unwrap_or_default();
        let tip = html(&format!("{kind}{metric}: {}", m.reason.as_deref().unwrap_or("")));
        let open = format!("<mark class=\"m k-{}\" title=\"{tip}\">", kind_class(&m.kind));
        marks.push(Mark {
            start,
            end,
            first: open.clone(),
            rest: open,
        });
    }
    let (body, unplaced) = render(text, &marks);
    let unplaced: std::collections::HashSet<usize> = unplaced.into_iter().collect();

    let title = doc
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| doc.doc.clone());
    let data = PageData {
        page: "doc",
        run: &ctx.run_id,
        doc: &doc.doc,
        gold_doc: gold_doc(&doc.doc),
        province: doc.province.as_deref(),
        period: doc.period.as_deref(),
        facts: facts
            .iter()
            .enumerate()
            .map(|(i, f)| FactJs {
                id: i,
                row: f,
                spec: ctx.spec_units.contains_key(&f.metric),
                why: whys[i],
                placed: !unplaced.contains(&i),
            })
            .collect(),
    };

    let mut h = String::with_capacity(body.len() * 2 + 16_384);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"../report.css\"></head>\n<body data-page=\"doc\">\n",
        html(&title),
    );
    let _ = write!(
        h,
        "<header><nav><a href=\"../index.html\">← overview</a> · <a href=\"../documents.html\">documents</a></nav><h1>{}</h1><p class=\"meta\">",
        html(&title)
    );
    let mut meta = vec![format!("<code>{}</code>", html(&doc.doc))];
    if let Some(u) = &doc.url {
        meta.push(match safe_url(u) {
            Some(ok) => format!("<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>", html(ok), html(ok)),
            None => format!(
                "<span class=\"unsafe-url\" title=\"not a web address: shown as text\">{}</span>",
                html(u)
            ),
        });
    }
    for (k, v) in [
        ("source", &doc.source),
        ("outlet", &doc.outlet),
        ("published", &doc.published),
        ("province", &doc.province),
        ("period", &doc.period),
    ] {
        if let Some(v) = v {
            meta.push(format!("{k} <b>{}</b>", html(v)));
        }
    }
    meta.push(format!("{} facts", facts.len()));
    h.push_str(&meta.join(" · "));
    h.push_str("</p>");
    if !anomalies.is_empty() {
        h.push_str("<ul class=\"anomalies\">");
        for a in anomalies {
            let link = match (a.char_start, a.char_end) {
                (Some(s), Some(e)) => format!(" <a href=\"#at={s}-{e}\">show</a>"),
                _ => String::new(),
            };
            let _ = write!(h, "<li><b>{}</b> {}{link}</li>", html(&a.kind), html(&a.reason));
        }
        h.push_str("</ul>");
    }
    h.push_str(
        "<p class=\"legend\"><mark class=\"f s-actual\">actual</mark> <mark class=\"f s-estimate\">estimate</mark> \
         <mark class=\"f s-target\">target</mark> <mark class=\"f s-actual flagged\">flagged</mark> \
         <mark class=\"m\">other number (hover: what it was judged to be)</mark> · keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous fact, \
         <kbd>r</kbd> right, <kbd>w</kbd> wrong, <kbd>a</kbd> add the selected text</p></header>\n<main class=\"doc\">\n",
    );
    let _ = write!(
        h,
        "<article id=\"text\" class=\"text\" lang=\"vi\">{body}</article>\n<aside id=\"side\">"
    );
    h.push_str("<section id=\"detail\" aria-live=\"polite\"><p class=\"hint\">Focus or hover a figure to see its fields.</p></section>");
    h.push_str(REVIEW_HTML);
    h.push_str("<h2>Facts</h2><ol id=\"facts\">");
    for (i, f) in facts.iter().enumerate() {
        let note = if unplaced.contains(&i) {
            " <em class=\"warn\">(span outside the text)</em>"
        } else {
            ""
        };
        let own = if ctx.spec_units.contains_key(&f.metric) {
            ""
        } else {
            " <em title=\"an id of ictstat's own: not exported as gold\">(own id)</em>"
        };
        let _ = write!(
            h,
            "<li data-ref=\"{i}\" class=\"{}\"><a href=\"#f-{i}\">{}</a> {} {} · {} · {}{}{own}{note}</li>",
            status_class(f),
            html(&f.metric),
            f.value.map(fmt_num).unwrap_or_default(),
            html(f.unit.as_deref().unwrap_or("")),
            html(f.period.as_deref().unwrap_or("?")),
            html(f.status.as_deref().unwrap_or("")),
            f.flag
                .as_deref()
                .map(|fl| format!(" · <b class=\"warn\">{}</b>", html(fl)))
                .unwrap_or_default(),
        );
    }
    h.push_str("</ol>");
    h.push_str(super::EXPORT_HTML);
    h.push_str("</aside></main>\n");
    let _ = write!(
        h,
        "<script type=\"application/json\" id=\"data\">{}</script>\n<script type=\"application/json\" id=\"units\">{}</script>\n<script src=\"../report.js\"></script>\n</body></html>\n",
        json_for_script(&data),
        ctx.units_json,
    );
    h
}

/// The review controls of a document page (the script wires them).
const REVIEW_HTML: &str = r#"<section id="review"><h2>Review</h2>
<p id="current" class="hint">No fact selected.</p>
<div class="buttons"><button type="button" id="btn-right" disabled>Right <kbd>r</kbd></button>
<button type="button" id="btn-wrong" disabled>Wrong <kbd>w</kbd></button>
<button type="button" id="btn-fix" disabled>Fix a field…</button>
<button type="button" id="btn-add">Add selected text as a missed figure <kbd>a</kbd></button></div>
<form id="fix-form" hidden><label>field <select id="fix-field"><option>metric</option><option>value</option><option>value_high</option><option>of</option><option>unit</option><option>province</option><option>period</option><option>basis</option><option>status</option><option>bound</option><option>converted</option><option>flag</option></select></label>
<label>value <input id="fix-value" size="16"></label> <button type="submit" id="fix-save">Save fix</button> <button type="button" id="fix-cancel">Cancel</button></form>
<form id="add-form" hidden><p id="add-raw"></p>
<label>metric <input id="add-metric" list="metric-ids" size="28" required></label>
<label>value <input id="add-value" size="14" required></label>
<label>unit <input id="add-unit" size="14"></label>
<label>province <input id="add-province" size="14"></label>
<label>period <input id="add-period" size="9"></label>
<label>status <select id="add-status"><option>actual</option><option>estimate</option><option>target</option></select></label>
<label>basis <select id="add-basis"><option value=""></option><option>stock</option><option>flow</option></select></label>
<button type="submit" id="add-save">Save figure</button> <button type="button" id="add-cancel">Cancel</button><datalist id="metric-ids"></datalist></form>
<p id="review-msg" class="hint" role="status"></p>
<h3>Added figures</h3><ul id="added"></ul></section>"#;
