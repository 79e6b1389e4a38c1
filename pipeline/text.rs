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

/// `char::is_alphabetic`, without the Unicode table search for the letters Vietnamese text is
/// made of (ASCII, Latin-1, Latin Extended-A/B and Latin Extended Additional, where every code
/// point but `×` and `÷` is a letter): the table search was a tenth of all the work.
pub fn is_letter(c: char) -> bool {
    match u32::from(c) {
        0..=0x7F => c.is_ascii_alphabetic(),
        0xD7 | 0xF7 => false,
        0xC0..=0x24F | 0x1E00..=0x1EFF => true,
        _ => c.is_alphabetic(),
    }
}

/// `char::is_alphanumeric` with the fast path of [`is_letter`].
pub fn is_letter_or_digit(c: char) -> bool {
    match u32::from(c) {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0xD7 | 0xF7 => false,
        0xC0..=0x24F | 0x1E00..=0x1EFF => true,
        _ => c.is_alphanumeric(),
    }
}

/// Lower-case one char if that keeps its UTF-8 length (true for every Vietnamese letter).
pub(crate) fn lower_same_len(c: char) -> char {
    let u = u32::from(c);
    if u < 0x80 {
        return c.to_ascii_lowercase();
    }
    // the precomposed Vietnamese vowels (Ạ..ỹ) alternate upper, lower
    if (0x1EA0..=0x1EF9).contains(&u) {
        return char::from_u32(u | 1).unwrap_or(c);
    }
    // Latin-1: the capitals are 0x20 below their small letters; everything else there (the
    // small letters à á â ... of most Vietnamese words, symbols) is its own lower case
    if u < 0x100 {
        return if (0xC0..=0xDE).contains(&u) && u != 0xD7 {
            char::from_u32(u + 0x20).unwrap_or(c)
        } else {
            c
        };
    }
    // the other Vietnamese letters outside Latin-1 (ă đ ĩ ũ ơ ư and their capitals), the most
    // frequent non-ASCII letters of the text, without the Unicode case tables
    match u {
        0x103 | 0x111 | 0x129 | 0x169 | 0x1A1 | 0x1B0 => return c,
        0x102 | 0x110 | 0x128 | 0x168 | 0x1A0 | 0x1AF => return char::from_u32(u + 1).unwrap_or(c),
        _ => {}
    }
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(lc), None) if lc.len_utf8() == c.len_utf8() => lc,
        _ => c,
    }
}

/// How many bytes of `bytes` satisfy `f`, counted in blocks of 128 into one byte each: a loop
/// the compiler vectorizes, where a filter's count (one `usize` and one branch per byte) is a
/// byte-by-byte loop. For the cheap tests over whole texts and lines (digits, ASCII letters,
/// control bytes). `f` must be branch-free to vectorize: `&` and `|`, not `&&` and `||`.
#[inline]
pub(crate) fn count_bytes(bytes: &[u8], f: impl Fn(u8) -> bool + Copy) -> usize {
    bytes
        .chunks(128)
        .map(|c| usize::from(c.iter().fold(0u8, |n, &b| n + u8::from(f(b)))))
        .sum()
}

/// The lines of `text`, as `str::lines` gives them (split after each `\n`, a `\r` right before
/// it dropped, no empty line after a last `\n`), the line breaks found by the memchr crate's
/// vectorised search over the whole text: `str::lines` searches line by line, a machine word at
/// a time, and it cost ~300 instructions a line of bench documents (a proptest holds the two
/// equal).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut from = 0;
    let mut breaks = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        if from >= text.len() {
            return None;
        }
        let line = match breaks.next() {
            Some(end) => {
                let line = &text[from..end];
                from = end + 1;
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => {
                let line = &text[from..];
                from = text.len();
                line
            }
        };
        Some(line)
    })
}

/// The pieces of `text` between its `\n`s with their byte offsets, as `str::split('\n')` gives
/// them (the last piece too, empty after a last `\n`), the breaks found as [`lines`] finds them.
pub(crate) fn split_newlines(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    let mut from = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .chain(std::iter::once(text.len()))
        .map(move |end| {
            let piece = (from, &text[from..end]);
            from = end + 1;
            piece
        })
}

/// Cue words searched for inside texts (rule `text.needles`): the words as written (what it
/// derefs to), each with the memchr crate's vectorised searchers built once, at load.
/// `str::contains` and `str::rfind` build a two-way searcher at every call and walk the text a
/// byte at a time: asked of a whole document (is it an ICT Index ranking, does it speak of the
/// country) or of every figure's clause, that set-up and walk cost more than the answers.
/// [`Needles::any_in`] answers what `words.iter().any(|w| hay.contains(w))` answers, and
/// [`Needles::last_in`] what `words.iter().filter_map(|w| hay.rfind(w)).max()` answers (a
/// proptest holds both).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(from = "Vec<String>")]
pub struct Needles {
    words: Vec<String>,
    forward: Vec<memchr::memmem::Finder<'static>>,
    backward: Vec<memchr::memmem::FinderRev<'static>>,
}

impl From<Vec<String>> for Needles {
    fn from(words: Vec<String>) -> Self {
        let forward = words
            .iter()
            .map(|w| memchr::memmem::Finder::new(w.as_bytes()).into_owned())
            .collect();
        let backward = words
            .iter()
            .map(|w| memchr::memmem::FinderRev::new(w.as_bytes()).into_owned())
            .collect();
        Needles { words, forward, backward }
    }
}

impl std::ops::Deref for Needles {
    type Target = [String];

    fn deref(&self) -> &[String] {
        &self.words
    }
}

impl Needles {
    /// Whether `hay` holds any of the words (an empty word is in every text).
    pub fn any_in(&self, hay: &str) -> bool {
        self.forward.iter().any(|f| f.find(hay.as_bytes()).is_some())
    }

    /// Where the last occurrence of any of the words starts in `hay`, the latest of them.
    pub fn last_in(&self, hay: &str) -> Option<usize> {
        self.backward.iter().filter_map(|f| f.rfind(hay.as_bytes())).max()
    }
}

/// The offset of the first `byte` (ASCII) in `s`, as `s.find(byte as char)` finds it, by the
/// memchr crate's search: the standard library's search of a `char` carries a set-up that cost
/// more than the search itself on the short spans of a sentence the rules ask about. (An ASCII
/// byte is never part of another character in UTF-8, so the byte's offset is the char's.)
#[inline]
pub(crate) fn find_ascii(s: &str, byte: u8) -> Option<usize> {
    debug_assert!(byte.is_ascii());
    memchr::memchr(byte, s.as_bytes())
}

/// The offset of the first `byte` (ASCII) in `s` if it lies within its first `max` bytes, as
/// `s.find(byte as char).filter(|&k| k <= max)` finds it, searching those bytes only (see
/// [`find_ascii`]).
#[inline]
pub(crate) fn find_ascii_within(s: &str, byte: u8, max: usize) -> Option<usize> {
    debug_assert!(byte.is_ascii());
    memchr::memchr(byte, &s.as_bytes()[..s.len().min(max + 1)])
}

