//! Rule `table.cell`: tables of figures by year, flattened into text (statistical yearbooks,
//! formal reports, provincial portals).
//!
//! Input: the cleaned document. Output: one metric mention per cell, with the row's metric and
//! the column's period, and the byte spans of every cell (the sentence extractor's readings of
//! those numbers give way to them).
//!
//! Shape read: a header line of two or more increasing years (`2016 2017 2018 2019 Sơ bộ 2020`,
//! `Chỉ tiêu Năm 2018 Năm 2019`, `12/2006 12/2007 12/2008`), then rows of a label followed by
//! exactly one number per year column:
//!
//! ```text
//! Tỷ lệ người sử dụng Internet   77,63 83,49 79,43 79,46 83,71   → internet_users_pct, 2016 … 2020
//! ```
//!
//! The row's metric is what the extractor reads in `LABEL đạt CELL UNIT` (the unit from an
//! `ĐVT:` / `Đơn vị tính:` line); a total row (`Tổng số`, `TOTAL`) takes the table's title as its
//! label. Rows that break a figure down (`Thành thị`, `Nông thôn`, `Phân theo ...`, a district)
//! give no facts, as the conventions say of parts. Invariants: a cell is a fact only when its
//! row has as many numbers as the header has years; nothing else in the document changes.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use super::number::DigitReading;
use super::{Scope, extract_scoped};
use crate::config::Resources;
use crate::records::{CleanDoc, Mention, MentionKind, Period, Status};
use crate::text::match_form;

mod years;
use years::year_rows;

/// A table's cells as metric mentions, and the spans the table covers.
pub(crate) struct Tables {
    pub mentions: Vec<Mention>,
    /// Byte spans of every numeric cell of every row read (facts or not).
    pub cells: Vec<(usize, usize)>,
}

fn year_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?:^|[^0-9/.,])(?:(?:0?[1-9]|1[0-2])\s*/\s*)?((?:19[5-9]|20[0-4])[0-9])(?:[^0-9/.,]|$)").expect("year"))
}

fn number_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"[0-9]+(?:[.,][0-9]+)*\s?%?").expect("cell"))
}

/// The table rules' words (`lexicon.toml` `[table]`), checked at load ([`TableCues::check`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableCues {
    /// Words (match form) a header line may hold besides its years (`Năm`, `Sơ bộ`, `ĐVT`).
    header_words: Vec<String>,
    /// Where a title stops naming what it counts (match form, spaces as written: ` phân
    /// theo`, `(`): `Số máy điện thoại phân theo huyện` counts `Số máy điện thoại`.
    title_ends: Vec<String>,
    /// Openings (match form) of a total row's label (`tổng số`, `total`): the row takes the
    /// table's title as its label.
    total_labels: Vec<String>,
    /// Words (match form) of a unit line (`ĐVT:`, `Đơn vị tính:`).
    unit_line: Vec<String>,
    /// The unit a cell is read with, by the words of the unit line: the first entry with one of
    /// its words gives its unit; none gives no unit.
    units: Vec<TableUnit>,
}

/// One `[[table.units]]` entry: a unit line holding one of `words` gives cells `unit`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableUnit {
    words: Vec<String>,
    unit: String,
}

impl TableCues {
    /// Every list has words, none empty, and each is in match form.
    pub(crate) fn check(&self) -> Result<(), String> {
        use crate::text::{WordForm::MatchedSpaced, check_words};
        check_words("[table] header_words", &self.header_words, MatchedSpaced)?;
        check_words("[table] title_ends", &self.title_ends, MatchedSpaced)?;
        check_words("[table] total_labels", &self.total_labels, MatchedSpaced)?;
        check_words("[table] unit_line", &self.unit_line, MatchedSpaced)?;
        if self.units.is_empty() {
            return Err("[table] units: no units".into());
        }
        self.units
            .iter()
            .try_for_each(|u| check_words("[table] units", &u.words, MatchedSpaced))
    }
}

