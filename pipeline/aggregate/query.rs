//! The relational part of the aggregate: one polars lazy query over the group table.
//!
//! Input: the group table of the fold ([`super::fold`]), the catalog and the province reference.
//! Output: the `province_metrics` rows in key order, the conflicts between documents and the
//! cross-province outliers.
//!
//! The query joins the groups with the catalog (unit kind, tolerance, the count a density is
//! of) and the province reference (region, 2025 province, census population interpolated by
//! year), derives the per-100 values, the implied population (a self-join of a count with its
//! density) and the growth against the previous period (a self-join on the previous period of
//! the same province × metric × status × basis), flags the conflicts, and finds the outliers
//! with windows over metric × period × status (median and median absolute deviation). Text
//! (anomaly reasons) is written in Rust from the query's columns, so numbers print as before.
//! Invariant: the same group table gives the same rows in the same order.

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

/// What the catalog tells the query about each metric.
fn catalog_frame(catalog: &Catalog) -> Result<DataFrame> {
    let ms = &catalog.metrics;
    let tol: Vec<(f64, bool)> = ms.iter().map(|m| tolerance(m.unit_kind)).collect();
    Ok(df!(
        "metric" => ms.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        // a count of subscribers has a value per 100 inhabitants
        "per_capita" => ms.iter().map(|m| m.unit_kind == UnitKind::Subscribers).collect::<Vec<_>>(),
        // a rate is compared across provinces as it is
        "rate" => ms.iter().map(|m| matches!(m.unit_kind, UnitKind::Per100 | UnitKind::Percent)).collect::<Vec<_>>(),
        "tol" => tol.iter().map(|t| t.0).collect::<Vec<_>>(),
        "tol_absolute" => tol.iter().map(|t| t.1).collect::<Vec<_>>(),
        "density_of" => ms.iter().map(|m| m.density_of.as_deref()).collect::<Vec<_>>(),
    )?)
}

/// Each province's region, 2025 province and population in each of `years` (the country's is
/// the sum of the provinces').
fn province_frame(provinces: &Provinces, years: &[i32]) -> Result<DataFrame> {
    let (mut name, mut region, mut p2025, mut year, mut pop, mut extrapolated) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for &y in years {
        // the country's population sums the provinces' in table order
        let mut total = 0.0;
        for p in &provinces.rows {
            let Some(pp) = provinces.population(&p.name, y) else { continue };
            name.push(p.name.as_str());
            region.push(Some(p.region.as_str()));
            p2025.push(Some(p.merged_2025_into.as_str()));
            year.push(y);
            pop.push(pp.value);
            extrapolated.push(pp.extrapolated);
            total += pp.value;
        }
        if total > 0.0 {
            name.push(NATIONAL);
            region.push(None);
            p2025.push(None);
            year.push(y);
            pop.push(total);
            extrapolated.push(!(2009..=2019).contains(&y));
        }
    }
    Ok(df!(
        "province" => name,
        "region" => region,
        "province_2025" => p2025,
        "year" => year,
        "population" => pop,
        "population_extrapolated" => extrapolated,
    )?)
}

fn abs(e: Expr) -> Expr {
    when(e.clone().lt(lit(0.0))).then(lit(0.0) - e.clone()).otherwise(e)
}

fn left(frame: LazyFrame, other: LazyFrame, left_on: &[&str], right_on: &[&str]) -> LazyFrame {
    frame.join(
        other,
        left_on.iter().map(|c| col(*c)).collect::<Vec<_>>(),
        right_on.iter().map(|c| col(*c)).collect::<Vec<_>>(),
        JoinArgs::new(JoinType::Left),
    )
}

/// The derived tables of a group table, kept as the query's frames: the rows and anomalies are
/// made from them one at a time as they are written, so the barrier never holds a second copy of
/// the table as Rust records.
pub(super) struct Derived {
    /// The `province_metrics` rows in key order, with the `conflict` column.
    pub rows: DataFrame,
    /// The outliers, in anomaly order.
    pub outliers: DataFrame,
}

