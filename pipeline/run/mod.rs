//! The orchestrator: ordering, parallelism, streaming to the writers, the aggregate barrier,
//! the manifest and the atomic swap of the output folder.
//!
//! ```text
//! reader thread ──batches──▶ rayon pool ──outputs──▶ writer thread ──▶ aggregate ──▶ manifest ──▶ swap
//! (discover, read,          (decode → clean →       (tables, in input   (the one
//!  reuse or process)         extract → normalize)     order; the fold)    barrier)
//! ```
//!
//! A reader thread walks the inputs in sorted order and sends bounded batches of raw documents
//! (or, in an incremental run, references to unchanged units of the previous output) through a
//! bounded channel; each batch is processed on the rayon pool, one document per task, and its
//! outputs go to the writer thread (`writer`) in input order. Memory is bounded by the batch
//! size and the channel depth; the aggregate is a fold whose state grows with the number of
//! province × period × metric groups, not with the corpus.
//! Once written, a document's output goes back to the worker that made it and is freed there
//! (`bins`). Invariant: rows come out in input order whatever the number of threads.

mod bins;
mod budget;
mod summary;
mod writer;

pub use budget::{BIG_DOCUMENT_BYTES, BIG_DOCUMENTS_IN_FLIGHT};
pub use summary::RunSummary;

use std::collections::BTreeMap;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::time::Instant;

use rayon::prelude::*;

use crate::aggregate::{Accumulator, AggregateReport};
use crate::config::{Config, Resources, TABLES};
use crate::incremental::{self, IncrementalReport, Matcher, PrevTables, Previous};
use crate::output::atomic::Staging;
use crate::output::manifest::{self, RunInfo, Stages};
use crate::output::metrics::write_aggregate;
use crate::output::parquet::RunStamp;
use crate::output::sink::{DocSinks, InputInfo};
use crate::process::StageClock;
use crate::records::{Payload, RawInput};
use crate::{Error, Result, ingest};
use bins::Bins;
use writer::{Out, Writer};

/// Raw bytes per batch at most: a JSONL shard of many documents never sits in memory whole.
const MAX_BATCH_BYTES: usize = 64 << 20;

/// One input unit on its way from the reader to the workers.
// `Fresh` is the common case and lives in short batches: boxing it would add an allocation per
// document to save a few bytes on the rare reused one
#[allow(clippy::large_enum_variant)]
enum Item {
    /// Read, to be processed.
    Fresh(RawInput, InputInfo),
    /// Unchanged since the previous run (previous unit index, bytes).
    Reused(u32, usize),
}

/// Documents processed stage by stage together, at most (rule `run.stage_groups`). Measured
/// on the 20k bench corpus (~10 kB documents), user CPU by group size: 1 document 15.4–16.0 s,
/// 32 documents 14.0–14.4 s, 128 documents 13.7 s; a batch of 512 documents still makes 16
/// groups for the two workers to share.
const GROUP_DOCS: usize = 32;
/// Bytes of input a group of documents holds, at most: a document takes about nine times its
/// size while processed, so a group holds ~9 MB at most; a larger document is a group alone.
const GROUP_BYTES: usize = 1 << 20;

/// A batch cut into the groups its worker threads take (rule `run.stage_groups`): runs of
/// fresh documents, up to [`GROUP_DOCS`] documents and [`GROUP_BYTES`] bytes; a reused unit alone.
/// The groups keep the batch's order.
fn stage_groups(batch: Vec<Item>) -> Vec<Vec<Item>> {
    let mut groups: Vec<Vec<Item>> = Vec::new();
    let mut held: usize = 0;
    for item in batch {
        let size = match &item {
            Item::Fresh(_, info) => Some(info.bytes),
            Item::Reused(..) => None,
        };
        let open = size.is_some_and(|size| {
            groups
                .last()
                .is_some_and(|g| g.len() < GROUP_DOCS && matches!(g[0], Item::Fresh(..)) && held.saturating_add(size) <= GROUP_BYTES)
        });
        let size = size.unwrap_or(0);
        if open {
            held = held.saturating_add(size);
            groups.last_mut().expect("open").push(item);
        } else {
            held = size;
            groups.push(vec![item]);
        }
    }
    groups
}