/// The years of a header line, when it is one.
fn header_years(cues: &TableCues, line: &str) -> Option<Vec<i32>> {
    // cheap test first (this runs on every line of every document): two years need 8 digits
    if crate::text::count_bytes(line.as_bytes(), |b| b.is_ascii_digit()) < 8 {
        return None;
    }
    // then the words: a header names at most two that are no header words, and a line of
    // prose shows it within its first few words (match form is per letter: a word's is the
    // same alone as inside its line)
    let mut others = 0;
    // (each word lower-cased into one buffer, not a string of its own)
    let mut w = String::new();
    for word in line.split(|c: char| !crate::text::is_letter(c)).filter(|w| !w.is_empty()) {
        crate::text::match_form_into(word, &mut w);
        if !cues.header_words.contains(&w) {
            others += 1;
            if others > 2 {
                return None;
            }
        }
    }
    let lower = match_form(line);
    let mut years = Vec::new();
    let mut pos = 0;
    while let Some(c) = year_re().captures_at(&lower, pos) {
        let m = c.get(1)?;
        years.push(m.as_str().parse::<i32>().ok()?);
        pos = m.end();
    }
    if years.len() < 2 || years.windows(2).any(|w| w[1] <= w[0]) {
        return None;
    }
    Some(years)
}

/// The words of a table title that name what it counts: `115. Số máy điện thoại trên địa bàn
/// phân theo huyện tại thời điểm 31/12/2009` → `Số máy điện thoại trên địa bàn`.
pub(super) fn title_words<'t>(cues: &TableCues, title: &'t str) -> &'t str {
    let t = title.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    let lower = match_form(t);
    let cut = cues
        .title_ends
        .iter()
        .filter_map(|w| lower.find(w.as_str()))
        .min()
        .unwrap_or(t.len());
    t[..cut].trim()
}

/// Labels of rows that break a figure down: no facts of their own.
fn is_part(g: &crate::grammar::Grammar, label: &str) -> bool {
    g.table_part_row.is_match(&match_form(label.trim()))
}

fn is_total(cues: &TableCues, label: &str) -> bool {
    let l = match_form(label.trim());
    cues.total_labels.iter().any(|w| l.starts_with(w.as_str()))
}

/// The unit words of a table, from its `ĐVT:` line: what a cell would be written with.
pub(super) fn unit_words<'c>(cues: &'c TableCues, line: &str) -> Option<&'c str> {
    let l = match_form(line);
    if !cues.unit_line.iter().any(|w| l.contains(w.as_str())) {
        return None;
    }
    let unit = cues.units.iter().find(|u| u.words.iter().any(|w| l.contains(w.as_str())));
    Some(unit.map_or("", |u| u.unit.as_str()))
}

