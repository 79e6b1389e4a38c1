//! The compiled lexicon: features, qualifier cues, scale words, number words and units.
//!
//! Input: `schemas/lexicon.toml` and `schemas/units.toml` (or the copies built into the binary).
//! Output: [`Lexicon`], immutable and shared by every worker. Phrases are compiled into
//! Aho-Corasick automata over the match form (see [`crate::text`]).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::records::{Bound, UnitKind};
use crate::text::{PhraseSet, PhraseUnion, UnionBuilder};
use crate::{Error, Result};

#[derive(Debug, Deserialize)]
struct LexiconFile {
    schema_version: String,
    /// Slots whose rivals in one clause are decided by the one nearest before the figure.
    #[serde(default)]
    nearest_slots: Vec<String>,
    document: DocumentDef,
    features: BTreeMap<String, FeatureDef>,
    status: StatusDef,
    basis: BasisDef,
    bound: BoundDef,
    comparison: ComparisonDef,
    scale: BTreeMap<String, f64>,
    words: WordsDef,
    part: PartDef,
    period: PeriodDef,
    continuation: ContinuationDef,
    removed: RemovedDef,
    rank: RankDef,
    station: StationDef,
    /// Rule `trap.*` ([`crate::extract::traps`]): numbers that are no statistics, in order.
    trap: Vec<crate::extract::traps::TrapDef>,
    /// The phrases rules read with capture groups ([`crate::grammar`]).
    grammar: crate::grammar::GrammarFile,
    /// The district rules' words ([`crate::extract::district`]).
    district: crate::extract::district::DistrictCues,
    /// The table rules' words ([`crate::extract::table`]).
    table: crate::extract::table::TableCues,
}

/// Rule `station.site_beside_station` ([`crate::extract`]'s classify): the words that count
/// sites or masts rather than stations.
#[derive(Debug, Deserialize)]
struct StationDef {
    site_words: Vec<String>,
}

