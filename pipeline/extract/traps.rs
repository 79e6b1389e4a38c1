//! Numbers that are not statistics: document numbers, dates, times, years, periods,
//! standards, technology generations, levels, phone numbers, ordinals, names with numbers.
//!
//! Input: one sentence (text and its byte offset in the document) and the lexicon's trap
//! patterns (`[[trap]]` in `lexicon.toml`: data, compiled and checked at load into a
//! [`TrapSet`]). Output: [`Trap`] spans with their kind and a reason. The extractor records them
//! as mentions and never reads a figure inside them. Patterns are tried in the lexicon's order,
//! most specific first; a span already claimed is not claimed again. Two rules stay code: a
//! year written alone (`bare_years`, unless a unit follows) and a list item's number.
//! Invariant: every pattern's match holds an ASCII digit, but a quarter in Roman numerals (`quý
//! II`): a sentence with neither is not searched. Searching only the patterns the set names, and
//! only such sentences, finds what searching every pattern in every sentence finds: a
//! differential proptest over generated sentences holds [`find`] to it.

use std::sync::OnceLock;

use regex::Regex;

use crate::records::MentionKind;

/// A recognised non-statistic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap<'t> {
    pub start: usize,
    pub end: usize,
    pub kind: MentionKind,
    /// The pattern's reason (`lexicon.toml`) or the rule's.
    pub reason: &'t str,
    /// For years and periods: the year named.
    pub year: Option<i32>,
    /// The trap names a span of years (`giai đoạn 2016 - 2020`), not one year: no year of a
    /// target (its pattern's `span = true`).
    pub span: bool,
}

/// One `[[trap]]` of the lexicon, as written.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrapDef {
    pattern: String,
    kind: String,
    reason: String,
    #[serde(default)]
    group: usize,
    #[serde(default)]
    span: bool,
}

#[derive(Debug)]
struct Pattern {
    re: Regex,
    kind: MentionKind,
    reason: String,
    /// capture group that holds the span to record (0 = whole match)
    group: usize,
    span: bool,
    /// whether the pattern is searched with its capture groups (it records a group, or reads a
    /// year): a whole-match pattern that reads no year takes the regex engine's fast path
    captures: bool,
}

/// The lexicon's trap patterns, compiled once (rule `trap.pattern`), and all of them as one set:
/// one pass over a sentence tells which patterns can match at all, so only those are run for
/// their spans (most sentences hold one or two kinds of trap).
#[derive(Debug)]
pub struct TrapSet {
    patterns: Vec<Pattern>,
    set: regex::RegexSet,
}

impl TrapSet {
    /// Compile and check the lexicon's `[[trap]]` entries: every pattern compiles, its kind is a
    /// trap's, its group exists.
    pub(crate) fn new(defs: &[TrapDef]) -> Result<Self, String> {
        use MentionKind::*;
        if defs.is_empty() {
            return Err("no [[trap]] patterns: every number would be read as a figure".into());
        }
        let mut patterns = Vec::with_capacity(defs.len());
        for (i, d) in defs.iter().enumerate() {
            let at = || format!("trap {} (`{}`)", i + 1, d.reason);
            let re = Regex::new(&d.pattern).map_err(|e| format!("{}: {e}", at()))?;
            // (a trap's kind is named as the mentions table names it)
            let kind = [
                Standard,
                DocNumber,
                Time,
                Date,
                Period,
                Name,
                Level,
                Phone,
                Ordinal,
                Denominator,
                Year,
            ]
            .into_iter()
            .find(|k| k.as_str() == d.kind)
            .ok_or_else(|| format!("{}: unknown kind {:?}", at(), d.kind))?;
            if d.group >= re.captures_len() {
                return Err(format!(
                    "{}: group {} but the pattern has {} groups",
                    at(),
                    d.group,
                    re.captures_len() - 1
                ));
            }
            if d.span && kind != Year {
                return Err(format!("{}: only a year trap names a span of years", at()));
            }
            if d.reason.trim().is_empty() {
                return Err(format!("{}: no reason", at()));
            }
            let captures = d.group != 0 || matches!(kind, Year | Period);
            patterns.push(Pattern {
                re,
                kind,
                reason: d.reason.clone(),
                group: d.group,
                span: d.span,
                captures,
            });
        }
        let set = regex::RegexSet::new(patterns.iter().map(|p| p.re.as_str())).map_err(|e| e.to_string())?;
        Ok(TrapSet { patterns, set })
    }
}