/// Process one group ([`stage_groups`]): its fresh documents stage by stage, a reused unit as
/// it is, in the group's order.
/// The outputs this worker made that the writer has written are freed first, here (rule
/// `run.free_where_made`, [`bins`]).
fn process_items(group: Vec<Item>, res: &Resources, clock: &StageClock, bins: &Bins) -> Vec<Out> {
    bins.empty_mine();
    let worker = rayon::current_thread_index();
    let mut out = Vec::with_capacity(group.len());
    let mut fresh: Vec<(RawInput, InputInfo)> = Vec::new();
    // (a run of fresh documents at a time: `stage_groups` gives a reused unit a group of its
    // own, but the order holds whatever the group)
    let flush = |fresh: &mut Vec<(RawInput, InputInfo)>, out: &mut Vec<Out>| {
        if fresh.is_empty() {
            return;
        }
        let (raws, infos): (Vec<RawInput>, Vec<InputInfo>) = std::mem::take(fresh).into_iter().unzip();
        let docs = crate::process::process_group(raws.into_iter().zip(infos.iter().map(|i| i.hash.as_deref())).collect(), res, clock);
        out.extend(docs.into_iter().zip(infos).map(|(d, i)| Out::Fresh(d, i, worker)));
    };
    for item in group {
        match item {
            Item::Fresh(raw, info) => fresh.push((raw, info)),
            Item::Reused(idx, bytes) => {
                flush(&mut fresh, &mut out);
                out.push(Out::Reused(idx, bytes));
            }
        }
    }
    flush(&mut fresh, &mut out);
    out
}

/// A fresh run id: UTC time and process id.
pub fn new_run_id() -> String {
    format!("{}-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"), std::process::id())
}

struct RunContext<'a> {
    cfg: &'a Config,
    res: &'a Resources,
    info: RunInfo,
    stamp: RunStamp,
    files: Vec<ingest::InputFile>,
}

/// What an incremental run starts from.
enum Base {
    Full(IncrementalReport),
    /// The previous output and its per-document tables, opened once by the load.
    Merge(Previous, Box<PrevTables>),
}

/// Run the whole pipeline.
pub fn run(cfg: &Config, res: &Resources) -> Result<RunSummary> {
    let started = Instant::now();
    let started_utc = chrono::Utc::now().to_rfc3339();
    let run_id = new_run_id();
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
        stamp: RunStamp {
            run_id: run_id.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        info: RunInfo {
            run_id,
            started,
            started_utc,
            inputs: cfg.inputs.clone(),
            files: files.len(),
            bytes_in,
            threads: pool.current_num_threads(),
        },
        files,
    };
    if !cfg.incremental {
        return run_stream(&ctx, &pool, None);
    }
    let full = |reason: String| {
        Some(Base::Full(IncrementalReport {
            mode: "full".into(),
            reason: Some(reason),
            ..IncrementalReport::default()
        }))
    };
    match incremental::load(&cfg.out, res) {
        Err(reason) => run_stream(&ctx, &pool, full(reason)),
        Ok((prev, _)) if incremental::unchanged(&prev, &ctx.files, cfg.max_doc_bytes) => run_unchanged(&ctx, &prev),
        Ok((prev, readers)) => match run_stream(&ctx, &pool, Some(Base::Merge(prev, Box::new(readers)))) {
            Err(Error::ReuseConflict(reason)) => run_stream(&ctx, &pool, full(format!("rows could not be reused: {reason}"))),
            other => other,
        },
    }
}

