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
//!
//! Rule `status.list_intro`: the items of a list (paragraphs opening with a bullet or a short
//! label and a colon) after a sentence that ends with a colon and states a plan for a year
//! (`tỉnh đặt ra những mục tiêu quan trọng đến năm 2025:`) are that plan's targets, of its year
//! unless an item names its own; the list ends at the first paragraph that is no item.
//!
//! Rule `period.paragraph_year`: a sentence that names no time of its own goes on, within its
//! paragraph, with the window of an earlier year that the sentence right before states for all
//! its figures (`Theo Bộ ..., trong năm 2010 tổng số thuê bao ... Toàn quốc có trên 26,8 triệu
//! người sử dụng Internet`): the window goes on from sentence to sentence to the paragraph's end.
//!
//! Rule `period.continuation`: a sentence opening with `Đồng thời`, `Cụ thể`, `Bên cạnh đó`, ...
//! that names no time of its own has the window its previous sentence's figures share
//! (`trong tháng 10, Sở đã thực hiện 1 cuộc thanh tra ... Đồng thời, thực hiện 3 cuộc kiểm
//! tra`), when that window is a part of the page's year.
//!
//! The openers and the words that give a sentence a status of its own are data: the lexicon's
//! `[continuation]` ([`ContinuationCues`]).

use crate::grammar::Grammar;
use crate::lexicon::{ContinuationCues, Lexicon};
use crate::records::{CleanDoc, Mention, MentionKind, Period, Status};

/// The status a sentence sets for what continues it, with a target's year.
fn sentence_status(
    g: &Grammar,
    text: &str,
    own: Option<(Status, Option<Period>)>,
    doc_year: Option<i32>,
) -> Option<(Status, Option<Period>)> {
    if let Some(s) = own.filter(|(s, _)| *s != Status::Actual) {
        return Some(s);
    }
    if let Some(c) = g.continuation_target.captures(text) {
        let y: i32 = c[1].parse().ok()?;
        if doc_year.is_none_or(|d| y > d) {
            return Some((Status::Target, Some(Period::year(y))));
        }
    }
    (text.contains("ước tính") || text.contains("ước đạt")).then_some((Status::Estimate, None))
}

