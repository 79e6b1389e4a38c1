//! The fold: facts, document by document, into one small state per group.
//!
//! Input: each document's facts in input order ([`Accumulator::add_document`]) and the documents
//! whose dates clean repaired. The streaming side keeps each attributed fact as a compact record
//! (no text; names are ids of one string table, the document's name once per fact) in its
//! province's partition of a store that spills to the run's folder past a memory budget
//! ([`super::spill`]), and makes the anomalies about single facts as they come. At the barrier,
//! each province's records are folded ([`ProvinceFold`]) into one state per period × metric ×
//! status × basis group (the chosen fact, the spread, the support, the farthest other
//! document's value), and [`group_frame`] makes the province's group table, in the order of
//! `province_metrics` and with the columns of its dimensions, as a polars `DataFrame` for the
//! relational part ([`super::query`]).
//! Invariant: what is held in memory is bounded by the spill budget while the documents stream,
//! and by one province's groups at the barrier; the groups of a province, and their choice, are
//! those a fold of all facts at once makes (the order of a province's records is input order).

use std::cmp::Ordering;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::*;

use super::query::Dimensions;
use super::record::Held;
use super::spill::{self, Dec, Spill};
use crate::Result;
use crate::records::{Anomaly, Basis, Fact, Period, PeriodPart, Status};

/// A name of the fold's string table ([`Strings`]): 4 bytes where an `Arc<str>` is 16, and
/// `Option<Id>` is 4 bytes too.
type Id = NonZeroU32;

/// The id of the `n`-th entry (counting from one) of a table of names.
fn nth_id(n: usize) -> Id {
    Id::new(u32::try_from(n).expect("fewer than 4 billion names in a table")).expect("counted from one")
}

/// The index, in its table, of the entry an id names.
fn index(i: Id) -> usize {
    i.get() as usize - 1
}

/// province, period, metric, status, basis: the names as ids of the fold's string table (a
/// handful of distinct values each), the rest kept as the enums they are, so a group's key is
/// 20 bytes, holds no heap of its own and nothing is parsed back
type GroupKey = (Id, Period, Id, Status, Option<Basis>);

/// One shared copy of each distinct string of the group keys and candidates, by id: the fold
/// keeps a group per province × period × metric × status × basis, and memory grows with the
/// groups.
#[derive(Debug, Default)]
pub(super) struct Strings {
    ids: rustc_hash::FxHashMap<Arc<str>, Id>,
    names: Vec<Arc<str>>,
}

impl Strings {
    fn id(&mut self, v: &str) -> Id {
        if let Some(&i) = self.ids.get(v) {
            return i;
        }
        let a: Arc<str> = Arc::from(v);
        self.names.push(a.clone());
        let i = nth_id(self.names.len());
        self.ids.insert(a, i);
        i
    }

    /// The id of a name, if the fold has seen it.
    pub(super) fn get(&self, v: &str) -> Option<Id> {
        self.ids.get(v).copied()
    }

    pub(super) fn name(&self, i: Id) -> &str {
        &self.names[index(i)]
    }
}

/// What the fold keeps of a fact: no text, 64 bytes.
#[derive(Debug, Clone)]
struct Candidate {
    value: f64,
    value_high: Option<f64>,
    char_start: i64,
    char_end: i64,
    /// The document's number ([`Accumulator::docs`]).
    doc: Id,
    flag: Option<Id>,
    published: Option<NaiveDate>,
    tier: Id,
    unit: Id,
    province_code: Id,
}

/// The state of one group: 128 bytes (it had been about 210 with its names as `Arc<str>`, and
/// a group about 300 bytes with its slot in the map; the 1 GB corpus has 287 000 groups).
#[derive(Debug, Clone)]
struct Group {
    chosen: Candidate,
    value_min: f64,
    value_max: f64,
    n_facts: u32,
    n_docs: u32,
    last_doc: Id,
    /// First unflagged value of each document: the lowest and highest, with their documents.
    doc_low: Option<(f64, Id)>,
    doc_high: Option<(f64, Id)>,
}

