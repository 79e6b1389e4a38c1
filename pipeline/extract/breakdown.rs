//! Rule `breakdown.next_sentence`: a sentence that opens with a breakdown word (`Trong đó,`,
//! `Cụ thể,`) breaks down the figures of the sentence before it. Its figures of the same metric,
//! period and status as a figure there, and smaller, are parts: no facts (the conventions keep
//! only the aggregate), and so are the revenue growth rates stated for those parts.
//!
//! ```text
//! Tổng doanh thu viễn thông tháng 5 đạt 10.259 tỷ đồng.          → telecom_revenue, a fact
//! Trong đó, doanh thu di động đạt 7.404 tỷ đồng, tăng 6,09% ...  → parts: no facts
//! ```
//!
//! Rule `breakdown.generation` ([`generation_part_of`], asked by the sentence rules): mobile
//! subscribers named only by their generation after a mobile total are parts of it.
//!
//! Input: the document's mentions after the sentence rules. Output: the same mentions, parts
//! demoted to `unclassified` with this rule as their reason. Invariant: only a sentence's
//! opening words and the sentence just before it, in the same paragraph, are read.

use crate::records::{CleanDoc, Mention, MentionKind};

/// Words that open a breakdown sentence, in match form.
const OPENERS: [&str; 6] = ["trong đó", "cụ thể", "chia ra", "bao gồm", "gồm có", "trong số đó"];

pub(super) fn apply(doc: &CleanDoc, hay: &str, out: &mut [Mention]) {
    for si in 1..doc.sentences.len() {
        let s = &doc.sentences[si];
        let prev = &doc.sentences[si - 1];
        let opening = hay[s.start..s.end].trim_start_matches(|c: char| !c.is_alphanumeric());
        if !OPENERS.iter().any(|w| opening.starts_with(w)) {
            continue;
        }
        if s.paragraph != prev.paragraph {
            continue;
        }
        let wholes: Vec<(String, Option<String>, String, f64)> = out
            .iter()
            .filter(|m| m.sentence == si - 1 && m.kind == MentionKind::Metric)
            .filter_map(|m| {
                let c = m.claim.as_ref()?;
                Some((
                    c.metric.clone(),
                    c.period.map(|p| p.to_string()),
                    format!("{:?}", c.status),
                    m.value?,
                ))
            })
            .collect();
        if wholes.is_empty() {
            continue;
        }
        let mut parts: Vec<usize> = Vec::new();
        for m in out.iter_mut().filter(|m| m.sentence == si && m.kind == MentionKind::Metric) {
            let (Some(c), Some(v)) = (m.claim.as_ref(), m.value) else {
                continue;
            };
            let period = c.period.map(|p| p.to_string());
            let status = format!("{:?}", c.status);
            if let Some(w) = wholes.iter().find(|w| w.0 == c.metric && w.1 == period && w.2 == status && v < w.3) {
                m.kind = MentionKind::Unclassified;
                m.claim = None;
                m.reason = format!("breakdown.next_sentence: a part of the {} figure of the sentence before", w.0);
                parts.push(m.start);
            }
        }
        // the growth of a part is the part's
        for m in out.iter_mut().filter(|m| m.sentence == si && m.kind == MentionKind::Metric) {
            if parts
                .iter()
                .any(|p| m.reason.ends_with(&format!("of the revenue at {p}, a fact and its column")))
            {
                m.kind = MentionKind::Unclassified;
                m.claim = None;
                m.reason = "breakdown.next_sentence: the growth of a part".into();
            }
        }
    }
}

/// Rule `breakdown.generation`: subscribers named only by their mobile generation (`trong đó số
/// thuê bao 3G 48,2 triệu`, `trong đó 48,9 triệu thuê bao 3G`) after a mobile total are a part of that total by technology, not
/// mobile broadband subscribers of their own; `băng rộng`, `Internet` or `data` in the part's
/// words make it broadband all the same.
pub(super) fn generation_part_of(hay: &str, whole_end: usize, part_end: usize, whole: &str, part: &str) -> bool {
    if whole != "mobile_subscribers" || part != "mobile_broadband_subscribers" {
        return false;
    }
    let between = &hay[whole_end..part_end];
    ["3g", "4g", "5g"].iter().any(|g| between.contains(g))
        && !["băng rộng", "băng thông rộng", "brdđ", "internet", "data", "dữ liệu"]
            .iter()
            .any(|w| between.contains(w))
}

#[cfg(test)]
mod tests {
    use crate::config::Resources;
    use crate::records::{MentionKind, Period};

    fn metrics(text: &str) -> Vec<(String, f64)> {
        let res = Resources::load(None, None).unwrap();
        let doc = crate::clean::doc_from_text("t", text, None, Some(Period::year(2021)), &res.clean, &res.provinces, &res.outlets);
        super::super::extract_scoped(&doc, &res, Some(super::super::Scope::open()), None)
            .0
            .into_iter()
            .filter(|m| m.kind == MentionKind::Metric)
            .map(|m| (m.claim.unwrap().metric, m.value.unwrap()))
            .collect()
    }

    #[test]
    fn the_parts_in_the_next_sentence_are_no_facts() {
        let got = metrics(
            "Doanh thu viễn thông năm 2021 đạt 900 tỷ đồng. Trong đó, doanh thu di động đạt 700 tỷ đồng, doanh thu cố định đạt 200 tỷ đồng.",
        );
        assert_eq!(got, vec![("telecom_revenue".to_string(), 900e9)]);
    }

    #[test]
    fn another_paragraph_or_opening_breaks_nothing_down() {
        let got = metrics("Doanh thu viễn thông năm 2021 đạt 900 tỷ đồng.\n\nTrong đó, doanh thu viễn thông di động đạt 700 tỷ đồng.");
        assert_eq!(got.len(), 2, "{got:?}");
        let got = metrics("Doanh thu viễn thông năm 2021 đạt 900 tỷ đồng. Doanh thu viễn thông di động đạt 700 tỷ đồng.");
        assert_eq!(got.len(), 2, "{got:?}");
    }
}
