//! Decoding arbitrary bytes as a text file: charset detection, NFC, language checks.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let raw = common::raw(bytes, ictstat::records::Format::Txt, false);
    if let Ok(doc) = ictstat::ingest::decode(raw) {
        assert!(!doc.text.trim().is_empty());
    }
});

#[allow(dead_code)]
mod common {
    include!("common.rs");
}
