//! Tables whose rows open with their year (rules `table.year_rows`, `table.year_parts`):
//! yearbook pages where each row is a year and the columns are a total and its parts.
//!
//! Input: the lines of a cleaned document. Output: cell mentions and spans added to the
//! parent's [`Tables`]. Invariant: only the first column (the total) and the columns that name
//! a catalog id of their own give facts; a count written with decimals (an index) gives none.

use super::*;

/// A line that opens a row with its year (`2015 72,28 72,64 55,60`, `Sơ bộ 2020 83,71`,
/// `. 2016` after a `Sơ bộ - Prel` note): the year and where the rest of the line starts.
pub(super) fn row_year(g: &crate::grammar::Grammar, line: &str) -> Option<(i32, usize)> {
    // (asked of every line: most open with no year)
    let c = g.row_year.captures_seldom(line)?;
    let rest = c.get(0)?.end();
    // the rest of the line is numbers only
    line[rest..]
        .split_whitespace()
        .all(|w| {
            w.trim_end_matches('%')
                .chars()
                .all(|ch| ch.is_ascii_digit() || ch == '.' || ch == ',')
        })
        .then(|| (c[1].parse().ok(), rest))
        .and_then(|(y, r)| y.map(|y| (y, r)))
}

/// A row that opens with its year: its line, the year, and the byte spans of its numbers.
type YearRow = (usize, i32, Vec<(usize, usize)>);

/// Rule `table.year_rows`: a table whose rows open with their year (`2015 72,28 72,64 55,60`,
/// or a yearbook page where the year and each of its cells stand on lines of their own). Its
/// first column is the table's total: each row's first number is a fact of the title's metric
/// and the row's year. Later columns (parts, indices) give none. Counts written with decimals
/// (an index, `109,77`) are not counts and give none either.
pub(super) fn year_rows(doc: &CleanDoc, res: &Resources, lines: &[(usize, &str)], out: &mut Tables) {
    // logical rows: (year, [(start, end) of each number])
    let mut rows: Vec<YearRow> = Vec::new();
    let mut k = 0;
    while k < lines.len() {
        let (off, line) = lines[k];
        let Some((year, rest)) = row_year(&res.lexicon.grammar, line) else {
            k += 1;
            continue;
        };
        let mut cells: Vec<(usize, usize)> = number_re()
            .find_iter(&line[rest..])
            .map(|m| (off + rest + m.start(), off + rest + m.start() + m.as_str().trim_end().len()))
            .collect();
        let mut n = k + 1;
        // a yearbook page: the cells on the lines after the year
        if cells.is_empty() {
            while n < lines.len() {
                let (o, l) = lines[n];
                let t = l.trim();
                if t.is_empty() {
                    n += 1;
                    continue;
                }
                if row_year(&res.lexicon.grammar, l).is_some() || !t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',' || c == ' ')
                {
                    break;
                }
                cells.extend(
                    number_re()
                        .find_iter(l)
                        .map(|m| (o + m.start(), o + m.start() + m.as_str().trim_end().len())),
                );
                n += 1;
            }
        }
        if !cells.is_empty() {
            rows.push((k, year, cells));
        }
        k = n;
    }
    // runs of three or more rows with increasing years, no more than a few lines apart
    let mut r = 0;
    while r < rows.len() {
        let mut e = r + 1;
        while e < rows.len() && rows[e].1 > rows[e - 1].1 && rows[e].0 <= rows[e - 1].0 + 2 * rows[e - 1].2.len() + 8 {
            e += 1;
        }
        if e - r >= 3 {
            read_year_rows(doc, res, lines, &rows[r..e], out);
        }
        r = e;
    }
}

