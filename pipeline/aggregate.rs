//! Aggregate: all facts → the province × period × metric × status table, and anomalies.
//!
//! The one barrier of the pipeline. It is a streaming fold: the orchestrator hands each
//! document's facts to an [`Accumulator`] as they are written, and the accumulator keeps one
//! small state per province × period × metric × status × basis group (the chosen fact, the
//! spread, the support, the per-document extremes), so memory grows with the number of groups,
//! not with the corpus. At the end, polars (lazy) orders the group table; the derived columns
//! (population, per-100 values, implied population, growth vs the previous period) and the
//! anomaly checks are computed on the groups.
//!
//! Choice rule, within one group:
//! 1. a figure the document itself does not make suspect (no flag) beats a flagged one;
//! 2. a later publication beats an earlier one (a revised figure replaces the first report);
//! 3. then document name and position, so the choice is deterministic.
//!
//! Actual, estimate and target are separate rows (status is part of the key) and stocks and
//! flows are separate rows (basis is part of the key): a stock is never summed, and flows of
//! sub-periods are never mixed with the year's (period is part of the key).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::catalog::Catalog;
use crate::records::{Anomaly, Fact, Period, PeriodPart, ProvinceMetric, UnitKind};
use crate::reference::{NATIONAL, Provinces};
use crate::{Error, Result};

/// What aggregate did.
#[derive(Debug, Default, Clone, Copy)]
pub struct AggregateReport {
    pub groups: usize,
    pub conflicts: usize,
    pub anomalies: usize,
}

/// province, period, metric, status, basis; interned (a handful of distinct values each), so a
/// group's key holds no heap of its own
type GroupKey = (Arc<str>, Arc<str>, Arc<str>, Arc<str>, Arc<str>);

/// Relative (or, for rates, absolute) disagreement above which sources conflict.
fn tolerance(unit: UnitKind) -> (f64, bool) {
    match unit {
        UnitKind::Percent | UnitKind::Per100 => (0.5, true),
        UnitKind::Rank => (0.0, true),
        UnitKind::Count => (0.0, false),
        _ => (0.01, false),
    }
}

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

fn previous(p: Period) -> Period {
    Period {
        year: p.year - 1,
        part: p.part,
    }
}

