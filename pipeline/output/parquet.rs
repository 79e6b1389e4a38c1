//! Parquet writing and reading through arrow-rs.
//!
//! [`TableWriter`] buffers nothing itself: callers hand it batches of bounded size, it checks
//! each against the table contract and appends it as a row group. Files are zstd-compressed and
//! carry `ictstat.*` key-value metadata.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use super::schema::TableSchema;
use crate::{Error, Result};

/// Identity of the run, stored in every file.
#[derive(Debug, Clone)]
pub struct RunStamp {
    pub run_id: String,
    pub version: String,
}

/// A row group is closed once it holds this many rows...
const ROW_GROUP_ROWS: usize = 32 * 1024;
/// ...or the writer holds this much memory for it (rule `output.row_group_memory`:
/// `memory_size`, its encoded pages, the values not yet encoded and the columns' dictionaries).
///
/// A limit of 8 MB of *encoded* size (`in_progress_size`, never more than `memory_size` with
/// the writer's pages held in memory, as here) closed it before: that let the `documents` table
/// (a whole text a row, which compresses well) hold about 12 MB until a row group closed,
/// `facts` 7 MB, `mentions` 4 MB, with more for the allocator's slack, and that memory was held
/// at the barrier too: the aggregate started from it.
/// On 0.1 and 1 GB of bench-shaped reports (one run each) this limit lowered the peak from 241
/// and 272 MB to 226 and 246 MB, and the memory left at the barrier from 130 and 167 MB to 111
/// and 126 MB (a 2 MB limit: 214 and 231 MB, for row groups half the size; see
/// `docs/performance.md`, session 36).
const ROW_GROUP_MEMORY: usize = 4 << 20;

/// An open Parquet file for one table.
pub struct TableWriter {
    table: TableSchema,
    path: PathBuf,
    writer: ArrowWriter<File>,
    rows: usize,
    /// The memory at which a row group closes ([`ROW_GROUP_MEMORY`] unless set otherwise).
    row_group_memory: usize,
}

fn pq_err(path: &Path, e: impl ToString) -> Error {
    Error::Parquet {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

impl TableWriter {
    pub fn create(path: &Path, table: &TableSchema, stamp: &RunStamp) -> Result<Self> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create folder", parent, e))?;
        }
        let file = File::create(path).map_err(|e| Error::io("cannot create", path, e))?;
        let kv = vec![
            KeyValue::new("ictstat.schema".into(), table.name.clone()),
            KeyValue::new("ictstat.schema_version".into(), table.version.clone()),
            KeyValue::new("ictstat.version".into(), stamp.version.clone()),
            KeyValue::new("ictstat.run_id".into(), stamp.run_id.clone()),
        ];
        let props = WriterProperties::builder()
            // zstd's fastest level: on the 20k bench corpus level 3 spent ~2 % of the run's CPU
            // more for files ~3 % smaller (the same rows either way)
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(1).map_err(|e| pq_err(path, e))?))
            .set_key_value_metadata(Some(kv))
            .set_max_row_group_row_count(Some(128 * 1024))
            // min/max of long text columns (sentences, documents) would otherwise sit whole in
            // the footer, which is held in memory until the file closes
            .set_statistics_truncate_length(Some(64))
            .set_column_index_truncate_length(Some(64))
            .build();
        let writer = ArrowWriter::try_new(file, table.arrow_schema(), Some(props)).map_err(|e| pq_err(path, e))?;
        Ok(TableWriter {
            table: table.clone(),
            path: path.to_path_buf(),
            writer,
            rows: 0,
            row_group_memory: ROW_GROUP_MEMORY,
        })
    }

    /// Close row groups at `bytes` of the writer's memory rather than [`ROW_GROUP_MEMORY`]: for
    /// files written many at once (the year partitions of `province_metrics`).
    pub fn with_row_group_memory(mut self, bytes: usize) -> Self {
        self.row_group_memory = bytes;
        self
    }

    /// Write a batch: one the [`super::builder::BatchBuilder`] checked when it finished it, or
    /// one copied from a previous output whose file was checked against the contract when opened.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        self.rows += batch.num_rows();
        self.writer.write(batch).map_err(|e| pq_err(&self.path, e))?;
        // close the row group once it holds enough: memory stays bounded by the row group,
        // and the footer (one entry per row group) stays small
        if self.writer.in_progress_rows() >= ROW_GROUP_ROWS || self.writer.memory_size() >= self.row_group_memory {
            self.writer.flush().map_err(|e| pq_err(&self.path, e))?;
        }
        Ok(())
    }

    /// Name of the table this file holds.
    pub fn table_name(&self) -> &str {
        &self.table.name
    }

    /// Close the file; returns the number of rows written.
    pub fn finish(self) -> Result<usize> {
        let path = self.path.clone();
        self.writer.close().map_err(|e| pq_err(&path, e))?;
        Ok(self.rows)
    }
}

