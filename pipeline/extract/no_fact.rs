//! Figure rules that make a figure no fact of its own, whatever it counts: the base of a
//! comparison, subscribers taken off the networks, a share of a subgroup, an average, a pace,
//! sites counted beside stations, a part of a breakdown, a figure below the least a statement
//! of its metric can be.
//!
//! Input: the figure ([`Figure`]) and the end of its own clause; after the metric is known, the
//! metric, its claim and the sentence's mentions so far. Output: the rule that decided, with its
//! reason (`rule id: why`), or None. Invariant: a rule reads only the figure's sentence, and the
//! caller asks them in the order of precedence the sentence's classification gives them.

use super::breakdown::generation_part_of;
use super::figure::Figure;
use crate::catalog::Metric;
use crate::records::{Claim, Mention, UnitKind};
use crate::text::floor_char_boundary;

/// Rule `compare.undated_base`: `chỉ còn 4,1 triệu thuê bao so với 10 triệu thuê bao ở thời kỳ
/// đỉnh cao`: the base of a comparison, of no period its clause names, is no fact.
/// `right_end` is where the figure's own clause ends.
pub(super) fn undated_base(f: &Figure<'_, '_>, right_end: usize) -> Option<&'static str> {
    let (hay, q, s) = (&f.ctx.hay, f.q, f.ctx.doc.sentences[f.si]);
    (hay[s.start..q.start].trim_end().ends_with("so với") && !f.ctx.res.lexicon.period.names_time(&hay[q.end..right_end.max(q.end)]))
        .then_some("compare.undated_base: the base of a comparison, of no period its clause names")
}

/// Rule `count.removed`: subscribers revoked, blocked or cut (`thu hồi 12.000 thuê bao`, `bị
/// khóa`) are no level and no growth.
pub(super) fn removed(f: &Figure<'_, '_>, right_end: usize) -> Option<&'static str> {
    let (ctx, q) = (f.ctx, f.q);
    (q.unit_kind == UnitKind::Subscribers
        && super::removed::removed(
            &ctx.res.lexicon.removed,
            &ctx.hay,
            &ctx.hits,
            f.left_start,
            q.start,
            q.end,
            right_end,
        ))
    .then_some("count.removed: subscribers taken off the networks (thu hồi, bị khóa), neither a level nor growth")
}

/// Rules `part.*` of [`super::part`]: a share of a subgroup, of a whole's composition, or a
/// level not reached (`60% số xã miền núi`), and a density of one kind of area (`ở các xã
/// miền núi mới đạt 5 máy/100 dân`).
pub(super) fn share_of_part(f: &Figure<'_, '_>, right_end: usize) -> Option<&'static str> {
    let (ctx, q) = (f.ctx, f.q);
    let (cues, hay) = (&ctx.res.lexicon.part, &ctx.hay);
    match q.unit_kind {
        UnitKind::Percent => super::part::judge(cues, hay, f.left_start, right_end, q.start, q.end),
        UnitKind::Per100 => super::part::area_density(cues, hay, f.left_start, right_end.max(q.end)),
        _ => None,
    }
}

/// Rule `breakdown.in_sentence`: a part of a breakdown in its sentence (`1.911 trạm, chia ra 502
/// trạm 2G ...`, `14 cuộc thanh tra, kiểm tra (4 cuộc theo kế hoạch và 10 cuộc đột xuất)`)
/// restates its whole's metric: the byte where the whole, one of `out`, starts. A part named by
/// its mobile generation (`trong đó có 310 trạm phát sóng 4G mới`) is a subset whatever its
/// stock or flow wording; a national level in parentheses is no part (`bình quân cả nước (5,9
/// ...)`).
pub(super) fn part_of_breakdown(f: &Figure<'_, '_>, claim: &Claim, out: &[Mention]) -> Option<usize> {
    let (ctx, q, s, lv) = (f.ctx, f.q, f.ctx.doc.sentences[f.si], f.lv);
    let hay = &ctx.hay;
    let after = &hay[q.end..floor_char_boundary(hay, (q.end + 24).min(s.end))];
    let own_end = q.end + crate::text::find_any_ascii(after, b",;(").unwrap_or(after.len());
    // (`2g` to `5g` anywhere in it, told from the bytes: four `contains` built four searchers)
    let generation = after.as_bytes().windows(2).any(|w| matches!(w, [b'2'..=b'5', b'g']));
    let whole = out.iter().find(|w| {
        w.claim.as_ref().is_some_and(|c| {
            (c.metric == claim.metric || generation_part_of(hay, w.end, own_end, &c.metric, &claim.metric))
                && (c.basis == claim.basis || generation)
                && c.status == claim.status
                && c.period == claim.period
        }) && {
            let between = &hay[w.end..q.start];
            let in_parentheses =
                between.contains('(') && !between.contains(')') && !lv.reference && w.value.is_some_and(|whole| q.value < whole);
            in_parentheses || ctx.res.lexicon.breakdown.any_in(hay, &ctx.hits, w.end, q.start)
        }
    });
    whole.map(|w| w.start)
}

