//! Document metadata: title, outlet, dates (repaired and marked when impossible), province and
//! report period, decided once per document from its paragraphs, its given metadata and its
//! address.
//!
//! Input: a decoded document's paragraphs, the clean rules, the province and outlet tables.
//! Output: its [`DocMeta`]. The province is decided in [`super::province`], the period in
//! [`super::period`], what a page address tells in [`super::url`].

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use crate::records::{DocMeta, Period, RawDoc};
use crate::reference::{Outlets, Provinces};

use super::CleanRules;
use super::period::*;
use super::province::*;
use super::url::*;

pub(super) fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid pattern"))
}

pub(super) fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// All 4-digit years 1990..=2040 mentioned in the paragraphs, with counts: what the pattern
/// `(?-u:\b)(199[0-9]|20[0-3][0-9]|2040)(?-u:\b)` finds, by a byte loop over each paragraph
/// (a paragraph's end is a word boundary, as the line break that joined them was).
pub(super) fn year_counts(paragraphs: &[String]) -> BTreeMap<i32, usize> {
    let mut m = BTreeMap::new();
    for p in paragraphs {
        for (_, _, y) in crate::extract::token::four_digit_numbers(p.as_bytes()) {
            if (1990..=2040).contains(&y) {
                *m.entry(y).or_insert(0) += 1;
            }
        }
    }
    m
}

/// Repair a year written with a dropped or extra digit (`210` → 2010) from the years the
/// document mentions; None when no candidate is close to them.
pub(super) fn repair_year(written: &str, years: &BTreeMap<i32, usize>) -> Option<i32> {
    let mut candidates = Vec::new();
    let digits: Vec<char> = written.chars().collect();
    for pos in 0..=digits.len() {
        for d in '0'..='9' {
            let mut c = digits.clone();
            c.insert(pos, d);
            if let Ok(y) = c.iter().collect::<String>().parse::<i32>()
                && (1990..=2040).contains(&y)
            {
                candidates.push(y);
            }
        }
    }
    candidates.sort();
    candidates.dedup();
    candidates
        .into_iter()
        .filter_map(|y| {
            // the event is usually in the year the document talks about, or the next one
            let support = years.get(&y).copied().unwrap_or(0) * 2 + years.get(&(y - 1)).copied().unwrap_or(0);
            (support > 0).then_some((support, y))
        })
        .max()
        .map(|(_, y)| y)
}