/// Read some columns of a Parquet file (all when `columns` is None), one batch at a time: a
/// file is never decoded whole (a `facts` file holds every figure's sentence).
pub(crate) fn for_each_batch(path: &Path, columns: Option<&[&str]>, mut f: impl FnMut(RecordBatch) -> Result<()>) -> Result<()> {
    let pq = |e: parquet::errors::ParquetError| Error::Parquet {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let file = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
    let mut b = ParquetRecordBatchReaderBuilder::try_new(file).map_err(pq)?;
    if let Some(cols) = columns {
        let mask = parquet::arrow::ProjectionMask::columns(b.parquet_schema(), cols.iter().copied());
        b = b.with_projection(mask);
    }
    for batch in b.build().map_err(pq)? {
        f(batch.map_err(|e| Error::Parquet {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?)?;
    }
    Ok(())
}

/// Read a whole Parquet file (tests, eval, incremental runs).
pub fn read_all(path: &Path) -> Result<Vec<RecordBatch>> {
    let file = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| pq_err(path, e))?
        .build()
        .map_err(|e| pq_err(path, e))?;
    reader.collect::<std::result::Result<Vec<_>, _>>().map_err(|e| pq_err(path, e))
}

/// The key-value metadata of a Parquet file.
pub fn read_metadata(path: &Path) -> Result<Vec<(String, String)>> {
    let file = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
    let b = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| pq_err(path, e))?;
    Ok(b.metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|kv| kv.iter().map(|k| (k.key.clone(), k.value.clone().unwrap_or_default())).collect())
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::StringArray;

    use super::*;

    /// Rule `output.row_group_memory`: rows of text that barely compress (like a table of whole
    /// documents) close their row group once the writer holds 4 MB for it, long before the row
    /// count (32 768) would close it, and before the 8 MB of encoded size that closed it once.
    #[test]
    fn a_row_group_closes_at_its_memory_limit() {
        let table = TableSchema::parse(
            "name = \"texts\"\nversion = \"1.0.0\"\ndescription = \"test\"\n\n[[columns]]\nname = \"text\"\ntype = \"utf8\"\nnullable = false\ndescription = \"a text\"\n",
            Path::new("texts.toml"),
        )
        .expect("schema");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("texts.parquet");
        let stamp = RunStamp {
            run_id: "r".into(),
            version: "0".into(),
        };
        let mut w = TableWriter::create(&path, &table, &stamp).expect("create");
        // 6 MB of distinct rows of 4 kB drawn from 62 letters and digits (a linear congruential
        // generator: the same rows every run)
        let mut x: u64 = 42;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(x >> 33) as usize % 62] as char
        };
        let (batches, rows_per_batch) = (48, 32);
        for _ in 0..batches {
            let rows: Vec<String> = (0..rows_per_batch).map(|_| (0..4096).map(|_| next()).collect()).collect();
            let batch = RecordBatch::try_new(table.arrow_schema(), vec![Arc::new(StringArray::from(rows))]).expect("batch");
            w.write(&batch).expect("write");
            assert!(
                w.writer.memory_size() < ROW_GROUP_MEMORY,
                "the writer holds {} bytes for its row group",
                w.writer.memory_size()
            );
            // (the row count, the other limit, does not close a row group on this table)
            assert!(w.writer.in_progress_rows() < ROW_GROUP_ROWS);
        }
        assert_eq!(w.finish().expect("finish"), batches * rows_per_batch);
        let file = File::open(&path).expect("open");
        let md = ParquetRecordBatchReaderBuilder::try_new(file).expect("reader").metadata().clone();
        assert!(md.num_row_groups() >= 2, "{} row groups", md.num_row_groups());
        assert!(md.row_groups().iter().all(|g| (g.compressed_size() as usize) < 8 << 20));
        assert_eq!(
            read_all(&path).expect("read").iter().map(|b| b.num_rows()).sum::<usize>(),
            batches * rows_per_batch
        );
    }
}
