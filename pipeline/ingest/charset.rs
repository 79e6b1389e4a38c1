//! Bytes to text: BOM, UTF-8, else chardetng + encoding_rs; binary content, mojibake and text
//! that is not Vietnamese are rejected with their reason.

use crate::records::RejectKind;

use super::decode::*;

/// Bytes → NFC text, encoding name, warnings.
pub fn decode_bytes(bytes: &[u8]) -> std::result::Result<(String, String, Vec<String>), Bad> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err((RejectKind::Empty, "empty file".into()));
    }
    let mut warnings = Vec::new();
    let (text, enc) = if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (t, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err((
                RejectKind::Encoding,
                format!("invalid {} bytes after the byte-order mark", enc.name()),
            ));
        }
        (t.into_owned(), enc.name().to_lowercase())
    } else {
        if looks_binary(bytes) {
            return Err((RejectKind::Binary, "binary content (NUL or control bytes), not text".into()));
        }
        // SIMD validation first; the standard library's, for its error, only on invalid bytes
        let valid = simdutf8::basic::from_utf8(bytes).map_err(|_| std::str::from_utf8(bytes).err());
        match valid.map_err(|e| e.expect("simdutf8 and the standard library agree on what is UTF-8")) {
            Ok(s) => (s.to_string(), "utf-8".to_string()),
            // valid UTF-8 cut inside its last character (a truncated download or copy): the
            // text stays UTF-8, the cut character is dropped with a warning
            Err(e) if e.error_len().is_none() && e.valid_up_to() > 0 => {
                warnings.push(format!(
                    "truncated UTF-8: the last {} byte(s) are an incomplete character, dropped",
                    bytes.len() - e.valid_up_to()
                ));
                let s = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
                (s.to_string(), "utf-8".to_string())
            }
            Err(_) => {
                let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                det.feed(bytes, true);
                let enc = det.guess(Some(b"vn"), chardetng::Utf8Detection::Allow);
                let (t, had_errors) = enc.decode_without_bom_handling(bytes);
                if had_errors {
                    return Err((
                        RejectKind::Encoding,
                        format!("invalid bytes: not UTF-8, and not valid {} either", enc.name()),
                    ));
                }
                // a legacy encoding is believed only when it yields Vietnamese text
                let letters = t.chars().filter(|c| crate::text::is_letter(*c)).count();
                let viet = t.chars().filter(|&c| is_vietnamese_letter(c)).count();
                if letters < 20 || (viet as f64) < 0.03 * letters as f64 {
                    return Err((
                        RejectKind::Encoding,
                        format!(
                            "invalid bytes: not UTF-8, and as {} not Vietnamese text ({viet} Vietnamese letters among {letters})",
                            enc.name()
                        ),
                    ));
                }
                if enc != encoding_rs::WINDOWS_1258 {
                    warnings.push(format!("decoded as {} (not UTF-8)", enc.name()));
                }
                (t.into_owned(), enc.name().to_lowercase())
            }
        }
    };
    // most texts hold no carriage return: no copy to replace one
    let text = if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        nfc(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        nfc(text)
    };
    if text.trim().is_empty() {
        return Err((RejectKind::Empty, "no text after decoding".into()));
    }
    Ok((text, enc, warnings))
}

pub(super) fn looks_binary(bytes: &[u8]) -> bool {
    // a NUL anywhere (not only in the head): text never holds one
    if memchr::memchr(0, bytes).is_some() {
        return true;
    }
    let head = &bytes[..bytes.len().min(8192)];
    // (`&`, not `&&`: no branch per byte, so the count is vectorized)
    let ctrl = crate::text::count_bytes(head, |b| (b < 0x20) & (b != b'\n') & (b != b'\r') & (b != b'\t') & (b != 0x0c));
    ctrl * 20 > head.len()
}

/// Letters that only Vietnamese (among Latin scripts) writes.
pub(super) fn is_vietnamese_letter(c: char) -> bool {
    matches!(
        crate::text::lower_same_len(c),
        'ă' | 'â'
            | 'đ'
            | 'ê'
            | 'ô'
            | 'ơ'
            | 'ư'
            | 'á'
            | 'à'
            | 'ả'
            | 'ã'
            | 'ạ'
            | 'ắ'
            | 'ằ'
            | 'ẳ'
            | 'ẵ'
            | 'ặ'
            | 'ấ'
            | 'ầ'
            | 'ẩ'
            | 'ẫ'
            | 'ậ'
            | 'é'
            | 'è'
            | 'ẻ'
            | 'ẽ'
            | 'ẹ'
            | 'ế'
            | 'ề'
            | 'ể'
            | 'ễ'
            | 'ệ'
            | 'í'
            | 'ì'
            | 'ỉ'
            | 'ĩ'
            | 'ị'
            | 'ó'
            | 'ò'
            | 'ỏ'
            | 'õ'
            | 'ọ'
            | 'ố'
            | 'ồ'
            | 'ổ'
            | 'ỗ'
            | 'ộ'
            | 'ớ'
            | 'ờ'
            | 'ở'
            | 'ỡ'
            | 'ợ'
            | 'ú'
            | 'ù'
            | 'ủ'
            | 'ũ'
            | 'ụ'
            | 'ứ'
            | 'ừ'
            | 'ử'
            | 'ữ'
            | 'ự'
            | 'ý'
            | 'ỳ'
            | 'ỷ'
            | 'ỹ'
            | 'ỵ'
    )
}

