//! Clause windows: where each figure's own clause starts and ends in its sentence, and which
//! earlier figure is its context.
//!
//! Input: the document context, one sentence and its quantities (in order). Output: per
//! figure, the start of its own clause (L0 begins there), the end of it (its predicate ends
//! there) and the figure whose clause it inherits from (L1). Invariants: `left_start[i] <=
//! qs[i].start` and `right_end[i] >= qs[i].end`; a context figure comes before its figure.

use super::subject::qualifier;
use super::{DocCtx, Quantity};
use crate::records::Sentence;

/// The clause windows of one sentence's figures.
pub(super) struct Clauses {
    pub left_start: Vec<usize>,
    pub right_end: Vec<usize>,
    pub context: Vec<Option<usize>>,
}

/// Rule `clause.coordination`: ` và ` ends a figure's clause unless it joins two rival words of
/// one slot and the second closes the phrase (`1,9 triệu thuê bao điện thoại cố định và di
/// động;`: fixed and mobile, both of the `family` slot): the figure is of both kinds together,
/// so both words belong to its clause. A list of other words (`sở, ngành và UBND các huyện`)
/// still ends it.
fn coordinated(ctx: &DocCtx<'_>, hay: &str, at: usize, limit: usize) -> bool {
    let next = at + " và ".len();
    if at == 0 || next >= limit {
        return false;
    }
    let slots = &ctx.res.lexicon.feature_slot;
    let slot_of = |h: &(usize, usize, usize)| slots.get(h.2).and_then(|s| s.as_deref());
    // the feature word that ends right before ` và `, and the one that starts right after it
    let before = ctx
        .features
        .hits_in(at.saturating_sub(48), at)
        .filter(|h| h.1 == at)
        .find_map(slot_of);
    let after = ctx
        .features
        .hits_in(next, limit)
        .take_while(|h| h.0 == next)
        .filter_map(|h| slot_of(h).map(|s| (s, h.1)))
        .max_by_key(|x| x.1);
    let (Some(before), Some((slot, end))) = (before, after) else {
        return false;
    };
    // a clause break after it, not the next figure (`95% thôn bản và Internet cáp quang 80%`
    // coordinates two figures, each with its own words)
    before == slot && hay[end..limit].trim_start().starts_with([',', ';', '.', ':', '!', '?', ')', '\n'])
}

/// The byte offset of the last of `separators` in `text` outside parentheses: a list inside
/// parentheses (`thuê bao Internet (ADSL, FTTH, không dây)`) qualifies one word, it separates no
/// clauses.
pub(super) fn last_separator(text: &str, separators: &[char]) -> Option<usize> {
    let b = text.as_bytes();
    // most text before a figure holds no parenthesis: then the last separator is found from the
    // end by memchr's SIMD search (ASCII separators are bytes no multi-byte character holds)
    // (up to three separators, repeated to fill memrchr3's three bytes)
    if let Some(&first) = separators.first()
        && separators.len() <= 3
        && separators.iter().all(char::is_ascii)
        && memchr::memchr2(b'(', b')', b).is_none()
    {
        let byte = |k: usize| *separators.get(k).unwrap_or(&first) as u8;
        return memchr::memrchr3(byte(0), byte(1), byte(2), b);
    }
    let mut depth = 0i32;
    let mut cut = None;
    for (k, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if depth <= 0 && separators.contains(&c) => cut = Some(k),
            _ => {}
        }
    }
    cut
}

/// Rule `slot.trailing_aside`: the span of a parenthesis after a figure, in `[from, to)` with no
/// comma or `;` before it, that opens with a word saying what the figure mostly is or also
/// counts (lexicon `[part] mostly_aside` and `inclusive_aside`): `9.457 thuê bao Internet (chủ
/// yếu là thuê bao băng rộng)` counts Internet subscribers, not broadband ones. An unclosed
/// parenthesis runs to `to`.
pub(super) fn trailing_aside(ctx: &DocCtx<'_>, from: usize, to: usize) -> Option<(usize, usize)> {
    let hay = &ctx.hay;
    let text = hay.get(from..to)?;
    let open = crate::text::find_ascii(text, b'(')?;
    if memchr::memchr2(b',', b';', &text.as_bytes()[..open]).is_some() {
        return None;
    }
    let part = &ctx.res.lexicon.part;
    let inside = text[open + 1..].trim_start();
    let opens = |w: &String| inside.starts_with(w.as_str()) && !inside[w.len()..].starts_with(|c: char| c.is_alphanumeric());
    if !part.mostly_aside.iter().chain(&part.inclusive_aside).any(opens) {
        return None;
    }
    let close = crate::text::find_ascii(&text[open..], b')').map_or(to, |k| from + open + k + 1);
    Some((from + open, close))
}

