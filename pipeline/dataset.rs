//! `ictstat aggregate`: a facts dataset in (the CLI's `facts.parquet`, or the Parquet files a
//! distributed engine wrote), `province_metrics` and `anomalies` out: the run's aggregate
//! (`crate::aggregate::Accumulator`) and the run's writers (`crate::output::metrics::write_aggregate`).
//!
//! Inputs: Parquet files or folders of them (read recursively; names starting with `.` or `_`,
//! such as Spark's `_SUCCESS` and `.crc` files, are skipped), with the `facts` columns; and,
//! optionally, the matching `documents` (only `doc`, `published`, `event_date` and `date_flag`
//! are read): the publication dates decide between sources (a later publication wins) and a
//! repaired date is an anomaly. Without documents, the choice falls back to document name and
//! position and no `date_repaired` anomaly is reported.
//! Output: an output folder written atomically, as a run's (same guard, lock and swap).
//! Invariant: the rows of `province_metrics` do not depend on the order of files or rows
//! (documents are folded in name order, each document's facts together in their order), so a
//! dataset written by many workers gives the CLI's rows for the same documents. Memory does not
//! grow with the facts (rule `aggregate.gather`): they are gathered on disk in ranges of
//! document names, and one range is held at a time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::aggregate::Accumulator;
use crate::aggregate::record::{basis_code, basis_of_code, part_code, part_of_code, status_code, status_of_code};
use crate::aggregate::spill::{Dec, Enc, Spill};
use crate::config::Resources;
use crate::output::atomic::Staging;
use crate::output::guard::{OutputLock, check_out};
use crate::output::parquet::{RunStamp, for_each_batch};
use crate::output::rows;
use crate::records::Fact;
use crate::{Error, Result};

/// What `ictstat aggregate` did.
#[derive(Debug, Clone, Serialize)]
pub struct AggregateSummary {
    pub run_id: String,
    pub out: String,
    pub files: usize,
    pub documents: usize,
    pub facts: usize,
    pub province_metrics: usize,
    pub anomalies: usize,
}

impl AggregateSummary {
    pub fn render(&self) -> String {
        format!(
            "ictstat aggregate {}\n  output            {}\n  input             {} files, {} facts of {} documents\n  province_metrics  {}\n  anomalies         {}\n",
            self.run_id, self.out, self.files, self.facts, self.documents, self.province_metrics, self.anomalies
        )
    }
}

/// Parquet files under the given paths, sorted per path.
fn parquet_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(input)
                .follow_links(true)
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with(['.', '_']))
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "parquet"))
                .map(|e| e.into_path())
                .collect();
            found.sort();
            out.extend(found);
        } else if input.is_file() {
            out.push(input.clone());
        } else {
            return Err(Error::io(
                "cannot read input",
                input,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
    }
    if out.is_empty() {
        return Err(Error::NoInput(inputs.to_vec()));
    }
    Ok(out)
}

/// One copy of each distinct name of a dataset's facts (metrics, tiers, units, provinces).
#[derive(Default)]
struct Names {
    ids: rustc_hash::FxHashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = u32::try_from(self.names.len()).expect("fewer than 2^32 distinct names");
        self.names.push(s.to_string());
        self.ids.insert(s.to_string(), i);
        i
    }

    fn get(&self, i: u32) -> String {
        self.names[i as usize].clone()
    }
}

/// Rule `aggregate.gather`: the documents of one range of names, whose facts are held together
/// (about 15 facts a document on the synthetic corpora: some 25 MB of records a range).
const DOCS_PER_PART: usize = 16_384;

/// Bytes of gathered facts held in memory before every range's records go to its file.
const GATHER_BUDGET: usize = 32 << 20;

