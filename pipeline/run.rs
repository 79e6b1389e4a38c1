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

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use arrow::array::RecordBatch;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::batch::DocNames;
use crate::config::{Config, Resources, TABLES};
use crate::incremental::{self, IncrementalReport, Matcher, PrevTables, Previous, TableEntry};
use crate::output::atomic::Staging;
use crate::output::parquet::{RunStamp, TableWriter};
use crate::output::rows::{self, BatchBuilder};
use crate::process::{StageClock, process_guarded};
use crate::records::{DocOutput, Payload, RawInput};
use crate::{Error, Result, aggregate, ingest};

fn secs(c: &std::sync::atomic::AtomicU64) -> f64 {
    c.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e9
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
    /// Set by `--incremental`: what was reused.
    pub incremental: Option<IncrementalReport>,
}

impl RunSummary {
    /// The one-screen summary printed at the end of a run.
    pub fn render(&self) -> String {
        let mb = self.bytes_in as f64 / 1e6;
        let rate = if self.elapsed_s > 0.0 { mb / self.elapsed_s } else { 0.0 };
        format!(
            "ictstat run {}\n  output            {}\n  input             {} files, {:.1} MB\n  documents         {}\n  rejects           {}\n  mentions          {}\n  facts             {}\n  province_metrics  {}\n  anomalies         {}\n  time              {:.2} s ({:.1} MB/s, {:.0} documents/s, {} threads)\n",
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
            if self.elapsed_s > 0.0 {
                (self.documents + self.rejects) as f64 / self.elapsed_s
            } else {
                0.0
            },
            self.threads
        ) + &match &self.incremental {
            None => String::new(),
            Some(r) if r.mode == "full" => format!(
                "  incremental       full run: {}\n",
                r.reason.as_deref().unwrap_or("nothing to reuse")
            ),
            Some(r) => format!(
                "  incremental       {} of {} inputs reused from run {} ({}), {} processed\n",
                r.reused,
                r.reused + r.processed,
                r.base_run_id.as_deref().unwrap_or("?"),
                r.mode,
                r.processed
            ),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    run_id: String,
    ictstat_version: String,
    started_utc: String,
    inputs: Vec<String>,
    files: usize,
    bytes_in: u64,
    threads: usize,
    schemas: String,
    /// See [`Resources::fingerprint`]: an incremental run reuses rows only when it matches.
    fingerprint: String,
    catalog_version: String,
    lexicon_version: String,
    units_version: String,
    clean_version: String,
    tables: BTreeMap<String, TableEntry>,
    /// BLAKE3 of every file of the output but this manifest: an incremental run reuses nothing
    /// that changed on disk.
    checksums: BTreeMap<String, String>,
    stage_seconds: BTreeMap<String, f64>,
    elapsed_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    incremental: Option<IncrementalReport>,
}

/// One input unit on its way from the reader to the writers.
// `Fresh` is the common case and lives in short batches: boxing it would add an allocation per
// document to save a few bytes on the rare reused one
#[allow(clippy::large_enum_variant)]
enum Item {
    /// Read, to be processed.
    Fresh(RawInput, UnitInfo),
    /// Unchanged since the previous run: its rows are copied from there (previous unit index).
    Reused(u32, usize),
}

/// What the `inputs` ledger needs of a processed unit besides its outcome.
struct UnitInfo {
    input: String,
    hash: Option<String>,
    bytes: usize,
}

enum Out {
    Fresh(DocOutput, UnitInfo),
    Reused(u32, usize),
}

/// One output table: rows built here, or batches copied from the previous output, in order.
struct Sink {
    writer: TableWriter,
    rows: BatchBuilder,
    copied: Vec<RecordBatch>,
    copied_rows: usize,
    schema: arrow::datatypes::SchemaRef,
}

const FLUSH_ROWS: usize = 8192;

impl Sink {
    fn open(dir: &Path, name: &str, res: &Resources, stamp: &RunStamp) -> Result<Self> {
        let t = res.table(name);
        Ok(Sink {
            writer: TableWriter::create(&dir.join(format!("{name}.parquet")), t, stamp)?,
            rows: BatchBuilder::new(t),
            copied: Vec::new(),
            copied_rows: 0,
            schema: t.arrow_schema(),
        })
    }

    /// The builder for new rows; copied rows before them are written first, to keep the order.
    fn rows(&mut self) -> Result<&mut BatchBuilder> {
        self.flush_copied()?;
        Ok(&mut self.rows)
    }

    fn copy(&mut self, batches: Vec<RecordBatch>) -> Result<()> {
        if !self.rows.is_empty() {
            let b = self.rows.finish()?;
            self.writer.write(&b)?;
        }
        for b in batches {
            self.copied_rows += b.num_rows();
            self.copied.push(b);
        }
        if self.copied_rows >= FLUSH_ROWS {
            self.flush_copied()?;
        }
        Ok(())
    }

    fn flush_copied(&mut self) -> Result<()> {
        if self.copied.is_empty() {
            return Ok(());
        }
        let b = arrow::compute::concat_batches(&self.schema, &self.copied).map_err(|e| Error::Schema {
            table: self.writer.table_name().to_string(),
            reason: e.to_string(),
        })?;
        self.copied.clear();
        self.copied_rows = 0;
        self.writer.write(&b)
    }

    fn flush(&mut self) -> Result<()> {
        if self.rows.len() >= FLUSH_ROWS {
            let b = self.rows.finish()?;
            self.writer.write(&b)?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<usize> {
        self.flush_copied()?;
        if !self.rows.is_empty() {
            let b = self.rows.finish()?;
            self.writer.write(&b)?;
        }
        self.writer.finish()
    }
}

/// Writers of the per-document tables.
struct DocSinks {
    documents: Sink,
    mentions: Sink,
    facts: Sink,
    rejects: Sink,
    inputs: Sink,
}

/// What the writer thread hands back: the open writers and the fold of the facts.
struct Written {
    w: DocSinks,
    acc: aggregate::Accumulator,
    n_docs: usize,
    n_rejects: usize,
    n_mentions: usize,
    n_facts: usize,
    reused: usize,
    processed: usize,
}

/// A fresh run id: UTC time and process id.
pub fn new_run_id() -> String {
    format!("{}-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"), std::process::id())
}

struct RunContext<'a> {
    cfg: &'a Config,
    res: &'a Resources,
    run_id: String,
    started: Instant,
    started_utc: String,
    stamp: RunStamp,
    files: Vec<ingest::InputFile>,
    bytes_in: u64,
    threads: usize,
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
    // one run per output: the lock is held until the swap is done
    let lock = crate::output::guard::OutputLock::acquire(&cfg.out)?;
    lock.remove_stale(&cfg.out);
    let files = ingest::discover(&cfg.inputs)?;
    let bytes_in: u64 = files.iter().filter_map(|f| std::fs::metadata(&f.path).ok()).map(|m| m.len()).sum();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))?;
    let ctx = RunContext {
        cfg,
        res,
        run_id,
        started,
        started_utc,
        stamp,
        files,
        bytes_in,
        threads: pool.current_num_threads(),
    };
    if !cfg.incremental {
        return run_stream(&ctx, &pool, None);
    }
    match incremental::load(&cfg.out, res) {
        Err(reason) => {
            let report = IncrementalReport {
                mode: "full".into(),
                reason: Some(reason),
                ..IncrementalReport::default()
            };
            run_stream(&ctx, &pool, Some(Base::Full(report)))
        }
        Ok((prev, _)) if incremental::unchanged(&prev, &ctx.files, cfg.max_doc_bytes) => run_unchanged(&ctx, &prev),
        Ok((prev, readers)) => match run_stream(&ctx, &pool, Some(Base::Merge(prev, Box::new(readers)))) {
            Err(Error::ReuseConflict(reason)) => {
                let report = IncrementalReport {
                    mode: "full".into(),
                    reason: Some(format!("rows could not be reused: {reason}")),
                    ..IncrementalReport::default()
                };
                run_stream(&ctx, &pool, Some(Base::Full(report)))
            }
            other => other,
        },
    }
}

