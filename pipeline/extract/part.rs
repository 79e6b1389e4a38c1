//! Part rules: a percentage that is a part, not the province's (or the country's) level.
//!
//! Input: the match form of the document, one percentage figure and the bounds of its own
//! clause; the cue words of `lexicon.toml` `[part]`. Output: the id and reason of the rule that
//! decided, or None. Invariant: only percentages are judged, and densities per 100 inhabitants
//! by the area rule ([`area_density`]; a count of a subgroup is a district or breakdown
//! question, decided elsewhere); every rule looks only at the figure's
//! own clause, so a province-wide figure beside a subgroup's (`toàn tỉnh đạt 70%, trong khi
//! tại các xã miền núi chỉ 40%`) keeps its fact.

use crate::lexicon::PartCues;

/// The rule that makes a percentage a part, if any: (`rule id: reason`).
///
/// `hay` is the document's match form; `[clause_start, clause_end)` is the figure's own clause
/// and `[start, end)` the figure with its `%`.
pub(crate) fn judge(cues: &PartCues, hay: &str, clause_start: usize, clause_end: usize, start: usize, end: usize) -> Option<&'static str> {
    if composition(cues, hay, end) {
        return Some("part.composition: the share of one kind among a whole (`40% là ...`), not a level");
    }
    if negated(cues, hay, clause_start, start) {
        return Some("part.negated: a level not reached (`chưa ... 100%`), not a level");
    }
    if area_subgroup(cues, hay, clause_start, clause_end.max(end)) {
        return Some("part.area_subgroup: the share of one kind of area (urban, rural, mountain communes), not the whole's");
    }
    None
}

/// Rule `part.area_density`: a density per 100 inhabitants of one kind of area (`mật độ điện
/// thoại ở các địa phương thuộc vùng được cung cấp dịch vụ viễn thông công ích đạt 16 máy/100
/// dân`, `ở các xã miền núi mới đạt 5 máy/100 dân`) is that area's, not the province's.
pub(crate) fn area_density(cues: &PartCues, hay: &str, clause_start: usize, clause_end: usize) -> Option<&'static str> {
    area_subgroup(cues, hay, clause_start, clause_end)
        .then_some("part.area_density: the density of one kind of area (rural, mountain, universal-service communes), not the whole's")
}

/// Rule `part.composition`: `trong đó 20% là thuê bao 3G`, `40% là nhân viên văn phòng`: the
/// word right after the percentage says what share of the whole it is.
fn composition(cues: &PartCues, hay: &str, end: usize) -> bool {
    let after = hay[end..].trim_start_matches(' ');
    let word = after.split(|c: char| !crate::text::is_letter(c)).next().unwrap_or("");
    cues.composition_after.iter().any(|w| w == word)
}

/// Rule `part.negated`: `chưa phủ sóng cho 100% bản`: a negation among the last words before
/// the figure, inside its own clause.
fn negated(cues: &PartCues, hay: &str, clause_start: usize, start: usize) -> bool {
    let before = &hay[clause_start.min(start)..start];
    before
        .split_whitespace()
        .rev()
        .take(cues.negation_window_words)
        .any(|w| cues.negations.iter().any(|n| n == w))
}

/// Rule `part.area_subgroup`: a kind of area named with a locative (among the six words before
/// it: `ở các địa phương thuộc vùng ...`) in the figure's own clause
/// (`Tại các khu vực thành thị, khoảng 50% dân số`, `40% hộ gia đình tại các xã miền núi`),
/// unless an inclusive word introduces it (`bao gồm cả khu vực nông thôn`).
fn area_subgroup(cues: &PartCues, hay: &str, clause_start: usize, clause_end: usize) -> bool {
    let clause = &hay[clause_start..clause_end];
    cues.area_subgroups.find_all(clause).iter().any(|h| {
        let lead: Vec<&str> = clause[..h.start].split_whitespace().rev().take(6).collect();
        let located = lead.iter().any(|w| cues.area_locatives.iter().any(|l| l == w));
        let inclusive = lead.iter().any(|w| cues.area_inclusive.iter().any(|l| l == w))
            || cues
                .area_inclusive
                .iter()
                .any(|l| l.contains(' ') && clause[..h.start].trim_end().contains(l.as_str()));
        located && !inclusive
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::match_form;

    fn cues() -> PartCues {
        let r = crate::config::Resources::load(
            Some(std::path::Path::new("schemas")),
            Some(std::path::Path::new("data/reference/provinces.csv")),
        )
        .expect("resources");
        r.lexicon.part.clone()
    }

    /// The figure is the first `N%` of the sentence; its own clause runs from the sentence start
    /// (as for a sentence's first figure) to the next comma, semicolon or stop (invented
    /// sentences).
    fn judged(sentence: &str) -> Option<&'static str> {
        let hay = match_form(sentence);
        let pct = hay.find('%').expect("a percentage");
        let start = hay[..pct].rfind(' ').map_or(0, |i| i + 1);
        let end = pct + 1;
        let clause_start = 0;
        let clause_end = crate::text::find_any_ascii(&hay[end..], b",;.").map_or(hay.len(), |i| end + i);
        judge(&cues(), &hay, clause_start, clause_end, start, end).map(|r| r.split(':').next().unwrap_or(""))
    }

    #[test]
    fn parts_are_told_from_levels() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "Tại các khu vực thành thị, khoảng 50% dân số có truy cập Internet.",
                Some("part.area_subgroup"),
            ),
            (
                "Chỉ có 40% hộ gia đình tại các xã miền núi được kết nối Internet.",
                Some("part.area_subgroup"),
            ),
            ("Mạng di động đã phủ 100% số ấp, bao gồm cả khu vực nông thôn.", None),
            ("Toàn tỉnh đạt 70% hộ có Internet, trong khi ở vùng sâu chỉ 40%.", None),
            ("Hạ tầng chưa phủ sóng cho 100% bản.", Some("part.negated")),
            ("Tỷ lệ dân số được phủ sóng đạt 99,5%.", None),
            ("Người dùng Internet trẻ, 40% là nhân viên văn phòng.", Some("part.composition")),
            ("Tỷ lệ hộ có Internet đạt 72,4%, là tỉnh dẫn đầu khu vực.", None),
        ];
        for (s, want) in cases {
            assert_eq!(judged(s), *want, "{s}");
        }
    }
}
