//! Extract: cleaned document → every number it contains, judged ([`Mention`]).
//!
//! Input: a [`CleanDoc`] and the [`Resources`] (lexicon, units, catalog, provinces).
//! Output: mentions in text order. Traps (dates, document numbers, years, 3G, ...) are recorded
//! with their kind; every other number becomes a quantity (number, scale words, range,
//! fraction, unit; `quantity`) that `classify` turns into a metric claim with its qualifiers, a
//! comparison attached to another figure, or an unclassified number.
//!
//! Invariants: pure (same document, same mentions); spans are byte offsets into
//! `CleanDoc::text` and never overlap, except that a figure stated for two metrics at once
//! (`phát thanh và truyền hình ... 98%`) is two mentions of one span; a number inside a trap is
//! never a statistic.

mod attach;
mod breakdown;
mod claim;
pub(crate) mod classify;
mod clause;
mod compare;
mod continuation;
mod density;
pub(crate) mod district;
pub(crate) mod features;
mod field_part;
mod figure;
mod inline_table;
mod levels;
mod metric;
mod no_fact;
pub mod number;
pub mod number_format;
mod part;
mod quantity;
mod rank;
mod removed;
mod scope;
mod share_part;
mod subject;
pub(crate) mod table;
pub(crate) mod token;
pub mod traps;
mod window;

use quantity::unit_at;
pub(crate) use quantity::{Quantity, scan};

use crate::config::Resources;
use crate::lexicon::Lexicon;
use crate::records::{CleanDoc, Mention, MentionKind, UnitKind};
use crate::text::{DocHits, match_form};

/// What extraction saw in one document, for the stage report.
#[derive(Debug, Default, Clone, Copy)]
pub struct ExtractReport {
    pub numbers: usize,
    pub traps: usize,
    pub metrics: usize,
}

/// Context shared by the per-sentence passes over one document.
pub(crate) struct DocCtx<'a> {
    pub doc: &'a CleanDoc,
    pub res: &'a Resources,
    /// Match form of the document text (same byte offsets).
    pub hay: String,
    pub features: features::FeatureIndex,
    /// Occurrences of every phrase set enrolled in the lexicon's scan (rule `scan.once`).
    pub hits: DocHits,
    /// Scope of the document (see [`Scope`]).
    pub scope: Scope,
    /// Answers already computed for this document: a unit's own features by its match form
    /// (`thuê bao` recurs dozens of times), and whether a paragraph speaks of ICT, by its span.
    pub memo: std::cell::RefCell<Memo>,
    /// Byte span of each paragraph, by paragraph index (computed once: per-sentence scans for it
    /// made a document of one long paragraph quadratic).
    pub paragraphs: Vec<(usize, usize)>,
}

impl<'a> DocCtx<'a> {
    /// The year of the index the document reports (rule `rank.document_index_year`), searched
    /// once per document, when a rank figure first asks.
    pub(crate) fn doc_index_year(&self) -> Option<i32> {
        *self
            .memo
            .borrow_mut()
            .index_year
            .get_or_insert_with(|| rank::index_year(&self.res.lexicon.grammar, &self.hay))
    }

    /// The one scan of a document (rule `scan.once`) and what is read from it once: its match
    /// form, phrase hits, feature index, scope (given, or read from the document) and
    /// paragraph spans. When clean's scan of this document is given, it is read, not made again.
    pub(crate) fn scanned(doc: &'a CleanDoc, res: &'a Resources, scope: Option<Scope>, scan: Option<crate::text::DocScan>) -> Self {
        let (hay, hits) = match scan {
            Some(s) if s.hay.len() == doc.text.len() => (s.hay, s.hits),
            _ => {
                let hay = match_form(&doc.text);
                let hits = res.lexicon.scan.scan(&hay);
                (hay, hits)
            }
        };
        let features = features::FeatureIndex::new(&res.lexicon, &hay, &hits);
        let scope = scope.unwrap_or_else(|| {
            Scope::of(doc, &hay, &hits, &res.lexicon)
                .with_provinces(&hay, &hits, &res.provinces)
                .with_district(doc, &hay, res)
        });
        DocCtx {
            doc,
            res,
            hay,
            features,
            hits,
            scope,
            memo: std::cell::RefCell::default(),
            paragraphs: paragraph_spans(doc),
        }
    }

