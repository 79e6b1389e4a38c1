//! Sentences: the byte spans of a paragraph's sentences (stops, abbreviations, glued stops,
//! over-long sentences cut at a comma).
//!
//! Input: one paragraph of cleaned text and the abbreviations that do not end a sentence.
//! Output: sentence spans (byte offsets into the paragraph), in order, never overlapping.

use std::collections::HashSet;

/// Rule `sentence.glued_stop`: scraped pages lose the space after a full stop (`bằng 118% năm
/// 2013.Hiện tại, tổng số ...`, `đạt 1 triệu thuê bao.MobiFone cũng ...`): a stop between a
/// lower-case letter, a digit or a closing bracket or quote and a capitalised word (a capital, then a lower-case letter) ends
/// the sentence. `TP.Hồ Chí Minh` (a capital before the stop), `2.003.300` and `mic.gov.vn` (no
/// capital after) do not; abbreviations are checked by the caller as for any stop. A glued
/// ellipsis (`nộp ngân sách 2.700 tỷ đồng…Trong khi đó`) ends a sentence the same way.
pub(super) fn glued_stop(stop: char, before: Option<char>, next: Option<char>, second: Option<char>) -> bool {
    matches!(stop, '.' | '…')
        && before.is_some_and(|b| b.is_lowercase() || b.is_ascii_digit() || matches!(b, ')' | '"' | '”'))
        && next.is_some_and(char::is_uppercase)
        && second.is_some_and(char::is_lowercase)
}

/// The stops of a text that may end a sentence (`.`, `!`, `?`, `…`), with their byte offsets, in
/// order: `memchr` jumps to the next ASCII stop, a substring search kept one ahead finds the
/// ellipsis (E2 80 A6, which holds none of the others' bytes).
fn stops(bytes: &[u8]) -> impl Iterator<Item = (usize, char)> + '_ {
    static ELLIPSIS: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
    let ellipsis = ELLIPSIS.get_or_init(|| memchr::memmem::Finder::new("…"));
    let mut next_ellipsis = ellipsis.find(bytes);
    let mut at = 0;
    std::iter::from_fn(move || {
        if next_ellipsis.is_some_and(|e| e < at) {
            next_ellipsis = ellipsis.find(&bytes[at..]).map(|e| at + e);
        }
        let stop = memchr::memchr3(b'.', b'!', b'?', &bytes[at..]).map(|k| at + k);
        let (i, c) = match (stop, next_ellipsis) {
            (Some(k), Some(e)) if e < k => (e, '…'),
            (Some(k), _) => (k, char::from(bytes[k])),
            (None, Some(e)) => (e, '…'),
            (None, None) => return None,
        };
        at = i + c.len_utf8();
        Some((i, c))
    })
}

/// The last word of `text`: back to white space or an opening bracket (the word before a stop).
fn last_word(text: &str) -> &str {
    text.rfind(|ch: char| ch.is_whitespace() || ch == '(')
        .map_or(text, |k| &text[k + text[k..].chars().next().map_or(1, char::len_utf8)..])
}

/// Whether `word` is one of the abbreviations (lower case) in any case: what
/// `abbreviations.contains(&word.to_lowercase())` answers. A word each of whose chars is its
/// own lower case (`tỉnh`, `đồng`: most words before a stop) is looked up as it is, with no
/// lower-cased copy made (the copies and their lookups were 16.7 M of the splitter's 57 M
/// instructions on 1 000 bench documents).
fn is_abbreviation(word: &str, abbreviations: &HashSet<String>) -> bool {
    if word.chars().all(own_lower_case) {
        abbreviations.contains(word)
    } else {
        abbreviations.contains(&word.to_lowercase())
    }
}

/// Whether `c` is its own lower case (`c.to_lowercase()` is `c` alone), the letters of
/// Vietnamese words told without the Unicode case tables (a search of them per char cost more
/// than the copy it saved).
fn own_lower_case(c: char) -> bool {
    let u = u32::from(c);
    if u < 0x80 {
        return !c.is_ascii_uppercase();
    }
    // the precomposed vowels alternate capital, small (Ạ ạ ... Ỹ ỹ); Latin-1 from ß on is small
    // letters and ÷; then the small ă đ ĩ ũ ơ ư
    if (0x1EA0..=0x1EF9).contains(&u) {
        return u % 2 == 1;
    }
    if (0xDF..=0xFF).contains(&u) || matches!(u, 0x103 | 0x111 | 0x129 | 0x169 | 0x1A1 | 0x1B0) {
        return true;
    }
    let mut l = c.to_lowercase();
    l.next() == Some(c) && l.next().is_none()
}

