//! Ingest: find input files, read them, decode them into [`RawDoc`]s.
//!
//! Inputs: files or folders (recursive) of `.txt`, `.html`/`.htm`, `.jsonl`, `.jsonl.gz`.
//! Reading ([`read_file`]) is sequential and cheap: it only gathers bytes (one [`RawInput`] per
//! document; a JSONL file streams line by line). Decoding ([`decode`]) is pure and runs on the
//! workers: encoding detection (BOM, UTF-8, else chardetng + encoding_rs), NFC, JSON parsing,
//! HTML to text. Invariant: every input yields a `RawDoc` or a [`Reject`] naming the file, the
//! line and the reason; nothing is dropped silently.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::records::{Format, GivenMeta, Payload, RawDoc, RawInput, Reject, RejectKind};
use crate::{Error, Result};

/// One input file and the name its documents get.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    pub path: PathBuf,
    /// Path relative to the input root it was found under.
    pub doc: String,
    pub format: Option<Format>,
    pub gzip: bool,
}

fn format_of(path: &Path) -> (Option<Format>, bool) {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    if name.ends_with(".jsonl.gz") || name.ends_with(".ndjson.gz") {
        (Some(Format::Jsonl), true)
    } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        (Some(Format::Jsonl), false)
    } else if name.ends_with(".html") || name.ends_with(".htm") {
        (Some(Format::Html), false)
    } else if name.ends_with(".txt") {
        (Some(Format::Txt), false)
    } else {
        (None, false)
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<InputFile>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("cannot list", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("cannot list", dir, e))?;
        let path = entry.path();
        let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(root, &path, out)?;
        } else {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let doc = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let (format, gzip) = format_of(&path);
            out.push(InputFile { path, doc, format, gzip });
        }
    }
    Ok(())
}

