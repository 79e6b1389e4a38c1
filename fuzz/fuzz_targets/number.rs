//! The number grammar: a digit token alone, then the same text as a report sentence through
//! the extractor (scale words, spelled-out numbers, ranges, units, traps).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Some(r) = ictstat::extract::number::parse_digits(text) {
        assert!(!r.value.is_nan() || text.len() > 300, "{text:?}");
    }
    let res = ictstat_fuzz_common::resources();
    let _ = ictstat::extract::explain(text, None, None, res);
});

#[allow(dead_code)]
mod ictstat_fuzz_common {
    include!("common.rs");
}
