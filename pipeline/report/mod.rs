//! The review report: `DIR/report/`, static HTML pages rendered from an output's tables.
//!
//! Input: the Parquet tables of an output folder (this run's, an older one's, another
//! engine's; read by `tables`) and the catalog (units of the spec's metrics, for the
//! corrections export). Output: `DIR/report/index.html` (the overview: summary, charts,
//! coverage, anomalies, rejects), `metrics/ID.html` (a metric's chart and rows),
//! `documents.html`, `anomalies.html` and `docs/HASH.html` (a document's text with its facts
//! and mentions highlighted, and the review controls). Pages share `report.css` and `report.js` beside them;
//! SVG and data are inline; nothing is fetched from the network, so the folder opens from the
//! file system.
//! Invariants: the report is written into a staging folder and swapped into place under the
//! output's lock, so a reader never sees half a report and a failed report leaves the previous
//! one; the same tables give the same bytes (no clock, no randomness); every piece of text
//! from the tables is escaped.
//!
//! Corrections: the pages keep the reviewer's decisions in the browser's local storage and
//! export them as a gold JSONL file (`shared/spec/gold-format.md`) that `ictstat eval --gold`
//! reads: on each reviewed document, the facts not marked wrong (with their fixes) and the
//! figures added.

mod charts;
mod document;
mod escape;
mod overview;
mod spans;
mod tables;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::output::atomic::Staging;
use crate::output::guard::OutputLock;
use crate::{Error, Result};

pub(crate) const CSS: &str = include_str!("assets/report.css");
pub(crate) const JS: &str = include_str!("assets/report.js");

/// Which documents get a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pages {
    /// Every document up to [`AUTO_ALL_MAX`] documents; above, as [`Pages::Suspect`].
    #[default]
    Auto,
    /// Every document.
    All,
    /// Documents with anomalies or conflicts, and a sample of the others.
    Suspect,
}

/// Above this many documents, `--pages auto` writes pages only for suspect documents and a
/// sample: the report of a 500 000-document run stays a few hundred pages.
pub const AUTO_ALL_MAX: usize = 2000;

/// Documents whose texts, facts and mentions are held at once while their pages are written
/// (about 20 kB each): `--pages all` over half a million documents reads the tables in chunks.
const PAGE_CHUNK: usize = 10_000;

/// What to write.
#[derive(Debug, Clone)]
pub struct Options {
    pub pages: Pages,
    /// Documents sampled (by hash of their name, so the same ones every time) beside the
    /// suspect ones, when not every document gets a page.
    pub sample: usize,
    /// Documents held at once while their pages are written (`PAGE_CHUNK`).
    pub chunk: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pages: Pages::Auto,
            sample: 100,
            chunk: PAGE_CHUNK,
        }
    }
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Summary {
    pub index: PathBuf,
    pub documents: usize,
    pub pages: usize,
    pub bytes: u64,
}

impl Summary {
    pub fn render(&self) -> String {
        format!(
            "report    {} ({} document pages of {} documents, {:.1} MB)\n",
            self.index.display(),
            self.pages,
            self.documents,
            self.bytes as f64 / 1e6
        )
    }
}

/// What every page needs to know.
pub(crate) struct Context {
    pub run_id: String,
    pub version: String,
    /// Unit of every metric of the spec's catalog (the ids gold may use).
    pub spec_units: BTreeMap<String, String>,
    /// `spec_units` as JSON for the pages' script.
    pub units_json: String,
}

/// The name `eval` compares gold with: the document's base name (as `eval` reads facts).
pub(crate) fn gold_doc(doc: &str) -> String {
    doc.rsplit('/').next().unwrap_or(doc).to_string()
}

/// A number for people: integers grouped by thousands with thin spaces, others to 4 places.
///
/// ```text
/// fmt_num(1070000.0) == "1 070 000"; fmt_num(29.98) == "29.98"
/// ```
pub(crate) fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e18 {
        let s = format!("{}", v.abs() as u64);
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push('\u{202f}');
            }
            out.push(c);
        }
        return if v < 0.0 { format!("-{out}") } else { out };
    }
    format!("{v:.4}").trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The export and storage controls, on every page.
