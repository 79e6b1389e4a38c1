//! Quantities: the numbers of a sentence with their scale words, ranges, fractions and units.
//!
//! Input: the document context and a sentence's span, minus its traps. Output: [`Quantity`]s in
//! text order (digits, spelled-out numbers, `2,5 triệu`, `8 - 10%`, `15/16`, `6.200.000đồng (sáu
//! triệu hai trăm nghìn đồng)`). Invariant: spans never overlap and never cover a trap; a
//! figure whose digits do not group in threes is kept with its best reading, marked malformed.

use super::token::{next_token, token_at};
use super::{DocCtx, number, traps};
use crate::lexicon::{CompareCue, Lexicon, NumWord};
use crate::records::UnitKind;
use crate::text::floor_char_boundary;

/// A number with its scale words, range, fraction and unit, before classification.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Span of the whole figure: number through unit.
    pub start: usize,
    pub end: usize,
    pub value: f64,
    pub value_high: Option<f64>,
    pub of: Option<f64>,
    /// Product of the scale words applied (1 when none).
    pub scale: f64,
    pub unit_kind: UnitKind,
    pub unit_start: usize,
    pub unit_end: usize,
    pub malformed: bool,
    /// Spelled-out restatement in parentheses (`6.200.000đồng (sáu triệu hai trăm nghìn đồng)`).
    pub words_value: Option<f64>,
    /// The figure itself is written in words.
    pub spelled: bool,
    /// The per-person cue this density was read from (`mỗi người ... 1,33 thuê bao`: rule
    /// `unit.per_person`), so that no other rule reads the cue again as something else.
    pub per_person: Option<(usize, usize)>,
}

/// Skip white space from `i`.
pub(super) fn skip_ws(hay: &str, i: usize) -> usize {
    i + hay[i..]
        .chars()
        .take_while(|c| c.is_whitespace() && *c != '\n')
        .map(char::len_utf8)
        .sum::<usize>()
}

/// The scale words right after `pos`: their product's factors, the end, and a trailing `rưỡi`.
pub(super) fn scales_at(lex: &Lexicon, hay: &str, mut pos: usize) -> (Vec<f64>, usize, bool) {
    let mut scales = Vec::new();
    let mut half = false;
    loop {
        let p = skip_ws(hay, pos);
        if let Some(h) = lex.scale.longest_at(hay, p) {
            scales.push(*h.tag);
            pos = h.end;
            continue;
        }
        if !scales.is_empty()
            && let Some(h) = lex.num_words.longest_at(hay, p)
            && *h.tag == NumWord::Half
        {
            half = true;
            pos = h.end;
        }
        break;
    }
    (scales, pos, half)
}

/// A unit starting at `pos` (after optional spaces): kind and span.
pub(super) fn unit_at(lex: &Lexicon, hay: &str, pos: usize) -> Option<(UnitKind, usize, usize)> {
    let p = skip_ws(hay, pos);
    if p >= hay.len() {
        return None;
    }
    // `thuê bao/100 dân`, `máy/100 dân`, `thuê bao Internet quy đổi/100 dân`
    if let Some(noun) = lex.per100_nouns.longest_at(hay, p) {
        let limit = floor_char_boundary(hay, (noun.end + 80).min(hay.len()));
        let tail = &hay[noun.end..limit];
        if let Some(d) = lex.per100_denominators.find_all(tail).into_iter().next() {
            let between = &tail[..d.start];
            let words = between.split_whitespace().count();
            // a unit never runs across a line or paragraph break
            let clean = !between.contains([',', ';', '(', ')', '.', '\n']) && !between.chars().any(|c| c.is_ascii_digit());
            if words <= lex.per100_max_gap_words && clean {
                return Some((UnitKind::Per100, p, noun.end + d.end));
            }
        }
    }
    let unit = lex.units.longest_at(hay, p).map(|h| (*h.tag, h.start, h.end))?;
    // `thứ 4 năm 2015`, `đạt 15 tháng 6/2020`: a duration word that opens a date names when,
    // not how long
    if unit.0 == UnitKind::Duration {
        let after = skip_ws(hay, unit.2);
        let digits = hay[after..].bytes().take_while(u8::is_ascii_digit).count();
        if digits == 4 || (digits >= 1 && hay[after + digits..].starts_with('/')) {
            return None;
        }
    }
    Some(unit)
}

