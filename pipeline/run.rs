//! The orchestrator: ordering, parallelism, streaming to the writers, the aggregate barrier,
//! the manifest and the atomic swap of the output folder.
//!
//! A reader thread walks the inputs in sorted order and sends bounded batches of raw documents
//! through a bounded channel; each batch is processed on the rayon pool (decode → clean →
//! extract → normalize, one document per task) and its rows go to the Parquet writers in input
//! order before the next batch is taken. Memory is bounded by the batch size and the channel
//! depth; the aggregate is a fold whose state grows with the number of province × period ×
//! metric groups, not with the corpus.
//! Invariant: rows come out in input order whatever the number of threads.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, Resources};
use crate::output::atomic::Staging;
use crate::output::parquet::{RunStamp, TableWriter};
use crate::output::rows::{self, BatchBuilder};
use crate::records::{DocOutput, DocumentRow, MentionRow, RawInput};
use crate::text::CharIndex;
use crate::{Error, Result, aggregate, clean, extract, ingest, normalize};

/// Time spent per stage, summed over workers.
#[derive(Debug, Default)]
struct StageClock {
    decode: AtomicU64,
    clean: AtomicU64,
    extract: AtomicU64,
    normalize: AtomicU64,
}

fn add(c: &AtomicU64, d: Duration) {
    c.fetch_add(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX), Ordering::Relaxed);
}

fn secs(c: &AtomicU64) -> f64 {
    c.load(Ordering::Relaxed) as f64 / 1e9
}

/// The per-document stages, in order. Pure apart from the clock.
pub fn process(raw: RawInput, res: &Resources) -> DocOutput {
    process_timed(raw, res, &StageClock::default())
}

fn process_timed(raw: RawInput, res: &Resources, clock: &StageClock) -> DocOutput {
    let t = Instant::now();
    let decoded = ingest::decode(raw);
    add(&clock.decode, t.elapsed());
    let raw = match decoded {
        Ok(r) => r,
        Err(rej) => return DocOutput::Rejected(rej),
    };
    let t = Instant::now();
    let (doc, _) = clean::clean(raw, &res.clean, &res.provinces, &res.outlets);
    add(&clock.clean, t.elapsed());
    let t = Instant::now();
    let (mentions, _) = extract::extract(&doc, res);
    add(&clock.extract, t.elapsed());
    let t = Instant::now();
    let idx = CharIndex::new(&doc.text);
    let (facts, _) = normalize::normalize(&doc, &mentions, &res.catalog, &res.provinces, &idx);
    let mention_rows: Vec<MentionRow> = mentions
        .into_iter()
        .map(|m| MentionRow {
            doc: doc.doc.clone(),
            raw: doc.text[m.start..m.end].to_string(),
            char_start: idx.char_of(m.start),
            char_end: idx.char_of(m.end),
            mention: m,
        })
        .collect();
    add(&clock.normalize, t.elapsed());
    let n_chars = idx.char_of(doc.text.len());
    DocOutput::Done {
        document: Box::new(DocumentRow {
            n_chars,
            n_mentions: mention_rows.len(),
            n_facts: facts.len(),
            clean: doc,
        }),
        mentions: mention_rows,
        facts,
    }
}

/// What a run did, for the summary screen and the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub run_id: String,
    pub out: String,
    pub files: usize,
    pub bytes_in: u64,
    pub documents: usize,
    pub rejects: usize,
    pub mentions: usize,
    pub facts: usize,
    pub province_metrics: usize,
    pub anomalies: usize,
    pub elapsed_s: f64,
    pub threads: usize,
}

impl RunSummary {
    /// The one-screen summary printed at the end of a run.
    pub fn render(&self) -> String {
        let mb = self.bytes_in as f64 / 1e6;
        let rate = if self.elapsed_s > 0.0 { mb / self.elapsed_s } else { 0.0 };
        format!(
            "ictstat run {}\n  output            {}\n  input             {} files, {:.1} MB\n  documents         {}\n  rejects           {}\n  mentions          {}\n  facts             {}\n  province_metrics  {}\n  anomalies         {}\n  time              {:.2} s ({:.1} MB/s, {} threads)\n",
            self.run_id,
            self.out,
            self.files,
            mb,
            self.documents,
            self.rejects,
            self.mentions,
            self.facts,
            self.province_metrics,
            self.anomalies,
            self.elapsed_s,
            rate,
            self.threads
        )
    }
}

#[derive(Serialize)]
struct TableEntry {
    file: String,
    rows: usize,
    schema_version: String,
}

#[derive(Serialize)]
struct Manifest<'a> {
    run_id: &'a str,
    ictstat_version: &'a str,
    started_utc: String,
    inputs: Vec<String>,
    files: usize,
    bytes_in: u64,
    threads: usize,
    schemas: &'a str,
    catalog_version: &'a str,
    lexicon_version: &'a str,
    units_version: &'a str,
    clean_version: &'a str,
    tables: std::collections::BTreeMap<&'a str, TableEntry>,
    stage_seconds: std::collections::BTreeMap<&'a str, f64>,
    elapsed_seconds: f64,
}

