//! Classify quantities: metric (by the catalog's feature rules), qualifiers, comparisons.
//!
//! A quantity's *own clause* is the text from the end of the previous figure's clause to the
//! end of its own (L0). When that clause does not name what is counted (`mật độ 29,98 thuê
//! bao/100 dân`), features are inherited, with falling weight, from the previous figure's
//! clause (L1), the rest of the sentence before it (L2) and, for paragraph-reach features such
//! as `BC-VT`, the paragraph before the sentence (L3). Each rule of each metric whose unit fits
//! is scored; the best wins. Status, basis, bound, period and province come from cue words in
//! the lexicon. Invariant: a figure is a metric only if a rule matched; everything else stays
//! an unclassified mention with the features it had, so the catalog can be extended from them.
//!
//! This module is the order of the decisions; the rules live beside it: [`super::features`]
//! (where feature words are), `levels` (what each figure's clause, its context, the sentence,
//! the paragraph and its tail name), `metric` (which rule fits), `subject` (whose figure),
//! `compare` (rates, shares of plan, differences), `attach` (which figure a comparison is a
//! column of), `part` (parts of a whole), `no_fact` (figures that are no fact of their own:
//! bases, removed subscribers, shares of subgroups, averages, paces, sites, parts of a
//! breakdown), `scope` (what a document can state) and `claim` (status, basis, bound, period,
//! province).

use super::traps::Trap;
use super::{DocCtx, Quantity};
use crate::records::{Basis, Mention, MentionKind, UnitKind};

use super::attach::attach;
use super::clause::clauses;
use super::figure::Figure;
use super::{claim::*, compare::*, metric::*, no_fact, scope::*, subject::*, window::equivalent_of_previous};