/// What an incremental run starts from.
enum Base {
    Full(IncrementalReport),
    /// The previous output and its per-document tables, opened once by the load.
    Merge(Previous, Box<PrevTables>),
}

/// Every input is as it was: the previous tables are the result, shared by hard links.
fn run_unchanged(ctx: &RunContext<'_>, prev: &Previous) -> Result<RunSummary> {
    let staging = Staging::new(&ctx.cfg.out, &ctx.run_id)?;
    incremental::link_previous(prev, staging.dir())?;
    let rows = |t: &str| prev.tables.get(t).map_or(0, |e| e.rows);
    let report = IncrementalReport {
        mode: "unchanged".into(),
        reason: None,
        base_run_id: Some(prev.run_id.clone()),
        reused: prev.units.len(),
        processed: 0,
    };
    let counts: BTreeMap<&str, usize> = TABLES.iter().map(|t| (*t, rows(t))).collect();
    write_manifest(ctx, staging.dir(), &counts, &StageClock::default(), 0.0, Some(report.clone()))?;
    let out = staging.commit()?;
    Ok(RunSummary {
        run_id: ctx.run_id.clone(),
        out: out.display().to_string(),
        files: ctx.files.len(),
        bytes_in: ctx.bytes_in,
        documents: rows("documents"),
        rejects: rows("rejects"),
        mentions: rows("mentions"),
        facts: rows("facts"),
        province_metrics: rows("province_metrics"),
        anomalies: rows("anomalies"),
        elapsed_s: ctx.started.elapsed().as_secs_f64(),
        threads: ctx.threads,
        incremental: Some(report),
    })
}

