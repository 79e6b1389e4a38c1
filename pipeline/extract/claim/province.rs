//! Rules `province.*` of a figure: whose figure it is, the document's province, the country's
//! or another province's.
//!
//! Input: the figure ([`Figure`]) and its metric. Output: the province (None only when the
//! document has none and the figure names none). Invariant: the country wins when the
//! figure's subject names it (a rank never is the country's); else the province named last
//! before the figure in its clause, or, in a round-up of several provinces, in its paragraph.

use super::super::figure::Figure;
use crate::catalog::Metric;
use crate::records::{ProvinceRef, UnitKind};
use crate::reference::NATIONAL;
use crate::text::floor_char_boundary;

/// The province of figure `f` of `metric`. `Cả nước có 133 thuê bao/100 dân, trong khi tỉnh
/// đạt 118`: the first is the country's, the second the document's province.
pub(super) fn read(f: &Figure<'_, '_>, metric: &Metric) -> Option<ProvinceRef> {
    let (ctx, q) = (f.ctx, f.q);
    let (hay, doc) = (&ctx.hay, ctx.doc);
    let s = doc.sentences[f.si];
    if national(f) && metric.unit_kind != UnitKind::Rank {
        return Some(ProvinceRef {
            name: NATIONAL.into(),
            code: "".into(),
        });
    }
    let mut province = doc.meta.province.clone();
    let mut named: smallvec::SmallVec<[usize; 4]> = ctx
        .res
        .provinces
        .find_in(hay, &ctx.hits, f.left_start, q.start)
        .iter()
        .map(|h| *h.tag)
        .collect();
    if named.is_empty() && ctx.scope.multi_province {
        // rule `province.round_up`: the province named last before the figure in its paragraph
        let para_start = ctx.paragraph_span(s.paragraph).0.min(s.start);
        named = ctx
            .res
            .provinces
            .find_all(&hay[para_start..q.start])
            .iter()
            .map(|h| *h.tag)
            .collect();
    }
    if let Some(&p) = named.last() {
        let r = ctx.res.provinces.reference(p);
        if province.as_ref().is_none_or(|d| d.name != r.name) {
            province = Some(r);
        }
    }
    province
}

/// Rule `province.national_subject`: the figure is the country's when its subject names the
/// country (`cả nước`, `toàn quốc`: the lexicon's `national` feature) before it, or in the two
/// levels above it unless the province speaks again (`cả nước ... 133 thuê bao/100 dân, trong
/// khi tỉnh đạt 118`); when the country is named right after it (`thấp hơn tỷ lệ 35,6% của cả
/// nước`); or when the Ministry gives it (rule `province.ministry_source`).
fn national(f: &Figure<'_, '_>) -> bool {
    let (ctx, q, lv) = (f.ctx, f.q, f.lv);
    let (hay, doc, lex) = (&ctx.hay, ctx.doc, &ctx.res.lexicon);
    let (national, provincial_here) = (lex.code.national, lv.left.has(lex.code.provincial));
    let national_after = {
        let after_end = floor_char_boundary(hay, (q.end + 24).min(doc.sentences[f.si].end));
        ctx.features.set(q.end, after_end).has(national) && hay[q.end..after_end].trim_start().starts_with("của")
    };
    national_after || ministry_source(f) || lv.left.has(national) || (!provincial_here && (lv.l[1].has(national) || lv.l[2].has(national)))
}

/// Rule `province.ministry_source`: a figure the Ministry gives or a minister states (`Theo báo
/// cáo của Bộ TT&TT, tỷ lệ ... đạt 131 thuê bao/100 dân`) is the country's, unless its
/// statement names the province before it (a statement ends at `;`).
fn ministry_source(f: &Figure<'_, '_>) -> bool {
    let (ctx, q) = (f.ctx, f.q);
    let (hay, lex) = (&ctx.hay, &ctx.res.lexicon);
    let s0 = ctx.doc.sentences[f.si].start;
    let from = hay[s0..q.start].rfind(';').map_or(s0, |k| s0 + k + 1);
    let said = ctx.features.set(from, q.start);
    said.has(lex.code.ministry) && !said.has(lex.code.provincial) && !ctx.res.provinces.any_in(hay, &ctx.hits, from, q.start)
}
