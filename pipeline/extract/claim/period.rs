//! Rules `period.*` of a metric figure: the period it describes, decided in a fixed order of
//! named rules, each of which may replace what the rules before it decided.
//!
//! Input: the figure ([`Figure`]), its metric and what the status rules read ([`StatusRead`]).
//! Output: the figure's period, or None when nothing dates it. Invariant: the document's period
//! is the start; a rule reads only the figure's own sentence (its clause first), so a year
//! elsewhere on the page never dates it; the order below is the order of precedence, later
//! rules overriding earlier ones:
//! 1. a target's year ([`target`]) or the figure's own clause ([`own_clause`]) and the window
//!    rules around it ([`windows`]);
//! 2. a rank's index year ([`index_year`]);
//! 3. a target of the period under review ([`reviewed_target`]);
//! 4. a year right after the figure ([`year_after`]);
//! 5. the base of a comparison whose own value the figure is (`window::baseline_period`);
//! 6. a rank is of a year.

use super::super::figure::Figure;
use super::super::traps::Trap;
use super::super::window::*;
use super::status::StatusRead;
use crate::catalog::Metric;
use crate::grammar::Grammar;
use crate::records::{Basis, MentionKind, Period, PeriodPart, Status, UnitKind};
use crate::text::floor_char_boundary;

/// The period of figure `f` of `metric`, given what the status rules read, and the rule that
/// gave it (None: the document's period stands).
pub(super) fn read(f: &Figure<'_, '_>, metric: &Metric, st: &StatusRead<'_>) -> (Option<Period>, Option<&'static str>) {
    let doc_period = f.ctx.doc.meta.period;
    let (mut period, mut rule) = if st.status == Status::Target {
        target(f, st.target_year, doc_period)
    } else {
        let own = own_clause(f, st.clause_from, doc_period);
        match windows(f, metric, st, own.0) {
            Some((p, r)) => (Some(p), Some(r)),
            None => own,
        }
    };
    if metric.unit_kind == UnitKind::Rank
        && st.status != Status::Target
        && let Some((p, r)) = index_year(f, period)
    {
        (period, rule) = (Some(p), Some(r));
    }
    if st.status == Status::Target && st.target_year.is_none() && reviewed_target(f, st.cue) {
        (period, rule) = (
            doc_period,
            Some("period.reviewed_target: the target set for the period under review"),
        );
    }
    if let Some(p) = year_after(f, st.status) {
        (period, rule) = (Some(p), Some("period.year_after: the year written right after it"));
    }
    if st.status != Status::Target {
        let (ctx, q, s) = (f.ctx, f.q, f.ctx.doc.sentences[f.si]);
        let from = floor_char_boundary(&ctx.hay, q.start.saturating_sub(80).max(s.start));
        if let Some(p) = baseline_period(&ctx.res.lexicon.grammar, &ctx.hay[from..q.start], period) {
            (period, rule) = (Some(p), Some("period.baseline_value: the value of its comparison base"));
        }
    }
    // a rank is of a year (`công bố trong quý II, ... ICT Index năm 2020`)
    if metric.unit_kind == UnitKind::Rank {
        period = period.map(|p| Period::year(p.year));
    }
    (period, rule)
}

