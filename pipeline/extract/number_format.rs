//! Writers of Vietnamese numbers: digit groups (`2.003.300`, `971,8`) and spelled-out whole
//! numbers (`sáu triệu hai trăm nghìn`), the inverse of [`super::number`]'s readers.
//!
//! Input: a value. Output: its text. Used by normalize (the value as the text writes it), by
//! the synthetic corpus and by the readers' round-trip tests.
//! Invariant: what these write, [`super::number::parse_digits`] and
//! [`super::number::parse_words`] read back to the same value (proptests in `number`).

/// Write a number the Vietnamese way: `.` between thousands, `,` before decimals.
pub fn format_digits(value: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, value.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s, None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let mut out = if value < 0.0 { format!("-{grouped}") } else { grouped };
    if let Some(f) = frac {
        out.push(',');
        out.push_str(&f);
    }
    out
}

const DIGIT_WORDS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];

fn spell_below_1000(n: u64, full: bool, out: &mut Vec<&'static str>) {
    let (h, t, u) = (n / 100, (n / 10) % 10, n % 10);
    if full || h > 0 {
        out.extend([DIGIT_WORDS[h as usize], "trăm"]);
        if t == 0 && u > 0 {
            out.push("lẻ");
        }
    }
    match t {
        0 => {}
        1 => out.push("mười"),
        _ => out.extend([DIGIT_WORDS[t as usize], "mươi"]),
    }
    if u > 0 {
        out.push(match (t, u) {
            (2..=9, 1) => "mốt",
            (1..=9, 5) => "lăm",
            _ => DIGIT_WORDS[u as usize],
        });
    }
}

/// Spell a whole number in Vietnamese words (`6200000` → `sáu triệu hai trăm nghìn`).
pub fn spell(n: u64) -> String {
    if n == 0 {
        return "không".into();
    }
    let scales: [(u64, &str); 3] = [(1_000_000_000, "tỷ"), (1_000_000, "triệu"), (1_000, "nghìn")];
    let mut out: Vec<String> = Vec::new();
    let mut rest = n;
    let mut started = false;
    for (s, word) in scales {
        let g = rest / s;
        rest %= s;
        if g > 0 {
            if g >= 1000 {
                // a thousand tỷ or more: the count of tỷ is itself spelled with scales
                out.push(spell(g));
            } else {
                let mut words = Vec::new();
                spell_below_1000(g, started, &mut words);
                out.extend(words.into_iter().map(String::from));
            }
            out.push(word.to_string());
            started = true;
        }
    }
    if rest > 0 {
        let mut words = Vec::new();
        spell_below_1000(rest, started, &mut words);
        out.extend(words.into_iter().map(String::from));
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_table() {
        assert_eq!(format_digits(2_003_300.0, 0), "2.003.300");
        assert_eq!(format_digits(971.8, 1), "971,8");
        assert_eq!(format_digits(999.0, 0), "999");
        assert_eq!(format_digits(1000.0, 2), "1.000,00");
        assert_eq!(spell(6_200_000), "sáu triệu hai trăm nghìn");
        assert_eq!(spell(103), "một trăm lẻ ba");
        assert_eq!(spell(21), "hai mươi mốt");
        assert_eq!(spell(15), "mười lăm");
        assert_eq!(spell(1_005), "một nghìn không trăm lẻ năm");
    }
}