/// A Latin-1 symbol or letter that TCVN3 and VNI text shows in place of a Vietnamese letter.
pub(super) fn is_mojibake_letter(c: char) -> bool {
    matches!(
        c,
        '×' | '¸'
            | '¬'
            | 'µ'
            | '¶'
            | '·'
            | '¹'
            | '®'
            | '©'
            | 'ª'
            | '«'
            | '¨'
            | 'Ñ'
            | 'Ø'
            | 'Ï'
            | 'Ò'
            | 'Ö'
            | 'ø'
            | 'ï'
            | 'õ'
            | 'ä'
            | 'ö'
            | 'ü'
            | 'Ä'
            | 'Ü'
            | 'ÿ'
            | 'ë'
    )
}

/// What a text's letters say of its language: (letters, Vietnamese letters, legacy-font
/// mojibake letters).
///
/// One pass over the bytes: ASCII bytes are counted without decoding; a two-byte character
/// (U+0080..U+07FF: Latin-1, `ă đ ơ ư`) is looked up in a table built once from the same
/// predicates; the precomposed vowels (U+1EA0..U+1EF9) are told from their bytes. Only other
/// characters are decoded and tested one by one.
pub(super) fn letter_counts(text: &str) -> (usize, usize, usize) {
    let bytes = text.as_bytes();
    // the ASCII letters of the whole text in one loop the compiler vectorizes (no byte of a
    // multi-byte character is in `a..=z` once its 0x20 bit is set: they are all 0x80 or more)
    let mut letters = crate::text::count_bytes(bytes, |b| (b | 0x20).wrapping_sub(b'a') < 26);
    let (mut viet, mut odd) = (0usize, 0usize);
    let table = two_byte_letters();
    let at = |k: usize| bytes.get(k).copied().unwrap_or(0);
    let mut i = 0;
    // (the next non-ASCII byte leads a character: the walk moves from character to character)
    while let Some(p) = crate::text::next_non_ascii(bytes, i) {
        i = p;
        let (b, b1, b2) = (bytes[i], at(i + 1), at(i + 2));
        // both readings are made and one is kept, with no branch between them: two-byte
        // letters (`ă đ ơ ư`) and the three-byte precomposed vowels (U+1EA0..U+1EF9: E1 BA
        // A0..E1 BB B9) alternate in Vietnamese text, and the branch that told them apart was
        // mispredicted about every other character. A two-byte character has a lead byte
        // C2..DF (the text is valid UTF-8) and its flags come from the table; any other lead
        // also indexes the table (below U+0400), and its flags are masked off.
        let two = b < 0xE0;
        let f = table[(usize::from(b & 0x1F) << 6) | usize::from(b1 & 0x3F)] & (u8::from(two).wrapping_neg());
        let vowel = (b == 0xE1) & (((b1 == 0xBA) & (b2 >= 0xA0)) | ((b1 == 0xBB) & (b2 <= 0xB9)));
        letters += usize::from(f & LETTER != 0) + usize::from(vowel);
        viet += usize::from(f & VIET != 0) + usize::from(vowel);
        odd += usize::from(f & MOJI != 0);
        if two | vowel {
            i += if two { 2 } else { 3 };
            continue;
        }
        let c = text[i..].chars().next().expect("i is a char boundary");
        i += c.len_utf8();
        odd += usize::from(is_mojibake_letter(c));
        if crate::text::is_letter(c) {
            letters += 1;
            viet += usize::from(is_vietnamese_letter(c));
        }
    }
    (letters, viet, odd)
}

const LETTER: u8 = 1;
const VIET: u8 = 2;
const MOJI: u8 = 4;

/// The letter flags of every two-byte character (U+0080..U+07FF), indexed by code point, from
/// the predicates [`letter_counts`] asks of other characters (below U+0080: none).
fn two_byte_letters() -> &'static [u8; 0x800] {
    static T: std::sync::OnceLock<[u8; 0x800]> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let mut t = [0u8; 0x800];
        for (k, f) in t.iter_mut().enumerate().skip(0x80) {
            let c = char::from_u32(k as u32).expect("no surrogates below U+0800");
            let letter = crate::text::is_letter(c);
            *f = (u8::from(letter) * LETTER)
                | (u8::from(letter && is_vietnamese_letter(c)) * VIET)
                | (u8::from(is_mojibake_letter(c)) * MOJI);
        }
        t
    })
}

pub(super) fn check_language(text: &str, warnings: &mut Vec<String>) -> std::result::Result<(), Bad> {
    let (letters, viet, odd) = letter_counts(text);
    if letters == 0 {
        return Err((RejectKind::NotVietnamese, "no letters: nothing to read".into()));
    }
    let moji = odd as f64 / letters as f64;
    if moji > 0.02 {
        warnings.push(format!(
            "legacy-font mojibake suspected (TCVN3/VNI): {:.1}% odd letters",
            moji * 100.0
        ));
        return Ok(());
    }
    if letters >= 40 && (viet as f64) < 0.03 * letters as f64 {
        return Err((
            RejectKind::NotVietnamese,
            format!("not Vietnamese: {viet} Vietnamese letters among {letters}"),
        ));
    }
    Ok(())
}
