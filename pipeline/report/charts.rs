//! The report's charts, drawn as SVG by plotters (its SVG backend only).
//!
//! Input: `province_metrics` rows. Output: SVG text to inline in a page.
//! - [`metric_chart`]: one metric, each province's value over periods: a line through its
//!   actual values, a marker per row (filled circle actual, hollow circle estimate, triangle
//!   target) and a red cross on a row whose sources conflict or whose chosen fact is flagged.
//! - [`coverage_matrix`]: province × metric, the number of periods each pair has.
//!
//! Periods are placed at the end of their window (`2018` at 2018, `2018-H1` at 2017.5,
//! `2018-Q1` at 2017.25), so a stock is drawn where it was measured; multi-year spans and
//! unreadable periods are not drawn and counted in the caption. Layout only here; the
//! plotting (scales, ticks, markers) is plotters'.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::tables::PmRow;
use crate::records::{Period, PeriodPart};

/// Where a period sits on the time axis: the end of its window, in years.
pub(crate) fn period_x(p: &str) -> Option<f64> {
    let p = Period::parse(p)?;
    let end_month = match p.part {
        PeriodPart::Year => 12,
        PeriodPart::Quarter(q) => 3 * q,
        PeriodPart::Half(h) => 6 * h,
        PeriodPart::Months(n) => n,
        PeriodPart::Month(m) => m,
        // a span sits at its last year's end
        // a total over several years is no point in time
        PeriodPart::Through(_) => return None,
    };
    Some(p.year as f64 + (f64::from(end_month) - 12.0) / 12.0)
}

/// A value as people read it on an axis: 1.2 M, 35 k, 4.5 bn.
pub(crate) fn human(v: f64) -> String {
    let a = v.abs();
    let (d, s) = if a >= 1e12 {
        (1e12, " tn")
    } else if a >= 1e9 {
        (1e9, " bn")
    } else if a >= 1e6 {
        (1e6, " M")
    } else if a >= 1e4 {
        (1e3, " k")
    } else {
        (1.0, "")
    };
    let x = v / d;
    let t = if x.fract().abs() < 1e-9 || x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}").trim_end_matches('0').trim_end_matches('.').to_string()
    };
    format!("{t}{s}")
}

type DrawResult<T> = Result<T, String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// What a metric chart shows, for its caption.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChartNote {
    /// Provinces drawn, and how many have rows.
    pub shown: usize,
    pub provinces: usize,
    /// Rows of another basis, or with a period that has no place on the axis (multi-year
    /// spans).
    pub not_drawn: usize,
    /// The basis drawn (stock or flow; none for rates).
    pub basis: Option<String>,
}

/// Status marker colours and province line colours.
fn colour(i: usize) -> RGBColor {
    const C: [(u8, u8, u8); 10] = [
        (31, 119, 180),
        (255, 127, 14),
        (44, 160, 44),
        (148, 103, 189),
        (140, 86, 75),
        (227, 119, 194),
        (127, 127, 127),
        (188, 189, 34),
        (23, 190, 207),
        (57, 59, 121),
    ];
    let (r, g, b) = C[i % C.len()];
    RGBColor(r, g, b)
}

/// A row drawn: period position, value, status, suspect (conflict or flag).
type Point<'a> = (f64, f64, &'a str, bool);

