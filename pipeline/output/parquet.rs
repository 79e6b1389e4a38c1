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

/// An open Parquet file for one table.
pub struct TableWriter {
    table: TableSchema,
    path: PathBuf,
    writer: ArrowWriter<File>,
    rows: usize,
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
        })
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
        if self.writer.in_progress_size() >= 8 << 20 || self.writer.in_progress_rows() >= 32 * 1024 {
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