    /// Byte span of paragraph `p` (empty when it has no sentence).
    pub fn paragraph_span(&self, p: usize) -> (usize, usize) {
        self.paragraphs.get(p).copied().unwrap_or((usize::MAX, 0))
    }
}

/// The byte span of every paragraph, from its sentences.
fn paragraph_spans(doc: &CleanDoc) -> Vec<(usize, usize)> {
    let n = doc.sentences.iter().map(|s| s.paragraph + 1).max().unwrap_or(0);
    let mut out = vec![(usize::MAX, 0); n];
    for s in &doc.sentences {
        let e = &mut out[s.paragraph];
        *e = (e.0.min(s.start), e.1.max(s.end));
    }
    out
}

/// The marks that open an item of a list (`- `, `+ `, `•`).
pub(super) const BULLETS: [char; 5] = ['-', '+', '•', '*', '–'];

/// Per-document caches of [`DocCtx`]; pure functions of the document and the lexicon.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    pub ict_paragraph: rustc_hash::FxHashMap<(usize, usize), bool>,
    /// Whether the year at a byte offset is a comparison base (`claim::base_year`): a question
    /// of the year alone, asked by every figure after it in its sentence.
    pub base_year: rustc_hash::FxHashMap<usize, bool>,
    /// The year of the index the document reports (rule `rank.document_index_year`), once a
    /// rank figure has asked.
    pub index_year: Option<Option<i32>>,
}

/// What the document as a whole is about, which bounds what its figures can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scope {
    /// The document speaks of ICT enough for its figures to be ICT facts.
    pub ict: bool,
    /// The title makes a company its subject: only province-wide figures count.
    pub company: bool,
    /// The document reports on several provinces (a regional round-up): a figure belongs to
    /// the province named last before it in its paragraph.
    pub multi_province: bool,
    /// Apply the document gates at all (off for single sentences: `explain`, tests).
    pub gated: bool,
    /// The title speaks of ICT: generic activities anywhere in the article are ICT activities.
    pub ict_title: bool,
    /// The article is about one district (`Chợ Mới đưa công nghệ số về từng ấp` ... `huyện Chợ
    /// Mới`): its figures are the district's unless a sentence speaks of the whole province.
    pub district: bool,
}

impl Scope {
    /// Read the scope of a document from its text and title.
    pub fn of(doc: &CleanDoc, hay: &str, hits: &DocHits, lex: &Lexicon) -> Scope {
        let cues = lex.ict_cues.iter_in(hay, hits, 0, hay.len()).count();
        let title = doc.meta.title.as_deref().map(match_form).unwrap_or_default();
        Scope {
            // rule `scope.short_excerpt`: an excerpt of a few lines (a news digest's paragraph)
            // has room for few cues; two of them in a short text are as telling as four in an
            // article
            ict: cues >= lex.min_ict_cues || (hay.len() < lex.short_document_bytes && cues >= lex.min_ict_cues_short),
            company: !lex.company_titles.find_all(&title).is_empty(),
            multi_province: false,
            gated: true,
            ict_title: !lex.ict_cues.find_all(&title).is_empty(),
            district: false,
        }
    }

    /// Add what needs the province table: whether several provinces are reported on.
    pub fn with_provinces(mut self, hay: &str, hits: &DocHits, provinces: &crate::reference::Provinces) -> Scope {
        let mut named: Vec<usize> = provinces.find_in(hay, hits, 0, hay.len()).iter().map(|h| *h.tag).collect();
        named.sort_unstable();
        named.dedup();
        self.multi_province = named.len() >= 3;
        self
    }

    /// Add whether the article is about one district (see [`district::article`]).
    pub fn with_district(mut self, doc: &CleanDoc, hay: &str, res: &Resources) -> Scope {
        self.district = district::article(doc, hay, &res.lexicon, &res.provinces, &res.clean);
        self
    }

    /// No gates: the text is taken to be a provincial ICT report.
    pub fn open() -> Scope {
        Scope {
            ict: true,
            company: false,
            multi_province: false,
            gated: false,
            ict_title: false,
            district: false,
        }
    }
}

/// Extract every mention of one document.
pub fn extract(doc: &CleanDoc, res: &Resources) -> (Vec<Mention>, ExtractReport) {
    extract_scoped(doc, res, None, None)
}