/// Every input is as it was: the previous tables are the result, shared by hard links.
fn run_unchanged(ctx: &RunContext<'_>, prev: &Previous) -> Result<RunSummary> {
    let staging = Staging::new(&ctx.cfg.out, &ctx.info.run_id)?;
    incremental::link_previous(prev, staging.dir())?;
    let report = IncrementalReport {
        mode: "unchanged".into(),
        reason: None,
        base_run_id: Some(prev.run_id.clone()),
        reused: prev.units.len(),
        processed: 0,
    };
    let counts: BTreeMap<&str, usize> = TABLES.iter().map(|t| (*t, prev.tables.get(*t).map_or(0, |e| e.rows))).collect();
    // nothing ran: no stage has anything to report
    let stages = Stages::default();
    manifest::write(staging.dir(), &ctx.info, ctx.res, &counts, &stages, Some(report.clone()))?;
    let out = staging.commit()?;
    Ok(summary(ctx, out, &counts, &stages, Some(report)))
}

/// Read every input in order and send bounded batches to the workers; in an incremental run,
/// an unchanged unit is sent as a reference to its previous rows.
fn read_inputs(ctx: &RunContext<'_>, prev: Option<&Previous>, tx: SyncSender<Vec<Item>>, budget: &budget::Budget) {
    let batch_docs = ctx.cfg.batch_docs;
    let mut matcher = prev.map(Matcher::new);
    let mut batch = Vec::with_capacity(batch_docs);
    let mut batch_bytes = 0usize;
    let mut closed = false;
    for f in &ctx.files {
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
                    // rule `run.big_documents`: a large document waits for its share of the
                    // budget, after the batch before it is sent (its documents give shares back)
                    let cost = budget.cost(bytes);
                    if !budget.try_take(cost) {
                        if !batch.is_empty() {
                            closed = tx.send(std::mem::replace(&mut batch, Vec::with_capacity(batch_docs))).is_err();
                            batch_bytes = 0;
                        }
                        if closed || !budget.take(cost) {
                            closed = true;
                            return;
                        }
                    }
                    batch_bytes += bytes;
                    let info = InputInfo {
                        input: raw.doc.clone(),
                        hash: hash.map(|h| h.to_hex().to_string()),
                        bytes,
                    };
                    batch.push(Item::Fresh(raw, info));
                }
            }
            // sent as soon as they fill, by documents or by bytes
            if batch.len() >= batch_docs || batch_bytes >= MAX_BATCH_BYTES {
                closed = tx.send(std::mem::replace(&mut batch, Vec::with_capacity(batch_docs))).is_err();
                batch_bytes = 0;
            }
        };
        ingest::read_file(f, ctx.cfg.max_doc_bytes, &mut emit);
        if closed {
            return;
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch);
    }
}