/// The years 1950–2049 written alone (four digits with an ASCII word boundary on each side),
/// as the pattern `(?-u:\b)(19[5-9][0-9]|20[0-4][0-9])(?-u:\b)` finds them, by a byte loop: it
/// ran over every sentence with a digit.
fn bare_years(sentence: &str) -> impl Iterator<Item = (usize, usize, i32)> + '_ {
    super::token::four_digit_numbers(sentence.as_bytes()).filter(|&(_, _, y)| (1950..=2049).contains(&y))
}

fn list_marker() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^\s*([0-9]{1,2})\s?[.)/]\s").expect("list pattern"))
}

/// Find the traps of one sentence. `base` is the sentence's byte offset in the document;
/// `unit_follows(end)` tells whether a unit word follows a bare 4-digit number (then it is a
/// quantity, not a year).
pub fn find<'t>(traps: &'t TrapSet, sentence: &str, base: usize, unit_follows: &dyn Fn(usize) -> bool) -> Vec<Trap<'t>> {
    // every trap holds a digit, but for the spelled quarter (`quý II`)
    if super::token::first_digit(sentence.as_bytes()).is_none() && !sentence.contains("uý") {
        return Vec::new();
    }
    // only the patterns the set says can match are searched for their spans: the same traps as
    // searching every pattern (a differential test below holds the two to it)
    find_among(traps, traps.set.matches(sentence).into_iter(), sentence, base, unit_follows)
}