/// Rule `period.target_year_in_sentence`: a target is for the year its plan names
/// (`target_year`), else the year written in its sentence closest to the report's (one not
/// before it first), else, in a year-end review, the next year, and in a quarterly or half-year
/// report, the year under way. `Phấn đấu đến năm 2020, 100% xã có điểm phục vụ` is of 2020.
fn target(f: &Figure<'_, '_>, target_year: Option<i32>, doc_period: Option<Period>) -> (Option<Period>, Option<&'static str>) {
    let (ctx, q, s) = (f.ctx, f.q, f.ctx.doc.sentences[f.si]);
    let hay = &ctx.hay;
    let doc_year = doc_period.map(|p| p.year);
    if let Some(y) = target_year {
        return (Some(Period::year(y)), Some("status.plan_year: the year its plan names"));
    }
    let y = {
        f.traps
            .iter()
            .filter(|t| t.kind == MentionKind::Year && t.start >= s.start && t.end <= s.end)
            // `giai đoạn 2016 - 2020` names a span, not the year planned for
            .filter(|t| !t.span)
            // a year in a later clause (`...; xây dựng quy hoạch ... đến năm 2020`) is another plan's
            .filter(|t| t.end <= q.start || !hay[q.end..t.start.max(q.end)].contains(';'))
            // rule `period.later_target_clause`: a year after the figure that opens a clause
            // with a figure of its own (`chiếm 40 - 45% dân số và đến năm 2020 tỷ lệ này đạt
            // 55 - 60%`) dates that figure, not this one
            .filter(|t| {
                t.end <= q.start || {
                    let between = &hay[q.end..t.start.max(q.end)];
                    let clause_break = between.contains(',') || between.contains(" và ");
                    !(clause_break && hay[t.end..s.end].bytes().any(|b| b.is_ascii_digit()))
                }
            })
            // `so với năm 2016`, `so với cùng kỳ năm 2023` name the base, not the year
            // planned for
            .filter(|t| {
                let after = &hay[t.end..floor_char_boundary(hay, (t.end + 8).min(hay.len()))];
                !base_year(
                    &f.ctx.res.lexicon.grammar,
                    &hay[floor_char_boundary(hay, t.start.saturating_sub(48))..t.start],
                    after,
                )
            })
            .filter_map(|t| t.year)
            // (the year closest to the report's, one not before it first; a year before it is
            // still the sentence's own, `chỉ tiêu ... đến năm 2015 ... 15-20 đường/100 dân` on a
            // page whose headline names the plan's end)
            .min_by_key(|y| {
                let dy = doc_year.unwrap_or(*y);
                (*y < dy, (*y - dy).abs())
            })
    };
    match (y, doc_period) {
        (Some(y), _) => (
            Some(Period::year(y)),
            Some("period.target_year_in_sentence: the year its sentence names"),
        ),
        (None, Some(dp)) => (
            Some(Period::year(if dp.part == PeriodPart::Year { dp.year + 1 } else { dp.year })),
            Some("period.target_next_year: a target in a year's review is for the next year, in a part-year report for this one"),
        ),
        (None, None) => (None, None),
    }
}

/// Rule `period.context_clause`: a year or part of a year (`quý II/2014`, `10 tháng đầu năm`)
/// written before the figure in its own clause, in the sentence's opening clause (`Năm 2019,
/// ...`, `Nhìn lại cả năm 2018, ...`) or in the clause of the figure it continues (`năm 2007 cả
/// nước đạt 60,9 thuê bao/100 dân, trong đó cố định đạt 13,4`) dates it; a comparison's base
/// year, a birth year and a plan's year (rule `period.plan_year`) do not. `clause_from` is where
/// the figure's `;` statement starts, relative to its sentence.
fn own_clause(f: &Figure<'_, '_>, clause_from: usize, doc_period: Option<Period>) -> (Option<Period>, Option<&'static str>) {
    const RULE: Option<&str> = Some("period.context_clause: the time its clause or its sentence's opening names");
    let (ctx, q, s) = (f.ctx, f.q, f.ctx.doc.sentences[f.si]);
    let hay = &ctx.hay;
    let opening_end = s.start + opening_clause_end(&hay[s.start..s.end]);
    // (a clause holds a few years: on the stack, not a vector per figure)
    let own: smallvec::SmallVec<[&Trap; 8]> = f
        .traps
        .iter()
        .filter(|t| matches!(t.kind, MentionKind::Year | MentionKind::Period) && t.start >= s.start && t.end <= q.start)
        .filter(|t| (t.start >= f.chain_start && t.start >= s.start + clause_from) || t.end <= opening_end)
        // rule `period.plan_year`: a year a plan word names (`hội nghị triển khai nhiệm vụ năm
        // 2020`, the clean rules' `[period] plan`) is the plan's, not a result's
        .filter(|t| {
            let lead = hay[floor_char_boundary(hay, t.start.saturating_sub(40))..t.start].trim_end();
            let lead = lead.strip_suffix("năm").unwrap_or(lead).trim_end();
            !ctx.res.clean.plan_words().iter().any(|w| lead.ends_with(w.as_str()))
        })
        .filter(|t| {
            if let Some(&known) = ctx.memo.borrow().base_year.get(&t.start) {
                return !known;
            }
            let after = &hay[t.end..floor_char_boundary(hay, (t.end + 8).min(hay.len()))];
            let base = base_year(
                &ctx.res.lexicon.grammar,
                &hay[floor_char_boundary(hay, t.start.saturating_sub(48))..t.start],
                after,
            );
            ctx.memo.borrow_mut().base_year.insert(t.start, base);
            !base
        })
        .collect();
    let year = own.iter().rev().find_map(|t| t.year);
    let part = own
        .iter()
        .rev()
        .find(|t| t.kind == MentionKind::Period)
        .and_then(|t| period_part(hay, t.start, t.end, &ctx.res.lexicon.period.to_date));
    match (year, part, doc_period) {
        (Some(y), p, Some(dp)) if y != dp.year => {
            // `cùng kỳ năm 2015` in a quarter's report: the same part of that year
            let same_span = hay[floor_char_boundary(hay, f.left_start)..q.start].contains("cùng kỳ");
            let part = p.unwrap_or(if same_span { dp.part } else { PeriodPart::Year });
            (Some(Period { year: y, part }), RULE)
        }
        (Some(y), p, None) => (
            Some(Period {
                year: y,
                part: p.unwrap_or(PeriodPart::Year),
            }),
            RULE,
        ),
        (_, Some(p), Some(dp)) => (
            Some(Period {
                year: year.unwrap_or(dp.year),
                part: p,
            }),
            RULE,
        ),
        _ => (doc_period, None),
    }
}

