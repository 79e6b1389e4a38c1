//! The report period: what the figures describe, which is not the publication year (period
//! phrases, months, comparison bases, target years).
//!
//! Input: the paragraphs in match form, the years mentioned, the dates. Output: the document's
//! default [`Period`].

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::records::{Period, PeriodPart};
use crate::text::match_form;

use super::url::*;

/// The words around a period phrase that tell what it is (`schemas/clean.toml`, `[period]`),
/// in match form: checked at load.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PeriodWords {
    /// Before a phrase: the document reviews the period (`tổng kết`, `kết quả`, `tính đến`).
    pub review: crate::text::Needles,
    /// Before a phrase: the document plans for it (`nhiệm vụ`, `kế hoạch`, `phấn đấu`).
    pub plan: crate::text::Needles,
    /// After a phrase, in its clause: a plan said after the year (`năm 2022 tỉnh sẽ ...`).
    pub plan_after: Vec<String>,
    /// Right before a phrase: it names a comparison base or an event (`so với`, `thành lập`).
    pub baseline_before: Vec<String>,
    /// Before a year inherited by a month without its own: not a window (`so với năm 2011`).
    pub year_baseline: Vec<String>,
    /// Before a month-end date: a target date, not the stock's date (`Mục tiêu đến tháng 12`).
    pub target_date: Vec<String>,
    /// A page that names no period of its own but reports "up to now" (`đến nay`, `hiện có`).
    pub as_of_publication: Vec<String>,
    /// Right before `năm <year>`: a forecast of the year's end (`ước đến cuối năm 2022`), so
    /// that year is not over (rule `period.year_end_forecast`).
    pub year_end_forecast: Vec<String>,
}

/// A paragraph of the lead has at least this many words (rule `period.lead_skips_chrome`).
const LEAD_MIN_WORDS: usize = 5;

crate::grammar::grammar! {
    CleanGrammarFile => CleanGrammar;
    /// A period phrase of a page's lead (`quý II/2023`, `6 tháng đầu năm 2019`, `9 tháng`,
    /// `công tác năm`): the phrase, a quarter's number, the year.
    period_phrase: 3,
    /// The two ends of a span of years (`2021 - 2025`). Rule `period.span_years`.
    year_span: 2,
    /// A year named as a comparison base (`so với cùng kỳ năm 2019`): the base word, the year.
    /// Rule `period.comparison_base`.
    comparison_base_year: 2,
    /// A year named as one (`năm 2012`): the year. Rule `period.year_in_context`.
    named_year: 1,
    /// A quarter's report a page opens on (`báo cáo ... quý II/2023`): the quarter, the year.
    /// Rule `period.named_report`.
    quarterly_report: 2,
    /// A monthly report or briefing (`tình hình hoạt động tháng 10 năm 2023`): the words
    /// between, the month, the year. Rule `period.monthly_report`.
    monthly_report: 3,
    /// A stock's date at a month's end (`đến hết tháng 9/2024`): the day, the month, its year
    /// written `/2024` or `năm 2024`.
    month_end: 4,
    /// The date of an event a lead opens on (`Sáng 15/3`, `- Ngày 7/2/2012`): day, month,
    /// year if written: the document's `event_date`.
    event_date: 3,
    /// An administrative document's date line (`Phú Thọ, ngày 05 tháng 10 năm 2022`): day,
    /// month, year. Rule `date.document_line`.
    document_line: 3,
}

/// The number of a quarter as a period phrase writes it (`i`-`iv` or `1`-`4`, match form; the
/// patterns admit nothing else).
fn quarter_number(q: &str) -> u8 {
    Period::quarter_number(q).unwrap_or(4)
}

/// A period phrase found in text.
pub(super) fn period_phrases(g: &CleanGrammar, hay: &str) -> Vec<(usize, PeriodPart, Option<i32>)> {
    let r = &g.period_phrase;
    // the phrases are found first and read with their groups only when needed (found without
    // the regex engine's prefilter: rule `grammar.no_prefilter`, `prefilter = false` in
    // clean.toml)
    r.find_spans(hay)
        .filter_map(|m| quick_phrase(hay, m).unwrap_or_else(|| read_phrase(r, hay, m)))
        .collect()
}