/// The metadata of a cleaned document; `lowered` holds the match form of each paragraph (title,
/// province and period all search it).
pub(super) fn metadata(
    raw: &RawDoc,
    paragraphs: &[String],
    lowered: &[String],
    scan: Option<&crate::text::DocScan>,
    rules: &CleanRules,
    provinces: &Provinces,
    outlets: &Outlets,
) -> DocMeta {
    static OUTLET: OnceLock<Regex> = OnceLock::new();
    static FULL_DATE: OnceLock<Regex> = OnceLock::new();
    static TIME_OF_DAY: OnceLock<Regex> = OnceLock::new();
    let head: Vec<&String> = paragraphs.iter().take(8).collect();
    // an outlet given by name (`Báo Hà Tĩnh`, from a page title) becomes its domain when known
    let given_outlet = raw.given.outlet.as_deref().map(|o| {
        if o.contains('.') {
            o.to_lowercase()
        } else {
            outlets.by_name(o).map_or_else(|| o.to_lowercase(), String::from)
        }
    });
    let mut meta = DocMeta {
        url: raw.given.url.clone(),
        published: raw.given.published,
        outlet: given_outlet,
        ..DocMeta::default()
    };
    // outlets: `(Mic.gov.vn) -`, or a press abbreviation `(BDO) -`, `HGĐT-` from the outlet table
    let outlet_re = re(&OUTLET, r"\(\s*([A-Za-z0-9][A-Za-z0-9.-]*\.(?:vn|com|net|org|info))\s*\)");
    if meta.outlet.is_none() {
        meta.outlet = head.iter().find_map(|p| {
            outlet_re
                .captures(p)
                .map(|c| c[1].to_lowercase())
                .or_else(|| outlets.at_line_start(p).map(String::from))
        });
    }
    let years = year_counts(paragraphs);
    // publication stamps: a short line with a full date (`15:16:24 | 7/2/2012`,
    // `Thứ năm, 27/03/2014 10:50`, `Cập nhật: 10/01/2017 - 15:20`, `16:42, 30/12/2014`)
    let full_date = re(
        &FULL_DATE,
        r"(?-u:\b)([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})(?-u:\b)",
    );
    let event = &rules.grammar.event_date;
    // rule `date.stamp`: a page stored with its date ahead of its text (`date 2023-03`,
    // `date 2025-10-24`): a full date is its publication, a month dates it for its period
    let mut stamp_month = None;
    if let Some((y, m, d)) = date_stamp(raw.text.lines().find(|l| !l.trim().is_empty()).unwrap_or("")) {
        match d {
            Some(d) if meta.published.is_none() => meta.published = ymd(y, m, d),
            None => stamp_month = ymd(y, m, 1),
            _ => {}
        }
    }
    if meta.published.is_none() {
        let time_of_day = re(&TIME_OF_DAY, r"(?-u:\b)[0-9]{1,2}\s?[:h]\s?[0-9]{1,2}");
        // (date, whether the line also gives a time of day) of each stamp line
        let mut stamps: Vec<(NaiveDate, bool)> = Vec::new();
        for p in &head {
            // a stamp is mostly digits: few letters besides a weekday or `Cập nhật` (no 21st
            // letter); the regexes are asked only of a line that is short
            let short = p.chars().filter(|c| crate::text::is_letter(*c)).nth(20).is_none();
            if short
                && !event.is_match(p)
                && let Some(c) = full_date.captures(p)
                && let Some(d) = ymd(c[3].parse().unwrap_or(0), c[2].parse().unwrap_or(0), c[1].parse().unwrap_or(0))
            {
                let rest = p.replacen(&c[0], " ", 1);
                stamps.push((d, time_of_day.is_match(&rest)));
            }
        }
        meta.published = stamp_date(&stamps);
    }
    // event dates: `Ngày 16/1/2009, ...`, `Sáng 26/03/2014`, `Sáng ngày 04/2/210`, `Ngày 10-1,`,
    // `Chiều 30.12,` (the year, when missing, from the publication date)
    for p in &head {
        let Some(c) = event.captures(p) else { continue };
        let (d, m): (u32, u32) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
        match c.get(3).map(|y| y.as_str()) {
            Some(written) => {
                let y: i32 = written.parse().unwrap_or(0);
                if (1990..=2040).contains(&y) {
                    meta.event_date = ymd(y, m, d);
                } else if let Some(fixed) = repair_year(written, &years) {
                    meta.event_date = ymd(fixed, m, d);
                    if meta.event_date.is_some() {
                        meta.date_flag = Some(format!("repaired: written {d:02}/{m}/{written}"));
                    }
                }
            }
            None => {
                // a conference a few days before the article: the publication's year, or the
                // year before when the month is later (30/12 reported on 2/1); a page stamped
                // with its month only (`date 2017-11`) gives the year as well
                if let Some(pubd) = meta.published.or(stamp_month) {
                    let y = if m > pubd.month() { pubd.year() - 1 } else { pubd.year() };
                    meta.event_date = ymd(y, m, d);
                }
            }
        }
        if meta.event_date.is_some() {
            break;
        }
    }
    meta.title = raw
        .given
        .title
        .clone()
        .or_else(|| title(paragraphs, lowered, outlet_re, rules, provinces));
    // the web host the document came from (its URL, else an outlet written as a domain)
    let host = meta
        .url
        .as_deref()
        .and_then(url_host)
        .or_else(|| meta.outlet.clone().filter(|o| o.contains('.')));
    if meta.outlet.is_none() {
        meta.outlet = host
            .as_deref()
            .map(|h| h.trim_start_matches("www.").trim_start_matches("m.").to_string());
    }
    // rule `date.document_line`: an administrative document's date line (`Phú Thọ, ngày 05
    // tháng 10 năm 2022`, often broken over two lines by a PDF copy) is its date of issue
    if meta.published.is_none() {
        // (the pattern opens with its comma, so the search skips to commas; the place name
        // before it, 2 to 40 bytes back to the line's start, is checked after)
        let r = &rules.grammar.document_line;
        let head_text = &raw.text[..crate::text::floor_char_boundary(&raw.text, raw.text.len().min(3000))];
        if let Some(c) = r.captures_iter(head_text).find(|c| {
            let at = c.get(0).map_or(0, |m| m.start());
            let line = &head_text[head_text[..at].rfind('\n').map_or(0, |k| k + 1)..at];
            (2..=40).contains(&line.len()) && !line.contains(',')
        }) {
            meta.published = ymd(c[3].parse().unwrap_or(0), c[2].parse().unwrap_or(0), c[1].parse().unwrap_or(0));
        }
    }
    if meta.published.is_none() {
        meta.published = meta.url.as_deref().and_then(url_date);
    }
    let outlet_province = host
        .as_deref()
        .and_then(|h| {
            outlets
                .province_of_host(h)
                .and_then(|name| provinces.rows.iter().position(|p| p.name == name))
                .or_else(|| provinces.by_host(h))
        })
        // rule `province.url_section`: a national portal's section for one province
        .or_else(|| meta.url.as_deref().and_then(|u| provinces.by_url_section(u)));
    let slug = meta.url.as_deref().map(url_words);
    // rule `province.given` (see `Provinces::resolve`): the caller knows best; a stated
    // province that resolves to none is ignored with a warning (in `clean`)
    let given_province = raw.given.province.as_deref().and_then(|g| provinces.resolve(g));
    meta.province = given_province.or_else(|| {
        province(
            &meta.title,
            raw.given.outlet.as_deref(),
            outlet_province,
            slug.clone(),
            super::province::Lowered { paragraphs: lowered, scan },
            rules,
            provinces,
        )
    });
    // a month in the address (`/202401/`) dates the page for its period, not as its publication
    let reference_date = meta
        .published
        .or(meta.event_date)
        .or(stamp_month)
        .or_else(|| meta.url.as_deref().and_then(url_month));
    meta.period = period(
        &rules.period,
        &rules.grammar,
        &meta.title,
        lowered,
        reference_date,
        &years,
        slug.as_deref(),
    );
    if meta.period.is_none() {
        meta.period = slug.as_deref().and_then(slug_year).map(Period::year);
    }
    meta
}

