//! Extract: cleaned document → every number it contains, judged ([`Mention`]).
//!
//! Input: a [`CleanDoc`] and the [`Resources`] (lexicon, units, catalog, provinces).
//! Output: mentions in text order. Traps (dates, document numbers, years, 3G, ...) are recorded
//! with their kind; every other number becomes a quantity (number, scale words, range,
//! fraction, unit) that [`classify`] turns into a metric claim with its qualifiers, a
//! comparison attached to another figure, or an unclassified number.
//!
//! Invariants: pure (same document, same mentions); spans are byte offsets into
//! `CleanDoc::text` and never overlap, except that a figure stated for two metrics at once
//! (`phát thanh và truyền hình ... 98%`) is two mentions of one span; a number inside a trap is
//! never a statistic.

mod breakdown;
mod claim;
pub mod classify;
mod compare;
mod continuation;
pub mod features;
mod inline_table;
mod metric;
pub mod number;
mod part;
mod rank;
mod scope;
mod subject;
mod table;
pub mod traps;

use std::sync::OnceLock;

use regex::Regex;

use crate::config::Resources;
use crate::lexicon::{Lexicon, NumWord};
use crate::records::{CleanDoc, Mention, MentionKind, UnitKind};
use crate::text::{floor_char_boundary, match_form};

/// A number with its scale words, range, fraction and unit, before classification.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Span of the whole figure: number through unit.
    pub start: usize,
    pub end: usize,
    pub value: f64,
    pub value_high: Option<f64>,
    pub of: Option<f64>,
    /// Product of the scale words applied (1 when none).
    pub scale: f64,
    pub unit_kind: UnitKind,
    pub unit_start: usize,
    pub unit_end: usize,
    pub malformed: bool,
    /// Spelled-out restatement in parentheses (`6.200.000đồng (sáu triệu hai trăm nghìn đồng)`).
    pub words_value: Option<f64>,
    /// The figure itself is written in words.
    pub spelled: bool,
}

/// What extraction saw in one document, for the stage report.
#[derive(Debug, Default, Clone, Copy)]
pub struct ExtractReport {
    pub numbers: usize,
    pub traps: usize,
    pub metrics: usize,
}

fn digit_token() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"[0-9]+(?:[.,][0-9]+)*").expect("digit pattern"))
}

/// Skip white space from `i`.
fn skip_ws(hay: &str, i: usize) -> usize {
    i + hay[i..]
        .chars()
        .take_while(|c| c.is_whitespace() && *c != '\n')
        .map(char::len_utf8)
        .sum::<usize>()
}

