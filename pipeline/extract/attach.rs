//! Rule `compare.attach`: a comparison belongs to the figure before it. A growth rate or a share
//! of plan becomes a column of the last metric figure of the sentence (`đạt 228.600 thuê bao,
//! bằng 99,2% kế hoạch`); a growth rate of revenue is also a fact of its own
//! (`revenue.growth_rate`, the conventions); a difference versus another period is no level.
//!
//! Input: the figure (a [`Figure`]), the comparison it makes ([`super::compare`]) and the
//! mentions of the sentence so far. Output: the figure's mention; the figure it compares gets
//! its `growth_pct` or `plan_share_pct`, and, measured against its plan, its status.
//! Invariant: a comparison never attaches across another figure's statement, and a
//! month-on-month rate is no growth of the period's revenue.

use super::claim::{make_claim, revenue_growth_rate};
use super::compare::Compare;
use super::figure::Figure;
use super::scope::out_of_scope;
use super::window::{equivalent_of_previous, rate_month_on_month};
use crate::records::{Mention, MentionKind, Status, UnitKind};

/// Whether the figure at `at` is stated as a level: `đạt` or `là` right before it, or before
/// the bound cue right before it (`đạt khoảng`: the lexicon's `bound` cues). `chiếm 80% tổng
/// doanh thu` is a share of the figure before, whose growth may follow.
fn stated_level(lex: &crate::lexicon::Lexicon, hay: &str, from: usize, at: usize) -> bool {
    let mut before = hay[from..at].trim_end();
    if let Some(b) = lex.bound.longest_ending_at(hay, from + before.len()).filter(|b| b.start >= from) {
        before = hay[from..b.start].trim_end();
    }
    before.ends_with("đạt") || before.ends_with("là")
}