/// Extract every mention of one document, reading the scan clean made of it
/// ([`crate::clean::clean_scanned`]).
pub fn extract_scanned(doc: &CleanDoc, res: &Resources, scan: Option<crate::text::DocScan>) -> (Vec<Mention>, ExtractReport) {
    extract_scoped(doc, res, None, scan)
}

/// Extract with a given scope (None: read it from the document).
pub(crate) fn extract_scoped(
    doc: &CleanDoc,
    res: &Resources,
    scope: Option<Scope>,
    doc_scan: Option<crate::text::DocScan>,
) -> (Vec<Mention>, ExtractReport) {
    let ctx = DocCtx::scanned(doc, res, scope, doc_scan);
    let traps = sentence_traps(&ctx);
    let quantities = figures(&ctx, &traps);
    let (mut out, report) = judge(&ctx, traps, quantities);
    document_rules(&ctx, &mut out);
    (out, report)
}

// Extraction in phases, each over the whole document: its context ([`context`]), the traps of
// every sentence, then their figures, then the judgement of each sentence, then the rules over
// the whole document. A phase at a time keeps its automata and tables in the CPU's caches (a
// sentence's traps and figures depend on the document and the sentence alone), and a group of
// documents runs each phase over the whole group (rule `run.stage_groups`).

/// The first phase: a document's context, reading the scan clean made of it
/// ([`crate::clean::clean_scanned`]).
pub(crate) fn context<'a>(doc: &'a CleanDoc, res: &'a Resources, scan: Option<crate::text::DocScan>) -> DocCtx<'a> {
    DocCtx::scanned(doc, res, None, scan)
}

/// The traps of every sentence of a document ([`traps::find_each`]), read on its match form.
pub(crate) fn sentence_traps<'a>(ctx: &DocCtx<'a>) -> Vec<Vec<traps::Trap<'a>>> {
    let (lex, hay) = (&ctx.res.lexicon, ctx.hay.as_str());
    let unit_follows =
        |e: usize| unit_at(lex, hay, e).is_some_and(|(k, _, _)| !matches!(k, UnitKind::Duration | UnitKind::Other | UnitKind::Length));
    let doc = ctx.doc;
    traps::find_each(&lex.traps, &doc.text, doc.sentences.iter().map(|s| (s.start, s.end)), &unit_follows)
}

/// The figures of every sentence (numbers with their scale, range and unit), outside the
/// sentence's traps.
pub(crate) fn figures(ctx: &DocCtx<'_>, traps: &[Vec<traps::Trap<'_>>]) -> Vec<Vec<Quantity>> {
    ctx.doc
        .sentences
        .iter()
        .zip(traps)
        .map(|(s, t)| scan(ctx, s.start, s.end, t))
        .collect()
}

/// Every sentence's traps and figures judged into mentions in text order (the rules that read
/// the whole document come after: [`document_rules`]).
pub(crate) fn judge(ctx: &DocCtx<'_>, traps: Vec<Vec<traps::Trap<'_>>>, quantities: Vec<Vec<Quantity>>) -> (Vec<Mention>, ExtractReport) {
    let mut out = Vec::new();
    let mut report = ExtractReport::default();
    // (a mention per trap and figure, about: the rules after the sentences add a few; the
    // mentions are large, and a vector grown push by push copied them again and again)
    out.reserve(traps.iter().zip(&quantities).map(|(t, q)| t.len() + q.len()).sum::<usize>() + 8);
    for (si, (traps, quantities)) in traps.into_iter().zip(quantities).enumerate() {
        report.traps += traps.len();
        report.numbers += quantities.len() + traps.len();
        // the sentence's mentions are made in place at the end of `out`, then put in order
        let first = out.len();
        // a trap inside a figure (`/100 dân` of a density unit) is part of that figure
        out.extend(
            traps
                .iter()
                .filter(|t| !quantities.iter().any(|q| t.start < q.end && q.start < t.end))
                .map(|t| Mention {
                    sentence: si,
                    start: t.start,
                    end: t.end,
                    kind: t.kind,
                    reason: t.reason.to_string(),
                    value: None,
                    value_high: None,
                    of: None,
                    unit: None,
                    unit_kind: None,
                    malformed: false,
                    claim: None,
                }),
        );
        let mut judged = classify::classify(ctx, si, &traps, &quantities);
        judged.iter_mut().for_each(unrepresentable);
        report.metrics += judged.iter().filter(|m| m.kind == MentionKind::Metric).count();
        out.extend(judged);
        out[first..].sort_by_key(|m| (m.start, m.end));
    }
    (out, report)
}

