//! The writer side of a run: per-document outputs and reused units, in input order, into the
//! tables and the aggregate's fold.
//!
//! Input: the workers' outputs batch by batch ([`Out`]), in input order. Output: the
//! per-document tables in the staging folder ([`DocSinks`]) and the fold of every document's
//! facts ([`Accumulator`]), with the counts of what was written.
//! Invariants: rows are written in the order they arrive; consecutive reused units are replayed
//! as one range per table; a document id taken by an earlier input is rejected (`names`), and a
//! reused document whose id a new earlier input took makes the merge impossible
//! ([`Error::ReuseConflict`]: the run redoes everything).

use crate::aggregate::Accumulator;
use crate::batch::DocNames;
use crate::incremental::{PrevTables, Previous, Replayed};
use crate::output::sink::{DocSinks, InputInfo};
use crate::records::DocOutput;
use crate::{Error, Result};

/// Longest run of reused units replayed at once: bounds the rows held between reading and writing.
const MAX_RUN: u32 = 512;

/// What the workers hand the writer for one input unit.
pub(super) enum Out {
    /// Processed now, by the pool worker of that index (none off the pool).
    Fresh(DocOutput, InputInfo, Option<usize>),
    /// Unchanged since the previous run: its rows are copied from there (previous unit index,
    /// bytes).
    Reused(u32, usize),
}

/// Units reused from the previous output, and units processed (the tables count their rows).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Counts {
    pub reused: usize,
    pub processed: usize,
}

/// The writer's state.
pub(super) struct Writer<'a> {
    pub sinks: DocSinks,
    pub acc: Accumulator,
    pub counts: Counts,
    names: DocNames,
    previous: Option<(&'a Previous, &'a mut PrevTables)>,
    /// Reused units waiting to be replayed as one range: (first, count).
    pending: Option<(u32, u32)>,
    progress: Option<&'a indicatif::ProgressBar>,
}

impl<'a> Writer<'a> {
    pub(super) fn new(
        sinks: DocSinks,
        acc: Accumulator,
        previous: Option<(&'a Previous, &'a mut PrevTables)>,
        progress: Option<&'a indicatif::ProgressBar>,
    ) -> Self {
        Writer {
            sinks,
            acc,
            counts: Counts::default(),
            names: DocNames::default(),
            previous,
            pending: None,
            progress,
        }
    }

    /// Write one unit's output. A processed one is given back with the index of the worker
    /// that made it, to be freed there (rule `run.free_where_made`).
    pub(super) fn write(&mut self, out: Out) -> Result<Option<(DocOutput, usize)>> {
        let dead = match out {
            Out::Fresh(out, info, worker) => {
                let d = self.fresh(out, &info)?;
                worker.map(|w| (d, w))
            }
            Out::Reused(idx, bytes) => {
                self.reused(idx, bytes)?;
                None
            }
        };
        self.sinks.flush()?;
        Ok(dead)
    }

    fn fresh(&mut self, out: DocOutput, info: &InputInfo) -> Result<DocOutput> {
        self.replay_pending()?;
        let out = self.names.admit(out);
        self.counts.processed += 1;
        if let Some(p) = self.progress {
            p.inc(info.bytes as u64);
        }
        self.sinks.write(&out, info)?;
        if let DocOutput::Done { document, facts, .. } = &out {
            if let Some(f) = &document.clean.meta.date_flag {
                self.acc.add_date_flag(&document.clean.doc, f);
            }
            self.acc.add_document(facts)?;
        }
        self.write_anomalies()?;
        Ok(out)
    }

    /// Write the fold's anomalies about single facts as they come, in input order.
    fn write_anomalies(&mut self) -> Result<()> {
        for a in self.acc.drain_anomalies() {
            crate::output::rows::push_anomaly(self.sinks.anomalies.rows()?, &a);
        }
        Ok(())
    }

    fn reused(&mut self, idx: u32, bytes: usize) -> Result<()> {
        self.counts.reused += 1;
        if let Some(p) = self.progress {
            p.inc(bytes as u64);
        }
        // consecutive reused units are copied as one range per table
        match self.pending {
            Some((first, count)) if first + count == idx && count < MAX_RUN => self.pending = Some((first, count + 1)),
            _ => {
                self.replay_pending()?;
                self.pending = Some((idx, 1));
            }
        }
        Ok(())
    }

    /// Copy the rows of the pending reused units and fold their facts, document by document.
    fn replay_pending(&mut self) -> Result<()> {
        let Some((first, count)) = self.pending.take() else {
            return Ok(());
        };
        let Some((prev, tables)) = self.previous.as_mut() else {
            return Err(Error::Bug("a reused unit without a previous output".into()));
        };
        let r: Replayed = tables.replay(prev, first, count)?;
        for d in &r.docs {
            // a new input earlier in the order took this document's id: a full run would
            // reject this one, so the merge cannot reuse it
            if !self.names.insert(&d.doc) {
                return Err(Error::ReuseConflict(format!(
                    "the id {:?} is now also used by an earlier input",
                    d.doc
                )));
            }
        }
        let s = &mut self.sinks;
        s.inputs.copy(r.inputs)?;
        s.documents.copy(r.documents)?;
        s.mentions.copy(r.mentions)?;
        s.facts.copy(r.facts)?;
        s.rejects.copy(r.rejects)?;
        for d in r.docs {
            if let Some(flag) = &d.date_flag {
                self.acc.add_date_flag(&d.doc, flag);
            }
            self.acc.add_document(&d.facts)?;
        }
        self.write_anomalies()
    }

    /// Replay what is pending; the tables' writers, the fold and the counts.
    pub(super) fn finish(mut self) -> Result<(DocSinks, Accumulator, Counts)> {
        self.replay_pending()?;
        Ok((self.sinks, self.acc, self.counts))
    }
}