/// The mention of a comparison `c`, made from `m` (the figure's plain mention); `last_metric`
/// is the index in `out` of the sentence's last metric figure.
///
/// `Doanh thu đạt 156,7 tỷ đồng, tăng 12% so với cùng kỳ`: the 12 % is the revenue's
/// `growth_pct`, and a revenue growth fact.
pub(super) fn attach(f: &Figure<'_, '_>, c: Compare, last_metric: Option<usize>, out: &mut [Mention], mut m: Mention) -> Mention {
    let (ctx, qs, i, lv, si, traps, q) = (f.ctx, f.qs, f.i, f.lv, f.si, f.traps, f.q);
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let doc = ctx.doc;
    let s = doc.sentences[si];
    m.kind = MentionKind::Comparison;
    match (c, last_metric) {
        (Compare::Difference(rule), _) => m.reason = rule.into(),
        (Compare::PlanShare(p), Some(j)) => {
            let same_clause = !hay[out[j].end..q.start].contains(';');
            if let Some(cl) = out[j].claim.as_mut() {
                cl.plan_share_pct = Some(p);
                // `chỉ tiêu ... đạt 228.600 thuê bao, bằng 99,2% kế hoạch`: a figure
                // measured against its plan is what was achieved, in the period reviewed
                if cl.status == Status::Target && same_clause {
                    cl.status = Status::Actual;
                    cl.period = doc.meta.period;
                }
            }
            m.reason = format!("compare.plan_share: share of plan {p}% of the figure at {}", out[j].start);
        }
        (Compare::Growth { pct, verb }, Some(j)) => {
            // kept as a column of the figure it compares, whatever the metric
            let mut rate = None;
            // a named rate (`ước tốc độ tăng trưởng đạt 9,36% so với năm 2015`) is a
            // rate like a rise or fall
            let named = hay[out[j].end.min(q.start)..q.start].contains("tăng trưởng");
            // a rate after another figure is that figure's (`...; sản lượng bưu gửi đạt
            // 250 triệu bưu gửi, tăng 9%`), not the revenue's
            // and a percent stated as a level of something else (`tỉ lệ phủ cáp quang ... đạt
            // 65%, tăng 10%`: no metric of the catalog, but no comparison either) ends it too
            let level_between = out[j + 1..].iter().any(|o| {
                o.kind == MentionKind::Unclassified
                    && o.start >= out[j].end
                    && o.end <= q.start
                    && o.unit_kind == Some(UnitKind::Percent)
                    && stated_level(lex, hay, s.start, o.start)
            });
            // (a restatement of the figure in another unit, `136.499 tỷ đồng, tương đương 6,16 tỷ
            // USD, tăng 1,6%`, is the same figure: rule `compare.past_equivalent`)
            let same_statement = !level_between
                && !qs[..i].iter().any(|p| {
                    p.start >= out[j].end
                        && p.end <= q.start
                        && p.unit_kind != UnitKind::Percent
                        && !equivalent_of_previous(hay, out[j].end, p.start, &lex.part.equivalent)
                });
            if let Some(cl) = out[j].claim.as_mut().filter(|_| same_statement) {
                cl.growth_pct = Some(pct);
                rate = revenue_growth_rate(cl, verb || named, pct);
                if rate_month_on_month(&ctx.res.lexicon.period, &hay[q.end..s.end.max(q.end)], cl.period) {
                    rate = None;
                }
            }
            match rate {
                Some(claim) if ctx.res.catalog.get(&claim.metric).is_some() => {
                    m.kind = MentionKind::Metric;
                    m.value = Some(pct);
                    m.reason = format!(
                        "revenue.growth_rate: growth {pct}% of the revenue at {}, a fact and its column",
                        out[j].start
                    );
                    m.claim = Some(claim);
                }
                _ if same_statement => m.reason = format!("compare.growth: growth {pct}% of the figure at {}", out[j].start),
                _ => {
                    m.reason = format!(
                        "compare.growth_of_later: growth {pct}% of a figure stated after the one at {}, not of it",
                        out[j].start
                    )
                }
            }
        }
        (_, None) => {
            if let (Compare::Growth { pct, verb }, Some(rg)) = (c, ctx.res.catalog.get("revenue_growth_pct"))
                && (verb || hay[s.start..q.start].contains("tăng trưởng"))
            {
                let claim = make_claim(f, rg, &mut None);
                // a growth rate of revenue is a fact whether planned (`phấn đấu doanh thu
                // tăng 8 - 10%`), named (`tốc độ tăng trưởng doanh thu`) or measured
                // (`doanh thu đã tăng 23% so với cùng kỳ`); an index (`bằng 109%`) is not
                let rate = verb || claim.status == Status::Target || hay[s.start..q.start].contains("tăng trưởng");
                let revenue = rate && {
                    let f = lex.code.revenue;
                    lv.l[0].has(f) || lv.l[1].has(f) || lv.l[2].has(f)
                };
                // rule `revenue.growth_domain`: the revenue of a sector the catalog
                // counts (telecom, postal, IT, the ICT sector) in the figure's sentence
                // or paragraph, or of `ngành` (the sector reporting): `doanh thu dịch vụ
                // lưu trú ... tăng 63%` is tourism's
                // (`doanh thu ngành in`: printing is another sector's `ngành`)
                let other = lv.l[..4].iter().any(|l| l.has(lex.code.other_domain));
                let ict = lv.l[..4].iter().any(|l| l.meets(lex.ict_domain_mask)) || (hay[s.start..q.start].contains("ngành") && !other);
                // rule `revenue.it_industry`: the IT industry's revenue (`doanh thu công
                // nghiệp CNTT ... tăng 13%`, often in USD) is no catalog revenue, nor its growth
                // (or of the sentence before it, when the figures between name no other revenue:
                // `doanh thu công nghiệp CNTT ... ước đạt 1,71 triệu tỷ đồng, tương đương 72,9 tỷ
                // USD, giảm 7,1%`)
                let own_domain = lv.l[..2].iter().any(|l| l.meets(lex.ict_domain_mask));
                let it_industry = {
                    let f = lex.code.it_industry;
                    lv.l[..2].iter().any(|l| l.has(f)) || (lv.l[2].has(f) && !own_domain)
                };
                let revenue = revenue && ict && !it_industry;
                let scope = out_of_scope(ctx, s, q, rg, &claim, traps);
                if let (true, Some((kind, reason))) = (revenue, &scope) {
                    m.kind = *kind;
                    m.reason = reason.clone();
                } else if revenue {
                    m.kind = MentionKind::Metric;
                    m.value = Some(pct);
                    m.reason = "revenue.growth_rate: a revenue growth rate with no revenue figure to attach to (tăng X% ...)".into();
                    m.claim = Some(claim);
                } else {
                    m.reason = "compare.unattached: a comparison with no figure to attach to".into();
                }
            } else {
                m.reason = "compare.unattached: a comparison with no figure to attach to".into();
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use crate::extract::tests::facts_of;

    fn fact<'f>(facts: &'f [crate::records::Fact], metric: &str) -> Option<&'f crate::records::Fact> {
        facts.iter().find(|f| f.metric == metric)
    }

    #[test]
    fn a_growth_rate_is_a_column_of_the_revenue_before_it_and_a_fact() {
        let facts = facts_of(
            "Năm 2019, doanh thu dịch vụ viễn thông trên địa bàn tỉnh đạt 1.250 tỷ đồng, tăng 12% so với năm 2018.",
            "Nghệ An",
            "2019",
        );
        let revenue = fact(&facts, "telecom_revenue").expect("the revenue");
        assert_eq!(revenue.growth_pct, Some(12.0));
        assert_eq!(fact(&facts, "revenue_growth_pct").map(|f| f.value), Some(12.0));
    }

    #[test]
    fn a_share_of_plan_is_a_column_of_the_figure_before_it() {
        let facts = facts_of(
            "Năm 2019, toàn tỉnh có 228.600 thuê bao internet, bằng 99,2% kế hoạch năm.",
            "Nghệ An",
            "2019",
        );
        let subs = fact(&facts, "internet_subscribers").expect("the subscribers");
        assert_eq!(subs.plan_share_pct, Some(99.2));
        assert_eq!(facts.len(), 1, "the share is no fact of its own: {facts:?}");
    }

    #[test]
    fn a_difference_versus_another_period_is_no_level() {
        let facts = facts_of(
            "Năm 2019, toàn tỉnh có 228.600 thuê bao internet, tăng 12.000 thuê bao so với năm 2018.",
            "Nghệ An",
            "2019",
        );
        assert_eq!(facts.iter().map(|f| f.value).collect::<Vec<_>>(), vec![228_600.0]);
    }
}