/// Spelled-out number words starting at `pos`: value and end, when they form a number.
pub(super) fn words_at(lex: &Lexicon, hay: &str, pos: usize) -> Option<(f64, usize, usize)> {
    // (a few words: kept on the stack, not allocated at every digit-free word the scan tries)
    let mut words: smallvec::SmallVec<[NumWord; 8]> = smallvec::SmallVec::new();
    let mut p = skip_ws(hay, pos);
    let start = p;
    let mut end = p;
    while let Some(h) = lex.num_words.longest_at(hay, p) {
        words.push(*h.tag);
        end = h.end;
        p = skip_ws(hay, h.end);
        // `sáu triệu, bảy trăm năm mươi nghìn đồng`: a comma after a scale word goes on
        if matches!(h.tag, NumWord::Scale(_)) && hay[p..].starts_with(',') && lex.num_words.longest_at(hay, skip_ws(hay, p + 1)).is_some() {
            p = skip_ws(hay, p + 1);
        }
    }
    let has_multiplier = words
        .iter()
        .any(|w| matches!(w, NumWord::Ten | NumWord::TensMarker | NumWord::Hundred | NumWord::Scale(_)));
    if words.len() < 2 || !has_multiplier {
        return None;
    }
    number::parse_words(&words).map(|v| (v, start, end))
}

/// Find the quantities of one sentence `[from, to)`, outside the traps.
pub(crate) fn scan(ctx: &DocCtx<'_>, from: usize, to: usize, traps: &[traps::Trap]) -> Vec<Quantity> {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let in_trap = |s: usize, e: usize| traps.iter().any(|t| s < t.end && t.start < e);
    let mut out: Vec<Quantity> = Vec::new();
    let mut consumed = from;
    let mut pos = from;
    while pos < to {
        // next digit token, or next spelled-out number, whichever comes first
        let next_digit = next_token(hay, pos, to);
        let Some((ts, te)) = next_digit else {
            scan_words(ctx, pos, to, traps, &mut out, &mut consumed);
            break;
        };
        scan_words(ctx, pos, ts, traps, &mut out, &mut consumed);
        if ts < consumed || in_trap(ts, te) {
            pos = te.max(pos + 1);
            continue;
        }
        // a digit glued to letters before it (`PA25`, `H5`) is a name, not a figure
        if hay[..ts].chars().next_back().is_some_and(crate::text::is_letter) {
            pos = te;
            continue;
        }
        let q = quantity_at(ctx, ts, te, to, traps);
        consumed = q.end;
        pos = q.end.max(te);
        // a parenthesised restatement in words belongs to this figure
        let mut q = q;
        let p = skip_ws(hay, q.end);
        if hay[p..].starts_with('(')
            && let Some((v, _, we)) = words_at(lex, hay, p + 1)
        {
            let after = unit_at(lex, hay, we).map_or(we, |(_, _, e)| e);
            let close = skip_ws(hay, after);
            if hay[close..].starts_with(')') {
                q.words_value = Some(v);
                consumed = close + 1;
                pos = consumed;
            }
        }
        // rule `unit.density_of_count`: a percent stated as the density of the subscriber count
        // right before it (`thuê bao băng rộng đạt 3,68 triệu thuê bao, đạt mật độ 4,2%`) is
        // subscribers per 100 inhabitants; after a count of people (`26,8 triệu người sử dụng
        // Internet, đạt mật độ 31,12%`) it stays a share
        if q.unit_kind == UnitKind::Percent
            && let Some(prev) = out.last().filter(|p| p.unit_kind == UnitKind::Subscribers && p.end <= q.start)
            && density_link(&hay[prev.end..q.start])
        {
            q.unit_kind = UnitKind::Per100;
        }
        // a figure never runs past its sentence (a sentence cut at its length limit can fall
        // between a number and its unit): what lies beyond is the next sentence's
        q.end = q.end.min(to);
        q.unit_start = q.unit_start.min(to);
        q.unit_end = q.unit_end.min(to);
        out.push(q);
    }
    out
}

