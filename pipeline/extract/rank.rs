//! Rules `rank.*`: ranks of several provinces in an ICT Index ranking.
//!
//! Input: the cleaned document and its match form. Output: `ict_readiness_rank` mentions, one
//! per province ranked in the text, each with the province named beside its rank, and the spans
//! of ranks in one component of the index. Reports on the Vietnam ICT Index name the leaders and
//! laggards in one breath (`Đà Nẵng tiếp tục dẫn đầu, Hà Nội đứng thứ 2 và thành phố Hồ Chí Minh
//! đứng thứ 3`, `ở vị trí thứ ba là Tp. HCM`); the sentence rules give such figures the
//! document's province, or none.
//!
//! Read only in a document that names the index (lexicon `rank.index_cues`), and only where the
//! province is the subject right before the rank or named right after it:
//! - `rank.named_province`: `P đứng thứ N`, `P dẫn đầu`, `P vươn lên đứng thứ 2`, `P cũng đã ba
//!   năm duy trì ở vị trí thứ hai`, `P tăng 26 bậc so với năm 2017, xếp thứ 32/63`; `vị trí thứ N
//!   là P`, `xếp hạng hai là P`, `thứ 3 là P`;
//! - `rank.spelled`: a rank or a step count in words (`xếp thứ hai mươi mốt`, `tăng bảy bậc`);
//! - `rank.transition`: `P, từ vị trí thứ 4 năm 2015 xuống thứ 18 năm 2016`: both ranks;
//! - `rank.respectively`: lists in the same order (`Hai vị trí thứ tư và thứ năm là P1 và P2`,
//!   `P1 và P2 lần lượt tụt từ vị trí thứ 2, thứ 3 của năm 2018 xuống vị trí thứ 7 và 8`);
//! - `rank.following`: the provinces listed after the leader, ranked 2, 3, … (`Tiếp theo sau
//!   là các địa phương: P2 (0,69 điểm), P3 (0,65 điểm)`, `Xếp sau Đà Nẵng … là P2 và P3`);
//! - `rank.earlier_years`: the sentence after one province's rank gives its ranks of earlier
//!   years without naming it (`so với vị trí số 58 năm 2017, vị trí số 61 năm 2016`);
//! - `rank.component`: a rank in one component of the index or in another index (lexicon
//!   `rank.component_cues`: `chỉ số hạ tầng kỹ thuật của X xếp thứ 12`, `Ở chỉ số hạ tầng nhân
//!   lực, X xếp thứ 2`, `xếp thứ 24 về hạ tầng kỹ thuật`) is no ICT Index rank.
//!
//! A rank's year is the one it states, else the index's (`ICT Index 2016`), else the document's.

use std::sync::OnceLock;

use regex::Regex;

use crate::grammar::Grammar;

use crate::config::Resources;
use crate::lexicon::Lexicon;
use crate::records::{Claim, CleanDoc, Mention, MentionKind, Period, Status, UnitKind};

mod lists;
use lists::{following, respectively};

/// `nhất`, `hai`, …, `mười`, or digits.
fn ordinal(w: &str) -> Option<f64> {
    Some(match w {
        "nhất" | "đầu" | "đầu tiên" => 1.0,
        "hai" | "nhì" => 2.0,
        "ba" => 3.0,
        "tư" | "bốn" => 4.0,
        "năm" => 5.0,
        "sáu" => 6.0,
        "bảy" => 7.0,
        "tám" => 8.0,
        "chín" => 9.0,
        "mười" => 10.0,
        d => d.parse::<u8>().ok().filter(|n| (1..=63).contains(n))?.into(),
    })
}

/// Rule `rank.spelled`: the rank whose first word is `hay[at..word_end]`, and where it ends. A
/// spelled number goes on past its first word (`hai mươi mốt` is 21, not 2); a word glued to
/// letters after it (`ba` of `bao nhiêu`) is none. Example: `xếp thứ hai mươi mốt` → 21.
pub(super) fn rank_at(lex: &Lexicon, hay: &str, at: usize, word_end: usize) -> Option<(f64, usize)> {
    if let Some((v, _, end)) = super::quantity::words_at(lex, hay, at)
        && (1.0..=63.0).contains(&v)
        && v.fract() == 0.0
        // `thứ mười năm 2016`: the year's `năm` is not the number's
        && !(hay[..end].ends_with("năm") && year_after().is_match(&hay[end..]))
    {
        return Some((v, end));
    }
    if hay[word_end..].chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    Some((ordinal(&hay[at..word_end])?, word_end))
}

