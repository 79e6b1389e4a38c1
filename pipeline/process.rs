//! The per-document stages in order: decode → clean → extract → normalize, for one raw input.
//!
//! Inputs: one [`RawInput`] (bytes of a file or one JSONL line) and the [`Resources`]. Output:
//! one [`DocOutput`]: the document's row, its mentions (with code-point spans) and its facts, or
//! a reject. Pure apart from the stage clock; the orchestrator ([`crate::run`]) runs it on its
//! workers. Invariant: it never panics out: a panic in a stage becomes a reject of that
//! document (`internal_error`), so one odd document never stops a batch.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::config::Resources;
use crate::records::{DocOutput, RawInput};
use crate::text::CharIndex;
use crate::{clean, extract, ingest, normalize};

/// Time spent per stage, summed over workers, and the stages' reports summed over documents.
#[derive(Debug, Default)]
pub(crate) struct StageClock {
    pub(crate) decode: AtomicU64,
    pub(crate) clean: AtomicU64,
    pub(crate) extract: AtomicU64,
    pub(crate) normalize: AtomicU64,
    /// [`clean::CleanReport`]: lines of web debris and repeated paragraphs removed.
    pub(crate) debris_lines: AtomicU64,
    pub(crate) repeated_paragraphs: AtomicU64,
    /// [`extract::ExtractReport`]: numbers read, of which traps (codes, dates, versions), and
    /// metric mentions.
    pub(crate) numbers: AtomicU64,
    pub(crate) traps: AtomicU64,
    pub(crate) metric_mentions: AtomicU64,
    /// [`normalize::NormalizeReport`]: repeated figures dropped, and facts flagged.
    pub(crate) duplicates: AtomicU64,
    pub(crate) flagged: AtomicU64,
}

impl StageClock {
    /// The summed reports, by name.
    pub(crate) fn counts(&self) -> [(&'static str, u64); 7] {
        let v = |c: &AtomicU64| c.load(Ordering::Relaxed);
        [
            ("debris_lines", v(&self.debris_lines)),
            ("repeated_paragraphs", v(&self.repeated_paragraphs)),
            ("numbers", v(&self.numbers)),
            ("traps", v(&self.traps)),
            ("metric_mentions", v(&self.metric_mentions)),
            ("duplicates", v(&self.duplicates)),
            ("flagged", v(&self.flagged)),
        ]
    }
}

fn add(c: &AtomicU64, d: Duration) {
    c.fetch_add(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX), Ordering::Relaxed);
}

fn count(c: &AtomicU64, n: usize) {
    c.fetch_add(n as u64, Ordering::Relaxed);
}

/// The per-document stages, in order. Pure apart from the clock.
pub fn process(raw: RawInput, res: &Resources) -> DocOutput {
    process_guarded(raw, res, &StageClock::default(), None)
}

/// The stages without the panic guard: a panic propagates. For the fuzz targets and property
/// tests, which must see panics.
#[doc(hidden)]
pub fn process_unguarded(raw: RawInput, res: &Resources) -> DocOutput {
    process_timed(raw, res, &StageClock::default(), None)
}

/// Panics unless a document's output keeps the promises the tables make: code-point spans
/// inside the text that slice out `raw`, finite values, a reason on every reject.
#[doc(hidden)]
pub fn check_document(out: DocOutput) {
    match out {
        DocOutput::Rejected(r) => assert!(!r.reason.is_empty(), "a reject without a reason"),
        DocOutput::Done { document, mentions, facts } => {
            let chars: Vec<char> = document.clean.text.chars().collect();
            assert_eq!(document.n_chars, chars.len(), "n_chars");
            for m in &mentions {
                let raw = m.raw(&document.clean.text);
                assert!(m.char_start < m.char_end && m.char_end <= chars.len(), "span of {raw:?}");
                let slice: String = chars[m.char_start..m.char_end].iter().collect();
                assert_eq!(slice, raw, "mention span");
                for v in [m.mention.value, m.mention.value_high, m.mention.of].into_iter().flatten() {
                    assert!(v.is_finite(), "mention value {v} of {raw:?}");
                }
            }
            for f in &facts {
                assert!(f.value.is_finite(), "fact value");
                assert!(f.char_start < f.char_end && f.char_end <= chars.len(), "fact span");
                let slice: String = chars[f.char_start..f.char_end].iter().collect();
                assert_eq!(slice, f.raw, "fact span");
            }
        }
    }
}

