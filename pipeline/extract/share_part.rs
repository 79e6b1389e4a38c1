//! Rule `part.share_of_stated_whole`: `40/43 cơ sở` after `kiểm tra ... 43 cơ sở` is a part of
//! the whole the page stated, not a figure of its own.
//!
//! Input: the mentions the sentence rules made, in text order. Output: the same mentions, where
//! a figure written as a share of a whole (`x/n`, its `of` is `n`) is no fact when an earlier
//! figure of the same metric and period, written whole, is `n`: the report counted the whole
//! first, then told how many of them had some property (`Đoàn kiểm tra tại 43 điểm ... 40/43
//! cơ sở có giấy phép; 19/43 cơ sở không niêm yết`). The spec keeps a total and leaves out its
//! breakdown. Invariant: only figures with an `of` change, and only when that whole was stated
//! before them; a share with no whole of its own before it (`24/25 cơ quan có mạng LAN`) stays.

use crate::records::{Mention, MentionKind};

/// Apply the rule to one document's mentions (in any order: "before" is by position).
pub(crate) fn apply(mentions: &mut [Mention]) {
    if !mentions.iter().any(|m| m.of.is_some() && m.kind == MentionKind::Metric) {
        return;
    }
    // (start, metric, period, value) of each figure written whole
    let wholes: Vec<(usize, String, Option<crate::records::Period>, f64)> = mentions
        .iter()
        .filter(|m| m.kind == MentionKind::Metric && m.of.is_none())
        .filter_map(|m| Some((m.start, m.claim.as_ref()?.metric.clone(), m.claim.as_ref()?.period, m.value?)))
        .collect();
    for m in mentions.iter_mut().filter(|m| m.kind == MentionKind::Metric) {
        let (Some(n), Some(c)) = (m.of, m.claim.as_ref()) else {
            continue;
        };
        if wholes
            .iter()
            .any(|(at, id, p, v)| *at < m.start && *id == c.metric && *p == c.period && *v == n)
        {
            m.kind = MentionKind::Unclassified;
            m.claim = None;
            m.reason = "part.share_of_stated_whole: a share of a whole the page stated before".into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Claim, Period, Status};

    fn mention(at: usize, metric: &str, value: f64, of: Option<f64>) -> Mention {
        Mention {
            sentence: 0,
            start: at,
            end: at + 2,
            kind: MentionKind::Metric,
            reason: String::new(),
            value: Some(value),
            value_high: None,
            of,
            unit: None,
            unit_kind: None,
            malformed: false,
            claim: Some(Claim {
                metric: metric.into(),
                status: Status::Actual,
                basis: None,
                bound: None,
                converted: false,
                period: Some(Period::year(2019)),
                province: None,
                growth_pct: None,
                plan_share_pct: None,
                words_mismatch: None,
                period_rule: None,
            }),
        }
    }

    #[test]
    fn a_share_of_the_whole_stated_before_is_a_part() {
        // `kiểm tra tại 43 điểm ...; 40/43 cơ sở có giấy phép` (invented figures)
        let mut ms = vec![
            mention(10, "entities_inspected", 43.0, None),
            mention(90, "entities_inspected", 40.0, Some(43.0)),
        ];
        apply(&mut ms);
        assert_eq!(ms[0].kind, MentionKind::Metric);
        assert_eq!(ms[1].kind, MentionKind::Unclassified);
        assert!(ms[1].reason.starts_with("part.share_of_stated_whole"));
    }

    #[test]
    fn a_share_with_no_whole_before_it_stays() {
        // `24/25 cơ quan có mạng LAN`; a whole of another size or metric, or stated after
        let mut ms = vec![
            mention(10, "agencies_with_lan", 24.0, Some(25.0)),
            mention(40, "agencies_with_lan", 25.0, None),
            mention(60, "entities_inspected", 30.0, None),
            mention(80, "entities_inspected", 12.0, Some(43.0)),
            mention(99, "inspections", 5.0, Some(30.0)),
        ];
        apply(&mut ms);
        assert!(ms.iter().all(|m| m.kind == MentionKind::Metric), "{ms:?}");
    }
}
