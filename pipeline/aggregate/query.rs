//! The relational part of the aggregate: the group table's dimensions, and the polars lazy
//! queries over one province's table and over one metric's outlier candidates.
//!
//! Input: a province's group table from the fold ([`super::fold`]), in key order and already
//! joined with its dimensions ([`Dimensions`]: the catalog's unit kind, tolerance and the count
//! a density is of; the province reference's region, 2025 province and census population
//! interpolated by year) and with its own groups (the value a density is of, the previous
//! period's value). Output: its `province_metrics` rows in key order with their conflicts
//! ([`derive`]) and its outlier candidates ([`outlier_candidates`]); then, from every province's
//! candidates of one metric, that metric's outliers ([`outliers`]).
//!
//! The dimensions are small (a few dozen metrics, 64 provinces a year) and the self-joins are
//! lookups in the fold's own map, so the fold makes them as it builds the table: the table never
//! passes through a join. The queries derive the per-100 values, the implied population and the
//! growth against the previous period, flag the conflicts, and find the outliers with windows
//! over metric × period × status (median and median absolute deviation), carrying only the
//! columns an outlier's anomaly reads. Text (anomaly reasons) is written in Rust from the
//! queries' columns, so numbers print as before.
//! Invariant: the same groups give the same rows in the same order, whether the table is
//! queried whole or a province at a time (every row-wise column reads its own row; the windows
//! read one metric's rows).

use polars::prelude::*;

use crate::catalog::Catalog;
use crate::records::{Anomaly, ProvinceMetric, UnitKind};
use crate::reference::{NATIONAL, Provinces};
use crate::{Error, Result};

/// Relative (or, for rates, absolute) disagreement above which sources conflict.
pub(super) fn tolerance(unit: UnitKind) -> (f64, bool) {
    match unit {
        UnitKind::Percent | UnitKind::Per100 => (0.5, true),
        UnitKind::Rank => (0.0, true),
        UnitKind::Count => (0.0, false),
        _ => (0.01, false),
    }
}

/// Robust z-score above which a value is an outlier among its peers.
const OUTLIER_Z: f64 = 6.0;
/// Fewest provinces a metric × period × status needs before outliers are sought.
const OUTLIER_PEERS: u32 = 5;

/// What a group's row takes from its metric's catalog entry.
pub(super) struct MetricDim<'a> {
    /// a count of subscribers has a value per 100 inhabitants
    pub per_capita: bool,
    /// a rate is compared across provinces as it is
    pub rate: bool,
    pub tol: f64,
    pub tol_absolute: bool,
    /// the count this metric is a density of
    pub density_of: Option<&'a str>,
}

/// What a group's row takes from the province reference for its year.
pub(super) struct ProvinceDim<'a> {
    pub region: Option<&'a str>,
    pub province_2025: Option<&'a str>,
    pub population: f64,
    pub extrapolated: bool,
}

/// The dimension tables of the group table: the catalog (a few dozen metrics) and the province
/// reference (64 rows a year). They are looked up as the group table is built (a broadcast
/// join), so the table never passes through a join: over the 1 GB corpus's 287 000 groups the
/// four polars joins had taken about 195 MB at the barrier.
pub(super) struct Dimensions<'a> {
    pub metrics: rustc_hash::FxHashMap<&'a str, MetricDim<'a>>,
    /// name → year → row
    pub provinces: rustc_hash::FxHashMap<&'a str, rustc_hash::FxHashMap<i32, ProvinceDim<'a>>>,
}

impl<'a> Dimensions<'a> {
    /// Each metric, and each province's region, 2025 province and population in each of `years`
    /// (the country's is the sum of the provinces', in table order).
    pub(super) fn new(catalog: &'a Catalog, provinces: &'a Provinces, years: &[i32]) -> Self {
        let metrics = catalog
            .metrics
            .iter()
            .map(|m| {
                let (tol, tol_absolute) = tolerance(m.unit_kind);
                let dim = MetricDim {
                    per_capita: m.unit_kind == UnitKind::Subscribers,
                    rate: matches!(m.unit_kind, UnitKind::Per100 | UnitKind::Percent),
                    tol,
                    tol_absolute,
                    density_of: m.density_of.as_deref(),
                };
                (m.id.as_str(), dim)
            })
            .collect();
        let mut by_name: rustc_hash::FxHashMap<&str, rustc_hash::FxHashMap<i32, ProvinceDim>> = rustc_hash::FxHashMap::default();
        for &y in years {
            let mut total = 0.0;
            for p in &provinces.rows {
                let Some(pp) = provinces.population(&p.name, y) else { continue };
                let dim = ProvinceDim {
                    region: Some(p.region.as_str()),
                    province_2025: Some(p.merged_2025_into.as_str()),
                    population: pp.value,
                    extrapolated: pp.extrapolated,
                };
                // one row per name and year: a repeated name keeps its first row
                by_name.entry(p.name.as_str()).or_default().entry(y).or_insert(dim);
                total += pp.value;
            }
            if total > 0.0 {
                let national = ProvinceDim {
                    region: None,
                    province_2025: None,
                    population: total,
                    extrapolated: !(2009..=2019).contains(&y),
                };
                by_name.entry(NATIONAL).or_default().entry(y).or_insert(national);
            }
        }
        Self {
            metrics,
            provinces: by_name,
        }
    }
}