fn year_after() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^\s+(?:19|20)[0-9]{2}").expect("year after"))
}

/// What a ranking says: the ranks of the provinces it names, and the spans of ranks in one
/// component of the index (`xếp thứ 24 về hạ tầng kỹ thuật`), which are no ICT Index rank.
#[derive(Default)]
pub(crate) struct Ranks {
    pub ranks: Vec<Mention>,
    pub components: Vec<(usize, usize)>,
}

/// Rule `rank.component`: whether the last of the index's own names and its components' names in
/// `s` (the clause before a rank) is a component's (`Theo ICT Index 2019, ở chỉ số “dịch vụ công
/// trực tuyến”, tỉnh xếp thứ 4`). Quotes around a component's name do not hide it.
fn names_component(lex: &Lexicon, s: &str) -> bool {
    let quoted = |c: char| matches!(c, '"' | '“' | '”' | '\'' | '‘' | '’');
    let unquoted;
    let s = if s.contains(quoted) {
        unquoted = s.replace(quoted, "");
        unquoted.as_str()
    } else {
        s
    };
    match (lex.rank_component_cues.last_in(s), lex.rank_index_cues.last_in(s)) {
        (Some(c), Some(i)) => c > i,
        (c, _) => c.is_some(),
    }
}

/// Rule `rank.document_index_year`: the year of the index a document reports, the first it names
/// (`ICT Index năm 2017`, `(Viet Nam ICT Index) năm 2016`): the year of every rank whose own
/// sentence names none, whenever the page was published. `hay` is the document, match form.
pub(super) fn index_year(g: &Grammar, hay: &str) -> Option<i32> {
    g.ranking_year.captures(hay).and_then(|c| c[1].parse::<i32>().ok())
}

