//! Rule `rank.named_province`: ranks of several provinces in an ICT Index ranking.
//!
//! Input: the cleaned document and its match form. Output: `ict_readiness_rank` mentions, one
//! per province ranked in the text, each with the province named beside its rank. Reports on the
//! Vietnam ICT Index name the leaders and laggards in one breath (`Đà Nẵng tiếp tục dẫn đầu, Hà
//! Nội đứng thứ 2 và thành phố Hồ Chí Minh đứng thứ 3`, `ở vị trí thứ ba là Tp. HCM`); the
//! sentence rules give such figures the document's province, or none.
//!
//! Read only in a document that speaks of the ICT Index (`ict index`, `chỉ số sẵn sàng`), and only
//! where the province is the subject right before the rank (`P đứng thứ N`, `P dẫn đầu`) or
//! named right after it (`vị trí thứ N là P`, `vị trí thứ hai của P`): a component index's rank
//! (`chỉ số Hạ tầng kỹ thuật của X xếp thứ 12`) has no province as its subject and is left alone. The
//! rank's year is the index's (`ICT Index 2016`), else the document's.

use std::sync::OnceLock;

use regex::Regex;

use crate::config::Resources;
use crate::records::{Claim, CleanDoc, Mention, MentionKind, Period, Status, UnitKind};

/// `nhất`, `hai`, …, `mười`, or digits.
fn ordinal(w: &str) -> Option<f64> {
    Some(match w {
        "nhất" | "đầu" | "đầu tiên" => 1.0,
        "hai" | "nhì" => 2.0,
        "ba" => 3.0,
        "tư" | "bốn" => 4.0,
        "năm" => 5.0,
        "sáu" => 6.0,
        "bảy" => 7.0,
        "tám" => 8.0,
        "chín" => 9.0,
        "mười" => 10.0,
        d => d.parse::<u8>().ok().filter(|n| (1..=63).contains(n))?.into(),
    })
}

const N: &str = r"([0-9]{1,2}|nhất|nhì|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười|đầu tiên)";

fn after_province() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"^\s*(?:\([^)]{{0,20}}\)\s*)?(?:(?:năm|lần)\s+thứ\s+\S+\s+liên tiếp\s+)?(?:(?:tiến|tăng|vươn lên|tụt|giảm|lùi)(?:\s+thêm)?\s+[0-9]{{1,2}}\s+bậc\s*,?\s*(?:lên\s+|xuống\s+)?)?(?:(?:tiếp tục|vẫn|đã|giữ vững|tiếp tục giữ)\s+)?(?:(dẫn đầu|đứng đầu)|(?:đứng|xếp|xếp hạng|giữ vị trí|xếp vị trí|xếp ở vị trí|đứng ở vị trí|đứng vị trí|ở vị trí|giữ vị trí|vị trí)\s+(?:thứ\s+|số\s+)?{N}(?-u:\b)(?:\s*/\s*([0-9]{{2}}))?)"
        ))
        .expect("rank after province")
    })
}

/// `Bắc Ninh, từ vị trí thứ 4 năm 2015 xuống thứ 18 năm 2016`: the rank before and after.
fn transition() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"^\s*,?\s*(?:(?:đã\s+)?(?:tụt|tăng|giảm|lùi|vươn)(?:\s+hạng)?(?:\s+mạnh)?\s+)?từ\s+(?:vị trí\s+|hạng\s+)?(?:thứ\s+)?{N}(?:\s+(?:của\s+)?(?:năm\s+)?((?:19|20)[0-9]{{2}}))?\s+(?:xuống|lên)\s+(?:vị trí\s+|hạng\s+)?(?:thứ\s+)?{N}(?-u:\b)(?:\s+(?:năm\s+)?((?:19|20)[0-9]{{2}}))?"
        ))
        .expect("rank transition")
    })
}

