//! The writers of one run's tables: new rows and rows copied from a previous output, in order.
//!
//! Input: a processed unit's [`DocOutput`] with its [`InputInfo`], or the Arrow batches of
//! reused units. Output: `documents`, `mentions`, `facts`, `rejects` and the `inputs` ledger in a
//! staging folder, flushed every [`FLUSH_ROWS`] rows or [`FLUSH_BYTES`] bytes.
//! Invariant: rows reach each table in the order they are handed in, new and copied alike.

use std::collections::BTreeMap;
use std::path::Path;

use arrow::array::RecordBatch;

use crate::config::Resources;
use crate::output::parquet::{RunStamp, TableWriter};
use crate::output::rows::{self, BatchBuilder};
use crate::records::DocOutput;
use crate::{Error, Result};

/// Rows held per table before they are written as one batch.
const FLUSH_ROWS: usize = 8192;

/// Bytes held per table before they are written as one batch, whatever the rows: 8 192
/// documents of 10 kB were 80 MB of text held twice (builder and batch), the largest swing in a
/// run's memory.
const FLUSH_BYTES: usize = 4 << 20;

/// What the `inputs` ledger needs of a processed unit besides its outcome.
pub(crate) struct InputInfo {
    /// The input's name as the reader met it.
    pub input: String,
    /// BLAKE3 of its bytes, in hex.
    pub hash: Option<String>,
    pub bytes: usize,
}

/// One output table: rows built here, or batches copied from the previous output, in order.
pub(crate) struct Sink {
    writer: TableWriter,
    rows: BatchBuilder,
    copied: Vec<RecordBatch>,
    copied_rows: usize,
    schema: arrow::datatypes::SchemaRef,
}

impl Sink {
    pub(crate) fn open(dir: &Path, name: &str, res: &Resources, stamp: &RunStamp) -> Result<Self> {
        let t = res.table(name);
        Ok(Sink {
            writer: TableWriter::create(&dir.join(format!("{name}.parquet")), t, stamp)?,
            rows: BatchBuilder::new(t)?,
            copied: Vec::new(),
            copied_rows: 0,
            schema: t.arrow_schema(),
        })
    }

    /// The builder for new rows; copied rows before them are written first, to keep the order.
    pub(crate) fn rows(&mut self) -> Result<&mut BatchBuilder> {
        self.flush_copied()?;
        Ok(&mut self.rows)
    }

    /// Append batches copied from a previous output.
    pub(crate) fn copy(&mut self, batches: Vec<RecordBatch>) -> Result<()> {
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

    /// Write the new rows once there are enough of them, by rows or by bytes.
    pub(crate) fn flush(&mut self) -> Result<()> {
        self.flush_also(&mut |_| Ok(()))
    }

    /// [`Sink::flush`], handing each batch of new rows written to `also` as well (the year
    /// partitions of `province_metrics`).
    pub(crate) fn flush_also(&mut self, also: &mut dyn FnMut(&RecordBatch) -> Result<()>) -> Result<()> {
        if self.rows.len() >= FLUSH_ROWS || self.rows.bytes() >= FLUSH_BYTES {
            let b = self.rows.finish()?;
            self.writer.write(&b)?;
            also(&b)?;
        }
        Ok(())
    }

    /// Write what is left and close the file; the number of rows written.
    pub(crate) fn finish(self) -> Result<usize> {
        self.finish_also(&mut |_| Ok(()))
    }

    /// [`Sink::finish`], handing the last batch of new rows to `also` as well. (Copied rows
    /// are not handed on: the one table with a second destination has none.)
    pub(crate) fn finish_also(mut self, also: &mut dyn FnMut(&RecordBatch) -> Result<()>) -> Result<usize> {
        self.flush_copied()?;
        if !self.rows.is_empty() {
            let b = self.rows.finish()?;
            self.writer.write(&b)?;
            also(&b)?;
        }
        self.writer.finish()
    }
}

/// The writers of the per-document tables.
pub(crate) struct DocSinks {
    pub documents: Sink,
    pub mentions: Sink,
    pub facts: Sink,
    pub rejects: Sink,
    pub inputs: Sink,
    /// Open until the aggregate adds its own anomalies after the fold's (see
    /// [`DocSinks::finish`]).
    pub anomalies: Sink,
}

impl DocSinks {
    pub(crate) fn open(dir: &Path, res: &Resources, stamp: &RunStamp) -> Result<Self> {
        Ok(DocSinks {
            documents: Sink::open(dir, "documents", res, stamp)?,
            mentions: Sink::open(dir, "mentions", res, stamp)?,
            facts: Sink::open(dir, "facts", res, stamp)?,
            rejects: Sink::open(dir, "rejects", res, stamp)?,
            inputs: Sink::open(dir, "inputs", res, stamp)?,
            anomalies: Sink::open(dir, "anomalies", res, stamp)?,
        })
    }

