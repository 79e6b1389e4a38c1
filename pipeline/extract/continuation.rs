//! Rule `status.continuation`: a sentence that continues the one before it (`Cụ thể, ...`,
//! `Trong đó, ...`, `Theo đó, ...`) keeps that sentence's status.
//!
//! Input: the document, its match form and the mentions the sentence rules made. Output: the
//! same mentions, where a figure of a continuing sentence that has no status cue of its own takes
//! the previous sentence's: an estimate (`Theo ước tính của Tổng cục Thống kê, ... là 7,2 triệu.
//! Trong đó, có 6,55 triệu thuê bao di động ...`) or a target with its year (`mục tiêu chung là
//! đến năm 2020, ... Cụ thể, mật độ điện thoại cố định đạt 21 thuê bao/100 dân`). The status of a
//! sentence is what its own figures were judged to be, else its cue words. Invariant: only
//! `actual` figures change, and only in a sentence that opens with a continuation word.

use std::sync::OnceLock;

use regex::Regex;

use crate::records::{CleanDoc, Mention, MentionKind, Period, Status};

const OPENERS: [&str; 7] = [
    "cụ thể",
    "trong đó",
    "theo đó",
    "bao gồm",
    "trong số đó",
    "trong tổng số",
    "trong số này",
];

/// Words that give a sentence a status of its own.
const OWN_CUES: [&str; 8] = ["ước", "dự kiến", "phấn đấu", "kế hoạch", "mục tiêu", "chỉ tiêu", "dự báo", "sẽ "];

fn target_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?:mục tiêu|kế hoạch|phấn đấu|quy hoạch|định hướng|chỉ tiêu)[^.;]{0,80}?(?:đến|tới|năm)\s+(?:hết\s+|cuối\s+)?(?:năm\s+)?((?:19|20)[0-9]{2})(?-u:\b)")
            .expect("plan pattern")
    })
}

/// The status a sentence sets for what continues it, with a target's year.
fn sentence_status(text: &str, own: Option<(Status, Option<Period>)>, doc_year: Option<i32>) -> Option<(Status, Option<Period>)> {
    if let Some(s) = own.filter(|(s, _)| *s != Status::Actual) {
        return Some(s);
    }
    if let Some(c) = target_re().captures(text) {
        let y: i32 = c[1].parse().ok()?;
        if doc_year.is_none_or(|d| y > d) {
            return Some((Status::Target, Some(Period::year(y))));
        }
    }
    (text.contains("ước tính") || text.contains("ước đạt")).then_some((Status::Estimate, None))
}

/// Apply the rule to one document's mentions (in document order).
pub(crate) fn apply(doc: &CleanDoc, hay: &str, mentions: &mut [Mention]) {
    let doc_year = doc.meta.period.map(|p| p.year);
    // the previous sentence's text and mentions: its status is read only when a sentence
    // continues it (rare), not for every sentence of every document
    let mut previous: Option<(&str, std::ops::Range<usize>)> = None;
    let mut k = 0;
    for (si, s) in doc.sentences.iter().enumerate() {
        let text = &hay[s.start..s.end];
        let first = k;
        while k < mentions.len() && mentions[k].sentence == si {
            k += 1;
        }
        let continues = OPENERS.iter().any(|o| text.trim_start().starts_with(o)) && !OWN_CUES.iter().any(|w| text.contains(w));
        if continues
            && let Some((prev_text, prev)) = previous.take()
            && let Some((status, period)) = sentence_status(prev_text, own_status(&mentions[prev]), doc_year)
        {
            for m in mentions[first..k].iter_mut().filter(|m| m.kind == MentionKind::Metric) {
                if let Some(c) = m.claim.as_mut().filter(|c| c.status == Status::Actual) {
                    c.status = status;
                    if period.is_some() {
                        c.period = period;
                    }
                    m.reason.push_str("; status.continuation: the status of the sentence it continues");
                }
            }
        }
        previous = Some((text, first..k));
    }
}

/// The status the last figure of a sentence was judged to have, with a target's period.
fn own_status(mentions: &[Mention]) -> Option<(Status, Option<Period>)> {
    mentions
        .iter()
        .filter(|m| m.kind == MentionKind::Metric)
        .filter_map(|m| {
            m.claim
                .as_ref()
                .map(|c| (c.status, (c.status == Status::Target).then_some(c.period).flatten()))
        })
        .next_back()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Resources;

    fn statuses(text: &str, year: i32) -> Vec<(f64, String, String)> {
        let res = Resources::load(None, None).unwrap();
        let p = res
            .provinces
            .rows
            .iter()
            .position(|p| p.name == "Hà Nội")
            .map(|i| res.provinces.reference(i));
        let doc = crate::clean::doc_from_text("t", text, p, Some(Period::year(year)), &res.clean, &res.provinces, &res.outlets);
        let (mentions, _) = super::super::extract(&doc, &res);
        mentions
            .into_iter()
            .filter(|m| m.kind == MentionKind::Metric)
            .map(|m| {
                let c = m.claim.unwrap();
                (
                    m.value.unwrap(),
                    c.status.as_str().to_string(),
                    c.period.map(|p| p.to_string()).unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn a_continuing_sentence_keeps_the_plan_and_its_year() {
        // our own words, in the shape of a planning article
        let got = statuses(
            "Sở Thông tin và Truyền thông Hà Nội công bố quy hoạch bưu chính, viễn thông.\n\nTheo đó, mục tiêu đến năm 2020 thành phố sẽ dẫn đầu cả nước về hạ tầng viễn thông. Cụ thể, mật độ điện thoại cố định đạt 20 thuê bao/100 dân; thuê bao Internet băng rộng cố định đạt 30 thuê bao/100 dân.",
            2013,
        );
        assert!(!got.is_empty());
        assert!(got.iter().all(|(_, s, p)| s == "target" && p == "2020"), "{got:?}");
    }

    #[test]
    fn a_continuing_sentence_keeps_an_estimate_and_others_do_not() {
        let got = statuses(
            "Thuê bao viễn thông trên địa bàn Hà Nội.\n\nTheo ước tính của Sở, tổng số thuê bao điện thoại phát triển mới trong năm là 720.000 thuê bao. Trong đó, có 650.000 thuê bao di động. Thuê bao Internet băng rộng cố định đạt 1.200.000 thuê bao.",
            2015,
        );
        let status = |v: f64| got.iter().find(|g| g.0 == v).map(|g| g.1.clone());
        assert_eq!(status(650000.0).as_deref(), Some("estimate"), "{got:?}");
        assert_eq!(status(1200000.0).as_deref(), Some("actual"), "{got:?}");
    }
}