/// Each province's value of one metric over periods, as SVG; at most `max_provinces` lines
/// (those with the most rows), the caption saying how many.
pub(crate) fn metric_chart(metric: &str, unit: &str, rows: &[&PmRow], max_provinces: usize) -> DrawResult<(String, ChartNote)> {
    // province → points (x, value, status, suspect)
    let mut by_prov: BTreeMap<&str, Vec<Point>> = BTreeMap::new();
    // a stock and a flow are different quantities: one basis per chart, the most frequent
    // (stock on a tie), the other rows stay in the table
    let mut bases: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    for r in rows {
        *bases.entry(r.basis.as_deref()).or_default() += 1;
    }
    let basis = bases
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then((a.0 == &Some("stock")).cmp(&(b.0 == &Some("stock")))))
        .and_then(|(b, _)| *b);
    let mut not_drawn = 0;
    for r in rows {
        if r.basis.as_deref() != basis {
            not_drawn += 1;
            continue;
        }
        match (period_x(&r.period), r.value) {
            (Some(x), Some(v)) if v.is_finite() => by_prov.entry(&r.province).or_default().push((
                x,
                v,
                r.status.as_deref().unwrap_or("actual"),
                r.conflict || r.flag.is_some(),
            )),
            _ => not_drawn += 1,
        }
    }
    let provinces = by_prov.len();
    let mut ranked: Vec<(&str, Vec<Point>)> = by_prov.into_iter().collect();
    // most rows first, then by name: the same chart for the same rows
    ranked.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    ranked.truncate(max_provinces);
    ranked.sort_by(|a, b| a.0.cmp(b.0));
    let pts = ranked.iter().flat_map(|(_, p)| p.iter());
    let (mut x0, mut x1, mut y1) = (f64::MAX, f64::MIN, 0.0f64);
    let mut y0 = 0.0f64;
    for &(x, y, _, _) in pts {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        (x0, x1) = (2000.0, 2001.0);
    }
    let (x0, x1) = (x0.floor() - 0.5, x1.ceil() + 0.5);
    let y1 = if y1 <= y0 { y0 + 1.0 } else { y1 * 1.08 };
    let note = ChartNote {
        shown: ranked.len(),
        provinces,
        not_drawn,
        basis: basis.map(str::to_string),
    };
    let (w, h) = (860u32, 440u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let caption = match basis {
            Some(b) => format!("{metric} ({unit}, {b})"),
            None => format!("{metric} ({unit})"),
        };
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("period end (year)")
            .y_desc(unit)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| human(*y))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (i, (name, points)) in ranked.iter().enumerate() {
            let c = colour(i);
            let mut actual: Vec<(f64, f64)> = points.iter().filter(|p| p.2 == "actual").map(|p| (p.0, p.1)).collect();
            actual.sort_by(|a, b| a.0.total_cmp(&b.0));
            chart
                .draw_series(LineSeries::new(actual, c.stroke_width(2)))
                .map_err(err)?
                .label(name.to_string())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2)));
            chart
                .draw_series(
                    points
                        .iter()
                        .filter(|p| p.2 == "actual")
                        .map(|&(x, y, _, _)| Circle::new((x, y), 4, c.filled())),
                )
                .map_err(err)?;
            chart
                .draw_series(
                    points
                        .iter()
                        .filter(|p| p.2 == "estimate")
                        .map(|&(x, y, _, _)| Circle::new((x, y), 4, c.stroke_width(2))),
                )
                .map_err(err)?;
            chart
                .draw_series(
                    points
                        .iter()
                        .filter(|p| p.2 != "actual" && p.2 != "estimate")
                        .map(|&(x, y, _, _)| TriangleMarker::new((x, y), 5, c.filled())),
                )
                .map_err(err)?;
            chart
                .draw_series(
                    points
                        .iter()
                        .filter(|p| p.3)
                        .map(|&(x, y, _, _)| Cross::new((x, y), 7, RED.stroke_width(2))),
                )
                .map_err(err)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .margin(4)
            .legend_area_size(20)
            .border_style(RGBColor(200, 200, 200))
            .background_style(WHITE.mix(0.9))
            .label_font(("sans-serif", 11))
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok((svg, note))
}

