//! HTML to text: Readability, the whole-body fallback, entities, the page's metadata.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|html: &str| {
    let _ = ictstat::ingest::html_to_text(html);
});