/// After the judgement of every document's sentences, the rules that read a whole document:
/// tables, ranks, continued lists, breakdowns, densities, parts of a field or a share, and a
/// text cut off mid-sentence.
pub(crate) fn document_rules(ctx: &DocCtx<'_>, out: &mut Vec<Mention>) {
    let (doc, res) = (ctx.doc, ctx.res);
    // a table of ICT figures is ICT whatever the words around it (a yearbook page of the
    // `Vận tải và bưu điện` chapter names no company)
    if ctx.scope.gated {
        with_tables(doc, res, out);
    }
    with_ranks(doc, &ctx.hay, &ctx.hits, res, out);
    continuation::apply(doc, &ctx.hay, &res.lexicon, &res.lexicon.continuation, out);
    breakdown::apply(doc, &ctx.hay, out);
    density::apply(&ctx.hay, &res.catalog, out);
    field_part::apply(doc, &ctx.hay, &res.lexicon.part.field_words, out);
    share_part::apply(out);
    cut_off(doc, out);
}

/// Rule `text.cut_off`: a text that stops mid-sentence (a page excerpt, a truncated feed) cuts
/// the figure before its end off from its unit (`ít nhất 1 gi`): a bare figure followed by
/// nothing but one unfinished word is no fact, and so are subscribers whose kind word was cut
/// (`hơn 1,4 triệu thuê bao int`). Example: `... đạt 1.200 thuê b` at the end of a document;
/// `tăng 1,78% so` keeps its figure.
fn cut_off(doc: &CleanDoc, out: &mut [Mention]) {
    let text = doc.text.trim_end();
    let ends_cleanly = text.ends_with(['.', '!', '?', '…', '"', '”', ')', ':', ';']);
    if ends_cleanly {
        return;
    }
    // a figure that carries its unit (`tăng 1,78% so`) is whole; a bare one may have lost it, and
    // so may subscribers whose kind came after the unit (`hơn 1,4 triệu thuê bao int`)
    let bare = |m: &Mention| m.unit_kind.is_none_or(|u| u == UnitKind::Bare);
    let kind_lost = |m: &Mention| {
        m.unit_kind == Some(UnitKind::Subscribers)
            && m.unit_raw(&doc.text).is_some_and(|u| u.trim().eq_ignore_ascii_case("thuê bao"))
            && text.get(m.end..).is_some_and(|a| {
                let a = a.trim();
                // (bounded: the rest of a long document is not counted for each figure)
                !a.is_empty() && a.chars().nth(4).is_none() && !a.contains(char::is_whitespace)
            })
    };
    for m in out
        .iter_mut()
        .filter(|m| m.kind == MentionKind::Metric && (bare(m) || kind_lost(m)))
    {
        let after = text.get(m.end..).unwrap_or("");
        // (at most one word follows: found by looking at two words, not by counting every word
        // to the end of the document for each figure, which made a long text quadratic)
        if after.split_whitespace().nth(1).is_none() && !after.contains(['.', ',', ';']) {
            m.kind = MentionKind::Unclassified;
            m.claim = None;
            m.reason = "text.cut_off: the text ends right after the figure, mid-word".into();
        }
    }
}

/// Ranks of the provinces a ranking names ([`rank`]): a rank the sentence rules read takes the
/// province named beside it; one they missed (`Hà Nội đứng thứ 2`, `Đà Nẵng dẫn đầu`) is added.
fn with_ranks(doc: &CleanDoc, hay: &str, hits: &DocHits, res: &Resources, out: &mut Vec<Mention>) {
    let found = rank::read(doc, hay, hits, res);
    for m in out
        .iter_mut()
        .filter(|m| found.components.iter().any(|&(s, e)| m.start < e && s < m.end))
    {
        // only the index's own rank: a component's or another index's (`DTI`) rank that has a
        // metric of its own keeps it
        if m.kind == MentionKind::Metric && m.claim.as_ref().is_some_and(|c| c.metric == "ict_readiness_rank") {
            m.kind = MentionKind::Unclassified;
            m.claim = None;
            m.reason = "rank.component: a rank in one component of the index, or in another index, not the ICT Index's".into();
        }
    }
    if found.ranks.is_empty() {
        return;
    }
    for r in found.ranks {
        match out.iter_mut().find(|m| m.start < r.end && r.start < m.end) {
            Some(m) if m.kind == MentionKind::Metric => {
                if let (Some(c), Some(rc)) = (m.claim.as_mut(), r.claim.as_ref())
                    && c.metric == "ict_readiness_rank"
                {
                    c.province = rc.province.clone();
                    m.reason = format!("{}; {}", m.reason, r.reason);
                }
            }
            Some(m) => *m = r,
            None => out.push(r),
        }
    }
    out.sort_by_key(|m| (m.start, m.end));
}

