//! Digit tokens: where a written number's digits start and end (`2.003.300`, `971,8`,
//! `73.0000`), before any reading of their value ([`super::number`]) or unit
//! ([`super::quantity`]).
//!
//! Input: a sentence's text (any form: digits and separators are ASCII). Output: byte spans.
//! Invariant: a token is digit runs joined by single `.` or `,`, exactly what the pattern
//! `[0-9]+(?:[.,][0-9]+)*` reads (a property test holds the two together); a separator with no
//! digit after it ends the token.

/// The end of the digit token that starts at byte `i` (an ASCII digit): digit runs joined by
/// single `.` or `,` (`2.003.300`, `971,8`), as the pattern `[0-9]+(?:[.,][0-9]+)*` reads them,
/// by hand (a byte loop, where the regular expression cost a search per token).
fn token_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    while i + 1 < b.len() && matches!(b[i], b'.' | b',') && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    i
}

/// The first digit token in `hay[from..to]`: its start and end.
pub(super) fn next_token(hay: &str, from: usize, to: usize) -> Option<(usize, usize)> {
    let b = &hay.as_bytes()[..to];
    let start = from + first_digit(&b[from..])?;
    Some((start, token_end(b, start)))
}

/// The numbers of exactly four digits written alone, with an ASCII word boundary on each side
/// (no letter, digit or `_` beside them), as `(?-u:\b)([0-9]{4})(?-u:\b)` finds them: (start,
/// end, value). A match is a whole run of digits four long (a digit beside it would be a word
/// byte), so the runs are walked, not every position.
pub(crate) fn four_digit_numbers(b: &[u8]) -> impl Iterator<Item = (usize, usize, i32)> + '_ {
    let word = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let p = at + first_digit(&b[at..])?;
            let end = p + b[p..].iter().take_while(|c| c.is_ascii_digit()).count();
            at = end;
            if end - p != 4 || (p > 0 && word(p - 1)) || word(end) {
                continue;
            }
            return Some((p, end, b[p..end].iter().fold(0i32, |y, d| y * 10 + i32::from(d - b'0'))));
        }
    })
}

/// The offset of the first ASCII digit of `b`, eight bytes at a time: a byte XOR `0x30` is
/// below 10 exactly when it was a digit, and the lowest byte the "some byte is below 10" test
/// flags is the first such byte (the test's false flags only follow a true one).
pub(crate) fn first_digit(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let y = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) ^ (0x30 * ONES);
        let below_ten = y.wrapping_sub(10 * ONES) & !y & (0x80 * ONES);
        if below_ten != 0 {
            return Some(i + below_ten.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    b[i..].iter().position(u8::is_ascii_digit).map(|k| i + k)
}

/// Digit token starting exactly at `i`, if any.
pub(super) fn token_at(hay: &str, i: usize) -> Option<(usize, usize)> {
    hay.as_bytes()
        .get(i)
        .is_some_and(u8::is_ascii_digit)
        .then(|| (i, token_end(hay.as_bytes(), i)))
}

#[cfg(test)]
mod tests {
    use super::{first_digit, four_digit_numbers, next_token, token_at};

    proptest::proptest! {
        /// Eight bytes at a time finds the digit a byte-by-byte search finds.
        #[test]
        fn first_digit_agrees_with_a_byte_search(b in proptest::collection::vec(proptest::num::u8::ANY, 0..40)) {
            proptest::prop_assert_eq!(first_digit(&b), b.iter().position(u8::is_ascii_digit));
        }

        #[test]
        fn four_digit_numbers_are_what_the_pattern_finds(s in "([0-9]{1,5}|[a_ .,/ă-]){0,12}") {
            let re = regex::Regex::new(r"(?-u:\b)([0-9]{4})(?-u:\b)").unwrap();
            let want: Vec<(usize, usize, i32)> = re.find_iter(&s).map(|m| (m.start(), m.end(), m.as_str().parse().unwrap())).collect();
            let got: Vec<(usize, usize, i32)> = four_digit_numbers(s.as_bytes()).collect();
            proptest::prop_assert_eq!(got, want);
        }

        #[test]
        fn first_digit_in_text(s in "[a0-9:/;@ ă\\u{1EA0}-\\u{1EF9}]{0,30}") {
            proptest::prop_assert_eq!(first_digit(s.as_bytes()), s.bytes().position(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn digit_tokens_join_groups_by_one_separator() {
        fn t(s: &str) -> Option<&str> {
            next_token(s, 0, s.len()).map(|(a, b)| &s[a..b])
        }
        assert_eq!(t("đạt 2.003.300 thuê bao"), Some("2.003.300"));
        assert_eq!(t("971,8 tỷ"), Some("971,8"));
        // a separator needs a digit after it
        assert_eq!(t("năm 2020, tăng"), Some("2020"));
        assert_eq!(t("12.,5"), Some("12"));
        assert_eq!(t("không có số"), None);
        assert_eq!(token_at("a 73.0000 b", 2), Some((2, 9)));
        assert_eq!(token_at("a 73", 1), None);
    }

    proptest::proptest! {
        /// The byte loop reads every token the pattern `[0-9]+(?:[.,][0-9]+)*` reads.
        #[test]
        fn digit_tokens_agree_with_the_pattern(s in "[0-9.,a ă]{0,24}", from in 0usize..24, cut in 0usize..24) {
            let re = regex::Regex::new(r"[0-9]+(?:[.,][0-9]+)*").unwrap();
            let to = crate::text::floor_char_boundary(&s, cut.max(from).min(s.len()));
            let from = crate::text::floor_char_boundary(&s, from.min(to));
            let want = re.find_at(&s[..to], from).map(|m| (m.start(), m.end()));
            proptest::prop_assert_eq!(next_token(&s, from, to), want);
        }
    }
}
