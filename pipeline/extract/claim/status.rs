//! Rule `status.*` of a metric figure: estimate, target or actual, from the nearest cue before
//! the figure in its statement, a plan year named before it, or a plan figure.
//!
//! Input: the figure's sentence, its cues ([`SentenceCues`]) and the document's period. Output:
//! [`StatusRead`]: the status, the cue that decided it, the year a target is for, the year a
//! year-end estimate is of. Invariant: only what lies left of the figure counts, and a cue
//! before `; Capital` belongs to the statement before it.

use super::super::{DocCtx, Quantity};
use super::SentenceCues;
use crate::grammar::Grammar;
use crate::lexicon::StatusCue;
use crate::records::{PeriodPart, Sentence, Status};

/// What decided a figure's status.
pub(super) struct StatusRead<'h> {
    pub status: Status,
    /// The status cue nearest before the figure (match form), or "".
    pub cue: &'h str,
    /// The year a target is for, when a plan names one.
    pub target_year: Option<i32>,
    /// The year whose end a year-end estimate is of (rule `status.year_end_estimate`).
    pub estimate_year: Option<i32>,
    /// Where the figure's `;` clause starts, relative to the sentence.
    pub clause_from: usize,
}

/// The status of figure `q` of sentence `s`: the nearest cue to its left in its statement
/// (`ước đạt 1,2 triệu` an estimate, `phấn đấu đạt 80%` a target), then a plan for a later year
/// (`kế hoạch năm 2017 ... 500 trạm`), a foreseen figure of a later year's plan, a plan figure.
pub(super) fn read<'h>(ctx: &'h DocCtx<'_>, cues: &SentenceCues, s: Sentence, q: &Quantity) -> StatusRead<'h> {
    let hay = &ctx.hay;
    let doc = ctx.doc;
    let doc_period = doc.meta.period;
    let doc_year = doc_period.map(|p| p.year);
    // status: the nearest cue to the left in the sentence
    let mut status = Status::Actual;
    let mut status_at = 0usize;
    let mut status_cue = "";
    // a cue before `; Capital` (`Mục tiêu năm 2023 đạt 84%; Số thuê bao ... đạt 22,3 triệu`)
    // belongs to the statement before it
    let statement_from = {
        let text = &doc.text[s.start..q.start];
        text.rmatch_indices(';')
            .find(|(k, _)| text[k + 1..].trim_start().chars().next().is_some_and(char::is_uppercase))
            .map_or(s.start, |(k, _)| s.start + k + 1)
    };
    let lex = &ctx.res.lexicon;
    for &(hs, he, tag) in cues.status.iter().filter(|h| h.1 <= q.start && h.0 >= statement_from) {
        // rule `status.met_target`: `một số chỉ tiêu đạt khá, như: 100% xã ...` reports targets
        // met, not set
        if tag == StatusCue::Target && {
            let after = hay[he..q.start].trim_start();
            lex.status_met.iter().any(|w| after.starts_with(w.as_str()))
        } {
            continue;
        }
        let h = crate::text::Hit {
            start: hs,
            end: he - s.start,
            tag: &tag,
        };
        if h.end >= status_at {
            status_at = h.end;
            status_cue = &hay[hs..he];
            status = match h.tag {
                StatusCue::Estimate => Status::Estimate,
                StatusCue::Target => Status::Target,
            };
        }
    }
    let mut target_year = None;
    // the year whose end a year-end estimate is of (rule `status.year_end_estimate`)
    let mut estimate_year = None;
    let sub_year = doc_period.is_some_and(|p| p.part != PeriodPart::Year);
    // a plan named in an earlier clause (`quy hoạch ... đến năm 2020; đồng thời ban hành 312 văn
    // bản`) does not make the figure a target
    let clause_from = hay[s.start..q.start].rfind(';').map_or(0, |k| k + 1);
    // (the grammar's `target_year`: `kế hoạch năm 2017`, `đến hết năm 2020`, a plan named before
    // its year, `kế hoạch phát triển thuê bao mới trong năm 2017`)
    // (most figures' sentences name no year of a target)
    for c in ctx.res.lexicon.grammar.target_year.captures_iter_seldom(&hay[s.start..q.start]) {
        let y: i32 = c[1].parse().unwrap_or(0);
        // a plan for a later year, or for the rest of this year in a quarterly or half-year report
        let future = doc_year.is_none_or(|dy| y > dy || (sub_year && y == dy));
        // rule `status.year_end_estimate`: `ước đến cuối năm 2022 đạt ...` in a report of part of
        // 2022 estimates the year's end; it is no target (a later year's is)
        let year_end_estimate = status == Status::Estimate && sub_year && doc_year == Some(y);
        let m = c.get(0).expect("match");
        if year_end_estimate && m.start() >= clause_from {
            estimate_year = Some(y);
        }
        if future && !year_end_estimate && m.start() >= clause_from && s.start + m.end() >= s.start + status_at {
            status_at = m.end();
            status = Status::Target;
        }
        if future && m.start() >= clause_from {
            target_year = Some(y);
        }
    }
    // `Kế hoạch năm 2017, tỉnh dự kiến phát triển ...`: what is foreseen in a plan for a later
    // year is its target, not an estimate of the period under review
    if status == Status::Estimate && status_cue.starts_with("dự kiến") && target_year.is_some() {
        status = Status::Target;
    }
    if let Some(y) = plan_figure(&ctx.res.lexicon.grammar, &hay[s.start..q.start]) {
        status = Status::Target;
        target_year = y.or(target_year);
    }

    StatusRead {
        status,
        cue: status_cue,
        target_year,
        estimate_year,
        clause_from,
    }
}

