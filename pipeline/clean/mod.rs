//! Clean: decoded text → [`CleanDoc`] with sentences and document metadata.
//!
//! Input: a [`RawDoc`] and the clean rules (`schemas/clean.toml`). Output: the cleaned text
//! (NFC, web debris and repeated paragraphs removed), its sentences (byte spans), and the
//! metadata every fact inherits: title, outlet, dates (repaired and marked when impossible),
//! province, report period. Invariant: `text` is what spans point into; it is never rewritten
//! after sentences are cut.

use std::collections::HashSet;
use std::path::Path;

use regex::{Regex, RegexSet};
use serde::Deserialize;

use crate::records::{CleanDoc, Period, ProvinceRef, RawDoc, Sentence};
use crate::reference::{Outlets, Provinces};
use crate::text::match_form;
use crate::{Error, Result};

mod meta;
mod period;
mod province;
mod sentences;
#[cfg(test)]
mod tests;
mod url;
mod wrap;

use meta::metadata;
pub use sentences::split_sentences;
pub(crate) use url::{url_host, url_path};

#[derive(Debug, Deserialize)]
struct CleanFile {
    schema_version: String,
    debris_lines: Vec<String>,
    caption_lines: Vec<String>,
    prose_openers: Vec<String>,
    abbreviations: Vec<String>,
    dedupe_min_words: usize,
    national_cues: Vec<String>,
    local_cues: Vec<String>,
    venue_cues: Vec<String>,
    #[serde(default)]
    venue_before: Vec<String>,
    period: period::PeriodWords,
    /// The period phrases clean reads with capture groups ([`period::CleanGrammar`]).
    grammar: period::CleanGrammarFile,
}

/// Compiled clean rules.
#[derive(Debug)]
pub struct CleanRules {
    pub version: String,
    /// Every debris pattern in one set: a line is tested once, not once per pattern.
    debris: RegexSet,
    /// Rule `title.not_caption`: a photo caption is never the title.
    caption: RegexSet,
    /// Rule `title.not_prose`: a line opening with one of these and a comma is body text.
    prose_openers: Vec<String>,
    abbreviations: HashSet<String>,
    dedupe_min_words: usize,
    /// Words of a document that names no province and reports the country's figures.
    national_cues: crate::text::Needles,
    /// Words of a document that names no province but reports one (its own department).
    local_cues: crate::text::Needles,
    /// Words of a sentence that names a province only as where an event took place
    /// (`hội nghị ... tổ chức tại Hà Nội`): rule `province.venue`.
    venue_cues: Vec<String>,
    /// Words right before a province that name it as where someone took part, whatever the
    /// sentence (`điểm cầu Thừa Thiên Huế tham dự hội nghị trực tuyến`): rule `province.venue`.
    venue_before: Vec<String>,
    /// The words that tell a reviewed period from a planned one or a comparison base.
    period: period::PeriodWords,
    /// The period phrases, compiled and checked (`clean.toml` `[grammar]`).
    grammar: period::CleanGrammar,
}

/// One set of whole-line patterns (case-insensitive), each compiled on its own first so that a
/// bad one is named in the error.
fn line_set(patterns: &[String], what: &str, path: &Path) -> Result<RegexSet> {
    for p in patterns {
        Regex::new(&format!("(?i){p}")).map_err(|e| Error::config("clean rules", path, format!("{what} pattern {p:?}: {e}")))?;
    }
    RegexSet::new(patterns.iter().map(|p| format!("(?i){p}")))
        .map_err(|e| Error::config("clean rules", path, format!("{what} patterns: {e}")))
}

impl CleanRules {
    /// Words right before a period that name it as planned for (`nhiệm vụ năm 2020`), in match
    /// form (`clean.toml` `[period] plan`).
    pub(crate) fn plan_words(&self) -> &[String] {
        &self.period.plan
    }

    /// Words that name the province's own department or committee, or the whole province, in
    /// match form (`clean.toml` `local_cues`).
    pub(crate) fn local_cues(&self) -> &[String] {
        &self.local_cues
    }

