//! One JSONL line: JSON, the id, text or html, url, dates.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let raw = common::raw(bytes, ictstat::records::Format::Jsonl, true);
    let _ = ictstat::ingest::decode(raw);
});

#[allow(dead_code)]
mod common {
    include!("common.rs");
}