impl Group {
    /// Disagreement between documents: the other document's value farthest from the choice.
    fn other(&self) -> Option<(f64, Id)> {
        let c = &self.chosen;
        [self.doc_low, self.doc_high]
            .into_iter()
            .flatten()
            .filter(|(_, d)| *d != c.doc)
            .max_by(|a, b| (a.0 - c.value).abs().total_cmp(&(b.0 - c.value).abs()))
    }
}

/// An anomaly about one fact, at its span.
fn fact_anomaly(f: &Fact, kind: &str, reason: String) -> Anomaly {
    Anomaly {
        kind: kind.to_string(),
        metric: Some(f.metric.clone()),
        province: f.province.as_ref().map(|p| p.name.to_string()),
        period: f.period.map(|p| p.to_string()),
        doc: f.doc.clone(),
        char_start: Some(f.char_start as i64),
        char_end: Some(f.char_end as i64),
        value: Some(f.value),
        other_value: None,
        other_doc: None,
        reason,
    }
}

/// The streaming side of the fold: each attributed fact becomes a record in its province's
/// partition of a spilling store ([`Spill`]), and the anomalies about single facts are made as
/// the facts arrive. The barrier ([`super::barrier`]) folds one province at a time
/// ([`ProvinceFold`]), so what the run holds grows with the largest province's groups, not with
/// all of them.
#[derive(Debug)]
pub struct Accumulator {
    anomalies: Vec<Anomaly>,
    pub(super) strings: Strings,
    /// Each province's partition of `facts`, by the province's id.
    part_of: rustc_hash::FxHashMap<Id, usize>,
    /// The province of each partition (a province reference has a few dozen).
    pub(super) provinces: Vec<Id>,
    /// The metrics and the years of the folded facts (a few dozen of each).
    pub(super) metrics: std::collections::BTreeSet<Id>,
    pub(super) years: std::collections::BTreeSet<i32>,
    pub(super) facts: Spill,
    /// Where the stores spill (`None`: never).
    pub(super) spill_dir: Option<PathBuf>,
    pub(super) budget: usize,
    /// Documents folded so far: the number of the last one.
    docs: u32,
    /// The record being written (one buffer for the run).
    record: Vec<u8>,
}

impl Accumulator {
    /// A fold that holds its records in memory (the tests).
    #[cfg(test)]
    pub fn new() -> Self {
        Self::with_spill(None, spill::DEFAULT_BUDGET)
    }

    /// A fold whose facts wait for the barrier in files under `dir` once they pass a budget of
    /// memory. `dir` is the run's own (its staging folder) and is removed by the barrier.
    pub fn spilling(dir: PathBuf) -> Self {
        Self::with_spill(Some(dir), spill::DEFAULT_BUDGET)
    }

    pub(super) fn with_spill(dir: Option<PathBuf>, budget: usize) -> Self {
        Accumulator {
            anomalies: Vec::new(),
            strings: Strings::default(),
            part_of: rustc_hash::FxHashMap::default(),
            provinces: Vec::new(),
            metrics: Default::default(),
            years: Default::default(),
            facts: Spill::new(dir.clone(), "facts", budget),
            spill_dir: dir,
            budget,
            docs: 0,
            record: Vec::new(),
        }
    }