/// Digit token starting exactly at `i`, if any.
fn token_at(hay: &str, i: usize) -> Option<(usize, usize)> {
    if !hay[i..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let m = digit_token().find(&hay[i..])?;
    (m.start() == 0).then(|| (i, i + m.end()))
}

/// The scale words right after `pos`: their product's factors, the end, and a trailing `rưỡi`.
fn scales_at(lex: &Lexicon, hay: &str, mut pos: usize) -> (Vec<f64>, usize, bool) {
    let mut scales = Vec::new();
    let mut half = false;
    loop {
        let p = skip_ws(hay, pos);
        if let Some(h) = lex.scale.longest_at(hay, p) {
            scales.push(*h.tag);
            pos = h.end;
            continue;
        }
        if !scales.is_empty()
            && let Some(h) = lex.num_words.longest_at(hay, p)
            && *h.tag == NumWord::Half
        {
            half = true;
            pos = h.end;
        }
        break;
    }
    (scales, pos, half)
}

/// A unit starting at `pos` (after optional spaces): kind and span.
fn unit_at(lex: &Lexicon, hay: &str, pos: usize) -> Option<(UnitKind, usize, usize)> {
    let p = skip_ws(hay, pos);
    if p >= hay.len() {
        return None;
    }
    // `thuê bao/100 dân`, `máy/100 dân`, `thuê bao Internet quy đổi/100 dân`
    if let Some(noun) = lex.per100_nouns.longest_at(hay, p) {
        let limit = floor_char_boundary(hay, (noun.end + 80).min(hay.len()));
        let tail = &hay[noun.end..limit];
        if let Some(d) = lex.per100_denominators.find_all(tail).into_iter().next() {
            let between = &tail[..d.start];
            let words = between.split_whitespace().count();
            // a unit never runs across a line or paragraph break
            let clean = !between.contains([',', ';', '(', ')', '.', '\n']) && !between.chars().any(|c| c.is_ascii_digit());
            if words <= lex.per100_max_gap_words && clean {
                return Some((UnitKind::Per100, p, noun.end + d.end));
            }
        }
    }
    let unit = lex.units.longest_at(hay, p).map(|h| (*h.tag, h.start, h.end))?;
    // `thứ 4 năm 2015`, `đạt 15 tháng 6/2020`: a duration word that opens a date names when,
    // not how long
    if unit.0 == UnitKind::Duration {
        let after = skip_ws(hay, unit.2);
        let digits = hay[after..].bytes().take_while(u8::is_ascii_digit).count();
        if digits == 4 || (digits >= 1 && hay[after + digits..].starts_with('/')) {
            return None;
        }
    }
    Some(unit)
}

/// Spelled-out number words starting at `pos`: value and end, when they form a number.
fn words_at(lex: &Lexicon, hay: &str, pos: usize) -> Option<(f64, usize, usize)> {
    let mut words = Vec::new();
    let mut p = skip_ws(hay, pos);
    let start = p;
    let mut end = p;
    while let Some(h) = lex.num_words.longest_at(hay, p) {
        words.push(*h.tag);
        end = h.end;
        p = skip_ws(hay, h.end);
        // `sáu triệu, bảy trăm năm mươi nghìn đồng`: a comma after a scale word goes on
        if matches!(h.tag, NumWord::Scale(_)) && hay[p..].starts_with(',') && lex.num_words.longest_at(hay, skip_ws(hay, p + 1)).is_some() {
            p = skip_ws(hay, p + 1);
        }
    }
    let has_multiplier = words
        .iter()
        .any(|w| matches!(w, NumWord::Ten | NumWord::TensMarker | NumWord::Hundred | NumWord::Scale(_)));
    if words.len() < 2 || !has_multiplier {
        return None;
    }
    number::parse_words(&words).map(|v| (v, start, end))
}

/// Context shared by the per-sentence passes over one document.
pub struct DocCtx<'a> {
    pub doc: &'a CleanDoc,
    pub res: &'a Resources,
    /// Match form of the document text (same byte offsets).
    pub hay: String,
    pub features: features::FeatureIndex,
    /// Scope of the document (see [`Scope`]).
    pub scope: Scope,
    /// Answers already computed for this document: a unit's own features by its match form
    /// (`thuê bao` recurs dozens of times), and whether a paragraph speaks of ICT, by its span.
    pub memo: std::cell::RefCell<Memo>,
    /// Byte span of each paragraph, by paragraph index (computed once: per-sentence scans for it
    /// made a document of one long paragraph quadratic).
    pub paragraphs: Vec<(usize, usize)>,
}

impl DocCtx<'_> {
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

/// Per-document caches of [`DocCtx`]; pure functions of the document and the lexicon.
#[derive(Debug, Default)]
pub struct Memo {
    pub unit_features: rustc_hash::FxHashMap<String, u128>,
    pub ict_paragraph: rustc_hash::FxHashMap<(usize, usize), bool>,
}

