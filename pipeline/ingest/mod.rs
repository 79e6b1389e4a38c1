//! Ingest: find input files, read them, decode them into [`RawDoc`](crate::records::RawDoc)s.
//!
//! Inputs: files or folders (recursive) of `.txt`, `.html`/`.htm`, `.jsonl`, `.jsonl.gz`.
//! Reading ([`read_file`]) is sequential and cheap: it only gathers bytes (one [`RawInput`](crate::records::RawInput) per
//! document; a JSONL file streams line by line). Decoding ([`decode`]) is pure and runs on the
//! workers: encoding detection (BOM, UTF-8, else chardetng + encoding_rs), NFC, JSON parsing,
//! HTML to text. Invariant: every input yields a `RawDoc` or a [`Reject`](crate::records::Reject) naming the file, the
//! line and the reason; nothing is dropped silently.

mod charset;
mod decode;
mod discover;
mod html;
mod read;
#[cfg(test)]
mod tests;

pub use charset::decode_bytes;
pub use decode::{decode, decode_known, encode_windows_1258, nfc, parse_iso_date};
pub use discover::{InputFile, discover};
pub use html::html_to_text;
pub use read::{INFLATE_SLACK, MAX_INFLATE_RATIO, read_file};
