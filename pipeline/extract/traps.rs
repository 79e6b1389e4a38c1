//! Numbers that are not statistics: document numbers, dates, times, years, periods,
//! standards, technology generations, levels, phone numbers, ordinals, names with numbers.
//!
//! Input: one sentence (text and its byte offset in the document). Output: [`Trap`] spans with
//! their kind and a reason. The extractor records them as mentions and never reads a figure
//! inside them. Patterns are ordered most specific first; a span already claimed is not
//! claimed again.

use std::sync::OnceLock;

use regex::Regex;

use crate::records::MentionKind;

/// A recognised non-statistic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    pub start: usize,
    pub end: usize,
    pub kind: MentionKind,
    pub reason: &'static str,
    /// For years and periods: the year named.
    pub year: Option<i32>,
}

struct Pattern {
    re: Regex,
    kind: MentionKind,
    reason: &'static str,
    /// capture group that holds the span to record (0 = whole match)
    group: usize,
}

fn patterns() -> &'static [Pattern] {
    static P: OnceLock<Vec<Pattern>> = OnceLock::new();
    P.get_or_init(|| {
        let p = |re: &str, kind, reason, group| Pattern {
            re: Regex::new(re).expect("trap pattern"),
            kind,
            reason,
            group,
        };
        use MentionKind::*;
        vec![
            // ISO 9001:2008, TCVN 5700:2002, QCVN 32:2011/BTTTT
            p(r"(?i)(?-u:\b)(?:ISO|TCVN|QCVN|IEC|ITU-T|IEEE)\s?[0-9.:\-/]+(?:[:\-/]\w+)*", Standard, "standard or norm", 0),
            // 1355/QĐ-UBND, 11/2009/QĐ-UBND, 289-QĐ/TU, 119/QĐ-TTg, 15/QĐ - UBND, 64/2007/NĐ-CP
            p(r"(?-u:\b)[0-9]+(?:\s?[/.\-–]\s?[0-9]+)*\s?[/\-–]\s?[A-ZĐ][A-Za-zĐđ]*[A-ZĐ][A-Za-zĐđ]*(?:\s?[\-–/&]\s?[A-ZĐ][A-Za-zĐđ0-9]*)*", DocNumber, "document number (decision, dispatch, resolution)", 0),
            // Quyết định số 1355, Nghị quyết số 116, Công văn số 25
            p(r"(?i)(?:^|[^\p{L}\p{N}])(?:quyết định|nghị quyết|nghị định|công văn|kế hoạch|chỉ thị|thông tư|văn bản|báo cáo|tờ trình|thông báo|quy định|luật|đề án|chương trình|hướng dẫn)\s+(?:số\s+)?([0-9]+(?:/[0-9]+)*)(?-u:\b)", DocNumber, "number of a legal or administrative document", 1),
            p(r"(?i)(?-u:\b)số\s+([0-9]+(?:/[0-9]+)+)(?-u:\b)", DocNumber, "number of a document", 1),
            // 15:16:24, 10:50, 8h30
            p(r"(?-u:\b)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?-u:\b)", Time, "time of day", 0),
            p(r"(?-u:\b)[0-9]{1,2}h[0-9]{2}(?-u:\b)|(?-u:\b)[0-9]{1,2}\s?giờ(?:\s?[0-9]{1,2}(?:\s?phút)?)?", Time, "time of day", 0),
            // 7/2/2012, 14-9-2018, 04/2/210, 27.3.2014
            p(r"(?-u:\b)[0-9]{1,2}\s?[/\-]\s?[0-9]{1,2}\s?[/\-]\s?[0-9]{2,4}(?-u:\b)", Date, "date", 0),
            p(r"(?-u:\b)[0-9]{1,2}\.[0-9]{1,2}\.(?:19|20)[0-9]{2}(?-u:\b)", Date, "date", 0),
            // ngày 30/6, ngày 2-9, Quốc khánh 2/9, đến 30/6
            p(r"(?i)(?:^|[^\p{L}\p{N}])(?:ngày|hôm|đến|từ|tới|trước|sau|khánh|lễ|dịp|tết)\s+([0-9]{1,2}\s?[/\-]\s?[0-9]{1,2})(?-u:\b)", Date, "day and month", 1),
            // tháng 3/2014, tháng 12 năm 2014, tháng 3
            p(r"(?i)(?-u:\b)tháng\s+([0-9]{1,2}(?:\s?/\s?[0-9]{4}|\s+năm\s+[0-9]{4})?)(?-u:\b)", Date, "month", 1),
            p(r"(?i)(?-u:\b)ngày\s+([0-9]{1,2})(?-u:\b)", Date, "day of month", 1),
            // quý II/2014, quý 1 năm 2014, 6 tháng đầu năm, 9 tháng
            p(r"(?i)(?-u:\b)quý\s+(?:[1-4]|I{1,3}|IV)\s?(?:/\s?([0-9]{4})|năm\s+([0-9]{4}))", Period, "quarter", 0),
            p(r"(?i)(?-u:\b)quý\s+([1-4])(?-u:\b)", Period, "quarter", 1),
            p(r"(?-u:\b)[Qq]uý\s+(?:IV|I{1,3})(?-u:\b)", Period, "quarter", 0),
            p(r"(?i)(?-u:\b)([0-9]{1,2})\s+tháng(?:\s+(?:đầu|cuối)\s+năm|\s+năm)?(?-u:\b)", Period, "months of the year (a period)", 1),
            // 3G, 4G, 5G, 2G and 4.0 (công nghiệp 4.0), IPv6, Web 2.0
            p(r"(?-u:\b)[2-6]G(?-u:\b)|(?-u:\b)[2-6]\s?G(?-u:\b)(?:/[2-6]G)*", Name, "mobile technology generation", 0),
            p(r"(?-u:\b)[1-5]\.0(?-u:\b)", Name, "version name (4.0)", 0),
            p(r"(?i)(?-u:\b)IPv[0-9](?-u:\b)|(?-u:\b)Web\s?[0-9]\.[0-9](?-u:\b)", Name, "technology name", 0),
            // mức độ 3, 4; cấp độ 2
            p(r"(?i)(?-u:\b)(?:mức độ|mức|cấp độ|level)\s+([0-9](?:\s?(?:,|và|-)\s?(?:mức độ\s+)?[0-9])*)(?-u:\b)", Level, "service level, not a count", 1),
            // phone numbers: 0912.345.678, 0236 3822 123, 1900 1234, 18001091
            p(r"(?:\+84|(?-u:\b)0)[0-9]{2,3}[\s.\-]?[0-9]{3}[\s.\-]?[0-9]{3,4}(?-u:\b)", Phone, "phone number", 0),
            p(r"(?-u:\b)(?:1900|1800)[\s.]?[0-9]{4}(?-u:\b)|(?-u:\b)1800[0-9]{4}(?-u:\b)", Phone, "hotline number", 0),
            // xếp thứ 15/64 is a rank (handled by the extractor); lần thứ 3, số thứ 1 are ordinals
            p(r"(?i)(?:^|[^\p{L}\p{N}])(?:lần|số|khóa|khoá|kỳ|đợt|giai đoạn|phần|chương|mục|điều|khoản|năm)\s+thứ\s+([0-9]+)(?-u:\b)", Ordinal, "ordinal", 1),
            p(r"(?i)(?:^|[^\p{L}\p{N}])(?:khóa|khoá|kỳ họp|điều|khoản|chương|mục|phụ lục)\s+([0-9]+)(?-u:\b)", Ordinal, "article or session number", 1),
            // names with numbers: PA 25, cụm 1, Quốc lộ 1A, phòng 2, Top 10
            p(r"(?i)(?:^|[^\p{L}\p{N}])(?:PA|A|cụm|đội|phòng|tổ|khu vực|khu|tầng|lô|quốc lộ|QL|tỉnh lộ|ĐT|đường|tuyến|số nhà|trạm\s+y\s+tế|top|nhóm|vùng|cấp|ảnh|clip|video)\s?([0-9]+[A-Z]?)(?-u:\b)", Name, "name containing a number", 1),
            // a flattened table's row number glued to its label: `6Trạm thu phát sóng`, `1Số
            // máy điện thoại` (a capital then a Vietnamese letter: `100Mb`, `4G` are not this)
            p(r"(?:^|[^\p{L}\p{N}.,])([0-9]{1,3})(?:[\p{Lu}&&[^\x00-\x7F]]|\p{Lu}\p{Ll}*?[\p{L}&&[^\x00-\x7F]])", Ordinal, "row number glued to its label (a flattened table)", 1),
            // names with a hyphenated number: COVID-19, VINASAT-2, SARS-CoV-2
            p(r"(?-u:\b)[A-Za-z]{2,}(?:-[A-Za-z]+)*-([0-9]{1,4})(?-u:\b)", Name, "name with a number (COVID-19)", 1),
            // (followed by a non-letter: `15.000bản` is a glued unit, not a code)
            p(r"(?-u:\b)([0-9]+[A-Za-z]{1,3}[0-9]*)(?:[^\p{L}\p{N}]|$)", Name, "alphanumeric code", 1),
            // the 100 of `cứ 100 dân`, `/100 dân`, `bình quân 100 dân` (also glued to the next
            // cell of a flattened table: `bình quân 100 dânthuê bao`)
            p(r"(?i)(?:/|(?-u:\b)cứ|(?-u:\b)bình quân|(?-u:\b)trên|(?-u:\b)mỗi)\s?(100)\s+(?:người\s+)?dân", Denominator, "the 100 of a per-100-inhabitants expression", 1),
            // year ranges and years
            p(r"(?-u:\b)((?:19[5-9][0-9]|20[0-4][0-9])\s?[-–]\s?(?:19[5-9][0-9]|20[0-4][0-9]))(?-u:\b)", Year, "range of years", 1),
            p(r"(?i)(?:^|[^\p{L}\p{N}])(?:năm|niên khóa|niên độ|giai đoạn|đến|từ|trước|sau|cuối|đầu)\s+((?:19[5-9][0-9]|20[0-4][0-9]))(?-u:\b)", Year, "year", 1),
        ]
    })
}