fn before_province() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"vị trí\s+(?:thứ|số)\s+{N}\s+(?:là|thuộc về|của)\s+(?:tỉnh\s+|thành phố\s+)?$"
        ))
        .expect("rank before province")
    })
}

/// What a ranking says: the ranks of the provinces it names, and the spans of ranks in one
/// component of the index (`xếp thứ 24 về hạ tầng kỹ thuật`), which are no ICT Index rank.
#[derive(Default)]
pub(crate) struct Ranks {
    pub ranks: Vec<Mention>,
    pub components: Vec<(usize, usize)>,
}

/// The ranks of the provinces a ranking names.
pub(crate) fn read(doc: &CleanDoc, hay: &str, hits: &crate::text::DocHits, res: &Resources) -> Ranks {
    let mut found = Ranks::default();
    if !(hay.contains("ict index") || hay.contains("chỉ số sẵn sàng")) || res.catalog.get("ict_readiness_rank").is_none() {
        return found;
    }
    static YEAR: OnceLock<Regex> = OnceLock::new();
    let year_re = YEAR.get_or_init(|| Regex::new(r"ict index\s+(?:năm\s+)?((?:19|20)[0-9]{2})").expect("index year"));
    let year = year_re
        .captures(hay)
        .and_then(|c| c[1].parse::<i32>().ok())
        .or(doc.meta.period.map(|p| p.year));
    let out = &mut found.ranks;
    for (si, s) in doc.sentences.iter().enumerate() {
        let sent = &hay[s.start..s.end];
        for h in res.provinces.find_in(hay, hits, s.start, s.end) {
            let p = res.provinces.reference(*h.tag);
            // `chỉ số hạ tầng của Bình Dương xếp thứ 12`: the subject is something of the province
            let clause = sent[..h.start].rsplit([',', ';', '.']).next().unwrap_or("");
            let possessed = clause.trim_end().ends_with("của") || clause.contains("chỉ số");
            // rule `rank.transition`: a province's rank before and after (`từ thứ 6 năm 2015
            // xuống 22 năm 2016`); the earlier rank is of its year, else the index's year before
            if let Some(c) = transition().captures(&sent[h.end..]).filter(|_| !possessed) {
                let (Some(a), Some(b)) = (ordinal(&c[1]), ordinal(&c[3])) else {
                    continue;
                };
                let y_after = c.get(4).and_then(|y| y.as_str().parse::<i32>().ok()).or(year);
                let y_before = c.get(2).and_then(|y| y.as_str().parse::<i32>().ok()).or(y_after.map(|y| y - 1));
                for (n, value, y) in [(c.get(1), a, y_before), (c.get(3), b, y_after)] {
                    let n = n.expect("rank");
                    out.push(rank_mention(
                        si,
                        s.start + h.end + n.start(),
                        s.start + h.end + n.end(),
                        value,
                        None,
                        y,
                        &p,
                        "rank.transition",
                    ));
                }
                continue;
            }
            let (start, end, value, of) = if let Some(c) = after_province().captures(&sent[h.end..]).filter(|_| !possessed) {
                let whole = c.get(0).expect("match");
                let (value, at) = match (c.get(1), c.get(2)) {
                    (Some(lead), _) => (1.0, lead),
                    (None, Some(n)) => match ordinal(n.as_str()) {
                        Some(v) => (v, n),
                        None => continue,
                    },
                    _ => continue,
                };
                let of = c.get(3).and_then(|o| o.as_str().parse::<f64>().ok());
                let end = if of.is_some() { whole.end() } else { at.end() };
                // `xếp thứ 24 về hạ tầng kỹ thuật`: a rank in one component of the index
                if sent[h.end + whole.end()..].trim_start().starts_with("về ") {
                    found.components.push((s.start + h.end + at.start(), s.start + h.end + end));
                    continue;
                }
                (s.start + h.end + at.start(), s.start + h.end + end, value, of)
            } else if let Some(c) = before_province().captures(&sent[..h.start]) {
                let n = c.get(1).expect("rank");
                let Some(v) = ordinal(n.as_str()) else { continue };
                (s.start + n.start(), s.start + n.end(), v, None)
            } else {
                continue;
            };
            out.push(rank_mention(si, start, end, value, of, year, &p, "rank.named_province"));
        }
    }
    found
}