fn abs(e: Expr) -> Expr {
    when(e.clone().lt(lit(0.0))).then(lit(0.0) - e.clone()).otherwise(e)
}

/// Run the row-wise part of the query over one province's group table: the conflicts and the
/// derived columns, and each row's number in the whole table (`row`, from `offset`). `None` for
/// an empty table.
pub(super) fn derive(groups: DataFrame, offset: usize) -> Result<Option<DataFrame>> {
    if groups.height() == 0 {
        return Ok(None);
    }
    let spread = abs(col("other_value") - col("value"));
    let magnitude = abs(col("value"));
    let magnitude = when(magnitude.clone().lt(lit(1e-9))).then(lit(1e-9)).otherwise(magnitude);
    let conflict = when(col("other_value").is_null()).then(lit(false)).otherwise(
        when(col("tol_absolute"))
            .then(spread.clone().gt(col("tol")))
            .otherwise(spread.gt(col("tol") * magnitude)),
    );
    let per100 = when(col("per_capita"))
        .then(col("value") * lit(100.0) / col("population"))
        .otherwise(lit(NULL).cast(DataType::Float64));
    let implied = when(col("density").gt(lit(0.0)))
        .then(col("value") * lit(100.0) / col("density"))
        .otherwise(lit(NULL).cast(DataType::Float64));
    let growth = when(col("prev_value").neq(lit(0.0)))
        .then((col("value") - col("prev_value")) / col("prev_value") * lit(100.0))
        .otherwise(lit(NULL).cast(DataType::Float64));
    let offset = IdxSize::try_from(offset).map_err(|_| Error::Aggregate("more groups than the row index holds".into()))?;
    let rows = groups
        .lazy()
        .with_columns([
            conflict.alias("conflict"),
            per100.alias("per_100_inhabitants"),
            implied.alias("implied_population"),
            growth.alias("growth_vs_prev_pct"),
        ])
        .with_row_index("row", Some(offset))
        .collect()?;
    Ok(Some(rows))
}

/// The columns an outlier's anomaly reads, in this order: what [`outlier_candidates`] keeps of
/// a row and [`outliers`] reads.
pub(super) const OUTLIER_COLUMNS: [&str; 10] = [
    "province",
    "metric",
    "period",
    "status",
    "doc",
    "value",
    "x",
    "row",
    "char_start",
    "char_end",
];

/// The rows of one province's table that may be outliers among the provinces: per-capita counts
/// (per 100 inhabitants) and rates, of a province (not the country), unflagged, of a period
/// compared across provinces; `x` is the value compared, `row` a `u64`. Only the columns an
/// outlier's anomaly reads ([`OUTLIER_COLUMNS`]) are carried.
pub(super) fn outlier_candidates(rows: &DataFrame) -> Result<DataFrame> {
    let x = when(col("per_capita"))
        .then(col("per_100_inhabitants"))
        .when(col("rate"))
        .then(col("value"))
        .otherwise(lit(NULL).cast(DataType::Float64));
    let out = rows
        .clone()
        .lazy()
        .with_column(x.alias("x"))
        .filter(
            col("province")
                .neq(lit(NATIONAL))
                .and(col("flag").is_null())
                .and(col("comparable"))
                .and(col("x").is_not_null()),
        )
        .with_column(col("row").cast(DataType::UInt64))
        .select(OUTLIER_COLUMNS.map(col))
        .collect()?;
    Ok(out)
}