/// The offset of the last `byte` (ASCII) in `s`, as `s.rfind(byte as char)` finds it (see
/// [`find_ascii`]).
#[inline]
pub(crate) fn rfind_ascii(s: &str, byte: u8) -> Option<usize> {
    debug_assert!(byte.is_ascii());
    memchr::memrchr(byte, s.as_bytes())
}

/// The offset of the first of the ASCII bytes `set` in `s`, as `s.find(chars)` finds it for the
/// same characters (`s.find([',', ';'])`): the standard library decodes the text a character at
/// a time and compares each with every one of the set; two or three bytes are looked for by the
/// memchr crate at once, more by a byte loop (an ASCII byte is never part of another character).
/// Rule `text.ascii_sets`.
#[inline]
pub(crate) fn find_any_ascii(s: &str, set: &[u8]) -> Option<usize> {
    debug_assert!(set.is_ascii());
    let b = s.as_bytes();
    match *set {
        [x] => memchr::memchr(x, b),
        [x, y] => memchr::memchr2(x, y, b),
        [x, y, z] => memchr::memchr3(x, y, z, b),
        _ => b.iter().position(|c| set.contains(c)),
    }
}

/// The offset of the last of the ASCII bytes `set` in `s`, as `s.rfind(chars)` finds it (see
/// [`find_any_ascii`]).
#[inline]
pub(crate) fn rfind_any_ascii(s: &str, set: &[u8]) -> Option<usize> {
    debug_assert!(set.is_ascii());
    let b = s.as_bytes();
    match *set {
        [x] => memchr::memrchr(x, b),
        [x, y] => memchr::memrchr2(x, y, b),
        [x, y, z] => memchr::memrchr3(x, y, z, b),
        _ => b.iter().rposition(|c| set.contains(c)),
    }
}