/// Population of a province (or the whole country) in a year.
fn population(provinces: &Provinces, name: &str, year: i32) -> Option<(f64, bool)> {
    if name == NATIONAL {
        let total: f64 = provinces
            .rows
            .iter()
            .filter_map(|p| provinces.population(&p.name, year))
            .map(|p| p.value)
            .sum();
        return (total > 0.0).then(|| (total, !(2009..=2019).contains(&year)));
    }
    provinces.population(name, year).map(|p| (p.value, p.extrapolated))
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
            let key = (
                st.get(&prov.name),
                st.get(&period.to_string()),
                st.get(&f.metric),
                st.get(f.status.as_str()),
                st.get(f.basis.map_or("", |b| b.as_str())),
            );
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

    /// The barrier: turn the groups into rows and anomalies.
    pub fn finish(self, catalog: &Catalog, provinces: &Provinces) -> Result<(Vec<ProvinceMetric>, Vec<Anomaly>, AggregateReport)> {
        let mut report = AggregateReport::default();
        let mut anomalies = self.anomalies;
        let mut groups = self.groups;
        let mut keys: Vec<GroupKey> = groups.keys().cloned().collect();
        // polars orders the group table (lazy sort on the key columns)
        keys.sort();
        let order = if keys.is_empty() {
            Vec::new()
        } else {
            let col_str = |i: usize| -> Column {
                Column::new(
                    ["province", "period", "metric", "status", "basis"][i].into(),
                    keys.iter()
                        .map(|k| match i {
                            0 => k.0.to_string(),
                            1 => k.1.to_string(),
                            2 => k.2.to_string(),
                            3 => k.3.to_string(),
                            _ => k.4.to_string(),
                        })
                        .collect::<Vec<String>>(),
                )
            };
            let idx = Column::new("idx".into(), (0..keys.len() as u32).collect::<Vec<u32>>());
            let df = DataFrame::new(keys.len(), vec![idx, col_str(0), col_str(2), col_str(1), col_str(3), col_str(4)])?;
            let sorted = df
                .lazy()
                .sort_by_exprs(
                    [col("province"), col("metric"), col("period"), col("status"), col("basis")],
                    SortMultipleOptions::default().with_maintain_order(true),
                )
                .select([col("idx")])
                .collect()?;
            sorted
                .column("idx")?
                .u32()?
                .into_no_null_iter()
                .map(|i| i as usize)
                .collect::<Vec<usize>>()
        };
        let mut rows = Vec::with_capacity(order.len());
        for i in order {
            let key = &keys[i];
            // each group is freed once it is a row: the barrier never holds both whole
            let Some(g) = groups.remove(key) else {
                return Err(Error::Aggregate("a group key without its group".into()));
            };
            let (prov, period_s, metric_id, status, basis) = key;
            let (prov, period_s, metric_id, status, basis) = (&**prov, &**period_s, &**metric_id, &**status, &**basis);
            let Some(metric) = catalog.get(metric_id) else {
                return Err(Error::Aggregate(format!("fact with unknown metric {metric_id}")));
            };
            let period = Period::parse(period_s).ok_or_else(|| Error::Aggregate(format!("bad period {period_s}")))?;
            let c = &g.chosen;
            let pref = provinces.by_name(prov);
            // disagreement between documents: the other document's value farthest from the choice
            let (tol, absolute) = tolerance(metric.unit_kind);
            let other = [g.doc_low.clone(), g.doc_high.clone()]
                .into_iter()
                .flatten()
                .filter(|(_, d)| *d != c.doc)
                .max_by(|a, b| (a.0 - c.value).abs().total_cmp(&(b.0 - c.value).abs()));
            let conflict = other.as_ref().is_some_and(|(v, _)| {
                let spread = (v - c.value).abs();
                if absolute {
                    spread > tol
                } else {
                    spread > tol * c.value.abs().max(1e-9)
                }
            });
            let pop = population(provinces, prov, period.year);
            let per100 = match (metric.unit_kind, pop) {
                (UnitKind::Subscribers, Some((p, _))) => Some(c.value * 100.0 / p),
                _ => None,
            };
            let doc = c.doc.to_string();
            if let (true, Some((ov, od))) = (conflict, other) {
                report.conflicts += 1;
                let od = od.to_string();
                anomalies.push(Anomaly {
                    kind: "conflict".into(),
                    metric: Some(metric_id.to_string()),
                    province: Some(prov.to_string()),
                    period: Some(period_s.to_string()),
                    doc: doc.clone(),
                    char_start: Some(c.char_start),
                    char_end: Some(c.char_end),
                    value: Some(c.value),
                    other_value: Some(ov),
                    other_doc: Some(od.clone()),
                    reason: format!(
                        "sources disagree on {prov} {metric_id} {period_s} ({status}): {} in {doc} vs {ov} in {od}",
                        c.value
                    ),
                });
            }
            rows.push(ProvinceMetric {
                province: prov.to_string(),
                province_code: (!c.province_code.is_empty()).then(|| c.province_code.to_string()),
                region: pref.map(|p| p.region.clone()),
                province_2025: pref.map(|p| p.merged_2025_into.clone()),
                period: period_s.to_string(),
                year: period.year,
                metric: metric_id.to_string(),
                tier: c.tier.to_string(),
                unit: c.unit.to_string(),
                status: status.to_string(),
                basis: (!basis.is_empty()).then(|| basis.to_string()),
                value: c.value,
                value_high: c.value_high,
                value_min: g.value_min,
                value_max: g.value_max,
                n_facts: g.n_facts,
                n_docs: g.n_docs,
                doc,
                char_start: c.char_start,
                char_end: c.char_end,
                conflict,
                flag: c.flag.as_deref().map(String::from),
                population: pop.map(|p| p.0.round()),
                population_extrapolated: pop.map(|p| p.1),
                per_100_inhabitants: per100,
                implied_population: None,
                growth_vs_prev_pct: None,
            });
        }
        derive(&mut rows, catalog);
        outliers(&rows, catalog, &mut anomalies);
        report.groups = rows.len();
        report.anomalies = anomalies.len();
        Ok((rows, anomalies, report))
    }
}

