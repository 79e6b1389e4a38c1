//! The streaming fold: facts, document by document, into one small state per group.
//!
//! Input: each document's facts in input order ([`Accumulator::add_document`]) and the documents
//! whose dates clean repaired. Output ([`Accumulator::into_groups`]): the group table, one row
//! per province × period × metric × status × basis with the chosen fact, the spread, the
//! support and the farthest other document's value, as a polars `DataFrame` for the relational
//! part ([`super::query`]), and the anomalies about single facts.
//! Invariant: memory grows with the number of groups, never with the corpus (no fact text is
//! kept; strings of the keys are interned).

use std::cmp::Ordering;
use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::catalog::Catalog;
use crate::records::{Anomaly, Basis, Fact, Period, PeriodPart, Status};
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
    fn other(&self) -> Option<(f64, Arc<str>)> {
        let c = &self.chosen;
        [self.doc_low.clone(), self.doc_high.clone()]
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

    /// The end of the fold: the group table and the anomalies about single facts. Each group
    /// is freed as soon as its row is in the columns, so the barrier never holds both whole.
    pub(super) fn into_groups(self, catalog: &Catalog) -> Result<(DataFrame, Vec<Anomaly>)> {
        let mut c = GroupColumns::default();
        for (key, g) in self.groups {
            let metric = &key.2;
            if catalog.get(metric).is_none() {
                return Err(Error::Aggregate(format!("fact with unknown metric {metric}")));
            }
            c.push(&key, &g);
        }
        Ok((c.into_frame()?, self.anomalies))
    }
}

/// The periods whose figures are compared across provinces for outliers.
fn comparable_period(p: Period) -> bool {
    matches!(
        p.part,
        PeriodPart::Year | PeriodPart::Quarter(_) | PeriodPart::Half(_) | PeriodPart::Months(_) | PeriodPart::Month(_)
    )
}

/// The group table, column by column. The strings are the fold's shared copies (interned names,
/// documents) or static, so building the table allocates per column, not per cell.
#[derive(Default)]
struct GroupColumns {
    province: Vec<Arc<str>>,
    period: Vec<Arc<str>>,
    metric: Vec<Arc<str>>,
    status: Vec<&'static str>,
    basis: Vec<&'static str>,
    year: Vec<i32>,
    prev_period: Vec<Arc<str>>,
    comparable: Vec<bool>,
    province_code: Vec<Arc<str>>,
    tier: Vec<Arc<str>>,
    unit: Vec<Arc<str>>,
    value: Vec<f64>,
    value_high: Vec<Option<f64>>,
    value_min: Vec<f64>,
    value_max: Vec<f64>,
    n_facts: Vec<u32>,
    n_docs: Vec<u32>,
    doc: Vec<Arc<str>>,
    char_start: Vec<i64>,
    char_end: Vec<i64>,
    flag: Vec<Option<Arc<str>>>,
    other_value: Vec<Option<f64>>,
    other_doc: Vec<Option<Arc<str>>>,
    /// Each period's label, written once.
    labels: rustc_hash::FxHashMap<Period, Arc<str>>,
}

impl GroupColumns {
    fn label(&mut self, p: Period) -> Arc<str> {
        self.labels.entry(p).or_insert_with(|| Arc::from(p.to_string())).clone()
    }

    fn push(&mut self, key: &GroupKey, g: &Group) {
        let (prov, metric) = (&key.0, &key.2);
        let (period, status, basis) = (key.1, key.3, key.4);
        let ch = &g.chosen;
        let other = g.other();
        self.province.push(prov.clone());
        let label = self.label(period);
        self.period.push(label);
        self.metric.push(metric.clone());
        self.status.push(status.as_str());
        self.basis.push(basis.map_or("", |b| b.as_str()));
        self.year.push(period.year);
        let prev = self.label(Period {
            year: period.year - 1,
            part: period.part,
        });
        self.prev_period.push(prev);
        self.comparable.push(comparable_period(period));
        self.province_code.push(ch.province_code.clone());
        self.tier.push(ch.tier.clone());
        self.unit.push(ch.unit.clone());
        self.value.push(ch.value);
        self.value_high.push(ch.value_high);
        self.value_min.push(g.value_min);
        self.value_max.push(g.value_max);
        self.n_facts.push(g.n_facts);
        self.n_docs.push(g.n_docs);
        self.doc.push(ch.doc.clone());
        self.char_start.push(ch.char_start);
        self.char_end.push(ch.char_end);
        self.flag.push(ch.flag.clone());
        self.other_value.push(other.as_ref().map(|o| o.0));
        self.other_doc.push(other.map(|o| o.1));
    }

    fn into_frame(self) -> Result<DataFrame> {
        let n = self.value.len();
        let c = |name: &str, s: Series| -> Column { s.with_name(name.into()).into() };
        let strs = |v: &[Arc<str>]| -> Series { Series::new("".into(), v.iter().map(|s| &**s).collect::<Vec<&str>>()) };
        let opt_strs =
            |v: &[Option<Arc<str>>]| -> Series { Series::new("".into(), v.iter().map(|s| s.as_deref()).collect::<Vec<Option<&str>>>()) };
        Ok(DataFrame::new(
            n,
            vec![
                c("province", strs(&self.province)),
                c("period", strs(&self.period)),
                c("metric", strs(&self.metric)),
                c("status", Series::new("".into(), self.status)),
                c("basis", Series::new("".into(), self.basis)),
                c("year", Series::new("".into(), self.year)),
                c("prev_period", strs(&self.prev_period)),
                c("comparable", Series::new("".into(), self.comparable)),
                c("province_code", strs(&self.province_code)),
                c("tier", strs(&self.tier)),
                c("unit", strs(&self.unit)),
                c("value", Series::new("".into(), self.value)),
                c("value_high", Series::new("".into(), self.value_high)),
                c("value_min", Series::new("".into(), self.value_min)),
                c("value_max", Series::new("".into(), self.value_max)),
                c("n_facts", Series::new("".into(), self.n_facts)),
                c("n_docs", Series::new("".into(), self.n_docs)),
                c("doc", strs(&self.doc)),
                c("char_start", Series::new("".into(), self.char_start)),
                c("char_end", Series::new("".into(), self.char_end)),
                c("flag", opt_strs(&self.flag)),
                c("other_value", Series::new("".into(), self.other_value)),
                c("other_doc", opt_strs(&self.other_doc)),
            ],
        )?)
    }
}
