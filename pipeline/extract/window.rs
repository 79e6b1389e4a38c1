//! Window rules: which period a figure describes, read from the words around it in its
//! sentence (a month named before it, a comparison with the month before, the base of a
//! comparison whose own value it is).
//!
//! Input: the figure's sentence before (or after) it, in match form, and the period known so
//! far. Output: the period the rule decides, or None. Invariant: a rule reads only its
//! figure's own sentence; the caller ([`super::claim`]) decides which rule applies first.

use std::sync::OnceLock;

use regex::Regex;

use crate::grammar::Grammar;
use crate::lexicon::{Lexicon, PeriodCues};
use crate::records::{Period, PeriodPart};
use crate::text::floor_char_boundary;

/// Whether `text` (match form) names a time of its own besides its comparison bases: as
/// [`PeriodCues::names_time`], with `so với năm 2022`, `so với cùng kỳ năm 2022`, `so với cùng kỳ` left out
/// (`Nộp ngân sách ước đạt 99.323 tỷ đồng, tăng 1,31% so với năm 2022` names none: the base is
/// what it is compared with). Rule `period.paragraph_year` asks it of a sentence.
pub(super) fn names_own_time(lex: &Lexicon, text: &str) -> bool {
    lex.period.names_time(text) && lex.period.names_time(&without_bases(&lex.grammar, text))
}

/// `text` with its comparison bases (`so với năm 2022`, `so với cùng kỳ năm 2022`, `cùng kỳ`)
/// blanked out.
pub(super) fn without_bases<'t>(g: &Grammar, text: &'t str) -> std::borrow::Cow<'t, str> {
    g.comparison_base.replace_all(text, " ")
}

/// The comparison base a figure is given as the value of (`so với tháng 1-2022 (68,31%)`), if
/// `before` (the sentence up to the figure, match form) ends on one; see [`baseline_period`].
fn baseline_captures<'t>(g: &Grammar, before: &'t str) -> Option<regex::Captures<'t>> {
    // (most figures follow no comparison base: their text is not searched)
    if !g.baseline_value.may_match(before) {
        return None;
    }
    let c = g.baseline_value.captures_seldom(before)?;
    // `tăng 23% so với cùng kỳ năm 2019 (doanh thu đạt hơn 200 tỷ đồng)`: a parenthesis that
    // states its own level with a verb restates the figure of the period reported, not the base's
    let tail = &before[c.get(0).map_or(0, |m| m.start())..];
    if tail.rfind('(').is_some_and(|k| tail[k..].contains("đạt")) {
        return None;
    }
    Some(c)
}

/// Rule `metric.baseline_value`: whether a figure is given in a parenthesis as the value of its
/// comparison base (`tăng nhẹ so với tháng 1-2022 (68,31%)`): the figure before's metric, for
/// another period, so the clause of the figure before names what it is.
pub(super) fn baseline_parenthesis(g: &Grammar, before: &str) -> bool {
    // (asked of every figure: most have no parenthesis before them, and need no search)
    before.contains('(') && baseline_captures(g, before).is_some_and(|c| c.get(0).is_some_and(|m| m.as_str().contains('(')))
}

