//! The Vietnamese number grammar: digit groups, scale words, spelled-out numbers.
//!
//! Vietnamese writes `.` between thousands and `,` before decimals (`2.003.300`, `971,8`), but
//! outlets also use the English convention and make typos (`73.0000`). [`parse_digits`] decides
//! from the digit groups, never by guessing from the locale, and reports what it could not
//! decide (`ambiguous`) or had to repair (`malformed`). [`combine_scaled`] applies scale words
//! (`1 triệu 300 nghìn`, `95,7 nghìn tỷ`, `2 tỷ rưỡi`); [`parse_words`] reads spelled-out
//! numbers (`sáu triệu hai trăm nghìn`, `một trăm lẻ ba`, `hai mươi tư`). The writers of numbers are
//! in [`super::number_format`].

use crate::lexicon::NumWord;

/// How a digit token was read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DigitReading {
    pub value: f64,
    /// The groups follow no convention; `value` is the best reading.
    pub malformed: bool,
    /// One comma before exactly three digits (`17,045`): thousands or decimals? `value` is the
    /// thousands reading; `decimal_alt` the other.
    pub ambiguous: bool,
    pub decimal_alt: f64,
    /// The value has a fractional part as written.
    pub has_decimals: bool,
}

fn digits_value(s: &str) -> f64 {
    s.parse::<f64>().unwrap_or(f64::NAN)
}

fn with_decimals(int: &str, frac: &str) -> f64 {
    joined_value([int, ".", frac])
}

/// The value of `pieces` written one after the other (`["1", "460"]` is 1460), read as
/// [`digits_value`] reads the joined text: joined in a buffer on the stack, not in a new
/// `String` per number (a number's pieces take a few dozen bytes; longer ones are joined on the
/// heap).
fn joined_value<'a>(pieces: impl IntoIterator<Item = &'a str> + Clone) -> f64 {
    let mut buf = [0u8; 64];
    let mut n = 0;
    for p in pieces.clone() {
        let Some(dst) = buf.get_mut(n..n + p.len()) else {
            return digits_value(&pieces.into_iter().collect::<String>());
        };
        dst.copy_from_slice(p.as_bytes());
        n += p.len();
    }
    digits_value(std::str::from_utf8(&buf[..n]).expect("whole strs joined"))
}

