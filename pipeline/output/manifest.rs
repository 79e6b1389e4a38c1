//! `manifest.json`: what a run read, with which data files, what it wrote and how long it took.
//!
//! Input: the run's facts ([`RunInfo`]), the rows of each table, the stage clocks and the
//! incremental report. Output: `manifest.json` in the staging folder, written after every
//! table, with the BLAKE3 of every file beside it (what an incremental run checks before it
//! reuses anything).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::config::Resources;
use crate::incremental::{self, IncrementalReport, TableEntry};
use crate::{Error, Result};

/// Seconds per stage (summed over threads) and what the stages counted (summed over documents).
#[derive(Debug, Default, Clone)]
pub(crate) struct Stages {
    pub seconds: BTreeMap<String, f64>,
    /// Seconds per phase of cleaning and extraction (`clean.lines`, ..., `extract.judge`):
    /// within their stage's seconds.
    pub phases: BTreeMap<String, f64>,
    pub counts: BTreeMap<String, u64>,
}

/// What the manifest says about the run itself.
pub(crate) struct RunInfo {
    pub run_id: String,
    pub started: Instant,
    pub started_utc: String,
    pub inputs: Vec<PathBuf>,
    pub files: usize,
    pub bytes_in: u64,
    pub threads: usize,
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    run_id: String,
    ictstat_version: String,
    started_utc: String,
    inputs: Vec<String>,
    files: usize,
    bytes_in: u64,
    threads: usize,
    schemas: String,
    /// See [`Resources::fingerprint`]: an incremental run reuses rows only when it matches.
    fingerprint: String,
    catalog_version: String,
    lexicon_version: String,
    units_version: String,
    clean_version: String,
    tables: BTreeMap<String, TableEntry>,
    /// BLAKE3 of every file of the output but this manifest: an incremental run reuses nothing
    /// that changed on disk.
    checksums: BTreeMap<String, String>,
    stage_seconds: BTreeMap<String, f64>,
    /// Where cleaning's and extraction's seconds go, phase by phase (summed over threads; the
    /// phases of a stage add up to at most its `stage_seconds`). Absent from the manifests of
    /// earlier versions.
    #[serde(default)]
    phase_seconds: BTreeMap<String, f64>,
    /// What the stages counted: debris removed, numbers and traps read, duplicates dropped,
    /// facts flagged, aggregate groups and conflicts.
    stage_counts: BTreeMap<String, u64>,
    elapsed_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    incremental: Option<IncrementalReport>,
}

/// Write `manifest.json` into `dir`, after every table.
pub(crate) fn write(
    dir: &Path,
    run: &RunInfo,
    res: &Resources,
    counts: &BTreeMap<&str, usize>,
    stages: &Stages,
    incremental: Option<IncrementalReport>,
) -> Result<()> {
    let manifest = Manifest {
        run_id: run.run_id.clone(),
        ictstat_version: env!("CARGO_PKG_VERSION").to_string(),
        started_utc: run.started_utc.clone(),
        inputs: run.inputs.iter().map(|p| p.display().to_string()).collect(),
        files: run.files,
        bytes_in: run.bytes_in,
        threads: run.threads,
        schemas: res.schemas_origin.clone(),
        fingerprint: res.fingerprint.clone(),
        catalog_version: res.catalog.version.clone(),
        lexicon_version: res.lexicon.version.clone(),
        units_version: res.lexicon.units_version.clone(),
        clean_version: res.clean.version.clone(),
        tables: counts
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    TableEntry {
                        file: format!("{k}.parquet"),
                        rows: *v,
                        schema_version: res.table(k).version.clone(),
                    },
                )
            })
            .collect(),
        stage_seconds: stages.seconds.clone(),
        phase_seconds: stages.phases.clone(),
        stage_counts: stages.counts.clone(),
        checksums: incremental::checksums(dir)?,
        elapsed_seconds: run.started.elapsed().as_secs_f64(),
        incremental,
    };
    let path = dir.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| Error::Bug(format!("manifest as JSON: {e}")))?;
    std::fs::write(&path, json + "\n").map_err(|e| Error::io("cannot write", &path, e))
}