/// Apply the rule to one document's mentions (in document order).
pub(crate) fn apply(doc: &CleanDoc, hay: &str, lex: &Lexicon, cues: &ContinuationCues, mentions: &mut [Mention]) {
    let g = &lex.grammar;
    let doc_year = doc.meta.period.map(|p| p.year);
    // the previous sentence's text and mentions: its status is read only when a sentence
    // continues it (rare), not for every sentence of every document
    let mut previous: Option<(&str, std::ops::Range<usize>)> = None;
    let mut k = 0;
    // rule `status.list_intro`: the plan a list's introduction states (`tỉnh đặt ra những mục
    // tiêu quan trọng đến năm 2025:`) and the paragraph it ends
    let mut intro: Option<(Status, Option<Period>, usize)> = None;
    let mut item = false;
    // rule `period.paragraph_year`: the window the sentence before was given by the rule
    let (mut carried, mut carried_now): (Option<Period>, Option<Period>) = (None, None);
    for (si, s) in doc.sentences.iter().enumerate() {
        let text = &hay[s.start..s.end];
        let first = k;
        while k < mentions.len() && mentions[k].sentence == si {
            k += 1;
        }
        let opens_paragraph = si == 0 || doc.sentences[si - 1].paragraph != s.paragraph;
        if opens_paragraph {
            item = list_item(text);
        }
        if let Some((status, period, at)) = intro {
            if s.paragraph > at && !item {
                intro = None;
            } else if s.paragraph > at {
                // a target's year from the introduction, unless the item names its own
                let own_year = years_named(text).next().is_some();
                for m in mentions[first..k].iter_mut().filter(|m| m.kind == MentionKind::Metric) {
                    let Some(c) = m.claim.as_mut() else { continue };
                    if c.status == Status::Actual || (c.status == status && !own_year) {
                        c.status = status;
                        if period.is_some() && !own_year {
                            c.period = period;
                        }
                        m.reason.push_str("; status.list_intro: the plan the list's introduction states");
                    }
                }
            }
        }
        if text.trim_end().ends_with(':') {
            // (a plan for the page's own year too: `mục tiêu ... đến năm 2025:` on a page whose
            // year the plan gave)
            intro = sentence_status(g, text, own_status(&mentions[first..k]), doc_year.map(|y| y - 1))
                .filter(|(st, _)| *st == Status::Target)
                .map(|(st, p)| (st, p, s.paragraph));
        }
        let continues = cues.openers.iter().any(|o| text.trim_start().starts_with(o.as_str()))
            && !cues.own_status.iter().any(|w| text.contains(w.as_str()));
        if continues
            && let Some((prev_text, prev)) = previous.take()
            && let Some((status, period)) = sentence_status(g, prev_text, own_status(&mentions[prev]), doc_year)
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
        // rule `period.continuation`: `Đồng thời, thực hiện 3 cuộc kiểm tra ...` after `trong
        // tháng 10, Sở đã thực hiện 1 cuộc thanh tra ...`: a sentence that goes on with the one
        // before and names no time of its own is of that sentence's window within the page's year
        if cues.period_openers.iter().any(|o| text.trim_start().starts_with(o.as_str()))
            && !lex.period.names_time(text)
            && let Some((_, prev)) = &previous
            && let Some(window) = shared_window(&mentions[prev.clone()])
            && doc.meta.period.is_some_and(|d| d.year == window.year && d != window)
        {
            give_window(
                &mut mentions[first..k],
                doc.meta.period,
                window,
                "period.continuation: the window of the sentence it continues",
            );
        }
        // rule `period.paragraph_year`: `Theo Bộ ..., trong năm 2010 tổng số thuê bao ... Toàn
        // quốc có trên 26,8 triệu người sử dụng Internet, đạt mật độ 31,12%.`: a sentence that
        // names no time of its own goes on, within its paragraph, with the window the sentence
        // right before it states for all its figures, when that window is not the page's
        // (a sentence that names another year beside it, `DTI năm 2021 ... xếp thứ 6/63, và kỳ
        // vọng năm 2022 ...`, states no one window; the window goes on from sentence to sentence)
        // (the cheap tests first: whether the sentence names a time of its own is a search with
        // a regex, and most sentences are out before it is asked)
        else if !opens_paragraph
            && let Some((prev_text, prev)) = &previous
            && let Some(window) = shared_window(&mentions[prev.clone()])
            && doc.meta.period.is_some_and(|d| d != window && window.year < d.year)
            && !super::window::names_own_time(lex, text)
            && (carried == Some(window)
                || (super::window::names_own_time(lex, prev_text) && only_year(&super::window::without_bases(g, prev_text), window.year)))
            && give_window(
                &mut mentions[first..k],
                doc.meta.period,
                window,
                "period.paragraph_year: the window of the sentence before, in its paragraph",
            )
        {
            carried_now = Some(window);
        }
        carried = carried_now.take();
        previous = Some((text, first..k));
    }
}

/// Give `window` to the actual metric figures of a sentence that have the page's period,
/// naming the rule that did; whether any took it.
fn give_window(mentions: &mut [Mention], page: Option<Period>, window: Period, rule: &str) -> bool {
    let mut gave = false;
    for m in mentions.iter_mut().filter(|m| m.kind == MentionKind::Metric) {
        if let Some(c) = m
            .claim
            .as_mut()
            .filter(|c| c.period == page && matches!(c.status, Status::Actual | Status::Estimate))
        {
            c.period = Some(window);
            m.reason.push_str("; ");
            m.reason.push_str(rule);
            gave = true;
        }
    }
    gave
}

/// The years `text` names: four digits, 19xx or 20xx.
fn years_named(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4 && (w.starts_with("19") || w.starts_with("20")))
}

/// Whether every year `text` names is `year`.
fn only_year(text: &str, year: i32) -> bool {
    years_named(text).all(|w| w.parse() == Ok(year))
}

/// The one window all actual metric figures of a sentence share, if they share one.
fn shared_window(mentions: &[Mention]) -> Option<Period> {
    let mut window = None;
    for c in mentions
        .iter()
        .filter(|m| m.kind == MentionKind::Metric)
        .filter_map(|m| m.claim.as_ref())
    {
        // (an estimate of a result is stated for its window as a count is)
        if !matches!(c.status, Status::Actual | Status::Estimate) {
            return None;
        }
        match (window, c.period) {
            (_, None) => return None,
            (None, p) => window = p,
            (Some(w), Some(p)) if w != p => return None,
            _ => {}
        }
    }
    window
}

