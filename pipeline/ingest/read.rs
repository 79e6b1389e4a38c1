//! Reading: the bytes of each input, one [`RawInput`] per document (a JSONL file streamed
//! line by line, a gzip stream capped against decompression bombs). Sequential and cheap: no
//! decoding happens here.

use std::io::{BufRead, BufReader, Read};

use crate::records::{Format, Payload, RawInput, Reject, RejectKind};

use super::discover::*;

pub(super) fn reject(file: &InputFile, line: Option<u64>, kind: RejectKind, reason: impl Into<String>) -> RawInput {
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
pub(super) struct Capped<R> {
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
pub(super) fn skip_line(reader: &mut impl BufRead) -> std::io::Result<bool> {
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
        // bounded even if the file grows while it is read (or lies about its size); sized by
        // what the file says it holds, so the buffer is not grown and copied again and again
        let size = f.metadata().map_or(0, |m| m.len()).min(max_bytes);
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
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
