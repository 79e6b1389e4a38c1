//! Rule `basis.*` of a count: stock (what exists at a date) or flow (what was added in the
//! period), from the cues of its own clause.
//!
//! Input: the figure ([`Figure`]), its metric and the last basis cue of its sentence. Output:
//! the basis, or None for a metric that has none (densities, shares, money). Invariant: a
//! decisive stock cue wins; otherwise the strong cue nearest the figure, then a strong cue right
//! after it in its clause, then a weak cue; a sentence's last cue carries to its later figures
//! (`phát triển mới 14.500 thuê bao, trong đó 12.000 thuê bao di động`); the metric's default
//! is the last resort.

use super::super::figure::Figure;
use crate::catalog::Metric;
use crate::lexicon::BasisCue;
use crate::records::Basis;
use crate::text::floor_char_boundary;

/// The basis of figure `f` of `metric`; `last_cue` carries the sentence's last basis cue from
/// one figure to the next. `Toàn tỉnh hiện có 1.200 trạm BTS` is a stock (`hiện có`), `lắp đặt
/// mới 80 trạm` a flow (`mới`), `có thêm 14.500 thuê bao phát triển trong năm` a flow from the
/// strong cue right after it.
pub(super) fn read(f: &Figure<'_, '_>, metric: &Metric, last_cue: &mut Option<Basis>) -> Option<Basis> {
    let default = metric.default_basis?;
    if metric.basis_fixed {
        return Some(default);
    }
    let (ctx, q, s) = (f.ctx, f.q, f.ctx.doc.sentences[f.si]);
    let hay = &ctx.hay;
    let mut strong: Option<(usize, Basis)> = None;
    let mut decisive = false;
    let mut weak: Option<(usize, Basis)> = None;
    for &(_, he, tag) in f.cues.basis.iter().filter(|h| h.0 >= f.left_start && h.1 <= q.start) {
        let end = he - f.left_start;
        let (slot, b) = match tag {
            BasisCue::StockDecisive => {
                decisive = true;
                (&mut strong, Basis::Stock)
            }
            BasisCue::StockStrong => (&mut strong, Basis::Stock),
            BasisCue::FlowStrong => (&mut strong, Basis::Flow),
            BasisCue::FlowWeak => (&mut weak, Basis::Flow),
        };
        if slot.is_none_or(|(e, _)| end >= e) {
            *slot = Some((end, b));
        }
    }
    // `có thêm 14.500 thuê bao phát triển trong năm`: a strong cue right after the figure
    if strong.is_none() {
        let right_end = floor_char_boundary(hay, (q.end + 60).min(s.end));
        let after = &hay[q.end..right_end];
        let clause_end = crate::text::find_any_ascii(after, b",;(.").unwrap_or(after.len());
        if let Some(h) = ctx
            .res
            .lexicon
            .basis
            .iter_in(hay, &ctx.hits, q.end, q.end + clause_end)
            .find(|h| *h.tag != BasisCue::FlowWeak)
        {
            strong = Some((
                0,
                if *h.tag == BasisCue::StockStrong {
                    Basis::Stock
                } else {
                    Basis::Flow
                },
            ));
        }
    }
    let cue = if decisive {
        Some(Basis::Stock)
    } else {
        strong.or(weak).map(|(_, b)| b)
    };
    if let Some(b) = cue {
        *last_cue = Some(b);
    }
    Some(cue.or(*last_cue).unwrap_or(default))
}