/// Whether the words between a count and a percent make the percent the count's density
/// (`, đạt mật độ`, `, mật độ là`), in match form.
pub(super) fn density_link(between: &str) -> bool {
    // the words after the count's own (`thuê bao băng rộng cố định, đạt mật độ`)
    let t = between.rsplit(',').next().unwrap_or(between).trim();
    let t = t
        .strip_prefix("đạt")
        .or_else(|| t.strip_prefix("tương ứng"))
        .unwrap_or(t)
        .trim_start();
    let Some(rest) = t.strip_prefix("mật độ") else { return false };
    matches!(rest.trim(), "" | "là" | "đạt" | "khoảng")
}

/// Spelled-out figures between `from` and `to` (only those followed by a unit).
pub(super) fn scan_words(ctx: &DocCtx<'_>, from: usize, to: usize, traps: &[traps::Trap], out: &mut Vec<Quantity>, consumed: &mut usize) {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    if from >= to {
        return;
    }
    // (the hits one at a time, with no vector made: this runs between every two numbers of a
    // sentence, and most gaps hold no number word)
    let mut hits = lex.num_words.iter_in(hay, &ctx.hits, from, to).peekable();
    while let Some(h) = hits.next() {
        let at = from + h.start;
        if at < *consumed || traps.iter().any(|t| at < t.end && t.start <= at) {
            continue;
        }
        let Some((v, s, e)) = words_at(lex, hay, at) else { continue };
        if e > to {
            continue;
        }
        let Some((kind, us, ue)) = unit_at(lex, hay, e) else { continue };
        if matches!(kind, UnitKind::Duration | UnitKind::Other | UnitKind::Length) {
            continue;
        }
        out.push(Quantity {
            start: s,
            end: ue,
            value: v,
            value_high: None,
            of: None,
            scale: 1.0,
            unit_kind: kind,
            unit_start: us,
            unit_end: ue,
            malformed: false,
            words_value: None,
            spelled: true,
            per_person: None,
        });
        *consumed = ue;
        while hits.next_if(|h| from + h.start < ue).is_some() {}
    }
}