    /// Fold one document's facts (call in input order).
    pub fn add_document(&mut self, facts: &[Fact]) -> Result<()> {
        let Some(first) = facts.first() else { return Ok(()) };
        self.docs += 1;
        let mut firsts: Vec<GroupKey> = Vec::new();
        for f in facts {
            if let Some(flag) = f.flag {
                self.anomalies
                    .push(fact_anomaly(f, flag.as_str(), f.flag_reason.clone().unwrap_or_default()));
            }
            let (Some(prov), Some(period)) = (&f.province, f.period) else {
                // rule `aggregate.unattributed`: a figure is never left without a province or
                // period silently
                let missing = match (&f.province, f.period) {
                    (None, None) => "no province and no period",
                    (None, _) => "no province",
                    _ => "no period",
                };
                self.anomalies.push(fact_anomaly(
                    f,
                    "unattributed",
                    format!(
                        "{missing} could be determined for this figure (neither its sentence, the document nor its outlet gives one); it is left out of province_metrics"
                    ),
                ));
                continue;
            };
            let st = &mut self.strings;
            let key = (st.id(&prov.name), period, st.id(&f.metric), f.status, f.basis);
            let doc_first = f.flag.is_none() && !firsts.contains(&key);
            if doc_first {
                firsts.push(key);
            }
            let held = Held {
                key,
                doc: self.docs,
                doc_first,
                value: f.value,
                value_high: f.value_high,
                flag: f.flag.map(|x| st.id(x.as_str())),
                published: f.published,
                char_start: f.char_start as i64,
                char_end: f.char_end as i64,
                tier: st.id(&f.tier),
                unit: st.id(&f.unit),
                province_code: st.id(&prov.code),
            };
            self.metrics.insert(key.2);
            self.years.insert(period.year);
            let next = self.part_of.len();
            let part = *self.part_of.entry(key.0).or_insert(next);
            if part == self.provinces.len() {
                self.provinces.push(key.0);
            }
            self.record.clear();
            held.encode(&mut self.record, &first.doc);
            self.facts.push(part, &self.record)?;
        }
        Ok(())
    }

    /// Hand over the anomalies about single facts found so far, in input order: a run writes
    /// them as it goes, so they are not held to the barrier (at 1 GB of input they were the
    /// largest part of the fold, 170 000 rows with a sentence of reason each).
    pub fn drain_anomalies(&mut self) -> std::vec::Drain<'_, Anomaly> {
        self.anomalies.drain(..)
    }

    /// A document whose dates clean had to repair.
    pub fn add_date_flag(&mut self, doc: &str, flag: &str) {
        self.anomalies.push(Anomaly {
            kind: "date_repaired".into(),
            metric: None,
            province: None,
            period: None,
            doc: doc.to_string(),
            char_start: None,
            char_end: None,
            value: None,
            other_value: None,
            other_doc: None,
            reason: format!("impossible date in the document, {flag}"),
        });
    }

    /// The name of a string id.
    pub(super) fn name(&self, i: Id) -> &str {
        self.strings.name(i)
    }
}

/// One province's groups, folded at the barrier from its partition's records in input order.
#[derive(Debug, Default)]
pub(super) struct ProvinceFold {
    /// The names of this province's documents, by number (index plus one).
    docs: Vec<Box<str>>,
    /// Boxed: the table holds a key and a pointer per slot, and its spare capacity stays small.
    groups: rustc_hash::FxHashMap<GroupKey, Box<Group>>,
}

impl ProvinceFold {
    /// Fold a partition's records.
    pub(super) fn of(records: &[u8]) -> Result<Self> {
        let mut fold = ProvinceFold::default();
        let mut d = Dec::new(records);
        let mut last = 0;
        while !d.is_empty() {
            let (h, name) = Held::decode(&mut d)?;
            if h.doc != last {
                fold.docs.push(name.into());
                last = h.doc;
            }
            fold.add(h);
        }
        Ok(fold)
    }

    /// Is `a` a better choice than `b` (choice rule of the module header)?
    fn better(&self, a: &Candidate, b: &Candidate) -> bool {
        let key = |c: &Candidate| (c.flag.is_some(), std::cmp::Reverse(c.published), self.doc(c.doc), c.char_start);
        key(a).cmp(&key(b)) == Ordering::Less
    }

    /// A document's name by its number.
    fn doc(&self, d: Id) -> &str {
        &self.docs[index(d)]
    }

