//! Clean: decoded text → [`CleanDoc`] with sentences and document metadata.
//!
//! Input: a [`RawDoc`] and the clean rules (`schemas/clean.toml`). Output: the cleaned text
//! (NFC, web debris and repeated paragraphs removed), its sentences (byte spans), and the
//! metadata every fact inherits: title, outlet, dates (repaired and marked when impossible),
//! province, report period. Invariant: `text` is what spans point into; it is never rewritten
//! after sentences are cut.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::Deserialize;

use crate::records::{CleanDoc, DocMeta, Period, PeriodPart, ProvinceRef, RawDoc, Sentence};
use crate::reference::{NATIONAL, Outlets, Provinces};
use crate::text::{match_form, squash_ws};
use crate::{Error, Result};

#[derive(Debug, Deserialize)]
struct CleanFile {
    schema_version: String,
    debris_lines: Vec<String>,
    abbreviations: Vec<String>,
    dedupe_min_words: usize,
    national_cues: Vec<String>,
    local_cues: Vec<String>,
}

/// Compiled clean rules.
#[derive(Debug)]
pub struct CleanRules {
    pub version: String,
    debris: Vec<Regex>,
    abbreviations: HashSet<String>,
    dedupe_min_words: usize,
    /// Words of a document that names no province and reports the country's figures.
    national_cues: Vec<String>,
    /// Words of a document that names no province but reports one (its own department).
    local_cues: Vec<String>,
}

impl CleanRules {
    pub fn parse(text: &str, origin: &Path) -> Result<Self> {
        let path = origin.join("clean.toml");
        let f: CleanFile = toml::from_str(text).map_err(|e| Error::config("clean rules", &path, e))?;
        let debris = f
            .debris_lines
            .iter()
            .map(|p| Regex::new(&format!("(?i){p}")).map_err(|e| Error::config("clean rules", &path, format!("pattern {p:?}: {e}"))))
            .collect::<Result<Vec<_>>>()?;
        Ok(CleanRules {
            version: f.schema_version,
            debris,
            abbreviations: f.abbreviations.iter().map(|a| a.to_lowercase()).collect(),
            dedupe_min_words: f.dedupe_min_words,
            national_cues: f.national_cues.iter().map(|w| match_form(w)).collect(),
            local_cues: f.local_cues.iter().map(|w| match_form(w)).collect(),
        })
    }
}

/// What clean did to one document, for the stage report.
#[derive(Debug, Default, Clone, Copy)]
pub struct CleanReport {
    pub debris_lines: usize,
    pub repeated_paragraphs: usize,
}

/// Clean one document.
pub fn clean(raw: RawDoc, rules: &CleanRules, provinces: &Provinces, outlets: &Outlets) -> (CleanDoc, CleanReport) {
    let mut report = CleanReport::default();
    let mut seen = rustc_hash::FxHashSet::default();
    let mut paragraphs: Vec<String> = Vec::new();
    for line in raw.text.lines() {
        let line = squash_ws(line);
        if line.is_empty() {
            continue;
        }
        // debris lines are short; a paragraph is never checked against them
        if line.len() <= 160 && rules.debris.iter().any(|r| r.is_match(&line)) {
            report.debris_lines += 1;
            continue;
        }
        let key = match_form(&line);
        if line.split_whitespace().count() >= rules.dedupe_min_words && !seen.insert(key) {
            report.repeated_paragraphs += 1;
            continue;
        }
        paragraphs.push(line);
    }
    let mut text = String::new();
    let mut sentences = Vec::new();
    // a paragraph longer than this is read as several (at sentence ends): what is asked of a
    // figure's paragraph stays bounded, so a document with no line breaks stays linear
    const MAX_PARAGRAPH_BYTES: usize = 8 << 10;
    let mut pi = 0;
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            text.push_str("\n\n");
            pi += 1;
        }
        let base = text.len();
        text.push_str(p);
        let mut from = 0;
        for (s, e) in split_sentences(p, &rules.abbreviations) {
            if s - from > MAX_PARAGRAPH_BYTES {
                pi += 1;
                from = s;
            }
            sentences.push(Sentence {
                start: base + s,
                end: base + e,
                paragraph: pi,
            });
        }
    }
    let meta = metadata(&raw, &paragraphs, rules, provinces, outlets);
    let mut warnings = raw.warnings;
    if let Some(f) = &meta.date_flag {
        warnings.push(format!("event date {f}"));
    }
    if let Some(g) = raw.given.province.as_deref().filter(|g| provinces.resolve(g).is_none()) {
        warnings.push(format!("stated province `{g}` is no province of the reference: ignored"));
    }
    if meta.province.is_none() {
        warnings.push("no province recognised".into());
    }
    if meta.period.is_none() {
        warnings.push("no report period recognised".into());
    }
    let doc = CleanDoc {
        doc: raw.doc,
        source: raw.source,
        line: raw.line,
        format: raw.format,
        encoding: raw.encoding,
        content_hash: raw.content_hash,
        text,
        sentences,
        meta,
        warnings,
    };
    (doc, report)
}

/// A cleaned document made from a piece of text with the metadata given, not recovered:
/// for `ictstat explain`, tests and synthetic corpora.
pub fn doc_from_text(
    doc: &str,
    text: &str,
    province: Option<ProvinceRef>,
    period: Option<Period>,
    rules: &CleanRules,
    provinces: &Provinces,
    outlets: &Outlets,
) -> CleanDoc {
    let raw = RawDoc {
        doc: doc.to_string(),
        source: doc.to_string(),
        line: None,
        format: crate::records::Format::Txt,
        encoding: "utf-8".into(),
        content_hash: blake3::hash(text.as_bytes()).to_hex().to_string(),
        text: text.to_string(),
        given: crate::records::GivenMeta::default(),
        warnings: Vec::new(),
    };
    let (mut d, _) = clean(raw, rules, provinces, outlets);
    d.meta.province = province;
    d.meta.period = period;
    d
}

