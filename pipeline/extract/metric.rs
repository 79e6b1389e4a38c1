//! Metric rules: which catalog metric a figure is, from the features around it.
//!
//! Input: a quantity and its [`Levels`] (feature sets of its own clause, the clause it inherits
//! from, the sentence, the paragraph, the tail). Output: the best (metric, score, rule) or none.
//! Invariant: a metric needs a rule whose features are all found and anchored in the figure's
//! own clause or unit; generic rules only after every specific one had its chance.

use super::features::*;
use super::{DocCtx, Quantity};
use crate::lexicon::{Lexicon, Reach};
use crate::records::UnitKind;

/// Weights of the levels: own clause, previous figure's clause, rest of the sentence before,
/// paragraph before (paragraph-reach features only), and the tail of the sentence after the
/// last figure.
pub(super) const LEVEL_WEIGHTS: [f64; 5] = [1.0, 0.6, 0.4, 0.25, 0.5];
pub(super) const PARAGRAPH: usize = 3;
pub(super) const TAIL: usize = 4;

/// Feature sets of the levels around one quantity.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Levels {
    pub(super) l: [FeatSet; 5],
    /// Own clause, left of the number only (subject side), with the unit.
    pub(super) left: FeatSet,
    /// The figure gives another level to compare with the figure before it: the country's (see
    /// [`national_reference`]) or another province's (see [`peer_reference`]).
    pub(super) reference: bool,
    /// Unit of the context figure (the one this figure inherits its subject from).
    pub(super) context_unit: Option<UnitKind>,
    /// Rule `share.of_people`: the figure is a percent right after a count of people, in the
    /// next clause (`12,5 triệu người thường xuyên sử dụng Internet, đạt 14,6%`, `70 triệu
    /// người, chiếm hơn 70% dân số`): that count as a share of the population, so the count's
    /// clause names its subject as if it were its own.
    pub(super) share_of_people: bool,
    /// Rule `metric.baseline_value`: the figure is the value of its comparison base, in a
    /// parenthesis (`tăng nhẹ so với tháng 1-2022 (68,31%)`): the previous figure's clause names it.
    pub(super) baseline: bool,
    /// Rule `metric.from_to`: the figure is the second of `từ X ... lên Y` (`tỷ lệ người dân sử
    /// dụng Internet sẽ tăng từ 50% (năm 2015) lên trên 70%`): what X's clause names, Y is.
    pub(super) from_to: bool,
}

/// Unit kinds whose presence alone anchors a metric (no feature needed in the own clause).
pub(super) fn specific(u: UnitKind) -> bool {
    matches!(
        u,
        UnitKind::Per100
            | UnitKind::Subscribers
            | UnitKind::Stations
            | UnitKind::Copies
            | UnitKind::CopiesPerYear
            | UnitKind::Rank
            | UnitKind::Vnd
    )
}

/// Whether a quantity's unit can be a metric's canonical unit.
pub(super) fn unit_fits(lex: &Lexicon, metric_unit: UnitKind, q: &Quantity, unit: &str, lv: &Levels) -> bool {
    let f = |id: usize| lv.l[0].has(id);
    let c = &lex.code;
    match (metric_unit, q.unit_kind) {
        (a, b) if a == b => true,
        (UnitKind::Vnd, UnitKind::Bare) => q.scale >= 1e6 && (f(c.revenue) || f(c.investment) || f(c.budget) || f(c.fine)),
        // `đưa tổng số lên 123 triệu` after a subscriber figure of the same sentence
        (UnitKind::Subscribers, UnitKind::Bare) => {
            let id = c.subscriber;
            // (`thuê bao cả nước ước đạt 135,9 triệu, bao gồm 15,2 triệu cố định và 120,7 triệu di
            // động`: the second part's context is the first part, the subscribers are the
            // sentence's)
            lv.left.has(id) || (q.scale > 1.0 && (lv.l[1].has(id) || lv.l[2].has(id)))
        }
        // `426.545 máy điện thoại`, `di động 1.010.936 máy` count telephone sets; a computer
        // (`12.070 máy tính nối mạng Internet băng thông rộng`) is no subscriber
        (UnitKind::Subscribers, UnitKind::Count) => {
            unit.starts_with("máy") && !unit.starts_with("máy tính") && !unit.starts_with("máy vi tính") && lv.l[0].meets(lex.family_mask)
        }
        // `5,25 người/100 dân` is a share of the population
        // (`người dùng internet trên 100 dân (đạt 69,24/100)`: people per 100 inhabitants)
        (UnitKind::Percent, UnitKind::Per100) => unit.starts_with("người") || (unit == "/100" && f(c.users)),
        (UnitKind::Stations, UnitKind::Bare) => lv.left.has(c.bts),
        // `64 hồ sơ thiết kế trạm BTS` (a design dossier is a station; `64 hộ` is not)
        (UnitKind::Stations, UnitKind::Count) => f(c.bts) && (unit.starts_with("hồ sơ") || unit.starts_with("vị trí")),
        // `mỗi kỳ 6.500 bản`, `1,8 triệu bản` in a year: the rules ask for the per-issue or year words
        (UnitKind::Copies | UnitKind::CopiesPerYear, UnitKind::Count) => true,
        (UnitKind::Count, UnitKind::Bare) => true,
        _ => false,
    }
}

