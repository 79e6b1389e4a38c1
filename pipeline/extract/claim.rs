//! Claims: the qualifiers of a metric figure (status, basis, bound, converted, period,
//! province) and the revenue growth rate fact.
//!
//! Input: a figure, its levels and the sentence's cues (found once per sentence). Output: a
//! [`Claim`]. Invariant: a cue is read from the figure's own sentence, left of the figure,
//! nearest first; the document's period and province are the fallback.

mod basis;
mod period;
mod province;
mod status;

use super::DocCtx;
use super::figure::Figure;
use super::metric::*;
use crate::catalog::Metric;
use crate::lexicon::{BasisCue, StatusCue};
use crate::records::{Basis, Bound, Claim, UnitKind};

/// Qualifier cues of one sentence, found once (absolute byte spans) and filtered per figure.
pub(super) struct SentenceCues {
    // (a sentence names a few cues: on the stack, not two vectors per sentence)
    status: smallvec::SmallVec<[(usize, usize, StatusCue); 4]>,
    basis: smallvec::SmallVec<[(usize, usize, BasisCue); 4]>,
}

impl SentenceCues {
    pub(super) fn of(ctx: &DocCtx<'_>, s: crate::records::Sentence) -> Self {
        let lex = &ctx.res.lexicon;

        SentenceCues {
            status: lex
                .status
                .iter_in(&ctx.hay, &ctx.hits, s.start, s.end)
                .map(|h| (s.start + h.start, s.start + h.end, *h.tag))
                .collect(),
            basis: lex
                .basis
                .iter_in(&ctx.hay, &ctx.hits, s.start, s.end)
                .map(|h| (s.start + h.start, s.start + h.end, *h.tag))
                .collect(),
        }
    }
}

/// Status, basis, bound, converted, period and province of a metric figure `f` of `metric`;
/// `last_basis_cue` carries the sentence's last basis cue from one figure to the next. Each
/// qualifier is its rules' module: [`status`], [`period`], [`basis`], [`province`]; the bound
/// and the converted flag are one cue each.
pub(super) fn make_claim(f: &Figure<'_, '_>, metric: &Metric, last_basis_cue: &mut Option<Basis>) -> Claim {
    let st = status::read(f.ctx, f.cues, f.ctx.doc.sentences[f.si], f.q);
    let (period, period_rule) = period::read(f, metric, &st);
    Claim {
        metric: metric.id.clone(),
        status: st.status,
        period,
        period_rule,
        basis: basis::read(f, metric, last_basis_cue),
        bound: bound(f),
        converted: converted(f, metric),
        province: province::read(f, metric),
        growth_pct: None,
        plan_share_pct: None,
        words_mismatch: None,
    }
}

/// Rule `bound.cue_before`: a bound cue right before the number (`trên 1.200 trạm`, `gần 98%`,
/// `không quá 5%`: the lexicon's `[bound]`, longest first).
fn bound(f: &Figure<'_, '_>) -> Option<Bound> {
    let hay = &f.ctx.hay;
    let before = hay[..f.q.start].trim_end();
    f.ctx.res.lexicon.bound.longest_ending_at(hay, before.len()).map(|h| *h.tag)
}

/// Rule `unit.converted`: `thuê bao quy đổi`, `212.000 thuê bao quy đổi` are converted
/// subscribers; a density after a converted count in the same sentence is converted too.
fn converted(f: &Figure<'_, '_>, metric: &Metric) -> bool {
    let (lex, lv) = (&f.ctx.res.lexicon, f.lv);
    match metric.unit_kind {
        UnitKind::Subscribers => lv.l[0].has(lex.code.converted),
        UnitKind::Per100 => {
            let c = lex.code.converted;
            (0..3).any(|k| lv.l[k].has(c)) || lv.l[TAIL].has(c)
        }
        _ => false,
    }
}

/// Rule `revenue.growth_rate`: a growth rate stated with a revenue figure (`doanh thu ... ước đạt
/// 74.900 tỷ đồng, tăng 10,2% so với cùng kỳ`) is a `revenue_growth_pct` fact of the same
/// province, period and status, besides the revenue's `growth_pct` column. Only a rise or fall
/// (`tăng`, `giảm`) is a rate; an index (`bằng 109% so với cùng kỳ`) is not converted, and
/// growth of counts (subscribers, stations) is never a fact.
pub(super) fn revenue_growth_rate(revenue: &Claim, verb: bool, pct: f64) -> Option<Claim> {
    if !verb || !revenue.metric.ends_with("revenue") || !pct.is_finite() {
        return None;
    }
    Some(Claim {
        metric: "revenue_growth_pct".into(),
        basis: None,
        bound: None,
        converted: false,
        growth_pct: None,
        plan_share_pct: None,
        words_mismatch: None,
        ..revenue.clone()
    })
}