/// Sentence spans (byte offsets) of one paragraph.
/// Rule `sentence.glued_stop`: scraped pages lose the space after a full stop (`bằng 118% năm
/// 2013.Hiện tại, tổng số ...`, `đạt 1 triệu thuê bao.MobiFone cũng ...`): a stop between a
/// lower-case letter, a digit or a closing bracket or quote and a capitalised word (a capital, then a lower-case letter) ends
/// the sentence. `TP.Hồ Chí Minh` (a capital before the stop), `2.003.300` and `mic.gov.vn` (no
/// capital after) do not; abbreviations are checked by the caller as for any stop.
fn glued_stop(chars: &[(usize, char)], k: usize) -> bool {
    let before = k.checked_sub(1).map(|j| chars[j].1);
    let next = chars.get(k + 1).map(|c| c.1);
    let second = chars.get(k + 2).map(|c| c.1);
    chars[k].1 == '.'
        && before.is_some_and(|b| b.is_lowercase() || b.is_ascii_digit() || matches!(b, ')' | '"' | '”'))
        && next.is_some_and(char::is_uppercase)
        && second.is_some_and(char::is_lowercase)
}

pub fn split_sentences(p: &str, abbreviations: &HashSet<String>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // the next non-space char must start a new sentence, after at least one space
        let Some(&(_, next)) = chars.get(k + 1) else { continue };
        if !next.is_whitespace() && !glued_stop(&chars, k) {
            continue;
        }
        let Some(&(_, after)) = chars[k + 1..].iter().find(|(_, ch)| !ch.is_whitespace()) else {
            continue;
        };
        if !(after.is_uppercase() || after.is_ascii_digit() || matches!(after, '"' | '“' | '(' | '-' | '–' | '‘')) {
            continue;
        }
        if c == '.' {
            let word: String = p[start..i]
                .chars()
                .rev()
                .take_while(|ch| !ch.is_whitespace() && *ch != '(')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let w = word.to_lowercase();
            let single_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            if abbreviations.contains(&w) || single_initial {
                continue;
            }
        }
        let end = i + c.len_utf8();
        if p[start..end].trim().is_empty() {
            continue;
        }
        out.push((start, end));
        start = end
            + chars[k + 1..]
                .iter()
                .take_while(|(_, ch)| ch.is_whitespace())
                .map(|(_, ch)| ch.len_utf8())
                .sum::<usize>();
    }
    if start < p.len() && !p[start..].trim().is_empty() {
        out.push((start, p.len()));
    }
    // a flattened table or a page without full stops is no sentence: cut runs longer than
    // MAX_SENTENCE at `;`, else at white space, so per-sentence work stays linear
    out.into_iter().flat_map(|(s, e)| cut_long(p, s, e)).collect()
}

/// Longest sentence the extractor reads, in bytes.
const MAX_SENTENCE: usize = 1200;

fn cut_long(p: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = start;
    while end - s > MAX_SENTENCE {
        let limit = crate::text::floor_char_boundary(p, s + MAX_SENTENCE);
        let window = &p[s..limit];
        let cut = window
            .rfind("; ")
            .map(|i| s + i + 1)
            .or_else(|| window.rfind(' ').map(|i| s + i))
            .filter(|&c| c > s)
            .unwrap_or(limit);
        out.push((s, cut));
        s = cut
            + p[cut..end]
                .chars()
                .take_while(|c| c.is_whitespace())
                .map(char::len_utf8)
                .sum::<usize>();
    }
    if s < end {
        out.push((s, end));
    }
    out
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid pattern"))
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// All 4-digit years 1990..=2040 mentioned in a text, with counts.
fn year_counts(text: &str) -> BTreeMap<i32, usize> {
    static YEAR: OnceLock<Regex> = OnceLock::new();
    let mut m = BTreeMap::new();
    for c in re(&YEAR, r"(?-u:\b)(199[0-9]|20[0-3][0-9]|2040)(?-u:\b)").captures_iter(text) {
        *m.entry(c[1].parse().unwrap_or(0)).or_insert(0) += 1;
    }
    m
}

/// Repair a year written with a dropped or extra digit (`210` → 2010) from the years the
/// document mentions; None when no candidate is close to them.
fn repair_year(written: &str, years: &BTreeMap<i32, usize>) -> Option<i32> {
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

fn metadata(raw: &RawDoc, paragraphs: &[String], rules: &CleanRules, provinces: &Provinces, outlets: &Outlets) -> DocMeta {
    static OUTLET: OnceLock<Regex> = OnceLock::new();
    static FULL_DATE: OnceLock<Regex> = OnceLock::new();
    static EVENT: OnceLock<Regex> = OnceLock::new();
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
    let years = year_counts(&paragraphs.join("\n"));
    // publication stamps: a short line with a full date (`15:16:24 | 7/2/2012`,
    // `Thứ năm, 27/03/2014 10:50`, `Cập nhật: 10/01/2017 - 15:20`, `16:42, 30/12/2014`)
    let full_date = re(
        &FULL_DATE,
        r"(?-u:\b)([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})(?-u:\b)",
    );
    let event = re(
        &EVENT,
        r"(?i)(?:^|[-–)]\s*)(?:ngày|sáng|chiều|tối|trưa)(?:\s+(?:ngày|nay|qua|hôm nay))?\s+([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})(?:\s*[/.\-]\s*([0-9]{2,4}))?(?-u:\b)",
    );
    // rule `date.stamp`: a page stored with its date ahead of its text (`date 2023-03`,
    // `date 2025-10-24`): a full date is its publication, a month dates it for its period
    let mut stamp_month = None;
    if let Some((y, m, d)) = date_stamp(paragraphs.first().map_or("", |p| p.as_str())) {
        match d {
            Some(d) if meta.published.is_none() => meta.published = ymd(y, m, d),
            None => stamp_month = ymd(y, m, 1),
            _ => {}
        }
    }
    if meta.published.is_none() {
        for p in &head {
            // a stamp is mostly digits: few letters besides a weekday or `Cập nhật`
            let short = p.chars().filter(|c| crate::text::is_letter(*c)).count() <= 20;
            let event_line = event.is_match(p);
            if let Some(c) = full_date.captures(p).filter(|_| short && !event_line) {
                meta.published = ymd(c[3].parse().unwrap_or(0), c[2].parse().unwrap_or(0), c[1].parse().unwrap_or(0));
                if meta.published.is_some() {
                    break;
                }
            }
        }
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
                // year before when the month is later (30/12 reported on 2/1)
                if let Some(pubd) = meta.published {
                    let y = if m > pubd.month() { pubd.year() - 1 } else { pubd.year() };
                    meta.event_date = ymd(y, m, d);
                }
            }
        }
        if meta.event_date.is_some() {
            break;
        }
    }
    // the match form of every paragraph, once: title, province and period all search it
    let lowered: Vec<String> = paragraphs.iter().map(|p| match_form(p)).collect();
    meta.title = raw
        .given
        .title
        .clone()
        .or_else(|| title(paragraphs, &lowered, outlet_re, provinces));
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
    if meta.published.is_none() {
        meta.published = meta.url.as_deref().and_then(url_date);
    }
    let outlet_province = host.as_deref().and_then(|h| {
        outlets
            .province_of_host(h)
            .and_then(|name| provinces.rows.iter().position(|p| p.name == name))
            .or_else(|| provinces.by_host(h))
    });
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
            &lowered,
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
    meta.period = period(&meta.title, &lowered, reference_date, &years, slug.as_deref());
    if meta.period.is_none() {
        meta.period = slug.as_deref().and_then(slug_year).map(Period::year);
    }
    meta
}