/// The best metric for a quantity: (metric index, score, rule index).
///
/// Two passes. First, rules (of full weight) whose every feature is in the figure's own
/// clause: when the clause says what it counts, context does not override it. Only when no
/// such rule fits are features inherited from earlier clauses, the paragraph and the tail.
pub(super) fn best_metric(ctx: &DocCtx<'_>, q: &Quantity, lv: &Levels) -> Option<(usize, f64, usize)> {
    let lex = &ctx.res.lexicon;
    let unit = &ctx.hay[q.unit_start..q.unit_end];
    // pass 1: the own clause alone; pass 2: the own clause plus one context level, since an
    // inherited subject is named in one place (a rule may not gather its words from all over)
    // generic rules (weight below 1) only after every specific rule had its chance
    let levels: [&[usize]; 5] = [&[0], &[0, 1], &[0, 2], &[0, PARAGRAPH], &[0, TAIL]];
    let passes = levels.iter().map(|l| (*l, true)).chain(levels.iter().map(|l| (*l, false)));
    // whether the figure's unit fits a metric does not change from pass to pass: asked once
    // and so is whether a rule can fit at all: a rule one of whose features is at no level
    // fits in no pass. Ten passes over the few rules that can, in catalog order (ties go to
    // the first), instead of ten over the whole catalog
    // (as masks: the features some level names, the paragraph's only those of paragraph reach)
    let present = (0..=TAIL)
        .filter(|&k| k != PARAGRAPH)
        .fold(lv.l[PARAGRAPH].0 & lex.paragraph_mask, |m, k| m | lv.l[k].0);
    // (whether the unit fits depends on the metric's unit kind alone: asked once per kind, not
    // once per metric, as the catalog has ten metrics of some kinds)
    let mut fits_kind: [Option<bool>; UnitKind::COUNT] = [None; UnitKind::COUNT];
    // (the rules the present features can satisfy, from the catalog's index of them, in catalog
    // order: rule `metric.rule_index`; a figure has a few, kept on the stack)
    let catalog = &ctx.res.catalog;
    let candidates: smallvec::SmallVec<[(usize, usize); 16]> = catalog
        .rules_within(present)
        .into_iter()
        .map(|k| &catalog.rules[k as usize])
        .filter(|r| *fits_kind[r.unit_kind as usize].get_or_insert_with(|| unit_fits(lex, r.unit_kind, q, unit, lv)))
        .map(|r| (r.metric as usize, r.rule as usize))
        .collect();
    for (pass, (allowed, specific_only)) in passes.enumerate() {
        let mut best: Option<(usize, f64, usize)> = None;
        for &(mi, ri) in &candidates {
            let m = &ctx.res.catalog.metrics[mi];
            let r = &m.rules[ri];
            {
                if (specific_only && r.weight < 1.0) || (pass == 0 && r.all.is_empty()) {
                    continue;
                }
                let mut sum = 0.0;
                // `đưa tổng số thuê bao hiện có lên 17.340`: the noun before a bare number is its unit
                let mut anchored = (specific(q.unit_kind) && q.unit_kind == m.unit_kind)
                    || (q.unit_kind == UnitKind::Bare && matches!(m.unit_kind, UnitKind::Subscribers | UnitKind::Stations));
                let mut deepest = 0;
                let mut ok = true;
                for &f in &r.all {
                    let found = allowed
                        .iter()
                        .filter(|&&k| lv.l[k].has(f) && (k != PARAGRAPH || lex.feature_reach[f] == Reach::Paragraph))
                        .map(|&k| (k, LEVEL_WEIGHTS[k]))
                        .max_by(|a, b| a.1.total_cmp(&b.1));
                    match found {
                        Some((k, w)) => {
                            sum += w;
                            anchored |= k == 0 || ((lv.reference || lv.share_of_people || lv.baseline || lv.from_to) && k == 1);
                            if k != TAIL {
                                deepest = deepest.max(k);
                            }
                        }
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                // exclusions apply to every level the rule drew context from; a generic rule's to
                // the whole sentence before it (a pay-TV density is no telephone density)
                if r.weight < 1.0 {
                    deepest = deepest.max(2);
                }
                if !ok || !anchored || r.none.iter().any(|&f| (0..=deepest).any(|k| lv.l[k].has(f))) {
                    continue;
                }
                let score = r.weight * (0.5 + sum);
                if best.is_none_or(|(_, b, _)| score > b + 1e-12) {
                    best = Some((mi, score, ri));
                }
            }
        }
        if best.is_some() {
            return best;
        }
    }
    None
}