/// The offset of the first non-ASCII byte of `bytes` at or after `from`, looked for eight bytes
/// at a time (their high bits as one word): the walks over text that only stop at non-ASCII
/// characters jump over the ASCII between them.
#[inline]
pub(crate) fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(w) = bytes.get(i..i + 8) {
        let high = u64::from_le_bytes(w.try_into().expect("eight bytes")) & 0x8080_8080_8080_8080;
        if high != 0 {
            return Some(i + (high.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes.get(i..)?.iter().position(|&b| b >= 0x80).map(|k| i + k)
}

/// The match form of `s`: lower case, same byte length. Tone placement (`hoá`/`hóa`) is not
/// changed here, since moving a tone can change byte lengths (`luỹ` → `lũy`); instead every
/// phrase is searched in both placements (see [`tone_variants`]).
pub fn match_form(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    match_form_into(s, &mut out);
    out
}

/// [`match_form`] of `s` written into `out` (emptied first): for a caller that lower-cases many
/// short words, one buffer rather than a new string for each.
#[inline(always)]
pub(crate) fn match_form_into(s: &str, out: &mut String) {
    // byte by byte: ASCII (most of the bytes) in place, other letters re-encoded at the same
    // length where they change (capitals: rare); collecting chars into a String, copying the
    // runs between diacritics or validating a rewritten buffer all cost more than this
    out.clear();
    out.push_str(s);
    out.make_ascii_lowercase();
    let bytes = s.as_bytes();
    let mut i = 0;
    // (the next non-ASCII byte leads a character: the walk moves from character to character)
    while let Some(at) = next_non_ascii(bytes, i) {
        i = at;
        let b = bytes[i];
        // the small letters of most Vietnamese words, told from their bytes without decoding:
        // Latin-1 (C3 A0..C3 BF and the sign C3 97) and the precomposed vowels (E1 BA/BB, odd
        // code points from U+1EA1 to U+1EF9) are their own lower case
        let b1 = bytes.get(i + 1).copied().unwrap_or(0);
        if b == 0xC3 && (b1 >= 0x9F || b1 == 0x97) {
            i += 2;
            continue;
        }
        // and the small ă đ ĩ ũ ơ ư (C4 83, C4 91, C4 A9, C5 A9, C6 A1, C6 B0), after the
        // precomposed vowels the most frequent non-ASCII letters
        if matches!((b, b1), (0xC4, 0x83 | 0x91 | 0xA9) | (0xC5, 0xA9) | (0xC6, 0xA1 | 0xB0)) {
            i += 2;
            continue;
        }
        if b == 0xE1 && (b1 == 0xBA || b1 == 0xBB) {
            let b2 = bytes.get(i + 2).copied().unwrap_or(0);
            let u = 0x1000 | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            if u % 2 == 1 && (0x1EA1..=0x1EF9).contains(&u) {
                i += 3;
                continue;
            }
        }
        let c = s[i..].chars().next().expect("i is a char boundary");
        let n = c.len_utf8();
        let l = lower_same_len(c);
        if l != c {
            let mut buf = [0u8; 4];
            out.replace_range(i..i + n, l.encode_utf8(&mut buf));
        }
        i += n;
    }
}

/// The spellings of a lower-case phrase under old and new tone placement: `hóa` and `hoá`,
/// `thủy` and `thuỷ`, `lũy` and `luỹ`. The phrase itself comes first.
pub fn tone_variants(phrase: &str) -> Vec<String> {
    let chars: Vec<char> = phrase.chars().collect();
    let n = chars.len();
    // positions of syllable-final vowel pairs whose tone can move
    let mut sites = Vec::new();
    for i in 0..n.saturating_sub(1) {
        let end_of_syllable = i + 2 >= n || !is_letter(chars[i + 2]);
        let start_ok = i == 0 || chars[i - 1] != 'q';
        if !end_of_syllable || !start_ok {
            continue;
        }
        let (Some((ra, ta)), Some((rb, tb))) = (split_tone(chars[i]), split_tone(chars[i + 1])) else {
            continue;
        };
        let pair_ok = (ra == 6 && (rb == 0 || rb == 3)) || (ra == 9 && rb == 11);
        if pair_ok && (ta == 0) != (tb == 0) {
            sites.push((i, ra, rb, ta.max(tb)));
        }
    }
    let mut out = vec![phrase.to_string()];
    for mask in 1..(1u32 << sites.len().min(6)) {
        let mut c = chars.clone();
        for (k, &(i, ra, rb, tone)) in sites.iter().enumerate() {
            if mask & (1 << k) != 0 {
                // put the tone on the other vowel of the pair
                let on_first = split_tone(chars[i]).is_some_and(|(_, t)| t != 0);
                if on_first {
                    c[i] = with_tone(ra, 0);
                    c[i + 1] = with_tone(rb, tone);
                } else {
                    c[i] = with_tone(ra, tone);
                    c[i + 1] = with_tone(rb, 0);
                }
            }
        }
        out.push(c.into_iter().collect());
    }
    out
}

/// A phrase may start after a non-letter; a digit before it is allowed so that glued units
/// (`15.000bản/năm`, `6.200.000đồng`) are found.
fn starts_word(s: &str, i: usize) -> bool {
    match s[..i].chars().next_back() {
        Some(b) if b.is_ascii() => !b.is_ascii_alphabetic(),
        Some(b) => !is_letter(b),
        None => true,
    }
}

fn ends_word(s: &str, i: usize) -> bool {
    match s[i..].chars().next() {
        Some(a) if a.is_ascii() => !a.is_ascii_alphanumeric(),
        Some(a) => !is_letter_or_digit(a),
        None => true,
    }
}

/// A set of phrases, each tagged with a value, found on word boundaries in match-form text.
#[derive(Debug, Clone)]
pub struct PhraseSet<T> {
    /// Every distinct phrase once (the automaton needs them distinct), with the indices of
    /// `phrases` it stands for, in order.
    ac: Option<ScanAutomaton>,
    same: Vec<Vec<u32>>,
    /// Whether each distinct phrase starts and ends with a letter or digit (then it needs a
    /// word boundary there), as in [`PhraseUnion`].
    edges: Vec<(bool, bool)>,
    /// The same phrases for anchored leftmost-longest search: "the longest phrase that starts
    /// here" stops after a few bytes instead of scanning a window.
    anchored: Option<AhoCorasick>,
    /// The distinct phrases spelled backwards, for "the longest phrase that ends here".
    suffixes: SuffixTrie,
    tags: Vec<T>,
    phrases: Vec<String>,
    /// The set's place in the document scan ([`PhraseUnion`]) it is enrolled in, if any.
    union_slot: Option<u16>,
}

/// One occurrence of a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'a, T> {
    pub start: usize,
    pub end: usize,
    pub tag: &'a T,
}

/// The hits of a [`PhraseSet`] inside a span ([`PhraseSet::iter_in`]): read from the document's
/// scan, or found by scanning the span when the set is not enrolled in it. (Written out rather
/// than as `take_while`/`filter`/`map` chained to the scanned case: that chain of adaptors cost
/// 2 % of a run's instructions, the questions being asked hundreds of times a document.)
pub enum HitsIn<'a, 'd, T> {
    FromScan {
        /// The set's hits of the document from the first that starts at or after `s`.
        hits: std::slice::Iter<'d, RawHit>,
        set: &'a PhraseSet<T>,
        s: usize,
        e: usize,
    },
    Scanned(std::vec::IntoIter<Hit<'a, T>>),
}

impl<'a, T> Iterator for HitsIn<'a, '_, T> {
    type Item = Hit<'a, T>;

    fn next(&mut self) -> Option<Hit<'a, T>> {
        match self {
            HitsIn::Scanned(it) => it.next(),
            HitsIn::FromScan { hits, set, s, e } => {
                let (s, e) = (*s, *e);
                for h in hits.by_ref() {
                    if h.start as usize >= e {
                        // (hits are sorted by start: none further is inside)
                        *hits = [].iter();
                        return None;
                    }
                    // a boundary the slice cuts counts as a word boundary, as it does for find_all
                    if h.end as usize <= e && (h.start_ok || h.start as usize == s) && (h.end_ok || h.end as usize == e) {
                        return Some(Hit {
                            start: h.start as usize - s,
                            end: h.end as usize - s,
                            tag: &set.tags[h.pattern as usize],
                        });
                    }
                }
                None
            }
        }
    }
}

impl<T: Clone> PhraseSet<T> {
    /// Build from (phrase, tag) pairs. Phrases are put in match form first.
    pub fn new(items: impl IntoIterator<Item = (String, T)>) -> Self {
        let mut phrases = Vec::new();
        let mut tags = Vec::new();
        for (p, t) in items {
            let p = match_form(p.trim());
            if p.is_empty() {
                continue;
            }
            for v in tone_variants(&p) {
                phrases.push(v);
                tags.push(t.clone());
            }
        }
        let mut distinct: Vec<&str> = Vec::new();
        let mut same: Vec<Vec<u32>> = Vec::new();
        let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, p) in phrases.iter().enumerate() {
            let k = *index.entry(p.as_str()).or_insert_with(|| {
                distinct.push(p);
                same.push(Vec::new());
                distinct.len() - 1
            });
            same[k].push(i as u32);
        }
        let ac = (!distinct.is_empty()).then(|| overlapping_automaton(&distinct));
        let edges = distinct.iter().map(|p| (first_is_alnum(p), last_is_alnum(p))).collect();
        let suffixes = SuffixTrie::new(&distinct);
        let anchored = if phrases.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .start_kind(aho_corasick::StartKind::Anchored)
                    .build(&phrases)
                    .expect("anchored phrase automaton"),
            )
        };
        PhraseSet {
            ac,
            same,
            edges,
            anchored,
            suffixes,
            tags,
            phrases,
            union_slot: None,
        }
    }

    /// Enroll the set in a document scan: from now on [`PhraseSet::find_in`] answers from the
    /// scan's hits instead of scanning the slice again.
    pub fn enroll(&mut self, union: &mut UnionBuilder) {
        let slot = union.sets;
        union.sets += 1;
        for (i, p) in self.phrases.iter().enumerate() {
            let next = union.phrases.len();
            let u = *union.index.entry(p.clone()).or_insert(next);
            if u == next {
                union.phrases.push(p.clone());
                union.owners.push(Vec::new());
            }
            union.owners[u].push((slot, i as u32));
        }
        self.union_slot = Some(slot);
    }

    /// What `find_all(&hay[s..e])` finds (offsets relative to `s`), answered from the
    /// document's scan `doc` when the set is enrolled in the scan that made it; `hay` is the
    /// document's match form that `doc` was made from.
    pub fn find_in<'a>(&'a self, hay: &str, doc: &DocHits, s: usize, e: usize) -> Vec<Hit<'a, T>> {
        self.iter_in(hay, doc, s, e).collect()
    }

    /// [`PhraseSet::find_in`]'s hits one at a time, in the same order, with no vector made: a
    /// question that needs only the first hit, or whether there is one (most of them), stops
    /// there.
    pub fn iter_in<'a, 'd>(&'a self, hay: &str, doc: &'d DocHits, s: usize, e: usize) -> HitsIn<'a, 'd, T> {
        let Some(hits) = self.union_slot.and_then(|k| doc.sets.get(usize::from(k))) else {
            return HitsIn::Scanned(self.find_all(&hay[s..e]).into_iter());
        };
        let lo = hits.partition_point(|h| (h.start as usize) < s);
        HitsIn::FromScan {
            hits: hits[lo..].iter(),
            set: self,
            s,
            e,
        }
    }

    /// Whether [`PhraseSet::find_in`] finds anything.
    pub fn any_in(&self, hay: &str, doc: &DocHits, s: usize, e: usize) -> bool {
        self.iter_in(hay, doc, s, e).next().is_some()
    }

    /// The first hit [`PhraseSet::find_in`] finds.
    pub fn first_in<'a>(&'a self, hay: &str, doc: &DocHits, s: usize, e: usize) -> Option<Hit<'a, T>> {
        self.iter_in(hay, doc, s, e).next()
    }

    /// Every occurrence (overlapping) in `hay` (already in match form) on word boundaries.
    pub fn find_all<'a>(&'a self, hay: &str) -> Vec<Hit<'a, T>> {
        let Some(ac) = &self.ac else { return Vec::new() };
        let mut out = Vec::new();
        for m in ac.0.find_overlapping_iter(hay) {
            let k = m.value() as usize;
            let (first_alnum, last_alnum) = self.edges[k];
            if (first_alnum && !starts_word(hay, m.start())) || (last_alnum && !ends_word(hay, m.end())) {
                continue;
            }
            for &i in &self.same[k] {
                out.push(Hit {
                    start: m.start(),
                    end: m.end(),
                    tag: &self.tags[i as usize],
                });
            }
        }
        out.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        out
    }

    /// The longest phrase that starts exactly at `at` in `hay` (match form).
    pub fn longest_at<'a>(&'a self, hay: &str, at: usize) -> Option<Hit<'a, T>> {
        let anchored = self.anchored.as_ref()?;
        let input = aho_corasick::Input::new(hay).range(at..).anchored(aho_corasick::Anchored::Yes);
        // no phrase starts here at all: the common case, settled in a byte or two
        let m = anchored.find(input)?;
        let p = &self.phrases[m.pattern().as_usize()];
        if (starts_word(hay, at) || !first_is_alnum(p)) && (ends_word(hay, m.end()) || !last_is_alnum(p)) {
            return Some(Hit {
                start: at,
                end: m.end(),
                tag: &self.tags[m.pattern().as_usize()],
            });
        }
        // the longest phrase is cut by a word boundary: a shorter one may still fit
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
    ///
    /// What the 80 bytes before `at` hold, searched on their own, of phrases ending at `at`: one
    /// that starts with a letter or digit starts a word; none needs a word boundary after `at`.
    /// Walked backwards from `at` in [`SuffixTrie`] (a few steps, where a search of the window
    /// scanned all of it).
    pub fn longest_ending_at<'a>(&'a self, hay: &str, at: usize) -> Option<Hit<'a, T>> {
        let from = floor_char_boundary(hay, at.saturating_sub(80));
        debug_assert!(hay.is_char_boundary(at));
        let (start, k) = self
            .suffixes
            .ending_at(hay.as_bytes(), from, at, |start, k| !self.edges[k].0 || starts_word(hay, start))?;
        // (of tags that share the phrase, the last, as the search's longest match was)
        let i = *self.same[k].last()?;
        Some(Hit {
            start,
            end: at,
            tag: &self.tags[i as usize],
        })
    }
}

