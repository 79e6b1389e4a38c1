//! Rule `table.inline_rows`: a table of figures by year whose line breaks were lost when the
//! page was flattened (theses and reports copied to document-sharing sites). The header and
//! every row run on in one paragraph:
//!
//! ```text
//! Năm  Số thuê bao điện thoại cố định  Mật độ (thuê bao/100 dân)  Tốc độ phát triển
//!      2001 11.641 3,44  2002 12.577 3,61 108,04 %  2003 14.398 4,03 114,48 %  ...
//! ```
//!
//! Input: the cleaned document. Output: metric mentions, one per cell of a column that names a
//! catalog metric, with the column's metric and the row's year; the spans of every cell read.
//!
//! How it reads:
//! - **Rows**: three or more year tokens in steps of one to five years, each followed by
//!   numbers only (a `%` standing alone belongs to the number before it). Every row has the
//!   table's number of columns, or one fewer when the table has a growth column: the first
//!   year has no growth over the year before.
//! - **Columns**: the words between the last `Năm` before the rows and the rows, cut into labels
//!   where a word starts with a capital letter (parentheses stay with their label). A two-level
//!   header (`Số thuê bao Tỷ lệ/100 dân Cố định Di động Cố định Di động`) ends with its short
//!   sub-labels; they split the groups that are neither a total nor a growth rate, in order.
//! - **Metrics**: a column's label is read as the extractor reads `LABEL đạt CELL UNIT`, after
//!   the table's title (`Bảng 2.5: Số thuê bao điện thoại tại ...`), whose words (telephone,
//!   mobile) the label inherits.
//!
//! Invariants: when the labels cannot be matched to the columns the table gives no facts and
//! marks no cells (the sentence reading stays); growth columns give no facts (growth of a count
//! is never a fact).

use super::table::{TableCues, Tables, cell, probe, title_words, unit_words};
use crate::config::Resources;
use crate::records::CleanDoc;
use crate::text::match_form;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Year(i32),
    Num,
    Percent,
    Word,
}

struct Tok {
    start: usize,
    end: usize,
    kind: Kind,
}

fn kind_of(w: &str) -> Kind {
    if w == "%" {
        return Kind::Percent;
    }
    let digits = w.trim_end_matches('%');
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',') {
        return Kind::Word;
    }
    if !digits.starts_with(|c: char| c.is_ascii_digit()) || !digits.ends_with(|c: char| c.is_ascii_digit()) {
        return Kind::Word;
    }
    if digits.len() == 4
        && digits.len() == w.len()
        && let Ok(y) = digits.parse::<i32>()
        && (1950..=2049).contains(&y)
    {
        return Kind::Year(y);
    }
    Kind::Num
}

/// The document's whitespace-separated tokens, but a run of words is one token: [`runs`] reads
/// the spans of years and numbers alone, and a word (one or many) only ends a row. A document's
/// tokens are mostly words: one per word made a long text's vector several times its size (over
/// 100 MB at the peak for a 15.7 MB document).
fn tokens(text: &str) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let push = |out: &mut Vec<Tok>, start: usize, end: usize| {
        let kind = kind_of(&text[start..end]);
        match out.last_mut() {
            Some(last) if kind == Kind::Word && last.kind == Kind::Word => last.end = end,
            _ => out.push(Tok { start, end, kind }),
        }
    };
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                push(&mut out, s, i);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        push(&mut out, s, text.len());
    }
    out
}

/// One row: its year, the byte span of its year token and of each number.
struct Row {
    year: i32,
    year_at: usize,
    cells: Vec<(usize, usize)>,
}

