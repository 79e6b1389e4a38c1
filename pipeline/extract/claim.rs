//! Claims: the qualifiers of a metric figure (status, basis, bound, converted, period,
//! province) and the revenue growth rate fact.
//!
//! Input: a figure, its levels and the sentence's cues (found once per sentence). Output: a
//! [`Claim`]. Invariant: a cue is read from the figure's own sentence, left of the figure,
//! nearest first; the document's period and province are the fallback.

mod status;

use std::sync::OnceLock;

use regex::Regex;

use super::DocCtx;
use super::figure::Figure;
use super::metric::*;
use super::traps::Trap;
use super::window::*;
use crate::catalog::Metric;
use crate::lexicon::{BasisCue, StatusCue};
use crate::records::{Basis, Claim, MentionKind, Period, PeriodPart, ProvinceRef, Status, UnitKind};
use crate::reference::NATIONAL;
use crate::text::floor_char_boundary;

/// Qualifier cues of one sentence, found once (absolute byte spans) and filtered per figure.
pub(super) struct SentenceCues {
    status: Vec<(usize, usize, StatusCue)>,
    basis: Vec<(usize, usize, BasisCue)>,
}

impl SentenceCues {
    pub(super) fn of(ctx: &DocCtx<'_>, s: crate::records::Sentence) -> Self {
        let lex = &ctx.res.lexicon;

        SentenceCues {
            status: lex
                .status
                .find_in(&ctx.hay, &ctx.hits, s.start, s.end)
                .into_iter()
                .map(|h| (s.start + h.start, s.start + h.end, *h.tag))
                .collect(),
            basis: lex
                .basis
                .find_in(&ctx.hay, &ctx.hits, s.start, s.end)
                .into_iter()
                .map(|h| (s.start + h.start, s.start + h.end, *h.tag))
                .collect(),
        }
    }
}