/// Phrases spelled backwards, byte by byte: walking back from a position finds every phrase
/// that ends there, shortest first.
#[derive(Debug, Clone, Default)]
struct SuffixTrie {
    nodes: Vec<TrieNode>,
}

/// A node of a [`SuffixTrie`]: its children by byte (sorted), and the phrase that ends there.
type TrieNode = (Vec<(u8, u32)>, Option<u32>);

impl SuffixTrie {
    fn new(phrases: &[&str]) -> Self {
        let mut nodes: Vec<TrieNode> = vec![(Vec::new(), None)];
        for (k, p) in phrases.iter().enumerate() {
            let mut at = 0usize;
            for &b in p.as_bytes().iter().rev() {
                let next = nodes.len() as u32;
                at = match nodes[at].0.binary_search_by_key(&b, |c| c.0) {
                    Ok(j) => nodes[at].0[j].1 as usize,
                    Err(j) => {
                        nodes[at].0.insert(j, (b, next));
                        nodes.push((Vec::new(), None));
                        next as usize
                    }
                };
            }
            nodes[at].1 = Some(k as u32);
        }
        SuffixTrie { nodes }
    }

    /// The longest phrase in `hay[from..at]` that ends at `at` and that `ok(start, phrase)`
    /// accepts: its start and its index.
    fn ending_at(&self, hay: &[u8], from: usize, at: usize, ok: impl Fn(usize, usize) -> bool) -> Option<(usize, usize)> {
        let mut node = 0usize;
        let mut best = None;
        let mut pos = at;
        while pos > from {
            let b = hay[pos - 1];
            let Ok(j) = self.nodes[node].0.binary_search_by_key(&b, |c| c.0) else {
                break;
            };
            node = self.nodes[node].0[j].1 as usize;
            pos -= 1;
            if let Some(k) = self.nodes[node].1
                && ok(pos, k as usize)
            {
                best = Some((pos, k as usize));
            }
        }
        best
    }
}

/// The automaton of a [`PhraseSet`]'s overlapping searches and of the document scan: a
/// double-array Aho-Corasick automaton (daachorse). Overlapping searches cannot use a prefilter:
/// every byte steps the automaton, and this one is compact enough to stay in cache between
/// searches. Measured end to end on 20 000 synthetic documents against the aho-corasick DFA it
/// replaced: 10 % less CPU for the document scan alone. `phrases` must be distinct and not empty.
fn overlapping_automaton(phrases: &[&str]) -> ScanAutomaton {
    ScanAutomaton(daachorse::DoubleArrayAhoCorasick::<u32>::new(phrases).expect("phrase automaton"))
}

/// A double-array automaton (it has no `Debug` of its own).
#[derive(Clone)]
struct ScanAutomaton(daachorse::DoubleArrayAhoCorasick<u32>);

impl std::fmt::Debug for ScanAutomaton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScanAutomaton({} bytes)", self.0.heap_bytes())
    }
}

/// Builds a [`PhraseUnion`] from the phrase sets enrolled in it ([`PhraseSet::enroll`]).
#[derive(Debug, Default)]
pub struct UnionBuilder {
    sets: u16,
    phrases: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    /// For each distinct phrase: (set slot, the set's own pattern index), in enrolment order.
    owners: Vec<Vec<(u16, u32)>>,
}

impl UnionBuilder {
    pub fn build(self) -> PhraseUnion {
        let phrases: Vec<&str> = self.phrases.iter().map(String::as_str).collect();
        let ac = (!phrases.is_empty()).then(|| overlapping_automaton(&phrases));
        let edges = self.phrases.iter().map(|p| (first_is_alnum(p), last_is_alnum(p))).collect();
        let mut owner_at = Vec::with_capacity(self.owners.len() + 1);
        owner_at.push(0u32);
        for o in &self.owners {
            owner_at.push(owner_at.last().copied().unwrap_or(0) + o.len() as u32);
        }
        PhraseUnion {
            ac,
            owners: self.owners.into_iter().flatten().collect(),
            owner_at,
            edges,
            sets: self.sets,
        }
    }
}

/// Rule `scan.once`: every phrase set the per-figure rules ask about, in one automaton. One
/// overlapping scan of a document's match form finds the occurrences of all of them
/// ([`DocHits`]); a question about a span (`status cues of this sentence`, `a breakdown word in
/// this gap`) is then a binary search in the hits, not a new scan of the span. Answers equal
/// those of scanning the span: an occurrence lies inside a span or not, and a word boundary
/// the span cuts counts as one, as it does when the span is scanned on its own.
#[derive(Debug, Clone, Default)]
pub struct PhraseUnion {
    ac: Option<ScanAutomaton>,
    /// The (set slot, the set's own pattern index) of every distinct phrase, phrase after
    /// phrase, in enrolment order: phrase `u`'s are `owners[owner_at[u]..owner_at[u + 1]]`
    /// (one flat table: a hit reads two adjacent offsets, not a vector of its own).
    owners: Vec<(u16, u32)>,
    owner_at: Vec<u32>,
    /// Whether each phrase starts and ends with a letter or digit (then it needs a word
    /// boundary there).
    edges: Vec<(bool, bool)>,
    sets: u16,
}

