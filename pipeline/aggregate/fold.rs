//! The streaming fold: facts, document by document, into one small state per group.
//!
//! Input: each document's facts in input order ([`Accumulator::add_document`]) and the documents
//! whose dates clean repaired. Output ([`Accumulator::into_groups`]): the group table, one row
//! per province × period × metric × status × basis with the chosen fact, the spread, the
//! support and the farthest other document's value, in the order of `province_metrics` and with
//! the columns of its dimensions, as a polars `DataFrame` for the relational part
//! ([`super::query`]), and the anomalies about single facts.
//! Invariant: memory grows with the number of groups, never with the corpus (no fact text is
//! kept; strings of the keys are interned).

use std::cmp::Ordering;
use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::*;

use super::query::Dimensions;
use crate::catalog::Catalog;
use crate::records::{Anomaly, Basis, Fact, Period, PeriodPart, Status};
use crate::reference::Provinces;
use crate::{Error, Result};

/// province, period, metric, status, basis: the names interned (a handful of distinct values
/// each), the rest kept as the enums they are, so a group's key holds no heap of its own and
/// nothing is parsed back
type GroupKey = (Arc<str>, Period, Arc<str>, Status, Option<Basis>);

/// One shared copy of each distinct string of the group keys and candidates: the fold keeps a
/// group per province × period × metric × status × basis, and memory grows with the groups.
#[derive(Debug, Default)]
struct Interner(rustc_hash::FxHashSet<Arc<str>>);

impl Interner {
    fn get(&mut self, v: &str) -> Arc<str> {
        if let Some(a) = self.0.get(v) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(v);
        self.0.insert(a.clone());
        a
    }
}

/// What the fold keeps of a fact: no text.
#[derive(Debug, Clone)]
struct Candidate {
    /// Shared by the candidates of one document; dropped when no group refers to it.
    doc: Arc<str>,
    value: f64,
    value_high: Option<f64>,
    flag: Option<Arc<str>>,
    published: Option<NaiveDate>,
    char_start: i64,
    char_end: i64,
    tier: Arc<str>,
    unit: Arc<str>,
    province_code: Arc<str>,
}

/// The state of one group.
#[derive(Debug, Clone)]
struct Group {
    chosen: Candidate,
    value_min: f64,
    value_max: f64,
    n_facts: u32,
    n_docs: u32,
    last_doc: u64,
    /// First unflagged value of each document: the lowest and highest, with their documents.
    doc_low: Option<(f64, Arc<str>)>,
    doc_high: Option<(f64, Arc<str>)>,
}

impl Group {
    /// Disagreement between documents: the other document's value farthest from the choice.
    fn other(&self) -> Option<(f64, &str)> {
        let c = &self.chosen;
        [self.doc_low.as_ref(), self.doc_high.as_ref()]
            .into_iter()
            .flatten()
            .filter(|(_, d)| *d != c.doc)
            .max_by(|a, b| (a.0 - c.value).abs().total_cmp(&(b.0 - c.value).abs()))
            .map(|(v, d)| (*v, &**d))
    }

    fn other_doc(&self) -> Option<&str> {
        self.other().map(|o| o.1)
    }
}