/// Put the cells of the document's tables ([`table`]) in place of what the sentence rules made
/// of those numbers: a cell of a fact row becomes that row's fact of its column's period; a cell
/// of a part row is no figure of its own.
fn with_tables(doc: &CleanDoc, res: &Resources, out: &mut Vec<Mention>) {
    let t = table::read(doc, res);
    if t.cells.is_empty() {
        return;
    }
    let inside = |m: &Mention| t.cells.iter().any(|&(s, e)| m.start < e && s < m.end);
    out.retain(|m| !(inside(m) && t.mentions.iter().any(|c| m.start < c.end && c.start < m.end)));
    for m in out.iter_mut().filter(|m| inside(m) && m.kind == MentionKind::Metric) {
        m.kind = MentionKind::Unclassified;
        m.claim = None;
        m.reason = "table.cell: a cell of a row that breaks a figure down (a part, a district)".into();
    }
    out.extend(t.mentions);
    out.sort_by_key(|m| (m.start, m.end));
}

/// Rule `number.unrepresentable`: a figure whose value (or upper end, or denominator) is not
/// a finite number of a sane size (`1` followed by 400 digits, or over 10¹⁰⁰) is no
/// statistic: it stays a mention, `unclassified` and `malformed`, with this rule as its reason,
/// and gives no fact. Example: a 400-digit token in a report sentence.
fn unrepresentable(m: &mut Mention) {
    // far beyond any statistic, and far enough from f64::MAX that unit conversion stays finite
    let bad = |v: Option<f64>| v.is_some_and(|v| !v.is_finite() || v.abs() > 1e100);
    if bad(m.value) || bad(m.value_high) || bad(m.of) {
        m.kind = MentionKind::Unclassified;
        m.claim = None;
        m.value = m.value.filter(|v| v.is_finite());
        m.value_high = m.value_high.filter(|v| v.is_finite());
        m.of = m.of.filter(|v| v.is_finite());
        m.malformed = true;
        m.reason = "number.unrepresentable: the value is too large to represent".into();
    }
}

/// Human-readable account of every mention of a text: for `ictstat explain` and tests.
pub fn explain(
    text: &str,
    province: Option<crate::records::ProvinceRef>,
    period: Option<crate::records::Period>,
    res: &Resources,
) -> String {
    let doc = crate::clean::doc_from_text("explain", text, province, period, &res.clean, &res.provinces, &res.outlets);
    let (mentions, _) = extract_scoped(&doc, res, Some(Scope::open()), None);
    let mut out = String::new();
    for m in &mentions {
        out.push_str(&format!(
            "{:<14} {:<22}",
            m.kind.as_str(),
            format!("`{}`", &doc.text[m.start..m.end])
        ));
        if let Some(c) = &m.claim {
            out.push_str(&format!(
                " {} = {} {}{}{} status={} basis={} bound={} converted={} period={} province={}",
                c.metric,
                m.value.map(|v| v.to_string()).unwrap_or_default(),
                m.value_high.map(|v| format!("..{v} ")).unwrap_or_default(),
                m.of.map(|v| format!("of {v} ")).unwrap_or_default(),
                if m.malformed { "(malformed) " } else { "" },
                c.status.as_str(),
                c.basis.map_or("-", |b| b.as_str()),
                c.bound.map_or("-", |b| b.as_str()),
                c.converted,
                c.period.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
                c.province.as_ref().map_or("-", |p| &*p.name),
            ));
        }
        out.push_str(&format!("\n{:<14} {}\n", "", m.reason));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests;
