//! Incremental runs: reuse the previous output's rows for inputs whose bytes are unchanged.
//!
//! Every run writes an `inputs` ledger: one row per input unit (a file, or one line of a JSONL
//! file) in input order, with the BLAKE3 of its bytes, whether it became a document or a reject,
//! and how many mentions and facts it gave. The per-document tables are written in the same
//! input order, so the ledger turns into row ranges: unit *i*'s facts are the `n_facts` rows
//! after those of units *0..i*.
//!
//! Inputs: the previous output folder ([`load`]) and the units the reader meets. Outputs: a
//! decision per unit ([`Matcher`]: reuse previous unit *j*, or process), the previous rows of a
//! reused unit ([`PrevTables`], read forward only, and [`replay`] of a range of them), or — when every unit is unchanged and in the
//! same order — the previous files themselves ([`unchanged`], [`link_previous`]).
//!
//! Invariants:
//! - rows are reused only when the previous run had the same [`Resources::fingerprint`]
//!   (program, catalog, lexicon, units, clean rules, reference tables, table contracts) and the
//!   unit has the same place (source, line, name) and the same bytes; whatever a document's rows
//!   depend on is in one of those, so the result equals a full run;
//! - reused units are taken in increasing previous order, so every previous table is read once,
//!   front to back, in bounded batches (a unit that moved before an already reused one is
//!   processed again instead);
//! - anything unexpected about the previous output makes the run a full one, with the reason.

mod replay;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use arrow::array::{Array, Int32Array, Int64Array, StringArray};
use serde::{Deserialize, Serialize};

pub(crate) use replay::Replayed;
use replay::pq_err;
pub use replay::{PrevTable, PrevTables};

use crate::config::{Resources, TABLES};
use crate::ingest::{self, InputFile};
use crate::records::{Payload, RawInput};
use crate::{Error, Result};

/// Identity of an input unit: where it was read from (not what it holds).
pub fn unit_key(source: &str, line: Option<u64>, input: &str) -> u128 {
    let mut h = blake3::Hasher::new();
    h.update(&(source.len() as u64).to_le_bytes());
    h.update(source.as_bytes());
    h.update(&line.map_or(0, |l| l + 1).to_le_bytes());
    h.update(input.as_bytes());
    first_128(h.finalize())
}

fn first_128(h: blake3::Hash) -> u128 {
    let mut b = [0u8; 16];
    b.copy_from_slice(&h.as_bytes()[..16]);
    u128::from_le_bytes(b)
}

/// BLAKE3 of a unit's bytes as read; None when reading failed (such units are always redone).
pub fn content_hash(raw: &RawInput) -> Option<blake3::Hash> {
    match &raw.payload {
        Payload::Bytes(b) | Payload::JsonLine(b) => Some(blake3::hash(b)),
        Payload::Failed(_) => None,
    }
}

/// One unit of the previous run, and where its rows are.
#[derive(Debug, Clone)]
pub struct Unit {
    key: u128,
    hash: Option<u128>,
    /// A document (else a reject).
    pub document: bool,
    /// Its row in `documents` or in `rejects`.
    pub row: u64,
    pub mention_start: u64,
    pub n_mentions: u64,
    pub fact_start: u64,
    pub n_facts: u64,
}

/// Table entry of the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableEntry {
    pub file: String,
    pub rows: usize,
    pub schema_version: String,
}

/// The part of a previous `manifest.json` an incremental run checks.
#[derive(Debug, Deserialize)]
struct PrevManifest {
    run_id: String,
    #[serde(default)]
    fingerprint: Option<String>,
    tables: BTreeMap<String, TableEntry>,
    /// BLAKE3 of every file of the output but the manifest, by path relative to the output.
    #[serde(default)]
    checksums: Option<BTreeMap<String, String>>,
}

/// BLAKE3 (hex) of every file under `dir` but `manifest.json`, by `/`-separated relative path:
/// recorded in the manifest so that a later run reuses nothing that changed on disk since.
pub fn checksums(dir: &Path) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let walk = walkdir::WalkDir::new(dir).sort_by_file_name().into_iter();
    for entry in walk.filter_entry(|e| !(e.depth() == 1 && is_report(e.file_name()))) {
        let entry = entry.map_err(|e| Error::io("cannot list", dir, e.into()))?;
        if !entry.file_type().is_file() || (entry.depth() == 1 && entry.file_name() == "manifest.json") {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let mut h = blake3::Hasher::new();
        let f = std::fs::File::open(entry.path()).map_err(|e| Error::io("cannot read", entry.path(), e))?;
        h.update_reader(f).map_err(|e| Error::io("cannot read", entry.path(), e))?;
        out.insert(rel, h.finalize().to_hex().to_string());
    }
    Ok(out)
}

