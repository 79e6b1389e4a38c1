//! A whole document through decode → clean → extract → normalize, with the checks the output
//! relies on: spans inside the text and equal to `raw`, finite values. The panic guard is
//! bypassed (`process_unguarded`), so a panic in any stage is a crash here.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (html, bytes) = match data.split_first() {
        Some((b, rest)) => (b & 1 == 1, rest),
        None => return,
    };
    let format = if html { ictstat::records::Format::Html } else { ictstat::records::Format::Txt };
    let raw = common::raw(bytes, format, false);
    ictstat::process::check_document(ictstat::process::process_unguarded(raw, common::resources()));
});

#[allow(dead_code)]
mod common {
    include!("common.rs");
}