/// Rule `slot.inclusive_aside`: the span of a parenthesis in `[from, to)` that opens with an
/// inclusive word (lexicon `[part] inclusive_aside`: `(tính cả thuê bao sử dụng USB 3G)`), which
/// says what a figure also counts rather than what it is.
/// Written without parentheses, the aside runs from its word to the verb before the figure
/// (`số thuê bao điện thoại di động gồm cả trả trước và trả sau là 10,5 triệu`).
pub(super) fn inclusive_aside(ctx: &DocCtx<'_>, from: usize, to: usize) -> Option<(usize, usize)> {
    let hay = &ctx.hay;
    let words = &ctx.res.lexicon.part.inclusive_aside;
    if let Some(open) = crate::text::find_ascii(&hay[from..to], b'(').map(|k| from + k)
        && let Some(close) = crate::text::find_ascii(&hay[open..to], b')').map(|k| open + k + 1)
    {
        let inside = hay[open + 1..close].trim_start();
        if words.iter().any(|w| inside.starts_with(w.as_str())) {
            return Some((open, close));
        }
    }
    let text = &hay[from..to];
    // most clauses hold no inclusive word: a search for each word's last letter (`cả`) first,
    // which builds no substring searcher per figure (each distinct letter searched once)
    if !ctx.res.lexicon.part.inclusive_aside_ends.iter().any(|&c| has_char(text, c)) {
        return None;
    }
    // the word on its own (a space on each side), without building a pattern per figure
    let start = words
        .iter()
        .filter_map(|w| {
            text.match_indices(w.as_str())
                .find(|&(k, _)| k > 0 && text[..k].ends_with(' ') && text[k + w.len()..].starts_with(' '))
                .map(|(k, _)| k)
        })
        .min()?;
    // to the first verb or comma after it (`kể cả vùng sâu, sóng di động đã phủ 100% ...`: the
    // aside ends at the comma, what follows is the figure's own)
    let rest = &text[start..];
    let end = [" là ", " đạt ", " có ", ","]
        .iter()
        .filter_map(|v| rest.find(v))
        .min()
        .map_or(to, |k| from + start + k);
    Some((from + start, end))
}

/// Whether `text` holds `c`: a byte search for its last UTF-8 byte, then a check of the bytes
/// before it (`str::contains` builds a substring searcher for a letter outside ASCII).
fn has_char(text: &str, c: char) -> bool {
    let mut buf = [0u8; 4];
    let enc = c.encode_utf8(&mut buf).as_bytes();
    let bytes = text.as_bytes();
    let last = enc[enc.len() - 1];
    memchr::memchr_iter(last, bytes).any(|k| bytes[..=k].ends_with(enc))
}