/// The outliers among one metric's candidates of every province: the robust z-score (median
/// absolute deviation) of `x` across the provinces of the same metric, period and status, in
/// anomaly order (metric, period, status, row).
pub(super) fn outliers(candidates: DataFrame) -> Result<DataFrame> {
    let peers = [col("metric"), col("period"), col("status")];
    // `Higher`: the element at n / 2 of the sorted values, for even n too
    let median = |e: Expr| e.quantile(lit(0.5), QuantileMethod::Higher).over(peers.clone());
    let n = col("x").count().over(peers.clone())?;
    let outliers = candidates
        .lazy()
        .with_columns([n.alias("n"), median(col("x"))?.alias("median")])
        .with_column(median(abs(col("x") - col("median")))?.alias("mad"))
        .with_column(
            (lit(0.6745) * (col("x") - col("median")) / when(col("mad").lt(lit(1e-9))).then(lit(1e-9)).otherwise(col("mad"))).alias("z"),
        )
        .filter(col("n").gt_eq(lit(OUTLIER_PEERS)).and(abs(col("z")).gt(lit(OUTLIER_Z))))
        .sort_by_exprs(
            [col("metric"), col("period"), col("status"), col("row")],
            SortMultipleOptions::default(),
        )
        .select([
            col("province"),
            col("metric"),
            col("period"),
            col("doc"),
            col("value"),
            col("x"),
            col("median"),
            col("z"),
            col("char_start"),
            col("char_end"),
        ])
        .collect()?;
    Ok(outliers)
}

fn strs<'a>(df: &'a DataFrame, name: &str) -> Result<impl Iterator<Item = Option<&'a str>> + 'a> {
    Ok(df.column(name)?.str()?.iter())
}

fn f64s<'a>(df: &'a DataFrame, name: &str) -> Result<impl Iterator<Item = Option<f64>> + 'a> {
    Ok(df.column(name)?.f64()?.iter())
}

fn need<T>(v: Option<T>, column: &str) -> Result<T> {
    v.ok_or_else(|| Error::Bug(format!("aggregate: null in the non-null column {column}")))
}

/// Each `province_metrics` row of the query's result, in order, its text borrowed from the
/// frame's columns (rule `aggregate.rows_borrowed`: nine to twelve strings a row had been
/// copied, about 175 000 allocations per 1 000 bench documents, only to be copied again into the
/// writer's builders).
pub(super) fn each_metric_row<'a>(df: &'a DataFrame, f: &mut dyn FnMut(&ProvinceMetric<&'a str>) -> Result<()>) -> Result<()> {
    let n = df.height();
    let mut province = strs(df, "province")?;
    let mut code = strs(df, "province_code")?;
    let mut region = strs(df, "region")?;
    let mut p2025 = strs(df, "province_2025")?;
    let mut period = strs(df, "period")?;
    let mut year = df.column("year")?.i32()?.iter();
    let mut metric = strs(df, "metric")?;
    let mut tier = strs(df, "tier")?;
    let mut unit = strs(df, "unit")?;
    let mut status = strs(df, "status")?;
    let mut basis = strs(df, "basis")?;
    let mut value = f64s(df, "value")?;
    let mut value_high = f64s(df, "value_high")?;
    let mut value_min = f64s(df, "value_min")?;
    let mut value_max = f64s(df, "value_max")?;
    let mut n_facts = df.column("n_facts")?.u32()?.iter();
    let mut n_docs = df.column("n_docs")?.u32()?.iter();
    let mut doc = strs(df, "doc")?;
    let mut char_start = df.column("char_start")?.i64()?.iter();
    let mut char_end = df.column("char_end")?.i64()?.iter();
    let mut conflict = df.column("conflict")?.bool()?.iter();
    let mut flag = strs(df, "flag")?;
    let mut population = f64s(df, "population")?;
    let mut extrapolated = df.column("population_extrapolated")?.bool()?.iter();
    let mut per100 = f64s(df, "per_100_inhabitants")?;
    let mut implied = f64s(df, "implied_population")?;
    let mut growth = f64s(df, "growth_vs_prev_pct")?;
    for _ in 0..n {
        let y = need(year.next().flatten(), "year")?;
        let s = |v: Option<Option<&'a str>>, c: &str| need(v.flatten(), c);
        f(&ProvinceMetric {
            province: s(province.next(), "province")?,
            province_code: code.next().flatten().filter(|c| !c.is_empty()),
            region: region.next().flatten(),
            province_2025: p2025.next().flatten(),
            period: s(period.next(), "period")?,
            year: y,
            metric: s(metric.next(), "metric")?,
            tier: s(tier.next(), "tier")?,
            unit: s(unit.next(), "unit")?,
            status: s(status.next(), "status")?,
            basis: basis.next().flatten().filter(|b| !b.is_empty()),
            value: need(value.next().flatten(), "value")?,
            value_high: value_high.next().flatten(),
            value_min: need(value_min.next().flatten(), "value_min")?,
            value_max: need(value_max.next().flatten(), "value_max")?,
            n_facts: need(n_facts.next().flatten(), "n_facts")?,
            n_docs: need(n_docs.next().flatten(), "n_docs")?,
            doc: s(doc.next(), "doc")?,
            char_start: need(char_start.next().flatten(), "char_start")?,
            char_end: need(char_end.next().flatten(), "char_end")?,
            conflict: need(conflict.next().flatten(), "conflict")?,
            flag: flag.next().flatten(),
            population: population.next().flatten().map(f64::round),
            population_extrapolated: extrapolated.next().flatten(),
            per_100_inhabitants: per100.next().flatten(),
            implied_population: implied.next().flatten().map(f64::round),
            growth_vs_prev_pct: growth.next().flatten(),
        })?;
    }
    Ok(())
}