/// What the document as a whole is about, which bounds what its figures can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
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
    pub fn of(doc: &CleanDoc, hay: &str, lex: &Lexicon) -> Scope {
        let cues = lex.ict_cues.find_all(hay).len();
        let title = doc.meta.title.as_deref().map(match_form).unwrap_or_default();
        Scope {
            ict: cues >= lex.min_ict_cues,
            company: !lex.company_titles.find_all(&title).is_empty(),
            multi_province: false,
            gated: true,
            ict_title: !lex.ict_cues.find_all(&title).is_empty(),
            district: false,
        }
    }

    /// Add what needs the province table: whether several provinces are reported on.
    pub fn with_provinces(mut self, hay: &str, provinces: &crate::reference::Provinces) -> Scope {
        let mut named: Vec<usize> = provinces.find_all(hay).iter().map(|h| *h.tag).collect();
        named.sort_unstable();
        named.dedup();
        self.multi_province = named.len() >= 3;
        self
    }

    /// Add whether the article is about one district: its title opens with a place that the
    /// text calls a district (`huyện X`, `thị xã X`, `thành phố X`), and that is no province.
    pub fn with_district(mut self, doc: &CleanDoc, hay: &str, provinces: &crate::reference::Provinces) -> Scope {
        let Some(title) = doc.meta.title.as_deref() else { return self };
        // the capitalised words the title opens with (`Chợ Mới`, `Thị xã Ba Đồn`)
        let mut name: Vec<&str> = Vec::new();
        for w in title
            .split_whitespace()
            .skip_while(|w| ["Huyện", "Thị", "xã", "Thành", "phố", "Quận", "TP"].contains(w))
        {
            let bare = w.trim_end_matches([':', ',', '-', '.']);
            if !bare.starts_with(char::is_uppercase) {
                break;
            }
            name.push(bare);
            if bare.len() < w.len() {
                break;
            }
        }
        if name.is_empty() || name.len() > 4 {
            return self;
        }
        let name = match_form(&name.join(" "));
        // the whole name, as a word (`thành phố Bến Tre` is no `Bến`)
        let named = ["huyện ", "thị xã ", "thành phố ", "quận "].iter().any(|d| {
            let key = format!("{d}{name}");
            hay.match_indices(&key)
                .any(|(i, _)| !hay[i + key.len()..].starts_with(|c: char| crate::text::is_letter(c)))
        });
        self.district = named && provinces.find_all(&name).is_empty();
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
    extract_scoped(doc, res, None)
}

/// Extract with a given scope (None: read it from the document).
pub fn extract_scoped(doc: &CleanDoc, res: &Resources, scope: Option<Scope>) -> (Vec<Mention>, ExtractReport) {
    let hay = match_form(&doc.text);
    let features = features::FeatureIndex::new(&res.lexicon, &hay);
    let scope = scope.unwrap_or_else(|| {
        Scope::of(doc, &hay, &res.lexicon)
            .with_provinces(&hay, &res.provinces)
            .with_district(doc, &hay, &res.provinces)
    });
    let ctx = DocCtx {
        doc,
        res,
        hay,
        features,
        scope,
        memo: std::cell::RefCell::default(),
        paragraphs: paragraph_spans(doc),
    };
    let mut out = Vec::new();
    let mut report = ExtractReport::default();
    for (si, s) in doc.sentences.iter().enumerate() {
        let sentence = &doc.text[s.start..s.end];
        let lex = &res.lexicon;
        let unit_follows = |e: usize| {
            unit_at(lex, &ctx.hay, e).is_some_and(|(k, _, _)| !matches!(k, UnitKind::Duration | UnitKind::Other | UnitKind::Length))
        };
        let traps = traps::find(sentence, s.start, &unit_follows);
        let quantities = scan(&ctx, s.start, s.end, &traps);
        report.traps += traps.len();
        report.numbers += quantities.len() + traps.len();
        // a trap inside a figure (`/100 dân` of a density unit) is part of that figure
        let mut mentions: Vec<Mention> = traps
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
                unit_raw: None,
                unit_kind: None,
                malformed: false,
                claim: None,
            })
            .collect();
        let mut judged = classify::classify(&ctx, si, &traps, &quantities);
        judged.iter_mut().for_each(unrepresentable);
        report.metrics += judged.iter().filter(|m| m.kind == MentionKind::Metric).count();
        mentions.extend(judged);
        mentions.sort_by_key(|m| (m.start, m.end));
        out.extend(mentions);
    }
    // a table of ICT figures is ICT whatever the words around it (a yearbook page of the
    // `Vận tải và bưu điện` chapter names no company)
    if ctx.scope.gated {
        with_tables(doc, res, &mut out);
    }
    with_ranks(doc, &ctx.hay, res, &mut out);
    continuation::apply(doc, &ctx.hay, &mut out);
    breakdown::apply(doc, &ctx.hay, &mut out);
    cut_off(doc, &mut out);
    (out, report)
}

