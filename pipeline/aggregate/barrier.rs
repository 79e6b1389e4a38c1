//! The barrier: the fold's records, province by province, into `province_metrics` rows and the
//! aggregate's anomalies, written as they are made.
//!
//! Input: the [`Accumulator`] once every document is in, the catalog and the province reference.
//! Output, to an [`AggregateOut`]: the anomalies about single facts not yet handed over; then,
//! for each province in name order, its rows in key order and its conflicts; then the outliers,
//! metric by metric in name order. The provinces' rows are written on a second thread while the
//! next province is derived (in the same order: one channel, one writer).
//! Invariants: the rows and anomalies, and their order, are those of one query over the whole
//! group table (`province_metrics` is ordered by province first, and every lookup a row makes
//! (the density's count, the previous period) stays within its province; outliers compare the
//! provinces of one metric, period and status, so they are found metric by metric). Memory holds
//! one province's groups, then one metric's outlier candidates; what waits between the two
//! passes is a store that spills ([`super::spill`]).

use polars::prelude::*;

use super::fold::{ProvinceFold, group_frame};
use super::query::{self, Dimensions, OUTLIER_COLUMNS};
use super::spill::{Dec, Enc, Spill};
use super::{Accumulator, AggregateOut, AggregateReport};
use crate::catalog::Catalog;
use crate::reference::Provinces;
use crate::{Error, Result};

impl Accumulator {
    /// The barrier: fold, derive and write every group, then find the outliers.
    pub fn aggregate(mut self, catalog: &Catalog, provinces: &Provinces, out: &mut dyn AggregateOut) -> Result<AggregateReport> {
        if let Some(metric) = self.metrics.iter().map(|&m| self.name(m)).find(|m| catalog.get(m).is_none()) {
            return Err(Error::Aggregate(format!("fact with unknown metric {metric}")));
        }
        for a in self.drain_anomalies() {
            out.anomaly(&a)?;
        }
        let years: Vec<i32> = self.years.iter().copied().collect();
        let dims = Dimensions::new(catalog, provinces, &years);
        let mut order: Vec<usize> = (0..self.provinces.len()).collect();
        order.sort_by(|&a, &b| self.name(self.provinces[a]).cmp(self.name(self.provinces[b])));
        let mut candidates = Candidates::new(&self);
        let mut report = AggregateReport::default();
        // a province's rows and conflicts are written on a thread of their own while the next
        // province is folded and derived (writing is about two fifths of the barrier's work);
        // one province waits between the two, so memory holds three provinces' rows at most
        let writing: &mut dyn AggregateOut = &mut *out;
        std::thread::scope(|scope| -> Result<()> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<DataFrame>(1);
            let writer = scope.spawn(move || -> Result<()> {
                for rows in rx {
                    query::each_metric_row(&rows, &mut |m| writing.metric(m))?;
                    query::each_conflict(&rows, &mut |a| writing.anomaly(a))?;
                }
                Ok(())
            });
            let derive_all = || -> Result<()> {
                for p in order {
                    let records = self.facts.take(p)?;
                    let fold = ProvinceFold::of(&records)?;
                    drop(records);
                    let frame = group_frame(&fold, &self.strings, &dims)?;
                    drop(fold);
                    let Some(rows) = query::derive(frame, report.groups)? else {
                        continue;
                    };
                    report.groups += rows.height();
                    report.conflicts += query::conflict_count(&rows)?;
                    candidates.add(&query::outlier_candidates(&rows)?)?;
                    // (a writer that failed has hung up: its error is the one reported)
                    if tx.send(rows).is_err() {
                        break;
                    }
                }
                Ok(())
            };
            let derived = derive_all();
            drop(tx);
            let written = writer
                .join()
                .map_err(|_| Error::Bug("the aggregate's writer thread panicked".into()))?;
            derived.and(written)
        })?;
        candidates.each_outlier(&mut |a| out.anomaly(a))?;
        // the candidates' store shares the folder
        self.facts.remove_dir()?;
        Ok(report)
    }
}

/// The outlier candidates of the provinces folded so far, by metric.
struct Candidates {
    store: Spill,
    /// Each metric's partition of `store`.
    metrics: std::collections::BTreeMap<String, usize>,
    record: Vec<u8>,
}

impl Candidates {
    fn new(acc: &Accumulator) -> Self {
        Candidates {
            store: Spill::new(acc.spill_dir.clone(), "outliers", acc.budget),
            metrics: Default::default(),
            record: Vec::new(),
        }
    }

    /// Keep the candidates of one province (columns [`OUTLIER_COLUMNS`]).
    fn add(&mut self, df: &DataFrame) -> Result<()> {
        let s = |c: &str| -> Result<_> { Ok(df.column(c)?.str()?.clone()) };
        let (province, metric, period, status, doc) = (s("province")?, s("metric")?, s("period")?, s("status")?, s("doc")?);
        let floats = |c: &str| -> Result<_> { Ok(df.column(c)?.f64()?.clone()) };
        let (value, x) = (floats("value")?, floats("x")?);
        let row = df.column("row")?.u64()?.clone();
        let (start, end) = (df.column("char_start")?.i64()?.clone(), df.column("char_end")?.i64()?.clone());
        let null = |c: &str| Error::Bug(format!("aggregate: null in the outlier candidates' column {c}"));
        for i in 0..df.height() {
            let m = metric.get(i).ok_or_else(|| null("metric"))?;
            let next = self.metrics.len();
            let part = *self.metrics.entry(m.to_string()).or_insert(next);
            self.record.clear();
            let mut e = Enc(&mut self.record);
            e.str(province.get(i).ok_or_else(|| null("province"))?);
            e.str(period.get(i).ok_or_else(|| null("period"))?);
            e.str(status.get(i).ok_or_else(|| null("status"))?);
            e.str(doc.get(i).ok_or_else(|| null("doc"))?);
            e.f64(value.get(i).ok_or_else(|| null("value"))?);
            e.f64(x.get(i).ok_or_else(|| null("x"))?);
            e.u64(row.get(i).ok_or_else(|| null("row"))?);
            e.i64(start.get(i).ok_or_else(|| null("char_start"))?);
            e.i64(end.get(i).ok_or_else(|| null("char_end"))?);
            self.store.push(part, &self.record)?;
        }
        Ok(())
    }

