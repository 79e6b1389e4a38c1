//! Comparison rules: a figure that compares (a growth rate, a share of plan, a difference)
//! rather than states a level.
//!
//! Input: a quantity, its own clause and the words after it. Output: the [`Compare`] it makes,
//! if any. Invariant: the figure's unit decides: a percentage can be a rate or a share of plan,
//! any other figure only a difference.

use super::{DocCtx, Quantity};
use crate::lexicon::CompareCue;
use crate::records::UnitKind;

/// The comparison a quantity makes, if it is one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Compare {
    Growth {
        pct: f64,
        verb: bool,
    },
    PlanShare(f64),
    /// A difference between periods or units, not a level: the rule that said so, with why.
    Difference(&'static str),
}

/// The first `n` words of `s`, joined by single spaces: a slice of `s` when its words are
/// already (cleaned text is), a new string otherwise.
pub(super) fn leading_words(s: &str, n: usize) -> std::borrow::Cow<'_, str> {
    // the text up to the n-th space: when it is squashed, its words are the first n
    let end = n
        .checked_sub(1)
        .and_then(|k| memchr::memchr_iter(b' ', s.as_bytes()).nth(k))
        .unwrap_or(s.len());
    let head = &s[..end];
    if n > 0 && !head.is_empty() && crate::text::is_squashed(head.as_bytes()) {
        return std::borrow::Cow::Borrowed(head);
    }
    let mut out = String::new();
    for w in s.split_whitespace().take(n) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    std::borrow::Cow::Owned(out)
}