/// Rule `text.cut_off`: a text that stops mid-sentence (a page excerpt, a truncated feed) cuts
/// the figure before its end off from its unit (`ít nhất 1 gi`): a bare figure followed by
/// nothing but one unfinished word is no fact. Example: `... đạt 1.200 thuê b` at the end of a
/// document; `tăng 1,78% so` keeps its figure.
fn cut_off(doc: &CleanDoc, out: &mut [Mention]) {
    let text = doc.text.trim_end();
    let ends_cleanly = text.ends_with(['.', '!', '?', '…', '"', '”', ')', ':', ';']);
    if ends_cleanly {
        return;
    }
    // a figure that carries its unit (`tăng 1,78% so`) is whole; a bare one may have lost it
    let bare = |m: &Mention| m.unit_kind.is_none_or(|u| u == UnitKind::Bare);
    for m in out.iter_mut().filter(|m| m.kind == MentionKind::Metric && bare(m)) {
        let after = text.get(m.end..).unwrap_or("");
        if after.split_whitespace().count() <= 1 && !after.contains(['.', ',', ';']) {
            m.kind = MentionKind::Unclassified;
            m.claim = None;
            m.reason = "text.cut_off: the text ends right after the figure, mid-word".into();
        }
    }
}

/// Ranks of the provinces a ranking names ([`rank`]): a rank the sentence rules read takes the
/// province named beside it; one they missed (`Hà Nội đứng thứ 2`, `Đà Nẵng dẫn đầu`) is added.
fn with_ranks(doc: &CleanDoc, hay: &str, res: &Resources, out: &mut Vec<Mention>) {
    let found = rank::read(doc, hay, res);
    for m in out
        .iter_mut()
        .filter(|m| found.components.iter().any(|&(s, e)| m.start < e && s < m.end))
    {
        if m.kind == MentionKind::Metric {
            m.kind = MentionKind::Unclassified;
            m.claim = None;
            m.reason = "rank.named_province: a rank in one component of the index, not the index's".into();
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

/// Find the quantities of one sentence `[from, to)`, outside the traps.
pub fn scan(ctx: &DocCtx<'_>, from: usize, to: usize, traps: &[traps::Trap]) -> Vec<Quantity> {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let in_trap = |s: usize, e: usize| traps.iter().any(|t| s < t.end && t.start < e);
    let mut out: Vec<Quantity> = Vec::new();
    let mut consumed = from;
    let mut pos = from;
    while pos < to {
        // next digit token, or next spelled-out number, whichever comes first
        let next_digit = digit_token().find_at(&hay[..to], pos).map(|m| (m.start(), m.end()));
        let Some((ts, te)) = next_digit else {
            scan_words(ctx, pos, to, traps, &mut out, &mut consumed);
            break;
        };
        scan_words(ctx, pos, ts, traps, &mut out, &mut consumed);
        if ts < consumed || in_trap(ts, te) {
            pos = te.max(pos + 1);
            continue;
        }
        // a digit glued to letters before it (`PA25`, `H5`) is a name, not a figure
        if hay[..ts].chars().next_back().is_some_and(crate::text::is_letter) {
            pos = te;
            continue;
        }
        let q = quantity_at(ctx, ts, te, to, traps);
        consumed = q.end;
        pos = q.end.max(te);
        // a parenthesised restatement in words belongs to this figure
        let mut q = q;
        let p = skip_ws(hay, q.end);
        if hay[p..].starts_with('(')
            && let Some((v, _, we)) = words_at(lex, hay, p + 1)
        {
            let after = unit_at(lex, hay, we).map_or(we, |(_, _, e)| e);
            let close = skip_ws(hay, after);
            if hay[close..].starts_with(')') {
                q.words_value = Some(v);
                consumed = close + 1;
                pos = consumed;
            }
        }
        // a figure never runs past its sentence (a sentence cut at its length limit can fall
        // between a number and its unit): what lies beyond is the next sentence's
        q.end = q.end.min(to);
        q.unit_start = q.unit_start.min(to);
        q.unit_end = q.unit_end.min(to);
        out.push(q);
    }
    out
}

/// Spelled-out figures between `from` and `to` (only those followed by a unit).
fn scan_words(ctx: &DocCtx<'_>, from: usize, to: usize, traps: &[traps::Trap], out: &mut Vec<Quantity>, consumed: &mut usize) {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    if from >= to {
        return;
    }
    let hits = lex.num_words.find_all(&hay[from..to]);
    let mut i = 0;
    while i < hits.len() {
        let at = from + hits[i].start;
        i += 1;
        if at < *consumed || traps.iter().any(|t| at < t.end && t.start <= at) {
            continue;
        }
        let Some((v, s, e)) = words_at(lex, hay, at) else { continue };
        if e > to {
            continue;
        }
        let Some((kind, us, ue)) = unit_at(lex, hay, e) else { continue };
        if matches!(kind, UnitKind::Duration | UnitKind::Other | UnitKind::Length) {
            continue;
        }
        out.push(Quantity {
            start: s,
            end: ue,
            value: v,
            value_high: None,
            of: None,
            scale: 1.0,
            unit_kind: kind,
            unit_start: us,
            unit_end: ue,
            malformed: false,
            words_value: None,
            spelled: true,
        });
        *consumed = ue;
        while i < hits.len() && from + hits[i].start < ue {
            i += 1;
        }
    }
}

/// Read a number with scale words, continuation (`1 triệu 300 nghìn`), range, fraction, unit.
fn quantity_at(ctx: &DocCtx<'_>, ts: usize, te: usize, limit: usize, traps: &[traps::Trap]) -> Quantity {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let in_trap = |s: usize, e: usize| traps.iter().any(|t| s < t.end && t.start < e);
    let reading = number::parse_digits(&hay[ts..te]).expect("digit token parses");
    let (scales, mut end, mut half) = scales_at(lex, hay, te);
    let mut parts = vec![(reading.value, scales.clone())];
    let mut malformed = reading.malformed;
    // ambiguous `20,719 triệu`: a scale word means the comma was a decimal mark
    if reading.ambiguous && !scales.is_empty() {
        parts[0].0 = reading.decimal_alt;
    }
    // continuation: `1 triệu 300 nghìn`
    if !scales.is_empty() {
        loop {
            let p = skip_ws(hay, end);
            let Some((s2, e2)) = token_at(hay, p) else { break };
            if e2 > limit || in_trap(s2, e2) {
                break;
            }
            let r2 = number::parse_digits(&hay[s2..e2]).expect("digit token");
            let (sc2, end2, half2) = scales_at(lex, hay, e2);
            let mut trial = parts.clone();
            trial.push((r2.value, sc2));
            if number::combine_scaled(&trial, false).is_none() {
                break;
            }
            parts = trial;
            end = end2;
            half = half2;
            malformed |= r2.malformed;
        }
    }
    let scale: f64 = parts[0].1.iter().product();
    let mut value = number::combine_scaled(&parts, half).unwrap_or(reading.value);
    let mut of = None;
    let mut value_high = None;
    let mut unit = unit_at(lex, hay, end);
    // `đạt tỷ lệ 100/100 dân`: a density written with no noun, not a fraction
    if unit.is_none()
        && parts.len() == 1
        && scales.is_empty()
        && let Some(d) = lex.per100_denominators.longest_at(hay, te)
    {
        unit = Some((UnitKind::Per100, te, d.end));
    }
    // fraction `427/635 xã` or rank `xếp thứ 15/64`
    if unit.is_none_or(|u| u.0 != UnitKind::Per100)
        && parts.len() == 1
        && scales.is_empty()
        && hay[te..].starts_with('/')
        && let Some((fs, fe)) = token_at(hay, te + 1)
        && fe <= limit
        && !in_trap(fs, fe)
        && let Some(den) = number::parse_digits(&hay[fs..fe])
        && den.value >= reading.value
        && den.value > 0.0
    {
        of = Some(den.value);
        end = fe;
        unit = unit_at(lex, hay, end);
    }
    let left: String = {
        let from = floor_char_boundary(hay, ts.saturating_sub(40));
        hay[from..ts].trim_end().to_string()
    };
    // `tụt hạng 10 bậc`, `tăng 5 bậc`: steps moved, not a rank
    let is_rank =
        (left.ends_with("thứ") || left.ends_with("xếp hạng") || left.ends_with("hạng")) && !hay[skip_ws(hay, end)..].starts_with("bậc");
    // `xếp hạng 27 trên 63 tỉnh`, `xếp thứ 9 trong 63 tỉnh, thành`
    if is_rank && of.is_none() {
        let p = skip_ws(hay, end);
        for w in ["trên tổng số", "trong tổng số", "trong số", "trên", "trong"] {
            if hay[p..].starts_with(w) {
                let q = skip_ws(hay, p + w.len());
                if let Some((s2, e2)) = token_at(hay, q)
                    && let Some(den) = number::parse_digits(&hay[s2..e2])
                    && den.value >= reading.value
                    && e2 <= limit
                {
                    of = Some(den.value);
                    end = e2;
                    unit = unit_at(lex, hay, end);
                }
                break;
            }
        }
    }
    // range `5% - 7%`, `70-75%`, `từ 5 đến 7 tỷ đồng`
    if of.is_none() && !is_rank {
        let after_unit = unit.map_or(end, |(_, _, e)| e);
        let p = skip_ws(hay, after_unit);
        let sep_len = ["-", "–", "đến", "tới", "~"]
            .iter()
            .find(|s| hay[p..].starts_with(**s))
            .map(|s| s.len());
        if let Some(l) = sep_len {
            let q = skip_ws(hay, p + l);
            if let Some((s2, e2)) = token_at(hay, q)
                && e2 <= limit
                && !in_trap(s2, e2)
            {
                let r2 = number::parse_digits(&hay[s2..e2]).expect("digit token");
                let (sc2, end2, half2) = scales_at(lex, hay, e2);
                let unit2 = unit_at(lex, hay, end2);
                let same_unit = match (unit, unit2) {
                    (Some(a), Some(b)) => a.0 == b.0,
                    _ => true,
                };
                let scale2: f64 = sc2.iter().product();
                let high = number::combine_scaled(&[(r2.value, sc2.clone())], half2).unwrap_or(r2.value);
                if same_unit && high >= value * if scales.is_empty() { scale2 } else { 1.0 } {
                    if scales.is_empty() && !sc2.is_empty() {
                        value *= scale2;
                    }
                    value_high = Some(high);
                    malformed |= r2.malformed;
                    end = end2;
                    if unit.is_none() || unit2.is_some() {
                        unit = unit2;
                    }
                }
            }
        }
    }
    // density written before the number: `mật độ điện thoại/100 dân là 137 thuê bao`
    let density_before = {
        let from = floor_char_boundary(hay, ts.saturating_sub(90));
        let clause_start = hay[from..ts].rfind([',', ';', '(', '.']).map_or(from, |i| from + i);
        !lex.per100_prefixes.find_all(&hay[clause_start..ts]).is_empty()
    };
    let unit = match unit {
        Some((UnitKind::Subscribers | UnitKind::Count, s, e)) if density_before => Some((UnitKind::Per100, s, e)),
        None if density_before => Some((UnitKind::Per100, end, end)),
        other => other,
    };
    let (unit_kind, us, ue) = match unit {
        Some((k, s, e)) if !is_rank => (k, s, e),
        Some((_, s, e)) => (UnitKind::Rank, s, e),
        None if is_rank => (UnitKind::Rank, end, end),
        None => (UnitKind::Bare, end, end),
    };
    // an ambiguous `17,045` is thousands for counts, decimals for shares and densities
    if reading.ambiguous && scales.is_empty() && matches!(unit_kind, UnitKind::Percent | UnitKind::Per100) {
        value = reading.decimal_alt;
    }
    Quantity {
        start: ts,
        end: ue.max(end),
        value,
        value_high,
        of,
        scale: if scale == 0.0 { 1.0 } else { scale },
        unit_kind,
        unit_start: us,
        unit_end: ue,
        malformed,
        words_value: None,
        spelled: false,
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
    let (mentions, _) = extract_scoped(&doc, res, Some(Scope::open()));
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
                c.province.as_ref().map_or("-", |p| p.name.as_str()),
            ));
        }
        out.push_str(&format!("\n{:<14} {}\n", "", m.reason));
    }
    out
}

#[cfg(test)]
mod tests;
