//! Writers of the output tables: schema contracts, Parquet files, atomic output folders.
//!
//! Every table is described by a file in `schemas/tables/` ([`schema::TableSchema`]); rows are
//! turned into Arrow batches by [`rows`], checked against the schema and written by
//! [`parquet::TableWriter`] (zstd, key-value metadata naming the schema, its version, the
//! ictstat version and the run id). [`atomic::Staging`] makes a run's folder appear at once; [`guard`] decides which folder a run may
//! replace and locks it.

pub mod atomic;
pub mod guard;
pub mod parquet;
pub mod rows;
pub mod schema;
