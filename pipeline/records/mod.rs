//! Typed records that flow between the stages.
//!
//! `RawInput` (bytes read from disk) → `RawDoc` (decoded text, ingest) → `CleanDoc` (clean) →
//! `Mention` (extract) → `Fact` (normalize) → `ProvinceMetric` / `Anomaly` (aggregate).
//! Spans inside a document are byte offsets into `CleanDoc::text` until the writers turn them
//! into Unicode code-point offsets (what Python's `text[a:b]` expects). Periods and their
//! text form (`2014`, `2010-9M`, `2014-M09`) are in [`period`].

mod period;

pub use period::{Period, PeriodPart};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Input format of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Txt,
    Html,
    Jsonl,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Html => "html",
            Format::Jsonl => "jsonl",
        }
    }
}

/// What the sequential reader hands to the parallel stages: one document's bytes or line.
#[derive(Debug, Clone)]
pub struct RawInput {
    /// Document name (path relative to the input root, or JSONL id once parsed).
    pub doc: String,
    /// File it came from.
    pub source: String,
    /// 1-based line for JSONL inputs.
    pub line: Option<u64>,
    pub format: Format,
    pub payload: Payload,
}

/// The undecoded content of one input document.
#[derive(Debug, Clone)]
pub enum Payload {
    Bytes(Vec<u8>),
    /// One JSONL line, still to be parsed.
    JsonLine(Vec<u8>),
    /// Reading failed before any content was had.
    Failed(Reject),
}

/// A decoded document, before cleaning.
#[derive(Debug, Clone)]
pub struct RawDoc {
    pub doc: String,
    pub source: String,
    pub line: Option<u64>,
    pub format: Format,
    pub encoding: String,
    pub content_hash: String,
    /// Text as decoded (NFC); for HTML, the main text extracted from the page.
    pub text: String,
    /// Metadata the container gave (JSONL fields, HTML head).
    pub given: GivenMeta,
    pub warnings: Vec<String>,
}

/// Metadata that came with the input rather than from the text.
#[derive(Debug, Clone, Default)]
pub struct GivenMeta {
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    pub outlet: Option<String>,
    /// The province the caller states (JSONL `province`, Python `province=`): a code, name or
    /// alias; when it resolves, it decides the document's province (rule `province.given`).
    pub province: Option<String>,
}

/// Why an input could not be processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub source: String,
    pub doc: Option<String>,
    pub line: Option<u64>,
    pub kind: RejectKind,
    pub reason: String,
}

/// Reject kinds an operator can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RejectKind {
    Empty,
    Binary,
    Encoding,
    Truncated,
    MalformedJson,
    TooLarge,
    NotVietnamese,
    Unreadable,
    Unsupported,
    /// A bug: a stage panicked on this document; the run went on without it.
    InternalError,
    /// A JSONL `id` already used by an earlier document of the run.
    DuplicateId,
}

impl RejectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectKind::Empty => "empty",
            RejectKind::Binary => "binary",
            RejectKind::Encoding => "encoding",
            RejectKind::Truncated => "truncated",
            RejectKind::MalformedJson => "malformed_json",
            RejectKind::TooLarge => "too_large",
            RejectKind::NotVietnamese => "not_vietnamese",
            RejectKind::Unreadable => "unreadable",
            RejectKind::Unsupported => "unsupported",
            RejectKind::InternalError => "internal_error",
            RejectKind::DuplicateId => "duplicate_id",
        }
    }
}

/// A province as the reference table names it. The names are shared (`Arc<str>`): every claim
/// and fact of a document carries its province, and a copy of two strings each was ~150
/// allocations per document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvinceRef {
    pub name: std::sync::Arc<str>,
    pub code: std::sync::Arc<str>,
}

/// Metadata recovered from a document.
#[derive(Debug, Clone, Default)]
pub struct DocMeta {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    pub event_date: Option<NaiveDate>,
    pub date_flag: Option<String>,
    pub province: Option<ProvinceRef>,
    pub period: Option<Period>,
}

/// A sentence of a cleaned document: byte span into `CleanDoc::text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub paragraph: usize,
}

