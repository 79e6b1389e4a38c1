//! The document's province: stated, named in the title or the opening, the outlet's, or the
//! country for national reports.
//!
//! Input: title, outlet, the paragraphs in match form, the province table. Output: the
//! province every fact of the document inherits unless its sentence names another.

use std::collections::BTreeMap;

use crate::records::ProvinceRef;
use crate::reference::{NATIONAL, Provinces};
use crate::text::match_form;

use super::CleanRules;

/// Rule `province.ministry_headline`: the score (see [`province`]) at which the text is plainly
/// about one province: two mentions in the opening paragraphs, or four further on.
const PLAINLY_ONE_PROVINCE: f64 = 4.0;

/// The paragraphs in match form and, when clean made one, the scan of their text (paragraphs
/// joined by a blank line): the province search reads it instead of searching again.
#[derive(Clone, Copy)]
pub(super) struct Lowered<'a> {
    pub paragraphs: &'a [String],
    pub scan: Option<&'a crate::text::DocScan>,
}

/// `text`: the paragraphs in match form; `outlet_province`: the province of the provincial
/// outlet that published the document, if it is one.
pub(super) fn province(
    title: &Option<String>,
    outlet: Option<&str>,
    outlet_province: Option<usize>,
    url_slug: Option<String>,
    text: Lowered<'_>,
    rules: &CleanRules,
    provinces: &Provinces,
) -> Option<ProvinceRef> {
    // rule `province.national`, cues from clean.toml: a document that names no province and
    // speaks of the country, not of a provincial department
    let (lowered, scan) = (text.paragraphs, text.scan);
    let all = lowered.join(" ");
    let national_text = rules.national_cues.any_in(&all) && !rules.local_cues.any_in(&all);
    let mut score: BTreeMap<usize, f64> = BTreeMap::new();
    // `at`: where `hay` starts in the document's scan, when it is a paragraph of it
    let mut add = |hay: &str, at: Option<usize>, w: f64| {
        let hits = match (scan, at) {
            (Some(sc), Some(at)) => provinces.find_in(&sc.hay, &sc.hits, at, at + hay.len()),
            _ => provinces.find_all(hay),
        };
        for h in hits {
            let before = &hay[..h.start];
            // rule `province.venue`: in a national document, `hội nghị ... tổ chức tại Hà Nội`
            // names where an event was held, not whose figures these are
            // (`điểm cầu Thừa Thiên Huế tham dự hội nghị trực tuyến`: one bridge point of an
            // online conference)
            if national_text && rules.venue_before.iter().any(|w| before.ends_with(w.as_str())) {
                continue;
            }
            // rule `province.dateline`: in a national document, the place a story was filed from
            // (`TT (Hà Nội) - Đến năm 2010, ngành viễn thông ...`, `Hà Nội (TTXVN) - ...`, at the
            // head of a paragraph) names no one's figures
            if national_text && dateline(before, &hay[h.end..]) {
                continue;
            }
            // (the venue's words may follow it: `Ngày 17-5, tại Hà Nội, Bộ TT&TT đã tổ chức Lễ kỷ
            // niệm ...`)
            if national_text && before.ends_with("tại ") {
                let from = crate::text::rfind_any_ascii(before, b".!?\n").map_or(0, |i| i + 1);
                let to = crate::text::find_any_ascii(&hay[h.end..], b".!?\n").map_or(hay.len(), |i| h.end + i);
                let sentence = &hay[from..to];
                if rules.venue_cues.iter().any(|c| sentence.contains(c.as_str())) {
                    continue;
                }
            }
            // `tỉnh X`, `Sở ... X` name the document's own province most often
            let bonus = if before.ends_with("tỉnh ") || before.ends_with("tp ") || before.ends_with("thành phố ") {
                1.5
            } else {
                1.0
            };
            *score.entry(*h.tag).or_insert(0.0) += w * bonus;
        }
    };
    if let Some(t) = title {
        add(&match_form(t), None, 4.0);
    }
    // the provincial paper that published it (`Báo Ninh Thuận`)
    if let Some(o) = outlet {
        add(&match_form(o), None, 2.0);
    }
    let mut at = 0;
    for (i, p) in lowered.iter().enumerate() {
        add(p, Some(at), if i < 4 { 2.0 } else { 1.0 });
        // (paragraphs are joined by a blank line)
        at += p.len() + 2;
    }
    // the address's words (`.../tinh-dien-bien-tap-trung-phat-trien-ha-tang-so...`) name it too
    if let Some(slug) = url_slug {
        add(&slug, None, 1.5);
    }
    // rule `province.outlet`: a provincial paper, broadcaster or portal writes about its own
    // province, often without naming it; unless the text, naming no province, speaks of the
    // country (`số điện thoại cố định của Việt Nam` in a Hà Nội paper)
    if let Some(i) = outlet_province {
        if score.is_empty() && national_text {
            return Some(ProvinceRef {
                name: NATIONAL.into(),
                code: "".into(),
            });
        }
        *score.entry(i).or_insert(0.0) += 3.0;
    }

    // a document whose title makes the Ministry (Bộ TT&TT) its subject, naming no province, is
    // about the country
    let headline = match title {
        Some(t) => match_form(t),
        None => lowered.first().cloned().unwrap_or_default(),
    };
    // or whose headline speaks of the whole country (`lượng thuê bao cả nước vẫn giảm`)
    let ministry = ["bộ thông tin và truyền thông", "bộ tt&tt", "cả nước", "toàn quốc"]
        .iter()
        .any(|w| headline.contains(w));
    // rule `province.ministry_headline`: unless the text itself is plainly about one province
    // (`Thứ trưởng Bộ TT&TT làm việc tại ...` over an article on the province's figures)
    let plain = score.values().any(|&s| s >= PLAINLY_ONE_PROVINCE);
    if ministry && !plain && provinces.find_all(&headline).is_empty() {
        return Some(ProvinceRef {
            name: NATIONAL.into(),
            code: "".into(),
        });
    }
    let best = score.into_iter().max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    match best {
        Some((idx, _)) => Some(provinces.reference(idx)),
        // rule `province.national`: a document that names no province and speaks of the whole
        // country (`cả nước`, `Việt Nam`, `ngân sách nhà nước`, the sector's share of GDP), or
        // quotes the Ministry or the statistics office, reports national figures; unless it
        // speaks of a provincial department (`Sở TT&TT`) whose province it does not name
        // (`clean.toml`: national_cues, local_cues)
        None => national_text.then(|| ProvinceRef {
            name: NATIONAL.into(),
            code: "".into(),
        }),
    }
}