/// [`process_timed`], with a panic in any stage turned into a reject of that document
/// (`internal_error`): one odd document never stops the batch. `input_hash`: the reader's hash
/// of the input's bytes, if it made one ([`ingest::decode_known`]).
pub(crate) fn process_guarded(raw: RawInput, res: &Resources, clock: &StageClock, input_hash: Option<&str>) -> DocOutput {
    let (doc, source, line) = (raw.doc.clone(), raw.source.clone(), raw.line);
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process_timed(raw, res, clock, input_hash))) {
        Ok(out) => out,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let place = line.map_or_else(|| source.clone(), |l| format!("{source}:{l}"));
            DocOutput::Rejected(crate::records::Reject {
                source,
                doc: Some(doc),
                line,
                kind: crate::records::RejectKind::InternalError,
                reason: format!("{place}: internal error while processing (a bug; please report it): {msg}"),
            })
        }
    }
}

/// Fault injection for the tests of the panic guard, in debug builds only: the document named
/// by `ICTSTAT_FAULT_PANIC_DOC` panics in its stages.
fn injected_fault(doc: &str) {
    if cfg!(debug_assertions) {
        static DOC: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        if DOC.get_or_init(|| std::env::var("ICTSTAT_FAULT_PANIC_DOC").ok()).as_deref() == Some(doc) {
            panic!("fault injected for {doc}");
        }
    }
}

fn process_timed(raw: RawInput, res: &Resources, clock: &StageClock, input_hash: Option<&str>) -> DocOutput {
    injected_fault(&raw.doc);
    let t = Instant::now();
    let decoded = ingest::decode_known(raw, input_hash);
    add(&clock.decode, t.elapsed());
    let raw = match decoded {
        Ok(r) => r,
        Err(rej) => return DocOutput::Rejected(rej),
    };
    let t = Instant::now();
    let (doc, cr, scan) = clean::clean_scanned(raw, &res.clean, &res.provinces, &res.outlets, Some(&res.lexicon.scan));
    add(&clock.clean, t.elapsed());
    count(&clock.debris_lines, cr.debris_lines);
    count(&clock.repeated_paragraphs, cr.repeated_paragraphs);
    let t = Instant::now();
    let (mentions, er) = extract::extract_scanned(&doc, res, scan);
    add(&clock.extract, t.elapsed());
    count(&clock.numbers, er.numbers);
    count(&clock.traps, er.traps);
    count(&clock.metric_mentions, er.metrics);
    let t = Instant::now();
    let idx = CharIndex::new(&doc.text);
    let (facts, nr) = normalize::normalize(&doc, &mentions, &res.catalog, &res.provinces, &idx);
    count(&clock.duplicates, nr.duplicates);
    count(&clock.flagged, nr.flagged);
    let mentions = normalize::mention_rows(mentions, &idx);
    let n_chars = idx.char_of(doc.text.len());
    let document = normalize::document_row(doc, n_chars, mentions.len(), facts.len(), &res.provinces);
    add(&clock.normalize, t.elapsed());
    DocOutput::Done {
        document: Box::new(document),
        mentions,
        facts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Format, Payload};
    use proptest::prelude::*;

    fn resources() -> &'static Resources {
        static R: std::sync::OnceLock<Resources> = std::sync::OnceLock::new();
        R.get_or_init(|| Resources::load(None, None).expect("data files load"))
    }

    /// Pieces of report text, digits of many scripts, separators and any character at all.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(vec![
                "Năm 2020, tổng số thuê bao điện thoại trên địa bàn tỉnh Thanh Hóa đạt ",
                " thuê bao/100 dân", " tỷ đồng", " triệu", " nghìn", "%", " trạm BTS", ", tăng ",
                " so với năm 2019", "; ", ". ", "\n", "\n\n", " (", ")", "Quyết định số ",
                "/QĐ-UBND", " ước đạt ", " khoảng ", " từ ", " đến ", " xếp thứ ", "/63",
                "<div>", "</p>", "&amp;", "sáu triệu hai trăm nghìn", "3G", "4.0", "73.0000",
            ])
            .prop_map(String::from),
            3 => "[0-9]{1,24}([.,][0-9]{1,5}){0,4}",
            // decimal digits of other scripts: full-width, Arabic-Indic, Devanagari, Bengali, Thai, Mathematical
            2 => prop::collection::vec(
                prop::sample::select(vec!['０', '９', '٠', '٩', '۵', '०', '९', '০', '৫', '๕', '𝟎', '𝟗', '߅', '፩', '²', 'Ⅻ', '½']),
                1..6
            )
            .prop_map(|v| v.into_iter().collect()),
            2 => any::<char>().prop_map(String::from),
            1 => prop::sample::select(vec!["İ", "K", "ß", "ﬃ", "\u{301}", "\u{200b}", "\u{feff}", "\r", "\t", "\u{0}"]).prop_map(String::from),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Whatever the text, the per-document stages neither panic nor point outside it.
        #[test]
        fn any_text_goes_through_the_stages_with_spans_inside_it(
            pieces in prop::collection::vec(piece(), 0..60),
            html in any::<bool>(),
        ) {
            let text: String = pieces.concat();
            let raw = RawInput {
                doc: "p.txt".into(),
                source: "p.txt".into(),
                line: None,
                format: if html { Format::Html } else { Format::Txt },
                payload: Payload::Bytes(text.into_bytes()),
            };
            // no guard: a panic, or a span outside the text, fails the property
            check_document(process_unguarded(raw, resources()));
        }
    }
}