/// Rule `clause.window`: a figure's clause runs right to the next separator (`, ; : ( ) . ! ?`),
/// a ` và ` that coordinates nothing, or 14 words, and left to the end of the previous
/// figure's clause or a `;`. Example: in `có 850 trạm BTS, 1,2 triệu thuê bao`, the first
/// clause ends at the comma and the second starts there.
pub(super) fn clauses(ctx: &DocCtx<'_>, s: Sentence, qs: &[Quantity]) -> Clauses {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let n = qs.len();
    let mut right_end = vec![0; n];
    for (i, q) in qs.iter().enumerate() {
        let limit = if i + 1 < n { qs[i + 1].start } else { s.end };
        let limit = limit.max(q.end);
        let mut end = q.end;
        let mut words = 0;
        let mut skip_to = 0;
        for (off, c) in hay[q.end..limit].char_indices() {
            let at = q.end + off;
            if at < skip_to {
                end = at + c.len_utf8();
                continue;
            }
            if c == ',' {
                // a comma inside a listed phrase (`cán bộ, công chức`) does not end the clause
                if let Some(e) = ctx.features.covering(at) {
                    skip_to = e;
                    end = at + c.len_utf8();
                    continue;
                }
            }
            if c == '(' {
                // a short qualifier in parentheses (`truy nhập Internet (3G và 4G)`, `(ADSL,
                // FTTH)`, `(quy đổi)`) belongs to the clause; one with figures is a breakdown
                let close = hay[at..limit].find(')').map(|k| at + k).filter(|&k| k - at <= 40);
                if let Some(close) = close
                    && qualifier(&hay[at + 1..close])
                {
                    skip_to = close + 1;
                    end = close + 1;
                    continue;
                }
            }
            if matches!(c, ',' | ';' | ':' | '(' | ')' | '.' | '!' | '?' | '\n') {
                break;
            }
            if c.is_whitespace() {
                words += 1;
                if hay[at..].starts_with(" và ") && !coordinated(ctx, hay, at, limit) {
                    break;
                }
                if words > 14 {
                    // a phrase cut by the word limit (`máy | vi tính`) belongs to the clause whole
                    if let Some(e) = ctx.features.covering(at) {
                        end = e.min(limit);
                    }
                    break;
                }
            }
            end = at + c.len_utf8();
        }
        right_end[i] = end;
    }
    // rule `clause.semicolon`: a figure's own clause never reaches back across a `;` outside
    // parentheses (`... có sóng điện thoại, Internet; tổng số thuê bao điện thoại ước đạt 554
    // nghìn`); what comes before it is the sentence's context (level 2), not the clause
    let left_start: Vec<usize> = (0..n)
        .map(|i| {
            let from = if i == 0 { s.start } else { right_end[i - 1].min(qs[i].start) };
            last_separator(&hay[from..qs[i].start], &[';']).map_or(from, |k| from + k + 1)
        })
        .collect();
    // the context figure of each figure: the previous one outside any parenthesis or breakdown
    // closed since (`950.000 thuê bao (trong đó ... 730.000 thuê bao), đạt mật độ 69` and
    // `812.460 thuê bao, trong đó cố định ..., di động ...; mật độ đạt 101,6` inherit from the whole)
    let depths: Vec<i32> = {
        let mut d = 0;
        let mut at = s.start;
        let mut breakdown = false;
        qs.iter()
            .map(|q| {
                let gap_start = at.min(q.start);
                let gap = &hay[gap_start..q.start];
                d += gap.bytes().map(|b| i32::from(b == b'(') - i32::from(b == b')')).sum::<i32>();
                if breakdown && gap.contains(';') {
                    d -= 1;
                    breakdown = false;
                }
                if !breakdown && lex.breakdown.any_in(hay, &ctx.hits, gap_start, q.start) {
                    d += 1;
                    breakdown = true;
                }
                at = q.start.max(at);
                d
            })
            .collect()
    };
    let context: Vec<Option<usize>> = (0..n).map(|i| (0..i).rev().find(|&j| depths[j] <= depths[i])).collect();
    Clauses {
        left_start,
        right_end,
        context,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Scope, quantity, traps};
    use crate::records::Period;

    /// `f` of the first sentence of `text` read as extract reads it: the document's context,
    /// the sentence's figures and their clauses.
    fn with_clauses<R>(text: &str, f: impl FnOnce(&DocCtx<'_>, &[Quantity], &Clauses) -> R) -> R {
        let res = crate::extract::tests::res();
        let doc = crate::clean::doc_from_text("t", text, None, Some(Period::year(2016)), &res.clean, &res.provinces, &res.outlets);
        let ctx = DocCtx::scanned(&doc, res, Some(Scope::open()), None);
        let s = doc.sentences[0];
        let traps = traps::find(&res.lexicon.traps, &doc.text[s.start..s.end], s.start, &|_| false);
        let qs = quantity::scan(&ctx, s.start, s.end, &traps);
        let c = clauses(&ctx, s, &qs);
        f(&ctx, &qs, &c)
    }

    /// Each figure of the first sentence of `text`: (its own clause, its context figure's text).
    fn windows(text: &str) -> Vec<(String, Option<String>)> {
        with_clauses(text, |ctx, qs, c| {
            let doc = ctx.doc;
            (0..qs.len())
                .map(|i| {
                    assert!(c.left_start[i] <= qs[i].start && c.right_end[i] >= qs[i].end);
                    // a clause starts where the one before it ended: at its separator
                    let own = doc.text[c.left_start[i]..c.right_end[i]]
                        .trim_start_matches([',', ' '])
                        .trim()
                        .to_string();
                    (own, c.context[i].map(|j| doc.text[qs[j].start..qs[j].end].to_string()))
                })
                .collect()
        })
    }

    #[test]
    fn clause_window_table() {
        // our own words: (sentence, the own clause of each figure)
        let cases: &[(&str, &[&str])] = &[
            // a comma ends a clause; the next starts after it
            (
                "Toàn tỉnh có 850 trạm BTS, 1,2 triệu thuê bao.",
                &["Toàn tỉnh có 850 trạm BTS", "1,2 triệu thuê bao"],
            ),
            // `và` between two kinds of one slot coordinates them
            (
                "Có 1,9 triệu thuê bao điện thoại cố định và di động; mật độ 98 thuê bao/100 dân.",
                &["Có 1,9 triệu thuê bao điện thoại cố định và di động", "mật độ 98 thuê bao/100 dân"],
            ),
            // a short qualifier in parentheses belongs to the clause
            (
                "Có 300 nghìn thuê bao Internet (ADSL, FTTH) trên địa bàn.",
                &["Có 300 nghìn thuê bao Internet (ADSL, FTTH) trên địa bàn"],
            ),
            // a `;` before the figure starts its clause
            (
                "Các xã có sóng điện thoại; tổng số thuê bao đạt 554 nghìn.",
                &["tổng số thuê bao đạt 554 nghìn"],
            ),
        ];
        for (text, want) in cases {
            let got: Vec<String> = windows(text).into_iter().map(|w| w.0).collect();
            assert_eq!(&got, want, "{text}");
        }
    }

    /// Rule `slot.inclusive_aside`: the aside before each figure of the first sentence of
    /// `text`, as its text.
    fn asides(text: &str) -> Vec<Option<String>> {
        with_clauses(text, |ctx, qs, c| {
            (0..qs.len())
                .map(|i| inclusive_aside(ctx, c.left_start[i], qs[i].start).map(|(a, b)| ctx.doc.text[a..b].to_string()))
                .collect()
        })
    }

    #[test]
    fn inclusive_asides_in_parentheses_and_on_their_own() {
        // our own words: a parenthesis opening with an inclusive word, a bare inclusive word up
        // to its verb or comma, a word inside another word, and none at all
        assert_eq!(
            asides("Dịch vụ di động (tính cả thuê bao dùng USB 3G) đạt 1.200.000 thuê bao."),
            [Some("(tính cả thuê bao dùng USB 3G)".to_string())]
        );
        assert_eq!(
            asides("Tổng số thuê bao di động gồm cả trả trước và trả sau đạt 2,3 triệu thuê bao."),
            [Some("gồm cả trả trước và trả sau".to_string())]
        );
        assert_eq!(
            asides("Trên địa bàn tỉnh, kể cả vùng sâu, sóng di động đã phủ 98% số thôn."),
            [Some("kể cả vùng sâu".to_string())]
        );
        assert_eq!(asides("Toàn tỉnh có cả 850 trạm BTS và 1,2 triệu thuê bao."), [None, None]);
        assert_eq!(asides("Toàn tỉnh có 850 trạm BTS."), [None]);
    }

    #[test]
    fn a_figure_after_a_closed_breakdown_takes_the_whole_as_its_context() {
        let got = windows("Có 950.000 thuê bao (trong đó 730.000 thuê bao di động), đạt mật độ 69 thuê bao/100 dân.");
        let ctx: Vec<Option<&str>> = got.iter().map(|w| w.1.as_deref()).collect();
        assert_eq!(ctx, [None, Some("950.000 thuê bao"), Some("950.000 thuê bao")]);
    }

    #[test]
    fn separators_inside_parentheses_separate_nothing() {
        assert_eq!(
            last_separator("thuê bao (ADSL, FTTH), di động", &[',']),
            Some("thuê bao (ADSL, FTTH)".len())
        );
        assert_eq!(last_separator("thuê bao (ADSL, FTTH)", &[',']), None);
        assert_eq!(last_separator("a; b; c", &[';']), Some(4));
        // with and without a parenthesis, one separator or two, the same answer
        assert_eq!(last_separator("a; b, c", &[',', ';']), Some(4));
        assert_eq!(last_separator("a; b, (c) d", &[',', ';']), Some(4));
        assert_eq!(last_separator("a, (b; c) d", &[',', ';']), Some(1));
        assert_eq!(last_separator("đạt, tăng", &[',']), Some("đạt".len()));
        assert_eq!(last_separator("đạt tăng", &[',', ';']), None);
        assert_eq!(last_separator("", &[',']), None);
    }

    proptest::proptest! {
        /// The search from the end finds what the walk over every character finds.
        #[test]
        fn last_separator_agrees_with_the_walk(text in "[a-zđ(), ;:]{0,40}", two in proptest::bool::ANY) {
            let seps: &[char] = if two { &[',', ';'] } else { &[','] };
            let mut depth = 0i32;
            let mut walked = None;
            for (k, c) in text.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    c if depth <= 0 && seps.contains(&c) => walked = Some(k),
                    _ => {}
                }
            }
            proptest::prop_assert_eq!(last_separator(&text, seps), walked);
        }
    }
}
