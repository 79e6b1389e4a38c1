//! What a page address tells: its host, the words of its path (the headline without marks),
//! and the dates, months and years it files the page under.
//!
//! Input: a URL. Output: host, words, dates; each a named rule (`date.url`, `date.url_month`,
//! `period.url_year`, `period.url_months`).

use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::records::{Period, PeriodPart};
use crate::text::match_form;

use super::meta::{re, ymd};

/// The host of a URL, lower case: `https://m.BaoThaiNguyen.vn/x` → `m.baothainguyen.vn`.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#', ':']).next()?.to_ascii_lowercase();
    host.contains('.').then_some(host)
}

/// The path of a URL, without its leading `/`, query or fragment: `https://vietnam.vn/laocai/x?p=1`
/// → `laocai/x`.
pub(crate) fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.split_once('/').map_or("", |(_, p)| p);
    path.split(['?', '#']).next().unwrap_or("")
}

/// The words of a URL's path (`/tinh-dien-bien-tap-trung` → `tinh dien bien tap trung`), in
/// match form: page addresses spell their headline without marks.
pub(super) fn url_words(url: &str) -> String {
    // a name glued to a number by `_` is one word (`/mic_2020/`: a portal's folder, no date)
    let path = url_path(url);
    let b = path.as_bytes();
    let spaced: String = path
        .char_indices()
        .filter_map(|(i, c)| match c {
            '_' if i > 0 && b[i - 1].is_ascii_alphabetic() && b.get(i + 1).is_some_and(u8::is_ascii_digit) => None,
            '-' | '_' | '/' | '.' => Some(' '),
            c => Some(c),
        })
        .collect();
    match_form(&spaced)
}

/// The `date YYYY-MM[-DD]` stamp a stored page may open with (year, month, day).
fn stamp_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(&RE, r"^\s*date\s+((?:19|20)[0-9]{2})-([01][0-9])(?:-([0-3][0-9]))?(?-u:\b)")
}

/// Rule `date.stamp_apart`: where the `date YYYY-MM[-DD]` stamp a stored page opens with ends,
/// when text follows it on its line (` date 2017-03 Theo báo cáo ..., tại thời điểm cuối tháng
/// 6, ...`). The stamp is the store's, not the sentence's: the caller drops it from the text
/// (metadata reads it from the raw text), so its year never dates the first sentence's figures.
pub(super) fn date_stamp_end(first: &str) -> Option<usize> {
    let end = stamp_re().find(first)?.end();
    (!first[end..].trim().is_empty()).then_some(end)
}

/// The `date YYYY-MM[-DD]` stamp a stored page may open with.
pub(super) fn date_stamp(first: &str) -> Option<(i32, u32, Option<u32>)> {
    let c = stamp_re().captures(first)?;
    let (y, m) = (c[1].parse().ok()?, c[2].parse().ok()?);
    let d = match c.get(3) {
        Some(d) => Some(d.as_str().parse().ok()?),
        None => None,
    };
    ymd(y, m, d.unwrap_or(1))?;
    Some((y, m, d))
}

/// Rule `date.url_month`: the month of a page whose address files it by month (`/202401/`,
/// `/2015/06/`), the first of that month; only a fallback reference for the report period.
pub(super) fn url_month(url: &str) -> Option<NaiveDate> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let r = re(&RE, r"/(20[0-3][0-9])/?(0[1-9]|1[0-2])/");
    let path = url.split_once("://").map_or(url, |(_, r)| r);
    let path = path.split_once('/').map_or("", |(_, p)| p);
    let path = format!("/{path}");
    let c = r.captures(&path)?;
    ymd(c[1].parse().ok()?, c[2].parse().ok()?, 1)
}

/// Rule `period.url_year`: a page with no date and no year in its text reports on the year its
/// address names (`/hoat-dong-nganh-tt-tt-tinh-dak-nong-nam-2010-nhung-ket-qua`): the address
/// spells the headline. One year only; two years (a range, a comparison) decide nothing.
pub(super) fn slug_year(words: &str) -> Option<i32> {
    let tokens: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
    let year = |w: &str| w.len() == 4 && w.parse::<i32>().is_ok_and(|y| (1990..=2040).contains(&y));
    let all: Vec<usize> = (0..tokens.len()).filter(|&i| year(tokens[i])).collect();
    // `nam 2010` (năm 2010) is the headline's year; a bare `2020` may be a folder (`/mic_2020/`)
    let named: Vec<usize> = all.iter().copied().filter(|&i| i > 0 && tokens[i - 1] == "nam").collect();
    match (named.as_slice(), all.as_slice()) {
        ([i], _) | ([], [i]) => tokens[*i].parse().ok(),
        _ => None,
    }
}

/// The months of the year so far a URL's words name (see rule `period.url_months`): `den het
/// thang 5` (đến hết tháng 5), `tinh den thang 9 nam 2022`, `9 thang dau nam 2022`, `6 thang`.
/// The year is the one the words give, else `default_year`.
pub(super) fn slug_months(words: &str, default_year: Option<i32>) -> Option<Period> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &RE,
        r"(?-u:\b)(?:(?:den het|den cuoi|tinh den|tinh den het|den) thang ([0-9]{1,2})|([0-9]{1,2}) thang(?: dau nam| nam)?)(?: (?:nam )?((?:19|20)[0-9]{2}))?(?-u:\b)",
    );
    let c = r.captures(words)?;
    let m: u8 = c.get(1).or(c.get(2))?.as_str().parse().ok()?;
    let y = match c.get(3) {
        Some(y) => y.as_str().parse().ok()?,
        None => default_year?,
    };
    Period::first_months(y, m).filter(|p| p.part != PeriodPart::Year)
}

/// Rule `date.url`: a publication date written in a URL path (`/2015/06/22/`, `-20200707095743`),
/// for pages whose text carries none.
pub(super) fn url_date(url: &str) -> Option<NaiveDate> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &RE,
        r"(?:^|[^0-9])(20[0-3][0-9])([/-]?)(0[1-9]|1[0-2])([/-]?)(0[1-9]|[12][0-9]|3[01])(?:[^0-9]|$|[0-9]{6})",
    );
    let path = url.split_once("://").map_or(url, |(_, r)| r);
    let path = path.split_once('/').map_or("", |(_, p)| p);
    let c = r.captures(path)?;
    // `2015/06/22` or `20200707`, not `2015/0622`
    if c[2] != c[4] {
        return None;
    }
    ymd(c[1].parse().ok()?, c[3].parse().ok()?, c[5].parse().ok()?)
}