/// The review report (`report/`, and its staging folders while `ictstat report` writes it):
/// pages rendered from the tables, not part of what a run wrote or reuses.
fn is_report(name: &std::ffi::OsStr) -> bool {
    name == "report" || name.to_str().is_some_and(|n| n.starts_with(".report.tmp-"))
}

/// `Err(reason)` unless the files under `dir` are exactly those of `expected`, byte for byte.
fn verify(dir: &Path, expected: &BTreeMap<String, String>) -> std::result::Result<(), String> {
    let found = checksums(dir).map_err(|e| e.to_string())?;
    for (file, sum) in expected {
        match found.get(file) {
            None => return Err(format!("{} is missing from the previous output", file)),
            Some(s) if s != sum => {
                return Err(format!(
                    "{} of the previous output changed on disk since it was written (checksum)",
                    file
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = found.keys().find(|k| !expected.contains_key(*k)) {
        return Err(format!("{extra} in the previous output was not written by that run"));
    }
    Ok(())
}

/// The previous output, ready to be reused.
#[derive(Debug)]
pub struct Previous {
    pub dir: PathBuf,
    pub run_id: String,
    pub units: Vec<Unit>,
    /// Row counts of every table, from the previous manifest.
    pub tables: BTreeMap<String, TableEntry>,
    keys: HashMap<u128, u32>,
}

fn hex_128(s: &str) -> Option<u128> {
    blake3::Hash::from_hex(s).ok().map(first_128)
}

/// Load the previous output in `out`, with its per-document tables opened and checked against
/// their contracts (a merge reads them; the unchanged fast path never does). `Err(reason)` when
/// there is none that can be reused: the run is then a full one, so a damaged previous output
/// never stops a scheduled job.
pub fn load(out: &Path, res: &Resources) -> std::result::Result<(Previous, PrevTables), String> {
    match load_checked(out, res) {
        Ok(r) => r,
        Err(e) => Err(format!("the previous output cannot be read ({e})")),
    }
}

fn load_checked(out: &Path, res: &Resources) -> Result<std::result::Result<(Previous, PrevTables), String>> {
    let manifest_path = out.join("manifest.json");
    if !manifest_path.exists() {
        return Ok(Err(format!("no previous output in {}", out.display())));
    }
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| Error::io("cannot read", &manifest_path, e))?;
    let m: PrevManifest = match serde_json::from_str(&text) {
        Ok(m) => m,
        Err(e) => return Ok(Err(format!("{} is unreadable ({e})", manifest_path.display()))),
    };
    if m.fingerprint.as_deref() != Some(res.fingerprint.as_str()) {
        return Ok(Err(
            "the program or its data files (schemas/, data/reference/) changed since the previous run".into(),
        ));
    }
    // nothing is reused from files that are not byte for byte what that run wrote
    let Some(sums) = &m.checksums else {
        return Ok(Err("the previous output records no checksums (written by an older ictstat)".into()));
    };
    if let Err(reason) = verify(out, sums) {
        return Ok(Err(reason));
    }
    for name in TABLES {
        match m.tables.get(name) {
            Some(t) if t.schema_version == res.table(name).version && out.join(&t.file).exists() => {}
            _ => return Ok(Err(format!("table {name} of the previous run is missing or of another version"))),
        }
    }
    // every table the merge reads must open and match its contract before anything is reused
    let readers = PrevTables::open(out, res)?;
    let ledger_path = out.join("inputs.parquet");
    let mut units = Vec::with_capacity(m.tables["inputs"].rows);
    let mut keys = HashMap::with_capacity(m.tables["inputs"].rows);
    let (mut docs, mut rejects, mut mentions, mut facts) = (0u64, 0u64, 0u64, 0u64);
    for batch in PrevTable::open(&ledger_path)?.reader {
        let batch = batch.map_err(|e| pq_err(&ledger_path, e))?;
        let bad = |c: &str| Error::Parquet {
            path: ledger_path.clone(),
            reason: format!("column {c} is missing or of another type"),
        };
        let s = |c: &str| {
            batch
                .column_by_name(c)
                .and_then(|a| a.as_any().downcast_ref::<StringArray>())
                .ok_or_else(|| bad(c))
        };
        let (source, input, hash, outcome) = (s("source")?, s("input")?, s("input_hash")?, s("outcome")?);
        let line = batch
            .column_by_name("line")
            .and_then(|a| a.as_any().downcast_ref::<Int64Array>())
            .ok_or_else(|| bad("line"))?;
        let i32_col = |c: &str| {
            batch
                .column_by_name(c)
                .and_then(|a| a.as_any().downcast_ref::<Int32Array>())
                .ok_or_else(|| bad(c))
        };
        let (n_m, n_f) = (i32_col("n_mentions")?, i32_col("n_facts")?);
        for i in 0..batch.num_rows() {
            let line = (!line.is_null(i)).then(|| u64::try_from(line.value(i)).unwrap_or(0));
            let key = unit_key(source.value(i), line, input.value(i));
            let document = outcome.value(i) == "document";
            let (nm, nf) = (u64::try_from(n_m.value(i)).unwrap_or(0), u64::try_from(n_f.value(i)).unwrap_or(0));
            let row = if document { docs } else { rejects };
            let idx = u32::try_from(units.len()).map_err(|_| Error::Usage("over 4 billion inputs".into()))?;
            keys.entry(key).or_insert(idx);
            units.push(Unit {
                key,
                hash: if hash.is_null(i) { None } else { hex_128(hash.value(i)) },
                document,
                row,
                mention_start: mentions,
                n_mentions: nm,
                fact_start: facts,
                n_facts: nf,
            });
            if document {
                docs += 1;
            } else {
                rejects += 1;
            }
            mentions += nm;
            facts += nf;
        }
    }
    let rows = |t: &str| m.tables[t].rows as u64;
    if (docs, rejects, mentions, facts) != (rows("documents"), rows("rejects"), rows("mentions"), rows("facts")) {
        return Ok(Err(format!(
            "the previous ledger ({}) does not add up to its tables",
            ledger_path.display()
        )));
    }
    Ok(Ok((
        Previous {
            dir: out.to_path_buf(),
            run_id: m.run_id,
            units,
            tables: m.tables,
            keys,
        },
        readers,
    )))
}

/// Decides, unit by unit in input order, which previous unit's rows to reuse.
#[derive(Debug)]
pub struct Matcher<'a> {
    prev: &'a Previous,
    /// The smallest previous unit that may still be reused (reuse is in increasing order).
    next: u32,
}

impl<'a> Matcher<'a> {
    pub fn new(prev: &'a Previous) -> Self {
        Matcher { prev, next: 0 }
    }

    /// The previous unit whose rows this one can take, if any.
    pub fn decide(&mut self, raw: &RawInput, hash: Option<&blake3::Hash>) -> Option<u32> {
        let hash = first_128(*hash?);
        let idx = *self.prev.keys.get(&unit_key(&raw.source, raw.line, &raw.doc))?;
        let u = &self.prev.units[idx as usize];
        // rejects are redone: a `duplicate_id` reject depends on other units, and redoing a
        // reject is cheap
        if idx < self.next || u.hash != Some(hash) || !u.document {
            return None;
        }
        self.next = idx + 1;
        Some(idx)
    }
}

/// Whether the inputs are exactly the previous run's: same units, same order, same bytes.
/// Reads the inputs once and stops at the first difference.
pub fn unchanged(prev: &Previous, files: &[InputFile], max_bytes: u64) -> bool {
    let mut i = 0usize;
    let mut same = true;
    for f in files {
        ingest::read_file(f, max_bytes, &mut |raw| {
            if !same {
                return;
            }
            let u = prev.units.get(i);
            i += 1;
            let hash = content_hash(&raw).map(first_128);
            same = hash.is_some() && u.is_some_and(|u| u.key == unit_key(&raw.source, raw.line, &raw.doc) && u.hash == hash);
        });
        if !same {
            return false;
        }
    }
    i == prev.units.len()
}

/// Hard-link (or copy, where links are impossible) every file of the previous output except
/// its manifest into `staging`. The files are immutable once written, so sharing them is safe.
pub fn link_previous(prev: &Previous, staging: &Path) -> Result<()> {
    fn walk(from: &Path, to: &Path, top: bool) -> Result<()> {
        let entries = std::fs::read_dir(from).map_err(|e| Error::io("cannot list", from, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("cannot list", from, e))?;
            let (src, dst) = (entry.path(), to.join(entry.file_name()));
            if top && is_report(&entry.file_name()) {
                // the previous run's report describes the previous tables
                continue;
            }
            if src.is_dir() {
                std::fs::create_dir_all(&dst).map_err(|e| Error::io("cannot create folder", &dst, e))?;
                walk(&src, &dst, false)?;
            } else if !(top && entry.file_name() == "manifest.json") && std::fs::hard_link(&src, &dst).is_err() {
                std::fs::copy(&src, &dst).map_err(|e| Error::io("cannot copy", &src, e))?;
            }
        }
        Ok(())
    }
    walk(&prev.dir, staging, true)
}

/// What an incremental run did, for the manifest and the summary.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IncrementalReport {
    /// `unchanged` (previous files reused whole), `merged` (rows reused unit by unit) or
    /// `full` (nothing reusable; `reason` says why).
    pub mode: String,
    pub reason: Option<String>,
    pub base_run_id: Option<String>,
    pub reused: usize,
    pub processed: usize,
}
