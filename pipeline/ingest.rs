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
    /// Why the path cannot be read at all (not a regular file, a symlink loop): a reject.
    pub problem: Option<(RejectKind, String)>,
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

/// What a walk found that cannot be read as an input, reported as a reject.
fn problem(path: &Path, doc: String, kind: RejectKind, why: String) -> InputFile {
    InputFile {
        path: path.to_path_buf(),
        doc,
        format: None,
        gzip: false,
        problem: Some((kind, why)),
    }
}

fn doc_name(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Walk a folder (following symlinks) with walkdir: a symlink cycle is reported once, not
/// followed, and a real folder reached twice (two links to it) is read once.
fn walk(root: &Path, out: &mut Vec<InputFile>) -> Result<()> {
    use std::collections::HashSet;
    use std::os::unix::fs::MetadataExt;
    let mut seen_dirs: HashSet<(u64, u64)> = HashSet::new();
    let mut it = walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                if e.depth() == 0 {
                    return Err(Error::io(
                        "cannot list",
                        &path,
                        e.into_io_error().unwrap_or_else(|| std::io::Error::other("walk failed")),
                    ));
                }
                let (kind, why) = if let Some(anc) = e.loop_ancestor() {
                    (
                        RejectKind::Unreadable,
                        format!("{}: symlink loop back to {}; not followed", path.display(), anc.display()),
                    )
                } else {
                    (RejectKind::Unreadable, format!("{}: {e}", path.display()))
                };
                out.push(problem(&path, doc_name(root, &path), kind, why));
                continue;
            }
        };
        let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
        if entry.file_type().is_dir() {
            if hidden {
                it.skip_current_dir();
                continue;
            }
            // a folder reached again through another link is read once
            if let Ok(m) = entry.metadata()
                && !seen_dirs.insert((m.dev(), m.ino()))
            {
                it.skip_current_dir();
            }
            continue;
        }
        if hidden {
            continue;
        }
        let path = entry.path();
        out.push(input_file(path, doc_name(root, path)));
    }
    Ok(())
}

/// One path named as an input file, or met in a folder: only regular files (after following
/// symlinks) are read; FIFOs, devices and sockets would block or never end.
fn input_file(path: &Path, doc: String) -> InputFile {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => {
            let (format, gzip) = format_of(path);
            InputFile {
                path: path.to_path_buf(),
                doc,
                format,
                gzip,
                problem: None,
            }
        }
        Ok(_) => problem(
            path,
            doc,
            RejectKind::Unsupported,
            format!("{}: not a regular file (a FIFO, device or socket); not read", path.display()),
        ),
        Err(e) => problem(path, doc, RejectKind::Unreadable, format!("{}: {e}", path.display())),
    }
}

/// All input files under the given paths, sorted (determinism does not depend on the file system).
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<InputFile>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found)?;
            found.sort();
            out.extend(found);
        } else if input.symlink_metadata().is_ok() {
            let doc = input.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            out.push(input_file(input, doc));
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

/// Decompressed bytes a gzip stream may give per compressed byte, beyond the first
/// [`INFLATE_SLACK`] bytes: real JSONL compresses 3-15 times; a bomb compresses ~1000 times.
pub const MAX_INFLATE_RATIO: u64 = 100;
/// Decompressed bytes always allowed, whatever the ratio.
pub const INFLATE_SLACK: u64 = 64 << 20;

/// A reader that fails once more than `cap` bytes came through: a decompression bomb becomes
/// an error instead of unbounded work.
struct Capped<R> {
    inner: R,
    read: u64,
    cap: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.cap {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                format!(
                    "decompressed size over {} bytes (more than {MAX_INFLATE_RATIO} times the compressed file)",
                    self.cap
                ),
            ));
        }
        Ok(n)
    }
}

/// Skip to the end of the current line without keeping it. `Ok(true)` when a newline was met.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<bool> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            reader.consume(i + 1);
            return Ok(true);
        }
        let n = buf.len();
        reader.consume(n);
    }
}