/// What [`read_phrase`] makes of the most frequent phrases of a lead, told from the match
/// alone: `công tác` or `năm` without a year (dropped, but `năm nay`), `năm 2023` (a year).
/// A capture costs several times the search. None: the phrase needs its groups read.
fn quick_phrase(hay: &str, (start, end): (usize, usize)) -> Option<Option<(usize, PeriodPart, Option<i32>)>> {
    let text = &hay[start..end];
    if let Some(y) = text.strip_prefix("năm").and_then(|rest| {
        let y = rest.trim_start();
        (y.len() == 4 && rest.len() > 4 && y.bytes().all(|b| b.is_ascii_digit())).then_some(y)
    }) {
        return Some(Some((start, PeriodPart::Year, y.parse().ok())));
    }
    if text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = text.trim_end();
    if t.starts_with("công") {
        return Some(None);
    }
    (t == "năm").then(|| {
        hay[end..]
            .trim_start()
            .starts_with("nay")
            .then_some((start, PeriodPart::Year, None))
    })
}

/// The period a phrase the period grammar found (at `start..end`) names, from its groups: the
/// phrase; a quarter's number; the year.
fn read_phrase(r: &regex::Regex, hay: &str, (start, end): (usize, usize)) -> Option<(usize, PeriodPart, Option<i32>)> {
    // (the same match: searched from its start, the phrase found there is the same)
    let c = r.captures_at(hay, start)?;
    let head = c.get(1)?.as_str();
    let year = c.get(3).and_then(|y| y.as_str().parse().ok());
    let part = if let Some(q) = c.get(2) {
        PeriodPart::Quarter(quarter_number(q.as_str()))
    } else if head.starts_with("6 tháng đầu") || head.starts_with("sáu") || head.starts_with("nửa") {
        PeriodPart::Half(1)
    } else if head.starts_with("6 tháng cuối") {
        PeriodPart::Half(2)
    } else if let Some(n) = head.strip_suffix(" đầu năm").unwrap_or(head).strip_suffix("tháng").map(str::trim) {
        // `9 tháng`, `10 tháng đầu năm`, `bảy tháng năm 2016`: the first n months; other
        // counts of months need `đầu năm` or a year (`sau hơn hai tháng vận hành` is a
        // duration, not a report period)
        // (`10 tháng năm nay`: this year's first ten months)
        let this_year = hay[c.get(1).map_or(end, |h| h.end())..].trim_start().starts_with("năm nay");
        if !(head.ends_with("đầu năm") || year.is_some() || n == "9" || n == "chín" || this_year) {
            return None;
        }
        let n: u8 = match n {
            "hai" => 2,
            "ba" => 3,
            "bốn" => 4,
            "năm" => 5,
            "bảy" => 7,
            "tám" => 8,
            "chín" => 9,
            "mười" => 10,
            "mười một" => 11,
            d => d.parse().unwrap_or(0),
        };
        Period::first_months(2000, n)?.part
    } else {
        // rule `period.this_year`: `năm nay` (`Đến cuối năm nay, tổng số máy ... đạt`) is the
        // year of the page (the caller's default year)
        if year.is_none() && !(head == "năm" && hay[end..].trim_start().starts_with("nay")) {
            return None;
        }
        PeriodPart::Year
    };
    Some((start, part, year))
}

