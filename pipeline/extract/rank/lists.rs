//! Rules `rank.respectively` (a list of ranks and a list of provinces in the same order) and
//! `rank.following` (the provinces listed after the leader).
//!
//! Input: one sentence of the match form and its province hits. Output: each rank with the
//! province it pairs with, and the provinces no other rank rule may read (a list of ranks of
//! another length pairs nothing, and no rank of it is the rank of the province after it).

use super::rank_at;
use crate::lexicon::Lexicon;

/// A list of ranks starting at `at` (`thứ 2, thứ 3`, `thứ tư và thứ năm`, `thứ 7 và 8`), in
/// order, with no year yet.
fn rank_list(lex: &Lexicon, hay: &str, mut at: usize, to: usize) -> Vec<Ranked> {
    let mut out: Vec<Ranked> = Vec::new();
    while let Some(c) = lex.grammar.rank_list_item.captures(&hay[at..to]) {
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

/// Every list of ranks in `hay[from..to]`, in order, each with the year stated right after it
/// (`thứ 2, thứ 3 của năm 2018`).
fn rank_lists(lex: &Lexicon, hay: &str, from: usize, to: usize) -> Vec<Vec<Ranked>> {
    let head = &lex.grammar.rank_list_head;
    let mut lists = Vec::new();
    let mut at = from;
    while let Some(m) = head.find(&hay[at..to]) {
        let mut list = rank_list(lex, hay, at + m.start(), to);
        let Some(last) = list.last().map(|r| r.end) else {
            at += m.end();
            continue;
        };
        let year = lex
            .grammar
            .rank_list_year
            .captures(&hay[last..to])
            .and_then(|c| c[1].parse::<i32>().ok());
        list.iter_mut().for_each(|r| r.year = year);
        lists.push(list);
        at = last;
    }
    lists
}

/// A rank the rules of lists read: its value, its span in `hay`, and its year.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ranked {
    pub(super) value: f64,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) year: Option<i32>,
}

/// What rule `rank.respectively` read in one sentence: each rank with the index of its province
/// (in the sentence's province hits), and the provinces no other rule may rank.
#[derive(Default)]
pub(super) struct Respectively {
    pub(super) pairs: Vec<(usize, Ranked)>,
    pub(super) taken: Vec<usize>,
}

/// Rule `rank.respectively`: two lists in the same order, ranks and provinces, in one sentence
/// `[from, to)` of `hay` (`provinces`: its province hits, relative to `from`):
/// - `Hai vị trí thứ tư và thứ năm là Quảng Ninh và Thừa Thiên Huế`: ranks, then `là`, then as
///   many provinces;
/// - `P1 và P2 lần lượt tụt từ vị trí thứ 2, thứ 3 của năm 2018 xuống vị trí thứ 7 và 8`: the
///   provinces before `lần lượt`, then one list of ranks per province count (two with `từ …
///   xuống|lên`: the earlier of its stated year, else the year before).
pub(super) fn respectively(
    lex: &Lexicon,
    hay: &str,
    (from, to): (usize, usize),
    provinces: &[crate::text::Hit<'_, usize>],
    year: Option<i32>,
) -> Respectively {
    let is = &lex.grammar.rank_list_is;
    let mut out = Respectively::default();
    if provinces.is_empty() {
        return out;
    }
    let sent = &hay[from..to];
    for list in rank_lists(lex, hay, from, to) {
        let last = list[list.len() - 1].end;
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
    let lists = rank_lists(lex, hay, from + lan, end);
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

/// Rule `rank.following`: the provinces listed after the leader, ranked 2, 3, … in order (`Tiếp
/// theo sau là các địa phương: Cần Thơ (0,69 điểm), Quảng Ninh (0,65 điểm)`, `Xếp sau Đà Nẵng
/// ở nhóm các thành phố là TP HCM và Hà Nội`). Read only after a leader (`led`: the document
/// ranked one first, or the sentence says `dẫn đầu` before the list), and only while the
/// provinces follow one another as a list (names, a score in parentheses, `,` or `và`).
pub(super) fn following(
    lex: &Lexicon,
    hay: &str,
    (from, to): (usize, usize),
    provinces: &[crate::text::Hit<'_, usize>],
    led: bool,
    year: Option<i32>,
) -> Respectively {
    let (after, sep) = (&lex.grammar.rank_following, &lex.grammar.rank_list_separator);
    let mut out = Respectively::default();
    let sent = &hay[from..to];
    if provinces.is_empty() || !after.may_match(sent) {
        return out;
    }
    let Some(m) = after.find(sent) else { return out };
    if !(led || sent[..m.start()].contains("dẫn đầu") || sent[..m.start()].contains("đứng đầu")) {
        return out;
    }
    let mut prev_end = m.end();
    for (i, h) in provinces.iter().enumerate().filter(|(_, h)| h.start >= m.end()) {
        let gap = &sent[prev_end..h.start];
        let first = out.pairs.is_empty();
        let joined = if first {
            matches!(gap.trim(), "" | "tỉnh" | "thành phố" | "tp" | "tp.")
        } else {
            sep.is_match(gap)
        };
        if !joined {
            break;
        }
        let rank = Ranked {
            value: (out.pairs.len() + 2) as f64,
            start: from + h.start,
            end: from + h.end,
            year,
        };
        out.pairs.push((i, rank));
        out.taken.push(i);
        prev_end = h.end;
    }
    out
}
