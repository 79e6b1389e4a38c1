//! Run configuration and the data files every stage reads.
//!
//! [`Config`] is the validated, immutable form of the command line: how a run executes.
//! [`Resources`] holds what analysts tune (catalog, lexicon, units, table schemas, provinces),
//! loaded once from `schemas/` and `data/reference/`, or from the copies compiled into the
//! binary when those folders are absent, so `ictstat` runs from any directory.

use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::clean::CleanRules;
use crate::lexicon::Lexicon;
use crate::output::schema::TableSchema;
use crate::reference::Provinces;
use crate::{Error, Result};

/// Validated settings of one `run`.
#[derive(Debug, Clone)]
pub struct Config {
    /// Files or folders to read (folders recursively).
    pub inputs: Vec<PathBuf>,
    /// Output folder (canonical once validated); written atomically, only ever replacing an
    /// empty folder or a previous ictstat output.
    pub out: PathBuf,
    /// Folder with metrics.toml, lexicon.toml, units.toml and tables/; None = built-in copies.
    pub schemas_dir: Option<PathBuf>,
    /// Province table; None = built-in copy.
    pub provinces: Option<PathBuf>,
    /// Worker threads; None = one per core.
    pub threads: Option<usize>,
    /// Documents per batch sent from the reader to the workers and on to the writers.
    pub batch_docs: usize,
    /// Inputs larger than this are rejected as `too_large`.
    pub max_doc_bytes: u64,
    /// A document this large or larger is a large one (rule `run.big_documents`).
    pub big_doc_bytes: usize,
    /// Bytes of large documents read and not yet written, at most (a larger one goes alone).
    pub big_docs_in_flight: usize,
    /// Draw a progress bar (only on a terminal).
    pub progress: bool,
    /// Reuse the rows of the previous output in `out` for inputs whose bytes are unchanged.
    pub incremental: bool,
    /// Hands the memory the threads have freed back to the system, called on every worker
    /// thread and on the run's own thread once the last document is written (rule
    /// `run.release_at_barrier`):
    /// the binary's allocator keeps freed memory for a while (its purge delay), and the
    /// aggregate's memory came on top of it. `None` where the allocator is the system's (the
    /// library's tests).
    pub release_memory: Option<fn()>,
}

impl Config {
    /// Check the settings that can be checked before reading anything.
    pub fn validate(mut self) -> Result<Self> {
        if self.inputs.is_empty() {
            return Err(Error::Usage("no input given".into()));
        }
        if self.batch_docs == 0 {
            return Err(Error::Usage("--batch-docs must be at least 1".into()));
        }
        if self.big_docs_in_flight == 0 {
            return Err(Error::Usage("--big-docs-in-flight must be at least 1".into()));
        }
        if self.threads == Some(0) {
            return Err(Error::Usage("--threads must be at least 1".into()));
        }
        // which folder a run may replace: never an input, a file or a foreign folder
        self.out = crate::output::guard::check_out(&self.out, &self.inputs)?;
        Ok(self)
    }

    /// The data files the run reads (`--schemas`, `--provinces`, or their defaults), checked
    /// at load.
    pub fn resources(&self) -> Result<Resources> {
        Resources::load(self.schemas_dir.as_deref(), self.provinces.as_deref())
    }
}

/// Built-in copies of the data files, used when no folder is given and `schemas/` is absent.
mod builtin {
    pub const METRICS: &str = include_str!("../schemas/metrics.toml");
    pub const LEXICON: &str = include_str!("../schemas/lexicon.toml");
    pub const UNITS: &str = include_str!("../schemas/units.toml");
    pub const CLEAN: &str = include_str!("../schemas/clean.toml");
    pub const PROVINCES: &str = include_str!("../data/reference/provinces.csv");
    pub const OUTLETS: &str = include_str!("../data/reference/outlets.csv");
    pub const TABLES: [(&str, &str); 7] = [
        ("documents", include_str!("../schemas/tables/documents.toml")),
        ("mentions", include_str!("../schemas/tables/mentions.toml")),
        ("facts", include_str!("../schemas/tables/facts.toml")),
        ("province_metrics", include_str!("../schemas/tables/province_metrics.toml")),
        ("anomalies", include_str!("../schemas/tables/anomalies.toml")),
        ("rejects", include_str!("../schemas/tables/rejects.toml")),
        ("inputs", include_str!("../schemas/tables/inputs.toml")),
    ];
}

/// Names of the output tables, in the order they are written.
pub const TABLES: [&str; 7] = [
    "documents",
    "mentions",
    "facts",
    "province_metrics",
    "anomalies",
    "rejects",
    "inputs",
];