/// Rule `period.comparison_base`: the year a page without a date reports on. Years named as a
/// comparison base (`tăng 35% so với cùng kỳ năm 2011`, `bằng 109% so với năm 2010`) are what the
/// figures are compared with, not what they describe: the most mentioned other year wins, and
/// when every year is a base, `cùng kỳ năm Y` (the same period of year Y) dates the report to
/// the year after Y.
pub(super) fn undated_year(g: &CleanGrammar, lowered: &[String], years: &BTreeMap<i32, usize>) -> Option<i32> {
    let mut report = years.clone();
    let mut same_period = BTreeMap::new();
    let bases = comparison_bases(g, lowered);
    // rule `period.after_base`: a page whose every year is a comparison base (`dịch vụ 4G phủ
    // 98,5% thôn, tăng 0,7% so với năm 2023`) was written after the latest of them
    let after_base = bases.iter().map(|b| b.0 + 1).max();
    for &(y, same) in &bases {
        if let Some(n) = report.get_mut(&y) {
            *n = n.saturating_sub(1);
        }
        if same {
            *same_period.entry(y + 1).or_insert(0usize) += 1;
        }
    }
    // rule `period.span_years`: the ends of a span (`giai đoạn 2021 - 2025`, `2016-2020`) name a
    // programme's years, not the one an undated page reports (`Từ 01/01/2022 đến nay đã phát
    // triển 57 vị trí trạm BTS` on a page about the 2021-2025 programme)
    let span = &g.year_span;
    // (few paragraphs name a span)
    for p in lowered {
        for c in span.captures_iter_seldom(p) {
            for g in [1, 2] {
                if let Some(n) = c[g].parse::<i32>().ok().and_then(|y| report.get_mut(&y)) {
                    *n = n.saturating_sub(1);
                }
            }
        }
    }
    let most = |m: &BTreeMap<i32, usize>| m.iter().filter(|(_, n)| **n > 0).max_by_key(|(y, n)| (**n, **y)).map(|(y, _)| *y);
    most(&report).or_else(|| most(&same_period)).or(after_base).or_else(|| most(years))
}

/// The years named as a comparison base (`so với năm 2010`), each with whether it is the same
/// period's base (`so với cùng kỳ năm 2019`, `cùng thời điểm năm 2011`), in text order.
fn comparison_bases(g: &CleanGrammar, lowered: &[String]) -> Vec<(i32, bool)> {
    let r = &g.comparison_base_year;
    lowered
        .iter()
        // (few paragraphs name a comparison base)
        .flat_map(|p| r.captures_iter_seldom(p))
        .map(|c| (c[2].parse().unwrap_or(0), c[0].contains("cùng")))
        .collect()
}

/// Rule `period.year_in_context`: a month written without its year (`Tính đến cuối tháng 6`)
/// is of the year the paragraph named before it (`sau 6 tháng đầu năm 2012, ... Tính đến cuối
/// tháng 6`), not of the publication's, which may be years later (an archive page). A year
/// that is a comparison base (`so với năm 2011`, `cùng kỳ 2011`) names no window.
pub(super) fn year_before(g: &CleanGrammar, before: &str, words: &PeriodWords) -> Option<i32> {
    // only a year named as one (`năm 2012`): a date (`từ ngày 1-7-2005`) is an event's
    let r = &g.named_year;
    r.captures_iter(before)
        .filter(|c| {
            let at = c.get(0).map_or(0, |m| m.start());
            let lead = &before[crate::text::floor_char_boundary(before, at.saturating_sub(22))..at];
            !words.year_baseline.iter().any(|w| lead.contains(w.as_str()))
        })
        .last()
        .and_then(|c| c[1].parse().ok())
}

/// The last `n` chars of `s` (all of it when it is shorter), as a slice.
fn last_chars(s: &str, n: usize) -> &str {
    let start = s.char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i);
    if n == 0 { &s[s.len()..] } else { &s[start..] }
}

/// The first `n` chars of `s` (all of it when it is shorter), as a slice.
fn first_chars(s: &str, n: usize) -> &str {
    &s[..s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)]
}

