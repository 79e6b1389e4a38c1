//! Aggregate: all facts → the province × period × metric × status table, and anomalies.
//!
//! The one barrier of the pipeline. It is a fold in two passes: as the documents are written,
//! the orchestrator hands each one's facts to an [`Accumulator`], which keeps them as compact
//! records by province in a store that spills to the run's folder past a memory budget
//! ([`spill`]); at the barrier each province's records are folded into one small state per
//! period × metric × status × basis group (the chosen fact, the spread, the support, the
//! per-document extremes) ([`fold`]), and its group table is built in the order of the rows, a
//! column at a time, with what its dimensions (catalog, province reference) and its own groups
//! (the count a density is of, the previous period) give each row. The relational part is
//! polars lazy queries ([`query`]): the derived columns (per-100 values, implied population,
//! growth vs the previous period) and conflicts between documents over each province's table,
//! then the cross-province outliers over each metric's candidates ([`barrier`]). So memory is
//! bounded by the spill budget and by one province's groups, not by the corpus or by all the
//! groups.
//!
//! Choice rule, within one group:
//! 1. a figure the document itself does not make suspect (no flag) beats a flagged one;
//! 2. a later publication beats an earlier one (a revised figure replaces the first report);
//! 3. then document name and position, so the choice is deterministic.
//!
//! Actual, estimate and target are separate rows (status is part of the key) and stocks and
//! flows are separate rows (basis is part of the key): a stock is never summed, and flows of
//! sub-periods are never mixed with the year's (period is part of the key).

mod barrier;
mod fold;
mod query;
pub(crate) mod record;
pub(crate) mod spill;

pub use fold::Accumulator;

use crate::Result;
use crate::records::{Anomaly, ProvinceMetric};
#[cfg(test)]
use crate::{catalog::Catalog, reference::Provinces};

/// What aggregate did.
#[derive(Debug, Default, Clone, Copy)]
pub struct AggregateReport {
    pub groups: usize,
    pub conflicts: usize,
}

/// Where the barrier's rows and anomalies go, one at a time as they are made
/// ([`Accumulator::aggregate`]): the anomalies about single facts not handed over yet (in input
/// order), then each province's rows (key order) and conflicts, then the outliers (by metric,
/// period, status and row). It is `Send`: the barrier writes a province's rows on a thread of
/// its own while it derives the next province's.
pub trait AggregateOut: Send {
    fn metric(&mut self, m: &ProvinceMetric<&str>) -> Result<()>;
    fn anomaly(&mut self, a: &Anomaly) -> Result<()>;
}

/// Every row and anomaly, collected (the tests).
#[cfg(test)]
#[derive(Default)]
struct Collected(Vec<ProvinceMetric>, Vec<Anomaly>);

#[cfg(test)]
impl AggregateOut for Collected {
    fn metric(&mut self, m: &ProvinceMetric<&str>) -> Result<()> {
        self.0.push(m.to_owned_row());
        Ok(())
    }
    fn anomaly(&mut self, a: &Anomaly) -> Result<()> {
        self.1.push(a.clone());
        Ok(())
    }
}

impl Accumulator {
    /// The barrier, with every row and anomaly collected (the tests).
    #[cfg(test)]
    pub fn finish(self, catalog: &Catalog, provinces: &Provinces) -> Result<(Vec<ProvinceMetric>, Vec<Anomaly>, AggregateReport)> {
        let mut out = Collected::default();
        let report = self.aggregate(catalog, provinces, &mut out)?;
        Ok((out.0, out.1, report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Basis, Fact, Flag, Period, ProvinceRef, Status};
    use chrono::NaiveDate;
    use std::path::Path;

    /// Aggregate a whole set of facts at once (the tests): the fold over them.
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
                acc.add_document(&facts[start..i])?;
                start = i;
            }
        }
        for (doc, flag) in date_flags {
            acc.add_date_flag(doc, flag);
        }
        acc.finish(catalog, provinces)
    }

    pub(super) fn res() -> crate::config::Resources {
        crate::config::Resources::load(Some(Path::new("schemas")), Some(Path::new("data/reference/provinces.csv"))).unwrap()
    }

    pub(super) fn fact(doc: &str, metric: &str, value: f64, period: &str, status: Status, published: (i32, u32, u32)) -> Fact {
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

    /// A writer that fails (a full disk) on its first row: the barrier, which writes the
    /// provinces' rows on a thread of its own while it derives the next, stops and reports that
    /// error; it neither hangs on the writer nor reports success.
    #[test]
    fn a_failing_writer_stops_the_barrier_with_its_error() {
        struct Failing(usize);
        impl AggregateOut for Failing {
            fn metric(&mut self, _: &ProvinceMetric<&str>) -> Result<()> {
                self.0 += 1;
                Err(crate::Error::Bug("disk full".into()))
            }
            fn anomaly(&mut self, _: &Anomaly) -> Result<()> {
                Ok(())
            }
        }
        let r = res();
        let mut acc = Accumulator::new();
        // one document per province: more provinces than the channel between the two holds
        for (i, p) in r.provinces.rows.iter().enumerate().take(12) {
            let mut f = fact(
                &format!("d{i}"),
                "telephone_subscribers",
                1_000.0 + i as f64,
                "2014",
                Status::Actual,
                (2015, 1, 1),
            );
            let idx = r.provinces.rows.iter().position(|q| q.name == p.name).unwrap();
            f.province = Some(r.provinces.reference(idx));
            acc.add_document(&[f]).unwrap();
        }
        let mut out = Failing(0);
        let err = acc.aggregate(&r.catalog, &r.provinces, &mut out).unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(out.0, 1, "the writer stops at its first error");
    }
}