/// Aggregate a whole set of facts at once (tests, small inputs): the fold over them.
/// `date_flags` lists documents whose dates clean had to repair: (doc, description).
pub fn aggregate(
    facts: &[Fact],
    date_flags: &[(String, String)],
    catalog: &Catalog,
    provinces: &Provinces,
) -> Result<(Vec<ProvinceMetric>, Vec<Anomaly>, AggregateReport)> {
    let mut acc = Accumulator::new();
    let mut start = 0;
    for i in 1..=facts.len() {
        if i == facts.len() || facts[i].doc != facts[start].doc {
            acc.add_document(&facts[start..i]);
            start = i;
        }
    }
    for (doc, flag) in date_flags {
        acc.add_date_flag(doc, flag);
    }
    acc.finish(catalog, provinces)
}

/// Implied population from a count and its density; growth versus the previous period.
fn derive(rows: &mut [ProvinceMetric], catalog: &Catalog) {
    let index: HashMap<(String, String, String, String, Option<String>), f64> = rows
        .iter()
        .map(|r| {
            (
                (
                    r.province.clone(),
                    r.period.clone(),
                    r.metric.clone(),
                    r.status.clone(),
                    r.basis.clone(),
                ),
                r.value,
            )
        })
        .collect();
    for r in rows.iter_mut() {
        if let Some(d) = catalog.get(&r.metric).and_then(|m| m.density_of.clone())
            && let Some(density) = index.get(&(r.province.clone(), r.period.clone(), d, r.status.clone(), None))
            && *density > 0.0
        {
            r.implied_population = Some((r.value * 100.0 / density).round());
        }
        if let Some(p) = Period::parse(&r.period) {
            let prev = previous(p).to_string();
            if let Some(v) = index.get(&(r.province.clone(), prev, r.metric.clone(), r.status.clone(), r.basis.clone()))
                && *v != 0.0
            {
                r.growth_vs_prev_pct = Some((r.value - v) / v * 100.0);
            }
        }
    }
}

