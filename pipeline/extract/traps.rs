//! Numbers that are not statistics: document numbers, dates, times, years, periods,
//! standards, technology generations, levels, phone numbers, ordinals, names with numbers.
//!
//! Input: one sentence (text and its byte offset in the document) and the lexicon's trap
//! patterns (`[[trap]]` in `lexicon.toml`: data, compiled and checked at load into a
//! [`TrapSet`]). Output: [`Trap`] spans with their kind and a reason. The extractor records them
//! as mentions and never reads a figure inside them. Patterns are tried in the lexicon's order,
//! most specific first; a span already claimed is not claimed again. Two rules stay code: a
//! year written alone (`bare_years`, unless a unit follows) and a list item's number.
//! Invariant: every pattern's match holds an ASCII digit, but a quarter in Roman numerals (`quý
//! II`): a sentence with neither is not searched. Searching only the patterns the set names, and
//! only such sentences, finds what searching every pattern in every sentence finds: a
//! differential proptest over generated sentences holds [`find`] to it. A document's sentences
//! are searched together ([`find_each`]), pattern by pattern: each sentence gets what [`find`]
//! gives it (a second proptest).

use std::sync::OnceLock;

use regex::Regex;

use crate::records::MentionKind;

/// A recognised non-statistic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap<'t> {
    pub start: usize,
    pub end: usize,
    pub kind: MentionKind,
    /// The pattern's reason (`lexicon.toml`) or the rule's.
    pub reason: &'t str,
    /// For years and periods: the year named.
    pub year: Option<i32>,
    /// The trap names a span of years (`giai đoạn 2016 - 2020`), not one year: no year of a
    /// target (its pattern's `span = true`).
    pub span: bool,
}

/// One `[[trap]]` of the lexicon, as written.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrapDef {
    pattern: String,
    kind: String,
    reason: String,
    #[serde(default)]
    group: usize,
    #[serde(default)]
    span: bool,
}

#[derive(Debug)]
struct Pattern {
    re: Regex,
    kind: MentionKind,
    reason: String,
    /// capture group that holds the span to record (0 = whole match)
    group: usize,
    span: bool,
    /// whether the pattern is searched with its capture groups (it records a group, or reads a
    /// year): a whole-match pattern that reads no year takes the regex engine's fast path
    captures: bool,
}

/// The lexicon's trap patterns, compiled once (rule `trap.pattern`), and all of them as one set:
/// one pass over a sentence tells which patterns can match at all, so only those are run for
/// their spans (most sentences hold one or two kinds of trap).
#[derive(Debug)]
pub struct TrapSet {
    patterns: Vec<Pattern>,
    set: regex::RegexSet,
    /// Tells this set from any other one a worker thread met: the key of its kept group slots.
    instance: u64,
}

/// Distinct [`TrapSet`]s made in this process, counted from 1: a worker's [`SLOTS`] start as
/// the slots of set 0, which is none.
static INSTANCES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

thread_local! {
    /// Each worker's group slots of the patterns read with their groups, kept across sentences
    /// and documents for one trap set at a time: the groups of a match are read into slots made
    /// once, not into a new `Captures` per match (an allocation, and a count shared by every
    /// thread on the pattern's group names raised and lowered).
    static SLOTS: std::cell::RefCell<(u64, Vec<Option<regex::CaptureLocations>>)> = Default::default();
}