fn is_stamp_line(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let letters = p.chars().filter(|c| crate::text::is_letter(*c)).count();
    digits > 0 && letters < 12 && (p.contains('/') || p.contains(':'))
}

fn title(paragraphs: &[String], lowered: &[String], outlet_re: &Regex, provinces: &Provinces) -> Option<String> {
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
                && !outlet_re.is_match(p.split_whitespace().next().unwrap_or(""))
        })
        .map(|(p, _)| p.trim().to_string())
}

/// `lowered`: the paragraphs in match form.
/// The host of a URL, lower case: `https://m.BaoThaiNguyen.vn/x` → `m.baothainguyen.vn`.
fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#', ':']).next()?.to_ascii_lowercase();
    host.contains('.').then_some(host)
}

/// The words of a URL's path (`/tinh-dien-bien-tap-trung` → `tinh dien bien tap trung`), in
/// match form: page addresses spell their headline without marks.
fn url_words(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.split_once('/').map_or("", |(_, p)| p);
    let path = path.split(['?', '#']).next().unwrap_or("");
    match_form(&path.replace(['-', '_', '/', '.'], " "))
}

/// The `date YYYY-MM[-DD]` stamp a stored page may open with.
fn date_stamp(first: &str) -> Option<(i32, u32, Option<u32>)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let r = re(&RE, r"^\s*date\s+((?:19|20)[0-9]{2})-([01][0-9])(?:-([0-3][0-9]))?(?-u:\b)");
    let c = r.captures(first)?;
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
fn url_month(url: &str) -> Option<NaiveDate> {
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
fn slug_year(words: &str) -> Option<i32> {
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
fn slug_months(words: &str, default_year: Option<i32>) -> Option<Period> {
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
fn url_date(url: &str) -> Option<NaiveDate> {
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

/// `lowered`: the paragraphs in match form; `outlet_province`: the province of the provincial
/// outlet that published the document, if it is one.
fn province(
    title: &Option<String>,
    outlet: Option<&str>,
    outlet_province: Option<usize>,
    url_slug: Option<String>,
    lowered: &[String],
    rules: &CleanRules,
    provinces: &Provinces,
) -> Option<ProvinceRef> {
    let mut score: BTreeMap<usize, f64> = BTreeMap::new();
    let mut add = |hay: &str, w: f64| {
        for h in provinces.find_all(hay) {
            // `tỉnh X`, `Sở ... X` name the document's own province most often
            let before = &hay[..h.start];
            let bonus = if before.ends_with("tỉnh ") || before.ends_with("tp ") || before.ends_with("thành phố ") {
                1.5
            } else {
                1.0
            };
            *score.entry(*h.tag).or_insert(0.0) += w * bonus;
        }
    };
    if let Some(t) = title {
        add(&match_form(t), 4.0);
    }
    // the provincial paper that published it (`Báo Ninh Thuận`)
    if let Some(o) = outlet {
        add(&match_form(o), 2.0);
    }
    for (i, p) in lowered.iter().enumerate() {
        add(p, if i < 4 { 2.0 } else { 1.0 });
    }
    // the address's words (`.../tinh-dien-bien-tap-trung-phat-trien-ha-tang-so...`) name it too
    if let Some(slug) = url_slug {
        add(&slug, 1.5);
    }
    // rule `province.national`, cues from clean.toml: a document that names no province and
    // speaks of the country, not of a provincial department
    let all = lowered.join(" ");
    let has = |cues: &[String]| cues.iter().any(|w| all.contains(w.as_str()));
    let national_text = has(&rules.national_cues) && !has(&rules.local_cues);
    // rule `province.outlet`: a provincial paper, broadcaster or portal writes about its own
    // province, often without naming it; unless the text, naming no province, speaks of the
    // country (`số điện thoại cố định của Việt Nam` in a Hà Nội paper)
    if let Some(i) = outlet_province {
        if score.is_empty() && national_text {
            return Some(ProvinceRef {
                name: NATIONAL.into(),
                code: String::new(),
            });
        }
        *score.entry(i).or_insert(0.0) += 3.0;
    }

    // a document whose title makes the Ministry (Bộ TT&TT) its subject, naming no province, is
    // about the country
    let headline = match title {
        Some(t) => match_form(t),
        None => lowered.first().cloned().unwrap_or_default(),
    };
    // or whose headline speaks of the whole country (`lượng thuê bao cả nước vẫn giảm`)
    let ministry = ["bộ thông tin và truyền thông", "bộ tt&tt", "cả nước", "toàn quốc"]
        .iter()
        .any(|w| headline.contains(w));
    if ministry && provinces.find_all(&headline).is_empty() {
        return Some(ProvinceRef {
            name: NATIONAL.into(),
            code: String::new(),
        });
    }
    let best = score.into_iter().max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    match best {
        Some((idx, _)) => Some(provinces.reference(idx)),
        // rule `province.national`: a document that names no province and speaks of the whole
        // country (`cả nước`, `Việt Nam`, `ngân sách nhà nước`, the sector's share of GDP), or
        // quotes the Ministry or the statistics office, reports national figures; unless it
        // speaks of a provincial department (`Sở TT&TT`) whose province it does not name
        // (`clean.toml`: national_cues, local_cues)
        None => national_text.then(|| ProvinceRef {
            name: NATIONAL.into(),
            code: String::new(),
        }),
    }
}

/// A period phrase found in text.
fn period_phrases(hay: &str) -> Vec<(usize, PeriodPart, Option<i32>)> {
    static P: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &P,
        r"(quý\s+(i{1,3}|iv|[1-4])|6\s+tháng\s+đầu\s+năm|sáu\s+tháng\s+đầu\s+năm|nửa\s+đầu\s+năm|6\s+tháng\s+cuối\s+năm|(?:[0-9]{1,2}|hai|ba|bốn|năm|bảy|tám|chín|mười|mười một)\s+tháng(?:\s+đầu\s+năm)?|năm|công\s+tác)(?:\s*/\s*|\s+năm\s+|\s+)?([0-9]{4})?",
    );
    let mut out = Vec::new();
    for c in r.captures_iter(hay) {
        let m = c.get(0).unwrap();
        let head = c.get(1).unwrap().as_str();
        let year = c.get(3).and_then(|y| y.as_str().parse().ok());
        let part = if let Some(q) = c.get(2) {
            let q = match q.as_str() {
                "i" | "1" => 1,
                "ii" | "2" => 2,
                "iii" | "3" => 3,
                _ => 4,
            };
            PeriodPart::Quarter(q)
        } else if head.starts_with("6 tháng đầu") || head.starts_with("sáu") || head.starts_with("nửa") {
            PeriodPart::Half(1)
        } else if head.starts_with("6 tháng cuối") {
            PeriodPart::Half(2)
        } else if let Some(n) = head.strip_suffix(" đầu năm").unwrap_or(head).strip_suffix("tháng").map(str::trim) {
            // `9 tháng`, `10 tháng đầu năm`, `bảy tháng năm 2016`: the first n months; other
            // counts of months need `đầu năm` or a year (`sau hơn hai tháng vận hành` is a
            // duration, not a report period)
            // (`10 tháng năm nay`: this year's first ten months)
            let this_year = hay[c.get(1).map_or(m.end(), |h| h.end())..].trim_start().starts_with("năm nay");
            if !(head.ends_with("đầu năm") || year.is_some() || n == "9" || n == "chín" || this_year) {
                continue;
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
            match Period::first_months(2000, n) {
                Some(p) => p.part,
                None => continue,
            }
        } else {
            if year.is_none() {
                continue;
            }
            PeriodPart::Year
        };
        out.push((m.start(), part, year));
    }
    out
}

/// A month written as a number or a word (`6`, `Sáu`, `mười hai`), in match form.
fn month_number(w: &str) -> Option<u8> {
    let m = match w {
        "một" => 1,
        "hai" => 2,
        "ba" => 3,
        "tư" | "bốn" => 4,
        "năm" => 5,
        "sáu" => 6,
        "bảy" => 7,
        "tám" => 8,
        "chín" => 9,
        "mười" => 10,
        "mười một" => 11,
        "mười hai" => 12,
        d => d.parse().ok()?,
    };
    (1..=12).contains(&m).then_some(m)
}

/// Rule `period.comparison_base`: the year a page without a date reports on. Years named as a
/// comparison base (`tăng 35% so với cùng kỳ năm 2011`, `bằng 109% so với năm 2010`) are what the
/// figures are compared with, not what they describe: the most mentioned other year wins, and
/// when every year is a base, `cùng kỳ năm Y` (the same period of year Y) dates the report to
/// the year after Y.
fn undated_year(lowered: &[String], years: &BTreeMap<i32, usize>) -> Option<i32> {
    static BASE: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &BASE,
        r"(so với|cùng kỳ|cùng kì|cùng thời điểm)(?:\s+(?:cùng kỳ|cùng kì|cùng thời điểm|với|giữa|cuối|đầu))*(?:\s+năm)?\s+(199[0-9]|20[0-3][0-9]|2040)(?-u:\b)",
    );
    let mut report = years.clone();
    let mut same_period = BTreeMap::new();
    for p in lowered {
        for c in r.captures_iter(p) {
            let y: i32 = c[2].parse().unwrap_or(0);
            if let Some(n) = report.get_mut(&y) {
                *n = n.saturating_sub(1);
            }
            if c.get(0).is_some_and(|m| m.as_str().contains("cùng")) {
                *same_period.entry(y + 1).or_insert(0usize) += 1;
            }
        }
    }
    let most = |m: &BTreeMap<i32, usize>| m.iter().filter(|(_, n)| **n > 0).max_by_key(|(y, n)| (**n, **y)).map(|(y, _)| *y);
    most(&report).or_else(|| most(&same_period)).or_else(|| most(years))
}

/// The report period: what the figures describe, which is not the publication year.
/// `lowered`: the paragraphs in match form.
fn period(
    title: &Option<String>,
    lowered: &[String],
    reference: Option<NaiveDate>,
    years: &BTreeMap<i32, usize>,
    slug: Option<&str>,
) -> Option<Period> {
    let mut scores: BTreeMap<Period, f64> = BTreeMap::new();
    let lead: Vec<String> = title.iter().map(|t| match_form(t)).chain(lowered.iter().take(6).cloned()).collect();
    let default_year = reference.map(|d| d.year()).or_else(|| undated_year(lowered, years));
    for (li, hay) in lead.iter().enumerate() {
        for (at, part, year) in period_phrases(hay) {
            let before = &hay[..at];
            let tail: String = before.chars().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect();
            // what the document reviews scores; what it plans for counts against
            let review = [
                "tổng kết",
                "đánh giá",
                "kết quả",
                "sơ kết",
                "thực hiện",
                "trong",
                "năm qua",
                "báo cáo",
            ]
            .iter()
            .any(|w| tail.contains(w));
            let plan = [
                "triển khai",
                "nhiệm vụ",
                "phương hướng",
                "kế hoạch",
                "chương trình công tác",
                "phấn đấu",
            ]
            .iter()
            .any(|w| tail.contains(w))
                // `năm 2022 tỉnh sẽ thử nghiệm ...`: the plan is said after the year
                || {
                    let after: String = hay[at..].chars().take(40).collect();
                    [" sẽ ", "dự kiến", "phấn đấu"].iter().any(|w| after.contains(w))
                };
            let sentence_start = tail.trim().is_empty() || tail.trim_end().ends_with(['.', ',', '-', ':']);
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
            // `gấp 110 lần năm 1997`, `thành lập năm 1997`, `từ năm 2006 đến nay`
            let t = tail.trim_end();
            let near: String = t.chars().rev().take(14).collect::<Vec<_>>().into_iter().rev().collect();
            // (`tăng 68% so năm 2015`: `so` alone is `so với`)
            if ["so với", "cùng kỳ", "cùng kì", "lần", "thành lập", "từ", "kể từ", "ra đời", "trước", "hơn"]
                .iter()
                .any(|w| t.ends_with(w))
                || t == "so"
                || t.ends_with(" so")
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
    // `BÁO CÁO TÌNH HÌNH HOẠT ĐỘNG THÁNG 10 NĂM 2023`: a monthly report is of its month
    {
        static MONTHLY: OnceLock<Regex> = OnceLock::new();
        let r = re(
            &MONTHLY,
            r"(?:báo cáo|tình hình|kết quả|hoạt động)[^.\n]{0,40}?tháng\s+([0-9]{1,2})\s*(?:năm\s+|/)([0-9]{4})",
        );
        for hay in lead.iter().take(3) {
            if let Some(c) = r.captures(hay)
                && let (Ok(m @ 1..=11), Ok(y)) = (c[1].parse::<u8>(), c[2].parse::<i32>())
            {
                *scores
                    .entry(Period {
                        year: y,
                        part: PeriodPart::Month(m),
                    })
                    .or_insert(0.0) += 4.0;
            }
        }
    }
    // `đến hết tháng 9/2024`: a stock at the end of a month, the months of the year so far
    let mut stock_date: Option<Period> = None;
    {
        static MONTH_END: OnceLock<Regex> = OnceLock::new();
        let r = re(
            &MONTH_END,
            r"(?:đến|tính đến|tới)\s+(?:hết\s+|cuối\s+|giữa\s+|(?:ngày\s+)?[0-9]{1,2}\s*/\s*)?(?:tháng\s+)?([0-9]{1,2}|một|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười một|mười hai|mười)(?:\s*/\s*([0-9]{4})|\s+năm\s+([0-9]{4}))?",
        );
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
                if ["mục tiêu", "phấn đấu", "kế hoạch", "dự kiến", "sẽ"]
                    .iter()
                    .any(|w| before.contains(w))
                {
                    continue;
                }
                // a month without its year (`tính đến hết tháng Sáu`) is of the year reported;
                // a bare number needs `tháng` (`đến 2025` is a year, `đến 31/12/2020` a date)
                let written_month = whole.as_str().contains("tháng");
                let year = c.get(2).or(c.get(3)).and_then(|y| y.as_str().parse::<i32>().ok());
                if year.is_none() && !written_month {
                    continue;
                }
                let m = month_number(&c[1]);
                let (Some(m), Some(y)) = (m, year.or(default_year)) else {
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
    // rule `period.as_of_publication`: `đến nay`, `hiện nay`, `hiện có` in a page that names no
    // period of its own describe the months of the year up to its publication (a January or
    // February page: the year before)
    if !scores.values().any(|s| *s > 0.0)
        && let Some(r) = reference
        && lead
            .iter()
            .chain(lowered.iter())
            .any(|p| ["đến nay", "hiện nay", "hiện có", "hiện đang có"].iter().any(|w| p.contains(w)))
    {
        return if r.month() <= 2 {
            Some(Period::year(r.year() - 1))
        } else {
            Period::first_months(r.year(), r.month() as u8)
        };
    }
    let best = scores
        .into_iter()
        .filter(|(_, s)| *s > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    match best {
        Some((mut p, _)) => {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn abbr() -> HashSet<String> {
        ["tp", "pgs", "ts"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn sentences_survive_numbers_and_abbreviations_and_glued_stops() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Tổng số thuê bao là 2.003.300, đạt 170 thuê bao/100 dân. TP. Thanh Hóa có 20 trạm. PGS. TS. Nguyễn Văn A phát biểu. Hết",
                &[
                    "Tổng số thuê bao là 2.003.300, đạt 170 thuê bao/100 dân.",
                    "TP. Thanh Hóa có 20 trạm.",
                    "PGS. TS. Nguyễn Văn A phát biểu.",
                    "Hết",
                ],
            ),
            // rule sentence.glued_stop (invented text)
            (
                "Doanh thu tăng 6% so với năm 2013.Hiện tại, mạng có 30 triệu thuê bao.Công ty cũng lắp 45 trạm (2G: 20 trạm).Về phía Tp.Hồ Chí Minh, mic.gov.vn có 2.003.300 lượt.",
                &[
                    "Doanh thu tăng 6% so với năm 2013.",
                    "Hiện tại, mạng có 30 triệu thuê bao.",
                    "Công ty cũng lắp 45 trạm (2G: 20 trạm).",
                    "Về phía Tp.Hồ Chí Minh, mic.gov.vn có 2.003.300 lượt.",
                ],
            ),
        ];
        for (p, want) in cases {
            let spans = split_sentences(p, &abbr());
            let got: Vec<&str> = spans.iter().map(|&(s, e)| &p[s..e]).collect();
            assert_eq!(&got, want, "{p}");
        }
    }

    #[test]
    fn a_run_without_full_stops_is_cut_into_bounded_sentences() {
        let p = (0..500)
            .map(|i| format!("huyện {i} có {i} thuê bao"))
            .collect::<Vec<_>>()
            .join("; ");
        let spans = split_sentences(&p, &abbr());
        assert!(spans.len() > 5);
        assert!(spans.iter().all(|(s, e)| e - s <= MAX_SENTENCE));
        // nothing is lost: the spans cover the text but for the white space between them
        let joined: String = spans.iter().map(|&(s, e)| p[s..e].trim()).collect::<Vec<_>>().join(" ");
        assert_eq!(joined.split_whitespace().count(), p.split_whitespace().count());
    }

    #[test]
    fn repairs_a_year_with_a_dropped_digit_from_the_years_the_text_mentions() {
        let years = BTreeMap::from([(2009, 3), (2010, 4)]);
        assert_eq!(repair_year("210", &years), Some(2010));
        assert_eq!(repair_year("209", &years), Some(2009));
        assert_eq!(repair_year("999", &BTreeMap::new()), None);
    }
}

#[cfg(test)]
mod metadata_tests {
    use super::*;
    use std::path::Path;

    fn meta_of(text: &str) -> DocMeta {
        let r = crate::config::Resources::load(Some(Path::new("schemas")), Some(Path::new("data/reference/provinces.csv"))).unwrap();
        let raw = RawDoc {
            doc: "t".into(),
            source: "t".into(),
            line: None,
            format: crate::records::Format::Txt,
            encoding: "utf-8".into(),
            content_hash: String::new(),
            text: text.into(),
            given: Default::default(),
            warnings: Vec::new(),
        };
        clean(raw, &r.clean, &r.provinces, &r.outlets).0.meta
    }

    #[test]
    fn the_address_of_a_page_gives_its_date_words_and_host() {
        assert_eq!(
            url_host("https://m.BaoThaiNguyen.vn/tin-tuc/x.html").as_deref(),
            Some("m.baothainguyen.vn")
        );
        assert_eq!(
            url_words("http://dic.gov.vn/vi/news/tinh-dien-bien-tap-trung.html"),
            "vi news tinh dien bien tap trung html"
        );
        assert_eq!(url_date("https://hotvietnam.net/doanh-thu-20200707095743042.html"), ymd(2020, 7, 7));
        assert_eq!(url_date("https://x.vn/2015/06/22/bai-viet"), ymd(2015, 6, 22));
        assert_eq!(url_date("https://cafef.vn/ty-le-188230630135401355.chn"), None);
        assert_eq!(url_date("https://x.vn/2015/0622/bai"), None);
        assert_eq!(url_month("https://bao.vn/khoa-hoc/202401/975-dan-so-1000127"), ymd(2024, 1, 1));
        assert_eq!(url_month("https://x.vn/2015/06/bai"), ymd(2015, 6, 1));
        assert_eq!(url_month("https://x.vn/tin/2015-bai-13/"), None);
        assert_eq!(date_stamp(" date 2023-03 Theo Bộ TT&TT"), Some((2023, 3, None)));
        assert_eq!(date_stamp("date 2025-10-24 Hạ tầng"), Some((2025, 10, Some(24))));
        assert_eq!(date_stamp("date 2025-13 x"), None);
        assert_eq!(date_stamp("Ngày 2023-03"), None);
        assert_eq!(
            slug_year(&url_words("https://x.vn/Hoat-dong-nganh-tinh-nam-2010--Nhung-ket-qua.html")),
            Some(2010)
        );
        assert_eq!(slug_year(&url_words("https://x.vn/giai-doan-2016-2020-12345.html")), None);
        // rule period.url_months
        let months = |u: &str| slug_months(&url_words(u), Some(2020)).map(|p| p.to_string());
        assert_eq!(
            months("https://x.vn/doanh-thu-vien-thong-den-het-thang-5-dat-52-nghin-ty-2020070709.html").as_deref(),
            Some("2020-5M")
        );
        assert_eq!(
            months("https://x.vn/9-thang-dau-nam-2022-thue-bao-tang.html").as_deref(),
            Some("2022-9M")
        );
        assert_eq!(months("https://x.vn/quy-1-nam-2021-doanh-thu.html"), None);
        assert_eq!(months("https://x.vn/12-thang-qua-ket-qua.html"), None);
        assert_eq!(
            slug_year(&url_words("https://x.vn/mic_2020/Pages/Tinh-Dak-Nong-nam-2010-ket-qua.html")),
            Some(2010)
        );
        assert_eq!(slug_year(&url_words("https://x.vn/tin-tuc-281794-85.html")), None);
    }

    #[test]
    fn date_and_outlet_forms_table() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        // (text, published, event, outlet)
        type Case<'a> = (&'a str, Option<NaiveDate>, Option<NaiveDate>, Option<&'a str>);
        let cases: &[Case] = &[
            (
                "Tin Hà Tĩnh\n\n15:16:24 | 7/2/2012\n\nNăm 2011, ngành ...",
                d(2012, 2, 7),
                None,
                None,
            ),
            (
                "Tin\n\nThứ năm, 27/03/2014 10:50\n\nSáng 26/03/2014, Sở tổ chức hội nghị.",
                d(2014, 3, 27),
                d(2014, 3, 26),
                None,
            ),
            (
                "Tin\n\nCập nhật: 10/01/2017 - 15:20\n\n(BDO) Ngày 10-1, hội nghị tổng kết.",
                d(2017, 1, 10),
                d(2017, 1, 10),
                Some("baobinhduong.vn"),
            ),
            (
                "Tin\n\n16:42, 30/12/2014\n\nHGĐT- Chiều 30.12, Sở tổ chức hội nghị.",
                d(2014, 12, 30),
                d(2014, 12, 30),
                Some("baohagiang.vn"),
            ),
            (
                "Tin\n\nThứ Hai, 05/01/2015 - 10:12\n\n(BLC) - Sáng 30/12, Sở tổ chức.",
                d(2015, 1, 5),
                d(2014, 12, 30),
                Some("baolaocai.vn"),
            ),
            (
                "Tin\n\n(Mic.gov.vn) - Ngày 16/1/2009, Sở TT&TT Phú Thọ tổ chức hội nghị.",
                None,
                d(2009, 1, 16),
                Some("mic.gov.vn"),
            ),
            ("Tin\n\nTheo Công văn số 12/UBND ngày 14-9-2018, Sở triển khai.", None, None, None),
        ];
        for (text, published, event, outlet) in cases {
            let text = text.to_string();
            let m = meta_of(&text);
            assert_eq!(m.published, *published, "published: {text}");
            assert_eq!(m.event_date, *event, "event: {text}");
            assert_eq!(m.outlet.as_deref(), *outlet, "outlet: {text}");
        }
    }

    /// A JSONL document with the metadata a caller gave, cleaned with the shipped rules.
    fn cleaned(text: &str, given: crate::records::GivenMeta) -> CleanDoc {
        let r = crate::config::Resources::load(Some(Path::new("schemas")), Some(Path::new("data/reference/provinces.csv"))).unwrap();
        let raw = RawDoc {
            doc: "t".into(),
            source: "t".into(),
            line: None,
            format: crate::records::Format::Jsonl,
            encoding: "utf-8".into(),
            content_hash: String::new(),
            text: text.into(),
            given,
            warnings: Vec::new(),
        };
        clean(raw, &r.clean, &r.provinces, &r.outlets).0
    }

    fn meta_with_url(text: &str, url: &str) -> DocMeta {
        let given = crate::records::GivenMeta {
            url: Some(url.into()),
            ..Default::default()
        };
        cleaned(text, given).meta
    }

    #[test]
    fn a_stated_province_decides_and_an_unknown_one_is_ignored_with_a_warning() {
        // rule province.given (invented text)
        let doc = |given: Option<&str>| {
            let given = crate::records::GivenMeta {
                province: given.map(String::from),
                ..Default::default()
            };
            cleaned("Sở TT&TT Nghệ An tổng kết năm 2020\n\nToàn tỉnh có 120 trạm BTS mới.", given)
        };
        let name = |d: &CleanDoc| d.meta.province.as_ref().map(|p| p.name.clone());
        assert_eq!(name(&doc(None)).as_deref(), Some("Nghệ An"));
        assert_eq!(name(&doc(Some("Hà Tĩnh"))).as_deref(), Some("Hà Tĩnh"));
        assert_eq!(name(&doc(Some("42"))).as_deref(), Some("Hà Tĩnh"));
        let unknown = doc(Some("Atlantis"));
        assert_eq!(name(&unknown).as_deref(), Some("Nghệ An"));
        assert!(unknown.warnings.iter().any(|w| w.contains("`Atlantis`")), "{:?}", unknown.warnings);
    }

    #[test]
    fn a_provincial_outlet_writing_of_the_country_is_national_and_of_itself_its_province() {
        // rule province.outlet yields to province.national when the text names no province
        // (invented figures)
        let national = meta_with_url(
            "Điện thoại cố định ngày càng ít\n\nTheo Bộ TT&TT, số thuê bao điện thoại cố định của Việt Nam đến hết tháng 6 năm 2019 còn 4,1 triệu.",
            "https://kinhtedothi.vn/dien-thoai-co-dinh.html",
        );
        assert_eq!(national.province.map(|p| p.name).as_deref(), Some("Việt Nam"));
        let own = meta_with_url(
            "Hạ tầng viễn thông phát triển\n\nTheo Sở TT&TT, toàn thành phố có 12.000 trạm BTS.",
            "https://kinhtedothi.vn/ha-tang.html",
        );
        assert_eq!(own.province.map(|p| p.name).as_deref(), Some("Hà Nội"));
    }

    #[test]
    fn a_page_naming_no_province_is_national_unless_it_speaks_of_its_own_department() {
        // rule province.national, its cues from clean.toml (invented figures)
        let national = meta_of(
            "Các doanh nghiệp viễn thông nộp 40.000 tỷ đồng\n\nNăm 2022, tổng doanh thu dịch vụ viễn thông ước đạt 135.000 tỷ đồng; nộp ngân sách nhà nước 40.000 tỷ đồng.",
        );
        assert_eq!(national.province.map(|p| p.name).as_deref(), Some("Việt Nam"));
        let local = meta_of(
            "Hạ tầng viễn thông tiếp tục phát triển\n\nTheo Sở TT&TT, năm 2022 toàn tỉnh có 1.200 trạm BTS; nộp ngân sách nhà nước 40 tỷ đồng.",
        );
        assert_eq!(local.province, None);
        let unknown = meta_of("Hạ tầng viễn thông tiếp tục phát triển\n\nNăm 2022 có 1.200 trạm BTS.");
        assert_eq!(unknown.province, None);
    }

    #[test]
    fn province_and_period_table() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "Sở TT&TT Phú Thọ triển khai công tác năm 2009\n\nNgày 16/1/2009, Sở tổ chức Hội nghị tổng kết công tác năm 2008 và triển khai nhiệm vụ năm 2009.",
                "Phú Thọ",
                "2008",
            ),
            (
                "Nghệ An triển khai chương trình công tác quý II/2014\n\nSáng 26/03/2014, Sở TT&TT Nghệ An đánh giá công tác quý I và triển khai chương trình công tác quý II/2014.",
                "Nghệ An",
                "2014-Q1",
            ),
            (
                "An Giang: Sơ kết công tác 6 tháng đầu năm 2021\n\nSáng 13/7/2021, Sở tổ chức sơ kết công tác 6 tháng đầu năm và triển khai nhiệm vụ 6 tháng cuối năm 2021.",
                "An Giang",
                "2021-H1",
            ),
            (
                "Bộ Thông tin và Truyền thông triển khai nhiệm vụ năm 2013\n\nSáng 26/12/2012, tại Hà Nội, Bộ tổ chức Hội nghị tổng kết công tác năm 2012.",
                "Việt Nam",
                "2012",
            ),
            (
                "Đắk Nông: Tổng kết ngành\n\nSở Thông tin và Truyền thông tỉnh Đak Nông tổ chức hội nghị tổng kết công tác năm 2009.",
                "Đắk Nông",
                "2009",
            ),
            (
                "Thành phố Hồ Chí Minh: kết quả 9 tháng năm 2019\n\nSở TT&TT TP.HCM đánh giá kết quả 9 tháng năm 2019.",
                "TP Hồ Chí Minh",
                "2019-9M",
            ),
            (
                "Tình hình phát triển viễn thông 10 tháng đầu năm 2017\n\nTính đến hết tháng 10/2017, Sở TT&TT Bắc Ninh cho biết toàn tỉnh có 1.460 nghìn thuê bao.",
                "Bắc Ninh",
                "2017-10M",
            ),
            (
                "BÁO CÁO TÌNH HÌNH HOẠT ĐỘNG THÁNG 11 NĂM 2011\n\nTrong tháng 11, Bộ Thông tin và Truyền thông đã ban hành 5 văn bản.",
                "Việt Nam",
                "2011-M11",
            ),
            (
                "Hạ tầng viễn thông Hưng Yên\n\nThứ ba, 31/10/2017 - 16:01\n\nĐến nay toàn tỉnh Hưng Yên có 1.120 trạm BTS, mật độ điện thoại gấp 90 lần năm 1997; Bưu điện tỉnh thành lập năm 1997.",
                "Hưng Yên",
                "2017-10M",
            ),
            (
                "Hạ tầng viễn thông Hưng Yên\n\nThứ năm, 12/01/2017 - 08:01\n\nHiện nay toàn tỉnh Hưng Yên có 1.120 trạm BTS.",
                "Hưng Yên",
                "2016",
            ),
            (
                "Lượng thuê bao cả nước tiếp tục tăng\n\nTheo Tổng cục Thống kê, quý I/2012 cả nước có 134 triệu thuê bao; tại Hà Nội, các doanh nghiệp mở thêm điểm giao dịch.",
                "Việt Nam",
                "2012-Q1",
            ),
            // rule period.comparison_base: every year is a base; `cùng kỳ năm 2011` dates it 2012
            (
                "Thuê bao cả nước tăng trong quý đầu\n\nBa tháng đầu năm, cả nước phát triển mới 2,6 triệu thuê bao, tăng 35% so với cùng kỳ năm 2011; thuê bao Internet tại Hà Nội tăng 17% so với cùng kỳ năm 2011.",
                "Việt Nam",
                "2012-Q1",
            ),
            (
                "Thuê bao di động của Thái Nguyên vượt 1 triệu\n\nDoanh thu bưu chính tăng 23% so với cùng kỳ năm 2019; số trạm phát sóng ở Thái Nguyên tăng 50% so với năm 2015.",
                "Thái Nguyên",
                "2020",
            ),
            // a month without its year ends the months reported (`tính đến hết tháng Sáu`)
            (
                "Thuê bao di động băng rộng tăng nhanh trong năm 2019\n\nTính đến hết tháng Sáu, cả nước có 134,5 triệu thuê bao, bằng 112% so với cùng kỳ năm 2018.",
                "Việt Nam",
                "2019-H1",
            ),
            // `10 tháng năm nay`: this year's first ten months
            (
                "Thuê bao mới ngày càng ít\n\n14:26 31/10/2011\n\nSố thuê bao điện thoại phát triển mới của cả nước 10 tháng năm nay ước đạt 9,3 triệu.",
                "Việt Nam",
                "2011-10M",
            ),
            // `ước tính đến 31/12/2020` in a November article: the year
            (
                "Đắk Lắk xử lý thuê bao rác (25/11/2020, 15:06)\n\nSở TT&TT Đắk Lắk ước tính đến 31/12/2020 tổng số thuê bao đạt 1,95 triệu; cùng kỳ năm 2019 là 2 triệu thuê bao (năm 2019 tỉnh thu hồi 50 số).",
                "Đắk Lắk",
                "2020",
            ),
        ];
        for (text, province, period) in cases {
            let text = text.to_string();
            let m = meta_of(&text);
            assert_eq!(m.province.map(|p| p.name).as_deref(), Some(*province), "{text}");
            assert_eq!(m.period.map(|p| p.to_string()).as_deref(), Some(*period), "{text}");
        }
    }
}