/// Read a number with scale words, continuation (`1 triệu 300 nghìn`), range, fraction, unit.
pub(super) fn quantity_at(ctx: &DocCtx<'_>, ts: usize, te: usize, limit: usize, traps: &[traps::Trap]) -> Quantity {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let in_trap = |s: usize, e: usize| traps.iter().any(|t| s < t.end && t.start < e);
    let reading = number::parse_digits(&hay[ts..te]).expect("digit token parses");
    let (scales, mut end, mut half) = scales_at(lex, hay, te);
    // (on the stack: a figure has one part, two or three with continuations, and this runs for
    // every number read)
    let mut parts: smallvec::SmallVec<[(f64, Vec<f64>); 2]> = smallvec::smallvec![(reading.value, scales.clone())];
    let mut malformed = reading.malformed;
    // ambiguous `20,719 triệu`: a scale word means the comma was a decimal mark
    if reading.ambiguous && !scales.is_empty() {
        parts[0].0 = reading.decimal_alt;
    }
    // continuation: `1 triệu 300 nghìn`
    if !scales.is_empty() {
        loop {
            let p = skip_ws(hay, end);
            let Some((s2, e2)) = token_at(hay, p) else { break };
            if e2 > limit || in_trap(s2, e2) {
                break;
            }
            let r2 = number::parse_digits(&hay[s2..e2]).expect("digit token");
            let (sc2, end2, half2) = scales_at(lex, hay, e2);
            let mut trial = parts.clone();
            trial.push((r2.value, sc2));
            if number::combine_scaled(&trial, false).is_none() {
                break;
            }
            parts = trial;
            end = end2;
            half = half2;
            malformed |= r2.malformed;
        }
    }
    let scale: f64 = parts[0].1.iter().product();
    let mut value = number::combine_scaled(&parts, half).unwrap_or(reading.value);
    let mut of = None;
    let mut value_high = None;
    let mut unit = unit_at(lex, hay, end);
    // `đạt tỷ lệ 100/100 dân`, `đạt trung bình 91,9 trên 100 dân`: a density written with no
    // noun, not a fraction
    if unit.is_none()
        && parts.len() == 1
        && scales.is_empty()
        && let Some(d) = lex.per100_denominators.longest_at(hay, skip_ws(hay, te))
    {
        unit = Some((UnitKind::Per100, te, d.end));
    }
    // rule `unit.per100_slash`: `Số máy điện thoại cố định trên 100 dân (đạt 8,13/100)`: after a
    // density's own denominator in its clause, `/100` with no noun is the density's, not a fraction
    if unit.is_none()
        && parts.len() == 1
        && scales.is_empty()
        && hay[te..].starts_with("/100")
        // (nothing counted after it: `95/100 xã` is a fraction of communes)
        && {
            let after = &hay[te + 4..];
            !after.starts_with(|c: char| c.is_alphanumeric() || c == '.' || c == ',')
                && (after.trim_start().is_empty() || after.trim_start().starts_with([')', ';', ',', '.']))
        }
    {
        let from = floor_char_boundary(hay, ts.saturating_sub(80));
        let back = hay[from..ts].rsplit([';', '.']).next().unwrap_or("");
        if !lex.per100_prefixes.find_all(back).is_empty() {
            unit = Some((UnitKind::Per100, te, te + 4));
            end = te + 4;
        }
    }
    // fraction `427/635 xã` or rank `xếp thứ 15/64`
    if unit.is_none_or(|u| u.0 != UnitKind::Per100)
        && parts.len() == 1
        && scales.is_empty()
        && hay[te..].starts_with('/')
        && let Some((fs, fe)) = token_at(hay, te + 1)
        && fe <= limit
        && !in_trap(fs, fe)
        && let Some(den) = number::parse_digits(&hay[fs..fe])
        && den.value >= reading.value
        && den.value > 0.0
    {
        of = Some(den.value);
        end = fe;
        unit = unit_at(lex, hay, end);
    }
    let left: String = {
        let from = floor_char_boundary(hay, ts.saturating_sub(40));
        hay[from..ts].trim_end().to_string()
    };
    // `tụt hạng 10 bậc`, `tăng 5 bậc`: steps moved, not a rank
    let is_rank =
        (left.ends_with("thứ") || left.ends_with("xếp hạng") || left.ends_with("hạng")) && !hay[skip_ws(hay, end)..].starts_with("bậc");
    // `xếp hạng 27 trên 63 tỉnh`, `xếp thứ 9 trong 63 tỉnh, thành`
    if is_rank && of.is_none() {
        let p = skip_ws(hay, end);
        for w in ["trên tổng số", "trong tổng số", "trong số", "trên", "trong"] {
            if hay[p..].starts_with(w) {
                let q = skip_ws(hay, p + w.len());
                if let Some((s2, e2)) = token_at(hay, q)
                    && let Some(den) = number::parse_digits(&hay[s2..e2])
                    && den.value >= reading.value
                    && e2 <= limit
                {
                    of = Some(den.value);
                    end = e2;
                    unit = unit_at(lex, hay, end);
                }
                break;
            }
        }
    }
    // range `5% - 7%`, `70-75%`, `từ 5 đến 7 tỷ đồng`
    if of.is_none() && !is_rank {
        let after_unit = unit.map_or(end, |(_, _, e)| e);
        let p = skip_ws(hay, after_unit);
        let sep_len = ["-", "–", "đến", "tới", "~"]
            .iter()
            .find(|s| hay[p..].starts_with(**s))
            .map(|s| s.len());
        if let Some(l) = sep_len {
            let q = skip_ws(hay, p + l);
            if let Some((s2, e2)) = token_at(hay, q)
                && e2 <= limit
                && !in_trap(s2, e2)
            {
                let r2 = number::parse_digits(&hay[s2..e2]).expect("digit token");
                let (sc2, end2, half2) = scales_at(lex, hay, e2);
                let unit2 = unit_at(lex, hay, end2);
                let same_unit = match (unit, unit2) {
                    (Some(a), Some(b)) => a.0 == b.0,
                    _ => true,
                };
                let scale2: f64 = sc2.iter().product();
                let high = number::combine_scaled(&[(r2.value, sc2.clone())], half2).unwrap_or(r2.value);
                if same_unit && high >= value * if scales.is_empty() { scale2 } else { 1.0 } {
                    if scales.is_empty() && !sc2.is_empty() {
                        value *= scale2;
                    }
                    value_high = Some(high);
                    malformed |= r2.malformed;
                    end = end2;
                    if unit.is_none() || unit2.is_some() {
                        unit = unit2;
                    }
                }
            }
        }
    }
    // density written before the number: `mật độ điện thoại/100 dân là 137 thuê bao`
    let from = floor_char_boundary(hay, ts.saturating_sub(90));
    let clause_start = crate::text::rfind_any_ascii(&hay[from..ts], b",;(.").map_or(from, |i| from + i);
    // (not the unit of another figure before it: `đạt 18,3 thuê bao/100 dân và 11.773 thuê bao
    // Internet` counts subscribers; rule `unit.prefix_of_other_figure`)
    let density_before = lex
        .per100_prefixes
        .iter_in(hay, &ctx.hits, clause_start, ts)
        .any(|h| !other_figure_in(&hay[clause_start..clause_start + h.start]));
    // rule `unit.per100_percent`: `số thuê bao băng rộng di động trên 100 dân đạt 84%` is a
    // density written with a percent sign. Not a change (a growth verb of the comparison
    // lexicon, `tăng 5%`), nor a percent after another figure of its clause (`Nếu năm 2007 bình
    // quân 0,85 máy/100 dân thì hiện nay 36% nhân khẩu`): only the 100 and years may precede it.
    let percent_density = || {
        let changed = lex
            .compare
            .iter_in(hay, &ctx.hits, clause_start, ts)
            .any(|h| *h.tag == CompareCue::GrowthVerb);
        !changed && !other_figure_in(&hay[clause_start..ts])
    };
    let unit = match unit {
        Some((UnitKind::Subscribers | UnitKind::Count, s, e)) if density_before => Some((UnitKind::Per100, s, e)),
        Some((UnitKind::Percent, s, e)) if density_before && percent_density() => Some((UnitKind::Per100, s, e)),
        None if density_before => Some((UnitKind::Per100, end, end)),
        other => other,
    };
    // rule `unit.per_person`: `mỗi người Việt sở hữu 1,33 thuê bao điện thoại` is a density of
    // 133 per 100 inhabitants (a person, not a hundred, is the denominator). A whole number per
    // person (`mỗi người dân có hơn 1 thuê bao`) is a rounded saying, not a statistic.
    let per_person = (matches!(unit, Some((UnitKind::Subscribers, _, _))) && !density_before && scales.is_empty() && value.fract() != 0.0)
        .then(|| lex.per_person.first_in(hay, &ctx.hits, clause_start, ts).map(|h| (h.start, h.end)))
        .flatten();
    let unit = match unit {
        Some((UnitKind::Subscribers, s, e)) if per_person.is_some() => {
            value *= 100.0;
            value_high = value_high.map(|h| h * 100.0);
            Some((UnitKind::Per100, s, e))
        }
        other => other,
    };
    let (unit_kind, us, ue) = match unit {
        Some((k, s, e)) if !is_rank => (k, s, e),
        Some((_, s, e)) => (UnitKind::Rank, s, e),
        None if is_rank => (UnitKind::Rank, end, end),
        None => (UnitKind::Bare, end, end),
    };
    // an ambiguous `17,045` is thousands for counts, decimals for shares and densities
    if reading.ambiguous && scales.is_empty() && matches!(unit_kind, UnitKind::Percent | UnitKind::Per100) {
        value = reading.decimal_alt;
    }
    Quantity {
        start: ts,
        end: ue.max(end),
        value,
        value_high,
        of,
        scale: if scale == 0.0 { 1.0 } else { scale },
        unit_kind,
        unit_start: us,
        unit_end: ue,
        malformed,
        words_value: None,
        spelled: false,
        per_person,
    }
}

/// Whether `text` holds a figure: a run of digits other than `100` and a year.
fn other_figure_in(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty() && *run != "100")
        .any(|run| run.len() != 4 || !run.parse::<i32>().is_ok_and(|y| (1950..=2049).contains(&y)))
}

#[cfg(test)]
mod tests {
    use super::density_link;

    #[test]
    fn density_link_reads_the_words_between_a_count_and_its_density() {
        // rule unit.density_of_count, in match form
        assert!(density_link(", đạt mật độ "));
        assert!(density_link(" băng rộng cố định, đạt mật độ "));
        assert!(density_link(", mật độ là "));
        // a growth rate or another noun between them is no density
        assert!(!density_link(", tăng "));
        assert!(!density_link(", chiếm "));
        assert!(!density_link(", đạt mật độ điện thoại cố định "));
    }
}