/// All input files under the given paths, sorted (determinism does not depend on the file system).
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<InputFile>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            walk(input, input, &mut found)?;
            found.sort();
            out.extend(found);
        } else if input.exists() {
            let (format, gzip) = format_of(input);
            let doc = input.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            out.push(InputFile {
                path: input.clone(),
                doc,
                format,
                gzip,
            });
        } else {
            return Err(Error::io(
                "cannot read input",
                input,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
    }
    if out.is_empty() {
        return Err(Error::NoInput(inputs.to_vec()));
    }
    Ok(out)
}

fn reject(file: &InputFile, line: Option<u64>, kind: RejectKind, reason: impl Into<String>) -> RawInput {
    RawInput {
        doc: file.doc.clone(),
        source: file.path.display().to_string(),
        line,
        format: file.format.unwrap_or(Format::Txt),
        payload: Payload::Failed(Reject {
            source: file.path.display().to_string(),
            doc: Some(file.doc.clone()),
            line,
            kind,
            reason: reason.into(),
        }),
    }
}

/// Read one file into raw inputs, handing each to `emit` as soon as it is read, so a large
/// JSONL file never sits in memory whole. Never fails: problems become rejects.
pub fn read_file(file: &InputFile, max_bytes: u64, emit: &mut dyn FnMut(RawInput)) {
    let source = file.path.display().to_string();
    let Some(format) = file.format else {
        emit(reject(
            file,
            None,
            RejectKind::Unsupported,
            format!("{source}: not a .txt, .html, .jsonl or .jsonl.gz file"),
        ));
        return;
    };
    if format != Format::Jsonl {
        match std::fs::metadata(&file.path) {
            Ok(m) if m.len() > max_bytes => {
                emit(reject(
                    file,
                    None,
                    RejectKind::TooLarge,
                    format!("{source}: {} bytes, over the limit of {max_bytes}", m.len()),
                ));
                return;
            }
            Err(e) => {
                emit(reject(file, None, RejectKind::Unreadable, format!("{source}: {e}")));
                return;
            }
            _ => {}
        }
        match std::fs::read(&file.path) {
            Ok(bytes) => emit(RawInput {
                doc: file.doc.clone(),
                source,
                line: None,
                format,
                payload: Payload::Bytes(bytes),
            }),
            Err(e) => emit(reject(file, None, RejectKind::Unreadable, format!("{source}: {e}"))),
        }
        return;
    }
    let f = match std::fs::File::open(&file.path) {
        Ok(f) => f,
        Err(e) => {
            emit(reject(file, None, RejectKind::Unreadable, format!("{source}: {e}")));
            return;
        }
    };
    let reader: Box<dyn Read> = if file.gzip {
        Box::new(flate2::read::MultiGzDecoder::new(f))
    } else {
        Box::new(f)
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut line_no = 0u64;
    let mut buf = Vec::new();
    let mut emitted_any = false;
    loop {
        buf.clear();
        // read at most max_bytes + 1 of a line, so one huge line cannot exhaust memory
        let mut limited = (&mut reader).take(max_bytes + 1);
        match limited.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {
                line_no += 1;
                if buf.len() as u64 > max_bytes && !buf.ends_with(b"\n") {
                    emit(reject(
                        file,
                        Some(line_no),
                        RejectKind::TooLarge,
                        format!("{source}:{line_no}: line longer than {max_bytes} bytes"),
                    ));
                    // skip the rest of the line
                    let mut rest = Vec::new();
                    if reader.read_until(b'\n', &mut rest).is_err() {
                        emit(reject(
                            file,
                            Some(line_no),
                            RejectKind::Truncated,
                            format!("{source}: unreadable after line {line_no}"),
                        ));
                        return;
                    }
                    continue;
                }
                let trimmed = buf.trim_ascii();
                if trimmed.is_empty() {
                    continue;
                }
                emitted_any = true;
                emit(RawInput {
                    doc: format!("{}:{line_no}", file.doc),
                    source: source.clone(),
                    line: Some(line_no),
                    format,
                    payload: Payload::JsonLine(trimmed.to_vec()),
                });
            }
            Err(e) => {
                let kind = if file.gzip { RejectKind::Truncated } else { RejectKind::Unreadable };
                emit(reject(
                    file,
                    Some(line_no + 1),
                    kind,
                    format!("{source}: cannot read past line {line_no}: {e}"),
                ));
                return;
            }
        }
    }
    if !emitted_any && line_no == 0 {
        emit(reject(file, None, RejectKind::Empty, format!("{source}: empty file")));
    }
}

#[derive(Debug, Deserialize)]
struct JsonDoc {
    id: Option<serde_json::Value>,
    text: Option<String>,
    html: Option<String>,
    url: Option<String>,
    published: Option<String>,
    source: Option<String>,
    title: Option<String>,
}

fn fail(input: &RawInput, kind: RejectKind, reason: String) -> Reject {
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
            Ok(RawDoc {
                doc: input.doc.clone(),
                source: input.source.clone(),
                line: None,
                format: input.format,
                encoding,
                content_hash: blake3::hash(text.as_bytes()).to_hex().to_string(),
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
                _ => return Err(fail(&input, RejectKind::MalformedJson, "no `id` field (string or number)".into())),
            };
            let (body, format, mut given) = match (j.text, j.html) {
                (Some(t), _) if !t.trim().is_empty() => (nfc(&t), Format::Jsonl, GivenMeta::default()),
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

/// NFC form of a text; most inputs already are, and the quick check avoids the copy.
pub fn nfc(text: &str) -> String {
    match unicode_normalization::is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => text.to_string(),
        _ => text.nfc().collect(),
    }
}

/// A date from `2014-03-27`, `2014-03-27T10:50:00+07:00` and similar.
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let head: String = s.trim().chars().take(10).collect();
    NaiveDate::parse_from_str(&head, "%Y-%m-%d").ok()
}

type Bad = (RejectKind, String);

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
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), "utf-8".to_string()),
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
    let text = nfc(&text.replace("\r\n", "\n").replace('\r', "\n"));
    if text.trim().is_empty() {
        return Err((RejectKind::Empty, "no text after decoding".into()));
    }
    Ok((text, enc, warnings))
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let ctrl = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    ctrl * 20 > head.len()
}

