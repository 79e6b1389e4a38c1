//! Tests of ingest: discovery, reading, decoding, charsets, HTML.

use super::charset::*;
use super::decode::*;
use super::html::*;

use chrono::NaiveDate;

use crate::records::{Format, Payload, RawInput, RejectKind};

mod cases {
    use super::*;

    fn bytes_input(bytes: &[u8], format: Format) -> RawInput {
        RawInput {
            doc: "d".into(),
            source: "src/d".into(),
            line: None,
            format,
            payload: Payload::Bytes(bytes.to_vec()),
        }
    }

    const VI: &str = "Năm 2018, thuê bao điện thoại ước đạt 2.890.000 thuê bao trên địa bàn tỉnh Thanh Hóa.";

    #[test]
    fn a_nul_anywhere_is_binary_not_only_in_the_head() {
        let mut b = format!("{VI}\n").repeat(200).into_bytes();
        assert!(b.len() > 8192);
        b.push(0);
        b.extend_from_slice(VI.as_bytes());
        assert!(matches!(decode_bytes(&b), Err((RejectKind::Binary, _))));
    }

    #[test]
    fn utf8_cut_inside_its_last_character_stays_utf8_with_a_warning() {
        let mut b = format!("{VI} Hế").into_bytes();
        b.pop();
        let (text, enc, warnings) = decode_bytes(&b).unwrap();
        assert_eq!(enc, "utf-8");
        assert!(text.ends_with(" H"), "{text}");
        assert!(warnings.iter().any(|w| w.contains("truncated UTF-8")), "{warnings:?}");
        // a bad byte in the middle is not a cut
        let mut b = format!("{VI} Hết").into_bytes();
        b.insert(3, 0xff);
        assert!(decode_bytes(&b).map_or(true, |(_, enc, _)| enc != "utf-8"));
    }

    #[test]
    fn decodes_utf8_with_and_without_bom_and_utf16() {
        let plain = decode(bytes_input(VI.as_bytes(), Format::Txt)).unwrap();
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(VI.as_bytes());
        let with_bom = decode(bytes_input(&bom, Format::Txt)).unwrap();
        let mut u16 = vec![0xFF, 0xFE];
        for unit in VI.encode_utf16() {
            u16.extend_from_slice(&unit.to_le_bytes());
        }
        let utf16 = decode(bytes_input(&u16, Format::Txt)).unwrap();
        assert_eq!(plain.text, VI);
        assert_eq!(with_bom.text, VI);
        assert_eq!(utf16.text, VI);
        assert_eq!(plain.content_hash, utf16.content_hash);
    }

    #[test]
    fn decodes_windows_1258_to_nfc() {
        let bytes = encode_windows_1258(VI);
        assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8 any more");
        let doc = decode(bytes_input(&bytes, Format::Txt)).unwrap();
        assert_eq!(doc.text, VI);
        assert_eq!(doc.encoding, "windows-1258");
    }

    #[test]
    fn rejects_bad_inputs_with_a_reason() {
        let cases: [(&[u8], RejectKind); 4] = [
            (b"", RejectKind::Empty),
            (b"  \n ", RejectKind::Empty),
            (b"\x00\x01\x02binary\x00", RejectKind::Binary),
            (
                b"The quick brown fox jumps over the lazy dog again and again and again.",
                RejectKind::NotVietnamese,
            ),
        ];
        for (bytes, kind) in cases {
            let r = decode(bytes_input(bytes, Format::Txt)).unwrap_err();
            assert_eq!(r.kind, kind, "{:?}", String::from_utf8_lossy(bytes));
            assert!(r.reason.starts_with("src/d"), "reason names the file: {}", r.reason);
        }
    }

