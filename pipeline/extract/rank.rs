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
//! - `rank.earlier_years`: the sentence after one province's rank gives its ranks of earlier
//!   years without naming it (`so với vị trí số 58 năm 2017, vị trí số 61 năm 2016`);
//! - `rank.component`: a rank in one component of the index or in another index (lexicon
//!   `rank.component_cues`: `chỉ số hạ tầng kỹ thuật của X xếp thứ 12`, `Ở chỉ số hạ tầng nhân
//!   lực, X xếp thứ 2`, `xếp thứ 24 về hạ tầng kỹ thuật`) is no ICT Index rank.
//!
//! A rank's year is the one it states, else the index's (`ICT Index 2016`), else the document's.

use std::sync::OnceLock;

use regex::Regex;

use crate::config::Resources;
use crate::lexicon::Lexicon;
use crate::records::{Claim, CleanDoc, Mention, MentionKind, Period, Status, UnitKind};

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
fn rank_at(lex: &Lexicon, hay: &str, at: usize, word_end: usize) -> Option<(f64, usize)> {
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

const N: &str = r"([0-9]{1,2}|nhất|nhì|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười|đầu tiên)";
/// A count of steps or years, in digits or words.
const STEPS: &str = r"(?:[0-9]{1,2}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)";

/// What may stand between a province and its rank verb: streaks (`năm thứ 4 liên tiếp`, `ba năm`),
/// moves (`tăng 26 bậc so với năm 2017,`, `tăng bảy bậc lên`), and adverbs (`tiếp tục`, `cũng
/// đã`, `duy trì`, `vươn lên`).
fn preamble() -> String {
    format!(
        r"(?:(?:(?:năm|lần)\s+thứ\s+\S+\s+liên tiếp|(?:tiến|tăng|vươn lên|tụt|giảm|lùi)(?:\s+thêm)?\s+{STEPS}\s+(?:bậc|hạng)(?:\s+so với(?:\s+năm)?\s+(?:19|20)[0-9]{{2}})?\s*,?(?:\s*(?:lên|xuống))?|{STEPS}\s+năm(?:\s+liên tiếp)?|tiếp tục|vẫn|đã|cũng|giữ vững|duy trì|vươn lên|tụt xuống)\s+){{0,6}}"
    )
}

fn after_province() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"^\s*(?:\([^)]{{0,20}}\)\s*)?{}(?:(dẫn đầu|đứng đầu)|(?:đứng|xếp|xếp hạng|giữ vị trí|xếp vị trí|xếp ở vị trí|đứng ở vị trí|đứng vị trí|ở vị trí|vị trí)\s+(?:thứ\s+|số\s+)?{N}(?:\s*/\s*([0-9]{{2}}))?)",
            preamble()
        ))
        .expect("rank after province")
    })
}

/// `Bắc Ninh, từ vị trí thứ 4 năm 2015 xuống thứ 18 năm 2016`: the rank before and after.
fn transition() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"^\s*,?\s*(?:(?:đã\s+)?(?:tụt|tăng|giảm|lùi|vươn)(?:\s+hạng)?(?:\s+mạnh)?\s+)?từ\s+(?:vị trí\s+|hạng\s+)?(?:thứ\s+)?{N}(?:\s+(?:của\s+)?(?:năm\s+)?((?:19|20)[0-9]{{2}}))?\s+(?:xuống|lên)\s+(?:vị trí\s+|hạng\s+)?(?:thứ\s+)?{N}(?:\s+(?:năm\s+)?((?:19|20)[0-9]{{2}}))?"
        ))
        .expect("rank transition")
    })
}

/// `vị trí thứ ba là`, `xếp hạng hai là`, `thứ 3 là`, `vị trí thứ hai của`, right before a province.
fn before_province() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"(?:vị trí\s+(?:thứ\s+|số\s+)?|(?:xếp\s+)?hạng\s+(?:thứ\s+)?|thứ\s+){N}\s+(?:là|thuộc về|của)\s+(?:tỉnh\s+|thành phố\s+)?$"
        ))
        .expect("rank before province")
    })
}

/// One item of a list of ranks: `vị trí thứ 2`, `, thứ 3`, ` và 8`.
fn list_item() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(&format!(r"^\s*(?:,|và)?\s*(?:(?:vị trí|hạng)\s+)?(?:thứ\s+|số\s+)?{N}")).expect("rank list item"))
}