/// Run the query.
pub(super) fn derive(groups: DataFrame, catalog: &Catalog, provinces: &Provinces) -> Result<Option<Derived>> {
    if groups.height() == 0 {
        return Ok(None);
    }
    let mut years: Vec<i32> = groups.column("year")?.i32()?.into_no_null_iter().collect();
    years.sort_unstable();
    years.dedup();
    let g = groups.lazy();
    // the value each group's metric is a density of, and the previous period's value
    let density = g.clone().filter(col("basis").eq(lit(""))).select([
        col("province"),
        col("period"),
        col("metric"),
        col("status"),
        col("value").alias("density"),
    ]);
    let prev = g.clone().select([
        col("province"),
        col("period"),
        col("metric"),
        col("status"),
        col("basis"),
        col("value").alias("prev_value"),
    ]);
    let g = left(g, catalog_frame(catalog)?.lazy(), &["metric"], &["metric"]);
    let g = left(
        g,
        province_frame(provinces, &years)?.lazy(),
        &["province", "year"],
        &["province", "year"],
    );
    let g = left(
        g,
        density,
        &["province", "period", "density_of", "status"],
        &["province", "period", "metric", "status"],
    );
    let g = left(
        g,
        prev,
        &["province", "prev_period", "metric", "status", "basis"],
        &["province", "period", "metric", "status", "basis"],
    );
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
    let rows = g
        .with_columns([
            conflict.alias("conflict"),
            per100.alias("per_100_inhabitants"),
            implied.alias("implied_population"),
            growth.alias("growth_vs_prev_pct"),
        ])
        .sort_by_exprs(
            [col("province"), col("metric"), col("period"), col("status"), col("basis")],
            SortMultipleOptions::default(),
        )
        .with_row_index("row", None)
        .collect()?;

    // outliers: robust z-score (median absolute deviation) of per-capita counts, or of rates,
    // across provinces for the same metric, period and status
    let peers = [col("metric"), col("period"), col("status")];
    let x = when(col("per_capita"))
        .then(col("per_100_inhabitants"))
        .when(col("rate"))
        .then(col("value"))
        .otherwise(lit(NULL).cast(DataType::Float64));
    // `Higher`: the element at n / 2 of the sorted values, for even n too
    let median = |e: Expr| e.quantile(lit(0.5), QuantileMethod::Higher).over(peers.clone());
    let n = col("x").count().over(peers.clone())?;
    let outliers = rows
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
        .collect()?;
    Ok(Some(Derived { rows, outliers }))
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

/// Each `province_metrics` row of the query's result, in order (of one year, if `only_year`).
pub(super) fn each_metric_row(df: &DataFrame, only_year: Option<i32>, f: &mut dyn FnMut(&ProvinceMetric) -> Result<()>) -> Result<()> {
    let year_rows;
    let df = match only_year {
        Some(y) => {
            year_rows = df.filter(&df.column("year")?.i32()?.equal(y))?;
            &year_rows
        }
        None => df,
    };
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
        let s = |v: Option<Option<&str>>, c: &str| need(v.flatten(), c).map(String::from);
        f(&ProvinceMetric {
            province: s(province.next(), "province")?,
            province_code: code.next().flatten().filter(|c| !c.is_empty()).map(String::from),
            region: region.next().flatten().map(String::from),
            province_2025: p2025.next().flatten().map(String::from),
            period: s(period.next(), "period")?,
            year: y,
            metric: s(metric.next(), "metric")?,
            tier: s(tier.next(), "tier")?,
            unit: s(unit.next(), "unit")?,
            status: s(status.next(), "status")?,
            basis: basis.next().flatten().filter(|b| !b.is_empty()).map(String::from),
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
            flag: flag.next().flatten().map(String::from),
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

/// A `conflict` anomaly for each row whose sources disagree, in row order.
pub(super) fn each_conflict(df: &DataFrame, f: &mut dyn FnMut(&Anomaly) -> Result<()>) -> Result<()> {
    let hits = df.clone().lazy().filter(col("conflict")).collect()?;
    let (mut province, mut metric, mut period, mut status) = (
        strs(&hits, "province")?,
        strs(&hits, "metric")?,
        strs(&hits, "period")?,
        strs(&hits, "status")?,
    );
    let (mut doc, mut other_doc) = (strs(&hits, "doc")?, strs(&hits, "other_doc")?);
    let (mut value, mut other_value) = (f64s(&hits, "value")?, f64s(&hits, "other_value")?);
    let mut char_start = hits.column("char_start")?.i64()?.iter();
    let mut char_end = hits.column("char_end")?.i64()?.iter();
    for _ in 0..hits.height() {
        let prov = need(province.next().flatten(), "province")?;
        let metric_id = need(metric.next().flatten(), "metric")?;
        let period_s = need(period.next().flatten(), "period")?;
        let status = need(status.next().flatten(), "status")?;
        let doc = need(doc.next().flatten(), "doc")?;
        let od = need(other_doc.next().flatten(), "other_doc")?;
        let v = need(value.next().flatten(), "value")?;
        let ov = need(other_value.next().flatten(), "other_value")?;
        f(&Anomaly {
            kind: "conflict".into(),
            metric: Some(metric_id.to_string()),
            province: Some(prov.to_string()),
            period: Some(period_s.to_string()),
            doc: doc.to_string(),
            char_start: char_start.next().flatten(),
            char_end: char_end.next().flatten(),
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
