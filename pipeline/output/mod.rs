//! Writers of the output tables: schema contracts, Parquet files, atomic output folders.
//!
//! Every table is described by a file in `schemas/tables/` ([`schema::TableSchema`]); rows are
//! turned into Arrow batches by the encoders of `rows`, which name their columns, through
//! `builder` (values placed by column name, each batch checked once against the contract), and
//! written by [`parquet::TableWriter`] (zstd, key-value metadata naming the schema, its version, the
//! ictstat version and the run id). `sink` holds a run's per-document writers (new rows and
//! rows copied from a previous output, in order), `metrics` writes the aggregate's tables and
//! their year partitions, `manifest` the run's `manifest.json`. `atomic::Staging` makes a
//! run's folder appear at once; `guard` decides which folder a run may replace and locks it.

pub(crate) mod atomic;
pub(crate) mod builder;
pub(crate) mod guard;
#[cfg(feature = "aggregate")]
pub(crate) mod manifest;
#[cfg(feature = "aggregate")]
pub(crate) mod metrics;
pub mod parquet;
pub(crate) mod rows;
pub mod schema;
#[cfg(feature = "aggregate")]
pub(crate) mod sink;
