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
//! column of), `part` (parts of a whole), `scope` (what a document can state) and `claim`
//! (status, basis, bound, period, province).

use super::traps::Trap;
use super::{DocCtx, Quantity};
use crate::records::{Basis, Mention, MentionKind, UnitKind};
use crate::text::floor_char_boundary;

use super::attach::attach;
use super::clause::clauses;
use super::figure::Figure;
use super::{breakdown::generation_part_of, claim::*, compare::*, metric::*, scope::*, subject::*, window::equivalent_of_previous};

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
        .find_in(hay, &ctx.hits, s.start, s.end)
        .iter()
        .map(|h| (s.start + h.start, s.start + h.end))
        // rule `company.share_denominator`: `chiếm 47% tổng số thuê bao cả nước` names the whole
        // a share is of, not whose figures the sentence gives
        .filter(|&(a, _)| !share_denominator(hay, s.start, a))
        .collect();
    let company_feature = lex.feature("company").filter(|&c| c < 128);
    let levels = super::levels::levels(ctx, si, qs, &cl, &wide);
    let (left_start, right_end) = (&cl.left_start, &cl.right_end);

    let (qs, levels) = respectively(ctx, s.start, s.end, qs, levels);
    let cues = SentenceCues::of(ctx, s);
    // rule `company.clause`: a sentence of several `;` clauses can name one company per clause
    // (`... của VNPT đạt 40,4 triệu; Viettel có 54,25 triệu`): each clause is judged alone, and a
    // province-wide phrase counts against a figure only when it comes before it in its clause
    // (`Viettel có 54 triệu thuê bao tại Việt Nam` is still Viettel's); a clause that names no
    // company keeps the sentence's subject (`Doanh thu của Bưu điện tỉnh tăng 6%; doanh thu 02
    // tháng đầu năm tăng 12%`)
    let first = qs.first().map_or(s.end, |q| q.start);
    // (`đơn vị hiện có hơn 400 trạm BTS trên địa bàn toàn tỉnh`: the whole province after the
    // figure says where the company's stations are, not whose they are)
    // (asked once a sentence, and only when no company is the subject)
    let unit = std::cell::OnceCell::new();
    let unit_company =
        || *unit.get_or_init(|| (wide.iter().all(|&(a, _)| a > first) && unit_anaphora(ctx, si, first)).then_some("company.unit_anaphora"));
    let sentence_company = if wide.is_empty() {
        company_subject(ctx, s, first).or_else(unit_company)
    } else {
        unit_company()
    };
    // rule `company.previous_sentence`: `Năm 2007, doanh thu của VNPT đã đạt 45.300 tỷ đồng. Nộp
    // ngân sách Nhà nước 6.917 tỷ đồng`: money a sentence states with no subject of its own (no
    // company, province or whole-province phrase), right after a sentence of its paragraph about
    // one company (or after sentences of no subject of their own that follow it), is that
    // company's too; a sentence that names a field of the sector (`Doanh thu
    // bưu chính, viễn thông ước đạt 742 tỷ đồng` after `Riêng Viettel Hòa Bình chiếm 61% thị
    // phần`) has a subject of its own
    // (the cheap questions first: most sentences fail them, and the sentence's features are
    // gathered once)
    let money_of_previous_company = sentence_company.is_none()
        && wide.is_empty()
        && si > 0
        && doc.sentences[si - 1].paragraph == s.paragraph
        && qs.iter().any(|q| q.unit_kind == UnitKind::Vnd)
        && {
            let feats = ctx.features.set(s.start, s.end);
            let names_domain = crate::lexicon::ICT_DOMAINS
                .iter()
                .filter_map(|d| lex.feature(d))
                .any(|d| feats.has(d));
            !names_domain && company_feature.is_none_or(|c| !feats.has(c))
        }
        && ctx.res.provinces.find_in(hay, &ctx.hits, s.start, s.end).is_empty()
        // (an agency is a subject of its own: `Chánh Thanh tra Sở cho hay, đơn vị đã xử phạt ...`)
        && lex.agencies.find_in(hay, &ctx.hits, s.start, first).is_empty()
        && {
            // (through at most two sentences of the paragraph with no subject of their own either:
            // `Lợi nhuận trước thuế ước đạt 7.300 tỷ đồng.` between the company's sentence and
            // this one)
            let mut k = si;
            let mut company = false;
            while k > 0 && si - k < 3 {
                k -= 1;
                let prev = doc.sentences[k];
                if prev.paragraph != s.paragraph || !lex.province_wide.find_in(hay, &ctx.hits, prev.start, prev.end).is_empty() {
                    break;
                }
                if company_subject(ctx, prev, prev.end).is_some() {
                    company = true;
                    break;
                }
                let feats = ctx.features.set(prev.start, prev.end);
                let own_subject = !ctx.res.provinces.find_in(hay, &ctx.hits, prev.start, prev.end).is_empty()
                    || crate::lexicon::ICT_DOMAINS
                        .iter()
                        .filter_map(|d| lex.feature(d))
                        .any(|d| feats.has(d));
                if own_subject {
                    break;
                }
            }
            company
        };
    // the rule that makes each figure one company's, if any
    let company_of: Vec<Option<&'static str>> = qs
        .iter()
        .map(|q| {
            let from = hay[s.start..q.start].rfind(';').map_or(s.start, |k| s.start + k + 1);
            let to = hay[q.end..s.end].find(';').map_or(s.end, |k| q.end + k);
            let names_company = company_feature.is_some_and(|c| ctx.features.set(from, to).has(c));
            if names_company && owner_after(ctx, q, to) {
                return Some("company.owner_after");
            }
            if !names_company {
                if money_of_previous_company && q.unit_kind == UnitKind::Vnd {
                    return Some("company.previous_sentence");
                }
                return sentence_company;
            }
            let clause = crate::records::Sentence { start: from, end: to, ..s };
            let first = qs.iter().find(|o| o.start >= from).map_or(q.start, |o| o.start);
            if wide.iter().any(|&(a, _)| a >= from && a < q.start) {
                return None;
            }
            // (`Giám đốc Viettel Quảng Bình cho hay, đơn vị hiện có ...`: the company named in
            // the clause that opens the sentence, and the unit that stands for it after)
            company_subject(ctx, clause, first).or_else(unit_company)
        })
        .collect();
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
            unit_raw: (q.unit_end > q.unit_start).then(|| doc.text[q.unit_start..q.unit_end].to_string()),
            unit_kind: Some(q.unit_kind),
            malformed: q.malformed,
            claim: None,
        };
        if let Some(rule) = company_of[i] {
            let mut m = base.clone();
            m.kind = MentionKind::Company;
            m.reason = format!("{rule}: figure of the one company the sentence is about, not of the province (its growth rates too)");
            out.push(m);
            continue;
        }
        // rule `compare.undated_base`: `chỉ còn 4,1 triệu thuê bao so với 10 triệu thuê bao ở thời
        // kỳ đỉnh cao`: the base of a comparison, of no period its clause names, is no fact
        if hay[s.start..q.start].trim_end().ends_with("so với") && !super::window::names_time(&hay[q.end..right_end[i].max(q.end)]) {
            let mut m = base.clone();
            m.reason = "compare.undated_base: the base of a comparison, of no period its clause names".into();
            out.push(m);
            continue;
        }
        // rule `count.removed`: subscribers revoked, blocked or cut are no level and no growth
        if q.unit_kind == UnitKind::Subscribers
            && super::removed::removed(&lex.removed, hay, &ctx.hits, left_start[i], q.start, q.end, right_end[i])
        {
            let mut m = base.clone();
            m.reason = "count.removed: subscribers taken off the networks (thu hồi, bị khóa), neither a level nor growth".into();
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
            let mut m = base.clone();
            m.kind = MentionKind::District;
            m.reason = format!("{rule}: figure about a district or city, not the province");
            out.push(m);
            district_of[i] = true;
            continue;
        }
        // a share of a subgroup, of a whole's composition, or a level not reached (`part`)
        if q.unit_kind == UnitKind::Percent
            && let Some(reason) = super::part::judge(&lex.part, hay, left_start[i], right_end[i], q.start, q.end)
        {
            let mut m = base.clone();
            m.reason = reason.into();
            out.push(m);
            continue;
        }
        if q.unit_kind == UnitKind::Per100
            && let Some(reason) = super::part::area_density(&lex.part, hay, left_start[i], right_end[i].max(q.end))
        {
            let mut m = base.clone();
            m.reason = reason.into();
            out.push(m);
            continue;
        }
        // `trong khi con số này của cả nước là 24,1`: a bare national level has its province
        // figure's unit
        let restated;
        // rule `money.continued`: `doanh thu bưu chính ... đạt 7.500 tỷ, lũy kế 10 tháng ước
        // 29.500 tỷ`: an amount with a scale word and no noun of its own, right after a revenue,
        // is money too
        let revenue = lex.feature("revenue");
        let q = match lv.context_unit {
            Some(u) if lv.reference && q.unit_kind == UnitKind::Bare => {
                restated = Quantity { unit_kind: u, ..q.clone() };
                &restated
            }
            Some(UnitKind::Vnd | UnitKind::Bare)
                if q.unit_kind == UnitKind::Bare
                    && q.scale >= 1e9
                    && q.unit_end == q.unit_start
                    && revenue.is_some_and(|r| lv.l[1].has(r) && !lv.l[0].has(r)) =>
            {
                restated = Quantity {
                    unit_kind: UnitKind::Vnd,
                    ..q.clone()
                };
                &restated
            }
            // rule `unit.sets_continued`: `phát triển mới 290.513 máy điện thoại, nâng tổng số
            // máy trên mạng lên 1.007.491 máy`: telephone sets right after telephone subscribers
            // counted in sets are subscribers too
            Some(UnitKind::Subscribers | UnitKind::Count)
                if q.unit_kind == UnitKind::Count
                    && hay[q.unit_start..q.unit_end].starts_with("máy")
                    && lex.feature("telephone").is_some_and(|t| lv.l[1].has(t)) =>
            {
                restated = Quantity {
                    unit_kind: UnitKind::Subscribers,
                    ..q.clone()
                };
                &restated
            }
            _ => q,
        };
        match best_metric(ctx, q, &lv) {
            Some((mi, score, ri)) => {
                let metric = &ctx.res.catalog.metrics[mi];
                let mut claim = make_claim(&Figure { q, ..figure }, metric, &mut last_basis_cue);
                // rule `period.several_years`: `Từ năm 2011 đến nay, ... 50 cuộc thanh tra` is of
                // 2011 through the page's year (before the breakdown check: its parts share it)
                let span = several_years(ctx, s, q, metric, &claim, traps);
                if span.is_some() {
                    claim.period = span;
                }
                // a part of a breakdown (`1.911 trạm, chia ra 502 trạm 2G ...`) restates its whole's metric
                // a part named by its mobile generation (`trong đó có 310 trạm phát sóng 4G mới`) is
                // a subset whatever its stock or flow wording
                let after = &hay[q.end..floor_char_boundary(hay, (q.end + 24).min(s.end))];
                let own_end = q.end + after.find([',', ';', '(']).unwrap_or(after.len());
                let generation = ["2g", "3g", "4g", "5g"].iter().any(|g| after.contains(g));
                let whole = out.iter().find(|w| {
                    w.claim.as_ref().is_some_and(|c| {
                        (c.metric == claim.metric || generation_part_of(hay, w.end, own_end, &c.metric, &claim.metric))
                            && (c.basis == claim.basis || generation)
                            && c.status == claim.status
                            && c.period == claim.period
                    }) && {
                        let between = &hay[w.end..q.start];
                        // `14 cuộc thanh tra, kiểm tra (4 cuộc theo kế hoạch và 10 cuộc đột xuất)`
                        // (a national level in parentheses is no part: `bình quân cả nước (5,9 ...)`)
                        let in_parentheses = between.contains('(')
                            && !between.contains(')')
                            && !lv.reference
                            && w.value.is_some_and(|whole| q.value < whole);
                        in_parentheses || !lex.breakdown.find_in(hay, &ctx.hits, w.end, q.start).is_empty()
                    }
                });
                if let Some(w) = whole {
                    let mut m = base.clone();
                    m.reason = format!("part of a breakdown of the {} figure at byte {}", claim.metric, w.start);
                    out.push(m);
                    continue;
                }
                // rule `metric.min`: `chỉ tính thuê bao có ít nhất 1 giao dịch`, `9 di động mới có 1
                // cố định`: a figure below the least a statement of the metric can be counts
                // something else its clause names (a count with decimals, `16,4 thuê bao`, has
                // lost its scale word: normalize infers it and flags the fact)
                if let Some(min) = metric.min.filter(|&min| q.value < min && q.value.fract() == 0.0) {
                    let mut m = base.clone();
                    m.reason = format!("metric.min: {} is below the least plausible {} ({min})", q.value, metric.id);
                    out.push(m);
                    continue;
                }
                // rule `part.average_per_unit`: `trung bình mỗi xã, phường, thị trấn có trên 10
                // trạm BTS` is an average per commune, not the province's stations
                if matches!(metric.unit_kind, UnitKind::Stations | UnitKind::Subscribers | UnitKind::Count) {
                    let from = floor_char_boundary(hay, q.start.saturating_sub(90).max(s.start));
                    let before = &hay[from..q.start];
                    let average = lex.part.average_per_unit.iter().any(|w| {
                        before
                            .rfind(w.as_str())
                            .is_some_and(|k| !before[k..].contains(|c: char| c.is_ascii_digit()))
                    });
                    if average {
                        let mut m = base.clone();
                        m.reason = "part.average_per_unit: an average per unit, not a total".into();
                        out.push(m);
                        continue;
                    }
                    // rule `part.rate_per_period`: `tăng trưởng đều đặn khoảng 70.000 thuê bao mỗi
                    // tháng` is a pace, not the report period's count
                    let after = hay[q.end..floor_char_boundary(hay, (q.end + 24).min(s.end))].trim_start();
                    if lex.part.rate_per_period.iter().any(|w| after.starts_with(w.as_str())) {
                        let mut m = base.clone();
                        m.reason = "part.rate_per_period: a count per month or year, a pace, not a total".into();
                        out.push(m);
                        continue;
                    }
                }
                // rule `station.site_beside_station`: `1.360 vị trí với 3.236 trạm` counts the
                // sites of the stations the figure beside it counts
                if q.unit_kind == UnitKind::Stations || metric.unit_kind == UnitKind::Stations {
                    let site = |o: &Quantity| {
                        let from = if o.unit_end > o.unit_start { o.unit_start } else { o.end };
                        let after = hay[from..floor_char_boundary(hay, (from + 32).min(hay.len()))].trim_start();
                        lex.station_site_words.iter().any(|w| after.starts_with(w.as_str()))
                    };
                    let station = |o: &Quantity| o.unit_kind == UnitKind::Stations && !site(o);
                    // (not the stations of a breakdown of the sites: `59.000 vị trí lắp đặt các
                    // loại trạm BTS, trong đó có hơn 20.000 trạm Node B`)
                    // (nor those of a parenthesis that breaks the sites down, two figures or more:
                    // `lên 1.682 vị trí (1.068 trạm 2G và 1.526 trạm 3G, ...)`; one figure in it
                    // is the stations beside the sites, `1.491 cột ăng ten (3.560 trạm)`)
                    let broken_down = |o: &Quantity| {
                        hay[q.end..o.start].contains('(')
                            && qs
                                .get(i + 2)
                                .is_some_and(|p| hay[o.end..p.start].find(')').is_none() && p.unit_kind == UnitKind::Stations)
                    };
                    let next = qs
                        .get(i + 1)
                        .filter(|o| lex.breakdown.find_in(hay, &ctx.hits, q.end, o.start).is_empty() && !broken_down(o));
                    // (nor the stations built in the year that raise the total the sites count:
                    // `phát triển mới 101 trạm BTS, nâng tổng số trạm ... lên 1.682 vị trí`)
                    let previous = i
                        .checked_sub(1)
                        .and_then(|j| qs.get(j))
                        .filter(|o| !hay[o.end..q.start].contains("tổng số"));
                    let beside = previous.is_some_and(station) || next.is_some_and(station);
                    if site(q) && beside {
                        let mut m = base.clone();
                        m.reason = "station.site_beside_station: sites or masts counted beside the stations".into();
                        out.push(m);
                        continue;
                    }
                }
                if let Some((kind, reason)) = out_of_scope(ctx, s, q, metric, &claim, traps) {
                    let mut m = base.clone();
                    m.kind = kind;
                    m.reason = reason;
                    out.push(m);
                    continue;
                }
                let mut m = base.clone();
                m.kind = MentionKind::Metric;
                let feats: Vec<&str> = metric.rules[ri].all.iter().map(|&f| lex.feature_names[f].as_str()).collect();
                m.reason = format!("rule {} of {} [{}] scored {score:.2}", ri + 1, metric.id, feats.join(", "));
                if let Some(p) = span {
                    m.reason.push_str(&format!("; period.several_years: over the years {p}"));
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
                let shared = shared_media(&Figure { q, ..figure }, s);
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
                let mut m = base.clone();
                let names = lv.l[0].names(lex);
                m.reason = if names.is_empty() {
                    "no metric rule matched; no feature words in its clause".into()
                } else {
                    format!("no metric rule matched; clause features: {}", names.join(", "))
                };
                out.push(m);
            }
        }
    }
    out
}