/// An anomaly about one fact, at its span.
fn fact_anomaly(f: &Fact, kind: &str, reason: String) -> Anomaly {
    Anomaly {
        kind: kind.to_string(),
        metric: Some(f.metric.clone()),
        province: f.province.as_ref().map(|p| p.name.clone()),
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

/// The streaming fold of all facts.
#[derive(Debug, Default)]
pub struct Accumulator {
    /// Documents folded so far (a counter: names live in the groups that need them).
    docs: u64,
    /// Boxed: the table holds a key and a pointer per slot, and its spare capacity stays small.
    groups: rustc_hash::FxHashMap<GroupKey, Box<Group>>,
    anomalies: Vec<Anomaly>,
    strings: Interner,
}

impl Accumulator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Is `a` a better choice than `b` (choice rule of the module header)?
    fn better(&self, a: &Candidate, b: &Candidate) -> bool {
        let key = |c: &Candidate| (c.flag.is_some(), std::cmp::Reverse(c.published), c.doc.clone(), c.char_start);
        key(a).cmp(&key(b)) == Ordering::Less
    }

    /// Fold one document's facts (call in input order).
    pub fn add_document(&mut self, facts: &[Fact]) {
        let Some(first) = facts.first() else { return };
        self.docs += 1;
        let doc_no = self.docs;
        let doc: Arc<str> = Arc::from(first.doc.as_str());
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
            let key = (st.get(&prov.name), period, st.get(&f.metric), f.status, f.basis);
            let cand = Candidate {
                doc: doc.clone(),
                value: f.value,
                value_high: f.value_high,
                flag: f.flag.map(|x| st.get(x.as_str())),
                published: f.published,
                char_start: f.char_start as i64,
                char_end: f.char_end as i64,
                tier: st.get(&f.tier),
                unit: st.get(&f.unit),
                province_code: st.get(&prov.code),
            };
            let doc_first = f.flag.is_none() && !firsts.contains(&key);
            if doc_first {
                firsts.push(key.clone());
            }
            let better = self.groups.get(&key).map(|g| self.better(&cand, &g.chosen));
            let g = self.groups.entry(key).or_insert_with(|| {
                Box::new(Group {
                    chosen: cand.clone(),
                    value_min: cand.value,
                    value_max: cand.value,
                    n_facts: 0,
                    n_docs: 0,
                    last_doc: 0,
                    doc_low: None,
                    doc_high: None,
                })
            });
            g.n_facts += 1;
            if g.last_doc != doc_no {
                g.n_docs += 1;
                g.last_doc = doc_no;
            }
            g.value_min = g.value_min.min(cand.value);
            g.value_max = g.value_max.max(cand.value);
            if doc_first {
                if g.doc_low.as_ref().is_none_or(|(v, _)| cand.value < *v) {
                    g.doc_low = Some((cand.value, doc.clone()));
                }
                if g.doc_high.as_ref().is_none_or(|(v, _)| cand.value > *v) {
                    g.doc_high = Some((cand.value, doc.clone()));
                }
            }
            if better == Some(true) {
                g.chosen = cand;
            }
        }
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

    /// The end of the fold: the group table, in key order and joined with its dimensions, and
    /// the anomalies about single facts. The table is built a column at a time from the groups,
    /// and the groups are freed once it is whole, so the barrier holds the fold and the table,
    /// never a copy of the rows in between or a join's.
    pub(super) fn into_groups(self, catalog: &Catalog, provinces: &Provinces) -> Result<(DataFrame, Vec<Anomaly>)> {
        if let Some(metric) = self.groups.keys().map(|k| &k.2).find(|m| catalog.get(m).is_none()) {
            return Err(Error::Aggregate(format!("fact with unknown metric {metric}")));
        }
        let mut years: Vec<i32> = self.groups.keys().map(|k| k.1.year).collect();
        years.sort_unstable();
        years.dedup();
        let dims = Dimensions::new(catalog, provinces, &years);
        let frame = group_frame(&self.groups, &self.strings, &dims)?;
        Ok((frame, self.anomalies))
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

/// The group table: one row per group, in the order of `province_metrics` (province, metric,
/// period label, status, basis), a column at a time, with the columns of its dimensions and of
/// its own groups:
/// - the metric's catalog entry and the province's reference row for the year;
/// - `density`: the value of the group of the count this metric is a density of (same province,
///   period and status, no basis);
/// - `prev_value`: the value of the same province × metric × status × basis a year before.
fn group_frame(groups: &rustc_hash::FxHashMap<GroupKey, Box<Group>>, strings: &Interner, dims: &Dimensions<'_>) -> Result<DataFrame> {
    // each period's label, and its previous period's, written once
    let mut labels: rustc_hash::FxHashMap<Period, Arc<str>> = rustc_hash::FxHashMap::default();
    let prev = |p: Period| Period {
        year: p.year - 1,
        part: p.part,
    };
    for p in groups.keys().map(|k| k.1) {
        for q in [p, prev(p)] {
            labels.entry(q).or_insert_with(|| Arc::from(q.to_string()));
        }
    }
    let label = |p: Period| -> &str { &labels[&p] };
    let basis = |k: &GroupKey| k.4.map_or("", |b| b.as_str());
    let mut rows: Vec<(&GroupKey, &Group)> = groups.iter().map(|(k, g)| (k, &**g)).collect();
    rows.sort_unstable_by(|(a, _), (b, _)| {
        (&*a.0, &*a.2, label(a.1), a.3.as_str(), basis(a)).cmp(&(&*b.0, &*b.2, label(b.1), b.3.as_str(), basis(b)))
    });
    let g = || rows.iter().copied();
    let metric = |k: &GroupKey| dims.metrics.get(&*k.2);
    let province = |k: &GroupKey| dims.provinces.get(&*k.0)?.get(&k.1.year);
    let density = |k: &GroupKey| {
        let of = strings.0.get(metric(k)?.density_of?)?;
        groups.get(&(k.0.clone(), k.1, of.clone(), k.3, None)).map(|d| d.chosen.value)
    };
    let prev_value = |k: &GroupKey| groups.get(&(k.0.clone(), prev(k.1), k.2.clone(), k.3, k.4)).map(|p| p.chosen.value);
    let columns = vec![
        str_column("province", g().map(|(k, _)| &*k.0)),
        str_column("period", g().map(|(k, _)| label(k.1))),
        str_column("metric", g().map(|(k, _)| &*k.2)),
        str_column("status", g().map(|(k, _)| k.3.as_str())),
        str_column("basis", g().map(|(k, _)| basis(k))),
        value_column("year", g().map(|(k, _)| k.1.year)),
        str_column("prev_period", g().map(|(k, _)| label(prev(k.1)))),
        value_column("comparable", g().map(|(k, _)| comparable_period(k.1))),
        str_column("province_code", g().map(|(_, g)| &*g.chosen.province_code)),
        str_column("tier", g().map(|(_, g)| &*g.chosen.tier)),
        str_column("unit", g().map(|(_, g)| &*g.chosen.unit)),
        value_column("value", g().map(|(_, g)| g.chosen.value)),
        value_column("value_high", g().map(|(_, g)| g.chosen.value_high)),
        value_column("value_min", g().map(|(_, g)| g.value_min)),
        value_column("value_max", g().map(|(_, g)| g.value_max)),
        value_column("n_facts", g().map(|(_, g)| g.n_facts)),
        value_column("n_docs", g().map(|(_, g)| g.n_docs)),
        str_column("doc", g().map(|(_, g)| &*g.chosen.doc)),
        value_column("char_start", g().map(|(_, g)| g.chosen.char_start)),
        value_column("char_end", g().map(|(_, g)| g.chosen.char_end)),
        opt_str_column("flag", g().map(|(_, g)| g.chosen.flag.as_deref())),
        value_column("other_value", g().map(|(_, g)| g.other().map(|o| o.0))),
        opt_str_column("other_doc", g().map(|(_, g)| g.other_doc())),
        value_column("per_capita", g().map(|(k, _)| metric(k).map(|m| m.per_capita))),
        value_column("rate", g().map(|(k, _)| metric(k).map(|m| m.rate))),
        value_column("tol", g().map(|(k, _)| metric(k).map(|m| m.tol))),
        value_column("tol_absolute", g().map(|(k, _)| metric(k).map(|m| m.tol_absolute))),
        opt_str_column("density_of", g().map(|(k, _)| metric(k).and_then(|m| m.density_of))),
        opt_str_column("region", g().map(|(k, _)| province(k).and_then(|p| p.region))),
        opt_str_column("province_2025", g().map(|(k, _)| province(k).and_then(|p| p.province_2025))),
        value_column("population", g().map(|(k, _)| province(k).map(|p| p.population))),
        value_column("population_extrapolated", g().map(|(k, _)| province(k).map(|p| p.extrapolated))),
        value_column("density", g().map(|(k, _)| density(k))),
        value_column("prev_value", g().map(|(k, _)| prev_value(k))),
    ];
    Ok(DataFrame::new(rows.len(), columns)?)
}
