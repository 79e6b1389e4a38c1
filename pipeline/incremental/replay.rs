//! Replay of a previous output: the rows of reused units, as batches to copy and as the typed
//! records the aggregate folds.
//!
//! Input: the previous output's per-document tables ([`PrevTables`], each read forward once)
//! and a range of consecutive previous units. Output: a [`Replayed`] range: each table's rows of
//! those units (Arrow slices, copied as they are) and, per reused document, its name, its date
//! flag and its facts with the document's date restored (what [`crate::aggregate`] needs).
//! Invariant: ranges are asked for in increasing order; a previous output that does not agree
//! with its own ledger is a [`Error::ReuseConflict`], so the run redoes everything.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use super::{Previous, Unit};
use crate::config::Resources;
use crate::output::rows;
use crate::records::Fact;
use crate::{Error, Result};

pub(super) fn pq_err(path: &Path, e: impl ToString) -> Error {
    Error::Parquet {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// A previous table read forward, handing out row ranges.
pub struct PrevTable {
    path: PathBuf,
    pub(super) reader: ParquetRecordBatchReader,
    cur: Option<RecordBatch>,
    /// Row number of `cur`'s first row.
    cur_start: u64,
}

impl PrevTable {
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_inner(path, None)
    }

    /// Open, and check the file's schema against the table's contract.
    pub fn open_checked(path: &Path, table: &crate::output::schema::TableSchema) -> Result<Self> {
        Self::open_inner(path, Some(table))
    }

    fn open_inner(path: &Path, table: Option<&crate::output::schema::TableSchema>) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| pq_err(path, e))?;
        if let Some(t) = table {
            t.matches(builder.schema()).map_err(|reason| pq_err(path, reason))?;
        }
        let reader = builder.with_batch_size(8192).build().map_err(|e| pq_err(path, e))?;
        Ok(PrevTable {
            path: path.to_path_buf(),
            reader,
            cur: None,
            cur_start: 0,
        })
    }

    /// Rows `start .. start + n`, as slices of the batches read; `start` never goes backwards.
    pub fn take(&mut self, mut start: u64, mut n: u64, out: &mut Vec<RecordBatch>) -> Result<()> {
        while n > 0 {
            let len = self.cur.as_ref().map_or(0, |b| b.num_rows() as u64);
            if self.cur.is_none() || start >= self.cur_start + len {
                let next = self
                    .reader
                    .next()
                    .ok_or_else(|| pq_err(&self.path, format!("ends before row {start}")))?
                    .map_err(|e| pq_err(&self.path, e))?;
                self.cur_start += len;
                self.cur = Some(next);
                continue;
            }
            if start < self.cur_start {
                return Err(pq_err(&self.path, format!("row {start} asked after row {}", self.cur_start)));
            }
            let cur = self.cur.as_ref().expect("checked above");
            let offset = start - self.cur_start;
            let k = n.min(len - offset);
            out.push(cur.slice(offset as usize, k as usize));
            start += k;
            n -= k;
        }
        Ok(())
    }
}

/// The previous per-document tables, each read forward once.
pub struct PrevTables {
    pub documents: PrevTable,
    pub mentions: PrevTable,
    pub facts: PrevTable,
    pub rejects: PrevTable,
    pub inputs: PrevTable,
}

impl PrevTables {
    /// Open the per-document tables of the output in `dir`, each checked against its contract.
    pub fn open(dir: &Path, res: &Resources) -> Result<Self> {
        let t = |name: &str| PrevTable::open_checked(&dir.join(format!("{name}.parquet")), res.table(name));
        Ok(PrevTables {
            documents: t("documents")?,
            mentions: t("mentions")?,
            facts: t("facts")?,
            rejects: t("rejects")?,
            inputs: t("inputs")?,
        })
    }
}

/// A reused document, as the aggregate needs it.
pub(crate) struct ReplayedDoc {
    pub doc: String,
    pub date_flag: Option<String>,
    /// Its facts, with `published` restored from its `documents` row.
    pub facts: Vec<Fact>,
}

/// The rows of a range of reused units.
#[derive(Default)]
pub(crate) struct Replayed {
    pub inputs: Vec<RecordBatch>,
    pub documents: Vec<RecordBatch>,
    pub mentions: Vec<RecordBatch>,
    pub facts: Vec<RecordBatch>,
    pub rejects: Vec<RecordBatch>,
    /// The reused documents, in order.
    pub docs: Vec<ReplayedDoc>,
}

impl PrevTables {
    /// The rows of the previous units `first .. first + count` (consecutive, so every table's
    /// rows are one range).
    pub(crate) fn replay(&mut self, prev: &Previous, first: u32, count: u32) -> Result<Replayed> {
        let units = &prev.units[first as usize..(first + count) as usize];
        let mut r = Replayed::default();
        self.inputs.take(u64::from(first), u64::from(count), &mut r.inputs)?;
        let docs: Vec<&Unit> = units.iter().filter(|u| u.document).collect();
        if let Some(u0) = docs.first() {
            self.documents.take(u0.row, docs.len() as u64, &mut r.documents)?;
            let mut dates = Vec::with_capacity(docs.len());
            for b in &r.documents {
                dates.extend(
                    rows::document_dates(b)
                        .map_err(|e| Error::ReuseConflict(format!("the previous output {}: documents {e}", prev.dir.display())))?,
                );
            }
            let nm: u64 = docs.iter().map(|u| u.n_mentions).sum();
            self.mentions.take(u0.mention_start, nm, &mut r.mentions)?;
            let nf: u64 = docs.iter().map(|u| u.n_facts).sum();
            self.facts.take(u0.fact_start, nf, &mut r.facts)?;
            let mut facts = Vec::with_capacity(nf as usize);
            for b in &r.facts {
                facts.extend(rows::facts_from_batch(b)?);
            }
            if dates.len() != docs.len() || facts.len() as u64 != nf {
                return Err(Error::ReuseConflict(format!(
                    "the previous output {} does not match its ledger",
                    prev.dir.display()
                )));
            }
            let mut rest = facts.into_iter();
            for (u, d) in docs.iter().zip(dates) {
                let mut facts: Vec<Fact> = rest.by_ref().take(u.n_facts as usize).collect();
                for f in &mut facts {
                    f.published = d.date;
                }
                r.docs.push(ReplayedDoc {
                    doc: d.doc,
                    date_flag: d.date_flag,
                    facts,
                });
            }
        }
        if let Some(r0) = units.iter().find(|u| !u.document) {
            self.rejects.take(r0.row, (units.len() - docs.len()) as u64, &mut r.rejects)?;
        }
        Ok(r)
    }
}