pub(super) fn read_year_rows(doc: &CleanDoc, res: &Resources, lines: &[(usize, &str)], rows: &[YearRow], out: &mut Tables) {
    let first_line = rows[0].0;
    // the title: the nearest line above that names what the table counts (a numbered title,
    // else a line of words that is not a column label)
    // (16 lines of text: a page exported with a blank line between lines holds twice as many)
    let mut above: Vec<&str> = lines[..first_line]
        .iter()
        .rev()
        .map(|l| l.1.trim())
        .filter(|l| !l.is_empty())
        .take(16)
        .collect();
    above.reverse();
    let column_label = |l: &str| {
        let m = match_form(l);
        [
            "tổng số",
            "total",
            "phân theo",
            "thành thị",
            "nông thôn",
            "trong đó",
            "of which",
            "đơn vị",
            "đvt",
        ]
        .iter()
        .any(|w| m.contains(w))
    };
    let numbered = above.iter().rev().find(|l| {
        l.split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            || match_form(l).starts_with("bảng")
    });
    // a numbered title, else the page's own title (a statistics page is one table), else a line
    let title_line = numbered.copied().or(doc.meta.title.as_deref()).or_else(|| {
        above
            .iter()
            .rev()
            .find(|l| !l.is_ascii() && !column_label(l) && l.chars().filter(|c| crate::text::is_letter(*c)).count() >= 8)
            .copied()
    });
    let Some(title_line) = title_line else { return };
    let title = title_words(
        &res.lexicon.table,
        title_line.trim_start_matches(|c: char| !crate::text::is_letter(c)),
    );
    let title = title
        .strip_prefix("Bảng")
        .map_or(title, |t| t.trim_start_matches(|c: char| !crate::text::is_letter(c)));
    let percent = above.iter().any(|l| l.len() <= 16 && l.contains('%'));
    let unit = above
        .iter()
        .rev()
        .find_map(|l| unit_words(&res.lexicon.table, l))
        .unwrap_or(if percent { "%" } else { "" });
    for (_, _, cells) in rows {
        out.cells.extend(cells.iter().copied());
    }
    // rule `table.metric_pair`: a yearbook table of two metrics (`Số thuê bao điện thoại và
    // internet`): its first column is the first's total, its last the second's
    let pair = metric_pair(title);
    let first_title = pair.as_ref().map_or(title, |(a, _)| a.as_str());
    let reading = column_cells(doc, res, rows.iter(), 0, first_title, unit, None, out, |year| {
        format!("table.year_rows: `{title}` in {year}, the table's first column")
    });
    // the first column reads as no catalog figure: neither do the others
    if matches!(reading, Some(None)) {
        return;
    }
    let total = reading.flatten().and_then(|(m, _)| m.claim.map(|c| c.metric));
    if let Some((first, second)) = &pair {
        pair_columns(doc, res, &above, first, second, unit, rows, total.as_deref(), out);
        return;
    }
    year_parts(doc, res, &above, title_line, title, unit, rows, total.as_deref(), out);
}

/// The two metrics of a title that names two (`Số thuê bao điện thoại và internet` → `Số thuê
/// bao điện thoại`, `Số thuê bao internet`): the second takes the first's head noun.
pub(super) fn metric_pair(title: &str) -> Option<(String, String)> {
    let (a, b) = title.split_once(" và ")?;
    let b = b.trim();
    if b.is_empty() || b.split_whitespace().count() > 3 {
        return None;
    }
    let k = match_form(a).find("thuê bao")? + "thuê bao".len();
    // (match form keeps byte lengths for Vietnamese letters)
    let head = a.get(..k)?;
    Some((a.trim().to_string(), format!("{head} {b}")))
}

/// The columns of a two-metric year table: the last is the second metric's; a middle column
/// labelled `Trong đó: X` is a part of the first with an id of its own (`Di động`), or none.
#[allow(clippy::too_many_arguments)]
fn pair_columns(
    doc: &CleanDoc,
    res: &Resources,
    above: &[&str],
    first: &str,
    second: &str,
    unit: &str,
    rows: &[YearRow],
    total: Option<&str>,
    out: &mut Tables,
) {
    let Some(total) = total else { return };
    let n = rows.iter().map(|r| r.2.len()).max().unwrap_or(0);
    if n < 2 {
        return;
    }
    let parts: Vec<&str> = above
        .iter()
        .filter_map(|l| {
            let m = match_form(l);
            m.starts_with("trong đó").then(|| l.split_once(':').map(|(_, x)| x.trim()))?
        })
        .collect();
    let mut columns: Vec<(usize, String)> = vec![(n - 1, second.to_string())];
    if n >= 3 && parts.len() == n - 2 {
        columns.extend(parts.iter().enumerate().map(|(i, label)| (i + 1, format!("{first} {label}"))));
    }
    for (c, label) in columns {
        column_cells(
            doc,
            res,
            rows.iter().filter(|r| r.2.len() == n),
            c,
            &label,
            unit,
            Some(total),
            out,
            |year| format!("table.metric_pair: column `{label}` in {year}"),
        );
    }
}