/// Rule `period.baseline_value`: a figure given as the value of its comparison base is of the
/// base's period. `tăng 7 bậc so với năm 2013 (xếp thứ 38/63)` is 2013; `giảm nhẹ so với tháng
/// trước (10,27 nghìn tỷ đồng)` of a June figure is May; `so với tháng 5/2020 (...)` is May
/// 2020; `cũng như cùng kỳ 2019 (10,32 nghìn tỷ đồng)` and `Cùng kỳ năm 2019 là 2.006.864` are
/// the same window (`current`) of 2019. A parenthesis that states its level with a verb (`tăng 23%
/// so với cùng kỳ năm 2019 (doanh thu đạt hơn 200 tỷ đồng)`) restates the figure reported, not the
/// base's. `before` is the sentence up to the figure, match form.
pub(super) fn baseline_period(g: &Grammar, before: &str, current: Option<Period>) -> Option<Period> {
    let c = baseline_captures(g, before)?;
    let same_window = c[1].starts_with("cùng") || c.get(5).is_some();
    if c.get(2).is_some() {
        // the month before the figure's own month
        return match current?.part {
            PeriodPart::Month(m) if m > 1 => Some(Period {
                year: current?.year,
                part: PeriodPart::Month(m - 1),
            }),
            _ => None,
        };
    }
    if let Some(m) = c
        .get(3)
        .and_then(|m| m.as_str().parse::<u8>().ok())
        .filter(|m| (1..=12).contains(m))
    {
        let year = c.get(4).and_then(|y| y.as_str().parse().ok()).or(current.map(|p| p.year))?;
        return Some(Period {
            year,
            part: PeriodPart::Month(m),
        });
    }
    let year: i32 = c.get(6)?.as_str().parse().ok()?;
    Some(match current {
        Some(p) if same_window => Period { year, part: p.part },
        _ => Period::year(year),
    })
}