/// Read every table of a document.
pub(crate) fn read(doc: &CleanDoc, res: &Resources) -> Tables {
    let cues = &res.lexicon.table;
    let mut out = Tables {
        mentions: Vec::new(),
        cells: Vec::new(),
    };
    // tables whose line breaks were lost: their cells are claimed first
    super::inline_table::read(doc, res, &mut out);
    // cheap gate: a table needs a line with two years
    if !doc.text.contains('\n') {
        return out;
    }
    let lines: Vec<(usize, &str)> = crate::text::split_newlines(&doc.text).collect();
    // a row label's reading (its metric, and the scale its unit applies), once per table row kind
    let mut metric_of: HashMap<String, Option<(Mention, f64)>> = HashMap::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(years) = header_years(cues, lines[i].1) else {
            i += 1;
            continue;
        };
        // title and unit: the lines just above the header
        let above: Vec<&str> = lines[i.saturating_sub(12)..i]
            .iter()
            .map(|l| l.1.trim())
            .filter(|l| !l.is_empty())
            .collect();
        let above = &above[above.len().saturating_sub(5)..];
        let unit = above.iter().rev().find_map(|l| unit_words(cues, l)).unwrap_or("");
        // the title: the nearest Vietnamese line of words above (not its English translation)
        let title_line = above
            .iter()
            .rev()
            .find(|l| unit_words(cues, l).is_none() && !l.is_ascii() && l.chars().filter(|c| crate::text::is_letter(*c)).count() >= 8)
            .copied()
            .unwrap_or("");
        let title = title_words(cues, title_line);
        // `... phân theo huyện, thành phố`: every row but the total is a district's
        let by_district = super::district::table_by_district(&res.lexicon.district, title_line);
        let mut j = i + 1;
        let mut misses = 0;
        while j < lines.len() && misses <= 2 {
            let (off, line) = lines[j];
            j += 1;
            // paragraph breaks between rows are no rows, and no end of the table
            if line.trim().is_empty() {
                continue;
            }
            if header_years(cues, line).is_some() {
                // the next table
                j -= 1;
                break;
            }
            let nums: Vec<regex::Match> = number_re().find_iter(line).collect();
            // the cells are the last numbers of the line, separated by white space only
            let mut cells: Vec<&regex::Match> = Vec::new();
            for m in nums.iter().rev() {
                let after = cells.last().map_or(line.len(), |c: &&regex::Match| c.start());
                if !line[m.end()..after].trim().is_empty() || cells.len() == years.len() {
                    break;
                }
                cells.push(m);
            }
            cells.reverse();
            if cells.len() != years.len() {
                misses += 1;
                continue;
            }
            misses = 0;
            let label = line[..cells[0].start()].trim().trim_end_matches([':', '-', '–']).trim();
            for c in &cells {
                out.cells.push((off + c.start(), off + c.start() + c.as_str().trim_end().len()));
            }
            if label.is_empty() || is_part(&res.lexicon.grammar, label) || (by_district && !is_total(cues, label)) {
                continue;
            }
            let label = if is_total(cues, label) && !title.is_empty() { title } else { label };
            for (c, year) in cells.iter().zip(&years) {
                let raw = c.as_str().trim_end();
                let key = format!("{label}\u{1}{unit}\u{1}{}", raw.ends_with('%'));
                let digits = raw.trim_end_matches('%').trim_end();
                let Some(value) = super::number::parse_digits(digits) else {
                    continue;
                };
                let pct = if raw.ends_with('%') { "%" } else { unit };
                let probe = metric_of
                    .entry(key)
                    .or_insert_with(|| probe(doc, res, label, digits, pct, value.value))
                    .clone();
                let Some(probe) = probe else { continue };
                let start = off + c.start();
                if let Some(m) = cell(
                    doc,
                    probe,
                    (start, start + raw.len()),
                    value,
                    *year,
                    format!("table.cell: row `{label}` × column {year}"),
                ) {
                    out.mentions.push(m);
                }
            }
        }
        i = j.max(i + 1);
    }
    year_rows(doc, res, &lines, &mut out);
    out
}

/// How the extractor reads a row: the metric mention of `LABEL đạt DIGITS UNIT` and the scale
/// its unit words apply (`tỷ đồng`), or None when the row names no catalog metric.
pub(super) fn probe(doc: &CleanDoc, res: &Resources, label: &str, digits: &str, unit: &str, value: f64) -> Option<(Mention, f64)> {
    let sentence = format!("{label} đạt {digits}{unit}.");
    let p = crate::clean::doc_from_text(
        "table",
        &sentence,
        doc.meta.province.clone(),
        None,
        &res.clean,
        &res.provinces,
        &res.outlets,
    );
    let m = extract_scoped(&p, res, Some(Scope::open()), None)
        .0
        .into_iter()
        .find(|m| m.kind == MentionKind::Metric && m.claim.is_some())?;
    let scale = match m.value {
        Some(v) if value != 0.0 => (v / value).round().max(1.0),
        _ => 1.0,
    };
    Some((m, scale))
}

/// The fact mention of one cell: the row's reading, the column's year, the document's province.
pub(super) fn cell(
    doc: &CleanDoc,
    (probe, scale): (Mention, f64),
    (start, end): (usize, usize),
    value: DigitReading,
    year: i32,
    reason: String,
) -> Option<Mention> {
    let mut claim = probe.claim?;
    claim.period = Some(Period::year(year));
    claim.period_rule = None;
    claim.province = doc.meta.province.clone();
    claim.status = Status::Actual;
    claim.growth_pct = None;
    claim.plan_share_pct = None;
    claim.bound = None;
    Some(Mention {
        sentence: doc.sentences.iter().position(|s| s.start <= start && start < s.end).unwrap_or(0),
        start,
        end,
        kind: MentionKind::Metric,
        reason,
        value: Some(value.value * scale),
        value_high: None,
        of: None,
        unit: None,
        unit_kind: probe.unit_kind,
        malformed: value.malformed,
        claim: Some(claim),
    })
}

#[cfg(test)]
mod tests;
