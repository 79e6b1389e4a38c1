//! Text utilities shared by the stages: the *match form* of Vietnamese text and phrase search.
//!
//! The match form lower-cases a text and moves tone marks to one canonical place (`hoá` →
//! `hóa`, `uỷ` → `ủy`) so that cue words match whatever spelling an outlet uses. It keeps the
//! byte length of every character, so a byte offset found in the match form is the same offset
//! in the text the user sees. Invariant: `match_form(s).len() == s.len()` and char boundaries
//! coincide.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Vowels with tone marks: (toned, base, tone index 1..=5). Tone order: sắc, huyền, hỏi, ngã, nặng.
const TONED: [[char; 6]; 12] = [
    ['a', 'á', 'à', 'ả', 'ã', 'ạ'],
    ['ă', 'ắ', 'ằ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ấ', 'ầ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'é', 'è', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ế', 'ề', 'ể', 'ễ', 'ệ'],
    ['i', 'í', 'ì', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ó', 'ò', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ố', 'ồ', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ớ', 'ờ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ú', 'ù', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ứ', 'ừ', 'ử', 'ữ', 'ự'],
    ['y', 'ý', 'ỳ', 'ỷ', 'ỹ', 'ỵ'],
];

/// Split a lower-case vowel into (row, tone). Non-vowels give None.
fn split_tone(c: char) -> Option<(usize, usize)> {
    TONED
        .iter()
        .enumerate()
        .find_map(|(row, r)| r.iter().position(|&x| x == c).map(|tone| (row, tone)))
}

fn with_tone(row: usize, tone: usize) -> char {
    TONED[row][tone]
}

/// Lower-case one char if that keeps its UTF-8 length (true for every Vietnamese letter).
fn lower_same_len(c: char) -> char {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(lc), None) if lc.len_utf8() == c.len_utf8() => lc,
        _ => c,
    }
}

/// The match form of `s`: lower case, old-style tone placement (`oá`, `oè`, `uỷ` at the end of
/// a syllable) moved to the new style (`óa`, `òe`, `ủy`). Same byte length as `s`.
pub fn match_form(s: &str) -> String {
    let mut chars: Vec<char> = s.chars().map(lower_same_len).collect();
    let n = chars.len();
    let mut i = 0;
    while i + 1 < n {
        let (a, b) = (chars[i], chars[i + 1]);
        let end_of_syllable = i + 2 >= n || !chars[i + 2].is_alphabetic();
        let after_q = i > 0 && chars[i - 1] == 'q';
        if end_of_syllable && !after_q {
            if let (Some((ra, 0)), Some((rb, tb))) = (split_tone(a), split_tone(b)) {
                // o + toned a/e, u + toned y: the tone belongs on the first vowel in the new style
                let pair_ok = (ra == 6 && (rb == 0 || rb == 3)) || (ra == 9 && rb == 11);
                let (na, nb) = (with_tone(ra, tb), with_tone(rb, 0));
                // only when the bytes stay the same (`oẽ` → `õe` would not): offsets must hold
                if pair_ok && tb != 0 && na.len_utf8() + nb.len_utf8() == a.len_utf8() + b.len_utf8() {
                    chars[i] = na;
                    chars[i + 1] = nb;
                }
            }
        }
        i += 1;
    }
    let out: String = chars.into_iter().collect();
    debug_assert_eq!(out.len(), s.len());
    out
}

/// True when the byte offset `i` of `s` is a word boundary on the given side.
pub fn is_boundary(s: &str, i: usize) -> bool {
    let before = s[..i].chars().next_back();
    let after = s[i..].chars().next();
    match (before, after) {
        (Some(b), Some(a)) => !(b.is_alphanumeric() && a.is_alphanumeric()),
        _ => true,
    }
}

/// A phrase may start after a non-letter; a digit before it is allowed so that glued units
/// (`15.000bản/năm`, `6.200.000đồng`) are found.
fn starts_word(s: &str, i: usize) -> bool {
    match s[..i].chars().next_back() {
        Some(b) => !b.is_alphabetic(),
        None => true,
    }
}

fn ends_word(s: &str, i: usize) -> bool {
    match s[i..].chars().next() {
        Some(a) => !a.is_alphanumeric(),
        None => true,
    }
}

/// A set of phrases, each tagged with a value, found on word boundaries in match-form text.
#[derive(Debug, Clone)]
pub struct PhraseSet<T> {
    ac: Option<AhoCorasick>,
    tags: Vec<T>,
    phrases: Vec<String>,
}

/// One occurrence of a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'a, T> {
    pub start: usize,
    pub end: usize,
    pub tag: &'a T,
}

