//! Decoding, on the workers: a [`RawInput`] into a [`RawDoc`] (JSONL fields, HTML to text,
//! encoding, NFC, language checks), or a [`Reject`] naming the reason.

use chrono::NaiveDate;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::records::{Format, GivenMeta, Payload, RawDoc, RawInput, Reject, RejectKind};

use super::charset::*;
use super::html::*;

#[derive(Debug, Deserialize)]
pub(super) struct JsonDoc {
    id: Option<serde_json::Value>,
    text: Option<String>,
    html: Option<String>,
    url: Option<String>,
    published: Option<String>,
    source: Option<String>,
    title: Option<String>,
    province: Option<String>,
}

pub(super) fn fail(input: &RawInput, kind: RejectKind, reason: String) -> Reject {
    let place = match input.line {
        Some(l) => format!("{}:{l}", input.source),
        None => input.source.clone(),
    };
    Reject {
        source: input.source.clone(),
        doc: Some(input.doc.clone()),
        line: input.line,
        kind,
        reason: format!("{place}: {reason}"),
    }
}

/// Decode one raw input. Pure: the same bytes give the same document.
pub fn decode(input: RawInput) -> std::result::Result<RawDoc, Reject> {
    decode_known(input, None)
}

/// [`decode`], given the input's hash when the reader has made it already (`inputs.input_hash`:
/// blake3 of the payload's bytes, hex). A file whose text is its bytes (UTF-8, no byte-order
/// mark, already NFC, not HTML: most of them) has that hash as its content hash, so it is not
/// hashed twice; any other text is hashed as it is.
pub fn decode_known(input: RawInput, input_hash: Option<&str>) -> std::result::Result<RawDoc, Reject> {
    match &input.payload {
        Payload::Failed(r) => Err(r.clone()),
        Payload::Bytes(bytes) => {
            let (text, encoding, mut warnings) = decode_bytes(bytes).map_err(|(k, r)| fail(&input, k, r))?;
            let (text, given) = if input.format == Format::Html {
                let (t, meta) = html_to_text(&text);
                (t, meta)
            } else {
                (text, GivenMeta::default())
            };
            check_language(&text, &mut warnings).map_err(|(k, r)| fail(&input, k, r))?;
            let content_hash = match input_hash {
                Some(h) if text.as_bytes() == bytes.as_slice() => h.to_string(),
                _ => blake3::hash(text.as_bytes()).to_hex().to_string(),
            };
            Ok(RawDoc {
                doc: input.doc.clone(),
                source: input.source.clone(),
                line: None,
                format: input.format,
                encoding,
                content_hash,
                text,
                given,
                warnings,
            })
        }
        Payload::JsonLine(bytes) => {
            let line = std::str::from_utf8(bytes).map_err(|e| fail(&input, RejectKind::Encoding, format!("line is not UTF-8: {e}")))?;
            let j: JsonDoc =
                serde_json::from_str(line).map_err(|e| fail(&input, RejectKind::MalformedJson, format!("malformed JSON: {e}")))?;
            let id = match &j.id {
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                Some(serde_json::Value::String(_)) => return Err(fail(&input, RejectKind::MalformedJson, "empty `id`".into())),
                Some(other) => {
                    return Err(fail(
                        &input,
                        RejectKind::MalformedJson,
                        format!("`id` must be a string or a number, not {other}"),
                    ));
                }
                None => return Err(fail(&input, RejectKind::MalformedJson, "no `id` field (string or number)".into())),
            };
            let (body, format, mut given) = match (j.text, j.html) {
                (Some(t), _) if !t.trim().is_empty() => (nfc(t), Format::Jsonl, GivenMeta::default()),
                (_, Some(h)) if !h.trim().is_empty() => {
                    let (t, meta) = html_to_text(&h);
                    (t, Format::Jsonl, meta)
                }
                _ => {
                    let mut r = fail(&input, RejectKind::Empty, "no `text` or `html` content".into());
                    r.doc = Some(id);
                    return Err(r);
                }
            };
            given.url = j.url.or(given.url);
            given.title = j.title.or(given.title);
            given.outlet = j.source.map(|s| s.trim().to_lowercase()).or(given.outlet);
            given.published = j.published.as_deref().and_then(parse_iso_date).or(given.published);
            given.province = j.province.filter(|p| !p.trim().is_empty());
            let mut warnings = Vec::new();
            if let Err((k, r)) = check_language(&body, &mut warnings) {
                let mut rej = fail(&input, k, r);
                rej.doc = Some(id);
                return Err(rej);
            }
            Ok(RawDoc {
                doc: id,
                source: input.source.clone(),
                line: input.line,
                format,
                encoding: "utf-8".into(),
                content_hash: blake3::hash(body.as_bytes()).to_hex().to_string(),
                text: body,
                given,
                warnings,
            })
        }
    }
}