/// Everything the stages read besides the documents.
#[derive(Debug)]
pub struct Resources {
    pub lexicon: Lexicon,
    pub catalog: Catalog,
    pub clean: CleanRules,
    pub provinces: Provinces,
    pub outlets: crate::reference::Outlets,
    pub tables: Vec<TableSchema>,
    /// Where the schema files came from (a folder, or "built-in").
    pub schemas_origin: String,
    /// BLAKE3 over the program version and every data file's text: two runs with the same
    /// fingerprint turn the same input into the same rows, so an incremental run may reuse rows
    /// only when it is unchanged.
    pub fingerprint: String,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io("cannot read", path, e))
}

impl Resources {
    /// Load from the given folders, or from `./schemas` and `./data/reference/provinces.csv`
    /// when they exist, or from the built-in copies.
    pub fn load(schemas_dir: Option<&Path>, provinces: Option<&Path>) -> Result<Self> {
        let local = Path::new("schemas");
        let dir = schemas_dir
            .map(Path::to_path_buf)
            .or_else(|| local.join("metrics.toml").exists().then(|| local.to_path_buf()));
        let (metrics, lexicon, units, clean, tables, origin) = match &dir {
            Some(d) => {
                let mut tables = Vec::new();
                for name in TABLES {
                    let p = d.join("tables").join(format!("{name}.toml"));
                    tables.push((name, read(&p)?, p));
                }
                (
                    read(&d.join("metrics.toml"))?,
                    read(&d.join("lexicon.toml"))?,
                    read(&d.join("units.toml"))?,
                    read(&d.join("clean.toml"))?,
                    tables,
                    d.display().to_string(),
                )
            }
            None => (
                builtin::METRICS.to_string(),
                builtin::LEXICON.to_string(),
                builtin::UNITS.to_string(),
                builtin::CLEAN.to_string(),
                builtin::TABLES
                    .iter()
                    .map(|(n, t)| (*n, t.to_string(), PathBuf::from(format!("built-in:tables/{n}.toml"))))
                    .collect(),
                "built-in".to_string(),
            ),
        };
        let mut fp = blake3::Hasher::new();
        fp.update(env!("CARGO_PKG_VERSION").as_bytes());
        // a rebuilt program may extract differently without a version bump: its size and
        // modification time stand in for its identity (a false change only costs a full run)
        if let Some(m) = std::env::current_exe().ok().and_then(|p| std::fs::metadata(p).ok()) {
            fp.update(&m.len().to_le_bytes());
            let mtime = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            fp.update(&mtime.map_or(0, |d| d.as_nanos()).to_le_bytes());
        }
        for text in [&metrics, &lexicon, &units, &clean].into_iter().chain(tables.iter().map(|t| &t.1)) {
            // length-prefixed, so moving text between files changes the fingerprint
            fp.update(&(text.len() as u64).to_le_bytes());
            fp.update(text.as_bytes());
        }
        let origin_path = PathBuf::from(&origin);
        let mut lexicon = Lexicon::parse(&lexicon, &units, &origin_path)?;
        let catalog = Catalog::parse(&metrics, &lexicon, &origin_path)?;
        let clean = CleanRules::parse(&clean, &origin_path)?;
        let tables = tables
            .into_iter()
            .map(|(name, text, path)| TableSchema::parse(&text, &path).and_then(|t| t.expect_name(name, &path)))
            .collect::<Result<Vec<_>>>()?;
        let local_prov = Path::new("data/reference/provinces.csv");
        let prov_path = provinces
            .map(Path::to_path_buf)
            .or_else(|| local_prov.exists().then(|| local_prov.to_path_buf()));
        let (prov_text, prov_name) = match &prov_path {
            Some(p) => (read(p)?, p.clone()),
            None => (builtin::PROVINCES.to_string(), PathBuf::from("built-in:provinces.csv")),
        };
        let mut provinces = Provinces::parse(&prov_text, &prov_name)?;
        // one scan per document: the lexicon's phrase sets and the province names together
        lexicon.enroll(&mut provinces);
        let local_outlets = prov_path.as_ref().map(|p| p.with_file_name("outlets.csv")).filter(|p| p.exists());
        let (outlets_text, outlets_name) = match &local_outlets {
            Some(p) => (read(p)?, p.clone()),
            None => (builtin::OUTLETS.to_string(), PathBuf::from("built-in:outlets.csv")),
        };
        let outlets = crate::reference::Outlets::parse(&outlets_text, &outlets_name)?;
        for text in [&prov_text, &outlets_text] {
            fp.update(&(text.len() as u64).to_le_bytes());
            fp.update(text.as_bytes());
        }
        Ok(Resources {
            lexicon,
            catalog,
            clean,
            provinces,
            outlets,
            tables,
            schemas_origin: origin,
            fingerprint: fp.finalize().to_hex().to_string(),
        })
    }

    /// The schema of a table by name.
    pub fn table(&self, name: &str) -> &TableSchema {
        self.tables.iter().find(|t| t.name == name).expect("every table has a schema")
    }
}