/// `xếp thứ 24 về hạ tầng kỹ thuật`, `xếp hạng 6 về chỉ số công nghiệp`: a rank about something.
fn rank_about() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?:xếp|đứng)\s+(?:hạng\s+|thứ\s+|vị trí\s+)?(?:thứ\s+)?[0-9]{1,2}(?:\s*/\s*[0-9]{2})?\s+về\s").expect("rank about")
    })
}

/// `xếp thứ 4`, `đứng vị trí số 12`, `xếp hạng 6`: a rank in digits after its verb.
fn rank_phrase() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?:xếp|đứng)\s+(?:hạng\s+|thứ\s+|(?:ở\s+)?vị trí\s+(?:thứ\s+|số\s+)?)?[0-9]{1,2}(?:\s*/\s*[0-9]{2})?")
            .expect("rank phrase")
    })
}

/// `(của) năm 2018` right after a list of ranks.
fn list_year() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^\s*(?:của\s+)?(?:năm\s+)?((?:19|20)[0-9]{2})").expect("list year"))
}

/// `vị trí số 58 năm 2017`: a rank of a stated year.
fn dated_rank() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?:vị trí|hạng|thứ)\s+(?:số\s+|thứ\s+)?([0-9]{1,2})\s+(?:của\s+)?năm\s+((?:19|20)[0-9]{2})").expect("dated rank")
    })
}

/// A list of ranks starting at `at` (`thứ 2, thứ 3`, `thứ tư và thứ năm`, `thứ 7 và 8`), in
/// order, with no year yet.
fn rank_list(lex: &Lexicon, hay: &str, mut at: usize, to: usize) -> Vec<Ranked> {
    let mut out: Vec<Ranked> = Vec::new();
    while let Some(c) = list_item().captures(&hay[at..to]) {
        let n = c.get(1).expect("rank");
        let Some((value, end)) = rank_at(lex, hay, at + n.start(), at + n.end()) else {
            break;
        };
        // a separator is needed between items
        if !out.is_empty() && !c.get(0).expect("item").as_str().trim_start().starts_with([',', 'v']) {
            break;
        }
        out.push(Ranked {
            value,
            start: at + n.start(),
            end,
            year: None,
        });
        at = end;
    }
    out
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
    let last = |cues: &[String]| cues.iter().filter_map(|c| s.rfind(c.as_str())).max();
    match (last(&lex.rank_component_cues), last(&lex.rank_index_cues)) {
        (Some(c), Some(i)) => c > i,
        (c, _) => c.is_some(),
    }
}