/// Read one file into raw inputs, handing each to `emit` as soon as it is read, so a large
/// JSONL file never sits in memory whole. Never fails: problems become rejects. Every read is
/// bounded: a file or JSONL line over `max_bytes` is rejected without buffering the rest, and a
/// gzip stream may not inflate past [`MAX_INFLATE_RATIO`].
pub fn read_file(file: &InputFile, max_bytes: u64, emit: &mut dyn FnMut(RawInput)) {
    let source = file.path.display().to_string();
    if let Some((kind, why)) = &file.problem {
        emit(reject(file, None, *kind, why.clone()));
        return;
    }
    let Some(format) = file.format else {
        emit(reject(
            file,
            None,
            RejectKind::Unsupported,
            format!("{source}: not a .txt, .html, .jsonl or .jsonl.gz file"),
        ));
        return;
    };
    let f = match std::fs::File::open(&file.path) {
        Ok(f) => f,
        Err(e) => {
            emit(reject(file, None, RejectKind::Unreadable, format!("{source}: {e}")));
            return;
        }
    };
    if format != Format::Jsonl {
        // bounded even if the file grows while it is read (or lies about its size)
        let mut bytes = Vec::new();
        match f.take(max_bytes + 1).read_to_end(&mut bytes) {
            Ok(n) if n as u64 > max_bytes => emit(reject(
                file,
                None,
                RejectKind::TooLarge,
                format!("{source}: over the limit of {max_bytes} bytes (--max-doc-bytes)"),
            )),
            Ok(_) => emit(RawInput {
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
    let reader: Box<dyn Read> = if file.gzip {
        let compressed = f.metadata().map(|m| m.len()).unwrap_or(0);
        Box::new(Capped {
            inner: flate2::read::MultiGzDecoder::new(f),
            read: 0,
            cap: compressed.saturating_mul(MAX_INFLATE_RATIO).saturating_add(INFLATE_SLACK),
        })
    } else {
        Box::new(f)
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut line_no = 0u64;
    let mut buf = Vec::new();
    let mut emitted_any = false;
    let broken = |line_no: u64, e: std::io::Error| {
        let kind = match e.kind() {
            std::io::ErrorKind::FileTooLarge => RejectKind::TooLarge,
            _ if file.gzip => RejectKind::Truncated,
            _ => RejectKind::Unreadable,
        };
        let what = if file.gzip && kind == RejectKind::Truncated {
            format!("compressed stream is truncated or corrupt after line {line_no} (lines up to {line_no} were read): {e}")
        } else {
            format!("cannot read past line {line_no}: {e}")
        };
        reject(file, Some(line_no + 1), kind, format!("{source}: {what}"))
    };
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
                        format!("{source}:{line_no}: line longer than {max_bytes} bytes (--max-doc-bytes)"),
                    ));
                    // skip the rest of the line without buffering it
                    if let Err(e) = skip_line(&mut reader) {
                        emit(broken(line_no, e));
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
                // the partial line before the cut is not a document
                emit(broken(line_no, e));
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
    province: Option<String>,
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
    let text = nfc(&text.replace("\r\n", "\n").replace('\r', "\n"));
    if text.trim().is_empty() {
        return Err((RejectKind::Empty, "no text after decoding".into()));
    }
    Ok((text, enc, warnings))
}

fn looks_binary(bytes: &[u8]) -> bool {
    // a NUL anywhere (not only in the head): text never holds one
    if bytes.contains(&0) {
        return true;
    }
    let head = &bytes[..bytes.len().min(8192)];
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
    // Readability walks the DOM recursively: its time grows faster than the page on deep
    // nesting and very large pages, which real articles never have; those pages keep the
    // linear whole-body text
    if html.len() > READABILITY_MAX_BYTES || nesting_depth(html) > READABILITY_MAX_DEPTH {
        return (fallback_text, meta);
    }
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

/// Pages larger than this skip Readability (real article pages are 50-500 kB).
const READABILITY_MAX_BYTES: usize = 4 << 20;
/// Pages nested deeper than this skip Readability (real pages nest 20-60 deep).
const READABILITY_MAX_DEPTH: usize = 400;

/// The deepest element nesting of a page, approximately (one linear pass over the tags; void
/// and self-closed elements do not nest).
fn nesting_depth(html: &str) -> usize {
    const VOID: [&[u8]; 14] = [
        b"br", b"img", b"meta", b"link", b"input", b"hr", b"area", b"base", b"col", b"embed", b"source", b"track", b"wbr", b"param",
    ];
    let b = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        i += off + 1;
        let close = b.get(i) == Some(&b'/');
        let start = i + usize::from(close);
        let end = b[start..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .map_or(b.len(), |e| start + e);
        if end == start {
            continue;
        }
        let name = &b[start..end];
        // each byte is looked at once: the scan resumes after the tag's `>`
        let Some(gt) = b[end..].iter().position(|&c| c == b'>').map(|e| end + e) else {
            break;
        };
        if close {
            depth = depth.saturating_sub(1);
        } else if !VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) && b[gt - 1] != b'/' {
            depth += 1;
            max = max.max(depth);
        }
        i = gt + 1;
    }
    max
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
    // the page's own address: where it was published, and so its outlet
    static CANONICAL: OnceLock<[regex::Regex; 2]> = OnceLock::new();
    let [canonical, og_url] = CANONICAL.get_or_init(|| {
        [
            regex::Regex::new(r#"(?i)<link[^>]+rel\s*=\s*["']canonical["'][^>]*href\s*=\s*["']([^"']+)["']"#).unwrap(),
            regex::Regex::new(r#"(?i)<meta[^>]+property\s*=\s*["']og:url["'][^>]*content\s*=\s*["']([^"']+)["']"#).unwrap(),
        ]
    });
    meta.url = canonical
        .captures(html)
        .or_else(|| og_url.captures(html))
        .map(|c| c[1].trim().to_string())
        .filter(|u| u.contains("://"));
    // ASCII case folding only: a lower-cased copy can change byte lengths (`İ`, `K`) and its
    // offsets would not fall on the original's character boundaries
    let body_start = find_ascii_ci(html, "<body").unwrap_or(0);
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

/// Byte offset of `needle` (ASCII, lower case) in `hay`, ignoring ASCII case.
fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
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