impl<T> PhraseSet<T> {
    /// Build from (phrase, tag) pairs. Phrases are put in match form first.
    pub fn new(items: impl IntoIterator<Item = (String, T)>) -> Self {
        let (phrases, tags): (Vec<String>, Vec<T>) = items
            .into_iter()
            .map(|(p, t)| (match_form(p.trim()), t))
            .filter(|(p, _)| !p.is_empty())
            .unzip();
        let ac = if phrases.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .build(&phrases)
                    .expect("phrase automaton"),
            )
        };
        PhraseSet { ac, tags, phrases }
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Every occurrence (overlapping) in `hay` (already in match form) on word boundaries.
    pub fn find_all<'a>(&'a self, hay: &str) -> Vec<Hit<'a, T>> {
        let Some(ac) = &self.ac else { return Vec::new() };
        let mut out = Vec::new();
        for m in ac.find_overlapping_iter(hay) {
            let p = &self.phrases[m.pattern().as_usize()];
            let first_alnum = p.chars().next().is_some_and(char::is_alphanumeric);
            let last_alnum = p.chars().next_back().is_some_and(char::is_alphanumeric);
            if (first_alnum && !starts_word(hay, m.start())) || (last_alnum && !ends_word(hay, m.end())) {
                continue;
            }
            out.push(Hit {
                start: m.start(),
                end: m.end(),
                tag: &self.tags[m.pattern().as_usize()],
            });
        }
        out.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        out
    }

    /// The longest phrase that starts exactly at `at` in `hay` (match form).
    pub fn longest_at<'a>(&'a self, hay: &str, at: usize) -> Option<Hit<'a, T>> {
        let window_end = floor_char_boundary(hay, (at + 80).min(hay.len()));
        let slice = &hay[at..window_end];
        self.find_all(slice)
            .into_iter()
            .filter(|h| h.start == 0 && (starts_word(hay, at) || !first_is_alnum(&slice[h.start..h.end])))
            .filter(|h| ends_word(hay, at + h.end) || !last_is_alnum(&slice[h.start..h.end]))
            .max_by_key(|h| h.end)
            .map(|h| Hit {
                start: at,
                end: at + h.end,
                tag: h.tag,
            })
    }

    /// The longest phrase that ends exactly at `at` in `hay` (match form).
    pub fn longest_ending_at<'a>(&'a self, hay: &str, at: usize) -> Option<Hit<'a, T>> {
        let from = floor_char_boundary(hay, at.saturating_sub(80));
        let slice = &hay[from..at];
        self.find_all(slice)
            .into_iter()
            .filter(|h| h.end == slice.len())
            .filter(|h| starts_word(hay, from + h.start) || !first_is_alnum(&slice[h.start..h.end]))
            .max_by_key(|h| h.end - h.start)
            .map(|h| Hit {
                start: from + h.start,
                end: at,
                tag: h.tag,
            })
    }
}

fn first_is_alnum(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_alphanumeric)
}

fn last_is_alnum(s: &str) -> bool {
    s.chars().next_back().is_some_and(char::is_alphanumeric)
}

/// The largest char boundary `<= i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offset → code-point offset table for one text.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Code-point index of each char boundary, looked up by binary search on byte offsets.
    bytes: Vec<usize>,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        CharIndex { bytes }
    }

    /// Code-point offset of the byte offset `b` (which must be a char boundary).
    pub fn char_of(&self, b: usize) -> usize {
        match self.bytes.binary_search(&b) {
            Ok(i) => i,
            Err(i) => i,
        }
    }
}

/// Collapse runs of white space to one space and trim.
pub fn squash_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_form_moves_old_tone_placement_and_keeps_length() {
        let cases = [
            ("Thanh Hoá", "thanh hóa"),
            ("Thanh Hóa", "thanh hóa"),
            ("uỷ ban", "ủy ban"),
            ("luỹ kế", "lũy kế"),
            ("hoà bình", "hòa bình"),
            ("khoẻ", "khỏe"),
            ("QUÝ I", "quý i"),
            ("hoàng", "hoàng"),
            ("toán", "toán"),
            ("ĐẮK NÔNG", "đắk nông"),
        ];
        for (input, want) in cases {
            let got = match_form(input);
            assert_eq!(got, want, "{input}");
            assert_eq!(got.len(), input.len(), "{input}");
        }
    }

    #[test]
    fn phrases_match_on_word_boundaries_only() {
        let set = PhraseSet::new([("ba".to_string(), 1), ("tỉ".to_string(), 2), ("thuê bao".to_string(), 3)]);
        let hay = match_form("thuê bao tỉnh ba");
        let tags: Vec<i32> = set.find_all(&hay).iter().map(|h| *h.tag).collect();
        assert_eq!(tags, vec![3, 1], "`ba` inside `bao` and `tỉ` inside `tỉnh` must not match");
    }

    #[test]
    fn longest_at_prefers_the_longest_phrase() {
        let set = PhraseSet::new([("thuê bao".to_string(), 1), ("thuê bao/100 dân".to_string(), 2)]);
        let hay = match_form("170 thuê bao/100 dân,");
        let hit = set.longest_at(&hay, 4).unwrap();
        assert_eq!(*hit.tag, 2);
        assert_eq!(&hay[hit.start..hit.end], "thuê bao/100 dân");
    }

    #[test]
    fn char_index_maps_bytes_to_code_points() {
        let t = "Đắk 12";
        let idx = CharIndex::new(t);
        let b = t.find("12").unwrap();
        assert_eq!(idx.char_of(b), 4);
        assert_eq!(idx.char_of(t.len()), 6);
    }
}
