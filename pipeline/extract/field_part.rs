//! Rule `fine.field_part`: a fine said of one field is a part of the page's total.
//!
//! Input: the document, its match form and the mentions the sentence rules made. Output: the
//! same mentions, where an `admin_fines` figure whose sentence names a field before it (`Về lĩnh
//! vực Bưu chính: ... xử phạt ... 5.000.000 đồng`, `Cụ thể, với lĩnh vực thông tin điện tử, ...
//! 965,5 triệu đồng`) is no fact when the page states a larger fine of no field for the same
//! period and status (`xử phạt 98 tổ chức, cá nhân với tổng số tiền 1,325 tỷ đồng`): the spec
//! keeps a total and leaves out its breakdown. Invariant: only figures of one field change, and
//! only when such a total exists (a page giving fines by field alone keeps them).

use crate::records::{CleanDoc, Mention, MentionKind};

const METRIC: &str = "admin_fines";

/// Apply the rule to one document's mentions.
pub(crate) fn apply(doc: &CleanDoc, hay: &str, words: &[String], mentions: &mut [Mention]) {
    if words.is_empty() {
        return;
    }
    let of_field = |m: &Mention| {
        let s = doc.sentences[m.sentence];
        let before = &hay[s.start..m.start];
        words.iter().any(|w| before.contains(w.as_str()))
    };
    let fines: Vec<(usize, bool)> = mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind == MentionKind::Metric && m.claim.as_ref().is_some_and(|c| c.metric == METRIC))
        .map(|(i, m)| (i, of_field(m)))
        .collect();
    if !fines.iter().any(|&(_, f)| f) {
        return;
    }
    let totals: Vec<(f64, Option<crate::records::Period>, crate::records::Status)> = fines
        .iter()
        .filter(|&&(_, f)| !f)
        .filter_map(|&(i, _)| {
            let m = &mentions[i];
            let c = m.claim.as_ref()?;
            Some((m.value?, c.period, c.status))
        })
        .collect();
    for &(i, field) in &fines {
        if !field {
            continue;
        }
        let m = &mentions[i];
        let (Some(v), Some(c)) = (m.value, m.claim.as_ref()) else {
            continue;
        };
        let part = totals.iter().any(|&(t, p, st)| t > v && p == c.period && st == c.status);
        if part {
            let m = &mut mentions[i];
            m.kind = MentionKind::Unclassified;
            m.claim = None;
            m.reason = "fine.field_part: a fine of one field, a part of the page's total fine".into();
        }
    }
}