/// A cleaned document: what extraction reads and what spans point into.
#[derive(Debug, Clone)]
pub struct CleanDoc {
    pub doc: String,
    pub source: String,
    pub line: Option<u64>,
    pub format: Format,
    pub encoding: String,
    pub content_hash: String,
    /// NFC text with web debris and repeated paragraphs removed.
    pub text: String,
    pub sentences: Vec<Sentence>,
    pub meta: DocMeta,
    pub warnings: Vec<String>,
}

/// Status of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Actual,
    Estimate,
    Target,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Actual => "actual",
            Status::Estimate => "estimate",
            Status::Target => "target",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Status::Actual, Status::Estimate, Status::Target]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// Stock (a level) or flow (added during the period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    Stock,
    Flow,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Stock => "stock",
            Basis::Flow => "flow",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "stock" => Some(Basis::Stock),
            "flow" => Some(Basis::Flow),
            _ => None,
        }
    }
}

/// A bound the text puts on a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Approx,
    Lower,
    Upper,
}

impl Bound {
    pub fn as_str(self) -> &'static str {
        match self {
            Bound::Approx => "approx",
            Bound::Lower => "lower",
            Bound::Upper => "upper",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Bound::Approx, Bound::Lower, Bound::Upper].into_iter().find(|v| v.as_str() == s)
    }
}

/// What a number was judged to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MentionKind {
    Metric,
    Comparison,
    Unclassified,
    Date,
    Time,
    Year,
    Period,
    DocNumber,
    Standard,
    Name,
    Level,
    Phone,
    Ordinal,
    ListMarker,
    District,
    Company,
    /// The 100 of a per-100-inhabitants expression written before the figure.
    Denominator,
}

impl MentionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::Metric => "metric",
            MentionKind::Comparison => "comparison",
            MentionKind::Unclassified => "unclassified",
            MentionKind::Date => "date",
            MentionKind::Time => "time",
            MentionKind::Year => "year",
            MentionKind::Period => "period",
            MentionKind::DocNumber => "doc_number",
            MentionKind::Standard => "standard",
            MentionKind::Name => "name",
            MentionKind::Level => "level",
            MentionKind::Phone => "phone",
            MentionKind::Ordinal => "ordinal",
            MentionKind::ListMarker => "list_marker",
            MentionKind::District => "district",
            MentionKind::Company => "company",
            MentionKind::Denominator => "denominator",
        }
    }
}

/// Unit kinds the unit table assigns (see schemas/units.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitKind {
    Vnd,
    Subscribers,
    Per100,
    Percent,
    Stations,
    Copies,
    CopiesPerYear,
    Count,
    Rank,
    Usd,
    Length,
    Duration,
    Other,
    /// No unit word follows the number.
    Bare,
}

impl UnitKind {
    /// How many kinds there are: a table indexed by `kind as usize` has this many entries (a
    /// test checks every kind's index against it).
    pub const COUNT: usize = 14;

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Vnd => "vnd",
            UnitKind::Subscribers => "subscribers",
            UnitKind::Per100 => "per_100_inhabitants",
            UnitKind::Percent => "percent",
            UnitKind::Stations => "stations",
            UnitKind::Copies => "copies",
            UnitKind::CopiesPerYear => "copies_per_year",
            UnitKind::Count => "count",
            UnitKind::Rank => "rank",
            UnitKind::Usd => "usd",
            UnitKind::Length => "length",
            UnitKind::Duration => "duration",
            UnitKind::Other => "other",
            UnitKind::Bare => "bare",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "vnd" | "VND" => UnitKind::Vnd,
            "subscribers" => UnitKind::Subscribers,
            "per_100_inhabitants" | "per_100" => UnitKind::Per100,
            "percent" => UnitKind::Percent,
            "stations" => UnitKind::Stations,
            "copies" => UnitKind::Copies,
            "copies_per_year" => UnitKind::CopiesPerYear,
            "count" => UnitKind::Count,
            "rank" => UnitKind::Rank,
            "usd" => UnitKind::Usd,
            "length" => UnitKind::Length,
            "duration" => UnitKind::Duration,
            "other" => UnitKind::Other,
            "bare" => UnitKind::Bare,
            _ => return None,
        })
    }
}

