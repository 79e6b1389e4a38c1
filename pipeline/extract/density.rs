//! Rule `metric.density_follows_count`: a density stated right after a count, with no kind word
//! of its own (`tổng số thuê bao Internet ... đạt hơn 22.000 thuê bao, mật độ đạt 1,6 thuê
//! bao/100 dân`), is the density of that count's metric (the catalog's `density_of`), whatever
//! kind words the sentence names before the count (`Internet băng rộng tiếp tục phát triển
//! mạnh, ...`).
//!
//! Input: the document's match form, the catalog and the mentions the sentence rules made (in
//! document order). Output: the same mentions, where such a density takes its count's density
//! metric and names this rule in its reason.
//! Invariant: only a per-100 figure whose words after the count are `, mật độ đạt` (or `là`,
//! `khoảng`, `, đạt mật độ`, as [`super::quantity::density_link`] reads them) changes, only to a
//! density metric, and only when the count before it in the same sentence is a metric with one.

use crate::catalog::Catalog;
use crate::records::{Mention, MentionKind, UnitKind};

/// Apply the rule to one document's mentions.
pub(crate) fn apply(hay: &str, catalog: &Catalog, mentions: &mut [Mention]) {
    for i in 1..mentions.len() {
        let (before, rest) = mentions.split_at_mut(i);
        let m = &mut rest[0];
        if m.kind != MentionKind::Metric || m.unit_kind != Some(UnitKind::Per100) {
            continue;
        }
        // the figure just before it, in its sentence
        let Some(count) = before
            .last()
            .filter(|c| c.sentence == m.sentence && c.kind == MentionKind::Metric && c.end <= m.start)
        else {
            continue;
        };
        let Some(density) = count
            .claim
            .as_ref()
            .and_then(|c| catalog.get(&c.metric))
            .and_then(|c| c.density_of.as_deref())
        else {
            continue;
        };
        let Some(claim) = m.claim.as_mut() else { continue };
        // a count inside a parenthesis (`152.400 máy (cố định ..., di động 63.750 máy), đạt mật
        // độ`) is a part of the figure before it, whose density this is
        let between = &hay[count.end..m.start];
        if claim.metric == density || between.contains([')', '(']) || !super::quantity::density_link(between) {
            continue;
        }
        claim.metric = density.to_string();
        m.reason
            .push_str("; metric.density_follows_count: the density of the count before it");
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::tests::facts_of;

    /// The table: sentence, and the metric of each figure in order.
    #[test]
    fn a_density_without_a_kind_of_its_own_follows_its_count() {
        let cases: [(&str, &[&str]); 5] = [
            // the count's kind word is nearer than the sentence's opening words
            (
                "Internet băng rộng phát triển nhanh, tổng số thuê bao Internet trên địa bàn tỉnh đạt hơn 35.000 thuê bao, mật độ đạt 2,4 thuê bao/100 dân.",
                &["internet_subscribers", "internet_density"],
            ),
            (
                "Dịch vụ băng rộng phát triển mạnh, số thuê bao điện thoại đạt 120.000 thuê bao, đạt mật độ 88 thuê bao/100 dân.",
                &["telephone_subscribers", "telephone_density"],
            ),
            // a density that names its own kind keeps it
            (
                "Toàn tỉnh có 35.000 thuê bao Internet, mật độ Internet băng rộng đạt 2,4 thuê bao/100 dân.",
                &["internet_subscribers", "broadband_density"],
            ),
            // the count before it is a part in a parenthesis: the density is the total's
            (
                "Tổng số máy điện thoại đạt 152.400 máy (cố định 88.650 máy, di động 63.750 máy), đạt mật độ 17,5 máy/100 dân.",
                &[
                    "telephone_subscribers",
                    "fixed_telephone_subscribers",
                    "mobile_subscribers",
                    "telephone_density",
                ],
            ),
            // consistent already: unchanged
            (
                "Số thuê bao di động đạt 900.000 thuê bao, mật độ đạt 95 thuê bao/100 dân.",
                &["mobile_subscribers", "mobile_density"],
            ),
        ];
        for (text, want) in cases {
            let got: Vec<String> = facts_of(text, "Vĩnh Phúc", "2009").into_iter().map(|f| f.metric).collect();
            assert_eq!(got, want.to_vec(), "{text}");
        }
    }
}