/// Sentence spans (byte offsets) of one paragraph.
pub fn split_sentences(p: &str, abbreviations: &HashSet<String>) -> smallvec::SmallVec<[(usize, usize); 8]> {
    // (a paragraph holds a few sentences: their spans on the stack, not a vector per paragraph)
    let mut out = smallvec::SmallVec::new();
    let mut start = 0;
    // one pass over the bytes to the stops (`…` is E2 80 A6), looking around each in the text
    // itself: no per-paragraph vector of chars, no decoding of the letters between stops
    let bytes = p.as_bytes();
    for (i, c) in stops(bytes) {
        let end = i + c.len_utf8();
        let prev = p[..i].chars().next_back();
        let rest = &p[end..];
        // the next non-space char must start a new sentence, after at least one space
        let mut ahead = rest.chars();
        let Some(next) = ahead.next() else { continue };
        if !next.is_whitespace() && !glued_stop(c, prev, Some(next), ahead.next()) {
            continue;
        }
        let Some(after) = rest.chars().find(|ch| !ch.is_whitespace()) else {
            continue;
        };
        if !(after.is_uppercase() || after.is_ascii_digit() || matches!(after, '"' | '“' | '(' | '-' | '–' | '‘')) {
            continue;
        }
        if c == '.' {
            let word = last_word(&p[start..i]);
            let known = is_abbreviation(word, abbreviations);
            let single_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            if known || single_initial {
                continue;
            }
        }
        if p[start..end].trim().is_empty() {
            continue;
        }
        out.push((start, end));
        start = end + rest.chars().take_while(|ch| ch.is_whitespace()).map(char::len_utf8).sum::<usize>();
    }
    if start < p.len() && !p[start..].trim().is_empty() {
        out.push((start, p.len()));
    }
    // a flattened table or a page without full stops is no sentence: cut runs longer than
    // MAX_SENTENCE at `;`, else at white space, so per-sentence work stays linear
    // (most sentences are short: they are kept as they are, not each copied through a vector)
    if out.iter().all(|&(s, e)| e - s <= MAX_SENTENCE) {
        return out;
    }
    out.into_iter().flat_map(|(s, e)| cut_long(p, s, e)).collect()
}

/// Longest sentence the extractor reads, in bytes.
pub(super) const MAX_SENTENCE: usize = 1200;

pub(super) fn cut_long(p: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = start;
    while end - s > MAX_SENTENCE {
        let limit = crate::text::floor_char_boundary(p, s + MAX_SENTENCE);
        let window = &p[s..limit];
        let cut = window
            .rfind("; ")
            .map(|i| s + i + 1)
            .or_else(|| window.rfind(' ').map(|i| s + i))
            .filter(|&c| c > s)
            .unwrap_or(limit);
        out.push((s, cut));
        s = cut
            + p[cut..end]
                .chars()
                .take_while(|c| c.is_whitespace())
                .map(char::len_utf8)
                .sum::<usize>();
    }
    if s < end {
        out.push((s, end));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::{is_abbreviation, last_word, own_lower_case, stops};

    #[test]
    fn own_lower_case_agrees_with_the_unicode_tables() {
        for u in (0..0x3000u32).chain(0x1E00..0x1F00) {
            let Some(c) = char::from_u32(u) else { continue };
            let want = c.to_lowercase().eq(std::iter::once(c));
            assert_eq!(own_lower_case(c), want, "{c:?} U+{u:04X}");
        }
    }

    proptest::proptest! {
        /// A word looked up as it is when it is its own lower case answers what its lower-cased
        /// copy answers, for words of capitals, small letters and the Greek sigma.
        #[test]
        fn an_abbreviation_is_found_in_any_case(word in "[tTỉỈđĐpPσΣİ.]{0,5}") {
            let abbreviations: HashSet<String> = ["tp", "tỉnh", "đ", "σ", "i\u{307}", "pσ", "ς"].into_iter().map(String::from).collect();
            proptest::prop_assert_eq!(
                is_abbreviation(&word, &abbreviations),
                abbreviations.contains(&word.to_lowercase()),
                "{:?}", word
            );
        }

        /// The jumps find every stop a byte-by-byte scan finds.
        #[test]
        fn stops_are_every_stop(s in "[a .!?…,ẠĐ\u{2026}\u{2000}-\u{2030}]{0,40}") {
            let b = s.as_bytes();
            let want: Vec<(usize, char)> = s.char_indices().filter(|(_, c)| matches!(c, '.' | '!' | '?' | '…')).collect();
            proptest::prop_assert_eq!(stops(b).collect::<Vec<_>>(), want);
        }

        /// The word before a stop, found from the end, is the one taken char by char.
        #[test]
        fn the_word_before_a_stop_is_found_from_the_end(s in "[aB (\u{a0}\u{2003}ĐđẠ.]{0,20}") {
            let taken: String = s.chars().rev().take_while(|ch| !ch.is_whitespace() && *ch != '(').collect::<Vec<_>>().into_iter().rev().collect();
            proptest::prop_assert_eq!(last_word(&s), taken.as_str());
        }
    }
}
