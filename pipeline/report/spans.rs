//! Spans to highlights: the document text as HTML with every fact and mention marked.
//!
//! Input: the cleaned text and [`Mark`]s whose spans are Unicode code points into it (the
//! tables' `char_start`/`char_end`), in any order, overlapping or nested.
//! Output: HTML in which every mark's characters sit inside `<mark>` elements carrying its
//! attributes. Marks that nest become nested elements; a mark that crosses another's end is
//! split into pieces (the first gets [`Mark::first`], later ones [`Mark::rest`]), so the HTML
//! is always well formed.
//! Invariants: the text content of the output equals the text; the pieces of a mark cover
//! exactly its span; a span past the end is clamped to the text and an empty or reversed one
//! gives no element (the caller lists those marks as not placed).

use std::collections::BTreeSet;

use super::escape::push_html;

/// A span to highlight and the opening tags of its pieces (each closed by `</mark>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mark {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Opening tag of the first piece, e.g. `<mark class="f" id="f-0" tabindex="0">`.
    pub first: String,
    /// Opening tag of every later piece (no id, not focusable).
    pub rest: String,
}

/// Byte offset of every code point of `text`, and the text's length at index `n`.
pub(crate) fn char_offsets(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    v.push(text.len());
    v
}

/// Render `text` with `marks` highlighted. Returns the HTML and the indices of marks that
/// could not be placed (empty or starting past the end of the text).
///
/// ```text
/// text "Đạt 1.070.000 thuê bao", mark 4..13 → "Đạt <mark>1.070.000</mark> thuê bao"
/// ```
pub(crate) fn render(text: &str, marks: &[Mark]) -> (String, Vec<usize>) {
    let offs = char_offsets(text);
    let n = offs.len() - 1;
    let mut unplaced = Vec::new();
    // (start, end, index) of every placeable mark, clamped to the text
    let mut spans: Vec<(usize, usize, usize)> = Vec::with_capacity(marks.len());
    for (i, m) in marks.iter().enumerate() {
        let end = m.end.min(n);
        if m.start >= end {
            unplaced.push(i);
        } else {
            spans.push((m.start, end, i));
        }
    }
    // outer before inner: earlier start first, then the longer span; ties by input order
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let mut bounds: Vec<usize> = spans.iter().flat_map(|s| [s.0, s.1]).chain([0, n]).collect();
    bounds.sort_unstable();
    bounds.dedup();
    // spans starting and ending at each boundary, by rank (position in `spans`)
    let mut starts: Vec<(usize, usize)> = spans.iter().enumerate().map(|(r, s)| (s.0, r)).collect();
    let mut ends: Vec<(usize, usize)> = spans.iter().enumerate().map(|(r, s)| (s.1, r)).collect();
    starts.sort_unstable();
    ends.sort_unstable();
    let (mut si, mut ei) = (0, 0);
    let mut active: BTreeSet<usize> = BTreeSet::new();
    let mut open: Vec<usize> = Vec::new();
    let mut opened = vec![false; spans.len()];
    let mut out = String::with_capacity(text.len() + marks.len() * 64);
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        while ei < ends.len() && ends[ei].0 <= a {
            active.remove(&ends[ei].1);
            ei += 1;
        }
        while si < starts.len() && starts[si].0 <= a {
            active.insert(starts[si].1);
            si += 1;
        }
        // the open elements must be a prefix of the active marks in rank order: close what
        // differs, open what is missing
        let keep = open.iter().zip(active.iter()).take_while(|(x, y)| x == y).count();
        for _ in keep..open.len() {
            out.push_str("</mark>");
        }
        open.truncate(keep);
        for &r in active.iter().skip(keep) {
            let m = &marks[spans[r].2];
            out.push_str(if opened[r] { &m.rest } else { &m.first });
            opened[r] = true;
            open.push(r);
        }
        push_html(&mut out, &text[offs[a]..offs[b]]);
    }
    for _ in 0..open.len() {
        out.push_str("</mark>");
    }
    (out, unplaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(start: usize, end: usize, id: &str) -> Mark {
        Mark {
            start,
            end,
            first: format!("<mark id=\"{id}\">"),
            rest: format!("<mark data-cont=\"{id}\">"),
        }
    }

    /// Text content of rendered HTML (tags removed, the entities `push_html` writes decoded).
    fn text_of(html: &str) -> String {
        let stripped = regex::Regex::new("<[^>]*>").unwrap().replace_all(html, "").to_string();
        stripped
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#13;", "\r")
            .replace("&amp;", "&")
    }

    #[test]
    fn spans_are_code_points_in_vietnamese_text() {
        // "Thuê" and "đạt" hold multi-byte letters before the figure
        let text = "Thuê bao đạt 1.070.000 thuê bao.";
        let start = text.chars().position(|c| c == '1').unwrap();
        let (html, unplaced) = render(text, &[mark(start, start + 9, "f0")]);
        assert_eq!(html, "Thuê bao đạt <mark id=\"f0\">1.070.000</mark> thuê bao.");
        assert!(unplaced.is_empty());
    }

    #[test]
    fn cases_of_overlap_nesting_and_ends() {
        // (text, marks, expected html, unplaced)
        let text = "Số thuê bao: 12,5 triệu";
        let n = text.chars().count();
        type Case = (Vec<Mark>, &'static str, Vec<usize>);
        let cases: Vec<Case> = vec![
            // a fact at the very end of the text
            (vec![mark(13, n, "f")], "Số thuê bao: <mark id=\"f\">12,5 triệu</mark>", vec![]),
            // a mention inside a fact: nested
            (
                vec![mark(13, n, "f"), mark(13, 17, "m")],
                "Số thuê bao: <mark id=\"f\"><mark id=\"m\">12,5</mark> triệu</mark>",
                vec![],
            ),
            // the same span twice: two nested elements, input order outside
            (
                vec![mark(13, 17, "a"), mark(13, 17, "b")],
                "Số thuê bao: <mark id=\"a\"><mark id=\"b\">12,5</mark></mark> triệu",
                vec![],
            ),
            // crossing spans: the later one is split at the earlier one's end
            (
                vec![mark(3, 11, "x"), mark(8, 17, "y")],
                "Số <mark id=\"x\">thuê <mark id=\"y\">bao</mark></mark><mark data-cont=\"y\">: 12,5</mark> triệu",
                vec![],
            ),
            // past the end: clamped; empty and reversed: not placed
            (
                vec![mark(18, n + 40, "c"), mark(5, 5, "e"), mark(9, 4, "r"), mark(n + 1, n + 3, "p")],
                "Số thuê bao: 12,5 <mark id=\"c\">triệu</mark>",
                vec![1, 2, 3],
            ),
            // a span covering the whole text
            (vec![mark(0, n, "all")], "<mark id=\"all\">Số thuê bao: 12,5 triệu</mark>", vec![]),
            (vec![], "Số thuê bao: 12,5 triệu", vec![]),
        ];
        for (marks, want, want_unplaced) in cases {
            let (html, unplaced) = render(text, &marks);
            assert_eq!(html, want, "{marks:?}");
            assert_eq!(unplaced, want_unplaced, "{marks:?}");
            assert_eq!(text_of(&html), text);
        }
    }

    #[test]
    fn hostile_text_inside_and_outside_marks_is_escaped() {
        let text = "<script>document.title='x'</script> đạt 5 \"trạm\" </textarea>";
        let five = text.chars().position(|c| c == '5').unwrap();
        let (html, _) = render(text, &[mark(0, 8, "a"), mark(five, five + 1, "b")]);
        assert!(!html.contains("<script") && !html.contains("</textarea"), "{html}");
        assert_eq!(text_of(&html), text);
    }

    proptest::proptest! {
        /// Any marks over any text: well-formed output with the text unchanged, and each
        /// placed mark's pieces cover exactly its (clamped) span.
        #[test]
        fn output_is_well_formed_and_keeps_the_text(
            text in "[a-zđạ< ế&]{0,40}",
            raw in proptest::collection::vec((0usize..45, 0usize..45), 0..8),
        ) {
            let marks: Vec<Mark> = raw.iter().enumerate().map(|(i, &(s, e))| Mark {
                start: s, end: e,
                first: format!("<mark data-i=\"{i}\">"),
                rest: format!("<mark data-i=\"{i}\">"),
            }).collect();
            let (html, unplaced) = render(&text, &marks);
            proptest::prop_assert_eq!(text_of(&html), text.clone());
            proptest::prop_assert_eq!(html.matches("<mark").count(), html.matches("</mark>").count());
            let n = text.chars().count();
            // covered code points per mark, by walking the output
            let tag = regex::Regex::new("<mark data-i=\"(\\d+)\">|</mark>|&[a-z#0-9]+;|.").unwrap();
            let mut stack: Vec<usize> = Vec::new();
            let mut covered = vec![0usize; marks.len()];
            for m in tag.captures_iter(&html) {
                let whole = m.get(0).unwrap().as_str();
                if let Some(i) = m.get(1) {
                    stack.push(i.as_str().parse().unwrap());
                } else if whole == "</mark>" {
                    stack.pop();
                } else {
                    for &i in &stack { covered[i] += 1; }
                }
            }
            proptest::prop_assert!(stack.is_empty());
            for (i, m) in marks.iter().enumerate() {
                let want = m.end.min(n).saturating_sub(m.start);
                proptest::prop_assert_eq!(covered[i], want, "mark {} {:?}", i, (m.start, m.end));
                proptest::prop_assert_eq!(unplaced.contains(&i), want == 0);
            }
        }
    }
}