/// All patterns at once: one pass over a sentence tells which patterns can match at all, so
/// only those are run for their spans (most sentences hold one or two kinds of trap).
fn pattern_set() -> &'static regex::RegexSet {
    static S: OnceLock<regex::RegexSet> = OnceLock::new();
    S.get_or_init(|| regex::RegexSet::new(patterns().iter().map(|p| p.re.as_str())).expect("trap pattern set"))
}

/// The years 1950–2049 written alone (four digits with an ASCII word boundary on each side),
/// as the pattern `(?-u:\b)(19[5-9][0-9]|20[0-4][0-9])(?-u:\b)` finds them, by a byte loop: it
/// ran over every sentence with a digit.
fn bare_years(sentence: &str) -> impl Iterator<Item = (usize, usize, i32)> + '_ {
    let b = sentence.as_bytes();
    let word = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
    (0..b.len().saturating_sub(3)).filter_map(move |p| {
        let digits = &b[p..p + 4];
        if !digits.iter().all(u8::is_ascii_digit) || (p > 0 && word(p - 1)) || word(p + 4) {
            return None;
        }
        let y = digits.iter().fold(0i32, |y, d| y * 10 + i32::from(d - b'0'));
        (1950..=2049).contains(&y).then_some((p, p + 4, y))
    })
}