/// A number found in a document, with what it was judged to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub sentence: usize,
    /// Byte span of the figure (number, scale words and unit) in `CleanDoc::text`.
    pub start: usize,
    pub end: usize,
    pub kind: MentionKind,
    pub reason: String,
    pub value: Option<f64>,
    pub value_high: Option<f64>,
    pub of: Option<f64>,
    /// Byte span of the unit as written, in `CleanDoc::text` ([`Mention::unit_raw`]): a span,
    /// not a copy of the words, as `start..end` is of the figure.
    pub unit: Option<(usize, usize)>,
    pub unit_kind: Option<UnitKind>,
    pub malformed: bool,
    /// Set when kind = Metric.
    pub claim: Option<Claim>,
}

impl Mention {
    /// The unit as written (`thuê bao`, `tỷ đồng`), read from the document's cleaned text (the
    /// text the span was found in, as for [`MentionRow::raw`]).
    pub fn unit_raw<'t>(&self, text: &'t str) -> Option<&'t str> {
        self.unit.map(|(s, e)| &text[s..e])
    }
}

/// What extraction claims about a statistic: metric and qualifiers.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub metric: String,
    pub status: Status,
    pub basis: Option<Basis>,
    pub bound: Option<Bound>,
    pub converted: bool,
    pub period: Option<Period>,
    pub province: Option<ProvinceRef>,
    pub growth_pct: Option<f64>,
    pub plan_share_pct: Option<f64>,
    /// Spelled-out words that restate the figure and disagree with it.
    pub words_mismatch: Option<f64>,
    /// The named rule of the figure's own sentence that gave its period, with a few words of
    /// why (`period.day_window: ...`); None when the period is the document's. Written into the
    /// mention's reason, so a wrong period points at one rule.
    pub period_rule: Option<&'static str>,
}

/// Flags a fact can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    MalformedNumber,
    Implausible,
    WordsMismatch,
    /// A part written without the scale of its total (`158,8 triệu thuê bao, bao gồm 142,4 thuê
    /// bao di động`): read with the total's scale, and flagged.
    MissingScale,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::MalformedNumber => "malformed_number",
            Flag::Implausible => "implausible",
            Flag::WordsMismatch => "words_mismatch",
            Flag::MissingScale => "missing_scale",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Flag::MalformedNumber, Flag::Implausible, Flag::WordsMismatch, Flag::MissingScale]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// One catalog figure a document states, in the canonical unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub doc: String,
    pub metric: String,
    pub tier: String,
    pub value: f64,
    pub value_high: Option<f64>,
    pub of: Option<f64>,
    pub unit: String,
    pub province: Option<ProvinceRef>,
    pub period: Option<Period>,
    pub basis: Option<Basis>,
    pub status: Status,
    pub bound: Option<Bound>,
    pub converted: bool,
    pub flag: Option<Flag>,
    pub flag_reason: Option<String>,
    pub growth_pct: Option<f64>,
    pub plan_share_pct: Option<f64>,
    pub raw: String,
    pub sentence_index: usize,
    pub sentence: String,
    /// Code-point span into the document's cleaned text.
    pub char_start: usize,
    pub char_end: usize,
    /// Publication (or event) date of the document, for choosing among sources.
    pub published: Option<NaiveDate>,
}

/// The `documents` row of one document.
#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub clean: CleanDoc,
    /// Socio-economic region and province after the 2025 merger of the document's province.
    pub region: Option<String>,
    pub province_2025: Option<String>,
    pub n_chars: usize,
    pub n_mentions: usize,
    pub n_facts: usize,
}

/// A mention with its code-point span, as written to `mentions`. Its document's name and its
/// text (`raw`) are the document's ([`MentionRow::raw`]): a row does not copy them (two strings
/// for every number read).
#[derive(Debug, Clone)]
pub struct MentionRow {
    pub char_start: usize,
    pub char_end: usize,
    pub mention: Mention,
}

impl MentionRow {
    /// The mention's text, from its document's cleaned text.
    pub fn raw<'t>(&self, text: &'t str) -> &'t str {
        &text[self.mention.start..self.mention.end]
    }
}

/// Everything the per-document stages produce for one input.
#[derive(Debug, Clone)]
pub enum DocOutput {
    Done {
        document: Box<DocumentRow>,
        mentions: Vec<MentionRow>,
        facts: Vec<Fact>,
    },
    Rejected(Reject),
}