/// Values far outside their peers: robust z-score (median absolute deviation) of per-capita
/// counts, or of rates, across provinces for the same metric, period and status.
fn outliers(rows: &[ProvinceMetric], catalog: &Catalog, anomalies: &mut Vec<Anomaly>) {
    let mut groups: BTreeMap<(String, String, String), Vec<(usize, f64)>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if r.province == NATIONAL || r.flag.is_some() {
            continue;
        }
        let Some(m) = catalog.get(&r.metric) else { continue };
        let x = match m.unit_kind {
            UnitKind::Subscribers => r.per_100_inhabitants,
            UnitKind::Per100 | UnitKind::Percent => Some(r.value),
            _ => None,
        };
        if let Some(x) = x
            && Period::parse(&r.period).is_some_and(|p| {
                p.part == PeriodPart::Year
                    || matches!(
                        p.part,
                        PeriodPart::Quarter(_) | PeriodPart::Half(_) | PeriodPart::Months(_) | PeriodPart::Month(_)
                    )
            })
        {
            groups
                .entry((r.metric.clone(), r.period.clone(), r.status.clone()))
                .or_default()
                .push((i, x));
        }
    }
    for ((metric, period, _), xs) in groups {
        if xs.len() < 5 {
            continue;
        }
        let mut v: Vec<f64> = xs.iter().map(|x| x.1).collect();
        v.sort_by(f64::total_cmp);
        let med = v[v.len() / 2];
        let mut dev: Vec<f64> = v.iter().map(|x| (x - med).abs()).collect();
        dev.sort_by(f64::total_cmp);
        let mad = dev[dev.len() / 2].max(1e-9);
        for (i, x) in xs {
            let z = 0.6745 * (x - med) / mad;
            if z.abs() > 6.0 {
                let r = &rows[i];
                anomalies.push(Anomaly {
                    kind: "outlier".into(),
                    metric: Some(metric.clone()),
                    province: Some(r.province.clone()),
                    period: Some(period.clone()),
                    doc: r.doc.clone(),
                    char_start: Some(r.char_start),
                    char_end: Some(r.char_end),
                    value: Some(r.value),
                    other_value: Some(med),
                    other_doc: None,
                    reason: format!("{x:.1} is far from the median {med:.1} of other provinces (robust z = {z:.1})"),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Basis, Flag, ProvinceRef, Status};
    use chrono::NaiveDate;
    use std::path::Path;

    fn res() -> crate::config::Resources {
        crate::config::Resources::load(Some(Path::new("schemas")), Some(Path::new("data/reference/provinces.csv"))).unwrap()
    }

    fn fact(doc: &str, metric: &str, value: f64, period: &str, status: Status, published: (i32, u32, u32)) -> Fact {
        let basis = match metric {
            "telephone_subscribers" | "bts_stations" => Some(Basis::Stock),
            _ => None,
        };
        Fact {
            doc: doc.into(),
            metric: metric.into(),
            tier: "core".into(),
            value,
            value_high: None,
            of: None,
            unit: "x".into(),
            province: Some(ProvinceRef {
                name: "Nghệ An".into(),
                code: "40".into(),
            }),
            period: Period::parse(period),
            basis,
            status,
            bound: None,
            converted: false,
            flag: None,
            flag_reason: None,
            growth_pct: None,
            plan_share_pct: None,
            raw: value.to_string(),
            sentence_index: 0,
            sentence: String::new(),
            char_start: 0,
            char_end: 1,
            published: NaiveDate::from_ymd_opt(published.0, published.1, published.2),
        }
    }

    fn run(facts: &[Fact]) -> (Vec<ProvinceMetric>, Vec<Anomaly>) {
        let r = res();
        let (m, a, _) = aggregate(facts, &[], &r.catalog, &r.provinces).unwrap();
        (m, a)
    }

    #[test]
    fn a_later_publication_wins_and_disagreement_across_documents_is_a_conflict() {
        let facts = [
            fact("early", "telephone_subscribers", 2_000_000.0, "2014", Status::Actual, (2015, 1, 10)),
            fact("late", "telephone_subscribers", 2_100_000.0, "2014", Status::Actual, (2015, 3, 1)),
        ];
        let (m, a) = run(&facts);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].value, 2_100_000.0);
        assert_eq!(m[0].doc, "late");
        assert_eq!(
            (m[0].value_min, m[0].value_max, m[0].n_facts, m[0].n_docs),
            (2_000_000.0, 2_100_000.0, 2, 2)
        );
        assert!(m[0].conflict);
        let c: Vec<&Anomaly> = a.iter().filter(|x| x.kind == "conflict").collect();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].other_doc.as_deref(), Some("early"));
        assert!(c[0].reason.contains("early") && c[0].reason.contains("late"));
    }

    #[test]
    fn agreeing_sources_are_no_conflict_and_one_document_never_conflicts_with_itself() {
        let facts = [
            fact("a", "telephone_subscribers", 2_000_000.0, "2014", Status::Actual, (2015, 1, 10)),
            fact("b", "telephone_subscribers", 2_005_000.0, "2014", Status::Actual, (2015, 1, 12)),
            fact("c", "print_circulation_per_year", 18e6, "2014", Status::Actual, (2015, 1, 12)),
            fact("c", "print_circulation_per_year", 15e3, "2014", Status::Actual, (2015, 1, 12)),
        ];
        let (m, a) = run(&facts);
        assert!(m.iter().all(|r| !r.conflict), "{m:?}");
        assert!(a.is_empty(), "{a:?}");
    }

    #[test]
    fn status_basis_and_period_keep_figures_apart_and_stocks_are_never_summed() {
        let mut flow = fact("a", "telephone_subscribers", 50_000.0, "2014", Status::Actual, (2015, 1, 10));
        flow.basis = Some(Basis::Flow);
        let facts = [
            fact("a", "telephone_subscribers", 2_000_000.0, "2014", Status::Actual, (2015, 1, 10)),
            fact("a", "telephone_subscribers", 1_950_000.0, "2014", Status::Estimate, (2014, 12, 1)),
            fact("a", "telephone_subscribers", 1_900_000.0, "2014-Q1", Status::Actual, (2014, 4, 1)),
            flow,
            fact("b", "telephone_subscribers", 2_000_000.0, "2014", Status::Actual, (2015, 2, 10)),
        ];
        let (m, _) = run(&facts);
        let get = |period: &str, status: &str, basis: &str| {
            m.iter()
                .find(|r| r.period == period && r.status == status && r.basis.as_deref() == Some(basis))
                .map(|r| r.value)
        };
        assert_eq!(get("2014", "actual", "stock"), Some(2_000_000.0), "stock not summed");
        assert_eq!(get("2014", "estimate", "stock"), Some(1_950_000.0));
        assert_eq!(get("2014-Q1", "actual", "stock"), Some(1_900_000.0));
        assert_eq!(get("2014", "actual", "flow"), Some(50_000.0));
        assert_eq!(m.len(), 4);
    }

    #[test]
    fn a_sound_figure_beats_a_flagged_one_and_flags_become_anomalies() {
        let mut bad = fact("late", "telephone_subscribers", 40_532_154.0, "2014", Status::Actual, (2015, 3, 1));
        bad.flag = Some(Flag::Implausible);
        bad.flag_reason = Some("ten times the density".into());
        let facts = [
            bad,
            fact("early", "telephone_subscribers", 4_053_215.0, "2014", Status::Actual, (2015, 1, 1)),
        ];
        let (m, a) = run(&facts);
        assert_eq!(m[0].value, 4_053_215.0);
        assert!(
            a.iter()
                .any(|x| x.kind == "implausible" && x.value == Some(40_532_154.0) && x.reason.contains("density"))
        );
    }

    #[test]
    fn derived_columns_population_per_100_implied_population_and_growth() {
        let r = res();
        let mut density = fact("a", "telephone_density", 80.0, "2014", Status::Actual, (2015, 1, 1));
        density.basis = None;
        let facts = [
            fact("a", "telephone_subscribers", 2_400_000.0, "2014", Status::Actual, (2015, 1, 1)),
            density,
            fact("b", "telephone_subscribers", 2_000_000.0, "2013", Status::Actual, (2014, 1, 1)),
        ];
        let (m, _) = run(&facts);
        let row = m
            .iter()
            .find(|x| x.period == "2014" && x.metric == "telephone_subscribers")
            .unwrap();
        let pop = r.provinces.population("Nghệ An", 2014).unwrap().value;
        assert!((row.population.unwrap() - pop.round()).abs() < 1.0);
        assert!((row.per_100_inhabitants.unwrap() - 2_400_000.0 * 100.0 / pop).abs() < 1e-6);
        assert_eq!(row.implied_population, Some(3_000_000.0));
        assert!((row.growth_vs_prev_pct.unwrap() - 20.0).abs() < 1e-9);
        assert_eq!(row.province_2025.as_deref(), Some("Nghệ An"));
        assert_eq!(row.region.as_deref(), Some("Bắc Trung Bộ và duyên hải miền Trung"));
        assert_eq!(row.population_extrapolated, Some(false));
    }

    #[test]
    fn a_value_far_outside_its_peers_is_an_outlier() {
        let names = ["Nghệ An", "Thanh Hóa", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Phú Thọ"];
        let r = res();
        let mut facts = Vec::new();
        for (i, n) in names.iter().enumerate() {
            let mut f = fact(
                &format!("d{i}"),
                "telephone_density",
                if i == 5 { 900.0 } else { 80.0 + i as f64 },
                "2014",
                Status::Actual,
                (2015, 1, 1),
            );
            f.basis = None;
            let idx = r.provinces.rows.iter().position(|p| p.name == *n).unwrap();
            f.province = Some(r.provinces.reference(idx));
            facts.push(f);
        }
        let (_, a) = run(&facts);
        let out: Vec<&Anomaly> = a.iter().filter(|x| x.kind == "outlier").collect();
        assert_eq!(out.len(), 1, "{a:?}");
        assert_eq!(out[0].province.as_deref(), Some("Phú Thọ"));
    }
}