    fn add(&mut self, h: Held) {
        let doc = nth_id(self.docs.len());
        let key = h.key;
        let cand = Candidate {
            doc,
            value: h.value,
            value_high: h.value_high,
            flag: h.flag,
            published: h.published,
            char_start: h.char_start,
            char_end: h.char_end,
            tier: h.tier,
            unit: h.unit,
            province_code: h.province_code,
        };
        let better = self.groups.get(&key).map(|g| self.better(&cand, &g.chosen));
        let g = self.groups.entry(key).or_insert_with(|| {
            Box::new(Group {
                chosen: cand.clone(),
                value_min: cand.value,
                value_max: cand.value,
                n_facts: 0,
                // made for this document
                n_docs: 1,
                last_doc: doc,
                doc_low: None,
                doc_high: None,
            })
        });
        g.n_facts += 1;
        if g.last_doc != doc {
            g.n_docs += 1;
            g.last_doc = doc;
        }
        g.value_min = g.value_min.min(cand.value);
        g.value_max = g.value_max.max(cand.value);
        if h.doc_first {
            if g.doc_low.as_ref().is_none_or(|(v, _)| cand.value < *v) {
                g.doc_low = Some((cand.value, doc));
            }
            if g.doc_high.as_ref().is_none_or(|(v, _)| cand.value > *v) {
                g.doc_high = Some((cand.value, doc));
            }
        }
        if better == Some(true) {
            g.chosen = cand;
        }
    }
}

/// The periods whose figures are compared across provinces for outliers.
fn comparable_period(p: Period) -> bool {
    matches!(
        p.part,
        PeriodPart::Year | PeriodPart::Quarter(_) | PeriodPart::Half(_) | PeriodPart::Months(_) | PeriodPart::Month(_)
    )
}

/// A string column from the fold's shared strings (no `String` per cell).
fn str_column<'a>(name: &str, cells: impl Iterator<Item = &'a str>) -> Column {
    StringChunked::from_iter_values(name.into(), cells).into_series().into()
}

fn opt_str_column<'a>(name: &str, cells: impl Iterator<Item = Option<&'a str>>) -> Column {
    StringChunked::from_iter_options(name.into(), cells).into_series().into()
}

/// A column of plain values, collected for this column only.
fn value_column<T, I>(name: &str, cells: I) -> Column
where
    I: Iterator<Item = T>,
    Series: NamedFrom<Vec<T>, [T]>,
{
    Series::new(name.into(), cells.collect::<Vec<T>>()).into()
}