/// [`find`] with the patterns searched given (indices in lexicon order): the claims, in
/// pattern order, then the bare years and the list marker.
fn find_among<'t>(
    traps: &'t TrapSet,
    candidates: impl Iterator<Item = usize>,
    sentence: &str,
    base: usize,
    unit_follows: &dyn Fn(usize) -> bool,
) -> Vec<Trap<'t>> {
    let mut out: Vec<Trap<'t>> = Vec::new();
    let overlaps = |out: &[Trap], s: usize, e: usize| out.iter().any(|t| s < t.end && t.start < e);
    for pat in candidates.map(|i| &traps.patterns[i]) {
        let plain = !pat.captures;
        let found = plain
            .then(|| pat.re.find_iter(sentence))
            .into_iter()
            .flatten()
            .map(|m| (m, None))
            .chain(
                (!plain)
                    .then(|| pat.re.captures_iter(sentence))
                    .into_iter()
                    .flatten()
                    .filter_map(|c| {
                        let m = c.get(pat.group)?;
                        let reads_year = matches!(pat.kind, MentionKind::Year | MentionKind::Period);
                        let year = reads_year
                            .then(|| c.iter().skip(1).flatten().chain(std::iter::once(m)))
                            .into_iter()
                            .flatten()
                            .find_map(|g| {
                                g.as_str()
                                    .trim()
                                    .get(..4)
                                    .and_then(|y| y.parse::<i32>().ok())
                                    .filter(|y| (1950..=2049).contains(y))
                            });
                        Some((m, year))
                    }),
            );
        for (m, year) in found {
            let (s, e) = (base + m.start(), base + m.end());
            if overlaps(&out, s, e) {
                continue;
            }
            // (`năm 2020 thuê bao cố định sẽ đạt`: a year its cue names stays a year)
            let named = {
                let before = sentence[..m.start()].trim_end();
                before.ends_with("năm") || before.ends_with("Năm") || before.ends_with("NĂM")
            };
            if pat.kind == MentionKind::Year && unit_follows(e) && !named {
                continue;
            }
            // `từ 8 - 10%` is a range of percentages, not the 8th of October
            if pat.kind == MentionKind::Date && sentence[m.end()..].trim_start().starts_with('%') {
                continue;
            }
            out.push(Trap {
                start: s,
                end: e,
                kind: pat.kind,
                reason: &pat.reason,
                year,
                span: pat.span,
            });
        }
    }
    for (ms, me, year) in bare_years(sentence) {
        let (s, e) = (base + ms, base + me);
        // a year written with no cue: only when no unit follows (2015 thuê bao is a count)
        let glued = sentence[..ms].ends_with(['.', ','])
            || sentence[me..].starts_with(['.', ',']) && sentence[me + 1..].starts_with(|c: char| c.is_ascii_digit());
        if overlaps(&out, s, e) || glued || unit_follows(e) {
            continue;
        }
        out.push(Trap {
            start: s,
            end: e,
            kind: MentionKind::Year,
            reason: "year",
            year: Some(year),
            span: false,
        });
    }
    // (most sentences open with no number: the groups are read only of one that does)
    if let Some(c) = crate::grammar::captures_seldom(list_marker(), sentence) {
        let m = c.get(1).expect("group");
        if !overlaps(&out, base + m.start(), base + m.end()) {
            out.push(Trap {
                start: base + m.start(),
                end: base + m.end(),
                kind: MentionKind::ListMarker,
                reason: "list item number",
                year: None,
                span: false,
            });
        }
    }
    out.sort_by_key(|t| t.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(String, MentionKind)> {
        find(&crate::extract::tests::res().lexicon.traps, s, 0, &|_| false)
            .into_iter()
            .map(|t| (s[t.start..t.end].to_string(), t.kind))
            .collect()
    }

    #[test]
    fn trap_table() {
        use MentionKind::*;
        let cases: &[(&str, &[(&str, MentionKind)])] = &[
            (
                "Quyết định số 1355/QĐ–UBND ngày 7/9/2009 của UBND tỉnh",
                &[("1355/QĐ–UBND", DocNumber), ("7/9/2009", Date)],
            ),
            (
                "Quyết định số 11/2009/QĐ-UBND ngày 9/6/2009",
                &[("11/2009/QĐ-UBND", DocNumber), ("9/6/2009", Date)],
            ),
            ("theo Quyết định số 289-QĐ/TU của Tỉnh ủy", &[("289-QĐ/TU", DocNumber)]),
            (
                "Quyết định số 15/QĐ - UBND ngày 2/9/2009",
                &[("15/QĐ - UBND", DocNumber), ("2/9/2009", Date)],
            ),
            (
                "Công văn số 11248/UBND-THKH ngày 14-9-2018",
                &[("11248/UBND-THKH", DocNumber), ("14-9-2018", Date)],
            ),
            ("Nghị quyết số 116 của HĐND tỉnh", &[("116", DocNumber)]),
            ("Quyết định 81/2014/QĐ-TTg của Thủ tướng", &[("81/2014/QĐ-TTg", DocNumber)]),
            ("15:16:24 | 7/2/2012", &[("15:16:24", Time), ("7/2/2012", Date)]),
            ("Thứ năm, 27/03/2014 10:50", &[("27/03/2014", Date), ("10:50", Time)]),
            ("Sáng ngày 04/2/210, Sở tổ chức", &[("04/2/210", Date)]),
            ("hệ thống quản lý chất lượng TCVN ISO 9001:2008", &[("ISO 9001:2008", Standard)]),
            // a standard holds a digit: `ISO/` alone is none
            ("đạt chuẩn ISO/IEC 27001:2013 về an toàn thông tin", &[("IEC 27001:2013", Standard)]),
            ("lắp đặt thiết bị 3G, 4G", &[("3G", Name), ("4G", Name)]),
            ("cách mạng công nghiệp 4.0", &[("4.0", Name)]),
            ("dịch vụ công trực tuyến mức độ 3, 4", &[("3, 4", Level)]),
            ("giai đoạn 2011 - 2015 và đến năm 2020", &[("2011 - 2015", Year), ("2020", Year)]),
            ("giai đoạn 2016-2020", &[("2016-2020", Year)]),
            ("Phòng PA 25 - Công an tỉnh", &[("25", Name)]),
            ("đường dây nóng 0912.345.678", &[("0912.345.678", Phone)]),
            ("tổng đài 1900 1234", &[("1900 1234", Phone)]),
            ("quý II/2014", &[("quý II/2014", Period)]),
            ("tăng trưởng 3 tháng đầu năm", &[("3", Period)]),
            ("luỹ kế đến cuối tháng 3 ước đạt", &[("3", Date)]),
            ("trước ngày 30/10/2014", &[("30/10/2014", Date)]),
            ("dịp lễ Quốc khánh 2-9", &[("2-9", Date)]),
            ("tập san số thứ 1 chào mừng", &[("1", Ordinal)]),
            (
                "5Bưu cục khu vựcbưu cục9211313 6Trạm thu phát sóng di độngtrạm1722",
                &[("5", Ordinal), ("6", Ordinal)],
            ),
            ("2Đài phát thanh huyện", &[("2", Ordinal)]),
            ("dịch bệnh COVID-19 kéo dài", &[("19", Name)]),
            ("vệ tinh VINASAT-2 đi vào hoạt động", &[("2", Name)]),
            ("ảnh 1Ảnh chỉ có tính minh họa", &[("1", Name)]),
            ("5Ảnh hưởng của dịch", &[("5", Ordinal)]),
            ("Ảnh 2: Lắp đặt trạm BTS", &[("2", Name)]),
            (
                "3Số thuê bao bình quân 100 dânthuê bao17192425",
                &[("3", Ordinal), ("100", Denominator)],
            ),
        ];
        for (s, want) in cases {
            let got = kinds(s);
            let want: Vec<(String, MentionKind)> = want.iter().map(|(a, k)| (a.to_string(), *k)).collect();
            assert_eq!(got, want, "{s}");
        }
    }

    #[test]
    fn statistics_are_not_traps() {
        for s in [
            "đạt 2.003.300 thuê bao",
            "971,8 tỷ đồng",
            "xếp thứ 15/64 tỉnh",
            "33/44 cơ quan",
            "5% - 7%",
            "tổng số 7.271 trạm BTS",
            "6.200.000đồng",
            "15.000bản/năm",
            "3,8 thuê bao/100dân",
            "đường truyền 100Mbps",
            "12 Trạm thu phát sóng",
            "triển khai mô hình 50 điểm",
        ] {
            assert_eq!(kinds(s), vec![], "{s}");
        }
    }

    proptest::proptest! {
        /// The byte loop finds the years the pattern finds.
        #[test]
        fn bare_years_agree_with_the_pattern(s in "[0-9a_ ă.]{0,16}|[ a]?(19|20)[0-9]{2}[ .a0]?") {
            let re = Regex::new(r"(?-u:\b)(19[5-9][0-9]|20[0-4][0-9])(?-u:\b)").unwrap();
            let want: Vec<(usize, usize, i32)> = re.find_iter(&s).map(|m| (m.start(), m.end(), m.as_str().parse().unwrap())).collect();
            proptest::prop_assert_eq!(bare_years(&s).collect::<Vec<_>>(), want);
        }
    }

    /// Sentences made of the traps' own cue words, numbers in every shape the patterns read
    /// (years, dates, times, document numbers, generations, versions, phones, ranks, grouped
    /// figures) and the separators between them, glued or spaced.
    fn trap_sentence() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let word = proptest::sample::select(vec![
            "năm",
            "Năm",
            "ngày",
            "tháng",
            "quý",
            "Quý",
            "số",
            "Quyết định",
            "nghị quyết",
            "QĐ-UBND",
            "UBND",
            "giai đoạn",
            "thuê bao",
            "đạt",
            "tăng",
            "dân",
            "người dân",
            "trên",
            "bình quân",
            "mức độ",
            "cấp độ",
            "lần thứ",
            "khóa",
            "Điều",
            "A",
            "PA",
            "tổ",
            "đội",
            "COVID",
            "VINASAT",
            "ISO",
            "TCVN",
            "giờ",
            "phút",
            "Q",
            "IPv",
            "Web",
            "sáng",
            "đầu năm",
            "đến",
            "từ",
            "trước",
            "sau",
            "lễ",
            "II",
            "IV",
            "và",
            "Bưu cục",
            "Trạm",
            "máy",
            "chiếm",
            "cả nước",
            "xếp thứ",
            "đầu",
            "cuối",
            "thứ",
        ]);
        let number = proptest::sample::select(vec![
            "2020",
            "1997",
            "2015",
            "2049",
            "1949",
            "3",
            "9",
            "12",
            "30",
            "100",
            "64",
            "1355",
            "2.003.300",
            "971,8",
            "73.0000",
            "30/6",
            "2-9",
            "7/9/2009",
            "14-9-2018",
            "27.3.2014",
            "10:50",
            "15:16:24",
            "8h30",
            "3G",
            "4G",
            "5 G",
            "4.0",
            "2.0",
            "0912.345.678",
            "1900 1234",
            "18001091",
            "+84 912 345 678",
            "15/64",
            "2011 - 2015",
            "2016-2020",
            "11/2009",
            "289",
            "1",
            "2",
            "19",
            "98,5",
            "8 - 10",
        ]);
        let sep = proptest::sample::select(vec![" ", " ", " ", " ", "", "/", "-", ", ", ". ", ": ", " (", ") ", "%", " – "]);
        let token = prop_oneof![3 => word, 2 => number];
        proptest::collection::vec((token, sep), 1..14).prop_map(|parts| {
            let mut s = String::new();
            for (t, sep) in parts {
                s.push_str(t);
                s.push_str(sep);
            }
            s
        })
    }

    #[test]
    fn the_generated_sentences_hold_traps_of_every_kind() {
        // (the differential test above says something only if its sentences hold traps)
        use proptest::strategy::{Strategy, ValueTree};
        let traps = &crate::extract::tests::res().lexicon.traps;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut with, mut kinds) = (0, std::collections::BTreeSet::new());
        for _ in 0..500 {
            let s = trap_sentence().new_tree(&mut runner).expect("a sentence").current();
            let found = find(traps, &s, 0, &|_| false);
            with += usize::from(!found.is_empty());
            kinds.extend(found.iter().map(|t| t.kind.as_str()));
        }
        assert!(with >= 393, "{with} of 500 sentences hold a trap (394 when written)");
        assert!(kinds.len() >= 10, "{kinds:?} (11 kinds when written)");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn the_set_shortcut_finds_what_every_pattern_finds(s in trap_sentence(), base in 0usize..3) {
            // the reference: every pattern searched, in lexicon order, whatever the set says and
            // whether or not the sentence holds a digit (the safety net of a redesign of `find`;
            // it found the standard pattern matching a bare `ISO/`, kept in proptest-regressions)
            let traps = &crate::extract::tests::res().lexicon.traps;
            let unit_follows = |e: usize| s.get(e - base..).is_some_and(|a| a.trim_start().starts_with("thuê bao"));
            let want = find_among(traps, 0..traps.patterns.len(), &s, base, &unit_follows);
            proptest::prop_assert_eq!(find(traps, &s, base, &unit_follows), want);
        }
    }

    fn def(pattern: &str, kind: &str, group: usize) -> TrapDef {
        TrapDef {
            pattern: pattern.into(),
            kind: kind.into(),
            reason: "test".into(),
            group,
            span: false,
        }
    }

    #[test]
    fn trap_patterns_are_checked_at_load() {
        assert!(TrapSet::new(&[def(r"[0-9]+h", "time", 0)]).is_ok());
        for (bad, why) in [
            (def(r"([0-9]+", "time", 0), "unclosed group"),
            (def(r"[0-9]+", "weekday", 0), "unknown kind"),
            (def(r"([0-9]+)", "date", 2), "group 2"),
        ] {
            let err = TrapSet::new(&[def(r"x[0-9]", "name", 0), bad]).unwrap_err();
            assert!(err.starts_with("trap 2 (`test`)"), "{why}: {err}");
        }
        assert!(TrapSet::new(&[]).is_err());
        let span = TrapDef {
            span: true,
            ..def(r"[0-9]{4}", "date", 0)
        };
        assert!(TrapSet::new(&[span]).is_err(), "a date is no span of years");
    }

    #[test]
    fn a_range_of_years_is_a_span() {
        let traps = find(
            &crate::extract::tests::res().lexicon.traps,
            "giai đoạn 2016-2020 và năm 2025",
            0,
            &|_| false,
        );
        let spans: Vec<bool> = traps.iter().map(|t| t.span).collect();
        assert_eq!(spans, [true, false]);
    }

    #[test]
    fn a_four_digit_number_with_a_unit_is_not_a_year() {
        let s = "phát triển 2015 thuê bao";
        let at = s.find("2015").unwrap() + 4;
        assert!(find(&crate::extract::tests::res().lexicon.traps, s, 0, &|e| e == at).is_empty());
        assert_eq!(find(&crate::extract::tests::res().lexicon.traps, s, 0, &|_| false).len(), 1);
    }
}
