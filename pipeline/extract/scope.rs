//! Scope rules: `lần lượt` lists, figures shared by two media, and whether a classified
//! figure falls outside what the document can state as a province fact.
//!
//! Input: the document context, a sentence and its figures. Output: re-ordered figures, extra
//! claims, or the kind and reason that keep a figure out. Invariant: these rules only ever
//! remove or duplicate claims, they never invent a metric the rules did not find.

use super::figure::Figure;
use super::traps::Trap;
use super::{DocCtx, Quantity};
use super::{claim::*, features::*, metric::*};
use crate::catalog::Metric;
use crate::records::{Basis, Claim, MentionKind, Period, PeriodPart, Status, UnitKind};

/// `A và B lần lượt đạt X và Y`: the k-th figure after `lần lượt` takes the k-th rival
/// feature named before it (and a bare figure takes the unit of the last one).
pub(super) fn respectively<'q>(
    ctx: &DocCtx<'_>,
    from: usize,
    to: usize,
    qs: &'q [Quantity],
    mut levels: Vec<Levels>,
) -> (std::borrow::Cow<'q, [Quantity]>, Vec<Levels>) {
    // (the figures are copied only when a list gives one of them a unit: most sentences have
    // no `lần lượt`, and a copy of their figures for each was one allocation per sentence)
    let mut qs = std::borrow::Cow::Borrowed(qs);
    let hay = &ctx.hay;
    let lex = &ctx.res.lexicon;
    // (asked of every sentence with figures: the searcher is built once)
    static RESPECTIVELY: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("lần lượt".as_bytes()));
    let Some(at) = RESPECTIVELY.find(&hay.as_bytes()[from..to]).map(|i| from + i) else {
        return (qs, levels);
    };
    let clause_start = hay[from..at].rfind(';').map_or(from, |i| from + i + 1);
    let clause_end = hay[at..to].find(';').map_or(to, |i| at + i);
    let after: Vec<usize> = (0..qs.len()).filter(|&i| qs[i].start > at && qs[i].end <= clause_end).collect();
    if after.len() < 2 {
        return (qs, levels);
    }
    // rival features (one slot) named before `lần lượt`, in order of appearance
    let mut named: Vec<(usize, usize)> = Vec::new();
    for &(pos, _, f) in ctx.features.hits_in(clause_start, at) {
        if lex.feature_slot[f].is_some() && !named.iter().any(|&(_, g)| g == f) {
            named.push((pos, f));
        }
    }
    let slot = named.first().and_then(|(_, f)| lex.feature_slot[*f].clone());
    let named: Vec<usize> = named
        .into_iter()
        .filter(|(_, f)| lex.feature_slot[*f] == slot)
        .map(|(_, f)| f)
        .collect();
    if named.len() != after.len() {
        return (qs, levels);
    }
    let last_unit = (
        qs[*after.last().expect("two or more")].unit_kind,
        qs[*after.last().expect("two")].unit_start,
        qs[*after.last().expect("two")].unit_end,
    );
    for (k, &i) in after.iter().enumerate() {
        let mut keep = FeatSet(u128::MAX);
        for &g in &named {
            keep = FeatSet(keep.0 & !(1u128 << g));
        }
        let lv = &mut levels[i];
        lv.l[0] = lv.l[0].mask(keep);
        lv.l[0].add(named[k]);
        lv.left = lv.left.mask(keep);
        lv.left.add(named[k]);
        for l in 1..lv.l.len() {
            lv.l[l] = lv.l[l].mask(keep);
        }
        if qs[i].unit_kind == UnitKind::Bare && last_unit.0 != UnitKind::Bare {
            qs.to_mut()[i].unit_kind = last_unit.0;
        }
    }
    (qs, levels)
}