/// The group table of one province: one row per group, in the order of `province_metrics`
/// (province, metric, period label, status, basis), a column at a time, with the columns of its dimensions and of
/// its own groups:
/// - the metric's catalog entry and the province's reference row for the year;
/// - `density`: the value of the group of the count this metric is a density of (same province,
///   period and status, no basis);
/// - `prev_value`: the value of the same province × metric × status × basis a year before.
pub(super) fn group_frame(fold: &ProvinceFold, strings: &Strings, dims: &Dimensions<'_>) -> Result<DataFrame> {
    let groups = &fold.groups;
    let name = |i: Id| strings.name(i);
    // each period's label, written once
    let mut labels: rustc_hash::FxHashMap<Period, Arc<str>> = rustc_hash::FxHashMap::default();
    let prev = |p: Period| Period {
        year: p.year - 1,
        part: p.part,
    };
    for p in groups.keys().map(|k| k.1) {
        labels.entry(p).or_insert_with(|| Arc::from(p.to_string()));
    }
    let label = |p: Period| -> &str { &labels[&p] };
    let basis = |k: &GroupKey| k.4.map_or("", |b| b.as_str());
    let mut rows: Vec<(&GroupKey, &Group)> = groups.iter().map(|(k, g)| (k, &**g)).collect();
    rows.sort_unstable_by(|(a, _), (b, _)| {
        (name(a.0), name(a.2), label(a.1), a.3.as_str(), basis(a)).cmp(&(name(b.0), name(b.2), label(b.1), b.3.as_str(), basis(b)))
    });
    let g = || rows.iter().copied();
    let metric = |k: &GroupKey| dims.metrics.get(name(k.2));
    let province = |k: &GroupKey| dims.provinces.get(name(k.0))?.get(&k.1.year);
    let density = |k: &GroupKey| {
        let of = strings.get(metric(k)?.density_of?)?;
        groups.get(&(k.0, k.1, of, k.3, None)).map(|d| d.chosen.value)
    };
    let prev_value = |k: &GroupKey| groups.get(&(k.0, prev(k.1), k.2, k.3, k.4)).map(|p| p.chosen.value);
    let columns = vec![
        str_column("province", g().map(|(k, _)| name(k.0))),
        str_column("period", g().map(|(k, _)| label(k.1))),
        str_column("metric", g().map(|(k, _)| name(k.2))),
        str_column("status", g().map(|(k, _)| k.3.as_str())),
        str_column("basis", g().map(|(k, _)| basis(k))),
        value_column("year", g().map(|(k, _)| k.1.year)),
        value_column("comparable", g().map(|(k, _)| comparable_period(k.1))),
        str_column("province_code", g().map(|(_, g)| name(g.chosen.province_code))),
        str_column("tier", g().map(|(_, g)| name(g.chosen.tier))),
        str_column("unit", g().map(|(_, g)| name(g.chosen.unit))),
        value_column("value", g().map(|(_, g)| g.chosen.value)),
        value_column("value_high", g().map(|(_, g)| g.chosen.value_high)),
        value_column("value_min", g().map(|(_, g)| g.value_min)),
        value_column("value_max", g().map(|(_, g)| g.value_max)),
        value_column("n_facts", g().map(|(_, g)| g.n_facts)),
        value_column("n_docs", g().map(|(_, g)| g.n_docs)),
        str_column("doc", g().map(|(_, g)| fold.doc(g.chosen.doc))),
        value_column("char_start", g().map(|(_, g)| g.chosen.char_start)),
        value_column("char_end", g().map(|(_, g)| g.chosen.char_end)),
        opt_str_column("flag", g().map(|(_, g)| g.chosen.flag.map(name))),
        value_column("other_value", g().map(|(_, g)| g.other().map(|o| o.0))),
        opt_str_column("other_doc", g().map(|(_, g)| g.other().map(|o| fold.doc(o.1)))),
        value_column("per_capita", g().map(|(k, _)| metric(k).map(|m| m.per_capita))),
        value_column("rate", g().map(|(k, _)| metric(k).map(|m| m.rate))),
        value_column("tol", g().map(|(k, _)| metric(k).map(|m| m.tol))),
        value_column("tol_absolute", g().map(|(k, _)| metric(k).map(|m| m.tol_absolute))),
        opt_str_column("region", g().map(|(k, _)| province(k).and_then(|p| p.region))),
        opt_str_column("province_2025", g().map(|(k, _)| province(k).and_then(|p| p.province_2025))),
        value_column("population", g().map(|(k, _)| province(k).map(|p| p.population))),
        value_column("population_extrapolated", g().map(|(k, _)| province(k).map(|p| p.extrapolated))),
        value_column("density", g().map(|(k, _)| density(k))),
        value_column("prev_value", g().map(|(k, _)| prev_value(k))),
    ];
    Ok(DataFrame::new(rows.len(), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sizes the fold's memory was measured with (issue 12): a group's state, its key and the
    /// candidate inside it.
    #[test]
    fn a_group_is_128_bytes_and_its_key_20() {
        assert_eq!(std::mem::size_of::<Candidate>(), 64);
        assert_eq!(std::mem::size_of::<Group>(), 128);
        assert_eq!(std::mem::size_of::<GroupKey>(), 20);
    }
}