impl TrapSet {
    /// Compile and check the lexicon's `[[trap]]` entries: every pattern compiles, its kind is a
    /// trap's, its group exists.
    pub(crate) fn new(defs: &[TrapDef]) -> Result<Self, String> {
        use MentionKind::*;
        if defs.is_empty() {
            return Err("no [[trap]] patterns: every number would be read as a figure".into());
        }
        let mut patterns = Vec::with_capacity(defs.len());
        for (i, d) in defs.iter().enumerate() {
            let at = || format!("trap {} (`{}`)", i + 1, d.reason);
            let re = Regex::new(&d.pattern).map_err(|e| format!("{}: {e}", at()))?;
            // (a trap's kind is named as the mentions table names it)
            let kind = [
                Standard,
                DocNumber,
                Time,
                Date,
                Period,
                Name,
                Level,
                Phone,
                Ordinal,
                Denominator,
                Year,
            ]
            .into_iter()
            .find(|k| k.as_str() == d.kind)
            .ok_or_else(|| format!("{}: unknown kind {:?}", at(), d.kind))?;
            if d.group >= re.captures_len() {
                return Err(format!(
                    "{}: group {} but the pattern has {} groups",
                    at(),
                    d.group,
                    re.captures_len() - 1
                ));
            }
            if d.span && kind != Year {
                return Err(format!("{}: only a year trap names a span of years", at()));
            }
            if d.reason.trim().is_empty() {
                return Err(format!("{}: no reason", at()));
            }
            let captures = d.group != 0 || matches!(kind, Year | Period);
            patterns.push(Pattern {
                re,
                kind,
                reason: d.reason.clone(),
                group: d.group,
                span: d.span,
                captures,
            });
        }
        let set = regex::RegexSet::new(patterns.iter().map(|p| p.re.as_str())).map_err(|e| e.to_string())?;
        Ok(TrapSet {
            patterns,
            set,
            instance: INSTANCES.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }
}

/// The years 1950–2049 written alone (four digits with an ASCII word boundary on each side),
/// as the pattern `(?-u:\b)(19[5-9][0-9]|20[0-4][0-9])(?-u:\b)` finds them, by a byte loop: it
/// ran over every sentence with a digit.
fn bare_years(sentence: &str) -> impl Iterator<Item = (usize, usize, i32)> + '_ {
    super::token::four_digit_numbers(sentence.as_bytes()).filter(|&(_, _, y)| (1950..=2049).contains(&y))
}

/// Every match of pattern `i` (one read with its groups) in `sentence`, left to right as
/// `captures_iter` finds them: the span of its group, and for a year or period the year the
/// first of its groups that holds one names (else the span recorded). The groups are read into
/// this worker's kept slots of the pattern ([`SLOTS`]).
fn each_capture(traps: &TrapSet, i: usize, sentence: &str, out: &mut Vec<((usize, usize), Option<i32>)>) {
    let pat = &traps.patterns[i];
    let reads_year = matches!(pat.kind, MentionKind::Year | MentionKind::Period);
    SLOTS.with_borrow_mut(|(instance, kept)| {
        if *instance != traps.instance {
            *instance = traps.instance;
            kept.clear();
            kept.resize_with(traps.patterns.len(), || None);
        }
        let locs = kept[i].get_or_insert_with(|| pat.re.capture_locations());
        let from = out.len();
        let mut at = 0;
        while let Some(whole) = pat.re.captures_read_at(locs, sentence, at) {
            // an empty match (a pattern of the lexicon may allow one) is stepped over as the
            // iterator steps: that pattern is read by the iterator itself
            if whole.is_empty() {
                out.truncate(from);
                each_capture_by_iter(pat, sentence, out);
                return;
            }
            at = whole.end();
            let Some(span) = locs.get(pat.group) else { continue };
            let year = reads_year
                .then(|| {
                    (1..locs.len())
                        .filter_map(|g| locs.get(g))
                        .chain(std::iter::once(span))
                        .find_map(|(s, e)| year_in(&sentence[s..e]))
                })
                .flatten();
            out.push((span, year));
        }
    });
}

/// [`each_capture`] by the regex crate's own iterator, a new `Captures` per match: what a
/// pattern that can match the empty string is read with, and the reference of a differential
/// test.
fn each_capture_by_iter(pat: &Pattern, sentence: &str, out: &mut Vec<((usize, usize), Option<i32>)>) {
    let reads_year = matches!(pat.kind, MentionKind::Year | MentionKind::Period);
    out.extend(pat.re.captures_iter(sentence).filter_map(|c| {
        let m = c.get(pat.group)?;
        let year = reads_year
            .then(|| {
                c.iter()
                    .skip(1)
                    .flatten()
                    .chain(std::iter::once(m))
                    .find_map(|g| year_in(g.as_str()))
            })
            .flatten();
        Some(((m.start(), m.end()), year))
    }));
}

/// The year 1950–2049 a trap's group opens with (`2014`, ` 2016 - 2020`).
fn year_in(text: &str) -> Option<i32> {
    text.trim()
        .get(..4)
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| (1950..=2049).contains(y))
}

fn list_marker() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^\s*([0-9]{1,2})\s?[.)/]\s").expect("list pattern"))
}

/// Find the traps of one sentence. `base` is the sentence's byte offset in the document;
/// `unit_follows(end)` tells whether a unit word follows a bare 4-digit number (then it is a
/// quantity, not a year).
pub fn find<'t>(traps: &'t TrapSet, sentence: &str, base: usize, unit_follows: &dyn Fn(usize) -> bool) -> Vec<Trap<'t>> {
    if !may_hold_traps(sentence) {
        return Vec::new();
    }
    // only the patterns the set says can match are searched for their spans: the same traps as
    // searching every pattern (a differential test below holds the two to it)
    let mut out = Vec::new();
    let mut found = Vec::new();
    for i in traps.set.matches(sentence).into_iter() {
        claim(traps, i, sentence, base, unit_follows, &mut out, &mut found);
    }
    finish(sentence, base, unit_follows, &mut out);
    out
}