/// Classify the quantities of sentence `si`.
pub fn classify(ctx: &DocCtx<'_>, si: usize, traps: &[Trap], qs: &[Quantity]) -> Vec<Mention> {
    // a sentence with no figure has nothing to judge: its clauses, cues and subject are not
    // gathered (every mention below is one of `qs`; the memo only caches answers)
    if qs.is_empty() {
        return Vec::new();
    }
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let doc = ctx.doc;
    let s = doc.sentences[si];
    let n = qs.len();
    let cl = clauses(ctx, s, qs);
    let wide: Vec<(usize, usize)> = lex
        .province_wide
        .iter_in(hay, &ctx.hits, s.start, s.end)
        .map(|h| (s.start + h.start, s.start + h.end))
        // rule `company.share_denominator`: `chiếm 47% tổng số thuê bao cả nước` names the whole
        // a share is of, not whose figures the sentence gives
        .filter(|&(a, _)| !share_denominator(hay, s.start, a))
        .collect();
    let levels = super::levels::levels(ctx, si, qs, &cl, &wide);
    let (left_start, right_end) = (&cl.left_start, &cl.right_end);

    let (qs, levels) = respectively(ctx, s.start, s.end, qs, levels);
    let cues = SentenceCues::of(ctx, s);
    let company_of = company_of_figures(ctx, si, &qs, &wide);
    let qs = &qs[..];
    let mut out: Vec<Mention> = Vec::with_capacity(n);
    // index in `out` of the last metric claim of this sentence, for attaching comparisons
    let mut last_metric: Option<usize> = None;
    let mut last_basis_cue: Option<Basis> = None;
    // which figures were judged a district's (rule `district.breakdown` reads their parts)
    let mut district_of = vec![false; n];
    for (i, q) in qs.iter().enumerate() {
        let lv = levels[i];
        let figure = Figure {
            ctx,
            cues: &cues,
            si,
            traps,
            q,
            qs,
            i,
            lv: &lv,
            left_start: left_start[i],
            chain_start: {
                let mut at = i;
                let mut start = left_start[i];
                while let Some(j) = cl.context.get(at).copied().flatten().filter(|&j| j < at) {
                    start = start.min(left_start[j]);
                    at = j;
                }
                start
            },
        };
        let base = Mention {
            sentence: si,
            start: q.start,
            end: q.end,
            kind: MentionKind::Unclassified,
            reason: String::new(),
            value: Some(q.value),
            value_high: q.value_high,
            of: q.of,
            unit: (q.unit_end > q.unit_start).then_some((q.unit_start, q.unit_end)),
            unit_kind: Some(q.unit_kind),
            malformed: q.malformed,
            claim: None,
        };
        if let Some(rule) = company_of[i] {
            let mut m = base;
            m.kind = MentionKind::Company;
            m.reason = format!("{rule}: figure of the one company the sentence is about, not of the province (its growth rates too)");
            out.push(m);
            continue;
        }
        if let Some(reason) = no_fact::undated_base(&figure, right_end[i]).or_else(|| no_fact::removed(&figure, right_end[i])) {
            let mut m = base;
            m.reason = reason.into();
            out.push(m);
            continue;
        }
        // a comparison belongs to the figure before it
        if let Some(c) = comparison(ctx, q, s.start, left_start[i], right_end[i]).filter(|_| !lv.reference) {
            let m = attach(&figure, c, last_metric, &mut out, base);
            out.push(m);
            continue;
        }
        // district figures are not province facts (rules `district.*`), nor their parts
        let rule = super::district::figure(ctx, s, q.start, left_start[i], !wide.is_empty()).or_else(|| {
            // a district figure before whose breakdown this one is in, as is every figure since
            // (`huyện A có 7 trạm, toàn tỉnh có 1.200 trạm, trong đó ...` breaks down the
            // province's)
            (0..i)
                .any(|j| district_of[j] && (j + 1..=i).all(|k| super::district::breaks_down(ctx, qs[j].end, qs[k].start)))
                .then_some("district.breakdown")
        });
        if let Some(rule) = rule {
            let mut m = base;
            m.kind = MentionKind::District;
            m.reason = format!("{rule}: figure about a district or city, not the province");
            out.push(m);
            district_of[i] = true;
            continue;
        }
        // a share of a subgroup, of a whole's composition, or a level not reached (`part`)
        if let Some(reason) = no_fact::share_of_part(&figure, right_end[i]) {
            let mut m = base;
            m.reason = reason.into();
            out.push(m);
            continue;
        }
        let restated = context_unit(ctx, q, &lv).map(|unit_kind| Quantity { unit_kind, ..q.clone() });
        let q = restated.as_ref().unwrap_or(q);
        let figure = Figure { q, ..figure };
        match best_metric(ctx, q, &lv) {
            Some((mi, score, ri)) => {
                let metric = &ctx.res.catalog.metrics[mi];
                let mut claim = make_claim(&figure, metric, &mut last_basis_cue);
                // rule `period.several_years`: `Từ năm 2011 đến nay, ... 50 cuộc thanh tra` is of
                // 2011 through the page's year (before the breakdown check: its parts share it)
                let span = several_years(ctx, s, q, metric, &claim, traps);
                if span.is_some() {
                    claim.period = span;
                }
                if let Some(at) = no_fact::part_of_breakdown(&figure, &claim, &out) {
                    let mut m = base;
                    m.reason = format!(
                        "breakdown.in_sentence: part of a breakdown of the {} figure at byte {at}",
                        claim.metric
                    );
                    out.push(m);
                    continue;
                }
                if let Some(reason) = no_fact::below_total(&figure, metric) {
                    let mut m = base;
                    m.reason = reason;
                    out.push(m);
                    continue;
                }
                if let Some((kind, reason)) = out_of_scope(ctx, s, q, metric, &claim, traps) {
                    let mut m = base;
                    m.kind = kind;
                    m.reason = reason;
                    out.push(m);
                    continue;
                }
                let mut m = base;
                m.kind = MentionKind::Metric;
                {
                    use std::fmt::Write as _;
                    // (written into one string: no vector of names, no joined copy; sized
                    // once for a reason of a few features, not regrown write by write; and
                    // pushed piece by piece, not through `write!`'s formatting machinery: a
                    // reason is made for every figure)
                    let r = &mut m.reason;
                    r.reserve(160);
                    r.push_str("rule ");
                    r.push_str(itoa::Buffer::new().format(ri + 1));
                    r.push_str(" of ");
                    r.push_str(&metric.id);
                    r.push_str(" [");
                    push_joined(r, metric.rules[ri].all.iter().map(|&f| lex.feature_names[f].as_str()));
                    r.push_str("] scored ");
                    push_score(r, score);
                    if let Some(p) = span {
                        let _ = write!(r, "; period.several_years: over the years {p}");
                    }
                }
                if q.malformed {
                    m.reason.push_str("; digits do not group in threes, best reading kept");
                }
                // rule `period.equivalent`: `..., tương đương 22 thuê bao/100 dân` restates the
                // figure before it in another unit, for the same period and with its status
                if let Some(prev) = last_metric
                    .and_then(|j| out.get(j))
                    .and_then(|p| p.claim.as_ref().map(|c| (p.end, c)))
                    && equivalent_of_previous(hay, prev.0, q.start, &lex.part.equivalent)
                {
                    claim.period = prev.1.period;
                    claim.status = prev.1.status;
                    claim.period_rule = Some("period.equivalent: the period of the figure it restates");
                }
                // the rule of its sentence that gave its period, if the document's is not it
                // (several years are said above)
                if let Some(rule) = claim.period_rule.filter(|_| span.is_none()) {
                    m.reason.push_str("; ");
                    m.reason.push_str(rule);
                }
                if let Some(w) = q.words_value
                    && (w - q.value).abs() > 0.005 * q.value.abs().max(1.0)
                {
                    claim.words_mismatch = Some(w);
                }
                m.claim = Some(claim);
                last_metric = Some(out.len());
                out.push(m);
            }
            None => {
                // one figure for two media (`sóng phát thanh và truyền hình phủ 98% dân số`):
                // a fact for each, read with one medium at a time
                let shared = shared_media(&figure, s);
                if !shared.is_empty() {
                    for (metric, claim) in shared {
                        let mut m = base.clone();
                        m.kind = MentionKind::Metric;
                        m.reason = format!("{metric}: one figure stated for two media");
                        m.claim = Some(claim);
                        out.push(m);
                    }
                    continue;
                }
                let mut m = base;
                let mut names = lv.l[0].names(lex).peekable();
                m.reason = if names.peek().is_none() {
                    "no metric rule matched; no feature words in its clause".into()
                } else {
                    let mut r = String::with_capacity(96);
                    r.push_str("no metric rule matched; clause features: ");
                    push_joined(&mut r, names);
                    r
                };
                out.push(m);
            }
        }
    }
    out
}