    pub fn parse(text: &str, origin: &Path) -> Result<Self> {
        let path = origin.join("clean.toml");
        let f: CleanFile = toml::from_str(text).map_err(|e| Error::config("clean rules", &path, e))?;
        // the period words are searched in match form: a word written otherwise never matches
        let p = &f.period;
        for (list, words) in [
            ("[period] review", &p.review[..]),
            ("[period] plan", &p.plan[..]),
            ("[period] plan_after", &p.plan_after),
            ("[period] baseline_before", &p.baseline_before),
            ("[period] year_baseline", &p.year_baseline),
            ("[period] target_date", &p.target_date),
            ("[period] as_of_publication", &p.as_of_publication),
            ("[period] year_end_forecast", &p.year_end_forecast),
            ("prose_openers", &f.prose_openers),
        ] {
            if let Some(w) = words.iter().find(|w| w.trim().is_empty() || match_form(w) != **w) {
                return Err(Error::config(
                    "clean rules",
                    &path,
                    format!("{list}: {w:?} is not in match form (lowercase, composed)"),
                ));
            }
        }
        let grammar = period::CleanGrammar::new(&f.grammar).map_err(|e| Error::config("clean rules", &path, e))?;
        let debris = line_set(&f.debris_lines, "debris", &path)?;
        let caption = line_set(&f.caption_lines, "caption", &path)?;
        Ok(CleanRules {
            version: f.schema_version,
            debris,
            caption,
            prose_openers: f.prose_openers.iter().map(|w| match_form(w)).collect(),
            abbreviations: f.abbreviations.iter().map(|a| a.to_lowercase()).collect(),
            dedupe_min_words: f.dedupe_min_words,
            national_cues: f.national_cues.iter().map(|w| match_form(w)).collect::<Vec<_>>().into(),
            local_cues: f.local_cues.iter().map(|w| match_form(w)).collect::<Vec<_>>().into(),
            venue_cues: f.venue_cues.iter().map(|w| match_form(w)).collect(),
            venue_before: f.venue_before.iter().map(|w| format!("{} ", match_form(w).trim())).collect(),
            period: f.period,
            grammar,
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
    let (doc, report, _) = clean_scanned(raw, rules, provinces, outlets, None);
    (doc, report)
}

/// Clean one document and, given the lexicon's document scan, scan its match form once: the
/// province search reads the scan, and extract takes it over (no second pass over the text).
/// Cleaning is three phases ([`lines`], [`Lined::scan`], [`Lined::finish`]), which a group of
/// documents runs one at a time over the whole group (rule `run.stage_groups`).
pub fn clean_scanned(
    raw: RawDoc,
    rules: &CleanRules,
    provinces: &Provinces,
    outlets: &Outlets,
    union: Option<&crate::text::PhraseUnion>,
) -> (CleanDoc, CleanReport, Option<crate::text::DocScan>) {
    let lined = lines(raw, rules);
    let scan = union.map(|u| lined.scan(u));
    lined.finish(scan, rules, provinces, outlets)
}

/// A document cleaned as far as its text and sentences: what cleaning has before the document
/// scan and the metadata ([`lines`]).
pub(crate) struct Lined {
    raw: RawDoc,
    report: CleanReport,
    /// The kept paragraphs, and the match form of each (the repeat check's key, then what
    /// metadata searches).
    paragraphs: Vec<String>,
    lowered: Vec<String>,
    text: String,
    sentences: Vec<Sentence>,
}

/// The first phase of cleaning: the text's lines joined where the page broke them, debris and
/// repeated paragraphs dropped, the paragraphs joined into the text and cut into sentences.
pub(crate) fn lines(raw: RawDoc, rules: &CleanRules) -> Lined {
    let mut report = CleanReport::default();
    // the paragraphs kept so far, as indices into `lowered` keyed by their match form's hash:
    // a copy of every paragraph as the key was one more copy of the document in memory
    let mut seen: hashbrown::HashTable<usize> = hashbrown::HashTable::new();
    let hash = |s: &str| std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, s);
    let mut paragraphs: Vec<String> = Vec::new();
    // the match form of each kept paragraph: the repeat check's key, then what metadata
    // searches (computed once)
    let mut lowered: Vec<String> = Vec::new();
    // rule `clean.hard_wrap`: a sentence the page broke over lines is one line again
    // (rule `clean.squash_once`: the text's white space looked for once, not line by line)
    let squasher = crate::text::LineSquasher::new(&raw.text);
    for line in wrap::join_wrapped(crate::text::lines(&raw.text).map(|l| squasher.squash(l))) {
        if line.is_empty() {
            continue;
        }
        // debris lines are short; a paragraph is never checked against them
        if line.len() <= 160 && rules.debris.is_match(&line) {
            report.debris_lines += 1;
            continue;
        }
        // rule `date.stamp_apart`: the store's date stamp is no part of the first sentence
        // (metadata reads it from the raw text)
        let line = match url::date_stamp_end(&line).filter(|_| paragraphs.is_empty()) {
            Some(end) => line[end..].trim().to_string(),
            None => line,
        };
        let key = match_form(&line);
        // the line is squashed (single ASCII spaces between words, no other white space): its
        // words are its spaces plus one, counted by memchr rather than split out
        let words = memchr::memchr_iter(b' ', line.as_bytes()).count() + 1;
        debug_assert_eq!(words, line.split_whitespace().count(), "a squashed line");
        if words >= rules.dedupe_min_words {
            let h = hash(&key);
            if seen.find(h, |&i| lowered[i] == key).is_some() {
                report.repeated_paragraphs += 1;
                continue;
            }
            seen.insert_unique(h, lowered.len(), |&i| hash(&lowered[i]));
        }
        paragraphs.push(line);
        lowered.push(key);
    }
    drop(seen);
    // (sized once: grown push by push, a long document's text was copied at every doubling and
    // held up to twice its size)
    let mut text = String::with_capacity(paragraphs.iter().map(|p| p.len() + 2).sum());
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
    Lined {
        raw,
        report,
        paragraphs,
        lowered,
        text,
        sentences,
    }
}

impl Lined {
    /// The second phase: the document scan of the text's match form (its paragraphs' match
    /// forms joined as the text joins them).
    pub(crate) fn scan(&self, union: &crate::text::PhraseUnion) -> crate::text::DocScan {
        let hay = self.lowered.join("\n\n");
        debug_assert_eq!(hay.len(), self.text.len());
        let hits = union.scan(&hay);
        crate::text::DocScan { hay, hits }
    }

    /// The last phase: the document's metadata (the province search reads the scan when given)
    /// and its warnings.
    pub(crate) fn finish(
        self,
        scan: Option<crate::text::DocScan>,
        rules: &CleanRules,
        provinces: &Provinces,
        outlets: &Outlets,
    ) -> (CleanDoc, CleanReport, Option<crate::text::DocScan>) {
        let Lined {
            raw,
            report,
            paragraphs,
            lowered,
            text,
            sentences,
        } = self;
        let meta = metadata(&raw, &paragraphs, &lowered, scan.as_ref(), rules, provinces, outlets);
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
        (doc, report, scan)
    }
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