/// Runs of rows: a year, its numbers, the next year (in a constant step), its numbers, ...
fn runs(toks: &[Tok]) -> Vec<Vec<Row>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Kind::Year(y0) = toks[i].kind else {
            i += 1;
            continue;
        };
        let mut rows: Vec<Row> = Vec::new();
        let mut step = 0;
        let mut k = i;
        let mut year = y0;
        loop {
            let mut row = Row {
                year,
                year_at: toks[k].start,
                cells: Vec::new(),
            };
            let mut n = k + 1;
            while n < toks.len() {
                match toks[n].kind {
                    Kind::Year(y)
                        if !row.cells.is_empty() && (step == 0 && (1..=5).contains(&(y - year)) || step != 0 && y - year == step) =>
                    {
                        break;
                    }
                    Kind::Num | Kind::Year(_) => row.cells.push((toks[n].start, toks[n].end)),
                    Kind::Percent if !row.cells.is_empty() => row.cells.last_mut().unwrap().1 = toks[n].end,
                    _ => break,
                }
                n += 1;
            }
            if row.cells.is_empty() {
                break;
            }
            rows.push(row);
            match toks.get(n).map(|t| t.kind) {
                Some(Kind::Year(y)) if (step == 0 && (1..=5).contains(&(y - year))) || (step != 0 && y - year == step) => {
                    step = y - year;
                    year = y;
                    k = n;
                }
                _ => {
                    k = n;
                    break;
                }
            }
        }
        if rows.len() >= 3 {
            out.push(rows);
            i = k.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// The header's column labels: cut where a word starts with a capital letter, outside
/// parentheses.
fn labels(header: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut depth = 0i32;
    for w in header.split_whitespace() {
        let starts_upper = w.chars().next().is_some_and(char::is_uppercase);
        if (starts_upper && depth == 0) || out.is_empty() {
            out.push(w.to_string());
        } else if let Some(last) = out.last_mut() {
            last.push(' ');
            last.push_str(w);
        }
        depth += w.matches('(').count() as i32 - w.matches(')').count() as i32;
        depth = depth.max(0);
    }
    out
}

fn is_growth(label: &str) -> bool {
    let l = match_form(label);
    ["tốc độ", "tăng trưởng", "phát triển", "so với", "tăng giảm"]
        .iter()
        .any(|w| l.contains(w))
}

fn is_total(label: &str) -> bool {
    match_form(label).starts_with("tổng")
}

/// The labels of the table's `n` columns, or None when the header cannot give them.
fn columns(labels: &[String], n: usize) -> Option<Vec<String>> {
    if labels.len() == n {
        return Some(labels.to_vec());
    }
    // a two-level header: short sub-labels at its end split some groups
    let subs = labels
        .iter()
        .rev()
        .take_while(|l| l.split_whitespace().count() <= 2 && !is_growth(l))
        .count();
    let top = &labels[..labels.len() - subs];
    let subs = &labels[labels.len() - subs..];
    // columns = (top - g) + subs, the g spanning groups having subs / g sub-columns each
    let g = (top.len() + subs.len()).checked_sub(n)?;
    if g == 0 || subs.is_empty() || !subs.len().is_multiple_of(g) {
        return None;
    }
    let per = subs.len() / g;
    let spanning: Vec<usize> = (0..top.len())
        .filter(|&i| !is_total(&top[i]) && !is_growth(&top[i]))
        .take(g)
        .collect();
    if spanning.len() != g {
        return None;
    }
    let mut out = Vec::new();
    let mut next_sub = 0;
    for (i, t) in top.iter().enumerate() {
        if spanning.contains(&i) {
            for s in &subs[next_sub..next_sub + per] {
                out.push(format!("{t} {s}"));
            }
            next_sub += per;
        } else {
            out.push(t.clone());
        }
    }
    (out.len() == n).then_some(out)
}

/// The header before a run: the words after its last `Năm`, the title and the unit line.
fn header<'t, 'c>(cues: &'c TableCues, text: &'t str, run_start: usize) -> Option<(&'t str, String, &'c str)> {
    let from = crate::text::floor_char_boundary(text, run_start.saturating_sub(600));
    let before = &text[from..run_start];
    let at = before.rfind("Năm ")?;
    let head = &before[at + "Năm ".len()..];
    // the title: the last `Bảng ...` before the header, up to its line's end or the header
    let above = &before[..at];
    let title = above
        .rfind("Bảng")
        .map(|b| {
            let t = &above[b + "Bảng".len()..];
            let t = t.split('\n').next().unwrap_or("");
            let t = t.trim_start_matches(|c: char| !crate::text::is_letter(c));
            title_words(cues, t).to_string()
        })
        .unwrap_or_default();
    let unit = above.lines().rev().take(4).find_map(|l| unit_words(cues, l)).unwrap_or("");
    Some((head, title, unit))
}

/// Read every inline table of a document into `out`.
/// The cheap gate of an inline table: three years followed by a number (`2019 72`), found from
/// their first two digits by memchr's SIMD search (neither `19` nor `20` can overlap itself, so
/// none is missed).
fn three_year_rows(b: &[u8]) -> bool {
    let year_then_number = |i: usize| {
        b.get(i + 2..i + 6)
            .is_some_and(|w| w[0].is_ascii_digit() && w[1].is_ascii_digit() && w[2] == b' ' && w[3].is_ascii_digit())
    };
    let hits = memchr::memmem::find_iter(b, b"19")
        .chain(memchr::memmem::find_iter(b, b"20"))
        .filter(|&i| year_then_number(i))
        .take(3)
        .count();
    hits >= 3
}

pub(super) fn read(doc: &CleanDoc, res: &Resources, out: &mut Tables) {
    if !three_year_rows(doc.text.as_bytes()) {
        return;
    }
    let toks = tokens(&doc.text);
    for rows in runs(&toks) {
        let n = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        if rows.iter().any(|r| r.cells.len() + 1 < n) {
            continue;
        }
        let Some((head, title, unit)) = header(&res.lexicon.table, &doc.text, rows[0].year_at) else {
            continue;
        };
        let Some(cols) = columns(&labels(head), n) else { continue };
        let growth: Vec<usize> = (0..n).filter(|&c| is_growth(&cols[c])).collect();
        // a short row lacks its growth cell; without exactly one growth column it is unreadable
        if rows.iter().any(|r| r.cells.len() < n) && growth.len() != 1 {
            continue;
        }
        let mut readings = vec![None; n];
        for row in &rows {
            out.cells.extend(row.cells.iter().copied());
            let mut col_of: Vec<usize> = (0..n).collect();
            if row.cells.len() < n {
                col_of.retain(|c| *c != growth[0]);
            }
            for (&(start, end), &c) in row.cells.iter().zip(&col_of) {
                if growth.contains(&c) {
                    continue;
                }
                let raw = doc.text[start..end].trim_end_matches('%').trim_end();
                let Some(value) = super::number::parse_digits(raw) else { continue };
                let label = &cols[c];
                let l = match_form(label);
                let u = if doc.text[start..end].ends_with('%') || l.contains("(%)") {
                    "%"
                } else if l.contains("/100") || l.contains("/ 100") {
                    " thuê bao/100 dân"
                } else {
                    unit
                };
                let reading = readings[c]
                    .get_or_insert_with(|| {
                        let context = if title.is_empty() {
                            label.clone()
                        } else {
                            format!("{title}, {label}")
                        };
                        probe(doc, res, &context, raw, u, value.value)
                    })
                    .clone();
                let Some(reading) = reading else { continue };
                if let Some(m) = cell(
                    doc,
                    reading,
                    (start, start + raw.len()),
                    value,
                    row.year,
                    format!("table.inline_rows: column `{label}` × row {}", row.year),
                ) {
                    out.mentions.push(m);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The gate says what testing every window of six bytes says.
        #[test]
        fn the_gate_agrees_with_testing_every_window(s in "([12][09][0-9]{2}|[0-9]| |x|19|20|2019 7|\\.){0,40}") {
            let b = s.as_bytes();
            let by_windows = b
                .windows(6)
                .filter(|w| {
                    (w[0] == b'1' && w[1] == b'9' || w[0] == b'2' && w[1] == b'0')
                        && w[2].is_ascii_digit()
                        && w[3].is_ascii_digit()
                        && w[4] == b' '
                        && w[5].is_ascii_digit()
                })
                .count();
            proptest::prop_assert_eq!(three_year_rows(b), by_windows >= 3);
        }

        /// A run of words as one token reads the rows a token per word reads.
        #[test]
        fn word_runs_as_one_token_read_the_same_rows(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "2001", "2002", "2003", "2005", "2004", "1999", "11.641", "3,44", "108,04", "%", "5%", "Năm", "đạt", "x", "Đến",
                ]),
                0..40,
            ),
            gaps in proptest::collection::vec(proptest::sample::select(vec![" ", "  ", "\n", " \n\n"]), 40),
        ) {
            let text: String = pieces.iter().zip(&gaps).flat_map(|(p, g)| [*p, *g]).collect();
            let per_word = |text: &str| -> Vec<Tok> {
                let mut at = 0;
                text.split_whitespace()
                    .map(|w| {
                        let start = at + text[at..].find(w).expect("the word");
                        at = start + w.len();
                        Tok { start, end: at, kind: kind_of(w) }
                    })
                    .collect()
            };
            // each run's rows as (year, where its year is, its cells)
            type Read = Vec<Vec<(i32, usize, Vec<(usize, usize)>)>>;
            let read = |toks: &[Tok]| -> Read {
                runs(toks)
                    .into_iter()
                    .map(|rows| rows.into_iter().map(|r| (r.year, r.year_at, r.cells)).collect())
                    .collect()
            };
            proptest::prop_assert_eq!(read(&tokens(&text)), read(&per_word(&text)), "{:?}", text);
        }
    }

    #[test]
    fn labels_cut_at_capitals_outside_parentheses() {
        assert_eq!(
            labels("Số thuê bao cố định Mật độ (thuê bao/ 100 Dân) Tốc độ phát triển"),
            vec!["Số thuê bao cố định", "Mật độ (thuê bao/ 100 Dân)", "Tốc độ phát triển"]
        );
    }

    #[test]
    fn a_two_level_header_splits_the_groups_that_are_no_total_or_growth() {
        let l = labels("Số thuê bao Tổng số Tốc độ tăng trưởng (%) Tỷ lệ/100 dân Cố định Di động Cố định Di động");
        let c = columns(&l, 6).unwrap();
        assert_eq!(
            c,
            vec![
                "Số thuê bao Cố định",
                "Số thuê bao Di động",
                "Tổng số",
                "Tốc độ tăng trưởng (%)",
                "Tỷ lệ/100 dân Cố định",
                "Tỷ lệ/100 dân Di động"
            ]
        );
        // labels that do not fit the columns give no table
        assert_eq!(columns(&l, 9), None);
    }

    #[test]
    fn rows_run_in_steps_of_years_and_percent_signs_join_their_number() {
        let text = "Năm A B C 2001 11.641 3,44 2002 12.577 3,61 108,04 % 2003 14.398 4,03 114,48 % Đến cuối năm";
        let t = tokens(text);
        let r = runs(&t);
        assert_eq!(r.len(), 1);
        let rows = &r[0];
        assert_eq!(rows.iter().map(|r| r.year).collect::<Vec<_>>(), vec![2001, 2002, 2003]);
        assert_eq!(rows.iter().map(|r| r.cells.len()).collect::<Vec<_>>(), vec![2, 3, 3]);
        let (s, e) = rows[1].cells[2];
        assert_eq!(&text[s..e], "108,04 %");
        // two rows are no table; a sentence with years is none either
        assert!(runs(&tokens("Năm 2019 đạt 5 trạm, năm 2020 đạt 7 trạm.")).is_empty());
        assert!(runs(&tokens("2001 5 2002 6 Đến")).is_empty());
    }
}