/// Rule `date.timed_stamp`: the publication date among a page's stamp lines. The first stamp is
/// the publication, unless it is a bare date later than a stamp that carries a time of day: a
/// site's header shows today's date (`Chủ Nhật, 24/11/2024`) above the article's own stamp
/// (`Chủ Nhật, 8/10/2017 9:05 (GMT+7)`), which is the publication.
pub(super) fn stamp_date(stamps: &[(NaiveDate, bool)]) -> Option<NaiveDate> {
    let &(first, timed) = stamps.first()?;
    if timed {
        return Some(first);
    }
    let article = stamps.iter().find(|(d, t)| *t && *d < first).map(|(d, _)| *d);
    Some(article.unwrap_or(first))
}

pub(super) fn is_stamp_line(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let letters = p.chars().filter(|c| crate::text::is_letter(*c)).count();
    digits > 0 && letters < 12 && (p.contains('/') || p.contains(':'))
}

pub(super) fn title(
    paragraphs: &[String],
    lowered: &[String],
    outlet_re: &Regex,
    rules: &CleanRules,
    provinces: &Provinces,
) -> Option<String> {
    paragraphs
        .iter()
        .zip(lowered)
        .take(12)
        .find(|(p, low)| {
            let words = p.split_whitespace().count();
            let ends_sentence = p.trim_end().ends_with('.');
            let banner = p.chars().filter(|c| crate::text::is_letter(*c)).all(char::is_uppercase) && words <= 4;
            let only_place = provinces.find_all(low).len() == 1 && words <= 4;
            (4..=40).contains(&words)
                && !ends_sentence
                && !banner
                && !only_place
                && !is_stamp_line(p)
                // rule `title.not_caption`: a photo caption (`... kiểm tra trạm BTS. Ảnh: L.Đ`)
                && !rules.caption.is_match(p.trim())
                // rule `title.not_prose`: `Ngoài ra, tính đến ngày 30/4, ...` continues an
                // article; a headline does not open on a connective
                && !rules
                    .prose_openers
                    .iter()
                    .any(|w| low.trim_start().strip_prefix(w.as_str()).is_some_and(|r| r.trim_start().starts_with(',')))
                && !outlet_re.is_match(p.split_whitespace().next().unwrap_or(""))
        })
        .map(|(p, _)| p.trim().to_string())
}
