//! Rule `clean.hard_wrap`: lines broken inside a sentence are joined again.
//!
//! Text copied from a PDF or from a fixed-width page keeps the page's line breaks, and a line
//! break makes a paragraph: the sentence `Tổng số máy điện thoại năm 1991 là 278 máy, bình quân
//! trên` / `100 dân là 0,098 máy.` would be read as two paragraphs, the figure cut from its
//! words. A line continues the one before it when that one reads as a wrapped line of prose —
//! long ([`MIN_WRAPPED_CHARS`] chars or more) and ending inside a sentence (a lowercase letter,
//! a digit or a comma) — and the line starts inside a sentence: with a lowercase letter, or with a
//! digit if it is itself prose-long (a table's value lines are short, and a table's label line
//! followed by its values stays as it is).
//!
//! Input: one document's lines, white space squashed. Output: its logical lines.
//! Invariant: a joined line is the two lines with one space between them; nothing else changes.

/// Shortest line (in chars) read as a wrapped line of prose.
const MIN_WRAPPED_CHARS: usize = 50;

/// Does `line` continue a physical line of `prev_chars` chars ending with `prev_last` (rule
/// `clean.hard_wrap`)? The line before is judged alone, not with what it was joined to: the short
/// last line of a wrapped paragraph ends it.
fn continues(prev_chars: usize, prev_last: char, line: &str) -> bool {
    let Some(first) = line.chars().next() else { return false };
    let ends_inside = prev_last.is_lowercase() || prev_last.is_ascii_digit() || prev_last == ',';
    if !ends_inside || prev_chars < MIN_WRAPPED_CHARS {
        return false;
    }
    first.is_lowercase() || (first.is_ascii_digit() && line.chars().count() >= MIN_WRAPPED_CHARS)
}

/// Join the lines that continue the line before them. Each line is measured once.
pub(super) fn join_wrapped(lines: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // the previous physical line: its length in chars and its last char
    let mut prev: Option<(usize, char)> = None;
    for line in lines {
        let shape = line.chars().next_back().map(|last| (line.chars().count(), last));
        match (out.last_mut(), prev) {
            (Some(joined), Some((n, last))) if continues(n, last, &line) => {
                joined.push(' ');
                joined.push_str(&line);
            }
            _ => out.push(line),
        }
        prev = shape;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(text: &str) -> Vec<String> {
        join_wrapped(text.lines().map(String::from))
    }

    #[test]
    fn a_sentence_broken_by_the_page_is_one_line_again() {
        let text = "Tổng số máy điện thoại của tỉnh năm 1991 là 278 máy, bình quân trên\n100 dân là 0,098 máy, con số còn rất thấp so với cả nước khi đó.";
        assert_eq!(
            join(text),
            [
                "Tổng số máy điện thoại của tỉnh năm 1991 là 278 máy, bình quân trên 100 dân là 0,098 máy, con số còn rất thấp so với cả nước khi đó."
            ]
        );
        let text = "Mạng thông tin di động đã được đầu tư tại 100% xã; 99,5% thôn, bản\nđã được phủ sóng điện thoại di động.";
        assert_eq!(join(text).len(), 1);
        // the short last line of a wrapped paragraph ends it, whatever it was joined to
        let text = "Tổng số máy điện thoại của tỉnh năm 1991 là 278 máy, bình quân trên\nmỗi 100 dân chỉ có 0,098 máy, còn rất thấp\nso với cả nước khi đó.";
        assert_eq!(join(text).len(), 2);
    }

    #[test]
    fn headings_tables_and_finished_sentences_stay_apart() {
        let keep: &[&str] = &[
            // the line before ends a sentence
            "Tổng số thuê bao điện thoại di động toàn tỉnh đạt 1,2 triệu thuê bao.\nthuê bao internet tăng",
            // a short heading
            "1. Mạng viễn thông\ndi động",
            // a table: a long label, then its short values
            "Tổng số thuê bao điện thoại di động có phát sinh lưu lượng\n1.234.567\n1.345.678",
            // the next line starts a new sentence
            "Tổng số thuê bao điện thoại di động toàn tỉnh đạt 1,2 triệu thuê bao\nSố trạm BTS là 1.200 trạm.",
        ];
        for text in keep {
            assert_eq!(join(text).len(), text.lines().count(), "{text:?}");
        }
    }
}
