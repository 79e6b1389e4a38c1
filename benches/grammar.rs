//! Micro-benchmarks of the hot paths: the number grammar, the trap recogniser, sentence
//! classification, and a whole document through clean + extract + normalize.
//! Run with `cargo bench --bench grammar`; end-to-end throughput is `just bench`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use ictstat::config::Resources;
use ictstat::extract::{self, number, traps};
use ictstat::records::{Format, GivenMeta, Period, RawDoc};
use ictstat::text::CharIndex;

fn resources() -> Resources {
    Resources::load(Some(Path::new("schemas")), Some(Path::new("data/reference/provinces.csv"))).expect("resources")
}

const SENTENCE: &str = "Thuê bao điện thoại ước đạt 2.890.000 thuê bao, tăng 10,74% kế hoạch được giao; mật độ thuê bao điện thoại đạt 80,98 máy/100 dân, theo Quyết định số 1355/QĐ-UBND ngày 7/9/2009.";

fn grammar(c: &mut Criterion) {
    let tokens = ["2.003.300", "971,8", "73.0000", "1.234,5", "20,719", "17045"];
    c.bench_function("parse_digits x6", |b| {
        b.iter(|| {
            for t in tokens {
                black_box(number::parse_digits(black_box(t)));
            }
        })
    });
    let res = resources();
    c.bench_function("traps::find (one sentence)", |b| {
        b.iter(|| black_box(traps::find(&res.lexicon.traps, black_box(SENTENCE), 0, &|_| false)))
    });
    c.bench_function("explain (one sentence, classify)", |b| {
        b.iter(|| black_box(extract::explain(black_box(SENTENCE), None, Period::parse("2018"), &res)))
    });
    // the phrase scans every document pays: features and provinces over a whole seed
    let seed = ictstat::text::match_form(&std::fs::read_to_string("data/raw/004_c3d1031f18d21800.txt").expect("seed"));
    c.bench_function(&format!("features.find_all ({} bytes)", seed.len()), |b| {
        b.iter(|| black_box(res.lexicon.features.find_all(black_box(&seed)).len()))
    });
    c.bench_function(&format!("provinces.find_all ({} bytes)", seed.len()), |b| {
        b.iter(|| black_box(res.provinces.find_all(black_box(&seed)).len()))
    });
    c.bench_function("match_form (seed)", |b| {
        b.iter(|| black_box(ictstat::text::match_form(black_box(&seed))))
    });
    let text = std::fs::read_to_string("data/raw/004_c3d1031f18d21800.txt").expect("seed");
    c.bench_function("document: clean + extract + normalize (seed 004)", |b| {
        b.iter(|| {
            let raw = RawDoc {
                doc: "d".into(),
                source: "d".into(),
                line: None,
                format: Format::Txt,
                encoding: "utf-8".into(),
                content_hash: String::new(),
                text: text.clone(),
                given: GivenMeta::default(),
                warnings: Vec::new(),
            };
            let (doc, _) = ictstat::clean::clean(raw, &res.clean, &res.provinces, &res.outlets);
            let (mentions, _) = extract::extract(&doc, &res);
            let idx = CharIndex::new(&doc.text);
            black_box(ictstat::normalize::normalize(&doc, &mentions, &res.catalog, &res.provinces, &idx))
        })
    });
}

criterion_group!(benches, grammar);
criterion_main!(benches);