/// The report period: what the figures describe, which is not the publication year.
/// `lowered`: the paragraphs in match form.
pub(super) fn period(
    words: &PeriodWords,
    g: &CleanGrammar,
    title: &Option<String>,
    lowered: &[String],
    reference: Option<NaiveDate>,
    years: &BTreeMap<i32, usize>,
    slug: Option<&str>,
) -> Option<Period> {
    let mut scores: BTreeMap<Period, f64> = BTreeMap::new();
    // rule `period.lead_skips_chrome`: the lead is the title and the first six paragraphs of
    // prose; a player's `0:00 / 0:00`, a menu's `• Nam miền Bắc` (lines of a few words) take no
    // place in it
    // (the paragraphs are borrowed, not copied: only the title needs its match form made)
    let lead: Vec<std::borrow::Cow<'_, str>> = title
        .iter()
        .map(|t| std::borrow::Cow::Owned(match_form(t)))
        .chain(
            lowered
                .iter()
                .filter(|p| p.split_whitespace().nth(LEAD_MIN_WORDS - 1).is_some())
                .take(6)
                .map(|p| std::borrow::Cow::Borrowed(p.as_str())),
        )
        .collect();
    let default_year = reference.map(|d| d.year()).or_else(|| undated_year(g, lowered, years));
    for (li, hay) in lead.iter().enumerate() {
        for (at, part, year) in period_phrases(g, hay) {
            let before = &hay[..at];
            let tail = last_chars(before, 60);
            let sentence_start = tail.trim().is_empty() || tail.trim_end().ends_with(['.', ',', '-', ':']);
            // what the document reviews scores; what it plans for counts against
            let review = words.review.any_in(tail);
            let plan = words.plan.any_in(tail)
                // `năm 2022 tỉnh sẽ thử nghiệm ...`: the plan is said after the year
                || {
                    let after = first_chars(&hay[at..], 40);
                    // rule `period.plan_after_clause`: a phrase inside a sentence ends with its
                    // clause (`mức tăng của 9 tháng đầu năm 2022, dự kiến đến cuối năm ...`: the
                    // plan is the next clause's); a phrase opening its sentence (`Năm 2022, tỉnh
                    // sẽ ...`) is what the rest of the sentence is about
                    let after = if sentence_start {
                        after
                    } else {
                        after.split([',', ';', '.']).next().unwrap_or("")
                    };
                    words.plan_after.iter().any(|w| after.contains(w.as_str()))
                };
            let Some(y) = year.or(default_year) else { continue };
            let mut w: f64 = if review && !plan {
                3.0
            } else if plan && !review {
                -1.0
            } else {
                1.0
            };
            if sentence_start && part == PeriodPart::Year {
                w += 1.5;
            }
            // `tăng 6,8% so với năm 2021` names the baseline, not the period reported; nor do
            // `gấp 110 lần năm 1997`, `thành lập năm 1997`, `từ năm 2006 đến nay`, a birth year
            let t = tail.trim_end();
            let near = last_chars(t, 14);
            // (`tăng 68% so năm 2015`: `so` alone is `so với`)
            if words.baseline_before.iter().any(|w| t.ends_with(w.as_str()))
                || t == "so"
                || t.ends_with(" so")
                // a person's birth year (`ông N.A.M, sinh năm 1977`), not `phát sinh năm 2020`
                || (t.ends_with("sinh") && !t.ends_with("phát sinh"))
                // `so với giữa năm 2011`, `so với cuối năm 2019`
                || near.contains("so với")
            {
                w = -0.5;
            }
            if li == 0 {
                w *= 1.2;
            }
            // a year after the one the publication date points to is planned, not reviewed
            if let Some(r) = reference
                && y > if r.month() <= 2 { r.year() - 1 } else { r.year() }
                && !review
            {
                w = w.min(-0.5);
            }
            let p = Period { year: y, part };
            *scores.entry(p).or_insert(0.0) += w;
        }
    }
    // rule `period.named_report`: `Theo báo cáo đánh giá tình hình công tác quản lý nhà nước quý
    // II/2023 của Bộ ...`: a page that opens on a quarter's report it quotes is of that quarter,
    // over the dates of single figures it quotes further down (`tính đến ngày 30/4/2023`)
    {
        let r = &g.quarterly_report;
        for hay in lead.iter().take(2) {
            if let Some(c) = r.captures(hay)
                && let Ok(y) = c[2].parse::<i32>()
            {
                *scores
                    .entry(Period {
                        year: y,
                        part: PeriodPart::Quarter(quarter_number(&c[1])),
                    })
                    .or_insert(0.0) += 8.0;
            }
        }
    }
    // `BÁO CÁO TÌNH HÌNH HOẠT ĐỘNG THÁNG 10 NĂM 2023`, `Hội nghị giao ban quản lý nhà nước tháng
    // 3/2023`: a monthly report (or briefing) is of its month, over the year words of its targets.
    // A month the report counts up to (`Theo báo cáo tại hội thảo, đến tháng 8/2006, tổng số
    // thuê bao ... đạt`) is a stock's date, not a monthly report's (rule `period.monthly_report`)
    {
        let r = &g.monthly_report;
        for hay in lead.iter().take(3) {
            if let Some(c) = r.captures(hay)
                && !["đến", "tới", "hết", "cuối"].iter().any(|w| c[1].trim_end().ends_with(w))
                && let (Ok(m @ 1..=11), Ok(y)) = (c[2].parse::<u8>(), c[3].parse::<i32>())
            {
                *scores
                    .entry(Period {
                        year: y,
                        part: PeriodPart::Month(m),
                    })
                    .or_insert(0.0) += 5.0;
            }
        }
    }
    // `đến hết tháng 9/2024`: a stock at the end of a month, the months of the year so far
    let mut stock_date: Option<Period> = None;
    {
        let r = &g.month_end;
        for hay in lead.iter().take(5) {
            for c in r.captures_iter(hay) {
                let whole = c.get(0).unwrap();
                // `Mục tiêu đến tháng 12/2023 đạt 25 thuê bao/100 dân` is a target date
                let before: String = hay[..whole.start()]
                    .chars()
                    .rev()
                    .take(30)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                if words.target_date.iter().any(|w| before.contains(w.as_str())) {
                    continue;
                }
                // `Từ ngày 21/10/2018 đến ngày 20/10/2019`: the end of a span of dates (a year of
                // inspections), not a stock's date
                if before.contains("từ ngày") {
                    continue;
                }
                // a month without its year (`tính đến hết tháng Sáu`) is of the year reported;
                // a bare number needs `tháng` (`đến 2025` is a year, `đến 31/12/2020` a date)
                let written_month = whole.as_str().contains("tháng");
                let year = c.get(3).or(c.get(4)).and_then(|y| y.as_str().parse::<i32>().ok());
                if year.is_none() && !written_month {
                    continue;
                }
                let m = Period::month_number(&c[2]);
                let (Some(m), Some(y)) = (m, year.or_else(|| year_before(g, &hay[..whole.start()], words)).or(default_year)) else {
                    continue;
                };
                let Some(p) = Period::first_months(y, m) else { continue };
                if p.part != PeriodPart::Year && stock_date.is_none() {
                    stock_date = Some(p);
                }
                *scores.entry(p).or_insert(0.0) += 3.5;
            }
        }
    }
    // rule `period.url_months`: the address spells the headline without marks
    // (`/doanh-thu-dich-vu-vien-thong-den-het-thang-5-dat-...`, `/9-thang-dau-nam-2022-...`): the
    // months of the year so far it names weigh as the same words in the text would
    if let Some(p) = slug.and_then(|s| slug_months(s, default_year)) {
        *scores.entry(p).or_insert(0.0) += 3.5;
    }
    // the publication date suggests the year reported: the same year from March on, the year
    // before in January and February (year-end conferences)
    if let Some(r) = reference {
        let y = if r.month() <= 2 { r.year() - 1 } else { r.year() };
        for (p, s) in scores.iter_mut() {
            if p.year == y && *s > 0.0 {
                *s += 0.75;
            }
        }
    }
    // rule `period.comparison_base` on a dated page: one that names no period of its own but
    // compares with the same period of a year two or more years before its date (`tăng 23% so
    // với cùng kỳ năm 2019` on a page filed in March 2021) reports the year after that base
    if !scores.values().any(|s| *s > 0.0)
        && let Some(r) = reference
        && let Some(y) = comparison_bases(g, lowered).iter().filter(|b| b.1).map(|b| b.0 + 1).max()
        && y < r.year()
    {
        return Some(Period::year(y));
    }
    // rule `period.as_of_publication`: `đến nay`, `hiện nay`, `hiện có` in a page that names no
    // period of its own describe the months of the year up to its publication (a January or
    // February page: the year before); only in a sentence that states a figure (`Đến nay, toàn
    // tỉnh có 926 trạm BTS`): a remark on the present (`tin nhắn rác đang gây bức xúc cho xã
    // hội hiện nay`) dates nothing
    if !scores.values().any(|s| *s > 0.0)
        && let Some(r) = reference
        && lead
            .iter()
            .map(|p| p.as_ref())
            .chain(lowered.iter().map(String::as_str))
            .any(|p| words.as_of_publication.iter().any(|w| now_dates_a_figure(p, w)))
    {
        return if r.month() <= 2 {
            Some(Period::year(r.year() - 1))
        } else {
            Period::first_months(r.year(), r.month() as u8)
        };
    }
    let best = scores
        .iter()
        .map(|(p, s)| (*p, *s))
        .filter(|(_, s)| *s > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    match best {
        Some((mut p, _)) => {
            // rule `period.year_not_over`: a page published in October 2022 cannot review the
            // whole of 2022 (`dự kiến đến cuối năm 2022` is a forecast); the part of the year it
            // names that was over by then (`9 tháng đầu năm 2022`) is what it reports
            // rule `period.year_end_forecast`: an undated page that forecasts the end of the
            // year (`ước đến cuối năm 2022 đạt 21,7 triệu`) was written before it ended, just the
            // same
            let forecast = || {
                let keys: Vec<String> = words
                    .year_end_forecast
                    .iter()
                    .flat_map(|w| [format!("{w} năm {}", p.year), format!("{w} {}", p.year)])
                    .collect();
                lead.iter().any(|hay| keys.iter().any(|k| hay.contains(k.as_str())))
            };
            if p.part == PeriodPart::Year
                && match reference {
                    Some(r) => r.year() == p.year && r.month() <= 10,
                    None => forecast(),
                }
                && let Some((part, _)) = scores
                    .iter()
                    .filter(|(q, s)| q.year == p.year && **s > 0.0 && q.part != PeriodPart::Year)
                    .filter(|(q, _)| reference.is_none_or(|r| u32::from(q.part.last_month()) < r.month()))
                    .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            {
                p = *part;
            }
            // a January-February review of "năm qua" without a year describes the year before
            if p.part == PeriodPart::Year
                && let Some(r) = reference
                && p.year > r.year()
            {
                p.year = r.year();
            }
            // rule `period.stock_date`: a year headline (`... trong năm 2019`) over figures
            // stated `tính đến hết tháng Sáu` of that year reports the months up to that date
            if p.part == PeriodPart::Year
                && let Some(d) = stock_date.filter(|d| d.year == p.year)
            {
                p = d;
            }
            Some(p)
        }
        None => default_year.map(Period::year),
    }
}

/// Whether a sentence of `paragraph` that holds `word` (a cue of "now") states a figure: a digit
/// between the sentence ends around the cue (a `.` before a space or the paragraph's end; a `.`
/// inside `12.000` ends nothing).
fn now_dates_a_figure(paragraph: &str, word: &str) -> bool {
    let ends = |c: &[u8]| c.first() == Some(&b'.') && c.get(1).is_none_or(|b| b.is_ascii_whitespace());
    let bytes = paragraph.as_bytes();
    paragraph.match_indices(word).any(|(at, _)| {
        let from = (0..at).rev().find(|&i| ends(&bytes[i..])).map_or(0, |i| i + 1);
        let to = (at..bytes.len()).find(|&i| ends(&bytes[i..])).unwrap_or(bytes.len());
        bytes[from..to].iter().any(u8::is_ascii_digit)
    })
}

#[cfg(test)]
mod tests {
    use super::{first_chars, last_chars, now_dates_a_figure};

    #[test]
    fn now_dates_only_a_sentence_with_a_figure() {
        // rule period.as_of_publication (invented sentences, match form)
        let cases: &[(&str, bool)] = &[
            ("đến nay, toàn tỉnh có 926 trạm bts.", true),
            ("mạng phát triển nhanh. hiện có hơn 12.000 trạm. giá cước giảm.", true),
            (
                "tin nhắn rác đang gây bức xúc cho xã hội hiện nay. thanh tra sở kiểm tra 7 cơ sở.",
                false,
            ),
            ("đến nay, hạ tầng viễn thông đã có những bước phát triển vượt bậc", false),
        ];
        for (p, want) in cases {
            let got = ["đến nay", "hiện nay", "hiện có"].iter().any(|w| now_dates_a_figure(p, w));
            assert_eq!(got, *want, "{p}");
        }
    }

    fn grammar() -> &'static super::CleanGrammar {
        static G: std::sync::OnceLock<crate::clean::CleanRules> = std::sync::OnceLock::new();
        &G.get_or_init(|| {
            crate::clean::CleanRules::parse(include_str!("../../schemas/clean.toml"), std::path::Path::new("schemas")).expect("clean rules")
        })
        .grammar
    }

    #[test]
    fn period_phrases_of_a_lead() {
        // (invented, match form)
        let found = super::period_phrases(
            grammar(),
            "công tác năm 2023 và nhiệm vụ năm nay; quý ii/2022, 6 tháng đầu năm, công tác quý",
        );
        let parts: Vec<String> = found.iter().map(|(at, p, y)| format!("{at}:{p:?}:{y:?}")).collect();
        assert_eq!(
            parts,
            ["0:Year:Some(2023)", "38:Year:None", "48:Quarter(2):Some(2022)", "62:Half(1):None"],
            "`công tác năm 2023` is a year, `năm nay` the page's; a bare `công tác` names no period"
        );
    }

    proptest::proptest! {
        /// Rule fast path of the period phrases: what the match alone tells equals what its
        /// groups read.
        #[test]
        fn quick_phrase_agrees_with_the_groups(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "năm", "nam", " ", "  ", "\u{a0}", "công tác", "công  tác", "2023", "202", "20234", "nay", "/", "quý ii", "quý 3",
                "6 tháng đầu năm", "sáu tháng", "9 tháng", "hai tháng", "năm năm", ",", "x",
            ]),
            0..12,
        )) {
            let hay = pieces.concat();
            let r = &grammar().period_phrase;
            for m in r.find_iter(&hay) {
                let span = (m.start(), m.end());
                if let Some(quick) = super::quick_phrase(&hay, span) {
                    proptest::prop_assert_eq!(quick, super::read_phrase(r, &hay, span), "{:?} in {:?}", m.as_str(), hay);
                }
            }
        }

        /// Rule `grammar.no_prefilter`: the period phrases found without the regex engine's
        /// prefilter are the ones `find_iter` finds with it, on texts made of the words the
        /// phrases open with (and of words that hold them: `bao`, `khai`, `năm` in `nămm`).
        #[test]
        fn period_phrases_without_the_prefilter_are_the_same(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "năm", "nămm", " ", "  ", "\u{a0}", "\n", "công tác", "công", "2023", "19", "7", "nay", "/", " / ", "quý ii", "quý iv",
                "quý 3", "quý", "6 tháng đầu năm", "6 tháng cuối năm", "sáu tháng đầu năm", "nửa đầu năm", "9 tháng", "hai tháng",
                "mười một tháng", "ba", "bao", "khai", "tháng", "đầu", ",", "x", "ă", "Năm",
            ]),
            0..16,
        )) {
            let hay = pieces.concat();
            let r = &grammar().period_phrase;
            let want: Vec<(usize, usize)> = r.find_iter(&hay).map(|m| (m.start(), m.end())).collect();
            let got: Vec<(usize, usize)> = r.find_spans(&hay).collect();
            proptest::prop_assert_eq!(got, want, "{:?}", hay);
        }

        /// The slices hold the chars that collecting them one by one held.
        #[test]
        fn char_slices_agree_with_collected_chars(s in "[a ăđẠ\\u{1F600}]{0,30}", n in 0usize..32) {
            let last: String = s.chars().rev().take(n).collect::<Vec<_>>().into_iter().rev().collect();
            let first: String = s.chars().take(n).collect();
            proptest::prop_assert_eq!(last_chars(&s, n), last.as_str());
            proptest::prop_assert_eq!(first_chars(&s, n), first.as_str());
        }
    }
}