fn list_marker() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^\s*([0-9]{1,2})\s?[.)/]\s").expect("list pattern"))
}

/// Find the traps of one sentence. `base` is the sentence's byte offset in the document;
/// `unit_follows(end)` tells whether a unit word follows a bare 4-digit number (then it is a
/// quantity, not a year).
pub fn find(sentence: &str, base: usize, unit_follows: &dyn Fn(usize) -> bool) -> Vec<Trap> {
    let mut out: Vec<Trap> = Vec::new();
    let overlaps = |out: &[Trap], s: usize, e: usize| out.iter().any(|t| s < t.end && t.start < e);
    // every trap holds a digit, but for the spelled quarter (`quý II`)
    if !sentence.bytes().any(|b| b.is_ascii_digit()) && !sentence.contains("uý") {
        return Vec::new();
    }
    let candidates = pattern_set().matches(sentence);
    for pat in candidates.iter().map(|i| &patterns()[i]) {
        // a whole-match pattern that reads no year needs no capture groups: the plain search
        // is the regex engine's fast path
        let plain = pat.group == 0 && !matches!(pat.kind, MentionKind::Year | MentionKind::Period);
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
                reason: pat.reason,
                year,
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
        });
    }
    if let Some(c) = list_marker().captures(sentence) {
        let m = c.get(1).expect("group");
        if !overlaps(&out, base + m.start(), base + m.end()) {
            out.push(Trap {
                start: base + m.start(),
                end: base + m.end(),
                kind: MentionKind::ListMarker,
                reason: "list item number",
                year: None,
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
        find(s, 0, &|_| false)
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

    #[test]
    fn a_four_digit_number_with_a_unit_is_not_a_year() {
        let s = "phát triển 2015 thuê bao";
        let at = s.find("2015").unwrap() + 4;
        assert!(find(s, 0, &|e| e == at).is_empty());
        assert_eq!(find(s, 0, &|_| false).len(), 1);
    }
}