/// One occurrence of an enrolled set's phrase in a document, with its word-boundary checks.
#[derive(Debug, Clone, Copy)]
pub struct RawHit {
    start: u32,
    end: u32,
    pattern: u32,
    start_ok: bool,
    end_ok: bool,
}

/// A document's match form and the one scan of it (rule `scan.once`): made by clean, which
/// searches the paragraphs for provinces, and read again by extract.
#[derive(Debug, Clone, Default)]
pub struct DocScan {
    /// The match form of the cleaned text, byte for byte the same length.
    pub hay: String,
    pub hits: DocHits,
}

/// The occurrences of every enrolled set's phrases in one document, per set, sorted like
/// [`PhraseSet::find_all`] sorts them.
#[derive(Debug, Clone, Default)]
pub struct DocHits {
    sets: Vec<Vec<RawHit>>,
}

impl PhraseUnion {
    /// Scan `hay` (a document's match form) once.
    pub fn scan(&self, hay: &str) -> DocHits {
        // offsets are stored as u32: a longer text is answered by scanning spans (no union)
        let Some(ac) = self.ac.as_ref().filter(|_| u32::try_from(hay.len()).is_ok()) else {
            return DocHits::default();
        };
        // every owner's hit in one buffer first, then moved into vectors of their exact size:
        // a document has hundreds of hits, most of them of one or two sets, and each set's
        // vector grown hit by hit was reallocated and copied over and over. (Bench-shaped
        // documents hold a hit every 13 bytes or so; the first guess is bounded, so a huge
        // document does not reserve for hits it may not have.)
        // (the buffer is emptied into the sets' vectors whenever it holds 65 536 hits: a long
        // document's hits are not held twice, in the buffer and in the sets, at the end)
        const BUFFER_HITS: usize = 1 << 16;
        let mut all: Vec<(u16, RawHit)> = Vec::with_capacity((hay.len() / 8).min(BUFFER_HITS));
        let mut count = vec![0u32; usize::from(self.sets)];
        let mut sets: Vec<Vec<RawHit>> = vec![Vec::new(); usize::from(self.sets)];
        let flush = |all: &mut Vec<(u16, RawHit)>, count: &mut [u32], sets: &mut [Vec<RawHit>]| {
            for (hits, n) in sets.iter_mut().zip(count.iter_mut()) {
                hits.reserve(*n as usize);
                *n = 0;
            }
            for (slot, h) in all.drain(..) {
                sets[usize::from(slot)].push(h);
            }
        };
        for m in ac.0.find_overlapping_iter(hay) {
            if all.len() >= BUFFER_HITS {
                flush(&mut all, &mut count, &mut sets);
            }
            let u = m.value() as usize;
            let (first_alnum, last_alnum) = self.edges[u];
            let start_ok = !first_alnum || starts_word(hay, m.start());
            let end_ok = !last_alnum || ends_word(hay, m.end());
            let owners = &self.owners[self.owner_at[u] as usize..self.owner_at[u + 1] as usize];
            for &(slot, pattern) in owners {
                count[usize::from(slot)] += 1;
                all.push((
                    slot,
                    RawHit {
                        start: m.start() as u32,
                        end: m.end() as u32,
                        pattern,
                        start_ok,
                        end_ok,
                    },
                ));
            }
        }
        flush(&mut all, &mut count, &mut sets);
        drop(all);
        for hits in &mut sets {
            sort_nearly_sorted(hits);
        }
        DocHits { sets }
    }
}

/// Sort a set's hits by (start, longest first, pattern), as [`PhraseSet::find_all`] orders
/// them. The scan reports them by end, and a phrase is a few words long, so a hit lies a few
/// places from where it belongs: an insertion sort moves each one back those few places where
/// a general sort compared every hit log n times. (Two hits never share all three keys, so
/// any correct sort gives this order: equal spans are one phrase's owners, pushed in pattern
/// order.)
fn sort_nearly_sorted(hits: &mut [RawHit]) {
    let key = |h: &RawHit| (h.start, std::cmp::Reverse(h.end), h.pattern);
    // (a hit moves back past the hits that end inside it: a bounded number for real phrases;
    // past a budget of moves the rest is left to the general sort, so no text makes this
    // quadratic)
    let mut budget = 16 * hits.len() + 1024;
    for i in 1..hits.len() {
        let h = hits[i];
        let k = key(&h);
        let mut j = i;
        while j > 0 && key(&hits[j - 1]) > k {
            hits[j] = hits[j - 1];
            j -= 1;
        }
        hits[j] = h;
        budget = budget.saturating_sub(i - j);
        if budget == 0 {
            hits.sort_unstable_by_key(key);
            return;
        }
    }
}

fn first_is_alnum(s: &str) -> bool {
    s.chars().next().is_some_and(is_letter_or_digit)
}

fn last_is_alnum(s: &str) -> bool {
    s.chars().next_back().is_some_and(is_letter_or_digit)
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

/// Byte offset → code-point offset for one text: the number of chars before every 256th byte,
/// and a count of the char starts (bytes that are no UTF-8 continuation) from there. A few
/// hundred bytes per document instead of a table of every char boundary (8 bytes per char,
/// allocated and zeroed for every document).
#[derive(Debug, Clone)]
pub struct CharIndex<'a> {
    text: &'a [u8],
    /// Chars starting before byte `k * BLOCK`.
    before_block: Vec<u32>,
}

const BLOCK: usize = 256;

fn char_starts(bytes: &[u8]) -> usize {
    count_bytes(bytes, |b| (b as i8) >= -0x40)
}

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut before_block = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut n = 0usize;
        for chunk in bytes.chunks(BLOCK) {
            before_block.push(n as u32);
            n += char_starts(chunk);
        }
        CharIndex { text: bytes, before_block }
    }

    /// Code-point offset of the byte offset `b`: the number of chars that start before it
    /// (`b` is a char boundary; past the end, one more than the text's chars).
    pub fn char_of(&self, b: usize) -> usize {
        if b > self.text.len() {
            return char_starts(self.text) + 1;
        }
        let k = b / BLOCK;
        match self.before_block.get(k) {
            Some(&n) => n as usize + char_starts(&self.text[k * BLOCK..b]),
            // b is the end of a text whose length is a multiple of the block
            None => char_starts(self.text),
        }
    }
}

/// How a rule compares the words of a data file's list ([`check_words`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WordForm {
    /// As written, case and all (`Tại`, the first word of a sentence); no surrounding spaces.
    AsWritten,
    /// In match form ([`match_form`]); no surrounding spaces.
    Matched,
    /// In match form, spaces as written (` năm `, `so `: the spaces bound the word).
    MatchedSpaced,
}