/// Rule `period.month_window`: a month named before the figure in its sentence dates it.
/// `tính đến hết tháng 10/2017` (a level at the end of October) is the first ten months,
/// `2017-10M`; `đến cuối tháng 6/2012` is `2012-H1`; `trong tháng 11/2011` is that one month,
/// `2011-M11`, and so is a month named on its own (`tháng 9/2023, doanh thu ... đạt`,
/// `doanh thu của tháng 6/2020 đạt`). A month after `so với` or `cùng kỳ` is a baseline, not the
/// figure's window; one after `từ`, `vào`, `kể từ` or a day (`ngày 15 tháng 3`) is an event's
/// date; a month on its own dates only its clause (not after `;`, `đến nay`, `lũy kế` or a count
/// of months); a stock's December on its own is the year's end, the year. The month's year comes
/// from the phrase (`tháng 12/2012`, `tháng 12-2012`, `tháng 12 năm 2012`), else from the
/// document.
pub(super) fn month_window(lex: &Lexicon, before: &str, doc_year: Option<i32>, stock: bool) -> Option<Period> {
    let (g, cues) = (&lex.grammar, &lex.period);
    let re = &g.month_window;
    // (most figures' sentences name no month, and are not searched)
    if !re.may_match(before) {
        return None;
    }
    let c = re.captures_iter(before).last()?;
    let at = c.get(0)?.start();
    let lead = &before[floor_char_boundary(before, at.saturating_sub(20))..at];
    if cues.month_base.iter().any(|w| lead.contains(w.as_str())) {
        return None;
    }
    // rule `period.spelled_month`: `tháng Sáu` too; the pattern leaves out `tháng năm` (`tháng năm
    // 2020` reads as well as "the month, the year") and `tháng một` (`trong tháng một số ...`)
    let m = Period::month_number(&c[3])?;
    let year = c.get(4).and_then(|y| y.as_str().parse().ok()).or(doc_year)?;
    let bare = c.get(1).is_none() && c.get(2).is_none();
    let rest = &before[c.get(0)?.end()..];
    // rule `period.months_after_month`: a count of months between the month and the figure
    // (`trong tháng 9, ... nâng tổng số 9 tháng đầu năm lên 23,4 triệu`) is the figure's window,
    // not the month: the month dates the flow before it
    let count_of_months = rest.match_indices(" tháng").any(|(k, _)| {
        rest[..k]
            .rsplit(' ')
            .next()
            .is_some_and(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
    });
    if c.get(2).is_some() && count_of_months {
        return None;
    }
    if bare {
        let word = lead.trim_end().rsplit([' ', ',', '(']).next().unwrap_or("");
        let event = cues.month_event_before.iter().any(|w| w == word) || word.chars().next().is_some_and(|c| c.is_ascii_digit());
        // the month must date the figure's own clause: not one before `;`, `đến nay` (a span
        // to the present) or a count of months (`tháng 10 ... ; lũy kế 10 tháng đạt`)
        let other = rest.contains(';') || cues.month_not_own.iter().any(|w| rest.contains(w.as_str())) || count_of_months;
        if event || other {
            return None;
        }
    }
    // a level in December (`Tháng 12/2007, thuê bao Internet toàn tỉnh lên 25.461`) is the
    // level at the year's end: the year
    if bare && stock && m == 12 {
        return Some(Period::year(year));
    }
    if c.get(2).is_some() || bare {
        return (1..=12).contains(&m).then_some(Period {
            year,
            part: PeriodPart::Month(m),
        });
    }
    Period::first_months(year, m)
}

/// Rule `period.event_day`: a figure of one act (catalog `event_dated`: a fine decided, an
/// inspection made) that its own sentence dates to a day (`Ngày 20/5/2022, Thanh tra Sở ... xử
/// phạt 25 triệu đồng`, `Quyết định số 01/QĐ-XPHC ngày 07/4/2022 xử phạt 70 triệu đồng`) is of that
/// day's month. The date of a legal basis (`Nghị định số 119/2020/NĐ-CP ngày 07/10/2020`, the
/// decision an inspection carries out, a plan, a dispatch) dates no act, nor does the start or end
/// of a span (`từ ngày`, `đến ngày`). A date without its year (`Ngày 24/1 vừa qua, ...`) is of the
/// year of `published` (the year before when its month is later), else of `doc_year`.
/// `sentence` is the figure's sentence, match form; `not_an_act` the lexicon's words that make a
/// date no act's.
pub(super) fn event_day(
    g: &Grammar,
    sentence: &str,
    doc_year: Option<i32>,
    published: Option<chrono::NaiveDate>,
    not_an_act: &[String],
) -> Option<Period> {
    use chrono::Datelike;
    let re = &g.event_day;
    let mut months = re.captures_iter(sentence).filter_map(|c| {
        let at = c.get(0)?.start();
        let before = &sentence[crate::text::floor_char_boundary(sentence, at.saturating_sub(80))..at];
        // the document a date belongs to is named in the words right before it
        let owner = before.rsplit([',', ';', '(']).next().unwrap_or(before);
        if not_an_act.iter().any(|w| owner.contains(w.as_str())) {
            return None;
        }
        let (day, month): (u8, u8) = (c[1].parse().ok()?, c[2].parse().ok()?);
        if !(1..=31).contains(&day) || !(1..=12).contains(&month) {
            return None;
        }
        let year = match (c.get(3).and_then(|y| y.as_str().parse().ok()), published) {
            (Some(y), _) => y,
            (None, Some(p)) if u32::from(month) > p.month() => p.year() - 1,
            (None, Some(p)) => p.year(),
            (None, None) => doc_year?,
        };
        Some(Period {
            year,
            part: PeriodPart::Month(month),
        })
    });
    let first = months.next()?;
    // two acts on different months are no one act's
    months.all(|p| p == first).then_some(first)
}

/// Rule `period.event_lead`: a figure of one act whose own sentence names no time, on a news page
/// of the year its lead dates an act in (`Ngày 06/12/2022, Thanh tra Sở ... có quyết định xử
/// phạt ...`, then `... với mức phạt 40 triệu đồng` with no date of its own), is of the lead's
/// month: the page reports that act. A page whose period is not a plain year (a quarter's, a
/// half-year's review) or another year's keeps its period. `sentence` is the figure's sentence,
/// match form; `event_date` the lead's date ([`crate::records::DocMeta::event_date`]).
pub(super) fn event_lead(
    cues: &PeriodCues,
    sentence: &str,
    doc_period: Option<Period>,
    event_date: Option<chrono::NaiveDate>,
) -> Option<Period> {
    use chrono::Datelike;
    let (dp, day) = (doc_period?, event_date?);
    if dp.part != PeriodPart::Year || dp.year != day.year() || cues.names_time(sentence) {
        return None;
    }
    Some(Period {
        year: day.year(),
        part: PeriodPart::Month(u8::try_from(day.month()).ok()?),
    })
}

/// Rule `period.day_window`: a level dated to a day before the figure in its own clause
/// (`Tính đến ngày 30/4/2023, cả nước có`) is of the months of the year up to that day; a day in
/// a month's first week (`Tính đến ngày 04/7/2025, tổng số thuê bao đạt`, `Trước ngày 1/1/2021,
/// tỷ lệ ... đạt`) dates figures compiled at the end of the month before, `2025-H1`, `2020`.
/// `before` is the sentence up to the figure, match form; a date before a `;` dates another
/// clause.
pub(super) fn day_window(lex: &Lexicon, before: &str) -> Option<Period> {
    let g = &lex.grammar;
    let re = &g.day_window;
    if !re.may_match(before) {
        return None;
    }
    let c = re.captures_iter(before).last()?;
    let at = c.get(0)?.start();
    // the date must date the figure's clause (not one before `;`, unless the sentence opens on
    // it: `Tính đến ngày 04/7/2025, ...; thuê bao Internet đạt`), and end no span of dates (`Từ
    // ngày 21/10/2018 đến ngày 20/10/2019, Sở tổ chức 08 cuộc`: the inspections of a year)
    let opens = before[..at]
        .trim_start()
        .strip_prefix("tính")
        .unwrap_or(before[..at].trim_start())
        .trim()
        .is_empty();
    if before[c.get(0)?.end()..].contains(';') && !opens {
        return None;
    }
    if lex.period.day_span.iter().any(|w| before[..at].contains(w.as_str())) {
        return None;
    }
    let (day, month, year): (u8, u8, i32) = (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    Period::up_to_day(year, month, day)
}

/// Rule `period.last_year`: `năm ngoái` before a figure in its clause (`tính đến cuối năm
/// ngoái, cả nước có`) is the year before the page was published; a baseline (`so với năm
/// ngoái`, `cùng kỳ năm ngoái`) dates another figure, and a page with no date of publication
/// gives no year to count back from. `clause` is the figure's clause up to the figure, match
/// form.
pub(super) fn last_year(clause: &str, published: Option<i32>, cues: &PeriodCues) -> Option<Period> {
    let published = published?;
    let at = cues.last_year.last_in(clause)?;
    let lead = clause[..at].trim_end();
    if cues.last_year_base.iter().any(|w| lead.ends_with(w.as_str())) {
        return None;
    }
    Some(Period::year(published - 1))
}

/// The month a comparison is made with (`so với tháng trước`, `so với tháng 8`, `so với tháng
/// 8/2023`), read at the start of `text`.
enum Against {
    /// `tháng trước`: the month before.
    Previous,
    /// A month named, with its year if written.
    Month(u8, Option<i32>),
}

/// The month `text` opens comparing with (`so với tháng ...`), and the text after it.
fn against_month(text: &str) -> Option<(Against, &str)> {
    let rest = text.strip_prefix("so với tháng ")?;
    if let Some(after) = rest.strip_prefix("trước") {
        return Some((Against::Previous, after));
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"^([0-9]{1,2})(?:\s*/\s*((?:19|20)[0-9]{2}))?").expect("month pattern"));
    let c = re.captures(rest)?;
    let month = c[1].parse().ok()?;
    let year = c.get(2).and_then(|y| y.as_str().parse().ok());
    Some((Against::Month(month, year), &rest[c.get(0)?.end()..]))
}

/// Rule `period.month_on_month`: a figure compared with the month before (`ước đạt 9.295 tỷ
/// đồng, tăng 3% so với tháng trước`, in a May report `tăng 6% so với tháng 4`) is one month's,
/// the last month of a report of the first months of the year (`2023-9M` gives `2023-M09`).
/// `after` is the figure's sentence after it; only its own clause is read.
pub(super) fn month_on_month(after: &str, doc_period: Option<Period>) -> Option<Period> {
    let dp = doc_period?;
    let m = match dp.part {
        PeriodPart::Months(n) => n,
        PeriodPart::Quarter(1) => 3,
        PeriodPart::Half(1) => 6,
        _ => return None,
    };
    let clause = after.split(';').next().unwrap_or("");
    let clause = &clause[..floor_char_boundary(clause, clause.len().min(90))];
    let (against, _) = against_month(&clause[clause.find("so với tháng ")?..])?;
    let previous = match against {
        Against::Previous => true,
        Against::Month(n, _) => n + 1 == m,
    };
    previous.then_some(Period {
        year: dp.year,
        part: PeriodPart::Month(m),
    })
}

/// Rule `period.report_month`: a figure its clause dates to the month under report with no
/// month named (`Trong tháng, Bộ đã ...`, `nộp 8.327 tỷ đồng vào ngân sách trong tháng trước,
/// nâng tổng số ... 7 tháng`, `trong tháng qua, doanh thu ... ước đạt`) is that one month's: the
/// last month of a report of the first months of the year (`2023-7M` gives `2023-M07`), or of
/// a quarter or half. `before` and `after` are the figure's clause on each side of it.
pub(super) fn report_month(before: &str, after: &str, doc_period: Option<Period>, cues: &PeriodCues) -> Option<Period> {
    let dp = doc_period.filter(|p| p.part != PeriodPart::Year)?;
    let m = dp.part.last_month();
    let after = &after[..crate::text::find_any_ascii(after, b",;.").unwrap_or(after.len())];
    let named = |text: &str| {
        text.match_indices(cues.this_month.as_str()).any(|(i, w)| {
            let rest = &text[i + w.len()..];
            // (a month, a count of months or another month is named: not this rule's; nor is
            // a figure after a later period, `trong tháng trước, nâng tổng số ... trong 7 tháng`)
            let cue = cues.this_month_after.iter().any(|t| rest.trim_start().starts_with(t.as_str()))
                || rest.trim_start().is_empty()
                || rest.starts_with(',');
            cue && !rest[crate::text::find_any_ascii(rest, b", ").unwrap_or(0)..].contains("tháng")
        })
    };
    (named(before) || named(after)).then_some(Period {
        year: dp.year,
        part: PeriodPart::Month(m),
    })
}

/// Rule `revenue.month_on_month`: a revenue growth rate against the month before (`tăng 3% so
/// với tháng trước`, `tăng 3% so với tháng 8/2023` of a September 2023 figure) followed by the
/// rate against the year before (`và tăng 15% so với cùng kỳ`, `so với tháng 9/2022`) is not
/// the period's growth rate: the year-on-year one is, and the month-on-month one stays the
/// revenue's column. Alone, it is the rate stated. `after` is the text after the percentage
/// in its sentence.
pub(crate) fn rate_month_on_month(cues: &PeriodCues, after: &str, period: Option<Period>) -> bool {
    let after = after.split(';').next().unwrap_or("");
    let Some((against, rest)) = against_month(after.trim_start()) else {
        return false;
    };
    let month_before = match against {
        Against::Previous | Against::Month(_, None) => true,
        Against::Month(_, Some(y)) => period.is_some_and(|p| p.year == y),
    };
    // the year-on-year rate that follows
    let later = &rest[rest.find("so với").unwrap_or(rest.len())..];
    let year_on_year =
        cues.year_on_year.iter().any(|w| later.contains(w.as_str())) || period.is_some_and(|p| later.contains(&format!("/{}", p.year - 1)));
    month_before && year_on_year
}

/// Rule `period.equivalent`: the words between the figure before (ending at `prev_end`) and
/// this one (at `start`) are only an equivalence cue (`; tương đương`, `(tương ứng với`).
pub(super) fn equivalent_of_previous(hay: &str, prev_end: usize, start: usize, cues: &[String]) -> bool {
    let Some(between) = hay.get(prev_end..start) else { return false };
    // the previous figure's own unit words end at the first separator
    let Some(k) = crate::text::find_any_ascii(between, b",;(") else {
        return false;
    };
    let rest = between[k + 1..].trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ':'));
    cues.iter()
        .any(|w| rest == w.as_str() || rest.strip_prefix(w.as_str()).is_some_and(|r| r.trim().is_empty()))
}

#[cfg(test)]
mod tests;