/// Status, basis, bound, converted, period and province of a metric figure `f` of `metric`;
/// `last_basis_cue` carries the sentence's last basis cue from one figure to the next.
pub(super) fn make_claim(f: &Figure<'_, '_>, metric: &Metric, last_basis_cue: &mut Option<Basis>) -> Claim {
    let Figure {
        ctx,
        cues,
        si,
        traps,
        q,
        lv,
        left_start,
        chain_start,
        ..
    } = *f;
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let doc = ctx.doc;
    let s = doc.sentences[si];
    let doc_period = doc.meta.period;
    let doc_year = doc_period.map(|p| p.year);

    let status::StatusRead {
        status,
        cue: status_cue,
        target_year,
        estimate_year,
        clause_from,
    } = status::read(ctx, cues, s, q);
    let opening_end = s.start + opening_clause_end(&hay[s.start..s.end]);
    // period: the document's, unless the figure's own clause names another
    let mut period = doc_period;
    if status == Status::Target {
        let y = target_year.or_else(|| {
            traps
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
                    !base_year(&hay[floor_char_boundary(hay, t.start.saturating_sub(48))..t.start], after)
                })
                .filter_map(|t| t.year)
                // (the year closest to the report's, one not before it first: rule
                // `period.target_year_in_sentence`; a year before it is still the sentence's
                // own, `chỉ tiêu ... đến năm 2015 ... 15-20 đường/100 dân` on a page whose
                // headline names the plan's end)
                .min_by_key(|y| {
                    let dy = doc_year.unwrap_or(*y);
                    (*y < dy, (*y - dy).abs())
                })
        });
        match (y, doc_period) {
            (Some(y), _) => period = Some(Period::year(y)),
            // a target with no year in a year-end review is for the next year; in a quarterly or
            // half-year report, for the year under way
            (None, Some(dp)) => period = Some(Period::year(if dp.part == PeriodPart::Year { dp.year + 1 } else { dp.year })),
            (None, None) => {}
        }
    } else {
        let own: Vec<&Trap> = traps
            .iter()
            .filter(|t| matches!(t.kind, MentionKind::Year | MentionKind::Period) && t.start >= s.start && t.end <= q.start)
            // the figure's own clause, or the sentence's opening clause (`Năm 2019, ...`,
            // `Nhìn lại cả năm 2018, ...`); rule `period.context_clause`: or the clause of the
            // figure it continues (`năm 2007 cả nước đạt 60,9 thuê bao/100 dân, trong đó cố
            // định đạt 13,4`: the part is of the whole's year)
            .filter(|t| (t.start >= chain_start && t.start >= s.start + clause_from) || t.end <= opening_end)
            // rule `period.plan_year`: a year a plan word names (`hội nghị triển khai nhiệm vụ
            // năm 2020`, the clean rules' `[period] plan`) is the plan's, not a result's
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
                let base = base_year(&hay[floor_char_boundary(hay, t.start.saturating_sub(48))..t.start], after);
                ctx.memo.borrow_mut().base_year.insert(t.start, base);
                !base
            })
            .collect();
        let year = own.iter().rev().find_map(|t| t.year);
        let part = own
            .iter()
            .rev()
            .find(|t| t.kind == MentionKind::Period)
            .and_then(|t| period_part(hay, t.start, t.end, &lex.period.to_date));
        match (year, part, doc_period) {
            (Some(y), p, Some(dp)) if y != dp.year => {
                let same_span = hay[floor_char_boundary(hay, left_start.saturating_sub(0))..q.start].contains("cùng kỳ");
                period = Some(Period {
                    year: y,
                    part: p.unwrap_or(if same_span { dp.part } else { PeriodPart::Year }),
                });
            }
            (Some(y), p, None) => {
                period = Some(Period {
                    year: y,
                    part: p.unwrap_or(PeriodPart::Year),
                })
            }
            (_, Some(p), Some(dp)) => {
                period = Some(Period {
                    year: year.unwrap_or(dp.year),
                    part: p,
                })
            }
            _ => {}
        }
        // a level: a count of what exists, a density, a share (not revenue, fines or growth)
        let stock = metric.default_basis == Some(Basis::Stock)
            || metric.unit_kind == UnitKind::Per100
            || (metric.unit_kind == UnitKind::Percent && !metric.id.ends_with("growth_pct"));
        // the figure's own clause up to it (the clause it continues, if it continues one)
        let own_clause = &hay[(s.start + clause_from).max(chain_start).min(q.start)..q.start];
        if let Some(y) = estimate_year {
            period = Some(Period::year(y));
        } else if let Some(p) = day_window(&hay[s.start..q.start]) {
            period = Some(p);
        } else if let Some(p) = month_window(&hay[s.start..q.start], doc_year, stock) {
            period = Some(p);
        } else if let Some(p) = report_month(own_clause, &hay[q.end..s.end], doc_period, &lex.period) {
            period = Some(p);
        } else if let Some(p) = last_year(own_clause, doc.meta.published.map(|d| chrono::Datelike::year(&d)), &lex.period) {
            period = Some(p);
        } else if metric.event_dated
            && period == doc_period
            && let Some(p) = event_day(
                &hay[s.start..s.end],
                doc_year,
                doc.meta.published.or(doc.meta.event_date),
                &lex.part.not_an_act,
            )
        {
            // rule `period.event_day`
            period = Some(p);
        } else if metric.event_dated
            && period == doc_period
            && let Some(p) = event_lead(&hay[s.start..s.end], doc_period, doc.meta.event_date)
        {
            period = Some(p);
        } else if period == doc_period
            && let Some(p) = month_on_month(&hay[q.end..s.end], doc_period)
        {
            period = Some(p);
        }
    }

    // `Vietnam ICT Index 2014 công bố cuối năm 2015, ... xếp thứ 27/63`: the index's year, not
    // the year it was published
    if metric.unit_kind == UnitKind::Rank {
        static INDEX_YEAR: OnceLock<Regex> = OnceLock::new();
        let re = INDEX_YEAR.get_or_init(|| Regex::new(r"index\s+(?:năm\s+)?((?:19|20)[0-9][0-9])(?-u:\b)").expect("index-year pattern"));
        if let Some(y) = re
            .captures_iter(&hay[s.start..q.start])
            .last()
            .and_then(|c| c[1].parse::<i32>().ok())
            && status != Status::Target
        {
            period = Some(Period::year(y));
        } else if period == doc_period
            && status != Status::Target
            && let Some(y) = ctx.doc_index_year()
        {
            // rule `rank.document_index_year`: `Lào Cai đứng thứ 7 ...` in the title of a page
            // on the `ICT Index năm 2017`
            period = Some(Period::year(y));
        }
    }
    // rule `period.reviewed_target`: `vượt chỉ tiêu 11 thuê bao/100 dân đề ra`: the target set
    // for the period under review (the words are the lexicon's `[period]`)
    if status == Status::Target && target_year.is_none() {
        let cue_at = hay[..q.start].rfind(status_cue).filter(|_| !status_cue.is_empty());
        // (or a parenthesis that gives the plan a share of plan was of: `bằng 101% kế hoạch (Kế
        // hoạch đăng ký là 61,5 thuê bao/100 dân)`)
        let reviewed = cue_at.is_some_and(|k| {
            let before = hay[s.start..k].trim_end();
            let aside = before.strip_suffix('(').map(str::trim_end);
            lex.period.reviewed_before.iter().any(|w| before.ends_with(w.as_str()))
                || aside.is_some_and(|a| lex.period.reviewed_aside.iter().any(|w| a.ends_with(w.as_str())))
        });
        if reviewed {
            period = doc_period;
        }
    }
    // `thứ 4 năm 2015`, `0,85 máy/100 dân vào năm 2007`, `lên trên 70% (vào năm 2020)`: a year right
    // after the figure is its own (a parenthesis that says more, `(cuối năm 2011 là 16.450 thuê bao)`,
    // gives another figure's year); a target's too, when a parenthesis gives it (`sẽ tăng từ 50%
    // (năm 2015) lên trên 70% (vào năm 2020)`)
    {
        static AFTER: OnceLock<Regex> = OnceLock::new();
        let re = AFTER.get_or_init(|| {
            Regex::new(
                r"^\s*(?:(?:vào\s+)?(?:cuối\s+|hết\s+)?năm\s+([0-9]{4})(?-u:\b)|\(\s*(?:vào\s+)?(?:cuối\s+|hết\s+)?năm\s+([0-9]{4})\s*\))",
            )
            .expect("year-after pattern")
        });
        let to = floor_char_boundary(hay, (q.end + 24).min(s.end));
        let own = re.captures(&hay[q.end..to]).and_then(|c| match status {
            Status::Target => c.get(2).or(c.get(1).filter(|_| c[0].trim_start().starts_with("vào"))),
            _ => c.get(1).or(c.get(2)),
        });
        if let Some(y) = own.and_then(|y| y.as_str().parse::<i32>().ok()) {
            period = Some(Period::year(y));
        }
    }
    if status != Status::Target {
        let from = floor_char_boundary(hay, q.start.saturating_sub(80).max(s.start));
        if let Some(p) = baseline_period(&hay[from..q.start], period) {
            period = Some(p);
        }
    }
    // a rank is of a year (`công bố trong quý II, ... ICT Index năm 2020`)
    if metric.unit_kind == UnitKind::Rank {
        period = period.map(|p| Period::year(p.year));
    }

    // basis, for counts
    let basis = metric.default_basis.map(|default| {
        if metric.basis_fixed {
            return default;
        }
        let mut strong: Option<(usize, Basis)> = None;
        let mut decisive = false;
        let mut weak: Option<(usize, Basis)> = None;
        for &(hs, he, tag) in cues.basis.iter().filter(|h| h.0 >= left_start && h.1 <= q.start) {
            let h = crate::text::Hit {
                start: hs,
                end: he - left_start,
                tag: &tag,
            };
            let (slot, b) = match h.tag {
                BasisCue::StockDecisive => {
                    decisive = true;
                    (&mut strong, Basis::Stock)
                }
                BasisCue::StockStrong => (&mut strong, Basis::Stock),
                BasisCue::FlowStrong => (&mut strong, Basis::Flow),
                BasisCue::FlowWeak => (&mut weak, Basis::Flow),
            };
            if slot.is_none_or(|(e, _)| h.end >= e) {
                *slot = Some((h.end, b));
            }
        }
        // `có thêm 14.500 thuê bao phát triển trong năm`: a strong cue right after the figure
        if strong.is_none() {
            let right_end = floor_char_boundary(hay, (q.end + 60).min(s.end));
            let after = &hay[q.end..right_end];
            let clause_end = after.find([',', ';', '(', '.']).unwrap_or(after.len());
            if let Some(h) = lex
                .basis
                .find_in(hay, &ctx.hits, q.end, q.end + clause_end)
                .into_iter()
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
            *last_basis_cue = Some(b);
        }
        cue.or(*last_basis_cue).unwrap_or(default)
    });

    // bound: a cue right before the number
    let before = hay[..q.start].trim_end();
    let bound = lex.bound.longest_ending_at(hay, before.len()).map(|h| *h.tag);

    // `thuê bao quy đổi`, `212.000 thuê bao quy đổi`; a density after a converted count in the
    // same sentence is converted too
    let converted = match metric.unit_kind {
        UnitKind::Subscribers => lex.feature("converted").is_some_and(|f| lv.l[0].has(f)),
        UnitKind::Per100 => lex
            .feature("converted")
            .is_some_and(|f| (0..3).any(|k| lv.l[k].has(f)) || lv.l[TAIL].has(f)),
        _ => false,
    };

    // province: the document's, unless the figure's subject names the country or another one
    let mut province = doc.meta.province.clone();
    // `cả nước ... 133 thuê bao/100 dân, trong khi tỉnh đạt 118`: the province speaks again
    let provincial_here = lex.feature("provincial").is_some_and(|f| lv.left.has(f));
    // `thấp hơn tỷ lệ 35,6% của cả nước`: the country named right after the figure
    let national_after = lex.feature("national").is_some_and(|f| {
        let after_end = floor_char_boundary(hay, (q.end + 24).min(doc.sentences[si].end));
        ctx.features.set(q.end, after_end).has(f) && hay[q.end..after_end].trim_start().starts_with("của")
    });
    // rule `province.ministry_source`: a figure the Ministry gives or a minister states (`Theo
    // báo cáo của Bộ TT&TT, tỷ lệ ... đạt 131 thuê bao/100 dân`) is the country's, unless its
    // statement names the province before it (a statement ends at `;`)
    let ministry_source = lex.feature("ministry").is_some_and(|f| {
        let s0 = doc.sentences[si].start;
        let from = hay[s0..q.start].rfind(';').map_or(s0, |k| s0 + k + 1);
        let said = ctx.features.set(from, q.start);
        said.has(f)
            && !lex.feature("provincial").is_some_and(|p| said.has(p))
            && ctx.res.provinces.find_in(hay, &ctx.hits, from, q.start).is_empty()
    });
    let national_here = national_after
        || ministry_source
        || lex
            .feature("national")
            .is_some_and(|f| lv.left.has(f) || (!provincial_here && (lv.l[1].has(f) || lv.l[2].has(f))));
    if national_here && metric.unit_kind != UnitKind::Rank {
        province = Some(ProvinceRef {
            name: NATIONAL.into(),
            code: String::new(),
        });
    } else {
        let mut named: Vec<usize> = ctx
            .res
            .provinces
            .find_in(hay, &ctx.hits, left_start, q.start)
            .iter()
            .map(|h| *h.tag)
            .collect();
        if named.is_empty() && ctx.scope.multi_province {
            // a round-up: the province named last before the figure in its paragraph
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
    }

    Claim {
        metric: metric.id.clone(),
        status,
        basis,
        bound,
        converted,
        period,
        province,
        growth_pct: None,
        plan_share_pct: None,
        words_mismatch: None,
    }
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
    let Some(k) = sentence.find(',').filter(|&k| k <= 60) else {
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

/// Whether a year written between `before` and `after` is a comparison base (`so với năm
/// 2019`, `so với cùng kỳ năm 2010`, `so với cùng thời điểm năm 2009`, `bằng 29,4% cùng kỳ năm
/// 2010`, `gấp 2 lần năm 2005`), or a birth year (`ông N.A.M, sinh năm 1977`; not `phát sinh`):
/// it names what the figure is compared with, or a person, never the figure's own window. `Cùng kỳ
/// năm 2019 là 2.006.864` is the base's own figure (rule `period.baseline_value`), and its year
/// dates what follows.
fn base_year(before: &str, after: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?:so với(?:\s+(?:cùng kỳ|cùng kì|cùng thời điểm|thời điểm|giữa|cuối|đầu|hết|với))*|cùng kỳ|cùng kì|cùng thời điểm|gấp\s+[0-9.,]+\s+lần)(?:\s+năm)?\s*$")
            .expect("base-year pattern")
    });
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
    use super::opening_clause_end;

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
}