/// Rule `data.word_list`: a word list of a data file, checked at load. It has words, none of
/// them blank, each in the form its rule compares (`form`). `list` names it in the error
/// (`[district] table_by: no words`).
pub(crate) fn check_words(list: &str, words: &[String], form: WordForm) -> Result<(), String> {
    if words.is_empty() {
        return Err(format!("{list}: no words"));
    }
    for w in words {
        let why = if w.trim().is_empty() {
            "is empty"
        } else if form != WordForm::MatchedSpaced && w.trim() != w {
            "is padded with spaces"
        } else if form != WordForm::AsWritten && match_form(w) != *w {
            "is not in match form"
        } else {
            continue;
        };
        return Err(format!("{list}: {w:?} {why}"));
    }
    Ok(())
}

/// Collapse runs of white space to one space and trim.
pub fn squash_ws(s: &str) -> String {
    if is_squashed(s.as_bytes()) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Whether a text is already squashed: no white space at either end, single ASCII spaces
/// between words, none of the other white space (`char::is_whitespace`: tabs, line breaks,
/// U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000). Most
/// lines of a page are: they are then copied, not split into words and joined again.
pub(crate) fn is_squashed(b: &[u8]) -> bool {
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    !(DOUBLE_SPACE.find(b).is_some() || memchr::memchr(b'\n', b).is_some() || has_other_space(b))
}

// (the two searchers are built once: `memmem::find` builds one per call, which cost as much as
// the search on a line)
static DOUBLE_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> = std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"  "));
static OGHAM_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("\u{1680}".as_bytes()));

/// Whether `b` holds white space other than the ASCII space and the line break `\n`: tabs,
/// `\r`, U+000B, U+000C, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F,
/// U+205F, U+3000 (what [`is_squashed`] looks for besides spaces and line breaks).
fn has_other_space(b: &[u8]) -> bool {
    use memchr::{memchr_iter, memchr2};
    // each kind of white space is looked for with `memchr` / `memmem` (SIMD, a few passes over
    // a line), where a byte-by-byte match cost about 16 instructions a byte; the lead bytes of
    // the other spaces (C2, E2, E3: rare in Vietnamese text) are checked where they occur, and
    // U+1680 (E1 9A 80; E1 leads every precomposed vowel) as a whole
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    memchr2(b'\t', b'\r', b).is_some()
        || memchr2(0x0B, 0x0C, b).is_some()
        || OGHAM_SPACE.find(b).is_some()
        || memchr_iter(0xC2, b).any(|i| matches!(at(i + 1), 0x85 | 0xA0))
        || memchr_iter(0xE2, b).any(|i| {
            (at(i + 1) == 0x80 && matches!(at(i + 2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)) || (at(i + 1) == 0x81 && at(i + 2) == 0x9F)
        })
        || memchr_iter(0xE3, b).any(|i| at(i + 1) == 0x80 && at(i + 2) == 0x80)
}

/// Rule `clean.squash_once`: [`squash_ws`] of each line of one text, the text's white space
/// looked for once. A text whose only white space is spaces and line breaks (most pages) has a
/// squashed line wherever the line neither opens nor ends on a space nor holds a double space:
/// the other kinds of white space are looked for over the whole text, once, and the double
/// spaces found there, where each line was searched for all of them in turn (seven searches a
/// line, ~800 instructions a line of bench documents). Other texts are squashed line by line.
/// Gives what `squash_ws` gives every line of the text (a proptest holds the two equal).
pub(crate) struct LineSquasher<'t> {
    text: &'t str,
    /// The text holds no white space but spaces and line breaks.
    plain: bool,
    /// Where the text's double spaces start (searched only in a plain text).
    doubles: Vec<usize>,
}