/// The window rules, first that applies: a year-end estimate's year (rule
/// `status.year_end_estimate`), a day a level is dated to (`period.day_window`), months counted
/// (`period.month_window`), the month under report (`period.report_month`), `năm ngoái`
/// (`period.last_year`), and, for a figure still of the document's period, an act's date
/// (`period.event_day`, `period.event_lead`) or a comparison with the month before
/// (`period.month_on_month`). `period` is what [`own_clause`] decided.
fn windows(f: &Figure<'_, '_>, metric: &Metric, st: &StatusRead<'_>, period: Option<Period>) -> Option<(Period, &'static str)> {
    let (ctx, q, s) = (f.ctx, f.q, f.ctx.doc.sentences[f.si]);
    let (hay, doc, lex) = (&ctx.hay, ctx.doc, &ctx.res.lexicon);
    let doc_period = doc.meta.period;
    let doc_year = doc_period.map(|p| p.year);
    // a level: a count of what exists, a density, a share (not revenue, fines or growth)
    let stock = metric.default_basis == Some(Basis::Stock)
        || metric.unit_kind == UnitKind::Per100
        || (metric.unit_kind == UnitKind::Percent && !metric.id.ends_with("growth_pct"));
    // the figure's own clause up to it (the clause it continues, if it continues one)
    let own_clause = &hay[(s.start + st.clause_from).max(f.chain_start).min(q.start)..q.start];
    let of_document = period == doc_period;
    if let Some(y) = st.estimate_year {
        return Some((Period::year(y), "status.year_end_estimate: the year whose end it estimates"));
    }
    if let Some(p) = day_window(lex, &hay[s.start..q.start]) {
        return Some((p, "period.day_window: a level dated to a day, the months up to it"));
    }
    if let Some(p) = month_window(lex, &hay[s.start..q.start], doc_year, stock) {
        return Some((p, "period.month_window: the months its sentence counts"));
    }
    if let Some(p) = report_month(own_clause, &hay[q.end..s.end], doc_period, &lex.period) {
        return Some((p, "period.report_month: the month under report"));
    }
    if let Some(p) = last_year(own_clause, doc.meta.published.map(|d| chrono::Datelike::year(&d)), &lex.period) {
        return Some((p, "period.last_year: last year, counted from the publication"));
    }
    if !of_document {
        return None;
    }
    if metric.event_dated
        && let Some(p) = event_day(
            &lex.grammar,
            &hay[s.start..s.end],
            doc_year,
            doc.meta.published.or(doc.meta.event_date),
            &lex.part.not_an_act,
        )
    {
        return Some((p, "period.event_day: the month of the act's day"));
    }
    if metric.event_dated
        && let Some(p) = event_lead(&lex.period, &hay[s.start..s.end], doc_period, doc.meta.event_date)
    {
        return Some((p, "period.event_lead: the month of the act the page's lead dates"));
    }
    month_on_month(&hay[q.end..s.end], doc_period).map(|p| (p, "period.month_on_month: compared with the month before, a month's figure"))
}