/// Append the ledger row of a processed unit.
fn push_input(b: &mut BatchBuilder, out: &DocOutput, info: &UnitInfo) {
    let (source, line, outcome, doc, n_m, n_f) = match out {
        DocOutput::Done { document, mentions, facts } => (
            &document.clean.source,
            document.clean.line,
            "document",
            Some(document.clean.doc.as_str()),
            mentions.len(),
            facts.len(),
        ),
        DocOutput::Rejected(r) => (&r.source, r.line, "reject", r.doc.as_deref(), 0, 0),
    };
    b.row()
        .s(source)
        .oi64(line.map(|l| i64::try_from(l).unwrap_or(i64::MAX)))
        .s(&info.input)
        .os(info.hash.as_deref())
        .s(outcome)
        .os(doc)
        .i32(i32::try_from(n_m).unwrap_or(i32::MAX))
        .i32(i32::try_from(n_f).unwrap_or(i32::MAX));
}

/// The name, date flag and date of every row of a reused `documents` batch: what the
/// aggregate needs besides the facts.
type DocDates = (Option<String>, Option<String>, Option<chrono::NaiveDate>);

fn doc_dates(batch: &RecordBatch) -> Vec<DocDates> {
    use arrow::array::{Array, Date32Array, StringArray};
    let s = |c: &str| batch.column_by_name(c).and_then(|a| a.as_any().downcast_ref::<StringArray>());
    let d = |c: &str| batch.column_by_name(c).and_then(|a| a.as_any().downcast_ref::<Date32Array>());
    let (doc, flag, published, event) = (s("doc"), s("date_flag"), d("published"), d("event_date"));
    let str_at = |a: Option<&StringArray>, i: usize| a.filter(|a| !a.is_null(i)).map(|a| a.value(i).to_string());
    let date_at = |a: Option<&Date32Array>, i: usize| a.filter(|a| !a.is_null(i)).and_then(|a| a.value_as_date(i));
    (0..batch.num_rows())
        .map(|i| (str_at(doc, i), str_at(flag, i), date_at(published, i).or_else(|| date_at(event, i))))
        .collect()
}