/// [`find`] for every sentence of a text (`sentences`: byte spans of `text`), pattern by
/// pattern: first the set over every sentence, then each pattern over the sentences the set
/// named it for. A pattern's automaton stays warm from one sentence to the next, where a
/// sentence at a time went from the set to three or four patterns and back for each sentence.
/// Each sentence's traps are those [`find`] gives it: its patterns are still tried in lexicon
/// order, and a sentence's claims depend on that sentence alone (a test holds the two equal).
pub fn find_each<'t>(
    traps: &'t TrapSet,
    text: &str,
    sentences: impl Iterator<Item = (usize, usize)>,
    unit_follows: &dyn Fn(usize) -> bool,
) -> Vec<Vec<Trap<'t>>> {
    let spans: Vec<(usize, usize)> = sentences.collect();
    let named: Vec<Option<regex::SetMatches>> = spans
        .iter()
        .map(|&(s, e)| may_hold_traps(&text[s..e]).then(|| traps.set.matches(&text[s..e])))
        .collect();
    let mut out: Vec<Vec<Trap<'t>>> = vec![Vec::new(); spans.len()];
    let mut found = Vec::new();
    for i in 0..traps.patterns.len() {
        for ((&(s, e), m), traps_of) in spans.iter().zip(&named).zip(out.iter_mut()) {
            if m.as_ref().is_some_and(|m| m.matched(i)) {
                claim(traps, i, &text[s..e], s, unit_follows, traps_of, &mut found);
            }
        }
    }
    for ((&(s, e), m), traps_of) in spans.iter().zip(&named).zip(out.iter_mut()) {
        if m.is_some() {
            finish(&text[s..e], s, unit_follows, traps_of);
        }
    }
    out
}

/// Every trap holds a digit, but for the spelled quarter (`quý II`): a sentence with neither
/// is not searched.
fn may_hold_traps(sentence: &str) -> bool {
    // (the searcher of `uý` built once: `str::contains` builds one at every call)
    static QUARTER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("uý".as_bytes()));
    super::token::first_digit(sentence.as_bytes()).is_some() || QUARTER.find(sentence.as_bytes()).is_some()
}

/// Whether a span overlaps a trap already claimed.
fn overlaps(out: &[Trap], s: usize, e: usize) -> bool {
    out.iter().any(|t| s < t.end && t.start < e)
}

/// The matches of pattern `i` in `sentence` that claim a span no earlier pattern claimed, added
/// to `out`; `found` is a buffer for the pattern's matches before they are judged.
fn claim<'t>(
    traps: &'t TrapSet,
    i: usize,
    sentence: &str,
    base: usize,
    unit_follows: &dyn Fn(usize) -> bool,
    out: &mut Vec<Trap<'t>>,
    found: &mut Vec<((usize, usize), Option<i32>)>,
) {
    let pat = &traps.patterns[i];
    found.clear();
    if pat.captures {
        each_capture(traps, i, sentence, found);
    } else {
        found.extend(pat.re.find_iter(sentence).map(|m| ((m.start(), m.end()), None)));
    }
    for &((ms, me), year) in found.iter() {
        let (s, e) = (base + ms, base + me);
        if overlaps(out, s, e) {
            continue;
        }
        // (`năm 2020 thuê bao cố định sẽ đạt`: a year its cue names stays a year)
        let named = {
            let before = sentence[..ms].trim_end();
            before.ends_with("năm") || before.ends_with("Năm") || before.ends_with("NĂM")
        };
        if pat.kind == MentionKind::Year && unit_follows(e) && !named {
            continue;
        }
        // `từ 8 - 10%` is a range of percentages, not the 8th of October
        if pat.kind == MentionKind::Date && sentence[me..].trim_start().starts_with('%') {
            continue;
        }
        out.push(Trap {
            start: s,
            end: e,
            kind: pat.kind,
            reason: &pat.reason,
            year,
            span: pat.span,
        });
    }
}

/// After the patterns: the bare years and the list marker, then the traps in text order.
fn finish(sentence: &str, base: usize, unit_follows: &dyn Fn(usize) -> bool, out: &mut Vec<Trap<'_>>) {
    for (ms, me, year) in bare_years(sentence) {
        let (s, e) = (base + ms, base + me);
        // a year written with no cue: only when no unit follows (2015 thuê bao is a count)
        let glued = sentence[..ms].ends_with(['.', ','])
            || sentence[me..].starts_with(['.', ',']) && sentence[me + 1..].starts_with(|c: char| c.is_ascii_digit());
        if overlaps(out, s, e) || glued || unit_follows(e) {
            continue;
        }
        out.push(Trap {
            start: s,
            end: e,
            kind: MentionKind::Year,
            reason: "year",
            year: Some(year),
            span: false,
        });
    }
    // (most sentences open with no number: the groups are read only of one that does)
    if let Some(c) = crate::grammar::captures_seldom(list_marker(), sentence) {
        let m = c.get(1).expect("group");
        if !overlaps(out, base + m.start(), base + m.end()) {
            out.push(Trap {
                start: base + m.start(),
                end: base + m.end(),
                kind: MentionKind::ListMarker,
                reason: "list item number",
                year: None,
                span: false,
            });
        }
    }
    out.sort_by_key(|t| t.start);
}

#[cfg(test)]
mod tests;