/// The cells of column `c` of a year table, read as `label` (probed once, on its first number):
/// a fact of the row's year per cell, unless the column reads as no catalog figure or as `total`
/// (the table's own metric: a part of it, not a part with an id of its own). Counts are whole:
/// `98,17` under a count's label is an index, no fact. Gives the column's reading: None when no
/// cell holds a number, `Some(None)` when the label reads as no catalog figure.
#[allow(clippy::too_many_arguments)]
fn column_cells<'a>(
    doc: &CleanDoc,
    res: &Resources,
    rows: impl Iterator<Item = &'a YearRow>,
    c: usize,
    label: &str,
    unit: &str,
    total: Option<&str>,
    out: &mut Tables,
    reason: impl Fn(i32) -> String,
) -> Option<Option<(Mention, f64)>> {
    let mut reading: Option<Option<(Mention, f64)>> = None;
    for (_, year, cells) in rows {
        let (start, end) = cells[c];
        let raw = doc.text[start..end].trim_end_matches('%').trim_end();
        let Some(value) = crate::extract::number::parse_digits(raw) else {
            continue;
        };
        let Some(p) = reading
            .get_or_insert_with(|| probe(doc, res, label, raw, unit, value.value))
            .clone()
        else {
            break;
        };
        let Some(metric) = p.0.claim.as_ref().map(|cl| cl.metric.as_str()) else {
            break;
        };
        if total == Some(metric) {
            break;
        }
        if is_count(res, metric) && value.has_decimals {
            continue;
        }
        if let Some(m) = cell(doc, p, (start, end), value, *year, reason(*year)) {
            out.mentions.push(m);
        }
    }
    reading
}

/// A metric whose values are whole counts (subscribers, stations, activities): a cell with
/// decimals under it is an index, not its value.
pub(super) fn is_count(res: &Resources, metric: &str) -> bool {
    res.catalog.get(metric).is_some_and(|c| {
        matches!(
            c.unit_kind,
            crate::records::UnitKind::Subscribers | crate::records::UnitKind::Stations | crate::records::UnitKind::Count
        )
    })
}

/// Rule `table.year_parts`: the columns after a year table's total that break it down into
/// parts with catalog ids of their own (`Tổng số | Chia ra: Di động | Cố định`) give facts of
/// those ids; a column whose label reads as the total's own metric (a part by technology, by
/// area) gives none. The labels are the lines between the title and the first row, without
/// their English translations (`Di động - Mobi-phone`), `Chia ra`, `Total` and the unit line.
#[allow(clippy::too_many_arguments)]
pub(super) fn year_parts(
    doc: &CleanDoc,
    res: &Resources,
    above: &[&str],
    title_line: &str,
    title: &str,
    unit: &str,
    rows: &[YearRow],
    total: Option<&str>,
    out: &mut Tables,
) {
    let Some(total) = total else { return };
    let n = rows.iter().map(|r| r.2.len()).max().unwrap_or(0);
    if n < 2 {
        return;
    }
    let from = above.iter().rposition(|l| *l == title_line).map_or(0, |k| k + 1);
    let labels: Vec<&str> = above[from..]
        .iter()
        .map(|l| l.split(" - ").next().unwrap_or(l).trim())
        .filter(|l| {
            let m = match_form(l);
            !l.is_empty()
                && !l.is_ascii()
                && unit_words(&res.lexicon.table, l).is_none()
                && !["chia ra", "trong đó", "phân theo"].iter().any(|w| m.starts_with(w))
                && !["thuê bao", "máy", "trạm", "chiếc", "người", "%", "tỷ đồng", "triệu đồng"].contains(&m.as_str())
        })
        .collect();
    if labels.len() != n || !is_total(&res.lexicon.table, labels[0]) {
        return;
    }
    for (c, label) in labels.iter().enumerate().skip(1) {
        column_cells(
            doc,
            res,
            rows.iter().filter(|r| r.2.len() == n),
            c,
            &format!("{title} {label}"),
            unit,
            Some(total),
            out,
            |year| format!("table.year_parts: column `{label}` of `{title}` in {year}"),
        );
    }
}