/// Read a token of digits and separators (`[0-9]+([.,][0-9]+)*`).
pub fn parse_digits(tok: &str) -> Option<DigitReading> {
    if tok.is_empty() || !tok.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // (most numbers are written with no separator: read without collecting groups)
    if tok.bytes().all(|b| b.is_ascii_digit()) {
        let value = digits_value(tok);
        return Some(DigitReading {
            value,
            malformed: false,
            ambiguous: false,
            decimal_alt: value,
            has_decimals: false,
        });
    }
    // (a number has a handful of groups: kept on the stack, not allocated per number)
    let mut groups: smallvec::SmallVec<[&str; 8]> = smallvec::SmallVec::new();
    let mut seps: smallvec::SmallVec<[char; 8]> = smallvec::SmallVec::new();
    let mut start = 0;
    for (i, c) in tok.char_indices() {
        if c == '.' || c == ',' {
            groups.push(&tok[start..i]);
            seps.push(c);
            start = i + 1;
        } else if !c.is_ascii_digit() {
            return None;
        }
    }
    groups.push(&tok[start..]);
    if groups.iter().any(|g| g.is_empty()) {
        return None;
    }
    let plain = |value: f64, has_decimals: bool| DigitReading {
        value,
        malformed: false,
        ambiguous: false,
        decimal_alt: value,
        has_decimals,
    };
    if seps.is_empty() {
        return Some(plain(digits_value(tok), false));
    }
    let all_three = |gs: &[&str]| gs.iter().all(|g| g.len() == 3);
    let first_ok = groups[0].len() <= 3;
    let mixed = seps.iter().any(|&c| c != seps[0]);
    if mixed {
        // the last separator is the decimal mark when it differs from all others
        let dec = *seps.last().unwrap();
        let thousands_sep = seps[0];
        let consistent = seps[..seps.len() - 1].iter().all(|&c| c == thousands_sep) && dec != thousands_sep;
        let (int, frac) = groups.split_at(groups.len() - 1);
        let value = joined_value(int.iter().copied().chain([".", frac[0]]));
        let ok = consistent && first_ok && all_three(&groups[1..groups.len() - 1]);
        return Some(DigitReading {
            value,
            malformed: !ok,
            ambiguous: false,
            decimal_alt: value,
            has_decimals: true,
        });
    }
    let sep = seps[0];
    if groups.len() == 2 {
        let (a, b) = (groups[0], groups[1]);
        return Some(match (sep, b.len()) {
            // one dot before three digits: Vietnamese thousands (1.460)
            ('.', 3) => DigitReading {
                value: joined_value([a, b]),
                malformed: !first_ok,
                ambiguous: false,
                decimal_alt: with_decimals(a, b),
                has_decimals: false,
            },
            // one comma before one or two digits: Vietnamese decimals (971,8)
            (',', 1 | 2) | ('.', 1 | 2) => plain(with_decimals(a, b), true),
            // one comma before three digits: English thousands or Vietnamese decimals
            (',', 3) => DigitReading {
                value: joined_value([a, b]),
                malformed: false,
                ambiguous: true,
                decimal_alt: with_decimals(a, b),
                has_decimals: false,
            },
            // more than three digits after a dot: a typo. `73.0000` is `73.000` with a zero too many
            ('.', _) => {
                let trimmed = b.trim_end_matches('0');
                if trimmed.len() <= 3 {
                    // (`trimmed` padded with zeros to three digits)
                    DigitReading {
                        value: joined_value([a, trimmed, &"000"[trimmed.len()..]]),
                        malformed: true,
                        ambiguous: false,
                        decimal_alt: with_decimals(a, b),
                        has_decimals: false,
                    }
                } else {
                    // (one reading: the decimals as written, and no other)
                    let decimals = with_decimals(a, b);
                    DigitReading {
                        value: decimals,
                        malformed: true,
                        ambiguous: false,
                        decimal_alt: decimals,
                        has_decimals: true,
                    }
                }
            }
            // comma before four or more digits: decimals (1,2345)
            _ => plain(with_decimals(a, b), true),
        });
    }
    // several separators of one kind: thousands
    let value = joined_value(groups.iter().copied());
    let ok = first_ok && all_three(&groups[1..]);
    if ok {
        return Some(plain(value, false));
    }
    // best reading of a broken grouping: drop surplus trailing zeros of over-long groups
    let fixed = groups.iter().enumerate().map(|(i, g)| {
        if i > 0 && g.len() > 3 && g[3..].chars().all(|c| c == '0') {
            &g[..3]
        } else {
            *g
        }
    });
    Some(DigitReading {
        value: joined_value(fixed),
        malformed: true,
        ambiguous: false,
        decimal_alt: value,
        has_decimals: false,
    })
}

/// Apply scale words to a sequence of (number, scales that follow it) parts:
/// `1 triệu 300 nghìn` = `[(1, [1e6]), (300, [1e3])]`. Scales must fall from part to part;
/// `half` adds half of the last scale (`2 tỷ rưỡi`). Returns None when the parts do not form
/// one quantity.
pub fn combine_scaled(parts: &[(f64, Vec<f64>)], half: bool) -> Option<f64> {
    let mut total = 0.0;
    let mut last_scale = f64::INFINITY;
    for (i, (n, scales)) in parts.iter().enumerate() {
        let scale: f64 = scales.iter().product();
        if i > 0 && (scales.is_empty() || scale >= last_scale) {
            return None;
        }
        total += n * scale;
        last_scale = scale;
    }
    if half && last_scale.is_finite() && last_scale > 1.0 {
        total += 0.5 * last_scale;
    }
    Some(total)
}