/// Rule `status.plan_figure`: a figure written right after the plan it is (`đạt 22,8% so với kế
/// hoạch năm (101.593 tỷ đồng)`, `bằng 96% so với kế hoạch 133.000 tỷ đồng`, `chỉ tiêu: 90%`) is
/// that plan's target, for the year it names or else the year under review. `before` is the
/// figure's sentence up to the figure, in match form. Gives `Some(year named)` for a plan figure.
pub(super) fn plan_figure(g: &Grammar, before: &str) -> Option<Option<i32>> {
    let c = g.plan_figure.captures_seldom(before)?;
    Some(c.get(1).and_then(|y| y.as_str().parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::plan_figure;
    use crate::grammar::shipped;

    #[test]
    fn a_figure_right_after_its_plan_is_the_plan() {
        // rule status.plan_figure (invented sentences, match form, up to the figure)
        assert_eq!(
            plan_figure(shipped(), "doanh thu đạt 22,8% so với kế hoạch năm 2024 ("),
            Some(Some(2024))
        );
        assert_eq!(plan_figure(shipped(), "bằng 96% so với kế hoạch "), Some(None));
        assert_eq!(plan_figure(shipped(), "chỉ tiêu: "), Some(None));
        assert_eq!(plan_figure(shipped(), "kế hoạch được giao là "), Some(None));
        // a plan named earlier in the sentence is no plan figure
        assert_eq!(plan_figure(shipped(), "theo kế hoạch, toàn tỉnh có "), None);
    }

    #[test]
    fn a_plan_names_the_year_it_is_for() {
        let years = |s: &str| -> Vec<String> { shipped().target_year.captures_iter(s).map(|c| c[1].to_string()).collect() };
        assert_eq!(years("kế hoạch năm 2017 phát triển "), ["2017"]);
        assert_eq!(years("phấn đấu đến hết năm 2020 đạt "), ["2020"]);
        assert_eq!(years("kế hoạch phát triển thuê bao mới trong năm 2018 là "), ["2018"]);
        // a year with no plan word before it
        assert!(years("năm 2017 toàn tỉnh có ").is_empty());
    }
}