pub(super) fn comparison(ctx: &DocCtx<'_>, q: &Quantity, sentence_start: usize, left_start: usize, right_end: usize) -> Option<Compare> {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let mut before = hay[left_start..q.start].trim_end();
    // a verb set off by a colon (`di động giảm: 3.642 thuê bao`) is still the figure's
    before = before.strip_suffix(':').map_or(before, str::trim_end);
    // hedges between the verb and its figure (`giảm khoảng hơn 1 triệu`, `tăng thêm gần 300`)
    let words = &lex.compare_words;
    while let Some(w) = words
        .hedges
        .iter()
        .find(|w| before.ends_with(w.as_str()) && before[..before.len() - w.len()].ends_with(' '))
    {
        before = before[..before.len() - w.len()].trim_end();
    }
    let verb = lex
        .compare
        .longest_ending_at(hay, left_start + before.len())
        .filter(|h| *h.tag == CompareCue::GrowthVerb)
        .map(|h| &hay[h.start..h.end]);
    let right = &hay[q.end..right_end.max(q.end)];
    let right_trim = right.trim_start();
    // (each test below is pure and asked only when the rules before it did not decide: most
    // figures are decided by the first, or by none)
    if q.unit_kind != UnitKind::Percent {
        let own_left = &hay[left_start..q.start];
        // only the figure's own clause: `giảm so với cùng kỳ; mật độ 142,7` is no difference
        let clause_start = crate::text::rfind_any_ascii(own_left, b",;").map_or(left_start, |i| left_start + i + 1);
        // (rule `unit.per_person`: `mỗi người ... 1,33 thuê bao` read as a density is a level,
        // its `mỗi người` no difference)
        let difference_cue = || {
            lex.difference
                .iter_in(hay, &ctx.hits, clause_start, q.start)
                .any(|h| !q.per_person.is_some_and(|(a, b)| h.start < b && a < h.end))
        };
        let falling = || verb.is_some_and(|v| words.falling_count.iter().any(|w| v.starts_with(w.as_str())));
        let versus_after = || {
            let six = leading_words(right_trim, 6);
            words.versus_after.iter().any(|w| six.contains(w.as_str()))
        };
        let growth_in_clause = || {
            lex.compare
                .iter_in(hay, &ctx.hits, clause_start, q.start)
                .any(|h| *h.tag == CompareCue::GrowthVerb)
        };
        // `So với cùng kỳ, thuê bao ... giảm 8.430; thuê bao Internet tăng 17.920`
        let sentence_versus = || {
            words
                .sentence_versus
                .iter()
                .any(|w| hay[sentence_start..q.start].contains(w.as_str()))
        };
        // `phát triển mới trong tháng 6 là 300.000 so với tháng 5`: a count set against another
        // month right after it is the change between the two, not a level
        let against_month = || words.against_month.iter().any(|w| right_trim.starts_with(w.as_str()));
        let rule = if difference_cue() {
            "compare.difference_words: a word of difference or of a per-unit average in its clause (lexicon [comparison] difference: chênh lệch, nhiều hơn, bình quân mỗi, ...)"
        } else if falling() {
            "compare.falling: a count that fell (giảm, thấp hơn) is a change, not a level"
        } else if against_month() {
            "compare.against_month: a count set against another month right after it is the change between the two"
        } else if (verb.is_some() || growth_in_clause()) && versus_after() {
            "compare.versus_after: a change (tăng, phát triển thêm) against another period named right after it"
        } else if verb.is_some() && sentence_versus() {
            "compare.versus_sentence: a change in a sentence that compares with another period (so với ...)"
        } else {
            return None;
        };
        return Some(Compare::Difference(rule));
    }
    let first_words = leading_words(right_trim, 4);
    let after_cues = lex.compare.find_all(first_words.as_ref());
    let versus = after_cues.iter().any(|h| *h.tag == CompareCue::Versus && h.start == 0)
        || words.versus_openers.iter().any(|w| first_words.starts_with(w.as_str()));
    // (rule `compare.versus_plan`: `vượt 3,75% so với kế hoạch 133.000 tỷ đồng` is a share of
    // plan too, the plan named after `so với`)
    let plan = after_cues.iter().any(|h| {
        *h.tag == CompareCue::PlanShare
            && (h.start == 0
                || after_cues.iter().any(|v| {
                    *v.tag == CompareCue::Versus && v.start == 0 && v.end < h.start && first_words[v.end..h.start].trim().is_empty()
                }))
    });
    let rising = verb.is_some_and(|v| words.rising_rate.iter().any(|w| v.starts_with(w.as_str())));
    let falling = verb.is_some_and(|v| words.falling_rate.iter().any(|w| v.starts_with(w.as_str())));
    if plan {
        return Some(Compare::PlanShare(if rising { 100.0 + q.value } else { q.value }));
    }
    if rising || falling {
        let pct = if falling { -q.value } else { q.value };
        return Some(Compare::Growth { pct, verb: true });
    }
    if versus {
        // `bằng 109% cùng kỳ`, `đạt 102,8% so với cùng kỳ`: an index, 100 = no change
        let pct = if q.value > 50.0 { q.value - 100.0 } else { q.value };
        return Some(Compare::Growth { pct, verb: false });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::leading_words;

    #[test]
    fn a_difference_names_the_rule_that_found_it() {
        // (invented sentences on a page of 2019: the count, and the rule its reason names)
        let cases = [
            ("Bình quân mỗi huyện có 45 trạm BTS.", "`45 trạm BTS`", "compare.difference_words"),
            ("Số thuê bao cố định giảm 2.000 thuê bao.", "`2.000 thuê bao`", "compare.falling"),
            (
                "Số thuê bao phát triển mới trong tháng 6 là 3.000 so với tháng 5.",
                "`3.000`",
                "compare.against_month",
            ),
            (
                "Số thuê bao Internet tăng 1.200 thuê bao so với cùng kỳ.",
                "`1.200 thuê bao`",
                "compare.versus_after",
            ),
        ];
        for (text, figure, rule) in cases {
            let (out, line, reason) = crate::extract::tests::judged(text, |l| l.contains(figure));
            assert!(line.starts_with("comparison"), "{text}:\n{out}");
            assert!(reason.starts_with(rule), "{text}: wants {rule}:\n{out}");
        }
    }

    proptest::proptest! {
        /// The slice, when taken, is the words split and joined again.
        #[test]
        fn leading_words_are_the_words_joined(s in "[ab \\t\\u{a0}ă]{0,14}", n in 0usize..6) {
            let joined = s.split_whitespace().take(n).collect::<Vec<_>>().join(" ");
            let got = leading_words(&s, n);
            proptest::prop_assert_eq!(got.as_ref(), joined.as_str());
        }
    }

    #[test]
    fn cleaned_text_is_sliced_not_copied() {
        assert!(matches!(
            leading_words("so với cùng kỳ năm trước", 4),
            std::borrow::Cow::Borrowed("so với cùng kỳ")
        ));
        assert_eq!(leading_words("  so  với", 4), "so với");
    }
}