/// Read spelled-out number words. None when they do not form a number.
pub fn parse_words(words: &[NumWord]) -> Option<f64> {
    if words.is_empty() {
        return None;
    }
    let mut total = 0.0; // completed groups above the current scale
    let mut group = 0.0; // value below 1000 being built
    // a digit word not yet placed, and whether it came right after `trăm`
    // (`hai trăm năm` is 250 colloquially, `hai trăm năm mươi` is 250 too, `hai trăm lẻ năm` 205)
    let mut pending: Option<(f64, bool)> = None;
    let mut prev: Option<NumWord> = None;
    let mut last_scale = f64::INFINITY;
    let mut saw_any = false;
    let flush = |pending: &mut Option<(f64, bool)>| match pending.take() {
        Some((d, true)) => d * 10.0,
        Some((d, false)) => d,
        None => 0.0,
    };
    for &w in words {
        match w {
            NumWord::Digit(d) => {
                let d = f64::from(d);
                match prev {
                    Some(NumWord::TensMarker) | Some(NumWord::Ten) | Some(NumWord::ZeroFiller) => group += d,
                    Some(NumWord::Hundred) => pending = Some((d, true)),
                    Some(NumWord::Digit(_)) => return None,
                    _ => pending = Some((d, false)),
                }
            }
            NumWord::Ten => {
                if pending.is_some() || matches!(prev, Some(NumWord::Ten | NumWord::TensMarker)) {
                    return None;
                }
                group += 10.0;
            }
            NumWord::TensMarker => {
                let (d, _) = pending.take()?;
                group += d * 10.0;
            }
            NumWord::Hundred => {
                let d = pending.take().map_or(1.0, |p| p.0);
                if group >= 100.0 {
                    return None;
                }
                group += d * 100.0;
            }
            NumWord::ZeroFiller => {
                if !matches!(prev, Some(NumWord::Hundred) | Some(NumWord::Scale(_))) {
                    return None;
                }
            }
            NumWord::Scale(s) => {
                let g = group + flush(&mut pending);
                let g = if g == 0.0 && !saw_any { 1.0 } else { g };
                if s >= last_scale {
                    // `nghìn tỷ` written as two words multiplies the group just closed
                    total = (total + g) * s;
                } else {
                    total += g * s;
                }
                last_scale = s;
                group = 0.0;
            }
            NumWord::Half => {
                if let Some(NumWord::Scale(s)) = prev {
                    total += 0.5 * s;
                } else if let Some(NumWord::Hundred) = prev {
                    group += 50.0;
                } else {
                    return None;
                }
            }
        }
        saw_any = true;
        prev = Some(w);
    }
    Some(total + group + flush(&mut pending))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::number_format::{format_digits, spell};
    use proptest::prelude::*;

    #[test]
    fn digit_groups_table() {
        // (token, value, malformed, ambiguous)
        let cases: &[(&str, f64, bool, bool)] = &[
            ("2.003.300", 2_003_300.0, false, false),
            ("17045", 17_045.0, false, false),
            ("971,8", 971.8, false, false),
            ("80,98", 80.98, false, false),
            ("05", 5.0, false, false),
            ("01", 1.0, false, false),
            ("1.460", 1_460.0, false, false),
            ("20,719", 20_719.0, false, true),
            ("95,7", 95.7, false, false),
            ("7.271", 7_271.0, false, false),
            ("40.532.154", 40_532_154.0, false, false),
            ("73.0000", 73_000.0, true, false),
            ("1.234,5", 1_234.5, false, false),
            ("1,234.5", 1_234.5, false, false),
            ("2,003,300", 2_003_300.0, false, false),
            ("4.0", 4.0, false, false),
            ("2.5", 2.5, false, false),
            ("1,2345", 1.2345, false, false),
            ("12.34.567", 1_234_567.0, true, false),
            ("1.20.000", 120_000.0, true, false),
            ("0", 0.0, false, false),
            ("100", 100.0, false, false),
            ("29,98", 29.98, false, false),
            ("3,8", 3.8, false, false),
            ("154,5", 154.5, false, false),
            ("1.070.000", 1_070_000.0, false, false),
            ("6.200.000", 6_200_000.0, false, false),
            ("2.910", 2_910.0, false, false),
            ("811.928", 811_928.0, false, false),
            ("30,95", 30.95, false, false),
            ("10,74", 10.74, false, false),
        ];
        for &(tok, value, malformed, ambiguous) in cases {
            let r = parse_digits(tok).unwrap_or_else(|| panic!("{tok} did not parse"));
            assert!((r.value - value).abs() < 1e-9, "{tok}: {} != {value}", r.value);
            assert_eq!(r.malformed, malformed, "{tok} malformed");
            assert_eq!(r.ambiguous, ambiguous, "{tok} ambiguous");
        }
        assert!((parse_digits("20,719").unwrap().decimal_alt - 20.719).abs() < 1e-9);
        for bad in ["", ".5", "5.", "1..2", "a1", "1,,2"] {
            assert_eq!(parse_digits(bad), None, "{bad:?}");
        }
    }

    fn w(words: &str) -> Vec<NumWord> {
        words
            .split_whitespace()
            .map(|x| match x {
                "không" => NumWord::Digit(0),
                "một" | "mốt" => NumWord::Digit(1),
                "hai" => NumWord::Digit(2),
                "ba" => NumWord::Digit(3),
                "bốn" | "tư" => NumWord::Digit(4),
                "năm" | "lăm" => NumWord::Digit(5),
                "sáu" => NumWord::Digit(6),
                "bảy" => NumWord::Digit(7),
                "tám" => NumWord::Digit(8),
                "chín" => NumWord::Digit(9),
                "mười" => NumWord::Ten,
                "mươi" => NumWord::TensMarker,
                "trăm" => NumWord::Hundred,
                "lẻ" | "linh" => NumWord::ZeroFiller,
                "rưỡi" => NumWord::Half,
                "nghìn" | "ngàn" => NumWord::Scale(1e3),
                "triệu" => NumWord::Scale(1e6),
                "tỷ" | "tỉ" => NumWord::Scale(1e9),
                other => panic!("unknown word {other}"),
            })
            .collect()
    }

    #[test]
    fn spelled_out_numbers_table() {
        let cases: &[(&str, f64)] = &[
            ("sáu triệu hai trăm nghìn", 6_200_000.0),
            ("một trăm lẻ ba", 103.0),
            ("hai mươi tư", 24.0),
            ("mười lăm", 15.0),
            ("hai mươi mốt", 21.0),
            ("ba mươi", 30.0),
            ("mười", 10.0),
            ("chín trăm chín mươi chín", 999.0),
            ("một nghìn không trăm linh năm", 1005.0),
            ("hai tỷ rưỡi", 2_500_000_000.0),
            ("một triệu rưỡi", 1_500_000.0),
            ("bảy trăm nghìn", 700_000.0),
            ("mười hai triệu năm trăm nghìn", 12_500_000.0),
            ("năm mươi lăm", 55.0),
            ("một nghìn tỷ", 1e12),
            ("hai trăm rưỡi", 250.0),
            ("bốn mươi nghìn", 40_000.0),
        ];
        for &(words, value) in cases {
            assert_eq!(parse_words(&w(words)), Some(value), "{words}");
        }
        for bad in ["hai ba", "mươi", "mười mười"] {
            assert_eq!(parse_words(&w(bad)), None, "{bad}");
        }
    }

    #[test]
    fn scale_words_table() {
        type Parts<'a> = &'a [(f64, &'a [f64])];
        let cases: &[(Parts, bool, Option<f64>)] = &[
            (&[(2910.0, &[1e9])], false, Some(2.91e12)),
            (&[(1.0, &[1e6]), (300.0, &[1e3])], false, Some(1_300_000.0)),
            (&[(95.7, &[1e12])], false, Some(95.7e12)),
            (&[(1460.0, &[1e3])], false, Some(1_460_000.0)),
            (&[(2.0, &[1e9])], true, Some(2.5e9)),
            (&[(1.0, &[1e3]), (300.0, &[1e6])], false, None),
            (&[(1.0, &[1e6]), (300.0, &[])], false, None),
            (&[(140.0, &[])], false, Some(140.0)),
        ];
        for (parts, half, want) in cases {
            let parts: Vec<(f64, Vec<f64>)> = parts.iter().map(|(n, s)| (*n, s.to_vec())).collect();
            let got = combine_scaled(&parts, *half);
            match (got, want) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-3 * w.abs().max(1.0), "{parts:?}: {g} != {w}"),
                (g, w) => assert_eq!(g, *w, "{parts:?}"),
            }
        }
    }

    proptest! {
        #[test]
        fn formatted_digits_parse_back(int in 0u64..10_000_000_000, dec in 0usize..3) {
            let value = if dec == 0 { int as f64 } else { int as f64 / 10f64.powi(dec as i32) };
            let text = format_digits(value, dec);
            let r = parse_digits(&text).unwrap();
            prop_assert!(!r.malformed, "{text} flagged malformed");
            // a single comma before exactly three digits is read as thousands (ambiguous)
            let got = if r.ambiguous { r.decimal_alt } else { r.value };
            prop_assert!((got - value).abs() <= 1e-9 * value.abs().max(1.0), "{} -> {}", text, got);
        }

        /// [`joined_value`] reads what parsing the joined text reads, bit for bit, whether the
        /// pieces fit its stack buffer or not (the generator reaches past its 64 bytes).
        #[test]
        fn joined_pieces_read_as_the_joined_text(groups in proptest::collection::vec(("[0-9]{1,16}", any::<bool>()), 1..16)) {
            // (digit groups, each followed by a decimal point or not: about half the cases are
            // longer than the buffer)
            let pieces: Vec<String> = groups.into_iter().map(|(g, dot)| if dot { format!("{g}.") } else { g }).collect();
            let joined: String = pieces.concat();
            let got = joined_value(pieces.iter().map(String::as_str));
            prop_assert_eq!(got.to_bits(), digits_value(&joined).to_bits(), "{}", joined);
        }

        #[test]
        fn spelled_numbers_parse_back(n in 0u64..2_000_000_000_000) {
            let text = spell(n);
            let got = parse_words(&w(&text));
            prop_assert_eq!(got, Some(n as f64), "{}", text);
        }
    }
}