/// Rule `rank.*` ([`crate::extract::rank`]): what makes a document an ICT Index ranking, and what
/// names one component of the index rather than the index.
#[derive(Debug, Deserialize)]
struct RankDef {
    index_cues: Vec<String>,
    component_cues: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RemovedDef {
    before: Vec<String>,
    after: Vec<String>,
    kept: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct PartDef {
    area_subgroups: Vec<String>,
    area_locatives: Vec<String>,
    area_inclusive: Vec<String>,
    inclusive_aside: Vec<String>,
    mostly_aside: Vec<String>,
    not_an_act: Vec<String>,
    from_word: String,
    to_words: Vec<String>,
    new_rate: Vec<String>,
    rate_anaphora: Vec<String>,
    equivalent: Vec<String>,
    negations: Vec<String>,
    negation_window_words: usize,
    composition_after: Vec<String>,
    field_words: Vec<String>,
    average_per_unit: Vec<String>,
    rate_per_period: Vec<String>,
}

/// `[continuation]`: the words of the continuation rules (see [`ContinuationCues`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContinuationDef {
    openers: Vec<String>,
    own_status: Vec<String>,
    period_openers: Vec<String>,
}

/// `[period]`: the words of the period rules that read no number (see [`PeriodCues`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodDef {
    this_month: String,
    this_month_after: Vec<String>,
    last_year: Vec<String>,
    last_year_base: Vec<String>,
    to_date: Vec<String>,
    reviewed_before: Vec<String>,
    reviewed_aside: Vec<String>,
    span_names: Vec<String>,
    names_time: Vec<String>,
    month_base: Vec<String>,
    month_event_before: Vec<String>,
    month_not_own: Vec<String>,
    day_span: Vec<String>,
    year_on_year: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct FeatureDef {
    phrases: Vec<String>,
    #[serde(default)]
    reach: Option<String>,
    #[serde(default)]
    slot: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DocumentDef {
    ict_cues: Vec<String>,
    min_ict_cues: usize,
    min_ict_cues_short: usize,
    short_document_bytes: usize,
    department_subject: Vec<String>,
    sector_anaphora: Vec<String>,
    continued_openers: Vec<String>,
    company_titles: Vec<String>,
    company_verbs: Vec<String>,
    unit_anaphora: Vec<String>,
    agencies: Vec<String>,
    province_wide: Vec<String>,
    multi_year: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct StatusDef {
    estimate: Vec<String>,
    target: Vec<String>,
    met: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct BasisDef {
    stock_decisive: Vec<String>,
    stock_strong: Vec<String>,
    flow_strong: Vec<String>,
    flow_weak: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct BoundDef {
    approx: Vec<String>,
    lower: Vec<String>,
    upper: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ComparisonDef {
    growth_verbs: Vec<String>,
    versus: Vec<String>,
    difference: Vec<String>,
    breakdown: Vec<String>,
    plan_share: Vec<String>,
    #[serde(flatten)]
    words: CompareWords,
}

/// The comparison rules' words read as they are, not through the phrase automaton
/// (`[comparison]` of the lexicon, [`crate::extract::compare`]): match form, spaces as written.
#[derive(Debug, Clone, Deserialize)]
pub struct CompareWords {
    /// Hedges between a growth verb and its figure (`giảm khoảng hơn 1 triệu`), stripped.
    pub hedges: Vec<String>,
    /// Openings of the words after a figure that compare it (`so `, `cùng kỳ`).
    pub versus_openers: Vec<String>,
    /// In the six words after a count, a comparison with another period (`so với`).
    pub versus_after: Vec<String>,
    /// In the sentence before a count, a comparison with another period (`so sánh với`).
    pub sentence_versus: Vec<String>,
    /// Right after a count, a comparison with another month (`so với tháng`).
    pub against_month: Vec<String>,
    /// Verbs (openings) of a count that fell (`giảm`, `thấp hơn`): a change, no level.
    pub falling_count: Vec<String>,
    /// Verbs (openings) of a rate that rose or fell (`tăng`, `vượt`; `giảm`): a growth rate.
    pub rising_rate: Vec<String>,
    pub falling_rate: Vec<String>,
}

impl CompareWords {
    /// No list is empty, and every word is in match form.
    fn check(&self) -> std::result::Result<(), String> {
        use crate::text::{WordForm::MatchedSpaced, check_words};
        check_words("[comparison] hedges", &self.hedges, MatchedSpaced)?;
        check_words("[comparison] versus_openers", &self.versus_openers, MatchedSpaced)?;
        check_words("[comparison] versus_after", &self.versus_after, MatchedSpaced)?;
        check_words("[comparison] sentence_versus", &self.sentence_versus, MatchedSpaced)?;
        check_words("[comparison] against_month", &self.against_month, MatchedSpaced)?;
        check_words("[comparison] falling_count", &self.falling_count, MatchedSpaced)?;
        check_words("[comparison] rising_rate", &self.rising_rate, MatchedSpaced)?;
        check_words("[comparison] falling_rate", &self.falling_rate, MatchedSpaced)
    }
}

#[derive(Debug, Deserialize)]
struct WordsDef {
    units: BTreeMap<String, u32>,
    ten: Vec<String>,
    tens_marker: Vec<String>,
    hundred: Vec<String>,
    zero_filler: Vec<String>,
    half: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct UnitsFile {
    schema_version: String,
    per_100: Per100Def,
    unit: Vec<UnitDef>,
}

#[derive(Debug, Deserialize)]
struct Per100Def {
    nouns: Vec<String>,
    prefixes: Vec<String>,
    per_person: Vec<String>,
    denominators: Vec<String>,
    max_gap_words: usize,
}

#[derive(Debug, Deserialize)]
struct UnitDef {
    kind: String,
    phrases: Vec<String>,
}

/// How far back a feature may be inherited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Sentence,
    Paragraph,
}

/// Stock/flow cue strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasisCue {
    StockDecisive,
    StockStrong,
    FlowStrong,
    FlowWeak,
}

/// A word of a spelled-out number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumWord {
    Digit(u32),
    Ten,
    TensMarker,
    Hundred,
    ZeroFiller,
    Half,
    Scale(f64),
}

/// Qualifier cue for status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusCue {
    Estimate,
    Target,
}

/// Comparison cue kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareCue {
    GrowthVerb,
    Versus,
    PlanShare,
}

/// Everything the extractor reads from `lexicon.toml` and `units.toml`, compiled.
#[derive(Debug)]
pub struct Lexicon {
    /// This lexicon among those loaded in the process (a key for caches kept across documents:
    /// a test loads several lexicons, and one dropped may leave its address to the next).
    pub(crate) instance: u64,
    pub version: String,
    pub units_version: String,
    /// Feature names, index = feature id.
    pub feature_names: Vec<String>,
    feature_ids: rustc_hash::FxHashMap<String, usize>,
    pub feature_reach: Vec<Reach>,
    /// Slot of each feature (rival features share one), or None.
    pub feature_slot: Vec<Option<String>>,
    /// Bit masks (bit = feature id), computed once: the members of each slot, the features of
    /// paragraph reach, and the unit nouns (`u_*`).
    pub slot_masks: Vec<u128>,
    /// The members of each slot named in `nearest_slots` (rule `slot.nearest`).
    pub nearest_slot_masks: Vec<u128>,
    pub paragraph_mask: u128,
    pub unit_mask: u128,
    /// The ids of the features the code asks about by name.
    pub(crate) code: CodeFeatures,
    /// The members of slot `family` (rule `unit.sets`: telephone sets are subscribers of a
    /// named family).
    pub(crate) family_mask: u128,
    /// The revenue domains the catalog counts (telecom, postal, IT, the ICT sector).
    pub(crate) ict_domain_mask: u128,
    pub difference: PhraseSet<()>,
    pub ict_cues: PhraseSet<()>,
    pub min_ict_cues: usize,
    /// The cues a short excerpt (under `short_document_bytes`) needs (rule `scope.short_excerpt`).
    pub min_ict_cues_short: usize,
    pub short_document_bytes: usize,
    pub department_subject: PhraseSet<()>,
    /// `toàn ngành`, `của ngành`: the sector a paragraph goes on speaking of (rule
    /// `scope.sector_anaphora`).
    pub sector_anaphora: PhraseSet<()>,
    /// Words that open a paragraph going on with the one before it (`Đồng thời`), in match
    /// form (see `scope::out_of_scope`).
    pub continued_openers: Vec<String>,
    pub company_titles: PhraseSet<()>,
    /// Rule `company.verb_subject`: verbs whose subject a company right before them is.
    pub company_verbs: PhraseSet<()>,
    /// Rule `company.unit_anaphora`: `đơn vị này` opening a clause, and the agencies that keep
    /// the figures of the organisation it stands for.
    pub unit_anaphora: PhraseSet<()>,
    pub agencies: PhraseSet<()>,
    pub province_wide: PhraseSet<()>,
    pub multi_year: PhraseSet<()>,
    pub breakdown: PhraseSet<()>,
    pub per100_prefixes: PhraseSet<()>,
    /// A count per person written before the number (`mỗi người sở hữu 1,33 thuê bao`): rule
    /// `unit.per_person`.
    pub per_person: PhraseSet<()>,
    pub features: PhraseSet<usize>,
    /// A document that names one of these is an ICT Index ranking (match form).
    pub rank_index_cues: crate::text::Needles,
    /// Words that name one component of the index (`hạ tầng kỹ thuật`) or another index (`chuyển
    /// đổi số`), in match form.
    pub rank_component_cues: crate::text::Needles,
    /// Words right after a figure that count sites or masts (`1.360 vị trí`, `1.491 cột ăng
    /// ten`), in match form (rule `station.site_beside_station`).
    pub station_site_words: Vec<String>,
    pub status: PhraseSet<StatusCue>,
    /// Rule `status.met_target`: words right after a target cue that report it met (`một số
    /// chỉ tiêu đạt khá, như: 100% xã ...`), in match form: the cue makes no target.
    pub status_met: Vec<String>,
    pub basis: PhraseSet<BasisCue>,
    pub bound: PhraseSet<Bound>,
    pub compare: PhraseSet<CompareCue>,
    /// The comparison rules' plain words (`[comparison]`).
    pub compare_words: CompareWords,
    pub scale: PhraseSet<f64>,
    pub num_words: PhraseSet<NumWord>,
    pub units: PhraseSet<UnitKind>,
    pub per100_nouns: PhraseSet<()>,
    pub per100_denominators: PhraseSet<()>,
    pub per100_max_gap_words: usize,
    /// The enrolled sets above in one automaton, run once per document (rule `scan.once`).
    pub scan: PhraseUnion,
    /// The cues of the part rules (`[part]`, see `extract::part`).
    pub part: PartCues,
    pub period: PeriodCues,
    pub continuation: ContinuationCues,
    /// The cues of rule `count.removed` (`[removed]`, see `extract::removed`).
    pub removed: RemovedCues,
    /// The trap patterns (`[[trap]]`, see `extract::traps`), compiled.
    pub traps: crate::extract::traps::TrapSet,
    /// The grammar (`[grammar]`, see `extract::grammar`), compiled.
    pub grammar: crate::grammar::Grammar,
    /// The district rules' words (`[district]`).
    pub district: crate::extract::district::DistrictCues,
    /// The table rules' words (`[table]`).
    pub table: crate::extract::table::TableCues,
}

/// Cue words of rule `count.removed`: a count of subscribers taken off the networks.
#[derive(Debug, Clone)]
pub struct RemovedCues {
    /// In the figure's own clause before it.
    pub before: PhraseSet<()>,
    /// In the words after it, to the next comma or semicolon.
    pub after: PhraseSet<()>,
    /// A level left after the removal: between the cue and the figure, these keep it.
    pub kept: PhraseSet<()>,
}

/// Cue words of the part rules, in match form.
#[derive(Debug, Clone)]
pub struct PartCues {
    pub area_subgroups: PhraseSet<()>,
    pub area_locatives: Vec<String>,
    pub area_inclusive: Vec<String>,
    /// Rule `slot.inclusive_aside`: words that open a parenthesis saying what a figure also
    /// counts (`(tính cả thuê bao USB 3G)`); the kinds named inside do not make its kind.
    pub inclusive_aside: Vec<String>,
    /// The distinct last characters of `inclusive_aside`, in order: a clause that holds none of
    /// them holds none of the words (the four words of 1.74 all end on `ả`: one search, not four).
    pub inclusive_aside_ends: Vec<char>,
    /// Rule `slot.trailing_aside`: words that open a parenthesis after a figure saying what it
    /// mostly is (`9.457 thuê bao Internet (chủ yếu là thuê bao băng rộng)`).
    pub mostly_aside: Vec<String>,
    /// Rule `period.event_day`: words before a date that make it no act's (a legal basis, a plan,
    /// a span).
    pub not_an_act: Vec<String>,
    /// Rule `metric.from_to`: the word before the first figure of `từ X lên Y`, and the words
    /// before the second.
    pub from_word: String,
    pub to_words: Vec<String>,
    /// Rule `clause.new_rate`: words that open a clause on a rate of its own (`tỷ lệ`), and
    /// those that refer back to the rate before (`tỷ lệ này`).
    pub new_rate: Vec<String>,
    pub rate_anaphora: Vec<String>,
    /// Rule `period.equivalent`: words that restate the figure before in another unit
    /// (`21,7 triệu thuê bao; tương đương 22 thuê bao/100 dân`).
    pub equivalent: Vec<String>,
    pub negations: Vec<String>,
    pub negation_window_words: usize,
    pub composition_after: Vec<String>,
    /// Rule `fine.field_part`: words that say a figure is of one field (`trong lĩnh vực thông
    /// tin điện tử`), in match form.
    pub field_words: Vec<String>,
    /// Rule `part.average_per_unit`: words that make the count right after them an average per
    /// unit (`trung bình mỗi xã ... có trên 10 trạm BTS`), not a total, in match form; each
    /// word's backward searcher is built here once, since the rule asks about every count.
    pub average_per_unit: Vec<memchr::memmem::FinderRev<'static>>,
    /// Rule `part.rate_per_period`: words right after a count that make it a pace per month or
    /// year (`70.000 thuê bao mỗi tháng`), not a total, in match form.
    pub rate_per_period: Vec<String>,
}

/// Cue words of the period rules that read no number, in match form (`[period]` of the
/// lexicon).
#[derive(Debug, Clone)]
pub struct PeriodCues {
    /// Rule `period.report_month`: the phrase of the month under report (`trong tháng`) and the
    /// words that may follow it (`qua`, `trước`).
    pub this_month: String,
    pub this_month_after: Vec<String>,
    /// Rule `period.last_year`: `năm ngoái`, and the words that make it a baseline right before
    /// it (`so với`).
    pub last_year: crate::text::Needles,
    pub last_year_base: Vec<String>,
    /// Rule `period.quarter_to_date`: `đến hết` before a quarter.
    pub to_date: Vec<String>,
    /// Rule `period.reviewed_target`: words right before a target cue (`vượt`), or before the
    /// parenthesis it opens (`kế hoạch (`), that make it the target of the period under review.
    pub reviewed_before: Vec<String>,
    pub reviewed_aside: Vec<String>,
    /// Rule `period.several_years`: words that make a span of years right after them the name
    /// of a plan (`Kế hoạch ... giai đoạn 2016 - 2020`), not a figure's window.
    pub span_names: Vec<String>,
    /// Rules `period.continuation`, `period.event_lead`, `compare.undated_base`: a text holding
    /// one of these names a time of its own (searchers built once: this is asked of every
    /// sentence a figure continues).
    names_time: Vec<memchr::memmem::Finder<'static>>,
    /// Rule `period.month_window`: a month right after one of `month_base` is a comparison's
    /// base; a month on its own right after a word of `month_event_before` dates an event; one
    /// followed before the figure by a phrase of `month_not_own` dates no figure of its clause.
    pub month_base: Vec<String>,
    pub month_event_before: Vec<String>,
    pub month_not_own: Vec<String>,
    /// Rule `period.day_window`: a day right after one of these starts a span of dates.
    pub day_span: Vec<String>,
    /// Rule `revenue.month_on_month`: words of the year-on-year rate after a month-on-month one.
    pub year_on_year: Vec<String>,
}

impl PeriodCues {
    /// Whether `text` (match form) names a time of its own: one of `[period] names_time` (a
    /// year, a month, a quarter, a span, the same period of another year, now: `đến nay`).
    /// Rules `period.continuation`, `period.event_lead` and `compare.undated_base` ask it of a
    /// sentence or of a clause.
    pub(crate) fn names_time(&self, text: &str) -> bool {
        self.names_time.iter().any(|f| f.find(text.as_bytes()).is_some())
    }
}

/// Cue words of the continuation rules (`[continuation]` of the lexicon), in match form.
#[derive(Debug, Clone)]
pub struct ContinuationCues {
    /// Rule `status.continuation`: openers of a sentence that keeps the status of the one before.
    pub openers: Vec<String>,
    /// Words that give a sentence a status of its own (kept as written: `sẽ ` ends in a space).
    pub own_status: Vec<String>,
    /// Rule `period.continuation`: openers of a sentence that keeps the window of the one before.
    pub period_openers: Vec<String>,
}

/// A lexicon list in match form, each entry trimmed.
fn words(v: &[String]) -> Vec<String> {
    v.iter().map(|w| crate::text::match_form(w.trim())).collect()
}

/// The distinct last characters of `words`, in the order the words first end on them (a
/// precheck: a text that holds none of them holds none of the words).
fn distinct_last_chars(words: &[String]) -> Vec<char> {
    let mut out = Vec::new();
    for c in words.iter().filter_map(|w| w.chars().next_back()) {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Defines [`CodeFeatures`] from the feature names the extractor's code asks about.
macro_rules! code_features {
    ($($name:ident),* $(,)?) => {
        /// The features the extractor's code asks about by name, resolved to their ids once,
        /// when the lexicon loads (`lex.code.company`): a renamed or deleted feature is an error
        /// that names it, not a rule that silently stops firing, and a rule asking per figure
        /// reads a field instead of hashing a name.
        #[derive(Debug, Clone, Copy)]
        pub(crate) struct CodeFeatures {
            $(pub(crate) $name: usize,)*
        }

        impl CodeFeatures {
            /// Every name, as the lexicon spells it.
            #[cfg(test)]
            pub(crate) const NAMES: &[&str] = &[$(stringify!($name)),*];

            /// The ids of the features; Err: the first name the lexicon does not define.
            fn resolve(ids: &rustc_hash::FxHashMap<String, usize>) -> std::result::Result<Self, &'static str> {
                Ok(CodeFeatures {
                    $($name: *ids.get(stringify!($name)).ok_or(stringify!($name))?,)*
                })
            }
        }
    };
}

code_features!(
    bts,
    budget,
    company,
    converted,
    fine,
    ict_sector,
    investment,
    it,
    it_industry,
    ministry,
    national,
    other_domain,
    postal,
    provincial,
    radio,
    revenue,
    subscriber,
    telecom,
    telephone,
    tv,
    users,
);

/// The slot names the code reads, checked at load as the features are.
pub(crate) const CODE_SLOTS: &[&str] = &["family", "money", "domain"];

fn tagged<T: Clone + 'static>(phrases: &[String], tag: T) -> impl Iterator<Item = (String, T)> + '_ {
    phrases.iter().map(move |p| (p.clone(), tag.clone()))
}

impl Lexicon {
    /// Parse the two files' contents. `origin` names them in errors.
    pub fn parse(lexicon_toml: &str, units_toml: &str, origin: &Path) -> Result<Self> {
        let lex: LexiconFile = toml::from_str(lexicon_toml).map_err(|e| Error::config("lexicon", origin.join("lexicon.toml"), e))?;
        let units: UnitsFile = toml::from_str(units_toml).map_err(|e| Error::config("unit table", origin.join("units.toml"), e))?;

        let mut feature_names = Vec::new();
        let mut feature_reach = Vec::new();
        let mut feature_slot = Vec::new();
        let mut feature_phrases = Vec::new();
        for (i, (name, def)) in lex.features.iter().enumerate() {
            feature_names.push(name.clone());
            feature_reach.push(match def.reach.as_deref() {
                None | Some("sentence") => Reach::Sentence,
                Some("paragraph") => Reach::Paragraph,
                Some(other) => {
                    return Err(Error::config(
                        "lexicon",
                        origin.join("lexicon.toml"),
                        format!("feature {name}: unknown reach {other:?} (sentence or paragraph)"),
                    ));
                }
            });
            feature_slot.push(def.slot.clone());
            feature_phrases.extend(tagged(&def.phrases, i));
        }
        // a set of features is one 128-bit word (`FeatSet`, the masks below): every id fits
        if feature_names.len() > 128 {
            return Err(Error::config("lexicon", origin.join("lexicon.toml"), "more than 128 features"));
        }

        let mut unit_items = Vec::new();
        for u in &units.unit {
            let kind = UnitKind::parse(&u.kind)
                .ok_or_else(|| Error::config("unit table", origin.join("units.toml"), format!("unknown unit kind {:?}", u.kind)))?;
            unit_items.extend(tagged(&u.phrases, kind));
        }

        let w = &lex.words;
        let mut word_items: Vec<(String, NumWord)> = w.units.iter().map(|(k, v)| (k.clone(), NumWord::Digit(*v))).collect();
        word_items.extend(tagged(&w.ten, NumWord::Ten));
        word_items.extend(tagged(&w.tens_marker, NumWord::TensMarker));
        word_items.extend(tagged(&w.hundred, NumWord::Hundred));
        word_items.extend(tagged(&w.zero_filler, NumWord::ZeroFiller));
        word_items.extend(tagged(&w.half, NumWord::Half));
        word_items.extend(
            lex.scale
                .iter()
                .filter(|(k, _)| k.as_str() != "trăm")
                .map(|(k, v)| (k.clone(), NumWord::Scale(*v))),
        );

        let feature_ids: rustc_hash::FxHashMap<String, usize> = feature_names.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
        let bit = |f: usize| 1u128 << f;
        let mut slots: std::collections::BTreeMap<&str, u128> = std::collections::BTreeMap::new();
        for (f, s) in feature_slot.iter().enumerate() {
            if let Some(s) = s {
                *slots.entry(s.as_str()).or_default() |= bit(f);
            }
        }
        // checked at load: every feature and slot the code asks for by name exists
        let code = CodeFeatures::resolve(&feature_ids).map_err(|name| {
            Error::config(
                "lexicon",
                origin.join("lexicon.toml"),
                format!("the extractor needs feature `{name}`, which the lexicon does not define"),
            )
        })?;
        // rule `revenue.growth_domain`: the revenue domains the catalog counts
        let ict_domain_mask = bit(code.telecom) | bit(code.postal) | bit(code.it) | bit(code.ict_sector);
        let family_mask = slots.get("family").copied().unwrap_or(0);
        for name in CODE_SLOTS {
            if !slots.contains_key(name) {
                return Err(Error::config(
                    "lexicon",
                    origin.join("lexicon.toml"),
                    format!("the extractor needs slot `{name}`, which no feature has"),
                ));
            }
        }
        // checked at load: a slot named in `nearest_slots` that no feature fills is a typo
        let mut nearest_slot_masks = Vec::new();
        for name in &lex.nearest_slots {
            match slots.get(name.as_str()) {
                Some(&m) => nearest_slot_masks.push(m),
                None => {
                    return Err(Error::config(
                        "lexicon",
                        origin.join("lexicon.toml"),
                        format!("nearest_slots names slot `{name}`, which no feature has"),
                    ));
                }
            }
        }
        let slot_masks = slots.into_values().collect();
        let paragraph_mask = (0..feature_names.len())
            .filter(|&f| feature_reach[f] == Reach::Paragraph)
            .fold(0, |m, f| m | bit(f));
        let unit_mask = (0..feature_names.len())
            .filter(|&f| feature_names[f].starts_with("u_"))
            .fold(0, |m, f| m | bit(f));
        let traps = crate::extract::traps::TrapSet::new(&lex.trap).map_err(|e| Error::config("lexicon", origin.join("lexicon.toml"), e))?;
        let grammar = crate::grammar::Grammar::new(&lex.grammar).map_err(|e| Error::config("lexicon", origin.join("lexicon.toml"), e))?;
        lex.district
            .check()
            .map_err(|e| Error::config("lexicon", origin.join("lexicon.toml"), e))?;
        lex.table
            .check()
            .map_err(|e| Error::config("lexicon", origin.join("lexicon.toml"), e))?;
        lex.comparison
            .words
            .check()
            .map_err(|e| Error::config("lexicon", origin.join("lexicon.toml"), e))?;
        static INSTANCES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let out = Lexicon {
            instance: INSTANCES.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            traps,
            grammar,
            district: lex.district.clone(),
            table: lex.table.clone(),
            compare_words: lex.comparison.words.clone(),
            scan: PhraseUnion::default(),
            slot_masks,
            nearest_slot_masks,
            paragraph_mask,
            unit_mask,
            part: {
                PartCues {
                    area_subgroups: PhraseSet::new(tagged(&lex.part.area_subgroups, ())),
                    area_locatives: words(&lex.part.area_locatives),
                    area_inclusive: words(&lex.part.area_inclusive),
                    inclusive_aside: words(&lex.part.inclusive_aside),
                    inclusive_aside_ends: distinct_last_chars(&words(&lex.part.inclusive_aside)),
                    mostly_aside: words(&lex.part.mostly_aside),
                    not_an_act: words(&lex.part.not_an_act),
                    from_word: crate::text::match_form(lex.part.from_word.trim()),
                    to_words: words(&lex.part.to_words),
                    new_rate: words(&lex.part.new_rate),
                    rate_anaphora: words(&lex.part.rate_anaphora),
                    equivalent: words(&lex.part.equivalent),
                    negations: words(&lex.part.negations),
                    negation_window_words: lex.part.negation_window_words,
                    composition_after: words(&lex.part.composition_after),
                    field_words: words(&lex.part.field_words),
                    average_per_unit: words(&lex.part.average_per_unit)
                        .iter()
                        .map(|w| memchr::memmem::FinderRev::new(w.as_bytes()).into_owned())
                        .collect(),
                    rate_per_period: words(&lex.part.rate_per_period),
                }
            },
            period: {
                let p = &lex.period;
                let empty = [
                    ("this_month_after", p.this_month_after.is_empty()),
                    ("last_year", p.last_year.is_empty()),
                    ("to_date", p.to_date.is_empty()),
                    ("reviewed_before", p.reviewed_before.is_empty()),
                    ("this_month", p.this_month.trim().is_empty()),
                ];
                if let Some((name, _)) = empty.iter().find(|(_, e)| *e) {
                    return Err(Error::config(
                        "lexicon",
                        origin.join("lexicon.toml"),
                        format!("[period] {name} is empty: its rule would never fire"),
                    ));
                }
                PeriodCues {
                    this_month: crate::text::match_form(p.this_month.trim()),
                    this_month_after: words(&p.this_month_after),
                    last_year: words(&p.last_year).into(),
                    last_year_base: words(&p.last_year_base),
                    to_date: words(&p.to_date),
                    reviewed_before: words(&p.reviewed_before),
                    reviewed_aside: words(&p.reviewed_aside),
                    span_names: words(&p.span_names),
                    names_time: words(&p.names_time)
                        .iter()
                        .map(|w| memchr::memmem::Finder::new(w.as_bytes()).into_owned())
                        .collect(),
                    month_base: words(&p.month_base),
                    month_event_before: words(&p.month_event_before),
                    month_not_own: words(&p.month_not_own),
                    day_span: words(&p.day_span),
                    year_on_year: words(&p.year_on_year),
                }
            },
            continuation: {
                let c = &lex.continuation;
                ContinuationCues {
                    openers: words(&c.openers),
                    // (not trimmed: `sẽ ` is the word followed by a space)
                    own_status: c.own_status.iter().map(|w| crate::text::match_form(w)).collect(),
                    period_openers: words(&c.period_openers),
                }
            },
            removed: RemovedCues {
                before: PhraseSet::new(tagged(&lex.removed.before, ())),
                after: PhraseSet::new(tagged(&lex.removed.after, ())),
                kept: PhraseSet::new(tagged(&lex.removed.kept, ())),
            },
            version: lex.schema_version,
            units_version: units.schema_version,
            feature_names,
            feature_reach,
            feature_slot,
            feature_ids,
            code,
            family_mask,
            ict_domain_mask,
            difference: PhraseSet::new(tagged(&lex.comparison.difference, ())),
            ict_cues: PhraseSet::new(tagged(&lex.document.ict_cues, ())),
            min_ict_cues: lex.document.min_ict_cues,
            min_ict_cues_short: lex.document.min_ict_cues_short,
            short_document_bytes: lex.document.short_document_bytes,
            department_subject: PhraseSet::new(tagged(&lex.document.department_subject, ())),
            sector_anaphora: PhraseSet::new(tagged(&lex.document.sector_anaphora, ())),
            continued_openers: words(&lex.document.continued_openers),
            company_titles: PhraseSet::new(tagged(&lex.document.company_titles, ())),
            company_verbs: PhraseSet::new(tagged(&lex.document.company_verbs, ())),
            unit_anaphora: PhraseSet::new(tagged(&lex.document.unit_anaphora, ())),
            agencies: PhraseSet::new(tagged(&lex.document.agencies, ())),
            province_wide: PhraseSet::new(tagged(&lex.document.province_wide, ())),
            multi_year: PhraseSet::new(tagged(&lex.document.multi_year, ())),
            breakdown: PhraseSet::new(tagged(&lex.comparison.breakdown, ())),
            per100_prefixes: PhraseSet::new(tagged(&units.per_100.prefixes, ())),
            per_person: PhraseSet::new(tagged(&units.per_100.per_person, ())),
            features: PhraseSet::new(feature_phrases),
            rank_index_cues: words(&lex.rank.index_cues).into(),
            rank_component_cues: words(&lex.rank.component_cues).into(),
            station_site_words: words(&lex.station.site_words),
            status: PhraseSet::new(tagged(&lex.status.estimate, StatusCue::Estimate).chain(tagged(&lex.status.target, StatusCue::Target))),
            status_met: words(&lex.status.met),
            basis: PhraseSet::new(
                tagged(&lex.basis.stock_decisive, BasisCue::StockDecisive)
                    .chain(tagged(&lex.basis.stock_strong, BasisCue::StockStrong))
                    .chain(tagged(&lex.basis.flow_strong, BasisCue::FlowStrong))
                    .chain(tagged(&lex.basis.flow_weak, BasisCue::FlowWeak)),
            ),
            bound: PhraseSet::new(
                tagged(&lex.bound.approx, Bound::Approx)
                    .chain(tagged(&lex.bound.lower, Bound::Lower))
                    .chain(tagged(&lex.bound.upper, Bound::Upper)),
            ),
            compare: PhraseSet::new(
                tagged(&lex.comparison.growth_verbs, CompareCue::GrowthVerb)
                    .chain(tagged(&lex.comparison.versus, CompareCue::Versus))
                    .chain(tagged(&lex.comparison.plan_share, CompareCue::PlanShare)),
            ),
            scale: PhraseSet::new(lex.scale.iter().filter(|(k, _)| k.as_str() != "trăm").map(|(k, v)| (k.clone(), *v))),
            num_words: PhraseSet::new(word_items),
            units: PhraseSet::new(unit_items),
            per100_nouns: PhraseSet::new(tagged(&units.per_100.nouns, ())),
            per100_denominators: PhraseSet::new(tagged(&units.per_100.denominators, ())),
            per100_max_gap_words: units.per_100.max_gap_words,
        };
        Ok(out)
    }

    /// Put the sets the per-figure rules ask about, and the province names, into the document
    /// scan ([`PhraseUnion`]). Until then each set is searched on its own (same answers).
    pub(crate) fn enroll(&mut self, provinces: &mut crate::reference::Provinces) {
        let mut u = UnionBuilder::default();
        provinces.enroll(&mut u);
        self.features.enroll(&mut u);
        self.status.enroll(&mut u);
        self.basis.enroll(&mut u);
        self.ict_cues.enroll(&mut u);
        self.province_wide.enroll(&mut u);
        self.department_subject.enroll(&mut u);
        self.unit_anaphora.enroll(&mut u);
        self.agencies.enroll(&mut u);
        self.sector_anaphora.enroll(&mut u);
        self.multi_year.enroll(&mut u);
        self.breakdown.enroll(&mut u);
        self.compare.enroll(&mut u);
        self.difference.enroll(&mut u);
        self.removed.before.enroll(&mut u);
        self.num_words.enroll(&mut u);
        self.per100_prefixes.enroll(&mut u);
        self.per_person.enroll(&mut u);
        self.scan = u.build();
    }

    /// Feature id by name.
    pub fn feature(&self, name: &str) -> Option<usize> {
        self.feature_ids.get(name).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_last_chars_keeps_each_last_letter_once_in_order() {
        let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(distinct_last_chars(&w(&["tính cả", "kể cả", "gồm", "bao gồm"])), vec!['ả', 'm']);
        // an empty word ends on no letter: it adds no end (nor did it pass the precheck before)
        assert_eq!(distinct_last_chars(&w(&["", "x"])), vec!['x']);
        assert!(distinct_last_chars(&[]).is_empty());
    }

    fn load(lexicon: &str) -> Result<Lexicon> {
        let units = std::fs::read_to_string("schemas/units.toml").expect("units");
        Lexicon::parse(lexicon, &units, Path::new("schemas"))
    }

    #[test]
    fn the_comparison_words_are_checked_at_load() {
        let shipped = std::fs::read_to_string("schemas/lexicon.toml").expect("lexicon");
        let lex = load(&shipped).expect("shipped lexicon");
        assert!(lex.compare_words.falling_count.iter().any(|w| w == "thấp hơn"));
        // a capital never matches the match form the rules read: the lexicon is refused
        let bad = shipped.replacen("falling_rate = [\"giảm\"]", "falling_rate = [\"Giảm\"]", 1);
        assert_ne!(bad, shipped);
        let e = load(&bad).map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("[comparison] falling_rate") && e.contains("Giảm"), "{e}");
        let none = shipped.replacen("against_month = [\"so với tháng\"]", "against_month = []", 1);
        assert!(
            load(&none)
                .map(|_| ())
                .unwrap_err()
                .to_string()
                .contains("[comparison] against_month: no words")
        );
    }

    #[test]
    fn a_lexicon_of_more_than_128_features_is_an_error() {
        // a set of features is one 128-bit word: the lexicon's check, not each rule's guard
        let shipped = std::fs::read_to_string("schemas/lexicon.toml").expect("lexicon");
        let n = load(&shipped).expect("shipped").feature_names.len();
        let at = shipped.find("\n[features]\n").expect("a [features] table") + "\n[features]".len();
        let with = |total: usize| {
            let extra: String = (n..total)
                .map(|i| format!("\nx_extra_{i} = {{ phrases = [\"từ thêm {i}\"] }}"))
                .collect();
            format!("{}{extra}{}", &shipped[..at], &shipped[at..])
        };
        assert_eq!(load(&with(128)).expect("128 features").feature_names.len(), 128);
        let err = load(&with(129)).expect_err("129 features").to_string();
        assert!(err.contains("more than 128 features"), "{err}");
    }

    #[test]
    fn a_feature_the_code_needs_cannot_be_renamed_away() {
        let shipped = std::fs::read_to_string("schemas/lexicon.toml").expect("lexicon");
        assert!(load(&shipped).is_ok());
        let renamed = shipped.replacen("\nbts = {", "\nbase_station = {", 1);
        assert_ne!(renamed, shipped, "the lexicon defines `bts` at the start of a line");
        let err = load(&renamed).expect_err("a missing feature is an error").to_string();
        assert!(err.contains("feature `bts`"), "{err}");
        let typo = shipped.replacen("nearest_slots = [\"money\"", "nearest_slots = [\"monye\"", 1);
        assert_ne!(typo, shipped, "the lexicon names `money` first in `nearest_slots`");
        let err = load(&typo).expect_err("an unknown slot is an error").to_string();
        assert!(err.contains("`monye`"), "{err}");
    }

    #[test]
    fn the_code_asks_for_features_through_code_features_only() {
        // a feature named by a string literal (`lex.feature("company")`) would escape the check
        // at load that `CodeFeatures::resolve` makes: the code reads `lex.code.company` instead
        let re = regex::Regex::new(r#"\bfeature\("([a-z_0-9]+)"\)"#).expect("pattern");
        let mut literal = Vec::new();
        for entry in walkdir::WalkDir::new("pipeline").into_iter().filter_map(|e| e.ok()) {
            if entry.path().extension().is_none_or(|x| x != "rs") || entry.path().ends_with("lexicon.rs") {
                continue;
            }
            let src = std::fs::read_to_string(entry.path()).expect("source");
            for c in re.captures_iter(&src) {
                literal.push(format!("{}: {}", entry.path().display(), &c[1]));
            }
        }
        assert!(literal.is_empty(), "read these through `lex.code` (code_features!): {literal:?}");
        // and every name the code reads is a feature of the shipped lexicon
        let lex = load(&std::fs::read_to_string("schemas/lexicon.toml").expect("lexicon")).expect("shipped lexicon");
        for name in CodeFeatures::NAMES {
            assert!(lex.feature(name).is_some(), "{name}");
        }
        assert_eq!(lex.feature_names[lex.code.company], "company");
        assert_eq!(lex.feature_names[lex.code.users], "users");
    }
}