/// The streaming run: read, process (or reuse), write, fold; then the aggregate barrier.
fn run_stream(ctx: &RunContext<'_>, pool: &rayon::ThreadPool, base: Option<Base>) -> Result<RunSummary> {
    let res = ctx.res;
    let staging = Staging::new(&ctx.cfg.out, &ctx.info.run_id)?;
    let dir = staging.dir().to_path_buf();
    let sinks = DocSinks::open(&dir, res, &ctx.stamp)?;
    // the fold's facts wait for the barrier in the staging folder (removed by the barrier, and
    // with the folder if the run fails)
    let acc = Accumulator::spilling(dir.join(".fold"));
    let (prev, mut prev_tables, full_report) = match base {
        Some(Base::Merge(p, t)) => (Some(p), Some(*t), None),
        Some(Base::Full(r)) => (None, None, Some(r)),
        None => (None, None, None),
    };
    let progress = progress_bar(ctx.cfg.progress, ctx.info.bytes_in);
    let clock = StageClock::default();
    let prev_ref = prev.as_ref();

    let budget = budget::Budget::new(ctx.cfg.big_doc_bytes, ctx.cfg.big_docs_in_flight);
    let budget = &budget;
    let bins = Bins::new(pool.current_num_threads());
    let bins = &bins;
    let written = std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Vec<Item>>(2);
        let reader = scope.spawn(move || read_inputs(ctx, prev_ref, tx, budget));
        // the writers run on their own thread, so the workers never wait for Parquet encoding
        let (otx, orx) = sync_channel::<Vec<Out>>(2);
        let previous = prev_ref.zip(prev_tables.as_mut());
        let progress = progress.as_ref();
        let writer = scope.spawn(move || {
            // (however this thread ends, a reader waiting for the budget is woken)
            let _close = budget::CloseOnDrop(budget);
            let mut w = Writer::new(sinks, acc, previous, progress);
            for outputs in orx {
                for out in outputs {
                    let cost = match &out {
                        Out::Fresh(_, info, _) => budget.cost(info.bytes),
                        Out::Reused(..) => 0,
                    };
                    if let Some((written, worker)) = w.write(out)? {
                        bins.give(worker, written);
                    }
                    budget.give(cost);
                }
            }
            w.finish()
        });
        for batch in rx {
            let outputs: Vec<Out> = pool.install(|| {
                stage_groups(batch)
                    .into_par_iter()
                    .flat_map_iter(|group| process_items(group, res, &clock, bins))
                    .collect()
            });
            if otx.send(outputs).is_err() {
                break;
            }
        }
        drop(otx);
        reader.join().map_err(|_| Error::Bug("the reader thread panicked".into()))?;
        writer.join().map_err(|_| Error::Bug("the writer thread panicked".into()))?
    });
    // (what the writer handed back since each worker's last group is freed by its maker)
    pool.broadcast(|_| bins.empty_mine());
    let (sinks, acc, n) = written?;
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    // rule `run.release_at_barrier`: what the workers, the reader and the writer freed goes
    // back to the system before the aggregate allocates. The allocator keeps freed memory for
    // its purge delay (`main.rs`: ten seconds, so batches reuse it), and a run's last seconds
    // of it stayed beside the aggregate's own: the peak grew with the input (about 300 MB at
    // 1 GB, 255 MB at 0.1 GB)
    if let Some(release) = ctx.cfg.release_memory {
        pool.broadcast(|_| release());
        release();
    }
    // the barrier: every document's facts are in. The per-document files are closed (their
    // last row groups compressed) on one thread while the aggregate runs on the other: the
    // aggregate reads the fold, not those files
    let (closing, anomalies) = sinks.split();
    let mut agg_counts = BTreeMap::new();
    let (closed, aggregated) = pool.join(
        || closing.finish(),
        || {
            let t = Instant::now();
            // the aggregate's rows are made as they are written: its time includes writing them
            write_aggregate(&dir, res, &ctx.stamp, acc, anomalies, &mut agg_counts).map(|r| (r, t.elapsed()))
        },
    );
    let mut counts = closed?;
    let (agg, agg_time) = aggregated?;
    counts.append(&mut agg_counts);
    let stages = stages(&clock, agg_time.as_secs_f64(), agg);

    let report = match (&prev, full_report) {
        (Some(p), _) => Some(IncrementalReport {
            mode: "merged".into(),
            reason: None,
            base_run_id: Some(p.run_id.clone()),
            reused: n.reused,
            processed: n.processed,
        }),
        (None, Some(r)) => Some(IncrementalReport {
            processed: n.processed,
            ..r
        }),
        (None, None) => None,
    };
    manifest::write(&dir, &ctx.info, res, &counts, &stages, report.clone())?;
    let out = staging.commit()?;
    Ok(summary(ctx, out, &counts, &stages, report))
}