/// The names of the documents of the facts files (their `doc` column alone), each once.
fn fact_doc_names(files: &[PathBuf]) -> Result<std::collections::BTreeSet<String>> {
    use arrow::array::AsArray;
    let mut out = std::collections::BTreeSet::new();
    for path in files {
        for_each_batch(path, Some(&["doc"]), |b| {
            let col = b
                .column_by_name("doc")
                .and_then(|c| c.as_string_opt::<i32>())
                .ok_or_else(|| Error::Schema {
                    table: "facts".into(),
                    reason: format!("{}: no utf8 column doc", path.display()),
                })?;
            // (a document's facts are written together: most rows repeat the name before them)
            let mut last: Option<&str> = None;
            for doc in col.iter().flatten() {
                if last != Some(doc) && !out.contains(doc) {
                    out.insert(doc.to_string());
                }
                last = Some(doc);
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// Every flag, in the order of their codes in a gathered record ([`flag_code`] less one).
const FLAGS: [crate::records::Flag; 4] = [
    crate::records::Flag::MalformedNumber,
    crate::records::Flag::Implausible,
    crate::records::Flag::WordsMismatch,
    crate::records::Flag::MissingScale,
];

/// A flag's code in a gathered record (0 is no flag); a new flag fails to compile here.
fn flag_code(f: crate::records::Flag) -> u8 {
    use crate::records::Flag::*;
    match f {
        MalformedNumber => 1,
        Implausible => 2,
        WordsMismatch => 3,
        MissingScale => 4,
    }
}

/// What the fold reads of a fact (`Accumulator::add_document`), its names interned: the record
/// a fact is gathered as (rule `aggregate.gather`). Whole facts took about 800 bytes each (1.6 GB
/// for the 1.9 million facts of 1 GB of reports); held all at once, these took about 120 (998 MB
/// for the 7.5 million of the 1 GB synthetic run), so they wait on disk by range of names.
#[derive(Debug, Clone, PartialEq)]
struct Held {
    metric: u32,
    tier: u32,
    unit: u32,
    /// Name and code.
    province: Option<(u32, u32)>,
    value: f64,
    value_high: Option<f64>,
    period: Option<crate::records::Period>,
    basis: Option<crate::records::Basis>,
    status: crate::records::Status,
    flag: Option<crate::records::Flag>,
    flag_reason: Option<Box<str>>,
    char_start: usize,
    char_end: usize,
}

impl Held {
    fn of(f: &Fact, names: &mut Names) -> Held {
        Held {
            metric: names.id(&f.metric),
            tier: names.id(&f.tier),
            unit: names.id(&f.unit),
            province: f.province.as_ref().map(|p| (names.id(&p.name), names.id(&p.code))),
            value: f.value,
            value_high: f.value_high,
            period: f.period,
            basis: f.basis,
            status: f.status,
            flag: f.flag,
            flag_reason: f.flag_reason.as_deref().map(Box::from),
            char_start: f.char_start,
            char_end: f.char_end,
        }
    }

    /// The record of this fact in the gathered store, with its document's name.
    fn encode(&self, out: &mut Vec<u8>, doc: &str) {
        let mut e = Enc(out);
        e.u32(self.metric).u32(self.tier).u32(self.unit);
        let (pn, pc) = self.province.unwrap_or((0, 0));
        e.u8(u8::from(self.province.is_some())).u32(pn).u32(pc);
        e.f64(self.value)
            .u8(u8::from(self.value_high.is_some()))
            .f64(self.value_high.unwrap_or(0.0));
        let (tag, n) = self.period.map_or((0, 0), |p| part_code(p.part));
        e.u8(u8::from(self.period.is_some()))
            .i32(self.period.map_or(0, |p| p.year))
            .u8(tag)
            .u8(n);
        e.u8(basis_code(self.basis)).u8(status_code(self.status));
        e.u8(self.flag.map_or(0, flag_code));
        e.u8(u8::from(self.flag_reason.is_some()))
            .str(self.flag_reason.as_deref().unwrap_or(""));
        e.u64(self.char_start as u64).u64(self.char_end as u64);
        e.str(doc);
    }

    /// A record [`Held::encode`] wrote, and its document's name.
    fn decode<'a>(d: &mut Dec<'a>) -> Result<(Held, &'a str)> {
        use crate::records::Period;
        let bug = |what: &str| Error::Bug(format!("the gathered facts hold an unknown {what}"));
        let (metric, tier, unit) = (d.u32()?, d.u32()?, d.u32()?);
        let (has_province, pn, pc) = (d.u8()? != 0, d.u32()?, d.u32()?);
        let (value, has_high, high) = (d.f64()?, d.u8()? != 0, d.f64()?);
        let (has_period, year, tag, n) = (d.u8()? != 0, d.i32()?, d.u8()?, d.u8()?);
        let period = if has_period {
            Some(Period {
                year,
                part: part_of_code(tag, n)?,
            })
        } else {
            None
        };
        let basis = basis_of_code(d.u8()?)?;
        let status = status_of_code(d.u8()?)?;
        let flag = match d.u8()? {
            0 => None,
            f => Some(*FLAGS.get(usize::from(f) - 1).ok_or_else(|| bug("flag"))?),
        };
        let (has_reason, reason) = (d.u8()? != 0, d.str()?);
        let (char_start, char_end) = (d.u64()? as usize, d.u64()? as usize);
        let doc = d.str()?;
        let held = Held {
            metric,
            tier,
            unit,
            province: has_province.then_some((pn, pc)),
            value,
            value_high: has_high.then_some(high),
            period,
            basis,
            status,
            flag,
            flag_reason: has_reason.then(|| Box::from(reason)),
            char_start,
            char_end,
        };
        Ok((held, doc))
    }

    /// The fact again, with what the fold does not read left empty.
    fn fact(self, doc: &str, published: Option<chrono::NaiveDate>, names: &Names) -> Fact {
        Fact {
            doc: doc.to_string(),
            metric: names.get(self.metric),
            tier: names.get(self.tier),
            value: self.value,
            value_high: self.value_high,
            of: None,
            unit: names.get(self.unit),
            province: self.province.map(|(n, c)| crate::records::ProvinceRef {
                name: names.get(n).into(),
                code: names.get(c).into(),
            }),
            period: self.period,
            basis: self.basis,
            status: self.status,
            bound: None,
            converted: false,
            flag: self.flag,
            flag_reason: self.flag_reason.map(String::from),
            growth_pct: None,
            plan_share_pct: None,
            raw: String::new(),
            sentence_index: 0,
            sentence: String::new(),
            char_start: self.char_start,
            char_end: self.char_end,
            published,
        }
    }
}

/// Publication date (else event date) and date flag of each document.
type DocDates = BTreeMap<String, (Option<chrono::NaiveDate>, Option<String>)>;

fn document_dates(files: &[PathBuf]) -> Result<DocDates> {
    let mut out = DocDates::new();
    for path in files {
        for_each_batch(path, Some(&["doc", "published", "event_date", "date_flag"]), |b| {
            let rows = crate::output::rows::document_dates(&b).map_err(|reason| Error::Schema {
                table: "documents".into(),
                reason: format!("{}: {reason}", path.display()),
            })?;
            for d in rows {
                out.insert(d.doc, (d.date, d.date_flag));
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// Aggregate a facts dataset (and optionally its documents) into `out`.
pub fn aggregate_dataset(facts: &[PathBuf], documents: &[PathBuf], out: &Path, res: &Resources) -> Result<AggregateSummary> {
    aggregate_in_ranges(facts, documents, out, res, DOCS_PER_PART, GATHER_BUDGET)
}

/// [`aggregate_dataset`] with the documents of a range of names and the bytes of gathered facts
/// held in memory given: a test crosses ranges and spills with a few hundred documents.
#[doc(hidden)]
pub fn aggregate_in_ranges(
    facts: &[PathBuf],
    documents: &[PathBuf],
    out: &Path,
    res: &Resources,
    docs_per_part: usize,
    budget: usize,
) -> Result<AggregateSummary> {
    let docs_per_part = docs_per_part.max(1);
    let run_id = crate::run::new_run_id();
    let inputs: Vec<PathBuf> = facts.iter().chain(documents).cloned().collect();
    let out = check_out(out, &inputs)?;
    let lock = OutputLock::acquire(&out)?;
    lock.remove_stale(&out);
    let fact_files = parquet_files(facts)?;
    let doc_files = if documents.is_empty() {
        Vec::new()
    } else {
        parquet_files(documents)?
    };
    let dates = document_dates(&doc_files)?;
    // rule `aggregate.gather`: every document's name first (the facts' `doc` column alone), in
    // order; then the facts, each into the spilled partition of its range of names; then one
    // range at a time, each document's facts together in their order, documents in name order
    let mut names: Vec<String> = fact_doc_names(&fact_files)?.into_iter().chain(dates.keys().cloned()).collect();
    names.sort();
    names.dedup();
    let staging = Staging::new(&out, &run_id)?;
    let parts = names.len().div_ceil(docs_per_part).max(1);
    let part_of = |doc: &str| (names.binary_search_by(|n| n.as_str().cmp(doc)).unwrap_or_else(|i| i) / docs_per_part).min(parts - 1);
    let mut gathered = Spill::new(Some(staging.dir().join(".gather")), "facts", budget);
    let mut names_of = Names::default();
    let mut n_facts = 0;
    let mut record = Vec::new();
    for path in &fact_files {
        for_each_batch(path, None, |b| {
            let facts = rows::facts_from_batch(&b).map_err(|e| match e {
                Error::Schema { table, reason } => Error::Schema {
                    table,
                    reason: format!("{}: {reason}", path.display()),
                },
                e => e,
            })?;
            n_facts += facts.len();
            for f in facts {
                record.clear();
                Held::of(&f, &mut names_of).encode(&mut record, &f.doc);
                gathered.push(part_of(&f.doc), &record)?;
            }
            Ok(())
        })?;
    }
    // the fold's records wait for the barrier in the staging folder, not beside the facts held
    let mut acc = Accumulator::spilling(staging.dir().join(".fold"));
    for p in 0..parts {
        let range = &names[(p * docs_per_part).min(names.len())..((p + 1) * docs_per_part).min(names.len())];
        let bytes = gathered.take(p)?;
        let mut by_doc: BTreeMap<&str, Vec<Held>> = BTreeMap::new();
        let mut d = Dec::new(&bytes);
        while !d.is_empty() {
            let (held, doc) = Held::decode(&mut d)?;
            by_doc.entry(doc).or_default().push(held);
        }
        // (a name the first pass did not see, were a file to change between the passes, is
        // folded in its place all the same)
        let mut these: Vec<&str> = range.iter().map(String::as_str).chain(by_doc.keys().copied()).collect();
        these.sort_unstable();
        these.dedup();
        for name in these {
            let (published, flag) = dates.get(name).cloned().unwrap_or_default();
            if let Some(flag) = flag {
                acc.add_date_flag(name, &flag);
            }
            // one document's facts at a time, whole again
            if let Some(held) = by_doc.remove(name) {
                let facts: Vec<Fact> = held.into_iter().map(|h| h.fact(name, published, &names_of)).collect();
                acc.add_document(&facts)?;
            }
        }
    }
    gathered.remove_dir()?;
    let stamp = RunStamp {
        run_id: run_id.clone(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let mut counts = BTreeMap::new();
    let anomalies = crate::output::sink::Sink::open(staging.dir(), "anomalies", res, &stamp)?;
    crate::output::metrics::write_aggregate(staging.dir(), res, &stamp, acc, anomalies, &mut counts)?;
    let manifest = serde_json::json!({
        "run_id": run_id,
        "ictstat_version": env!("CARGO_PKG_VERSION"),
        "command": "aggregate",
        "facts": facts.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "documents": documents.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "fingerprint": res.fingerprint,
        "tables": counts.iter().map(|(k, v)| (k.to_string(), serde_json::json!({
            "file": format!("{k}.parquet"), "rows": v, "schema_version": res.table(k).version,
        }))).collect::<serde_json::Map<_, _>>(),
    });
    let path = staging.dir().join("manifest.json");
    std::fs::write(&path, format!("{manifest:#}\n")).map_err(|e| Error::io("cannot write", &path, e))?;
    let done = staging.commit()?;
    drop(lock);
    Ok(AggregateSummary {
        run_id,
        out: done.display().to_string(),
        files: fact_files.len() + doc_files.len(),
        documents: names.len(),
        facts: n_facts,
        province_metrics: counts.get("province_metrics").copied().unwrap_or(0),
        anomalies: counts.get("anomalies").copied().unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Basis, Period, PeriodPart};

    /// Every status, basis, flag and period kind, a province and an upper value or none, a flag
    /// reason or none come back from a gathered record as they went in, with the document.
    #[test]
    fn a_gathered_record_round_trips() {
        let parts = [
            PeriodPart::Year,
            PeriodPart::Quarter(3),
            PeriodPart::Half(1),
            PeriodPart::Months(9),
            PeriodPart::Month(11),
            PeriodPart::Through(2),
        ];
        let mut held = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            for status in crate::aggregate::record::STATUSES {
                for basis in [None, Some(Basis::Stock), Some(Basis::Flow)] {
                    held.push(Held {
                        metric: i as u32,
                        tier: 1,
                        unit: 2,
                        province: (i % 2 == 0).then_some((3, 4)),
                        value: 1.5 * i as f64,
                        value_high: (i % 3 == 0).then_some(9.25),
                        period: (i != 1).then_some(Period {
                            year: 2020 + i as i32,
                            part: *part,
                        }),
                        basis,
                        status,
                        flag: FLAGS.get(i).copied(),
                        flag_reason: (i % 2 == 1).then(|| Box::from("đã sửa")),
                        char_start: 10 * i,
                        char_end: 10 * i + 7,
                    });
                }
            }
        }
        let mut bytes = Vec::new();
        for (k, h) in held.iter().enumerate() {
            h.encode(&mut bytes, &format!("tài liệu {k}"));
        }
        let mut d = Dec::new(&bytes);
        for (k, h) in held.iter().enumerate() {
            let (back, doc) = Held::decode(&mut d).unwrap();
            assert_eq!((&back, doc), (h, format!("tài liệu {k}").as_str()));
        }
        assert!(d.is_empty());
        for (i, f) in FLAGS.iter().enumerate() {
            assert_eq!(usize::from(flag_code(*f)), i + 1, "{f:?}");
        }
    }
}
