//! ictstat: Vietnamese provincial ICT reports in, analysis-ready Parquet out.
//!
//! Stages, each a module with a pure function from typed records to typed records:
//! [`ingest`] (files → [`records::RawDoc`]), [`clean`] (→ [`records::CleanDoc`]),
//! [`extract`] (→ [`records::Mention`]), [`normalize`] (→ [`records::Fact`]) and
//! `aggregate` (facts → province metrics and anomalies, the one barrier).
//! [`run`] owns ordering, parallelism and the writers; [`eval`] scores facts against gold;
//! [`batch`] runs the per-document stages on Arrow batches in memory (the Python binding);
//! [`synth`] writes synthetic corpora with their gold for scale and accuracy runs; [`report`]
//! renders an output's tables as static review pages.
//!
//! Invariants: the same input gives the same rows in the same order, whatever the thread
//! count; every input document is either in `documents` or in `rejects`.
//!
//! The public API is what the binary, the tests, the benchmarks, the fuzz targets and the Python
//! binding use: [`Config`] and [`config::Resources`], [`run::run`], [`batch::Extractor`],
//! [`dataset::aggregate_dataset`], [`eval`], [`report::write`], [`synth::synth`], the
//! per-document stages ([`process::process`], [`ingest::decode`], [`clean::clean`],
//! [`extract::extract`] and [`extract::explain`], [`normalize::normalize`]) with their
//! [`records`], and the Parquet readers of [`output::parquet`]. The aggregate's fold and query,
//! incremental reuse, the lexicon, the writers and the extractor's per-document context are
//! internal (`pub(crate)`).

#[cfg(feature = "aggregate")]
pub(crate) mod aggregate;
pub mod batch;
pub mod catalog;
pub mod clean;
pub mod config;
#[cfg(feature = "aggregate")]
pub mod dataset;
pub mod error;
pub mod eval;
pub mod extract;
pub(crate) mod grammar;
pub(crate) mod incremental;
pub mod ingest;
pub(crate) mod lexicon;
pub mod normalize;
pub mod output;
pub mod process;
pub mod records;
pub mod reference;
#[cfg(feature = "aggregate")]
pub mod report;
#[cfg(feature = "aggregate")]
pub mod run;
pub mod synth;
pub mod text;

pub use config::Config;
pub use error::{Error, Result};