/// Rules `rank.index_year` and `rank.document_index_year`: a rank is of the index's year, not
/// the year it was published (`Vietnam ICT Index 2014 công bố cuối năm 2015, ... xếp thứ
/// 27/63`), named before it in its sentence or, for a rank still of the document's period, in
/// the page (`Lào Cai đứng thứ 7 ...` in the title of a page on the `ICT Index năm 2017`).
fn index_year(f: &Figure<'_, '_>, period: Option<Period>) -> Option<(Period, &'static str)> {
    let (ctx, q, s) = (f.ctx, f.q, f.ctx.doc.sentences[f.si]);
    let re = &ctx.res.lexicon.grammar.index_year;
    if let Some(y) = re
        .captures_iter(&ctx.hay[s.start..q.start])
        .last()
        .and_then(|c| c[1].parse::<i32>().ok())
    {
        Some((Period::year(y), "rank.index_year: the year of the index its sentence names"))
    } else if period == ctx.doc.meta.period {
        ctx.doc_index_year()
            .map(|y| (Period::year(y), "rank.document_index_year: the year of the index the page is about"))
    } else {
        None
    }
}

/// Rule `period.reviewed_target`: `vượt chỉ tiêu 11 thuê bao/100 dân đề ra` is the target set
/// for the period under review, not the next one: the words before the status cue
/// (`status_cue`, match form) say so (the lexicon's `[period] reviewed_before`), or a
/// parenthesis gives the plan a share of plan was of (`bằng 101% kế hoạch (Kế hoạch đăng ký là
/// 61,5 thuê bao/100 dân)`, `[period] reviewed_aside`).
fn reviewed_target(f: &Figure<'_, '_>, status_cue: &str) -> bool {
    let (ctx, q, s) = (f.ctx, f.q, f.ctx.doc.sentences[f.si]);
    let (hay, lex) = (&ctx.hay, &ctx.res.lexicon);
    let cue_at = hay[..q.start].rfind(status_cue).filter(|_| !status_cue.is_empty());
    cue_at.is_some_and(|k| {
        let before = hay[s.start..k].trim_end();
        let aside = before.strip_suffix('(').map(str::trim_end);
        lex.period.reviewed_before.iter().any(|w| before.ends_with(w.as_str()))
            || aside.is_some_and(|a| lex.period.reviewed_aside.iter().any(|w| a.ends_with(w.as_str())))
    })
}

/// Rule `period.year_after`: a year right after the figure is its own (`thứ 4 năm 2015`, `0,85
/// máy/100 dân vào năm 2007`, `lên trên 70% (vào năm 2020)`); a parenthesis that says more
/// (`(cuối năm 2011 là 16.450 thuê bao)`) gives another figure's year. A target's too, when a
/// parenthesis gives it (`sẽ tăng từ 50% (năm 2015) lên trên 70% (vào năm 2020)`) or `vào`
/// introduces it.
fn year_after(f: &Figure<'_, '_>, status: Status) -> Option<Period> {
    let (hay, q, s) = (&f.ctx.hay, f.q, f.ctx.doc.sentences[f.si]);
    let to = floor_char_boundary(hay, (q.end + 24).min(s.end));
    let own = f
        .ctx
        .res
        .lexicon
        .grammar
        .year_after
        .captures_seldom(&hay[q.end..to])
        .and_then(|c| match status {
            Status::Target => c.get(2).or(c.get(1).filter(|_| c[0].trim_start().starts_with("vào"))),
            _ => c.get(1).or(c.get(2)),
        });
    own.and_then(|y| y.as_str().parse::<i32>().ok()).map(Period::year)
}

/// The end of a sentence's opening clause (`Năm 2019, ...`), whose year dates every clause of the
/// sentence: its first comma within 60 bytes, else its first 12 bytes (an offset that may pass
/// its end, only ever compared with). Rule
/// `period.attributed_opening`: an opening that only names the source (`Theo Bộ Thông tin và
/// Truyền thông, trong năm 2010 tổng số thuê bao ... ; mật độ đạt 189 máy/100 dân`) is no
/// context of its own: the clause after it is the opening. A comma between digits (`162,88`) is
/// a decimal mark, not a clause's end.
pub(super) fn opening_clause_end(sentence: &str) -> usize {
    let clause_comma = |from: usize| {
        sentence[from..].char_indices().map(|(k, c)| (from + k, c)).find(|&(k, c)| {
            c == ','
                && !(sentence[..k].ends_with(|d: char| d.is_ascii_digit()) && sentence[k + 1..].starts_with(|d: char| d.is_ascii_digit()))
        })
    };
    // (any comma here, as the rule has always read it: `Đạt 12,5 ...` opens on `Đạt 12`)
    let Some(k) = crate::text::find_ascii_within(sentence, b',', 60) else {
        return 12;
    };
    let attributed = sentence.starts_with("theo ") || sentence.starts_with("cũng theo ");
    if !attributed {
        return k;
    }
    // the clause after it ends at its own comma or `;`, however long it is
    let semi = sentence[k + 1..].find(';').map(|j| k + 1 + j);
    match (clause_comma(k + 1).map(|(j, _)| j), semi) {
        (Some(j), Some(m)) => j.min(m),
        (Some(j), None) => j,
        (None, Some(m)) => m,
        (None, None) => k,
    }
}