#[cfg(test)]
mod fuzz_regressions {
    //! Every input a fuzz target once crashed on (`fuzz/regressions/TARGET/`), replayed through
    //! what that target runs.
    use super::*;
    use crate::records::{Format, Payload};

    fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/regressions")
            .join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
        let mut out: Vec<(String, Vec<u8>)> = entries
            .flatten()
            .map(|e| (e.file_name().to_string_lossy().to_string(), std::fs::read(e.path()).unwrap()))
            .collect();
        out.sort();
        out
    }

    fn raw(bytes: &[u8], format: Format, line: bool) -> RawInput {
        RawInput {
            doc: "fuzz".into(),
            source: "fuzz".into(),
            line: line.then_some(1),
            format,
            payload: if line {
                Payload::JsonLine(bytes.to_vec())
            } else {
                Payload::Bytes(bytes.to_vec())
            },
        }
    }

    #[test]
    fn crash_inputs_found_by_fuzzing_stay_fixed() {
        let res = Resources::load(None, None).unwrap();
        let mut n = 0;
        for (_, b) in inputs("number") {
            let text = String::from_utf8_lossy(&b);
            let _ = crate::extract::number::parse_digits(&text);
            let _ = crate::extract::explain(&text, None, None, &res);
            check_document(process_unguarded(raw(&b, Format::Txt, false), &res));
            n += 1;
        }
        for (_, b) in inputs("decode") {
            let _ = ingest::decode(raw(&b, Format::Txt, false));
            n += 1;
        }
        for (_, b) in inputs("html") {
            let _ = ingest::html_to_text(&String::from_utf8_lossy(&b));
            n += 1;
        }
        for (_, b) in inputs("jsonl") {
            let _ = ingest::decode(raw(&b, Format::Jsonl, true));
            n += 1;
        }
        for (_, b) in inputs("document") {
            if let Some((flag, rest)) = b.split_first() {
                let format = if flag & 1 == 1 { Format::Html } else { Format::Txt };
                check_document(process_unguarded(raw(rest, format, false), &res));
            }
            n += 1;
        }
        assert!(n >= 1, "the committed regressions are found");
    }

    /// The reader's hash of an input's bytes is the document's content hash exactly when the
    /// text is those bytes; any other text (a byte-order mark dropped, NFC applied, HTML read)
    /// is hashed as it is, the same as without the reader's hash.
    #[test]
    fn the_readers_hash_is_the_content_hash_only_of_a_text_that_is_its_bytes() {
        let hash = |b: &[u8]| blake3::hash(b).to_hex().to_string();
        let text = "Sở Thông tin và Truyền thông tỉnh Nghệ An cho biết toàn tỉnh có 2.003.300 thuê bao di động, tăng so với năm trước.";
        let decomposed: String = unicode_normalization::UnicodeNormalization::nfd(text).collect();
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let html = format!("<html><body><p>{text}</p></body></html>");
        for (bytes, format, reused) in [
            (text.as_bytes().to_vec(), Format::Txt, true),
            (bom, Format::Txt, false),
            (decomposed.into_bytes(), Format::Txt, false),
            (html.into_bytes(), Format::Html, false),
        ] {
            let plain = ingest::decode(raw(&bytes, format, false)).unwrap();
            let known = ingest::decode_known(raw(&bytes, format, false), Some(&hash(&bytes))).unwrap();
            assert_eq!(plain.content_hash, hash(plain.text.as_bytes()));
            assert_eq!(known.content_hash, plain.content_hash, "{format:?} {reused}");
            // (a stand-in hash shows which path was taken)
            let marked = ingest::decode_known(raw(&bytes, format, false), Some("reader")).unwrap();
            assert_eq!(marked.content_hash == "reader", reused, "{format:?}");
        }
    }
}