    /// Find the outliers, metric by metric in name order.
    fn each_outlier(mut self, f: &mut dyn FnMut(&crate::records::Anomaly) -> Result<()>) -> Result<()> {
        for (metric, &part) in &self.metrics {
            let records = self.store.take(part)?;
            let df = candidate_frame(metric, &records)?;
            drop(records);
            query::each_outlier(&query::outliers(df)?, f)?;
        }
        Ok(())
    }
}

/// One metric's candidates as a frame of [`OUTLIER_COLUMNS`].
fn candidate_frame(metric: &str, records: &[u8]) -> Result<DataFrame> {
    let (mut province, mut period, mut status, mut doc) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut value, mut x, mut row, mut start, mut end) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut d = Dec::new(records);
    while !d.is_empty() {
        province.push(d.str()?);
        period.push(d.str()?);
        status.push(d.str()?);
        doc.push(d.str()?);
        value.push(d.f64()?);
        x.push(d.f64()?);
        row.push(d.u64()?);
        start.push(d.i64()?);
        end.push(d.i64()?);
    }
    let n = row.len();
    let strs = |name: &str, v: &[&str]| -> Column { StringChunked::from_iter_values(name.into(), v.iter().copied()).into_series().into() };
    let columns = vec![
        strs("province", &province),
        strs("metric", &vec![metric; n]),
        strs("period", &period),
        strs("status", &status),
        strs("doc", &doc),
        Column::new("value".into(), value),
        Column::new("x".into(), x),
        Column::new("row".into(), row),
        Column::new("char_start".into(), start),
        Column::new("char_end".into(), end),
    ];
    debug_assert_eq!(columns.len(), OUTLIER_COLUMNS.len());
    Ok(DataFrame::new(n, columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::tests::{fact, res};
    use crate::records::{Fact, Flag, ProvinceRef, Status};

    /// A fold whose records spill to disk every few facts gives the rows and anomalies of one
    /// that holds them, in the same order, over several provinces, documents that come back to a
    /// group, flagged figures, conflicts and outliers; and it leaves no file behind.
    #[test]
    fn a_spilled_fold_gives_the_rows_of_a_held_one() {
        let r = res();
        let provinces = ["Nghệ An", "An Giang", "Hà Nội", "Bắc Kạn", "Cà Mau", "Điện Biên", "Yên Bái"];
        let mut docs: Vec<Vec<Fact>> = Vec::new();
        for d in 0..40u32 {
            let mut facts = Vec::new();
            for (k, p) in provinces.iter().enumerate() {
                if (d as usize + k).is_multiple_of(3) {
                    continue;
                }
                // one province's density far above the others' is an outlier
                let density = if *p == "Cà Mau" { 400.0 } else { 100.0 + (d % 5) as f64 };
                let year = 2010 + (d % 4) as i32;
                let name = format!("doc-{d:02}");
                let mut a = fact(
                    &name,
                    "mobile_density",
                    density,
                    &year.to_string(),
                    Status::Actual,
                    (year + 1, 1, 1 + d % 28),
                );
                let mut b = fact(
                    &name,
                    "telephone_subscribers",
                    1000.0 * (d + 1) as f64,
                    &year.to_string(),
                    Status::Actual,
                    (year + 1, 2, 1),
                );
                if d.is_multiple_of(7) {
                    b.flag = Some(Flag::Implausible);
                }
                for f in [&mut a, &mut b] {
                    f.province = Some(ProvinceRef {
                        name: (*p).into(),
                        code: format!("{k}").into(),
                    });
                }
                facts.push(a);
                facts.push(b);
            }
            docs.push(facts);
        }
        let fold = |acc: &mut Accumulator| {
            for d in &docs {
                acc.add_document(d).unwrap();
            }
        };
        let mut held = Accumulator::new();
        fold(&mut held);
        let want = held.finish(&r.catalog, &r.provinces).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let spill = dir.path().join(".fold");
        let mut spilled = Accumulator::with_spill(Some(spill.clone()), 200);
        fold(&mut spilled);
        assert!(spill.join("facts-0.bin").exists(), "a budget of 200 bytes spills");
        let got = spilled.finish(&r.catalog, &r.provinces).unwrap();
        assert_eq!(got.0, want.0);
        assert_eq!(got.1, want.1);
        assert_eq!((got.2.groups, got.2.conflicts), (want.2.groups, want.2.conflicts));
        assert!(!spill.exists());
        // the rows are in province order, and the test meets conflicts and outliers
        let names: Vec<&str> = want.0.iter().map(|m| m.province.as_str()).collect();
        assert!(names.is_sorted());
        assert!(want.2.conflicts > 0);
        assert!(
            want.1
                .iter()
                .any(|a| a.kind == "outlier" && a.province.as_deref() == Some("Cà Mau"))
        );
    }
}