    /// The rows of one processed unit: its ledger row, then its document, mentions and facts,
    /// or its reject.
    pub(crate) fn write(&mut self, out: &DocOutput, info: &InputInfo) -> Result<()> {
        rows::push_input(self.inputs.rows()?, out, &info.input, info.hash.as_deref());
        match out {
            DocOutput::Done { document, mentions, facts } => {
                rows::push_document(self.documents.rows()?, document);
                let b = self.mentions.rows()?;
                for m in mentions {
                    rows::push_mention(b, &document.clean.doc, &document.clean.text, m);
                }
                let b = self.facts.rows()?;
                for f in facts {
                    rows::push_fact(b, f);
                }
            }
            DocOutput::Rejected(r) => rows::push_reject(self.rejects.rows()?, r),
        }
        Ok(())
    }

    /// Write every table's rows once there are enough of them.
    pub(crate) fn flush(&mut self) -> Result<()> {
        for s in [
            &mut self.documents,
            &mut self.mentions,
            &mut self.facts,
            &mut self.rejects,
            &mut self.inputs,
            &mut self.anomalies,
        ] {
            s.flush()?;
        }
        Ok(())
    }

    /// The per-document files, to be closed ([`ClosingSinks::finish`]), and the `anomalies`
    /// sink the aggregate still writes to: the orchestrator closes the first while the
    /// aggregate runs, since neither reads the other's files.
    pub(crate) fn split(self) -> (ClosingSinks, Sink) {
        let closing = ClosingSinks(vec![
            ("documents", self.documents),
            ("mentions", self.mentions),
            ("facts", self.facts),
            ("rejects", self.rejects),
            ("inputs", self.inputs),
        ]);
        (closing, self.anomalies)
    }
}

/// The per-document files once every document is written (see [`DocSinks::split`]).
pub(crate) struct ClosingSinks(Vec<(&'static str, Sink)>);

impl ClosingSinks {
    /// Write what is left of each file and close it; the rows of each table.
    pub(crate) fn finish(self) -> Result<BTreeMap<&'static str, usize>> {
        let mut counts = BTreeMap::new();
        for (name, sink) in self.0 {
            counts.insert(name, sink.finish()?);
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Reject, RejectKind};

    fn reject(reason: String) -> Reject {
        Reject {
            source: "in/a.jsonl".into(),
            doc: Some("a".into()),
            line: Some(1),
            kind: RejectKind::Empty,
            reason,
        }
    }

    #[test]
    fn a_sink_writes_its_rows_once_they_hold_enough_bytes_whatever_their_number() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = RunStamp {
            run_id: "t".into(),
            version: "0".into(),
        };
        let mut s = Sink::open(dir.path(), "rejects", crate::extract::tests::res(), &stamp).unwrap();
        // a few short rows stay in the builder
        for _ in 0..3 {
            rows::push_reject(s.rows().unwrap(), &reject("short".into()));
            s.flush().unwrap();
        }
        assert_eq!(s.rows.len(), 3);
        // one long row (far fewer rows than FLUSH_ROWS) makes the sink write them all
        rows::push_reject(s.rows().unwrap(), &reject("x".repeat(FLUSH_BYTES)));
        s.flush().unwrap();
        assert!(s.rows.is_empty());
        assert_eq!(s.finish().unwrap(), 4);
    }
}