/// The ranks of the provinces a ranking names.
pub(crate) fn read(doc: &CleanDoc, hay: &str, hits: &crate::text::DocHits, res: &Resources) -> Ranks {
    let mut found = Ranks::default();
    let lex = &res.lexicon;
    if !lex.rank_index_cues.iter().any(|c| hay.contains(c.as_str())) || res.catalog.get("ict_readiness_rank").is_none() {
        return found;
    }
    static YEAR: OnceLock<Regex> = OnceLock::new();
    let year_re = YEAR.get_or_init(|| Regex::new(r"ict index\s+(?:năm\s+)?((?:19|20)[0-9]{2})").expect("index year"));
    let year = year_re
        .captures(hay)
        .and_then(|c| c[1].parse::<i32>().ok())
        .or(doc.meta.period.map(|p| p.year));
    // the one province the sentence before ranked, for rule `rank.earlier_years`
    let mut ranked_before: Option<(usize, crate::records::ProvinceRef)> = None;
    for (si, s) in doc.sentences.iter().enumerate() {
        let sent = &hay[s.start..s.end];
        let before = found.ranks.len();
        // rule `rank.component`: `xếp thứ 24 về hạ tầng kỹ thuật`, whoever is ranked
        for m in rank_about().find_iter(sent) {
            let about = &sent[m.end()..];
            if !lex.rank_index_cues.iter().any(|c| about.trim_start().starts_with(c.as_str())) {
                found.components.push((s.start + m.start(), s.start + m.end()));
            }
        }
        // a rank whoever is ranked (`tỉnh xếp thứ 4`) in a clause about a component
        for m in rank_phrase().find_iter(sent) {
            if names_component(lex, sent[..m.start()].rsplit(';').next().unwrap_or("")) {
                found.components.push((s.start + m.start(), s.start + m.end()));
            }
        }
        let provinces = res.provinces.find_in(hay, hits, s.start, s.end);
        let listed = respectively(lex, hay, (s.start, s.end), &provinces, year);
        for &(i, r) in &listed.pairs {
            let p = res.provinces.reference(*provinces[i].tag);
            found
                .ranks
                .push(rank_mention(si, r.start, r.end, r.value, None, r.year, &p, "rank.respectively"));
        }
        for (i, h) in provinces.iter().enumerate() {
            if listed.taken.contains(&i) {
                continue;
            }
            let p = res.provinces.reference(*h.tag);
            // `chỉ số hạ tầng của Bình Dương xếp thứ 12`, `Ở chỉ số hạ tầng nhân lực, X xếp thứ 2`:
            // the subject is something of the province, or the clause is about a component
            let clause = sent[..h.start].rsplit([',', ';', '.']).next().unwrap_or("");
            let since_semicolon = sent[..h.start].rsplit(';').next().unwrap_or("");
            // (`Chỉ số ICT Index năm 2019 của Hải Dương xếp thứ 19` is the index's own rank)
            let names_index = lex.rank_index_cues.iter().any(|c| clause.contains(c.as_str()));
            let possessed = names_component(lex, since_semicolon)
                || (!names_index && (clause.trim_end().ends_with("của") || clause.contains("chỉ số")));
            // `quyết tâm đưa Hà Nội vươn lên dẫn đầu`: an aim, not a rank
            if clause.trim_end().ends_with("đưa") {
                continue;
            }
            // a component's rank (`Ở chỉ số hạ tầng nhân lực, X xếp thứ 2`): no rank of the
            // index, whatever rule would read it
            if possessed && let Some(n) = after_province().captures(&sent[h.end..]).and_then(|c| c.get(2).or(c.get(1))) {
                found.components.push((s.start + h.end + n.start(), s.start + h.end + n.end()));
                continue;
            }
            let out = &mut found.ranks;
            // rule `rank.transition`: a province's rank before and after (`từ thứ 6 năm 2015
            // xuống 22 năm 2016`); the earlier rank is of its year, else the index's year before
            if let Some(c) = transition().captures(&sent[h.end..]).filter(|_| !possessed) {
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
            let (start, end, value, of) = if let Some(c) = after_province().captures(&sent[h.end..]).filter(|_| !possessed) {
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
                let rest = sent[h.end + end..].trim_start();
                if rest.starts_with("về ") || (rest.starts_with("chỉ số") && names_component(lex, &rest[..rest.floor_char_boundary(60)]))
                {
                    found.components.push((s.start + h.end + at, s.start + h.end + end));
                    continue;
                }
                (s.start + h.end + at, s.start + h.end + end, value, of)
            } else if let Some(c) = before_province().captures(&sent[..h.start]) {
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
            for c in dated_rank().captures_iter(sent) {
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

/// A rank the rules of lists read: its value, its span in `hay`, and its year.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    value: f64,
    start: usize,
    end: usize,
    year: Option<i32>,
}

/// What rule `rank.respectively` read in one sentence: each rank with the index of its province
/// (in the sentence's province hits), and the provinces no other rule may rank.
#[derive(Default)]
struct Respectively {
    pairs: Vec<(usize, Ranked)>,
    taken: Vec<usize>,
}

/// Rule `rank.respectively`: two lists in the same order, ranks and provinces, in one sentence
/// `[from, to)` of `hay` (`provinces`: its province hits, relative to `from`):
/// - `Hai vị trí thứ tư và thứ năm là Quảng Ninh và Thừa Thiên Huế`: ranks, then `là`, then as
///   many provinces;
/// - `P1 và P2 lần lượt tụt từ vị trí thứ 2, thứ 3 của năm 2018 xuống vị trí thứ 7 và 8`: the
///   provinces before `lần lượt`, then one list of ranks per province count (two with `từ …
///   xuống|lên`: the earlier of its stated year, else the year before).
fn respectively(
    lex: &Lexicon,
    hay: &str,
    (from, to): (usize, usize),
    provinces: &[crate::text::Hit<'_, usize>],
    year: Option<i32>,
) -> Respectively {
    static HEAD: OnceLock<Regex> = OnceLock::new();
    let head = HEAD.get_or_init(|| Regex::new(r"(?:vị trí|hạng|thứ)\s").expect("rank list head"));
    static IS: OnceLock<Regex> = OnceLock::new();
    let is = IS.get_or_init(|| Regex::new(r"^\s+(?:lần lượt\s+)?(?:là|thuộc về)\s").expect("rank list is"));
    let mut out = Respectively::default();
    let sent = &hay[from..to];
    let mut at = from;
    while let Some(m) = head.find(&hay[at..to]) {
        let list = rank_list(lex, hay, at + m.start(), to);
        let Some(last) = list.last().map(|r| r.end) else {
            at += m.end();
            continue;
        };
        at = last;
        if list.len() < 2 || !is.is_match(&hay[last..to]) {
            continue;
        }
        let after: Vec<usize> = (0..provinces.len())
            .filter(|&i| from + provinces[i].start >= last)
            .take(list.len())
            .collect();
        if after.len() == list.len() {
            out.pairs.extend(after.iter().zip(&list).map(|(&i, &r)| (i, Ranked { year, ..r })));
        }
        // lists of different lengths pair nothing, and no other rule reads a rank of the list
        // as the rank of the province after it
        out.taken.extend(after);
    }
    let Some(lan) = sent.find("lần lượt") else { return out };
    let subjects: Vec<usize> = (0..provinces.len())
        .filter(|&i| provinces[i].end <= lan && !sent[provinces[i].end..lan].contains(';'))
        .collect();
    let k = subjects.len();
    if k < 2 {
        return out;
    }
    let end = sent[lan..].find(';').map_or(to, |e| from + lan + e);
    // the lists after `lần lượt`, each with the year it states
    let mut lists: Vec<Vec<Ranked>> = Vec::new();
    let mut at = from + lan;
    while let Some(m) = head.find(&hay[at..end]) {
        let mut list = rank_list(lex, hay, at + m.start(), end);
        let Some(last) = list.last().map(|r| r.end) else {
            at += m.end();
            continue;
        };
        let y = list_year().captures(&hay[last..end]).and_then(|c| c[1].parse::<i32>().ok());
        list.iter_mut().for_each(|r| r.year = y);
        lists.push(list);
        at = last;
    }
    let ranks: Vec<Ranked> = match lists.as_slice() {
        [one] if one.len() == k => one
            .iter()
            .map(|&r| Ranked {
                year: r.year.or(year),
                ..r
            })
            .collect(),
        [a, b]
            if a.len() == k && b.len() == k && {
                let between = &hay[a[k - 1].end..b[0].start];
                between.contains("xuống") || between.contains("lên")
            } =>
        {
            let y_after = b[0].year.or(year);
            let y_before = a[0].year.or(y_after.map(|y| y - 1));
            a.iter()
                .map(|&r| Ranked { year: y_before, ..r })
                .chain(b.iter().map(|&r| Ranked { year: y_after, ..r }))
                .collect()
        }
        _ => return out,
    };
    for (j, r) in ranks.into_iter().enumerate() {
        out.pairs.push((subjects[j % k], r));
    }
    out.taken.extend(subjects);
    out
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
        unit_raw: None,
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
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranks(text: &str) -> Vec<(String, f64)> {
        let res = Resources::load(None, None).unwrap();
        let doc = crate::clean::doc_from_text("t", text, None, Some(Period::year(2016)), &res.clean, &res.provinces, &res.outlets);
        let hay = crate::text::match_form(&doc.text);
        read(&doc, &hay, &crate::text::DocHits::default(), &res)
            .ranks
            .into_iter()
            .map(|m| (m.claim.unwrap().province.unwrap().name, m.value.unwrap()))
            .collect()
    }

    #[test]
    fn each_province_takes_the_rank_stated_beside_it() {
        // our own words, in the shape of ICT Index news
        let got = ranks(
            "Theo Vietnam ICT Index 2016, Bình Dương giữ vị trí thứ 9, tăng 2 bậc. Trong bảng xếp hạng, Đà Nẵng tiếp tục dẫn đầu, \
             Hà Nội đứng thứ 2, ở vị trí thứ ba là TP. HCM. Chỉ số hạ tầng kỹ thuật của Bình Dương xếp thứ 12. \
             Xét theo chỉ số thành phần, Bình Dương xếp thứ 15 về ứng dụng CNTT.",
        );
        assert_eq!(
            got,
            vec![
                ("Bình Dương".to_string(), 9.0),
                ("Đà Nẵng".to_string(), 1.0),
                ("Hà Nội".to_string(), 2.0),
                ("TP Hồ Chí Minh".to_string(), 3.0),
            ]
        );
    }

    #[test]
    fn a_province_moving_gets_both_ranks_and_steps_or_streaks_are_no_rank() {
        // our own words (invented ranks)
        let got = ranks(
            "Theo ICT Index 2016, Đà Nẵng năm thứ 4 liên tiếp dẫn đầu. TP.HCM tiếp tục xếp ở vị trí thứ 2, trong khi \
             Nghệ An tiến thêm 12 bậc, xếp thứ 9. Một số tỉnh tụt hạng như Bắc Giang, từ vị trí thứ 5 năm 2015 xuống thứ 17 năm 2016.",
        );
        assert_eq!(
            got,
            vec![
                ("Đà Nẵng".to_string(), 1.0),
                ("TP Hồ Chí Minh".to_string(), 2.0),
                ("Nghệ An".to_string(), 9.0),
                ("Bắc Giang".to_string(), 5.0),
                ("Bắc Giang".to_string(), 17.0),
            ]
        );
    }

    fn ranks_by_year(text: &str) -> Vec<(String, f64, i32)> {
        let res = Resources::load(None, None).unwrap();
        let doc = crate::clean::doc_from_text("t", text, None, Some(Period::year(2016)), &res.clean, &res.provinces, &res.outlets);
        let hay = crate::text::match_form(&doc.text);
        read(&doc, &hay, &crate::text::DocHits::default(), &res)
            .ranks
            .into_iter()
            .map(|m| {
                let c = m.claim.unwrap();
                (c.province.unwrap().name, m.value.unwrap(), c.period.unwrap().year)
            })
            .collect()
    }

    fn owned(v: &[(&str, f64)]) -> Vec<(String, f64)> {
        v.iter().map(|&(p, r)| (p.to_string(), r)).collect()
    }

    #[test]
    fn spelled_ranks_and_steps_and_a_wider_subject_phrase() {
        // our own words (invented ranks): rule `rank.spelled` and the preamble of `rank.named_province`
        let got = ranks(
            "Theo ICT Index 2016, Hà Nam xếp thứ hai mươi mốt; Bắc Ninh tăng bảy bậc lên vị trí thứ tư. \
             Cần Thơ cũng đã hai năm duy trì ở vị trí thứ ba, Hải Phòng vươn lên đứng thứ 6. \
             Tỉnh Lạng Sơn tăng 20 bậc so với năm 2015, xếp thứ 30/63.",
        );
        let want = [
            ("Hà Nam", 21.0),
            ("Bắc Ninh", 4.0),
            ("Cần Thơ", 3.0),
            ("Hải Phòng", 6.0),
            ("Lạng Sơn", 30.0),
        ];
        assert_eq!(got, owned(&want));
    }

    #[test]
    fn a_rank_named_before_its_province() {
        // our own words: `xếp hạng hai là P`, `thứ 3 là P`
        let got = ranks("Theo ICT Index 2016, Đà Nẵng bỏ xa hai thành phố xếp hạng hai là Hà Nội và thứ 3 là TP Hồ Chí Minh.");
        assert_eq!(got, owned(&[("Đà Nẵng", 1.0), ("Hà Nội", 2.0), ("TP Hồ Chí Minh", 3.0)][1..]));
    }

    #[test]
    fn lists_in_the_same_order_pair_up() {
        // our own words (invented ranks): rule `rank.respectively`
        let got = ranks_by_year(
            "Theo ICT Index 2016, hai vị trí thứ năm và thứ sáu là Quảng Ninh và Thừa Thiên Huế. \
             Hai tỉnh Bình Dương và Đồng Nai lần lượt tụt hạng từ vị trí thứ 7, thứ 8 của năm 2014 xuống vị trí thứ 11 và 12.",
        );
        let want = [
            ("Quảng Ninh", 5.0, 2016),
            ("Thừa Thiên Huế", 6.0, 2016),
            ("Bình Dương", 7.0, 2014),
            ("Đồng Nai", 8.0, 2014),
            ("Bình Dương", 11.0, 2016),
            ("Đồng Nai", 12.0, 2016),
        ];
        assert_eq!(got, want.iter().map(|&(p, r, y)| (p.to_string(), r, y)).collect::<Vec<_>>());
        // lists of different lengths pair nothing
        assert!(ranks("Theo ICT Index 2016, các vị trí thứ 5, thứ 6 và thứ 7 là Quảng Ninh và Huế.").is_empty());
    }

    #[test]
    fn earlier_years_follow_the_one_province_ranked_just_before() {
        // our own words (invented ranks): rule `rank.earlier_years`
        let got = ranks_by_year(
            "Theo ICT Index 2016, tỉnh Lạng Sơn xếp thứ 30/63. Đây là bước tiến so với vị trí số 50 năm 2015, vị trí số 55 năm 2014.",
        );
        assert_eq!(
            got,
            vec![
                ("Lạng Sơn".to_string(), 30.0, 2016),
                ("Lạng Sơn".to_string(), 50.0, 2015),
                ("Lạng Sơn".to_string(), 55.0, 2014)
            ]
        );
        // a sentence in between breaks the chain
        let got = ranks_by_year("Theo ICT Index 2016, tỉnh Lạng Sơn xếp thứ 30/63. Tỉnh có 500 trạm BTS. So với vị trí số 50 năm 2015.");
        assert_eq!(got, vec![("Lạng Sơn".to_string(), 30.0, 2016)]);
    }

    #[test]
    fn a_component_another_index_or_an_aim_is_no_rank() {
        // our own words: rule `rank.component`, and an aim (`đưa P vươn lên dẫn đầu`)
        let res = Resources::load(None, None).unwrap();
        let text = "Theo ICT Index 2016, ở chỉ số “hạ tầng nhân lực”, Thừa Thiên Huế xếp thứ 2. Lãnh đạo thành phố quyết tâm đưa Hà Nội vươn lên dẫn đầu. \
                    Đà Nẵng dẫn đầu chỉ số ứng dụng công nghệ thông tin; xếp hạng 6 về chỉ số công nghiệp công nghệ thông tin.";
        let doc = crate::clean::doc_from_text("t", text, None, Some(Period::year(2016)), &res.clean, &res.provinces, &res.outlets);
        let hay = crate::text::match_form(&doc.text);
        let found = read(&doc, &hay, &crate::text::DocHits::default(), &res);
        assert!(
            found.ranks.is_empty(),
            "{:?}",
            found.ranks.iter().map(|m| &m.reason).collect::<Vec<_>>()
        );
        let spans: Vec<&str> = found.components.iter().map(|&(s, e)| &hay[s..e]).collect();
        assert_eq!(spans, ["xếp thứ 2", "2", "xếp hạng 6 về ", "dẫn đầu"]);
    }

    #[test]
    fn the_index_itself_as_possessor_is_the_index() {
        // our own words: `Chỉ số ICT Index năm N của P xếp thứ K` is the province's rank
        assert_eq!(
            ranks("Chỉ số ICT Index năm 2016 của Hải Dương xếp thứ 19/63 tỉnh, thành phố."),
            owned(&[("Hải Dương", 19.0)])
        );
        // the index's full name right after a lead is no component, and a long one is cut at a
        // char boundary (a cut inside `ô` had panicked)
        assert_eq!(
            ranks("Theo ICT Index 2016, Đà Nẵng dẫn đầu chỉ số sẵn sàng cho phát triển và ứng dụng công nghệ thông tin và truyền thông."),
            owned(&[("Đà Nẵng", 1.0)])
        );
    }

    #[test]
    fn no_ranking_without_the_index() {
        assert!(ranks("Năm 2016, Đà Nẵng dẫn đầu cả nước về du lịch, Hà Nội đứng thứ 2.").is_empty());
    }
}