/// Whether a year written between `before` and `after` is a comparison base (`so với năm
/// 2019`, `so với cùng kỳ năm 2010`, `so với cùng thời điểm năm 2009`, `bằng 29,4% cùng kỳ năm
/// 2010`, `gấp 2 lần năm 2005`), or a birth year (`ông N.A.M, sinh năm 1977`; not `phát sinh`):
/// it names what the figure is compared with, or a person, never the figure's own window. `Cùng kỳ
/// năm 2019 là 2.006.864` is the base's own figure (rule `period.baseline_value`), and its year
/// dates what follows.
fn base_year(g: &Grammar, before: &str, after: &str) -> bool {
    let re = &g.base_year;
    let near = &before[floor_char_boundary(before, before.len().saturating_sub(16))..];
    let stated = ["là", "đạt", "có"].iter().any(|w| after.trim_start().starts_with(w));
    let lead = before.trim_end();
    let lead = lead.strip_suffix("năm").unwrap_or(lead).trim_end();
    let born = lead.ends_with(" sinh") && !lead.ends_with("phát sinh");
    (re.is_match(before) && !stated) || near.contains("so với") || born
}

/// The part of the year a period trap names: a quarter (`quý II/2014`, `quý 3`, `Q3/2012`) or
/// the first n months (`10 tháng đầu năm`). Rule `period.quarter_to_date`: a quarter counted
/// to its end from the year's start (`tính đến hết quý III/2012`) is the months to its end, as
/// `tính đến hết tháng 9` is: `9M` (the first quarter is `Q1`, the second `H1`, the fourth the
/// year). `Đến cuối quý III` in a quarter's report stays the quarter, as analysts label it.
fn period_part(hay: &str, start: usize, end: usize, to_date: &[String]) -> Option<PeriodPart> {
    let text = &hay[start..end];
    let full = &hay[start..floor_char_boundary(hay, (end + 24).min(hay.len()))];
    let before = hay[..start].trim_end();
    // (`riêng quý 1`: the trap holds the number only)
    let quarter_word = before.ends_with("quý");
    // (`q3/2012`: the short form, a digit right after the letter)
    let short = text.strip_prefix('q').filter(|r| r.starts_with(|c: char| c.is_ascii_digit()));
    if text.starts_with("quý") || full.starts_with("quý") || quarter_word || short.is_some() {
        let after = short.unwrap_or_else(|| text.trim_start_matches("quý").trim_start());
        let token: String = after.chars().take_while(|c| crate::text::is_letter_or_digit(*c)).collect();
        let q = Period::quarter_number(&token)?;
        let lead = before.strip_suffix("quý").map_or(before, str::trim_end);
        if to_date.iter().any(|w| lead.ends_with(w.as_str())) {
            return Period::first_months(0, 3 * q).map(|p| p.part);
        }
        Some(PeriodPart::Quarter(q))
    } else {
        let n: u8 = text.trim().parse().ok()?;
        // `10 tháng đầu năm`: the first n months
        Period::first_months(0, n).map(|p| p.part)
    }
}

#[cfg(test)]
mod tests {
    use super::{base_year, opening_clause_end, period_part};
    use crate::extract::tests::judged;
    use crate::records::PeriodPart;