/// Encode NFC text as Windows-1258, which writes tones as combining marks after precomposed
/// base letters (â, ă, ê, ô, ơ, ư, đ). For tests and synthetic corpora.
pub fn encode_windows_1258(text: &str) -> Vec<u8> {
    let mut staged = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        let d: String = std::iter::once(c).nfd().collect();
        let (tones, rest): (String, String) = d
            .chars()
            .partition(|m| matches!(*m, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}'));
        staged.extend(rest.nfc());
        staged.push_str(&tones);
    }
    encoding_rs::WINDOWS_1258.encode(&staged).0.into_owned()
}

/// NFC form of a text; most inputs already are, and are given back as they came (the quick
/// check avoids a normalization, and taking the text avoids a copy of it).
pub fn nfc(text: String) -> String {
    if surely_nfc(&text) {
        return text;
    }
    match unicode_normalization::is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    }
}

/// Whether every letter of `text` is one that is in NFC whatever surrounds it (canonical
/// combining class 0 and NFC quick check Yes): below U+0300 (ASCII, Latin-1, ă đ ơ ư), the
/// precomposed Vietnamese vowels (U+1EA0..U+1EF9) and the dashes, quotes and ellipsis
/// (U+2010..U+2027). Composed Vietnamese text is all of these, and then needs no table lookup.
pub(super) fn surely_nfc(text: &str) -> bool {
    // on the UTF-8 bytes: lead bytes below 0xCC start letters below U+0300; a 3-byte letter
    // is let through only in the two ranges (E1 BA A0..E1 BB B9, E2 80 90..E2 80 A7). Each
    // such letter has one byte of 0xCC or more, its lead (the others are below 0xC0), so the
    // text passes exactly when it has as many bytes of 0xCC or more as letters in the ranges:
    // two counts the compiler vectorizes, not a walk over the bytes
    let b = text.as_bytes();
    let high = crate::text::count_bytes(b, |c| c >= 0xCC);
    if high == 0 {
        return true;
    }
    if b.len() < 3 {
        return false;
    }
    // the lead, second and third byte of every possible 3-byte letter, in blocks of 128
    // counted into one byte each
    let n = b.len() - 2;
    let (lead, second, third) = (&b[..n], &b[1..n + 1], &b[2..]);
    let mut listed = 0usize;
    for k in (0..n).step_by(128) {
        let e = (k + 128).min(n);
        let block = lead[k..e].iter().zip(&second[k..e]).zip(&third[k..e]);
        listed += usize::from(block.fold(0u8, |m, ((&c, &b1), &b2)| {
            let vowel = (c == 0xE1) & (((b1 == 0xBA) & (b2 >= 0xA0)) | ((b1 == 0xBB) & (b2 <= 0xB9)));
            let dash = (c == 0xE2) & (b1 == 0x80) & (b2.wrapping_sub(0x90) <= 0xA7 - 0x90);
            m + u8::from(vowel | dash)
        }));
    }
    high == listed
}

/// A date from `2014-03-27`, `2014-03-27T10:50:00+07:00` and similar.
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let head: String = s.trim().chars().take(10).collect();
    NaiveDate::parse_from_str(&head, "%Y-%m-%d").ok()
}

pub(super) type Bad = (RejectKind, String);