/// Rows copied from the previous output: (documents, rejects, mentions, facts).
type Copied = (usize, usize, usize, usize);

/// Longest run of reused units copied at once: bounds the rows held between reading and writing.
const MAX_RUN: u32 = 512;

fn add4(a: Copied, b: Copied) -> Copied {
    (a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3)
}

/// Copy the rows of the previous units `first .. first + count` (consecutive, so every table's
/// rows are one range) and fold their facts into the aggregate, document by document.
fn copy_run(
    prev: &Previous,
    t: &mut PrevTables,
    w: &mut DocSinks,
    acc: &mut aggregate::Accumulator,
    first: u32,
    count: u32,
    names: &mut DocNames,
) -> Result<Copied> {
    let units = &prev.units[first as usize..(first + count) as usize];
    let mut got = Vec::new();
    t.inputs.take(u64::from(first), u64::from(count), &mut got)?;
    w.inputs.copy(std::mem::take(&mut got))?;
    let docs: Vec<&incremental::Unit> = units.iter().filter(|u| u.document).collect();
    let (mut n_mentions, mut n_facts) = (0usize, 0usize);
    if let Some(u0) = docs.first() {
        t.documents.take(u0.row, docs.len() as u64, &mut got)?;
        let dates: Vec<DocDates> = got.iter().flat_map(doc_dates).collect();
        for (doc, _, _) in &dates {
            // a new input earlier in the order took this document's id: a full run would
            // reject this one, so the merge cannot reuse it
            if let Some(doc) = doc
                && !names.insert(doc)
            {
                return Err(Error::ReuseConflict(format!("the id {doc:?} is now also used by an earlier input")));
            }
        }
        w.documents.copy(std::mem::take(&mut got))?;
        let nm: u64 = docs.iter().map(|u| u.n_mentions).sum();
        t.mentions.take(u0.mention_start, nm, &mut got)?;
        w.mentions.copy(std::mem::take(&mut got))?;
        let nf: u64 = docs.iter().map(|u| u.n_facts).sum();
        t.facts.take(u0.fact_start, nf, &mut got)?;
        let mut facts = Vec::with_capacity(nf as usize);
        for b in &got {
            facts.extend(rows::facts_from_batch(b)?);
        }
        w.facts.copy(std::mem::take(&mut got))?;
        if dates.len() != docs.len() || facts.len() as u64 != nf {
            return Err(Error::Aggregate(format!(
                "previous output {} does not match its ledger",
                prev.dir.display()
            )));
        }
        let mut off = 0;
        for (u, (doc, flag, published)) in docs.iter().zip(dates) {
            if let (Some(doc), Some(flag)) = (&doc, &flag) {
                acc.add_date_flag(doc, flag);
            }
            let mine = &mut facts[off..off + u.n_facts as usize];
            for f in mine.iter_mut() {
                f.published = published;
            }
            acc.add_document(mine);
            off += u.n_facts as usize;
        }
        (n_mentions, n_facts) = (nm as usize, nf as usize);
    }
    let n_rejects = units.len() - docs.len();
    if let Some(r0) = units.iter().find(|u| !u.document) {
        t.rejects.take(r0.row, n_rejects as u64, &mut got)?;
        w.rejects.copy(got)?;
    }
    Ok((docs.len(), n_rejects, n_mentions, n_facts))
}