/// Letters that only Vietnamese (among Latin scripts) writes.
fn is_vietnamese_letter(c: char) -> bool {
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

/// Legacy-font mojibake (TCVN3/VNI text shown as Latin-1/Windows-1252 letters).
fn mojibake_score(text: &str, letters: usize) -> f64 {
    let letters = letters.max(1);
    // TCVN3 and VNI render Vietnamese letters as these Latin-1 symbols and letters
    let odd = text
        .chars()
        .filter(|c| {
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
        })
        .count();
    odd as f64 / letters as f64
}

fn check_language(text: &str, warnings: &mut Vec<String>) -> std::result::Result<(), Bad> {
    // one pass: ASCII letters are counted without the Unicode tables
    let (mut letters, mut viet) = (0usize, 0usize);
    for c in text.chars() {
        if c.is_ascii() {
            letters += usize::from(c.is_ascii_alphabetic());
        } else if crate::text::is_letter(c) {
            letters += 1;
            viet += usize::from(is_vietnamese_letter(c));
        }
    }
    if letters == 0 {
        return Err((RejectKind::NotVietnamese, "no letters: nothing to read".into()));
    }
    let moji = mojibake_score(text, letters);
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

/// HTML → the article's main text, title, publication date and site name.
///
/// The main content is found by a Readability implementation (dom_smoothie), which scores the
/// page's blocks and drops navigation, menus, related-news lists and comments; its HTML is then
/// turned into text with paragraph breaks. Pages too small for Readability to judge fall back to
/// the whole body without scripts, styles and navigation.
pub fn html_to_text(html: &str) -> (String, GivenMeta) {
    let (fallback_text, mut meta) = html_body_to_text(html);
    let article = dom_smoothie::Readability::new(html, None, None)
        .ok()
        .and_then(|mut r| r.parse().ok());
    let Some(a) = article else { return (fallback_text, meta) };
    let (text, _) = html_body_to_text(&a.content);
    if !a.title.trim().is_empty() && meta.title.is_none() {
        meta.title = Some(crate::text::squash_ws(&a.title));
    }
    // `Headline | Báo Hà Tĩnh`, `Headline - Báo Yên Bái điện tử`: the suffix names the site
    if let Some(t) = meta.title.clone()
        && let Some((head, site)) = t.rsplit_once(" | ").or_else(|| t.rsplit_once(" - "))
    {
        let s = site.trim().to_lowercase();
        if ["báo", "tạp chí", "cổng thông tin", "trang thông tin", "đài"]
            .iter()
            .any(|w| s.starts_with(w))
            || s.contains(".vn")
        {
            meta.title = Some(head.trim().to_string());
            meta.outlet = Some(site.trim().to_string());
        }
    }
    meta.published = meta.published.or_else(|| a.published_time.as_deref().and_then(parse_iso_date));
    meta.outlet = meta
        .outlet
        .or(a.site_name.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()));
    // Readability can be too strict on short pages: keep its choice only when it kept most of the text
    if text.chars().count() * 2 >= fallback_text.chars().count().min(4000) {
        (text, meta)
    } else {
        (fallback_text, meta)
    }
}

/// Whole-body HTML → text: drops scripts, styles, navigation and comments, keeps block breaks,
/// decodes entities; returns the page title and publication date when the head has them.
fn html_body_to_text(html: &str) -> (String, GivenMeta) {
    use std::sync::OnceLock;
    static RE: OnceLock<[regex::Regex; 6]> = OnceLock::new();
    let [drop, comment, block, tag, title, published] = RE.get_or_init(|| {
        [
            regex::Regex::new(r"(?is)<(script|style|nav|header|footer|aside|form|noscript|iframe|svg)\b.*?</\s*(script|style|nav|header|footer|aside|form|noscript|iframe|svg)\s*>").unwrap(),
            regex::Regex::new(r"(?s)<!--.*?-->").unwrap(),
            regex::Regex::new(r"(?i)<\s*(br|/p|/div|/h[1-6]|/li|/tr|/section|/article|/blockquote|/title)\b[^>]*>").unwrap(),
            regex::Regex::new(r"(?s)<[^>]*>").unwrap(),
            regex::Regex::new(r"(?is)<title[^>]*>(.*?)</title>").unwrap(),
            regex::Regex::new(r#"(?is)<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|pubdate|date)["'][^>]*content\s*=\s*["']([^"']+)["']"#).unwrap(),
        ]
    });
    let mut meta = GivenMeta {
        title: title.captures(html).map(|c| decode_entities(c[1].trim())).filter(|t| !t.is_empty()),
        ..GivenMeta::default()
    };
    meta.published = published.captures(html).and_then(|c| parse_iso_date(&c[1]));
    let body_start = html.to_lowercase().find("<body").unwrap_or(0);
    let s = comment.replace_all(&html[body_start..], " ");
    let s = drop.replace_all(&s, " ");
    let s = block.replace_all(&s, "\n\n");
    let s = tag.replace_all(&s, " ");
    let text = decode_entities(&s);
    let lines: Vec<String> = text.lines().map(crate::text::squash_ws).collect();
    let mut out = String::new();
    let mut blank = false;
    for l in lines {
        if l.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        out.push_str(&l);
        blank = false;
    }
    (nfc(&out), meta)
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..crate::text::floor_char_boundary(rest, rest.len().min(12))].find(';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if name.starts_with("#x") || name.starts_with("#X") => u32::from_str_radix(&name[2..], 16).ok().and_then(char::from_u32),
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            ch.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
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