/// Seconds per stage (summed over threads) and the stages' reports.
fn stages(clock: &StageClock, aggregate_s: f64, agg: AggregateReport) -> Stages {
    let secs = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e9;
    let seconds = [
        ("decode", secs(&clock.decode)),
        ("clean", secs(&clock.clean)),
        ("extract", secs(&clock.extract)),
        ("normalize", secs(&clock.normalize)),
        ("aggregate", aggregate_s),
    ];
    let aggregate = [("groups", agg.groups as u64), ("conflicts", agg.conflicts as u64)];
    Stages {
        seconds: seconds.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        phases: crate::process::PHASES
            .iter()
            .zip(&clock.phases)
            .map(|(k, v)| (k.to_string(), secs(v)))
            .collect(),
        counts: clock
            .counts()
            .into_iter()
            .chain(aggregate)
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

fn summary(
    ctx: &RunContext<'_>,
    out: std::path::PathBuf,
    counts: &BTreeMap<&str, usize>,
    stages: &Stages,
    incremental: Option<IncrementalReport>,
) -> RunSummary {
    let rows = |t: &str| counts.get(t).copied().unwrap_or(0);
    RunSummary {
        run_id: ctx.info.run_id.clone(),
        out: out.display().to_string(),
        files: ctx.info.files,
        bytes_in: ctx.info.bytes_in,
        documents: rows("documents"),
        rejects: rows("rejects"),
        mentions: rows("mentions"),
        facts: rows("facts"),
        province_metrics: rows("province_metrics"),
        anomalies: rows("anomalies"),
        elapsed_s: ctx.info.started.elapsed().as_secs_f64(),
        threads: ctx.info.threads,
        stage_counts: stages.counts.clone(),
        incremental,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Format, Payload};

    fn fresh(name: &str, bytes: usize) -> Item {
        let raw = RawInput {
            doc: name.into(),
            source: name.into(),
            line: None,
            format: Format::Txt,
            payload: Payload::Bytes(Vec::new()),
        };
        let info = InputInfo {
            input: name.into(),
            hash: None,
            bytes,
        };
        Item::Fresh(raw, info)
    }

    fn names(groups: &[Vec<Item>]) -> Vec<Vec<String>> {
        let name = |i: &Item| match i {
            Item::Fresh(r, _) => r.doc.clone(),
            Item::Reused(idx, _) => format!("reused {idx}"),
        };
        groups.iter().map(|g| g.iter().map(name).collect()).collect()
    }

    /// Rule `run.stage_groups`: runs of fresh documents up to the limits, in the batch's order;
    /// a reused unit alone; a document larger than a group's bytes alone.
    #[test]
    fn a_batch_is_cut_into_groups_in_order() {
        let mut batch: Vec<Item> = (0..GROUP_DOCS + 3).map(|i| fresh(&format!("a{i}"), 10)).collect();
        batch.push(Item::Reused(7, 10));
        batch.push(fresh("b0", 10));
        batch.push(fresh("big", GROUP_BYTES + 1));
        batch.push(fresh("c0", GROUP_BYTES / 2));
        batch.push(fresh("c1", GROUP_BYTES / 2));
        batch.push(fresh("d0", 1));
        let groups = names(&stage_groups(batch));
        let a: Vec<String> = (0..GROUP_DOCS + 3).map(|i| format!("a{i}")).collect();
        let want: Vec<Vec<String>> = vec![
            a[..GROUP_DOCS].to_vec(),
            a[GROUP_DOCS..].to_vec(),
            vec!["reused 7".into()],
            vec!["b0".into()],
            vec!["big".into()],
            vec!["c0".into(), "c1".into()],
            vec!["d0".into()],
        ];
        assert_eq!(groups, want);
    }

    static RELEASED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    /// Rule `run.release_at_barrier`: once the last document is written, the run asks every
    /// worker thread (the aggregate runs on them), and its own thread, to give back what they
    /// freed; once per run, not per batch or per document.
    #[test]
    fn a_run_releases_freed_memory_on_every_thread_once_at_the_barrier() {
        let tmp = tempfile::tempdir().unwrap();
        let res = crate::config::Resources::load(None, None).unwrap();
        let cfg = crate::Config {
            inputs: vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/raw")],
            out: tmp.path().join("out"),
            schemas_dir: None,
            provinces: None,
            threads: Some(3),
            // several batches: a release per batch would be seen
            batch_docs: 2,
            max_doc_bytes: 1 << 20,
            big_doc_bytes: BIG_DOCUMENT_BYTES,
            big_docs_in_flight: BIG_DOCUMENTS_IN_FLIGHT,
            progress: false,
            incremental: false,
            release_memory: Some(|| {
                RELEASED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }),
        }
        .validate()
        .unwrap();
        let summary = run(&cfg, &res).unwrap();
        assert!(summary.documents > 2 && summary.facts > 0 && summary.province_metrics > 0);
        assert_eq!(RELEASED.load(std::sync::atomic::Ordering::SeqCst), 3 + 1);
    }
}