/// Province × metric: how many periods each pair has in `province_metrics`, as an SVG heat map.
pub(crate) fn coverage_matrix(provinces: &[String], metrics: &[String], periods: &BTreeMap<(usize, usize), usize>) -> DrawResult<String> {
    let (np, nm) = (provinces.len().max(1), metrics.len().max(1));
    let cell = 14u32;
    // room for the longest name (about 6 px a character at 11 px)
    let longest = |v: &[String]| v.iter().map(|s| s.chars().count()).max().unwrap_or(4) as u32;
    let left = longest(provinces) * 6 + 20;
    let bottom = longest(metrics) * 6 + 16;
    let (top, margin) = (30u32, 8u32);
    let w = left + cell * nm as u32 + 2 * margin;
    let h = top + cell * np as u32 + bottom + 2 * margin;
    let max = periods.values().copied().max().unwrap_or(1).max(1) as f64;
    let mut svg = String::new();
    {
        let root: DrawingArea<SVGBackend, Shift> = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("coverage: periods per province and metric", ("sans-serif", 15))
            .margin(margin)
            .x_label_area_size(bottom)
            .y_label_area_size(left)
            .build_cartesian_2d((0..nm).into_segmented(), (0..np).into_segmented())
            .map_err(err)?;
        let province_label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) if *i < provinces.len() => provinces[provinces.len() - 1 - *i].clone(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(nm)
            .y_labels(np)
            // metric names are drawn below, turned a quarter, starting at the axis
            .x_label_formatter(&|_| String::new())
            .y_label_formatter(&province_label)
            .y_label_style(("sans-serif", 11))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(periods.iter().map(|(&(p, m), &n)| {
                // darker with more periods, on a log scale so one period still shows
                let t = ((n as f64).ln_1p() / max.ln_1p()).clamp(0.0, 1.0);
                let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
                let c = RGBColor(mix(198, 8), mix(219, 48), mix(239, 107));
                let row = np - 1 - p;
                Rectangle::new(
                    [
                        (SegmentValue::Exact(m), SegmentValue::Exact(row)),
                        (SegmentValue::Exact(m + 1), SegmentValue::Exact(row + 1)),
                    ],
                    c.filled(),
                )
            }))
            .map_err(err)?;
        let style = ("sans-serif", 11)
            .into_font()
            .transform(FontTransform::Rotate90)
            .into_text_style(&root)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (i, name) in metrics.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(SegmentValue::CenterOf(i), SegmentValue::Exact(0)));
            root.draw(&Text::new(name.clone(), (x, y + 6), style.clone())).map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_sit_at_the_end_of_their_window() {
        let cases = [
            ("2018", Some(2018.0)),
            ("2018-H1", Some(2017.5)),
            ("2018-Q1", Some(2017.25)),
            ("2018-Q4", Some(2018.0)),
            ("2010-9M", Some(2009.75)),
            ("2011-M11", Some(2011.0 - 1.0 / 12.0)),
            // a total over several years is no point in time
            ("2011-2015", None),
            ("", None),
        ];
        for (p, want) in cases {
            match (period_x(p), want) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{p}: {a} != {b}"),
                (a, b) => assert_eq!(a, b, "{p}"),
            }
        }
    }

    #[test]
    fn axis_values_read_as_people_say_them() {
        let cases = [
            (0.0, "0"),
            (29.98, "29.98"),
            (9999.0, "9999"),
            (35_000.0, "35 k"),
            (1_070_000.0, "1.07 M"),
            (140e9, "140 bn"),
            (2.5e12, "2.5 tn"),
            (-1_500_000.0, "-1.5 M"),
        ];
        for (v, want) in cases {
            assert_eq!(human(v), want, "{v}");
        }
    }

    fn row(province: &str, period: &str, value: f64, status: &str, conflict: bool) -> PmRow {
        PmRow {
            basis: Some("stock".into()),
            province: province.into(),
            period: period.into(),
            metric: "internet_subscribers".into(),
            status: Some(status.into()),
            value: Some(value),
            conflict,
            ..PmRow::default()
        }
    }

    #[test]
    fn a_metric_chart_draws_a_line_per_province_and_marks_suspects() {
        let rows = [
            row("Thanh Hóa", "2017", 900_000.0, "actual", false),
            row("Thanh Hóa", "2018", 1_070_000.0, "estimate", false),
            row("Quảng Ninh", "2018", 500_000.0, "actual", true),
            row("Quảng Ninh", "2019", 600_000.0, "actual", false),
            row("Quảng Ninh", "2016-2020", 1.0, "target", false),
            row("Hà Nội", "2020", 2_000_000.0, "target", false),
            PmRow {
                basis: Some("flow".into()),
                ..row("Thanh Hóa", "2018", 170_000.0, "actual", false)
            },
        ];
        let refs: Vec<&PmRow> = rows.iter().collect();
        let (svg, note) = metric_chart("internet_subscribers", "subscribers", &refs, 2).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
        assert_eq!(
            note,
            ChartNote {
                shown: 2,
                provinces: 3,
                not_drawn: 2,
                basis: Some("stock".into())
            }
        );
        // the stocks: the flow of Thanh Hóa is not drawn (2 rows not drawn: it and the span)
        assert!(svg.contains("internet_subscribers (subscribers, stock)"));
        // the two provinces with most rows, by name in the legend; Hà Nội left out
        assert!(svg.contains("Thanh Hóa") && svg.contains("Quảng Ninh") && !svg.contains("Hà Nội"));
        // two lines (polylines) and one conflict cross drawn in red
        assert!(svg.matches("<polyline").count() >= 2);
        assert!(svg.contains("#FF0000"), "the conflicting row is marked");
    }

    #[test]
    fn the_coverage_matrix_has_a_cell_per_pair_with_data() {
        let provinces = vec!["Hà Nội".to_string(), "<Tỉnh & \"X\">".to_string()];
        let metrics = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let cells: BTreeMap<(usize, usize), usize> = [((0, 0), 3), ((1, 2), 1)].into_iter().collect();
        let svg = coverage_matrix(&provinces, &metrics, &cells).unwrap();
        // white background + two cells
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        assert!(
            svg.contains("Hà Nội") && svg.contains("&lt;Tỉnh &amp;"),
            "labels are drawn and escaped"
        );
        assert!(!svg.contains("<Tỉnh"));
    }
}