    #[test]
    fn jsonl_lines_need_an_id_and_content() {
        let line = |s: &str| RawInput {
            doc: "f.jsonl:3".into(),
            source: "f.jsonl".into(),
            line: Some(3),
            format: Format::Jsonl,
            payload: Payload::JsonLine(s.as_bytes().to_vec()),
        };
        let ok = decode(line(&format!(
            r#"{{"id":"a1","text":"{VI}","source":"Baothanhhoa.vn","published":"2019-01-02"}}"#
        )))
        .unwrap();
        assert_eq!(ok.doc, "a1");
        assert_eq!(ok.given.outlet.as_deref(), Some("baothanhhoa.vn"));
        assert_eq!(ok.given.published, NaiveDate::from_ymd_opt(2019, 1, 2));
        let bad = decode(line(r#"{"id": "a2", "text": "#)).unwrap_err();
        assert_eq!(bad.kind, RejectKind::MalformedJson);
        assert!(bad.reason.contains("f.jsonl:3"));
        let no_id = decode(line(&format!(r#"{{"text":"{VI}"}}"#))).unwrap_err();
        assert_eq!(no_id.kind, RejectKind::MalformedJson);
    }

    #[test]
    fn html_keeps_the_article_text_and_drops_scripts_and_navigation() {
        let html = format!(
            "<html><head><title>Tiêu đề &amp; tin</title><meta property=\"article:published_time\" content=\"2014-03-27T10:50:00\"></head>\
             <body><nav>Trang chủ | Tin tức</nav><script>var x = 1;</script><p>{VI}</p><!-- quảng cáo --></body></html>"
        );
        let (text, meta) = html_to_text(&html);
        assert_eq!(text, VI);
        assert_eq!(meta.title.as_deref(), Some("Tiêu đề & tin"));
        assert_eq!(meta.published, NaiveDate::from_ymd_opt(2014, 3, 27));
    }

    #[test]
    fn legacy_font_mojibake_is_reported() {
        let t = "Së Th«ng tin vµ TruyÒn th«ng tØnh Ninh B×nh tæ chøc héi nghÞ tæng kÕt n¨m 2012 víi nhiÒu kÕt qu¶.";
        let mut w = Vec::new();
        check_language(t, &mut w).unwrap();
        assert!(w.iter().any(|x| x.contains("mojibake")), "{w:?}");
    }
}

mod nfc_fast_path {
    use super::*;

    /// Every letter the fast path lets through is stable under NFC on its own (quick check Yes)
    /// and never reorders or composes with a neighbour (combining class 0), so a text of them
    /// only is in NFC; and a text with one letter outside (a combining mark) is still normalized.
    #[test]
    fn the_fast_path_admits_only_letters_that_are_nfc_in_any_context() {
        use unicode_normalization::char::canonical_combining_class;
        use unicode_normalization::{IsNormalized, is_nfc_quick};
        for u in (0..0x300u32).chain(0x1EA0..=0x1EF9).chain(0x2010..=0x2027) {
            let Some(c) = char::from_u32(u) else { continue };
            assert!(surely_nfc(&c.to_string()), "U+{u:04X}");
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "U+{u:04X}");
            assert_eq!(canonical_combining_class(c), 0, "U+{u:04X}");
        }
        // and no other letter: the byte test agrees with the ranges on every code point
        for u in (0..0x3_0000u32).chain(0x10_FF00..=0x10_FFFF) {
            let Some(c) = char::from_u32(u) else { continue };
            let listed = u < 0x300 || (0x1EA0..=0x1EF9).contains(&u) || (0x2010..=0x2027).contains(&u);
            assert_eq!(surely_nfc(&format!("a{c}b")), listed, "U+{u:04X}");
        }
        assert!(!surely_nfc("Hoa\u{301}"));
        assert!(surely_nfc("") && surely_nfc("é") && !surely_nfc("\u{300}") && !surely_nfc("a\u{300}"));
        assert_eq!(nfc("Ho\u{61}\u{301} và Thanh Hoá".to_string()), "Hoá và Thanh Hoá");
        assert_eq!(nfc("Thanh Hoá – “số” …".to_string()), "Thanh Hoá – “số” …");
    }

    proptest::proptest! {
        /// Counting lead bytes says what testing each character's range says, on any text
        /// (long enough to cross the counting blocks).
        #[test]
        fn the_byte_counts_agree_with_testing_each_char(s in "[a-z .ăđơưÀ-ÿĀ-ſ\u{300}-\u{36f}\u{1E9E}-\u{1EFF}\u{2000}-\u{202F}€\u{1F600}]{0,300}") {
            let by_chars = s.chars().all(|c| (c as u32) < 0x300 || ('\u{1EA0}'..='\u{1EF9}').contains(&c) || ('\u{2010}'..='\u{2027}').contains(&c));
            proptest::prop_assert_eq!(surely_nfc(&s), by_chars);
        }

        /// The blocked count is the plain count, for any bytes and length.
        #[test]
        fn count_bytes_is_a_filter_count(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..700), t in proptest::num::u8::ANY) {
            proptest::prop_assert_eq!(
                crate::text::count_bytes(&bytes, |b| b < t),
                bytes.iter().filter(|&&b| b < t).count()
            );
        }
    }
}

/// The language check counts the precomposed vowels U+1EA0..U+1EF9 as Vietnamese letters
/// without asking `is_vietnamese_letter`: it would say the same of each.
#[test]
fn every_precomposed_vowel_is_a_vietnamese_letter() {
    for u in 0x1EA0..=0x1EF9u32 {
        let c = char::from_u32(u).unwrap();
        assert!(
            is_vietnamese_letter(c) && crate::text::is_letter(c) && !is_mojibake_letter(c),
            "U+{u:04X}"
        );
    }
}

mod letter_counts_fast_path {
    use super::*;

    /// The counts, char by char, with the same predicates.
    fn by_chars(text: &str) -> (usize, usize, usize) {
        let (mut letters, mut viet, mut odd) = (0, 0, 0);
        for c in text.chars() {
            odd += usize::from(is_mojibake_letter(c));
            if crate::text::is_letter(c) {
                letters += 1;
                viet += usize::from(is_vietnamese_letter(c));
            }
        }
        (letters, viet, odd)
    }

    #[test]
    fn every_ascii_byte_counts_as_it_does_alone_eight_at_a_time() {
        for b in 1..0x80u8 {
            let s = String::from_utf8(vec![b; 17]).unwrap();
            assert_eq!(letter_counts(&s), by_chars(&s), "byte {b:#04x}");
        }
        let all: String = (1..0x80u8).map(char::from).collect();
        assert_eq!(letter_counts(&all), by_chars(&all));
    }

    #[test]
    fn every_two_byte_character_counts_as_it_does_alone() {
        for u in 0x80..0x800u32 {
            let s = char::from_u32(u).unwrap().to_string();
            assert_eq!(letter_counts(&s), by_chars(&s), "U+{u:04X}");
        }
    }

    #[test]
    fn every_longer_character_counts_as_it_does_alone_and_after_a_letter() {
        // (alone, its last byte ends the text: the lookahead past it reads nothing)
        for u in (0x800..0x1_0000u32).chain(0x1_F600..0x1_F610) {
            let Some(c) = char::from_u32(u) else { continue };
            for s in [c.to_string(), format!("ă{c}"), format!("{c}a")] {
                assert_eq!(letter_counts(&s), by_chars(&s), "U+{u:04X} in {s:?}");
            }
        }
    }

    proptest::proptest! {
        /// Byte lookups and char tests count the same letters on any text.
        #[test]
        fn letter_counts_agree_with_testing_each_char(s in "[a-zA-Z0-9 .,ăâđêôơưÀ-ÿĀ-ſ\\u{300}-\\u{36f}\\u{1EA0}-\\u{1EF9}×¸¬µ¶·¹®©ª«¨Ññ€→\\u{1F600}]{0,300}") {
            proptest::prop_assert_eq!(letter_counts(&s), by_chars(&s));
        }
    }
}
