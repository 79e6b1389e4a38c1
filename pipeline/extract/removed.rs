//! Rule `count.removed`: a count of subscribers taken off the networks is no fact.
//!
//! Subscribers revoked, blocked or cut (`đã thu hồi 2,5 triệu thuê bao`, `hơn 45 triệu thuê bao
//! di động bị “khóa”`) are neither the level of subscribers nor their growth, whatever metric the
//! words around them would give the figure.
//!
//! Beside the lexicon's `cancelled` feature: that feature vetoes the subscriber metrics for a
//! whole clause that speaks of subscribers leaving (`rời mạng`, `cắt hủy`), wherever it says
//! so; this rule reads where the removal stands against the figure, so that the level left after
//! a removal keeps its fact.
//!
//! Input: the document's match form and its scan, one figure and the bounds of its own clause;
//! the cue words of `lexicon.toml` `[removed]`. Output: whether the figure is such a count.
//! Invariant: only the figure's own clause is read (a cue before the last comma or semicolon,
//! or after the next one, says nothing of it), and a level that remains after a removal stays a
//! level: a `kept` word between the cue and the figure (`sau khi thu hồi thuê bao rác toàn mạng
//! còn 120 triệu thuê bao`) keeps it.

use crate::lexicon::RemovedCues;
use crate::text::DocHits;

/// Words after the figure that are read for an `after` cue.
const AFTER_WORDS: usize = 12;

/// Is the figure at `[start, end)`, whose sentence window runs from `left_start` to
/// `right_end`, a count of subscribers taken off the networks?
pub(super) fn removed(
    cues: &RemovedCues,
    hay: &str,
    hits: &DocHits,
    left_start: usize,
    start: usize,
    end: usize,
    right_end: usize,
) -> bool {
    let own_left = &hay[left_start..start];
    let clause_start = crate::text::rfind_any_ascii(own_left, b",;").map_or(left_start, |i| left_start + i + 1);
    let before = cues
        .before
        .iter_in(hay, hits, clause_start, start)
        // (offsets relative to the clause's start)
        .any(|h| cues.kept.find_all(&hay[clause_start + h.end..start]).is_empty());
    if before {
        return true;
    }
    // the words after the figure to the clause's end, without the quotation marks real pages
    // put around the verb (`bị “trảm”`)
    let right = &hay[end..right_end.max(end)];
    let clause = right.split([',', ';']).next().unwrap_or("");
    let quotes: &[char] = &['"', '“', '”', '\'', '‘', '’', '«', '»'];
    let words: Vec<&str> = clause
        .split_whitespace()
        .take(AFTER_WORDS)
        .map(|w| w.trim_matches(|c: char| quotes.contains(&c) || c == '.' || c == '!'))
        .filter(|w| !w.is_empty())
        .collect();
    !cues.after.find_all(&words.join(" ")).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::match_form;

    /// Judge the first figure of an invented sentence: the number (with its scale word) that
    /// `figure` names; its window is the whole sentence.
    fn judged(sentence: &str, figure: &str) -> bool {
        let res = crate::extract::tests::res();
        let hay = match_form(sentence);
        let hits = res.lexicon.scan.scan(&hay);
        let start = hay.find(figure).expect("the figure is in the sentence");
        removed(&res.lexicon.removed, &hay, &hits, 0, start, start + figure.len(), hay.len())
    }

    #[test]
    fn counts_taken_off_the_networks_are_told_from_levels() {
        let cases: &[(&str, &str, bool)] = &[
            // a removal verb before the figure, in its own clause
            ("Các nhà mạng đã thu hồi 2,5 triệu thuê bao sim rác.", "2,5 triệu thuê bao", true),
            (
                "Tính riêng năm 2019, các nhà mạng đã thu hồi 3,2 triệu thuê bao sim kích hoạt sẵn.",
                "3,2 triệu thuê bao",
                true,
            ),
            (
                "Riêng năm 2016, các doanh nghiệp khoá hơn 800 nghìn thuê bao.",
                "800 nghìn thuê bao",
                true,
            ),
            // a passive removal after it, quotation marks and all
            (
                "Chỉ sau một tháng, hơn 45 triệu thuê bao di động đã bị “khóa”.",
                "45 triệu thuê bao",
                true,
            ),
            ("Trong năm, 4 triệu thuê bao kích hoạt sẵn bị thu hồi.", "4 triệu thuê bao", true),
            // a level left after the removal
            (
                "Sau khi thu hồi thuê bao rác toàn mạng còn 120 triệu thuê bao di động.",
                "120 triệu thuê bao",
                false,
            ),
            (
                "Sau khi thu hồi sim rác, toàn mạng có 120 triệu thuê bao di động.",
                "120 triệu thuê bao",
                false,
            ),
            // a removal in another clause says nothing of the figure
            (
                "Toàn tỉnh có 1,2 triệu thuê bao, một số thuê bao bị khóa do thiếu thông tin.",
                "1,2 triệu thuê bao",
                false,
            ),
            ("Toàn tỉnh có 1,2 triệu thuê bao di động.", "1,2 triệu thuê bao", false),
        ];
        for (sentence, figure, want) in cases {
            assert_eq!(judged(sentence, figure), *want, "{sentence}");
        }
    }
}