    #[test]
    fn the_reason_names_the_rule_that_gave_the_period() {
        // (invented sentences on a page of 2019: the figure's period and the rule its reason names)
        let cases = [
            (
                "Tính đến ngày 30/6/2019, toàn tỉnh có 1.250.000 thuê bao di động.",
                "2019-H1",
                Some("period.day_window"),
            ),
            (
                "9 tháng đầu năm 2019, doanh thu viễn thông đạt 812 tỷ đồng.",
                "2019-9M",
                Some("period.context_clause"),
            ),
            (
                "Năm 2017, doanh thu viễn thông đạt 640 tỷ đồng.",
                "2017",
                Some("period.context_clause"),
            ),
            (
                "Phấn đấu đến năm 2025, 80% hộ gia đình có kết nối Internet băng rộng cáp quang.",
                "2025",
                Some("status.plan_year"),
            ),
            ("Toàn tỉnh có 1.100 trạm BTS vào năm 2018.", "2018", Some("period.year_after")),
            // the document's period: no rule named
            ("Toàn tỉnh có 1.250 trạm BTS.", "2019", None),
        ];
        for (text, period, rule) in cases {
            let (out, claim, reason) = judged(text, |l| l.starts_with("metric "));
            assert!(claim.contains(&format!("period={period} ")), "{text}:\n{out}");
            match rule {
                Some(r) => assert!(reason.contains(&format!("; {r}: ")), "{text}: wants {r}:\n{out}"),
                None => assert!(!reason.contains("; period.") && !reason.contains("; status."), "{text}:\n{out}"),
            }
        }
    }

    #[test]
    fn an_attributed_opening_reaches_the_clause_after_it() {
        // rule period.attributed_opening (invented sentences, match form)
        let s = "theo bộ thông tin và truyền thông, trong năm 2010 tổng số thuê bao đạt 162,88 triệu, trong đó di động chiếm 91,2%; mật độ đạt 189 máy/100 dân.";
        let end = opening_clause_end(s);
        assert!(s[..end].contains("năm 2010"), "{}", &s[..end]);
        assert!(s[..end].ends_with("162,88 triệu"), "{}", &s[..end]);
        // an opening that is its own context stays the first clause
        let s = "năm 2019, toàn tỉnh có 1.200 trạm, trong năm 2020 thêm 80 trạm.";
        assert_eq!(&s[..opening_clause_end(s)], "năm 2019");
        // no comma near the start: the first 12 bytes
        let s = "toàn tỉnh hiện có 1.200 trạm bts và 300 điểm phục vụ bưu chính trên khắp các huyện, xã.";
        assert_eq!(opening_clause_end(s), 12);
        // an attribution with no clause after it
        let s = "theo sở tttt, toàn tỉnh có 1.200 trạm.";
        assert_eq!(&s[..opening_clause_end(s)], "theo sở tttt");
    }

    #[test]
    fn a_comparison_base_or_a_birth_year_is_no_window() {
        // (invented phrases, match form: the text before the year, then after it)
        let g = crate::grammar::shipped();
        assert!(base_year(g, "tăng 12% so với năm ", " ("));
        assert!(base_year(g, "tăng 5% so với cùng kỳ năm ", ", "));
        assert!(base_year(g, "gấp 2 lần năm ", " và"));
        assert!(base_year(g, "ông n.v.a, sinh năm ", ", "));
        // `cùng kỳ năm 2019 là ...` states the base's own figure: its year dates it
        assert!(!base_year(g, "cùng kỳ năm ", " là 2.006.864"));
        assert!(!base_year(g, "phát sinh năm ", " là"));
        assert!(!base_year(g, "trong năm ", ", toàn tỉnh"));
    }

    #[test]
    fn a_period_trap_names_a_quarter_or_the_months_to_date() {
        // rule period.quarter_to_date (invented phrases, match form)
        let to_date = ["tính đến hết".to_string()];
        let part = |hay: &str, trap: &str| {
            let start = hay.find(trap).expect("trap in text");
            period_part(hay, start, start + trap.len(), &to_date)
        };
        assert_eq!(part("trong quý ii/2014, toàn tỉnh", "quý ii"), Some(PeriodPart::Quarter(2)));
        assert_eq!(part("số liệu q3/2012 cho thấy", "q3"), Some(PeriodPart::Quarter(3)));
        // counted to its end from the year's start: the months to its end
        assert_eq!(part("tính đến hết quý iii/2012, có", "quý iii"), Some(PeriodPart::Months(9)));
        assert_eq!(part("tính đến hết quý ii/2012, có", "quý ii"), Some(PeriodPart::Half(1)));
        // `10 tháng đầu năm`: the trap holds the number
        assert_eq!(part("trong 10 tháng đầu năm", "10"), Some(PeriodPart::Months(10)));
    }
}