/// Rule `province.dateline`: whether a province between `before` (its paragraph up to it) and
/// `after` (the paragraph after it) is a dateline: at the head of the paragraph, alone or after an
/// outlet's short tag in a parenthesis (`tt (hà nội) - `), or followed by the agency's tag
/// (`hà nội (ttxvn) - `), then a dash.
fn dateline(before: &str, after: &str) -> bool {
    let head = before.trim_start();
    let tagged = head.is_empty() || (head.ends_with('(') && head.len() <= 16 && !head[..head.len() - 1].contains(['(', ')', '.', ',']));
    if !tagged {
        return false;
    }
    let mut rest = after.trim_start();
    if head.ends_with('(') {
        let Some(r) = rest.strip_prefix(')') else { return false };
        rest = r.trim_start();
    } else if let Some(r) = rest.strip_prefix('(') {
        let Some(close) = r.find(')').filter(|&k| k <= 16) else {
            return false;
        };
        rest = r[close + 1..].trim_start();
    }
    rest.starts_with(['-', '–', '—'])
}

#[cfg(test)]
mod tests {
    use super::dateline;

    #[test]
    fn datelines_and_other_places() {
        // (paragraph before the province, after it, a dateline?), match form, invented
        let cases: &[(&str, &str, bool)] = &[
            ("tt (", ") - đến năm 2015, ngành bưu chính ...", true),
            ("", " (ttxvn) - sáng nay, bộ tt&tt công bố ...", true),
            ("", " – bộ tt&tt vừa công bố ...", true),
            // a province named in the sentence, not at its head
            ("năm 2014, ", " có 9 triệu thuê bao", false),
            ("theo sở tt&tt (", ") - số thuê bao ...", false),
            ("", " (cũ) có 1,2 triệu thuê bao", false),
        ];
        for (before, after, want) in cases {
            assert_eq!(dateline(before, after), *want, "{before:?} | {after:?}");
        }
    }
}