/// Claims for a figure whose own clause names two media joined as one subject (radio and
/// television): each medium's metric, read with the other medium masked out.
pub(super) fn shared_media(f: &Figure<'_, '_>, s: crate::records::Sentence) -> Vec<(String, Claim)> {
    let Figure { ctx, traps, q, lv, .. } = *f;
    let lex = &ctx.res.lexicon;
    let (radio, tv) = (lex.code.radio, lex.code.tv);
    if !(lv.l[0].has(radio) && lv.l[0].has(tv)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for drop in [tv, radio] {
        let mut one = *lv;
        for k in 0..one.l.len() {
            one.l[k] = one.l[k].mask(FeatSet(!(1u128 << drop)));
        }
        one.left = one.left.mask(FeatSet(!(1u128 << drop)));
        if let Some((mi, _, _)) = best_metric(ctx, q, &one) {
            let metric = &ctx.res.catalog.metrics[mi];
            let claim = make_claim(&Figure { lv: &one, ..*f }, metric, &mut None);
            if out_of_scope(ctx, s, q, metric, &claim, traps).is_none() {
                out.push((metric.id.clone(), claim));
            }
        }
    }
    if out.len() == 2 { out } else { Vec::new() }
}

/// Whether a classified figure falls outside what the document can state as a province fact:
/// a non-ICT document, a generic activity outside an ICT paragraph, a company's own figure,
/// a flow or amount over several years.
pub(super) fn out_of_scope(
    ctx: &DocCtx<'_>,
    s: crate::records::Sentence,
    q: &Quantity,
    metric: &Metric,
    claim: &Claim,
    traps: &[Trap],
) -> Option<(MentionKind, String)> {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    if !ctx.scope.gated {
        return None;
    }
    if !ctx.scope.ict {
        return Some((
            MentionKind::Unclassified,
            format!("scope.not_ict: {}: the document is not about ICT", metric.id),
        ));
    }
    if metric.needs_ict_context {
        let span = |p: usize| ctx.paragraph_span(p);
        let (mut ps, pe) = span(s.paragraph);
        // a line of a list (`- Số cuộc thanh tra, kiểm tra: 5 cuộc`) speaks of what its list and
        // the heading above it speak of
        let list_item = |(a, b): (usize, usize)| a < b && hay[a..b].trim_start().starts_with(super::BULLETS);
        if list_item((ps, pe)) {
            let mut p = s.paragraph;
            while p > 0 {
                p -= 1;
                let (a, b) = span(p);
                if a >= b {
                    continue;
                }
                ps = a;
                if !list_item((a, b)) {
                    break;
                }
            }
        }
        let department = lex.department_subject.any_in(hay, &ctx.hits, s.start, s.end);
        let ict_paragraph = |ps: usize, pe: usize| {
            if let Some(&known) = ctx.memo.borrow().ict_paragraph.get(&(ps, pe)) {
                return known;
            }
            let found = lex.ict_cues.any_in(hay, &ctx.hits, ps, pe);
            ctx.memo.borrow_mut().ict_paragraph.insert((ps, pe), found);
            found
        };
        // the activity continues the paragraph before (`Đồng thời, thực hiện 3 cuộc kiểm tra ...`),
        // or the title makes ICT the subject of the whole article
        let continued = || {
            let opening = hay[ps..pe].trim_start();
            let marker = lex.continued_openers.iter().any(|m| opening.starts_with(m.as_str()));
            marker && s.paragraph > 0 && {
                let (a, b) = span(s.paragraph - 1);
                a < b && ict_paragraph(a, b)
            }
        };
        // rule `scope.sector_anaphora`: a paragraph that speaks of "the sector" (`Nộp ngân sách
        // nhà nước của ngành ước đạt ...`, `lũy kế ... toàn ngành`) in a document about ICT goes
        // on with the ICT sector of the paragraph before it (or is the document's opening)
        let sector = || {
            lex.sector_anaphora.any_in(hay, &ctx.hits, ps, pe)
                && (s.paragraph == 0 || {
                    let (a, b) = span(s.paragraph - 1);
                    a < b && ict_paragraph(a, b)
                })
        };
        if ps < pe && !ict_paragraph(ps, pe) && !department && !continued() && !ctx.scope.ict_title && !sector() {
            return Some((
                MentionKind::Unclassified,
                format!(
                    "scope.generic_activity: {}: a generic activity in a paragraph that does not speak of ICT",
                    metric.id
                ),
            ));
        }
    }
    // In an article about a company, a figure is the company's unless the province or the
    // country is its subject: in its own clause (`Tổng số thuê bao di động của Việt Nam là 128,3
    // triệu, trong đó Viettel chiếm 49,5%`: the country's), or in a sentence that names no company
    // (`VNPT cho biết, toàn tỉnh hiện có 850 trạm`: the province's)
    // (asked only in an article about a company: the clause and its words are not looked up
    // for the figures of any other)
    let company_figure = || {
        let clause_start = crate::text::rfind_any_ascii(&hay[s.start..q.start], b",;").map_or(s.start, |k| s.start + k + 1);
        let clause_end = crate::text::find_any_ascii(&hay[q.end..s.end], b",;").map_or(s.end, |k| q.end + k);
        let company_in = |a: usize, b: usize| ctx.features.set(a, b).has(lex.code.company);
        let wide_in_clause = lex.province_wide.any_in(hay, &ctx.hits, clause_start, clause_end);
        let wide_in_sentence = lex.province_wide.any_in(hay, &ctx.hits, s.start, s.end);
        company_in(clause_start, q.end) || (!wide_in_clause && (company_in(s.start, s.end) || !wide_in_sentence))
    };
    if ctx.scope.company && company_figure() {
        return Some((
            MentionKind::Company,
            format!(
                "scope.company_article: {}: a figure of the company the article is about, not of the province",
                metric.id
            ),
        ));
    }
    // (a figure whose span of years its sentence reads keeps it: rule `period.several_years`)
    if claim.period.is_none_or(|p| !matches!(p.part, PeriodPart::Through(_))) && over_several_years(ctx, s, q, metric, claim, traps) {
        return Some((
            MentionKind::Unclassified,
            format!(
                "scope.several_years: {}: a figure over several years, not of the report period",
                metric.id
            ),
        ));
    }
    None
}

/// Whether a flow or an amount (not a target) is stated over several years: a span of years
/// (`giai đoạn 2016-2020`) or the lexicon's `multi_year` words (`từ năm`, `những năm qua`)
/// before it in its sentence.
fn over_several_years(ctx: &DocCtx<'_>, s: crate::records::Sentence, q: &Quantity, metric: &Metric, claim: &Claim, traps: &[Trap]) -> bool {
    let (lex, hay) = (&ctx.res.lexicon, &ctx.hay);
    if claim.status == Status::Target
        || !(claim.basis == Some(Basis::Flow) || metric.default_basis.is_none() && metric.unit_kind == UnitKind::Vnd)
    {
        return false;
    }
    let range = traps
        .iter()
        .any(|t| t.kind == MentionKind::Year && t.start >= s.start && t.end <= q.start && hay[t.start..t.end].contains(['-', '–']));
    // (`Nếu tính chung thuê bao phát triển mới của cả năm 2011 thì ...`: taken together over
    // the whole of one year, rule `scope.one_whole_year`)
    range
        || lex
            .multi_year
            .iter_in(hay, &ctx.hits, s.start, q.start)
            .any(|h| !hay[s.start + h.end..q.start].contains("cả năm"))
}

/// Rule `period.several_years`: a flow or an amount stated over several years whose sentence
/// names them is a fact of that span: `Từ năm 2011 đến nay, Thanh tra Sở tổ chức 50 cuộc thanh
/// tra` on a page of 2015 is `2011-2015`, `Trong giai đoạn 2001 đến 2008 đã đào tạo được 1.649
/// học viên` is `2001-2008`, `giai đoạn 2016 - 2020` is `2016-2020`. A span it cannot read (`trong
/// những năm qua`) leaves the figure out, as before ([`out_of_scope`]).
pub(super) fn several_years(
    ctx: &DocCtx<'_>,
    s: crate::records::Sentence,
    q: &Quantity,
    metric: &Metric,
    claim: &Claim,
    traps: &[Trap],
) -> Option<Period> {
    if !over_several_years(ctx, s, q, metric, claim, traps) {
        return None;
    }
    let re = &ctx.res.lexicon.grammar.year_span;
    let before = &ctx.hay[s.start..q.start];
    let c = re.captures_iter(before).last()?;
    // a span that names a plan (`Kế hoạch ứng dụng công nghệ thông tin giai đoạn 2016 - 2020 và 3
    // văn bản`) is the plan's name, not the figure's window
    let at = c.get(0)?.start();
    let lead = &before[crate::text::floor_char_boundary(before, at.saturating_sub(60))..at];
    if ctx.res.lexicon.period.span_names.iter().any(|w| lead.contains(w.as_str())) {
        return None;
    }
    let start: i32 = c[1].parse().ok()?;
    let end = match c.get(2) {
        Some(y) => y.as_str().parse().ok()?,
        // `đến nay`: the year the page was published, else the year it reports
        None => ctx
            .doc
            .meta
            .published
            .map(|d| chrono::Datelike::year(&d))
            .or(ctx.doc.meta.period.map(|p| p.year))?,
    };
    Period::through(start, end)
}