impl<'t> LineSquasher<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        let plain = !has_other_space(text.as_bytes());
        let doubles = if plain {
            DOUBLE_SPACE.find_iter(text.as_bytes()).collect()
        } else {
            Vec::new()
        };
        LineSquasher { text, plain, doubles }
    }

    /// [`squash_ws`] of `line`, a line of the text ([`lines`]: a slice of it with no `\n`).
    pub(crate) fn squash(&self, line: &'t str) -> String {
        if self.plain {
            let start = line.as_ptr() as usize - self.text.as_ptr() as usize;
            debug_assert!(self.text.get(start..start + line.len()) == Some(line), "a line of the text");
            let end = start + line.len();
            let b = line.as_bytes();
            // (a run of spaces starts where the scan found its first pair: a line holds a double
            // space exactly when a pair the scan found starts in it and ends in it)
            let k = self.doubles.partition_point(|&p| p < start);
            let double = self.doubles.get(k).is_some_and(|&p| p + 2 <= end);
            if b.first() != Some(&b' ') && b.last() != Some(&b' ') && !double {
                return line.to_string();
            }
        }
        squash_ws(line)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    fn raw(start: u32, end: u32, pattern: u32) -> RawHit {
        RawHit {
            start,
            end,
            pattern,
            start_ok: true,
            end_ok: true,
        }
    }

    proptest! {
        /// The insertion sort of the document scan orders hits as the general sort does, for
        /// hits near their place (the scan's) and for any order at all (past its budget).
        #[test]
        fn nearly_sorted_sort_agrees(spans in proptest::collection::vec((0u32..400, 1u32..40, 0u32..6), 0..300), shuffled in any::<bool>()) {
            let mut hits: Vec<RawHit> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for (s, len, p) in spans {
                if seen.insert((s, s + len, p)) {
                    hits.push(raw(s, s + len, p));
                }
            }
            if !shuffled {
                // the scan's order: by end
                hits.sort_by_key(|h| (h.end, h.start, h.pattern));
            }
            let mut want = hits.clone();
            want.sort_unstable_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.pattern));
            sort_nearly_sorted(&mut hits);
            let got: Vec<_> = hits.iter().map(|h| (h.start, h.end, h.pattern)).collect();
            let want: Vec<_> = want.iter().map(|h| (h.start, h.end, h.pattern)).collect();
            prop_assert_eq!(got, want);
        }
    }

    use super::*;

    #[test]
    fn a_word_list_is_checked_in_the_form_its_rule_compares() {
        let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        use WordForm::*;
        assert_eq!(check_words("[x] a", &w(&["Tại", "tại"]), AsWritten), Ok(()));
        assert_eq!(check_words("[x] a", &w(&[" năm ", "so "]), MatchedSpaced), Ok(()));
        assert_eq!(check_words("[x] a", &[], Matched), Err("[x] a: no words".into()));
        assert_eq!(
            check_words("[x] a", &w(&["huyện", " "]), AsWritten),
            Err(r#"[x] a: " " is empty"#.into())
        );
        assert_eq!(
            check_words("[x] a", &w(&["huyện "]), Matched),
            Err(r#"[x] a: "huyện " is padded with spaces"#.into())
        );
        assert_eq!(
            check_words("[x] a", &w(&["Huyện"]), MatchedSpaced),
            Err(r#"[x] a: "Huyện" is not in match form"#.into())
        );
    }

    /// `is_squashed` as it was: one match per byte.
    fn is_squashed_bytewise(b: &[u8]) -> bool {
        if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
            return false;
        }
        let at = |i: usize| b.get(i).copied().unwrap_or(0);
        for (i, &c) in b.iter().enumerate() {
            let other_space = match c {
                b' ' => at(i + 1) == b' ',
                b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => true,
                0xC2 => matches!(at(i + 1), 0x85 | 0xA0),
                0xE1 => at(i + 1) == 0x9A && at(i + 2) == 0x80,
                0xE2 => {
                    (at(i + 1) == 0x80 && matches!(at(i + 2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)) || (at(i + 1) == 0x81 && at(i + 2) == 0x9F)
                }
                0xE3 => at(i + 1) == 0x80 && at(i + 2) == 0x80,
                _ => false,
            };
            if other_space {
                return false;
            }
        }
        true
    }

    proptest::proptest! {
        /// The searches find what the byte-by-byte scan found.
        #[test]
        fn is_squashed_agrees_with_the_bytewise_scan(s in "[a \\t\\n\\r\\u{b}\\u{c}ẠạĐ\\u{85}\\u{a0}\\u{1680}\\u{2000}-\\u{2030}\\u{205f}\\u{3000}\\u{3001}\\u{1ea0}-\\u{1eb0}]{0,16}") {
            proptest::prop_assert_eq!(is_squashed(s.as_bytes()), is_squashed_bytewise(s.as_bytes()));
        }
    }

    /// `longest_ending_at` as it was: a search of the 80 bytes before `at`.
    fn longest_ending_at_by_search<'a, T: Clone>(set: &'a PhraseSet<T>, hay: &str, at: usize) -> Option<Hit<'a, T>> {
        let from = floor_char_boundary(hay, at.saturating_sub(80));
        let slice = &hay[from..at];
        set.find_all(slice)
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

    proptest::proptest! {
        /// Walking the phrases backwards finds what searching the window before `at` found.
        #[test]
        fn longest_ending_at_agrees_with_a_search(hay in "[a bơn%~1]{0,100}", at in 0usize..100) {
            let set = PhraseSet::new(
                ["trên", "hơn", "n", "a b", "b", "~", "% ~", "ab", "1 a", "bơn", "ơn", "b"]
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p.to_string(), i)),
            );
            let at = floor_char_boundary(&hay, at.min(hay.len()));
            proptest::prop_assert_eq!(set.longest_ending_at(&hay, at), longest_ending_at_by_search(&set, &hay, at));
        }
    }

    #[test]
    fn lower_same_len_agrees_with_the_unicode_tables_on_every_vietnamese_letter() {
        let letters =
            "ĂăĐđĨĩŨũƠơƯưÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ";
        for c in letters.chars() {
            let want = c.to_lowercase().next().unwrap();
            assert_eq!(lower_same_len(c), want, "{c}");
        }
    }

    #[test]
    fn the_squashed_test_knows_every_white_space() {
        for u in 0..0x11000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let s = format!("a{c}b");
            assert_eq!(is_squashed(s.as_bytes()), !c.is_whitespace() || c == ' ', "U+{u:04X}");
        }
    }

    proptest::proptest! {
        /// The copy of an already squashed text is what splitting and joining would give.
        #[test]
        fn squashed_texts_are_left_as_they_are(s in "[a ẠạĐ\\t\\n\\u{a0}\\u{2003}\\u{3000}\\u{1ea0}-\\u{1eb0}]{0,12}") {
            let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(is_squashed(s.as_bytes()), joined == s);
            proptest::prop_assert_eq!(squash_ws(&s), joined);
        }
    }

    proptest::proptest! {
        /// The block index answers what counting the chars before each boundary answers.
        #[test]
        fn char_index_counts_the_chars_before_a_boundary(s in "[a ẠạĐđ\\u{1F600}]{0,700}") {
            let idx = CharIndex::new(&s);
            for (b, _) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
                proptest::prop_assert_eq!(idx.char_of(b), s[..b].chars().count());
            }
            proptest::prop_assert_eq!(idx.char_of(s.len() + 1), s.chars().count() + 1);
        }
    }

    #[test]
    fn squash_ws_keeps_words_and_single_spaces() {
        for (s, want) in [("  a \t b\u{a0}c\n", "a b c"), ("", ""), ("x", "x"), (" \u{3000} ", "")] {
            assert_eq!(squash_ws(s), want, "{s:?}");
        }
    }

    #[test]
    fn fast_letter_tests_agree_with_the_unicode_tables() {
        for u in (0..0x3000u32).chain(0x1E00..0x1F00) {
            let Some(c) = char::from_u32(u) else { continue };
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?} U+{u:04X}");
            assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?} U+{u:04X}");
            let mut l = c.to_lowercase();
            let want = match (l.next(), l.next()) {
                (Some(lc), None) if lc.len_utf8() == c.len_utf8() => lc,
                _ => c,
            };
            assert_eq!(lower_same_len(c), want, "{c:?} U+{u:04X}");
            // and the byte-level shortcuts of match_form agree with it
            assert_eq!(match_form(&format!("A{c}B")), format!("a{}b", lower_same_len(c)), "U+{u:04X}");
            // (and where the walk skips eight ASCII bytes at a time)
            let l = lower_same_len(c);
            assert_eq!(match_form(&format!("Ab{c}CdEfGhIj{c}K")), format!("ab{l}cdefghij{l}k"), "U+{u:04X}");
        }
    }

    #[test]
    fn match_form_lowercases_and_keeps_length() {
        for (input, want) in [
            ("Thanh Hoá", "thanh hoá"),
            ("QUÝ I", "quý i"),
            ("ĐẮK NÔNG", "đắk nông"),
            ("Luỹ Kế", "luỹ kế"),
        ] {
            let got = match_form(input);
            assert_eq!(got, want, "{input}");
            assert_eq!(got.len(), input.len(), "{input}");
        }
    }

    proptest::proptest! {
        /// Rule `clean.squash_once`: each line squashed with the text's white space looked for
        /// once is the line squashed on its own, for texts with and without other white space.
        #[test]
        fn lines_squashed_once_agree_with_squash_ws(s in "[a ă\\n\\r\\t\u{a0}\u{3000}\u{2009}x]{0,40}", plain in proptest::bool::ANY) {
            let s = if plain { s.replace(['\r', '\t', '\u{a0}', '\u{3000}', '\u{2009}'], " ") } else { s };
            let sq = super::LineSquasher::new(&s);
            let got: Vec<String> = super::lines(&s).map(|l| sq.squash(l)).collect();
            let want: Vec<String> = super::lines(&s).map(super::squash_ws).collect();
            proptest::prop_assert_eq!(got, want, "{:?}", s);
        }
    }

    proptest::proptest! {
        /// Rule `text.needles`: the cue words' kept searchers answer what `str::contains` and
        /// `str::rfind` answer, for any words (the empty one too) in any text.
        #[test]
        fn needles_answer_as_the_standard_library_does(
            words in proptest::collection::vec("[ab ă]{0,3}", 0..7),
            hay in "[ab ăx]{0,24}",
        ) {
            let n = super::Needles::from(words.clone());
            proptest::prop_assert_eq!(n.any_in(&hay), words.iter().any(|w| hay.contains(w.as_str())));
            proptest::prop_assert_eq!(n.last_in(&hay), words.iter().filter_map(|w| hay.rfind(w.as_str())).max());
            proptest::prop_assert_eq!(&*n, words.as_slice());
        }
    }

    proptest::proptest! {
        /// The vectorised line and byte searches give what the standard library's give, on any
        /// text of line breaks, carriage returns, the searched bytes and multi-byte letters.
        #[test]
        fn line_and_byte_searches_agree_with_the_standard_library(s in "[a\\r\\n;,( ăạ\u{1EA0}]{0,40}") {
            proptest::prop_assert_eq!(super::lines(&s).collect::<Vec<_>>(), s.lines().collect::<Vec<_>>());
            let mut at = 0;
            let want: Vec<(usize, &str)> = s.split('\n').map(|p| { let r = (at, p); at += p.len() + 1; r }).collect();
            proptest::prop_assert_eq!(super::split_newlines(&s).collect::<Vec<_>>(), want);
            for b in [b';', b',', b'(', b'\n'] {
                proptest::prop_assert_eq!(super::find_ascii(&s, b), s.find(char::from(b)));
                for max in [0, 3, 60] {
                    proptest::prop_assert_eq!(super::find_ascii_within(&s, b, max), s.find(char::from(b)).filter(|&k| k <= max));
                }
                proptest::prop_assert_eq!(super::rfind_ascii(&s, b), s.rfind(char::from(b)));
            }
            // rule `text.ascii_sets`: sets of one to four bytes, as the rules ask them
            for set in [&b";"[..], b",;", b",;(", b",;(."] {
                let chars: Vec<char> = set.iter().map(|&b| char::from(b)).collect();
                proptest::prop_assert_eq!(super::find_any_ascii(&s, set), s.find(chars.as_slice()));
                proptest::prop_assert_eq!(super::rfind_any_ascii(&s, set), s.rfind(chars.as_slice()));
            }
        }
    }

    proptest::proptest! {
        /// Eight bytes at a time finds the non-ASCII byte a byte-by-byte search finds, from any
        /// offset (past the end too).
        #[test]
        fn next_non_ascii_agrees_with_a_byte_search(b in proptest::collection::vec(proptest::num::u8::ANY, 0..40), from in 0usize..45) {
            let want = b.get(from..).and_then(|r| r.iter().position(|&c| c >= 0x80)).map(|k| from + k);
            proptest::prop_assert_eq!(super::next_non_ascii(&b, from), want);
        }
    }

    proptest::proptest! {
        /// The bulk form agrees with lower-casing letter by letter, on any text, and a slice of
        /// a document's match form is the match form of the slice (callers rely on both).
        #[test]
        fn match_form_is_letter_by_letter(s in "[a-zA-Z0-9 ,.ĐđẮắỆệÔôƯưÁá\\u{300}\\u{1E00}-\\u{1EFF}]{0,80}") {
            let want: String = s.chars().map(lower_same_len).collect();
            let got = match_form(&s);
            proptest::prop_assert_eq!(&got, &want);
            for (i, _) in s.char_indices() {
                proptest::prop_assert_eq!(&got[i..], match_form(&s[i..]));
            }
        }
    }

    #[test]
    fn phrases_match_under_either_tone_placement() {
        let set = PhraseSet::new([
            ("lũy kế".to_string(), 1),
            ("thanh hóa".to_string(), 2),
            ("ủy ban".to_string(), 3),
            ("quý".to_string(), 4),
        ]);
        for (text, tag) in [
            ("Luỹ kế", 1),
            ("lũy kế", 1),
            ("Thanh Hoá", 2),
            ("thanh hóa", 2),
            ("Uỷ ban", 3),
            ("quý", 4),
        ] {
            let hits = set.find_all(&match_form(text));
            assert_eq!(hits.len(), 1, "{text}");
            assert_eq!(*hits[0].tag, tag, "{text}");
        }
        assert_eq!(
            tone_variants("hoàng"),
            vec!["hoàng".to_string()],
            "closed syllables keep their tone"
        );
        assert_eq!(tone_variants("quý"), vec!["quý".to_string()], "qu + y is not a movable pair");
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

    /// Rule `scan.once`: a set answered from the document's scan finds, in every span, exactly
    /// what scanning that span on its own finds (a boundary the span cuts counts as a word
    /// boundary), and a set that is not enrolled still scans.
    #[test]
    fn find_in_equals_find_all_on_every_span() {
        let mut a = PhraseSet::new([
            ("ba".to_string(), 1),
            ("thuê bao".to_string(), 2),
            ("bao".to_string(), 3),
            ("5g".to_string(), 4),
        ]);
        let mut b = PhraseSet::new([("tỉnh".to_string(), 'p'), ("ba".to_string(), 'b'), ("hoá".to_string(), 'h')]);
        let loose = PhraseSet::new([("bao".to_string(), 0u8)]);
        let mut u = UnionBuilder::default();
        a.enroll(&mut u);
        b.enroll(&mut u);
        let union = u.build();
        let hay = match_form("Thuê bao 5G tỉnh ba, thuê baoX hóa hoá; ba-bao 15g thuêbao");
        let hits = union.scan(&hay);
        let bounds: Vec<usize> = (0..=hay.len()).filter(|&i| hay.is_char_boundary(i)).collect();
        let mut seen = 0;
        for &s in &bounds {
            for &e in bounds.iter().filter(|&&e| e >= s) {
                let spans = |v: Vec<Hit<'_, i32>>| v.iter().map(|h| (h.start, h.end, *h.tag)).collect::<Vec<_>>();
                assert_eq!(
                    spans(a.find_in(&hay, &hits, s, e)),
                    spans(a.find_all(&hay[s..e])),
                    "set a, span {s}..{e}"
                );
                let spans = |v: Vec<Hit<'_, char>>| v.iter().map(|h| (h.start, h.end, *h.tag)).collect::<Vec<_>>();
                let found = spans(b.find_in(&hay, &hits, s, e));
                assert_eq!(found, spans(b.find_all(&hay[s..e])), "set b, span {s}..{e}");
                seen += found.len();
                let spans = |v: Vec<Hit<'_, u8>>| v.iter().map(|h| (h.start, h.end, *h.tag)).collect::<Vec<_>>();
                assert_eq!(
                    spans(loose.find_in(&hay, &hits, s, e)),
                    spans(loose.find_all(&hay[s..e])),
                    "not enrolled, span {s}..{e}"
                );
                // the questions that stop early answer as the whole list does
                let all = a.find_all(&hay[s..e]);
                assert_eq!(a.any_in(&hay, &hits, s, e), !all.is_empty(), "any, span {s}..{e}");
                assert_eq!(a.first_in(&hay, &hits, s, e), all.first().copied(), "first, span {s}..{e}");
                let all = loose.find_all(&hay[s..e]);
                assert_eq!(loose.any_in(&hay, &hits, s, e), !all.is_empty(), "any, not enrolled, span {s}..{e}");
                assert_eq!(
                    loose.first_in(&hay, &hits, s, e),
                    all.first().copied(),
                    "first, not enrolled, span {s}..{e}"
                );
            }
        }
        assert!(seen > 100, "the spans hold hits of set b ({seen})");
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