/// The ranks of the provinces a ranking names.
pub(crate) fn read(doc: &CleanDoc, hay: &str, hits: &crate::text::DocHits, res: &Resources) -> Ranks {
    let mut found = Ranks::default();
    let lex = &res.lexicon;
    if !lex.rank_index_cues.any_in(hay) || res.catalog.get("ict_readiness_rank").is_none() {
        return found;
    }
    let year = index_year(&lex.grammar, hay).or(doc.meta.period.map(|p| p.year));
    // the one province the sentence before ranked, for rule `rank.earlier_years`
    let mut ranked_before: Option<(usize, crate::records::ProvinceRef)> = None;
    for (si, s) in doc.sentences.iter().enumerate() {
        let sent = &hay[s.start..s.end];
        let before = found.ranks.len();
        // rule `rank.component`: `xếp thứ 24 về hạ tầng kỹ thuật`, whoever is ranked
        // (the regular expressions run only where the words they need are: most sentences have
        // none)
        if lex.grammar.rank_about.may_match(sent) {
            for m in lex.grammar.rank_about.find_iter(sent) {
                let about = &sent[m.end()..];
                if !lex.rank_index_cues.iter().any(|c| about.trim_start().starts_with(c.as_str())) {
                    found.components.push((s.start + m.start(), s.start + m.end()));
                }
            }
        }
        // a rank whoever is ranked (`tỉnh xếp thứ 4`) in a clause about a component
        if lex.grammar.rank_phrase.may_match(sent) {
            for m in lex.grammar.rank_phrase.find_iter(sent) {
                if names_component(lex, sent[..m.start()].rsplit(';').next().unwrap_or("")) {
                    found.components.push((s.start + m.start(), s.start + m.end()));
                }
            }
        }
        let provinces = res.provinces.find_in(hay, hits, s.start, s.end);
        let mut listed = respectively(lex, hay, (s.start, s.end), &provinces, year);
        for &(i, r) in &listed.pairs {
            let p = res.provinces.reference(*provinces[i].tag);
            found
                .ranks
                .push(rank_mention(si, r.start, r.end, r.value, None, r.year, &p, "rank.respectively"));
        }
        let led = found.ranks.iter().any(|m| m.value == Some(1.0));
        let mut after_leader = following(lex, hay, (s.start, s.end), &provinces, led, year);
        // (`Đà Nẵng xếp hạng 1 ở chỉ số “hạ tầng kỹ thuật”, đơn vị xếp sau là P`: a component's)
        if !after_leader.pairs.is_empty() && names_component(lex, sent) {
            after_leader = Default::default();
        }
        for &(i, r) in after_leader.pairs.iter().filter(|(i, _)| !listed.taken.contains(i)) {
            let p = res.provinces.reference(*provinces[i].tag);
            found
                .ranks
                .push(rank_mention(si, r.start, r.end, r.value, None, r.year, &p, "rank.following"));
        }
        listed.taken.extend(after_leader.taken);
        for (i, h) in provinces.iter().enumerate() {
            if listed.taken.contains(&i) {
                continue;
            }
            let p = res.provinces.reference(*h.tag);
            // `chỉ số hạ tầng của Bình Dương xếp thứ 12`, `Ở chỉ số hạ tầng nhân lực, X xếp thứ 2`:
            // the subject is something of the province, or the clause is about a component
            let clause = sent[..h.start].rsplit([',', ';', '.']).next().unwrap_or("");
            // `quyết tâm đưa Hà Nội vươn lên dẫn đầu`: an aim, not a rank
            if clause.trim_end().ends_with("đưa") {
                continue;
            }
            let rest = &sent[h.end..];
            let trans = lex.grammar.rank_transition.captures(rest);
            let after = if trans.is_none() {
                lex.grammar.rank_after_province.captures(rest)
            } else {
                None
            };
            // asked only of a province a rank follows (most province names in a ranking are not)
            let possessed = (trans.is_some() || after.is_some()) && {
                let since_semicolon = sent[..h.start].rsplit(';').next().unwrap_or("");
                // (`Chỉ số ICT Index năm 2019 của Hải Dương xếp thứ 19` is the index's own rank)
                let names_index = lex.rank_index_cues.any_in(clause);
                names_component(lex, since_semicolon) || (!names_index && (clause.trim_end().ends_with("của") || clause.contains("chỉ số")))
            };
            // a component's rank (`Ở chỉ số hạ tầng nhân lực, X xếp thứ 2`): no rank of the
            // index, whatever rule would read it
            if possessed {
                let rank = |c: &regex::Captures<'_>| c.get(2).or(c.get(1)).map(|m| (m.start(), m.end()));
                let span = match &after {
                    Some(c) => rank(c),
                    None => lex.grammar.rank_after_province.captures(rest).as_ref().and_then(rank),
                };
                if let Some((a, b)) = span {
                    found.components.push((s.start + h.end + a, s.start + h.end + b));
                    continue;
                }
            }
            let out = &mut found.ranks;
            // rule `rank.transition`: a province's rank before and after (`từ thứ 6 năm 2015
            // xuống 22 năm 2016`); the earlier rank is of its year, else the index's year before
            if let Some(c) = trans.filter(|_| !possessed) {
                let at = |g: usize| {
                    let n = c.get(g).expect("rank");
                    rank_at(lex, hay, s.start + h.end + n.start(), s.start + h.end + n.end())
                };
                let (Some(a), Some(b)) = (at(1), at(3)) else {
                    continue;
                };
                let y_after = c.get(4).and_then(|y| y.as_str().parse::<i32>().ok()).or(year);
                let y_before = c.get(2).and_then(|y| y.as_str().parse::<i32>().ok()).or(y_after.map(|y| y - 1));
                for (g, (value, end), y) in [(1, a, y_before), (3, b, y_after)] {
                    let n = c.get(g).expect("rank");
                    out.push(rank_mention(
                        si,
                        s.start + h.end + n.start(),
                        end,
                        value,
                        None,
                        y,
                        &p,
                        "rank.transition",
                    ));
                }
                continue;
            }
            let (start, end, value, of) = if let Some(c) = after.filter(|_| !possessed) {
                let whole = c.get(0).expect("match");
                let (value, at, at_end) = match (c.get(1), c.get(2)) {
                    (Some(lead), _) => (1.0, lead.start(), lead.end()),
                    (None, Some(n)) => match rank_at(lex, hay, s.start + h.end + n.start(), s.start + h.end + n.end()) {
                        Some((v, e)) => (v, n.start(), e - s.start - h.end),
                        None => continue,
                    },
                    _ => continue,
                };
                let of = c.get(3).and_then(|o| o.as_str().parse::<f64>().ok());
                let end = if of.is_some() { whole.end() } else { at_end };
                // `xếp thứ 24 về hạ tầng kỹ thuật`, `dẫn đầu chỉ số ứng dụng`: a rank in one
                // component of the index
                // (`xếp hạng 1 ở chỉ số “hạ tầng kỹ thuật”` too)
                let rest = sent[h.end + end..].trim_start();
                let rest = rest.strip_prefix("ở ").unwrap_or(rest);
                if rest.starts_with("về ") || (rest.starts_with("chỉ số") && names_component(lex, &rest[..rest.floor_char_boundary(60)]))
                {
                    found.components.push((s.start + h.end + at, s.start + h.end + end));
                    continue;
                }
                (s.start + h.end + at, s.start + h.end + end, value, of)
            } else if let Some(c) = lex.grammar.rank_before_province.captures(&sent[..h.start]) {
                let n = c.get(1).expect("rank");
                let Some((v, end)) = rank_at(lex, hay, s.start + n.start(), s.start + n.end()) else {
                    continue;
                };
                (s.start + n.start(), end, v, None)
            } else {
                continue;
            };
            out.push(rank_mention(si, start, end, value, of, year, &p, "rank.named_province"));
        }
        // rule `rank.earlier_years`: `Đây là sự vươn lên so với vị trí số 58 năm 2017`, right
        // after one province's rank, in a sentence that names no province
        if provinces.is_empty()
            && let Some((prev_si, p)) = &ranked_before
            && prev_si + 1 == si
        {
            for c in lex.grammar.dated_rank.captures_iter(sent) {
                let n = c.get(1).expect("rank");
                let (Some(v), Ok(y)) = (ordinal(n.as_str()), c[2].parse::<i32>()) else {
                    continue;
                };
                found.ranks.push(rank_mention(
                    si,
                    s.start + n.start(),
                    s.start + n.end(),
                    v,
                    None,
                    Some(y),
                    p,
                    "rank.earlier_years",
                ));
            }
        }
        let new = &found.ranks[before..];
        let one = new.first().and_then(|m| m.claim.as_ref()?.province.clone());
        ranked_before = match one {
            Some(p)
                if new
                    .iter()
                    .all(|m| m.claim.as_ref().and_then(|c| c.province.as_ref()).is_some_and(|q| q.name == p.name)) =>
            {
                Some((si, p))
            }
            _ => None,
        };
    }
    found
}

#[allow(clippy::too_many_arguments)]
fn rank_mention(
    si: usize,
    start: usize,
    end: usize,
    value: f64,
    of: Option<f64>,
    year: Option<i32>,
    p: &crate::records::ProvinceRef,
    rule: &str,
) -> Mention {
    Mention {
        sentence: si,
        start,
        end,
        kind: MentionKind::Metric,
        reason: format!("{rule}: {} ranked {value} in the ICT Index", p.name),
        value: Some(value),
        value_high: None,
        of,
        unit: None,
        unit_kind: Some(UnitKind::Rank),
        malformed: false,
        claim: Some(Claim {
            metric: "ict_readiness_rank".into(),
            status: Status::Actual,
            basis: None,
            bound: None,
            converted: false,
            period: year.map(Period::year),
            province: Some(p.clone()),
            growth_pct: None,
            plan_share_pct: None,
            words_mismatch: None,
            period_rule: None,
        }),
    }
}

#[cfg(test)]
mod tests;