/// Append `names` to a mention's reason, separated by `, `: written into the reason itself,
/// with no vector of names and no joined copy (a reason is made for every figure).
fn push_joined<'a>(r: &mut String, names: impl Iterator<Item = &'a str>) {
    for (k, name) in names.enumerate() {
        if k > 0 {
            r.push_str(", ");
        }
        r.push_str(name);
    }
}

/// Append `{score:.2}` to a reason, as `write!` gives it. A score is the sum of a few catalog
/// weights (eight distinct values among 19 000 figures of 1 000 bench documents), and writing a
/// float to a fixed precision runs Grisu, then Dragon4 on big integers when Grisu cannot decide:
/// about 1 000 instructions and 2 % of the judgement's instruction-cache misses. So each worker
/// keeps the scores it wrote, at most [`SCORES_KEPT`] of them; any other is written as before.
fn push_score(r: &mut String, score: f64) {
    thread_local! {
        static WRITTEN: std::cell::RefCell<Vec<(u64, String)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    WRITTEN.with_borrow_mut(|kept| {
        let bits = score.to_bits();
        if let Some((_, text)) = kept.iter().find(|(b, _)| *b == bits) {
            r.push_str(text);
            return;
        }
        let text = format!("{score:.2}");
        r.push_str(&text);
        if kept.len() < SCORES_KEPT {
            kept.push((bits, text));
        }
    });
}

/// How many distinct scores a worker keeps written ([`push_score`]).
const SCORES_KEPT: usize = 32;

/// The unit a figure takes from its context, when its own words give none or another:
/// - `trong khi con số này của cả nước là 24,1`: a bare national level has its province
///   figure's unit;
/// - rule `money.continued`: `doanh thu bưu chính ... đạt 7.500 tỷ, lũy kế 10 tháng ước 29.500
///   tỷ`: an amount with a scale word and no noun of its own, right after a revenue, is money;
/// - rule `unit.sets_continued`: `phát triển mới 290.513 máy điện thoại, nâng tổng số máy trên
///   mạng lên 1.007.491 máy`: telephone sets right after telephone subscribers counted in sets
///   are subscribers too.
fn context_unit(ctx: &DocCtx<'_>, q: &Quantity, lv: &Levels) -> Option<UnitKind> {
    let (lex, hay) = (&ctx.res.lexicon, &ctx.hay);
    match lv.context_unit {
        Some(u) if lv.reference && q.unit_kind == UnitKind::Bare => Some(u),
        Some(UnitKind::Vnd | UnitKind::Bare)
            if q.unit_kind == UnitKind::Bare
                && q.scale >= 1e9
                && q.unit_end == q.unit_start
                && lv.l[1].has(lex.code.revenue)
                && !lv.l[0].has(lex.code.revenue) =>
        {
            Some(UnitKind::Vnd)
        }
        Some(UnitKind::Subscribers | UnitKind::Count)
            if q.unit_kind == UnitKind::Count && hay[q.unit_start..q.unit_end].starts_with("máy") && lv.l[1].has(lex.code.telephone) =>
        {
            Some(UnitKind::Subscribers)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept score is written as `format!` writes it, the first time and every time after, and
    /// scores past the kept ones are written too (ties of the rounding included: 0.125, 2.675).
    #[test]
    fn push_score_writes_what_format_writes() {
        let mut scores: Vec<f64> = vec![2.5, 1.5, 2.1, 0.125, 0.375, 2.675, 1.005, 0.0, 3.499_999_9, 1e6 + 0.005];
        scores.extend((0..2 * SCORES_KEPT).map(|k| k as f64 * 0.3 + 0.01));
        for round in 0..3 {
            for &x in &scores {
                let mut r = String::from("x");
                push_score(&mut r, x);
                assert_eq!(r, format!("x{x:.2}"), "round {round}, score {x:?}");
            }
        }
    }
}