/// The rules that make a figure of `metric` no total of the report period, in order:
/// - `metric.min`: `chỉ tính thuê bao có ít nhất 1 giao dịch`, `9 di động mới có 1 cố định`: a
///   figure below the least a statement of the metric can be counts something else its clause
///   names (a count with decimals, `16,4 thuê bao`, has lost its scale word: normalize infers it
///   and flags the fact);
/// - `part.average_per_unit`: `trung bình mỗi xã, phường, thị trấn có trên 10 trạm BTS` is an
///   average per commune, not the province's stations;
/// - `part.rate_per_period`: `tăng trưởng đều đặn khoảng 70.000 thuê bao mỗi tháng` is a pace;
/// - `station.site_beside_station`: `1.360 vị trí với 3.236 trạm` counts the sites of the
///   stations the figure beside it counts.
pub(super) fn below_total(f: &Figure<'_, '_>, metric: &Metric) -> Option<String> {
    let (ctx, q, s) = (f.ctx, f.q, f.ctx.doc.sentences[f.si]);
    let (hay, lex) = (&ctx.hay, &ctx.res.lexicon);
    if let Some(min) = metric.min.filter(|&min| q.value < min && q.value.fract() == 0.0) {
        return Some(format!(
            "metric.min: {} is below the least plausible {} ({min})",
            q.value, metric.id
        ));
    }
    if matches!(metric.unit_kind, UnitKind::Stations | UnitKind::Subscribers | UnitKind::Count) {
        let from = floor_char_boundary(hay, q.start.saturating_sub(90).max(s.start));
        let before = &hay[from..q.start];
        // a word with no other figure between it and this one: one that lies after the last
        // digit before the figure (its last occurrence is then after that digit too), so the
        // words are searched only there, not each over the whole window
        let after_digits = before
            .bytes()
            .rposition(|b| b.is_ascii_digit())
            .map_or(before, |d| &before[d + 1..]);
        let average = lex.part.average_per_unit.iter().any(|w| w.rfind(after_digits.as_bytes()).is_some());
        if average {
            return Some("part.average_per_unit: an average per unit, not a total".into());
        }
        let after = hay[q.end..floor_char_boundary(hay, (q.end + 24).min(s.end))].trim_start();
        if lex.part.rate_per_period.iter().any(|w| after.starts_with(w.as_str())) {
            return Some("part.rate_per_period: a count per month or year, a pace, not a total".into());
        }
    }
    if (q.unit_kind == UnitKind::Stations || metric.unit_kind == UnitKind::Stations) && site_beside_station(f) {
        return Some("station.site_beside_station: sites or masts counted beside the stations".into());
    }
    None
}