/// The number of rows whose sources disagree.
pub(super) fn conflict_count(df: &DataFrame) -> Result<usize> {
    Ok(df.column("conflict")?.bool()?.sum().unwrap_or(0) as usize)
}

/// A `conflict` anomaly for each row whose sources disagree, in row order. The rows are read in
/// place, the others skipped: over the 1 GB corpus 165 000 of 287 000 rows conflict, and
/// filtering the table first had copied most of it at the barrier's peak (about 40 MB).
pub(super) fn each_conflict(df: &DataFrame, f: &mut dyn FnMut(&Anomaly) -> Result<()>) -> Result<()> {
    let mut conflict = df.column("conflict")?.bool()?.iter();
    let (mut province, mut metric, mut period, mut status) =
        (strs(df, "province")?, strs(df, "metric")?, strs(df, "period")?, strs(df, "status")?);
    let (mut doc, mut other_doc) = (strs(df, "doc")?, strs(df, "other_doc")?);
    let (mut value, mut other_value) = (f64s(df, "value")?, f64s(df, "other_value")?);
    let mut char_start = df.column("char_start")?.i64()?.iter();
    let mut char_end = df.column("char_end")?.i64()?.iter();
    for _ in 0..df.height() {
        let (prov, metric_id, period_s, status, doc, od, v, ov, start, end) = (
            province.next().flatten(),
            metric.next().flatten(),
            period.next().flatten(),
            status.next().flatten(),
            doc.next().flatten(),
            other_doc.next().flatten(),
            value.next().flatten(),
            other_value.next().flatten(),
            char_start.next().flatten(),
            char_end.next().flatten(),
        );
        if conflict.next().flatten() != Some(true) {
            continue;
        }
        let prov = need(prov, "province")?;
        let metric_id = need(metric_id, "metric")?;
        let period_s = need(period_s, "period")?;
        let status = need(status, "status")?;
        let doc = need(doc, "doc")?;
        let od = need(od, "other_doc")?;
        let v = need(v, "value")?;
        let ov = need(ov, "other_value")?;
        f(&Anomaly {
            kind: "conflict".into(),
            metric: Some(metric_id.to_string()),
            province: Some(prov.to_string()),
            period: Some(period_s.to_string()),
            doc: doc.to_string(),
            char_start: start,
            char_end: end,
            value: Some(v),
            other_value: Some(ov),
            other_doc: Some(od.to_string()),
            reason: format!("sources disagree on {prov} {metric_id} {period_s} ({status}): {v} in {doc} vs {ov} in {od}"),
        })?;
    }
    Ok(())
}

/// An `outlier` anomaly for each row of the outlier query.
pub(super) fn each_outlier(df: &DataFrame, f: &mut dyn FnMut(&Anomaly) -> Result<()>) -> Result<()> {
    let (mut province, mut metric, mut period, mut doc) =
        (strs(df, "province")?, strs(df, "metric")?, strs(df, "period")?, strs(df, "doc")?);
    let (mut value, mut x, mut median, mut z) = (f64s(df, "value")?, f64s(df, "x")?, f64s(df, "median")?, f64s(df, "z")?);
    let mut char_start = df.column("char_start")?.i64()?.iter();
    let mut char_end = df.column("char_end")?.i64()?.iter();
    for _ in 0..df.height() {
        let (x, med, z) = (
            need(x.next().flatten(), "x")?,
            need(median.next().flatten(), "median")?,
            need(z.next().flatten(), "z")?,
        );
        f(&Anomaly {
            kind: "outlier".into(),
            metric: metric.next().flatten().map(String::from),
            province: province.next().flatten().map(String::from),
            period: period.next().flatten().map(String::from),
            doc: need(doc.next().flatten(), "doc")?.to_string(),
            char_start: char_start.next().flatten(),
            char_end: char_end.next().flatten(),
            value: value.next().flatten(),
            other_value: Some(med),
            other_doc: None,
            reason: format!("{x:.1} is far from the median {med:.1} of other provinces (robust z = {z:.1})"),
        })?;
    }
    Ok(())
}