pub(crate) const EXPORT_HTML: &str = r#"<section id="export"><h2>Corrections</h2>
<p id="review-count" class="hint"></p>
<div class="buttons"><button type="button" id="btn-export">Export corrections (gold JSONL)</button>
<button type="button" id="btn-export-docs">Export reviewed documents (for --docs)</button>
<button type="button" id="btn-clear">Forget all decisions</button></div>
<p class="hint">Kept in this browser until exported. On a reviewed document, facts left unmarked count as right.
Then: <code>ictstat eval --gold corrections.jsonl --docs reviewed-docs.txt --out DIR</code>.</p>
<pre id="export-jsonl" hidden></pre><pre id="export-docs" hidden></pre></section>"#;

/// Write `dir/rel`, creating its folder; returns the bytes written.
fn write_file(dir: &Path, rel: &str, content: &str) -> Result<u64> {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create folder", parent, e))?;
    }
    std::fs::write(&p, content).map_err(|e| Error::io("cannot write", &p, e))?;
    Ok(content.len() as u64)
}

/// Write `out/report/`.
pub fn write(out: &Path, catalog: &Catalog, opts: &Options) -> Result<Summary> {
    if !out.join("documents.parquet").is_file() {
        return Err(Error::Usage(format!(
            "{} holds no documents.parquet: give the output folder of a run",
            out.display()
        )));
    }
    let out = crate::output::guard::canonical(out)?;
    let target = out.join("report");
    // a run swapping the output folder while the report is written would lose it
    let lock = OutputLock::acquire(&out)?;
    lock.remove_stale(&target);
    let (run_id, version) = tables::run_stamp(&out);
    let spec_units: BTreeMap<String, String> = catalog
        .metrics
        .iter()
        .filter(|m| m.in_spec)
        .map(|m| (m.id.clone(), m.unit.clone()))
        .collect();
    let ctx = Context {
        run_id: run_id.unwrap_or_else(|| "unknown".into()),
        version: version.unwrap_or_else(|| "unknown".into()),
        units_json: escape::json_for_script(&spec_units),
        spec_units,
    };

    let docs = tables::read_documents(&out)?;
    let anomalies = tables::read_anomalies(&out)?;
    let pm = tables::read_province_metrics(&out)?;
    let rejects = tables::read_rejects(&out)?;

    // which documents get a page
    let all = match opts.pages {
        Pages::All => true,
        Pages::Suspect => false,
        Pages::Auto => docs.len() <= AUTO_ALL_MAX,
    };
    let paged: HashSet<String> = if all {
        docs.iter().map(|d| d.doc.clone()).collect()
    } else {
        let mut s: HashSet<String> = anomalies
            .iter()
            .flat_map(|a| std::iter::once(a.doc.clone()).chain(a.other_doc.clone()))
            .chain(pm.iter().filter(|r| r.conflict).filter_map(|r| r.doc.clone()))
            .collect();
        let mut by_hash: Vec<(blake3::Hash, &str)> = docs
            .iter()
            .filter(|d| !s.contains(&d.doc))
            .map(|d| (blake3::hash(d.doc.as_bytes()), d.doc.as_str()))
            .collect();
        by_hash.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        s.extend(by_hash.into_iter().take(opts.sample).map(|(_, d)| d.to_string()));
        let known: HashSet<&str> = docs.iter().map(|d| d.doc.as_str()).collect();
        s.retain(|d| known.contains(d.as_str()));
        s
    };

    let staging = Staging::new(&target, &ctx.run_id)?;
    let dir = staging.dir().to_path_buf();
    let mut bytes = 0u64;
    let mut put = |rel: &str, content: &str| -> Result<()> {
        bytes += write_file(&dir, rel, content)?;
        Ok(())
    };
    put("report.css", CSS)?;
    put("report.js", JS)?;
    let mut anomalies_by_doc: HashMap<&str, Vec<&tables::AnomalyRow>> = HashMap::new();
    for a in &anomalies {
        anomalies_by_doc.entry(a.doc.as_str()).or_default().push(a);
    }

    // the paged documents in chunks, each read from the tables in one pass over facts,
    // mentions and texts: memory holds one chunk, whatever --pages asks for; the first pass
    // over the facts also counts all of them for the overview
    let paged_docs: Vec<&tables::DocRow> = docs.iter().filter(|d| paged.contains(&d.doc)).collect();
    let chunks: Vec<&[&tables::DocRow]> = if paged_docs.is_empty() {
        vec![&[]]
    } else {
        paged_docs.chunks(opts.chunk.max(1)).collect()
    };
    let mut stats = overview::FactStats::default();
    let mut pages = 0;
    for (ci, chunk) in chunks.iter().enumerate() {
        let want: HashSet<&str> = chunk.iter().map(|d| d.doc.as_str()).collect();
        let mut facts_by_doc: HashMap<String, Vec<tables::FactRow>> = HashMap::new();
        tables::each_fact(&out, |f| {
            if ci == 0 {
                stats.add(&f);
            }
            if want.contains(f.doc.as_str()) {
                facts_by_doc.entry(f.doc.clone()).or_default().push(f);
            }
        })?;
        if chunk.is_empty() {
            continue;
        }
        let mentions = tables::read_mentions(&out, |d| want.contains(d))?;
        let texts = tables::read_texts(&out, |d| want.contains(d))?;
        let mut mentions_by_doc: HashMap<&str, Vec<&tables::MentionRow>> = HashMap::new();
        for m in &mentions {
            mentions_by_doc.entry(m.doc.as_str()).or_default().push(m);
        }
        for d in chunk.iter() {
            let facts: Vec<&tables::FactRow> = facts_by_doc.get(&d.doc).map(|v| v.iter().collect()).unwrap_or_default();
            let text = texts.get(&d.doc).map(String::as_str).unwrap_or("");
            let html = document::page(
                &ctx,
                d,
                text,
                &facts,
                mentions_by_doc.get(d.doc.as_str()).map(Vec::as_slice).unwrap_or(&[]),
                anomalies_by_doc.get(d.doc.as_str()).map(Vec::as_slice).unwrap_or(&[]),
            );
            put(&format!("docs/{}", escape::page_name(&d.doc)), &html)?;
            pages += 1;
        }
    }
    let input = overview::Input {
        ctx: &ctx,
        docs: &docs,
        paged: &paged,
        all_paged: all,
        stats: &stats,
        pm: &pm,
        anomalies: &anomalies,
        rejects: &rejects,
    };
    for (rel, html) in overview::pages(&input) {
        put(&rel, &html)?;
    }
    staging.commit()?;
    drop(lock);
    Ok(Summary {
        index: target.join("index.html"),
        documents: docs.len(),
        pages,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `dir` with its bytes.
    fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
            .collect()
    }

    #[test]
    fn pages_written_chunk_by_chunk_are_the_pages_written_at_once() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let res = crate::config::Resources::load(None, None).unwrap();
        let cfg = crate::Config {
            inputs: vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/raw")],
            out: out.clone(),
            schemas_dir: None,
            provinces: None,
            threads: Some(1),
            batch_docs: 2,
            max_doc_bytes: 1 << 20,
            big_doc_bytes: crate::run::BIG_DOCUMENT_BYTES,
            big_docs_in_flight: crate::run::BIG_DOCUMENTS_IN_FLIGHT,
            progress: false,
            incremental: false,
            release_memory: None,
        }
        .validate()
        .unwrap();
        crate::run::run(&cfg, &res).unwrap();
        let all = |chunk| Options {
            pages: Pages::All,
            sample: 0,
            chunk,
        };
        let one = write(&out, &res.catalog, &all(1000)).unwrap();
        let at_once = files(&out.join("report"));
        let two = write(&out, &res.catalog, &all(2)).unwrap();
        assert_eq!((one.pages, two.pages), (5, 5));
        assert!(files(&out.join("report")) == at_once, "chunks of two documents give other pages");
        assert_eq!(one.bytes, two.bytes);
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        let cases = [
            (1_070_000.0, "1\u{202f}070\u{202f}000"),
            (29.98, "29.98"),
            (0.0, "0"),
            (-1500.0, "-1\u{202f}500"),
            (1.0 / 3.0, "0.3333"),
            (140e9, "140\u{202f}000\u{202f}000\u{202f}000"),
        ];
        for (v, want) in cases {
            assert_eq!(fmt_num(v), want, "{v}");
        }
    }

    #[test]
    fn gold_names_are_base_names() {
        assert_eq!(gold_doc("a/b/000_x.txt"), "000_x.txt");
        assert_eq!(gold_doc("id-17"), "id-17");
    }
}