/// Rule `station.site_beside_station`: the figure counts sites (`vị trí`, `cột ăng ten`: the
/// lexicon's station site words) and a figure of stations stands right beside it.
fn site_beside_station(f: &Figure<'_, '_>) -> bool {
    let (ctx, q, qs, i) = (f.ctx, f.q, f.qs, f.i);
    let (hay, lex) = (&ctx.hay, &ctx.res.lexicon);
    let site = |o: &super::Quantity| {
        let from = if o.unit_end > o.unit_start { o.unit_start } else { o.end };
        let after = hay[from..floor_char_boundary(hay, (from + 32).min(hay.len()))].trim_start();
        lex.station_site_words.iter().any(|w| after.starts_with(w.as_str()))
    };
    let station = |o: &super::Quantity| o.unit_kind == UnitKind::Stations && !site(o);
    // (not the stations of a breakdown of the sites: `59.000 vị trí lắp đặt các loại trạm BTS,
    // trong đó có hơn 20.000 trạm Node B`)
    // (nor those of a parenthesis that breaks the sites down, two figures or more: `lên 1.682 vị
    // trí (1.068 trạm 2G và 1.526 trạm 3G, ...)`; one figure in it is the stations beside the
    // sites, `1.491 cột ăng ten (3.560 trạm)`)
    let broken_down = |o: &super::Quantity| {
        hay[q.end..o.start].contains('(')
            && qs
                .get(i + 2)
                .is_some_and(|p| hay[o.end..p.start].find(')').is_none() && p.unit_kind == UnitKind::Stations)
    };
    let next = qs
        .get(i + 1)
        .filter(|o| !lex.breakdown.any_in(hay, &ctx.hits, q.end, o.start) && !broken_down(o));
    // (nor the stations built in the year that raise the total the sites count: `phát triển mới
    // 101 trạm BTS, nâng tổng số trạm ... lên 1.682 vị trí`)
    let previous = i
        .checked_sub(1)
        .and_then(|j| qs.get(j))
        .filter(|o| !hay[o.end..q.start].contains("tổng số"));
    let beside = previous.is_some_and(station) || next.is_some_and(station);
    site(q) && beside
}

#[cfg(test)]
mod tests {
    /// (invented sentences on a page of 2019: the figure, and the rule its reason names)
    #[test]
    fn each_rule_names_itself_in_the_reason() {
        let cases = [
            (
                "Số thuê bao di động chỉ còn 4,1 triệu thuê bao so với 10 triệu thuê bao ở thời kỳ đỉnh cao.",
                "`10 triệu thuê bao`",
                "compare.undated_base",
            ),
            (
                "Các nhà mạng đã thu hồi 12.000 thuê bao di động trả trước.",
                "`12.000 thuê bao di động`",
                "count.removed",
            ),
            (
                "Số thuê bao Internet tăng đều đặn khoảng 7.000 thuê bao mỗi tháng.",
                "`7.000 thuê bao`",
                "part.rate_per_period",
            ),
            (
                "Toàn tỉnh có 1.360 vị trí nhà trạm với 3.236 trạm BTS.",
                "`1.360 vị trí nhà trạm`",
                "station.site_beside_station",
            ),
            (
                "Toàn tỉnh có 1.911 trạm BTS, chia ra 502 trạm 2G và 1.409 trạm 3G.",
                "`502 trạm`",
                "breakdown.in_sentence: part of a breakdown of the bts_stations",
            ),
            (
                "Mật độ điện thoại ở các xã miền núi mới đạt 5 máy/100 dân.",
                "`5 máy/100 dân`",
                "part.area_density",
            ),
            (
                "Trung bình mỗi xã, phường, thị trấn có trên 12 trạm BTS.",
                "`12 trạm BTS`",
                "part.average_per_unit",
            ),
        ];
        for (text, figure, rule) in cases {
            let (out, line, reason) = crate::extract::tests::judged(text, |l| l.contains(figure));
            assert!(line.starts_with("unclassified"), "{text}:\n{out}");
            assert!(reason.starts_with(rule), "{text}: wants {rule}:\n{out}");
        }
        // the whole of the breakdown and the stations beside the sites stay facts
        let out = crate::extract::explain(
            "Toàn tỉnh có 1.360 vị trí nhà trạm với 3.236 trạm BTS.",
            None,
            None,
            crate::extract::tests::res(),
        );
        assert!(out.contains("bts_stations = 3236"), "{out}");
    }

    /// Rule `part.average_per_unit` reads the words only when no other figure stands between
    /// them and the count: after `mỗi xã có 12 trạm`, a later total in the same window is the
    /// province's, not an average (the words lie before the digits of `12`).
    #[test]
    fn an_average_word_before_another_figure_does_not_reach_past_it() {
        let text = "Trung bình mỗi xã có 3 điểm, toàn tỉnh có 1.250 trạm BTS.";
        let (out, line, reason) = crate::extract::tests::judged(text, |l| l.contains("`1.250 trạm BTS`"));
        assert!(
            !reason.starts_with("part.average_per_unit"),
            "{text}: the total is no average:\n{out}\n{line}"
        );
    }
}