/// What the writer thread hands back: the open writers and the fold of the facts.
struct Written {
    w: DocWriters,
    acc: aggregate::Accumulator,
    n_docs: usize,
    n_rejects: usize,
    n_mentions: usize,
    n_facts: usize,
}

/// Writers of the per-document tables, with one batch builder each.
struct DocWriters {
    documents: (TableWriter, BatchBuilder),
    mentions: (TableWriter, BatchBuilder),
    facts: (TableWriter, BatchBuilder),
    rejects: (TableWriter, BatchBuilder),
}

const FLUSH_ROWS: usize = 8192;

fn flush(w: &mut (TableWriter, BatchBuilder), force: bool) -> Result<()> {
    if w.1.len() >= FLUSH_ROWS || (force && !w.1.is_empty()) {
        let batch = w.1.finish()?;
        w.0.write(&batch)?;
    }
    Ok(())
}

fn open(dir: &Path, name: &str, res: &Resources, stamp: &RunStamp) -> Result<(TableWriter, BatchBuilder)> {
    let t = res.table(name);
    Ok((
        TableWriter::create(&dir.join(format!("{name}.parquet")), t, stamp)?,
        BatchBuilder::new(t),
    ))
}

/// A fresh run id: UTC time and process id.
pub fn new_run_id() -> String {
    format!("{}-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"), std::process::id())
}