/// The aggregate row: one province × period × metric × status.
///
/// Its text is owned (`String`, the default) or borrowed (`&str`): the barrier hands each row to
/// the writer as a view of its frame's columns, with no string copied per row (rule
/// `aggregate.rows_borrowed`); tests keep owned rows ([`ProvinceMetric::to_owned_row`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ProvinceMetric<S = String> {
    pub province: S,
    pub province_code: Option<S>,
    pub region: Option<S>,
    pub province_2025: Option<S>,
    pub period: S,
    pub year: i32,
    pub metric: S,
    pub tier: S,
    pub unit: S,
    pub status: S,
    pub basis: Option<S>,
    pub value: f64,
    pub value_high: Option<f64>,
    pub value_min: f64,
    pub value_max: f64,
    pub n_facts: u32,
    pub n_docs: u32,
    pub doc: S,
    pub char_start: i64,
    pub char_end: i64,
    pub conflict: bool,
    pub flag: Option<S>,
    pub population: Option<f64>,
    pub population_extrapolated: Option<bool>,
    pub per_100_inhabitants: Option<f64>,
    pub implied_population: Option<f64>,
    pub growth_vs_prev_pct: Option<f64>,
}

impl<S> ProvinceMetric<S> {
    /// The same row with each text field made by `f`: a borrowed view of an owned row
    /// (`m.map_text(String::as_str)`) or an owned copy of a borrowed one
    /// ([`ProvinceMetric::to_owned_row`]), written field by field in one place.
    pub fn map_text<'a, T>(&'a self, f: impl Fn(&'a S) -> T) -> ProvinceMetric<T> {
        ProvinceMetric {
            province: f(&self.province),
            province_code: self.province_code.as_ref().map(&f),
            region: self.region.as_ref().map(&f),
            province_2025: self.province_2025.as_ref().map(&f),
            period: f(&self.period),
            year: self.year,
            metric: f(&self.metric),
            tier: f(&self.tier),
            unit: f(&self.unit),
            status: f(&self.status),
            basis: self.basis.as_ref().map(&f),
            value: self.value,
            value_high: self.value_high,
            value_min: self.value_min,
            value_max: self.value_max,
            n_facts: self.n_facts,
            n_docs: self.n_docs,
            doc: f(&self.doc),
            char_start: self.char_start,
            char_end: self.char_end,
            conflict: self.conflict,
            flag: self.flag.as_ref().map(&f),
            population: self.population,
            population_extrapolated: self.population_extrapolated,
            per_100_inhabitants: self.per_100_inhabitants,
            implied_population: self.implied_population,
            growth_vs_prev_pct: self.growth_vs_prev_pct,
        }
    }
}

impl ProvinceMetric<&str> {
    /// The row with its text copied: what outlives the barrier's frame (the tests' rows).
    pub fn to_owned_row(&self) -> ProvinceMetric {
        self.map_text(|s| (*s).to_owned())
    }
}

/// A suspect figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Anomaly {
    pub kind: String,
    pub metric: Option<String>,
    pub province: Option<String>,
    pub period: Option<String>,
    pub doc: String,
    pub char_start: Option<i64>,
    pub char_end: Option<i64>,
    pub value: Option<f64>,
    pub other_value: Option<f64>,
    pub other_doc: Option<String>,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::UnitKind;

    /// Every kind indexes a table of `UnitKind::COUNT` entries. (The match lists every kind:
    /// a new one does not compile until it is listed here, and checked.)
    #[test]
    fn every_unit_kind_indexes_a_table_of_count_entries() {
        use UnitKind::*;
        for k in [
            Vnd,
            Subscribers,
            Per100,
            Percent,
            Stations,
            Copies,
            CopiesPerYear,
            Count,
            Rank,
            Usd,
            Length,
            Duration,
            Other,
            Bare,
        ] {
            match k {
                Vnd | Subscribers | Per100 | Percent | Stations | Copies | CopiesPerYear | Count | Rank | Usd | Length | Duration
                | Other | Bare => {
                    assert!((k as usize) < UnitKind::COUNT, "{k:?}");
                    assert_eq!(UnitKind::parse(k.as_str()), Some(k));
                }
            }
        }
    }
}