/// Whether a paragraph opening with `text` is an item of a list: a bullet (`- `, `+ `, `•`) or a
/// short label before a colon (`Mạng viễn thông băng rộng di động: Hướng tới ...`).
fn list_item(text: &str) -> bool {
    let t = text.trim_start();
    if t.starts_with(super::BULLETS) {
        return true;
    }
    crate::text::find_ascii(t, b':').is_some_and(|k| k > 0 && t[..k].split_whitespace().count() <= 8 && !t[..k].contains([',', '.', ';']))
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
    fn the_items_of_a_list_are_the_plan_its_introduction_states() {
        // rule status.list_intro: our own words (invented figures) in the shape of a provincial
        // plan whose targets are listed under a sentence ending with a colon
        let got = statuses(
            "Hạ tầng số của Hà Nội.\n\nThành phố đặt ra các mục tiêu chính đến năm 2027:\n\nMạng di động: Hướng tới 90 thuê bao băng rộng di động trên 100 dân.\n\nMạng cố định: Phổ cập cáp quang, đặt mục tiêu 85% hộ gia đình sử dụng Internet cáp quang.\n\nHiện nay toàn thành phố có 15.000 trạm BTS.",
            2025,
        );
        let of = |v: f64| got.iter().find(|g| g.0 == v).map(|g| (g.1.clone(), g.2.clone()));
        assert_eq!(of(90.0), Some(("target".into(), "2027".into())), "{got:?}");
        assert_eq!(of(85.0), Some(("target".into(), "2027".into())), "{got:?}");
        // the paragraph after the list is no item: the page's own figure
        assert_eq!(of(15000.0), Some(("actual".into(), "2025".into())), "{got:?}");
    }

    #[test]
    fn a_continuing_sentence_keeps_the_window_of_the_one_before() {
        // rule period.continuation: our own words (invented figures) after a monthly note of an
        // inspectorate
        let got = statuses(
            "Thanh tra chuyên ngành thông tin và truyền thông.\n\nTrong tháng 9, Sở đã thực hiện 2 cuộc thanh tra đối với các doanh nghiệp viễn thông.\n\nĐồng thời, Sở thực hiện 4 cuộc kiểm tra đối với 15 đại lý Internet.\n\nThanh tra Sở tiếp nhận 6 đơn thư.",
            2022,
        );
        let period = |v: f64| got.iter().find(|g| g.0 == v).map(|g| g.2.clone());
        assert_eq!(period(2.0).as_deref(), Some("2022-M09"), "{got:?}");
        assert_eq!(period(4.0).as_deref(), Some("2022-M09"), "{got:?}");
    }

    #[test]
    fn a_paragraph_goes_on_in_the_year_its_sentence_names() {
        // rule period.paragraph_year: our own words (invented figures) in the shape of a page that
        // quotes the Ministry's figures of an earlier year after a plan
        let got = statuses(
            "Đề án phát triển thông tin và truyền thông nông thôn.\n\nTheo Bộ Thông tin và Truyền thông, trong năm 2011 cả nước có 130 triệu thuê bao điện thoại. Toàn quốc có 30 triệu người sử dụng Internet, đạt tỷ lệ 34,5% dân số. Tổng số thuê bao băng rộng cố định đạt 4,1 triệu thuê bao.\n\nToàn thành phố có 12.000 trạm BTS.",
            2014,
        );
        let period = |v: f64| got.iter().find(|g| (g.0 - v).abs() < 1e-6 * v).map(|g| g.2.clone());
        assert_eq!(period(130_000_000.0).as_deref(), Some("2011"), "{got:?}");
        assert_eq!(period(34.5).as_deref(), Some("2011"), "{got:?}");
        assert_eq!(period(4_100_000.0).as_deref(), Some("2011"), "{got:?}");
        // the next paragraph is the page's own
        assert_eq!(period(12_000.0).as_deref(), Some("2014"), "{got:?}");
    }

    #[test]
    fn a_sentence_of_two_years_gives_no_window_to_the_next() {
        // rule period.paragraph_year: our own words (invented figures)
        let got = statuses(
            "Hạ tầng số của Hà Nội.\n\nNăm 2012 thành phố có 10.000 trạm BTS, và năm 2014 sẽ có thêm nhiều trạm. Tổng số thuê bao băng rộng cố định đạt 1,5 triệu thuê bao.",
            2014,
        );
        let period = |v: f64| got.iter().find(|g| (g.0 - v).abs() < 1e-6 * v).map(|g| g.2.clone());
        assert_eq!(period(10_000.0).as_deref(), Some("2012"), "{got:?}");
        assert_eq!(period(1_500_000.0).as_deref(), Some("2014"), "{got:?}");
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