/// Run the whole pipeline.
pub fn run(cfg: &Config, res: &Resources) -> Result<RunSummary> {
    let started = Instant::now();
    let started_utc = chrono::Utc::now().to_rfc3339();
    let run_id = new_run_id();
    let stamp = RunStamp {
        run_id: run_id.clone(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let files = ingest::discover(&cfg.inputs)?;
    let bytes_in: u64 = files.iter().filter_map(|f| std::fs::metadata(&f.path).ok()).map(|m| m.len()).sum();
    let staging = Staging::new(&cfg.out, &run_id)?;
    let dir = staging.dir().to_path_buf();
    let w = DocWriters {
        documents: open(&dir, "documents", res, &stamp)?,
        mentions: open(&dir, "mentions", res, &stamp)?,
        facts: open(&dir, "facts", res, &stamp)?,
        rejects: open(&dir, "rejects", res, &stamp)?,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))?;
    let threads = pool.current_num_threads();
    let progress = progress_bar(cfg.progress, bytes_in);
    let clock = StageClock::default();
    let batch_docs = cfg.batch_docs;
    let max_bytes = cfg.max_doc_bytes;

    let written: Result<Written> = std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Vec<RawInput>>(2);
        let reader = scope.spawn(move || {
            let mut batch = Vec::with_capacity(batch_docs);
            let mut batch_bytes = 0usize;
            let mut closed = false;
            for f in &files {
                // bounded batches, by documents and by bytes, sent as soon as they fill: a
                // JSONL shard of many documents never sits in memory whole
                let mut emit = |raw: RawInput| {
                    if closed {
                        return;
                    }
                    batch_bytes += match &raw.payload {
                        crate::records::Payload::Bytes(b) | crate::records::Payload::JsonLine(b) => b.len(),
                        crate::records::Payload::Failed(_) => 0,
                    };
                    batch.push(raw);
                    if batch.len() >= batch_docs || batch_bytes >= 64 << 20 {
                        closed = tx.send(std::mem::replace(&mut batch, Vec::with_capacity(batch_docs))).is_err();
                        batch_bytes = 0;
                    }
                };
                ingest::read_file(f, max_bytes, &mut emit);
                if closed {
                    return files.len();
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            files.len()
        });
        // the writers run on their own thread, so the workers never wait for Parquet encoding
        let (otx, orx) = sync_channel::<Vec<DocOutput>>(2);
        let progress = &progress;
        let writer = scope.spawn(move || -> Result<Written> {
            let mut w = w;
            let mut acc = aggregate::Accumulator::new();
            let (mut n_docs, mut n_rejects, mut n_mentions, mut n_facts) = (0usize, 0usize, 0usize, 0usize);
            for outputs in orx {
                for out in outputs {
                    match out {
                        DocOutput::Done { document, mentions, facts } => {
                            n_docs += 1;
                            if let Some(p) = &progress {
                                p.inc(document.clean.text.len() as u64);
                            }
                            if let Some(f) = &document.clean.meta.date_flag {
                                acc.add_date_flag(&document.clean.doc, f);
                            }
                            let pref = document.clean.meta.province.as_ref().and_then(|p| res.provinces.by_name(&p.name));
                            rows::push_document(
                                &mut w.documents.1,
                                &document,
                                pref.map(|p| p.region.as_str()),
                                pref.map(|p| p.merged_2025_into.as_str()),
                            );
                            for m in &mentions {
                                rows::push_mention(&mut w.mentions.1, m);
                            }
                            n_mentions += mentions.len();
                            for f in &facts {
                                rows::push_fact(&mut w.facts.1, f);
                            }
                            n_facts += facts.len();
                            acc.add_document(&facts);
                        }
                        DocOutput::Rejected(r) => {
                            n_rejects += 1;
                            rows::push_reject(&mut w.rejects.1, &r);
                        }
                    }
                    flush(&mut w.documents, false)?;
                    flush(&mut w.mentions, false)?;
                    flush(&mut w.facts, false)?;
                    flush(&mut w.rejects, false)?;
                }
            }
            Ok(Written {
                w,
                acc,
                n_docs,
                n_rejects,
                n_mentions,
                n_facts,
            })
        });
        for batch in rx {
            let outputs: Vec<DocOutput> = pool.install(|| batch.into_par_iter().map(|raw| process_timed(raw, res, &clock)).collect());
            if otx.send(outputs).is_err() {
                break;
            }
        }
        drop(otx);
        reader.join().map_err(|_| Error::Aggregate("reader thread panicked".into()))?;
        writer.join().map_err(|_| Error::Aggregate("writer thread panicked".into()))?
    });
    let Written {
        w,
        acc,
        n_docs,
        n_rejects,
        n_mentions,
        n_facts,
    } = written?;
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    let mut counts = std::collections::BTreeMap::new();
    for (name, mut wr) in [
        ("documents", w.documents),
        ("mentions", w.mentions),
        ("facts", w.facts),
        ("rejects", w.rejects),
    ] {
        flush(&mut wr, true)?;
        counts.insert(name, wr.0.finish()?);
    }

    // the barrier: every document's facts are in
    let t = Instant::now();
    let (metrics, anomalies, _) = acc.finish(&res.catalog, &res.provinces)?;
    let aggregate_s = t.elapsed().as_secs_f64();
    let pm_table = res.table("province_metrics");
    let (mut pm_w, mut pm_b) = open(&dir, "province_metrics", res, &stamp)?;
    for m in &metrics {
        rows::push_province_metric(&mut pm_b, m, true);
    }
    pm_w.write(&pm_b.finish()?)?;
    counts.insert("province_metrics", pm_w.finish()?);
    // Hive-style partitions by year, the partition column living in the folder name
    let part_table = pm_table.without(&["year"]);
    let mut years: Vec<i32> = metrics.iter().map(|m| m.year).collect();
    years.sort_unstable();
    years.dedup();
    for y in years {
        let path = dir.join("province_metrics").join(format!("year={y}")).join("part-0.parquet");
        let mut pw = TableWriter::create(&path, &part_table, &stamp)?;
        let mut pb = BatchBuilder::new(&part_table);
        for m in metrics.iter().filter(|m| m.year == y) {
            rows::push_province_metric(&mut pb, m, false);
        }
        pw.write(&pb.finish()?)?;
        pw.finish()?;
    }
    let (mut an_w, mut an_b) = open(&dir, "anomalies", res, &stamp)?;
    for a in &anomalies {
        rows::push_anomaly(&mut an_b, a);
    }
    an_w.write(&an_b.finish()?)?;
    counts.insert("anomalies", an_w.finish()?);

    let elapsed = started.elapsed().as_secs_f64();
    let manifest = Manifest {
        run_id: &run_id,
        ictstat_version: env!("CARGO_PKG_VERSION"),
        started_utc,
        inputs: cfg.inputs.iter().map(|p| p.display().to_string()).collect(),
        files: counts.get("documents").copied().unwrap_or(0) + counts.get("rejects").copied().unwrap_or(0),
        bytes_in,
        threads,
        schemas: &res.schemas_origin,
        catalog_version: &res.catalog.version,
        lexicon_version: &res.lexicon.version,
        units_version: &res.lexicon.units_version,
        clean_version: &res.clean.version,
        tables: counts
            .iter()
            .map(|(k, v)| {
                (
                    *k,
                    TableEntry {
                        file: format!("{k}.parquet"),
                        rows: *v,
                        schema_version: res.table(k).version.clone(),
                    },
                )
            })
            .collect(),
        stage_seconds: [
            ("decode", secs(&clock.decode)),
            ("clean", secs(&clock.clean)),
            ("extract", secs(&clock.extract)),
            ("normalize", secs(&clock.normalize)),
            ("aggregate", aggregate_s),
        ]
        .into_iter()
        .collect(),
        elapsed_seconds: elapsed,
    };
    let manifest_path = dir.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| Error::Aggregate(e.to_string()))?;
    std::fs::write(&manifest_path, json + "\n").map_err(|e| Error::io("cannot write", &manifest_path, e))?;
    let out = staging.commit()?;
    Ok(RunSummary {
        run_id,
        out: out.display().to_string(),
        files: n_docs + n_rejects,
        bytes_in,
        documents: n_docs,
        rejects: n_rejects,
        mentions: n_mentions,
        facts: n_facts,
        province_metrics: metrics.len(),
        anomalies: anomalies.len(),
        elapsed_s: elapsed,
        threads,
    })
}

fn progress_bar(enabled: bool, total: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let p = indicatif::ProgressBar::new(total);
    p.set_style(
        indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(p)
}