#[allow(clippy::too_many_arguments)]
fn rank_mention(
    si: usize,
    start: usize,
    end: usize,
    value: f64,
    of: Option<f64>,
    year: Option<i32>,
    p: &crate::records::ProvinceRef,
    rule: &str,
) -> Mention {
    Mention {
        sentence: si,
        start,
        end,
        kind: MentionKind::Metric,
        reason: format!("{rule}: {} ranked {value} in the ICT Index", p.name),
        value: Some(value),
        value_high: None,
        of,
        unit_raw: None,
        unit_kind: Some(UnitKind::Rank),
        malformed: false,
        claim: Some(Claim {
            metric: "ict_readiness_rank".into(),
            status: Status::Actual,
            basis: None,
            bound: None,
            converted: false,
            period: year.map(Period::year),
            province: Some(p.clone()),
            growth_pct: None,
            plan_share_pct: None,
            words_mismatch: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranks(text: &str) -> Vec<(String, f64)> {
        let res = Resources::load(None, None).unwrap();
        let doc = crate::clean::doc_from_text("t", text, None, Some(Period::year(2016)), &res.clean, &res.provinces, &res.outlets);
        let hay = crate::text::match_form(&doc.text);
        read(&doc, &hay, &crate::text::DocHits::default(), &res)
            .ranks
            .into_iter()
            .map(|m| (m.claim.unwrap().province.unwrap().name, m.value.unwrap()))
            .collect()
    }

    #[test]
    fn each_province_takes_the_rank_stated_beside_it() {
        // our own words, in the shape of ICT Index news
        let got = ranks(
            "Theo Vietnam ICT Index 2016, Bình Dương giữ vị trí thứ 9, tăng 2 bậc. Trong bảng xếp hạng, Đà Nẵng tiếp tục dẫn đầu, \
             Hà Nội đứng thứ 2, ở vị trí thứ ba là TP. HCM. Chỉ số hạ tầng kỹ thuật của Bình Dương xếp thứ 12. \
             Xét theo chỉ số thành phần, Bình Dương xếp thứ 15 về ứng dụng CNTT.",
        );
        assert_eq!(
            got,
            vec![
                ("Bình Dương".to_string(), 9.0),
                ("Đà Nẵng".to_string(), 1.0),
                ("Hà Nội".to_string(), 2.0),
                ("TP Hồ Chí Minh".to_string(), 3.0),
            ]
        );
    }

    #[test]
    fn a_province_moving_gets_both_ranks_and_steps_or_streaks_are_no_rank() {
        // our own words (invented ranks)
        let got = ranks(
            "Theo ICT Index 2016, Đà Nẵng năm thứ 4 liên tiếp dẫn đầu. TP.HCM tiếp tục xếp ở vị trí thứ 2, trong khi \
             Nghệ An tiến thêm 12 bậc, xếp thứ 9. Một số tỉnh tụt hạng như Bắc Giang, từ vị trí thứ 5 năm 2015 xuống thứ 17 năm 2016.",
        );
        assert_eq!(
            got,
            vec![
                ("Đà Nẵng".to_string(), 1.0),
                ("TP Hồ Chí Minh".to_string(), 2.0),
                ("Nghệ An".to_string(), 9.0),
                ("Bắc Giang".to_string(), 5.0),
                ("Bắc Giang".to_string(), 17.0),
            ]
        );
    }

    #[test]
    fn no_ranking_without_the_index() {
        assert!(ranks("Năm 2016, Đà Nẵng dẫn đầu cả nước về du lịch, Hà Nội đứng thứ 2.").is_empty());
    }
}