/// The streaming run: read, process (or reuse), write, fold; then the aggregate barrier.
fn run_stream(ctx: &RunContext<'_>, pool: &rayon::ThreadPool, base: Option<Base>) -> Result<RunSummary> {
    let (cfg, res, stamp) = (ctx.cfg, ctx.res, &ctx.stamp);
    let staging = Staging::new(&cfg.out, &ctx.run_id)?;
    let dir = staging.dir().to_path_buf();
    let w = DocSinks {
        documents: Sink::open(&dir, "documents", res, stamp)?,
        mentions: Sink::open(&dir, "mentions", res, stamp)?,
        facts: Sink::open(&dir, "facts", res, stamp)?,
        rejects: Sink::open(&dir, "rejects", res, stamp)?,
        inputs: Sink::open(&dir, "inputs", res, stamp)?,
    };
    let (prev, mut prev_tables, full_report) = match base {
        Some(Base::Merge(p, t)) => (Some(p), Some(*t), None),
        Some(Base::Full(r)) => (None, None, Some(r)),
        None => (None, None, None),
    };
    let progress = progress_bar(cfg.progress, ctx.bytes_in);
    let clock = StageClock::default();
    let batch_docs = cfg.batch_docs;
    let max_bytes = cfg.max_doc_bytes;
    let files = &ctx.files;
    let prev_ref = prev.as_ref();

    let written: Result<Written> = std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Vec<Item>>(2);
        let reader = scope.spawn(move || {
            let mut matcher = prev_ref.map(Matcher::new);
            let mut batch = Vec::with_capacity(batch_docs);
            let mut batch_bytes = 0usize;
            let mut closed = false;
            for f in files {
                // bounded batches, by documents and by bytes, sent as soon as they fill: a
                // JSONL shard of many documents never sits in memory whole
                let mut emit = |raw: RawInput| {
                    if closed {
                        return;
                    }
                    let bytes = match &raw.payload {
                        Payload::Bytes(b) | Payload::JsonLine(b) => b.len(),
                        Payload::Failed(_) => 0,
                    };
                    let hash = incremental::content_hash(&raw);
                    match matcher.as_mut().and_then(|m| m.decide(&raw, hash.as_ref())) {
                        Some(idx) => batch.push(Item::Reused(idx, bytes)),
                        None => {
                            batch_bytes += bytes;
                            let info = UnitInfo {
                                input: raw.doc.clone(),
                                hash: hash.map(|h| h.to_hex().to_string()),
                                bytes,
                            };
                            batch.push(Item::Fresh(raw, info));
                        }
                    }
                    if batch.len() >= batch_docs || batch_bytes >= 64 << 20 {
                        closed = tx.send(std::mem::replace(&mut batch, Vec::with_capacity(batch_docs))).is_err();
                        batch_bytes = 0;
                    }
                };
                ingest::read_file(f, max_bytes, &mut emit);
                if closed {
                    return;
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        });
        // the writers run on their own thread, so the workers never wait for Parquet encoding
        let (otx, orx) = sync_channel::<Vec<Out>>(2);
        let progress = &progress;
        let prev_tables = &mut prev_tables;
        let writer = scope.spawn(move || -> Result<Written> {
            let mut w = w;
            let mut acc = aggregate::Accumulator::new();
            let (mut n_docs, mut n_rejects, mut n_mentions, mut n_facts) = (0usize, 0usize, 0usize, 0usize);
            let (mut reused, mut processed) = (0usize, 0usize);
            let mut run: Option<(u32, u32)> = None;
            let mut copied: Copied = (0, 0, 0, 0);
            let mut names = DocNames::default();
            let mut flush_run =
                |w: &mut DocSinks, acc: &mut aggregate::Accumulator, first: u32, count: u32, names: &mut DocNames| -> Result<Copied> {
                    let (Some(prev), Some(t)) = (prev_ref, prev_tables.as_mut()) else {
                        return Err(Error::Aggregate("a reused unit without a previous output".into()));
                    };
                    copy_run(prev, t, w, acc, first, count, names)
                };
            for outputs in orx {
                for out in outputs {
                    match out {
                        Out::Fresh(out, info) => {
                            if let Some((first, count)) = run.take() {
                                copied = add4(copied, flush_run(&mut w, &mut acc, first, count, &mut names)?);
                            }
                            let out = names.admit(out);
                            processed += 1;
                            if let Some(p) = &progress {
                                p.inc(info.bytes as u64);
                            }
                            push_input(w.inputs.rows()?, &out, &info);
                            match out {
                                DocOutput::Done { document, mentions, facts } => {
                                    n_docs += 1;
                                    if let Some(f) = &document.clean.meta.date_flag {
                                        acc.add_date_flag(&document.clean.doc, f);
                                    }
                                    let pref = document.clean.meta.province.as_ref().and_then(|p| res.provinces.by_name(&p.name));
                                    rows::push_document(
                                        w.documents.rows()?,
                                        &document,
                                        pref.map(|p| p.region.as_str()),
                                        pref.map(|p| p.merged_2025_into.as_str()),
                                    );
                                    let b = w.mentions.rows()?;
                                    for m in &mentions {
                                        rows::push_mention(b, m);
                                    }
                                    n_mentions += mentions.len();
                                    let b = w.facts.rows()?;
                                    for f in &facts {
                                        rows::push_fact(b, f);
                                    }
                                    n_facts += facts.len();
                                    acc.add_document(&facts);
                                }
                                DocOutput::Rejected(r) => {
                                    n_rejects += 1;
                                    rows::push_reject(w.rejects.rows()?, &r);
                                }
                            }
                        }
                        Out::Reused(idx, bytes) => {
                            reused += 1;
                            if let Some(p) = &progress {
                                p.inc(bytes as u64);
                            }
                            // consecutive reused units are copied as one range per table
                            run = match run {
                                Some((first, count)) if first + count == idx && count < MAX_RUN => Some((first, count + 1)),
                                other => {
                                    if let Some((first, count)) = other {
                                        copied = add4(copied, flush_run(&mut w, &mut acc, first, count, &mut names)?);
                                    }
                                    Some((idx, 1))
                                }
                            };
                        }
                    }
                    for s in [&mut w.documents, &mut w.mentions, &mut w.facts, &mut w.rejects, &mut w.inputs] {
                        s.flush()?;
                    }
                }
            }
            if let Some((first, count)) = run.take() {
                copied = add4(copied, flush_run(&mut w, &mut acc, first, count, &mut names)?);
            }
            Ok(Written {
                w,
                acc,
                n_docs: n_docs + copied.0,
                n_rejects: n_rejects + copied.1,
                n_mentions: n_mentions + copied.2,
                n_facts: n_facts + copied.3,
                reused,
                processed,
            })
        });
        for batch in rx {
            let outputs: Vec<Out> = pool.install(|| {
                batch
                    .into_par_iter()
                    .map(|item| match item {
                        Item::Fresh(raw, info) => Out::Fresh(process_guarded(raw, res, &clock), info),
                        Item::Reused(idx, bytes) => Out::Reused(idx, bytes),
                    })
                    .collect()
            });
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
        reused,
        processed,
    } = written?;
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    let mut counts = BTreeMap::new();
    for (name, sink) in [
        ("documents", w.documents),
        ("mentions", w.mentions),
        ("facts", w.facts),
        ("rejects", w.rejects),
        ("inputs", w.inputs),
    ] {
        counts.insert(name, sink.finish()?);
    }

    // the barrier: every document's facts are in
    let t = Instant::now();
    let (metrics, anomalies, _) = acc.finish(&res.catalog, &res.provinces)?;
    let aggregate_s = t.elapsed().as_secs_f64();
    write_aggregate(&dir, res, stamp, &metrics, &anomalies, &mut counts)?;

    let report = match (&prev, full_report) {
        (Some(p), _) => Some(IncrementalReport {
            mode: "merged".into(),
            reason: None,
            base_run_id: Some(p.run_id.clone()),
            reused,
            processed,
        }),
        (None, Some(r)) => Some(IncrementalReport { processed, ..r }),
        (None, None) => None,
    };
    write_manifest(ctx, &dir, &counts, &clock, aggregate_s, report.clone())?;
    let out = staging.commit()?;
    Ok(RunSummary {
        run_id: ctx.run_id.clone(),
        out: out.display().to_string(),
        files: ctx.files.len(),
        bytes_in: ctx.bytes_in,
        documents: n_docs,
        rejects: n_rejects,
        mentions: n_mentions,
        facts: n_facts,
        province_metrics: metrics.len(),
        anomalies: anomalies.len(),
        elapsed_s: ctx.started.elapsed().as_secs_f64(),
        threads: ctx.threads,
        incremental: report,
    })
}

/// Write the aggregate's tables into an output folder: `province_metrics.parquet`, its Hive
/// partitions by year and `anomalies.parquet` (also what `ictstat aggregate` writes).
pub(crate) fn write_aggregate(
    dir: &Path,
    res: &Resources,
    stamp: &RunStamp,
    metrics: &[crate::records::ProvinceMetric],
    anomalies: &[crate::records::Anomaly],
    counts: &mut BTreeMap<&'static str, usize>,
) -> Result<()> {
    let pm_table = res.table("province_metrics");
    let mut pm = Sink::open(dir, "province_metrics", res, stamp)?;
    for m in metrics {
        rows::push_province_metric(pm.rows()?, m, true);
    }
    counts.insert("province_metrics", pm.finish()?);
    // Hive-style partitions by year, the partition column living in the folder name
    let part_table = pm_table.without(&["year"]);
    let mut years: Vec<i32> = metrics.iter().map(|m| m.year).collect();
    years.sort_unstable();
    years.dedup();
    for y in years {
        let path = dir.join("province_metrics").join(format!("year={y}")).join("part-0.parquet");
        let mut pw = TableWriter::create(&path, &part_table, stamp)?;
        let mut pb = BatchBuilder::new(&part_table);
        for m in metrics.iter().filter(|m| m.year == y) {
            rows::push_province_metric(&mut pb, m, false);
        }
        pw.write(&pb.finish()?)?;
        pw.finish()?;
    }
    let mut an = Sink::open(dir, "anomalies", res, stamp)?;
    for a in anomalies {
        rows::push_anomaly(an.rows()?, a);
    }
    counts.insert("anomalies", an.finish()?);
    Ok(())
}

fn write_manifest(
    ctx: &RunContext<'_>,
    dir: &Path,
    counts: &BTreeMap<&str, usize>,
    clock: &StageClock,
    aggregate_s: f64,
    incremental: Option<IncrementalReport>,
) -> Result<()> {
    let res = ctx.res;
    let manifest = Manifest {
        run_id: ctx.run_id.clone(),
        ictstat_version: env!("CARGO_PKG_VERSION").to_string(),
        started_utc: ctx.started_utc.clone(),
        inputs: ctx.cfg.inputs.iter().map(|p| p.display().to_string()).collect(),
        files: ctx.files.len(),
        bytes_in: ctx.bytes_in,
        threads: ctx.threads,
        schemas: res.schemas_origin.clone(),
        fingerprint: res.fingerprint.clone(),
        catalog_version: res.catalog.version.clone(),
        lexicon_version: res.lexicon.version.clone(),
        units_version: res.lexicon.units_version.clone(),
        clean_version: res.clean.version.clone(),
        tables: counts
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
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
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        checksums: incremental::checksums(dir)?,
        elapsed_seconds: ctx.started.elapsed().as_secs_f64(),
        incremental,
    };
    let manifest_path = dir.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| Error::Aggregate(e.to_string()))?;
    std::fs::write(&manifest_path, json + "\n").map_err(|e| Error::io("cannot write", &manifest_path, e))
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
