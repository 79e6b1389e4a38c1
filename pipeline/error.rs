//! Typed errors of the library, with kinds an operator can act on.
//!
//! Per-document problems are not errors: they become `rejects` rows (see [`crate::records::Reject`]).
//! An [`Error`] is something that stops the run (bad configuration, unwritable output) or a
//! command (`eval` with an unreadable gold file).

use std::path::PathBuf;

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, grouped by what the operator does about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A data file under `schemas/` or `data/reference/` is invalid: fix the file.
    #[error("invalid {what} in {path}: {reason}")]
    Config { what: &'static str, path: PathBuf, reason: String },
    /// The command line asks for something impossible: fix the invocation.
    #[error("invalid argument: {0}")]
    Usage(String),
    /// Another run holds the lock on this output: wait for it, or choose another `--out`.
    #[error("another ictstat run is writing {out} (lock {lock} is held); wait for it to finish or choose another --out")]
    Busy { out: PathBuf, lock: PathBuf },
    /// No input documents were found: check the paths given.
    #[error("no input files found under {}", .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    NoInput(Vec<PathBuf>),
    /// A batch did not match its table's schema: a bug, report it.
    #[error("table {table} does not match schemas/tables/{table}.toml: {reason}")]
    Schema { table: String, reason: String },
    /// Parquet or Arrow failed while writing or reading a table.
    #[error("parquet {path}: {reason}")]
    Parquet { path: PathBuf, reason: String },
    /// An incremental merge met rows it cannot reuse; the run redoes everything (never reaches
    /// the operator).
    #[error("incremental merge: {0}")]
    ReuseConflict(String),
    /// The aggregate met facts it cannot place (a metric the catalog lacks, a period it cannot
    /// read) or its query engine failed: check that the facts and the catalog belong together.
    #[error("aggregate: {0}")]
    Aggregate(String),
    /// Something that cannot happen did (a worker thread panicked outside the per-document
    /// guard): a bug, report it with the input that caused it.
    #[error("internal error (a bug; please report it): {0}")]
    Bug(String),
    /// A gold file is malformed: fix the gold file.
    #[error("gold file {path}, line {line}: {reason}")]
    Gold { path: PathBuf, line: usize, reason: String },
}

impl Error {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn config(what: &'static str, path: impl Into<PathBuf>, reason: impl ToString) -> Self {
        Error::Config {
            what,
            path: path.into(),
            reason: reason.to_string(),
        }
    }
}

#[cfg(feature = "aggregate")]
impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Self {
        Error::Aggregate(e.to_string())
    }
}
