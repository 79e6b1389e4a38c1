//! The per-document stages in order: decode → clean → extract → normalize, for one raw input.
//!
//! Inputs: one [`RawInput`] (bytes of a file or one JSONL line) and the [`Resources`]. Output:
//! one [`DocOutput`]: the document's row, its mentions (with code-point spans) and its facts, or
//! a reject. Pure apart from the stage clock; the orchestrator ([`crate::run`]) runs it on its
//! workers, on a group of small documents at a time (`process_group`: stage by stage, each
//! document's outcome what it gives alone). Invariant: it never panics out: a panic in a stage
//! becomes a reject of that document (`internal_error`), so one odd document never stops a batch.

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
    /// Time per phase of cleaning and extraction ([`PHASES`]), summed over workers: where a
    /// stage's seconds go, measured in the run itself (instruction counts weigh the phases
    /// differently: on the 20k bench corpus the judgement is about 23 % of the instructions and
    /// 28-29 % of the time).
    pub(crate) phases: [AtomicU64; PHASES.len()],
}

/// The phases of cleaning and extraction that [`process_group`] times, by their names in the
/// manifest's `phase_seconds`: each stage's name, a dot, the phase.
pub(crate) const PHASES: [&str; 8] = [
    "clean.lines",
    "clean.scan",
    "clean.metadata",
    "extract.context",
    "extract.traps",
    "extract.figures",
    "extract.judge",
    "extract.document_rules",
];

/// A stopwatch over a group's phases: each [`Lap::lap`] adds the time since the last one to the
/// phase it names.
struct Lap<'c> {
    clock: &'c StageClock,
    at: Instant,
}

impl Lap<'_> {
    fn lap(&mut self, phase: Phase) {
        let now = Instant::now();
        add(&self.clock.phases[phase.timed()], now - self.at);
        self.at = now;
    }
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
    let who = Who::of(&raw);
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process_timed(raw, res, clock, input_hash))) {
        Ok(out) => out,
        Err(panic) => who.internal_error(&*panic),
    }
}

/// What names a document in a reject made for it when a stage panicked.
struct Who {
    doc: String,
    source: String,
    line: Option<u64>,
}

impl Who {
    fn of(raw: &RawInput) -> Self {
        Who {
            doc: raw.doc.clone(),
            source: raw.source.clone(),
            line: raw.line,
        }
    }

    /// The reject of a document whose processing panicked (rule `run.isolate_panics`).
    fn internal_error(self, panic: &(dyn std::any::Any + Send)) -> DocOutput {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let place = self.line.map_or_else(|| self.source.clone(), |l| format!("{}:{l}", self.source));
        DocOutput::Rejected(crate::records::Reject {
            source: self.source,
            doc: Some(self.doc),
            line: self.line,
            kind: crate::records::RejectKind::InternalError,
            reason: format!("{place}: internal error while processing (a bug; please report it): {msg}"),
        })
    }
}

/// Rule `run.stage_groups`: a few small documents processed stage by stage (every document's
/// decoding, then every one's cleaning, extraction and normalization, the last three phase by
/// phase), not document by document. A stage's code, automata and tables stay in the CPU's caches from one document to
/// the next, where each document went through all four and the next found them cold. Each
/// document's outcome is what [`process_guarded`] gives it alone: the stages of a document see
/// only that document, and a panic in one document's stage rejects that document only.
/// Example: eight 10 kB reports are decoded, then cleaned, then extracted, then normalized.
pub(crate) fn process_group(group: Vec<(RawInput, Option<&str>)>, res: &Resources, clock: &StageClock) -> Vec<DocOutput> {
    let mut outs: Vec<Option<DocOutput>> = group.iter().map(|_| None).collect();
    let mut who: Vec<Option<Who>> = group.iter().map(|(r, _)| Some(Who::of(r))).collect();
    // one phase of document `i`: its panic becomes the document's reject, and the document
    // goes no further
    fn guarded<T>(i: usize, phase: Phase, who: &mut [Option<Who>], outs: &mut [Option<DocOutput>], f: impl FnOnce() -> T) -> Option<T> {
        let doc = who[i].as_ref().map(|w| w.doc.as_str()).unwrap_or_default();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            injected_fault(doc, phase);
            f()
        })) {
            Ok(v) => Some(v),
            Err(panic) => {
                let w = who[i].take().expect("a document panics once");
                outs[i] = Some(w.internal_error(&*panic));
                None
            }
        }
    }
    let t = Instant::now();
    let decoded: Vec<Option<crate::records::RawDoc>> = group
        .into_iter()
        .enumerate()
        .map(
            |(i, (raw, hash))| match guarded(i, Phase::Decode, &mut who, &mut outs, || ingest::decode_known(raw, hash))? {
                Ok(d) => Some(d),
                Err(rej) => {
                    outs[i] = Some(DocOutput::Rejected(rej));
                    None
                }
            },
        )
        .collect();
    add(&clock.decode, t.elapsed());
    let t = Instant::now();
    let mut lap = Lap { clock, at: t };
    // cleaning a phase at a time too: every document's lines, then every one's scan, then
    // every one's metadata
    let lined: Vec<Option<clean::Lined>> = decoded
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let d = d?;
            guarded(i, Phase::Lines, &mut who, &mut outs, || clean::lines(d, &res.clean))
        })
        .collect();
    lap.lap(Phase::Lines);
    let scanned: Vec<Option<(clean::Lined, crate::text::DocScan)>> = lined
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let l = l?;
            let scan = guarded(i, Phase::Scan, &mut who, &mut outs, || l.scan(&res.lexicon.scan))?;
            Some((l, scan))
        })
        .collect();
    lap.lap(Phase::Scan);
    let cleaned: Vec<Option<(crate::records::CleanDoc, Option<crate::text::DocScan>)>> = scanned
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let (lined, scan) = c?;
            guarded(i, Phase::Metadata, &mut who, &mut outs, || finished(lined, scan, res, clock))
        })
        .collect();
    lap.lap(Phase::Metadata);
    add(&clock.clean, t.elapsed());
    let t = Instant::now();
    // (the phases of a stage lie within the stage's own time)
    lap.at = t;
    // extraction a phase at a time too: every document's context, then every one's traps,
    // figures, judged sentences and whole-document rules; the contexts borrow the documents,
    // which normalize takes after
    let (docs, scans): (Vec<Option<crate::records::CleanDoc>>, Vec<Option<crate::text::DocScan>>) =
        cleaned.into_iter().map(|c| c.map_or((None, None), |(d, s)| (Some(d), s))).unzip();
    let ctxs: Vec<Option<extract::DocCtx<'_>>> = docs
        .iter()
        .zip(scans)
        .enumerate()
        .map(|(i, (d, scan))| {
            let d = d.as_ref()?;
            guarded(i, Phase::Context, &mut who, &mut outs, || extract::context(d, res, scan))
        })
        .collect();
    lap.lap(Phase::Context);
    let traps: Vec<Option<_>> = ctxs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let c = c.as_ref()?;
            guarded(i, Phase::Traps, &mut who, &mut outs, || extract::sentence_traps(c))
        })
        .collect();
    lap.lap(Phase::Traps);
    let figures: Vec<Option<(_, _)>> = ctxs
        .iter()
        .zip(traps)
        .enumerate()
        .map(|(i, (c, t))| {
            let (c, t) = (c.as_ref()?, t?);
            let q = guarded(i, Phase::Figures, &mut who, &mut outs, || extract::figures(c, &t))?;
            Some((t, q))
        })
        .collect();
    lap.lap(Phase::Figures);
    let judged: Vec<Option<_>> = ctxs
        .iter()
        .zip(figures)
        .enumerate()
        .map(|(i, (c, f))| {
            let (c, (t, q)) = (c.as_ref()?, f?);
            guarded(i, Phase::Judge, &mut who, &mut outs, || extract::judge(c, t, q))
        })
        .collect();
    lap.lap(Phase::Judge);
    let mentions: Vec<Option<Vec<crate::records::Mention>>> = ctxs
        .iter()
        .zip(judged)
        .enumerate()
        .map(|(i, (c, j))| {
            let (c, (mut mentions, er)) = (c.as_ref()?, j?);
            guarded(i, Phase::DocumentRules, &mut who, &mut outs, || {
                extract::document_rules(c, &mut mentions)
            })?;
            Some(counted(mentions, er, clock))
        })
        .collect();
    lap.lap(Phase::DocumentRules);
    drop(ctxs);
    add(&clock.extract, t.elapsed());
    let t = Instant::now();
    for (i, (d, m)) in docs.into_iter().zip(mentions).enumerate() {
        let (Some(doc), Some(mentions)) = (d, m) else { continue };
        if let Some(out) = guarded(i, Phase::Normalize, &mut who, &mut outs, || normalized(doc, mentions, res, clock)) {
            outs[i] = Some(out);
        }
    }
    add(&clock.normalize, t.elapsed());
    outs.into_iter()
        .map(|o| o.expect("every document of a group has an outcome"))
        .collect()
}

/// The phases of a group, each named for fault injection ([`injected_fault`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Decode,
    Lines,
    Scan,
    Metadata,
    Context,
    Traps,
    Figures,
    Judge,
    DocumentRules,
    Normalize,
}

impl Phase {
    /// The phase's slot in [`StageClock::phases`] and its name in [`PHASES`]: the phases of
    /// cleaning and extraction, in order (decoding and normalizing are stages of their own,
    /// timed as such).
    fn timed(self) -> usize {
        debug_assert!(!matches!(self, Phase::Decode | Phase::Normalize), "{self:?} is a stage");
        self as usize - 1
    }

    #[cfg(test)]
    const ALL: [Phase; 10] = [
        Phase::Decode,
        Phase::Lines,
        Phase::Scan,
        Phase::Metadata,
        Phase::Context,
        Phase::Traps,
        Phase::Figures,
        Phase::Judge,
        Phase::DocumentRules,
        Phase::Normalize,
    ];
}

#[cfg(test)]
thread_local! {
    /// A unit test's fault: the document and the phase that panic on this thread.
    static TEST_FAULT: std::cell::RefCell<Option<(String, Phase)>> = const { std::cell::RefCell::new(None) };
}

/// A panic injected into a debug build for the tests of rule `run.isolate_panics`:
/// `ICTSTAT_FAULT_PANIC_DOC=boom.txt` panics when `boom.txt` is decoded,
/// `ICTSTAT_FAULT_PANIC_DOC=boom.txt@Judge` when its sentences are judged.
fn injected_fault(doc: &str, phase: Phase) {
    if cfg!(debug_assertions) {
        static DOC: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        if let Some(want) = DOC.get_or_init(|| std::env::var("ICTSTAT_FAULT_PANIC_DOC").ok()) {
            let (d, p) = want.split_once('@').unwrap_or((want, "Decode"));
            if d == doc && p == format!("{phase:?}") {
                panic!("fault injected for {doc} at {phase:?}");
            }
        }
    }
    // (a unit test's fault, in a test build of either profile)
    #[cfg(test)]
    if TEST_FAULT.with_borrow(|f| f.as_ref().is_some_and(|(d, p)| d == doc && *p == phase)) {
        panic!("fault injected for {doc} at {phase:?}");
    }
}

fn process_timed(raw: RawInput, res: &Resources, clock: &StageClock, input_hash: Option<&str>) -> DocOutput {
    injected_fault(&raw.doc, Phase::Decode);
    let t = Instant::now();
    let decoded = ingest::decode_known(raw, input_hash);
    add(&clock.decode, t.elapsed());
    let raw = match decoded {
        Ok(r) => r,
        Err(rej) => return DocOutput::Rejected(rej),
    };
    let t = Instant::now();
    let (doc, scan) = cleaned(raw, res, clock);
    add(&clock.clean, t.elapsed());
    let t = Instant::now();
    let mentions = extracted(&doc, scan, res, clock);
    add(&clock.extract, t.elapsed());
    let t = Instant::now();
    let out = normalized(doc, mentions, res, clock);
    add(&clock.normalize, t.elapsed());
    out
}

/// Clean one decoded document (its three phases one after the other), counting what cleaning
/// dropped.
fn cleaned(raw: crate::records::RawDoc, res: &Resources, clock: &StageClock) -> (crate::records::CleanDoc, Option<crate::text::DocScan>) {
    let lined = clean::lines(raw, &res.clean);
    let scan = lined.scan(&res.lexicon.scan);
    finished(lined, scan, res, clock)
}

/// The last phase of cleaning a document whose lines and scan are made, counting what
/// cleaning dropped.
fn finished(
    lined: clean::Lined,
    scan: crate::text::DocScan,
    res: &Resources,
    clock: &StageClock,
) -> (crate::records::CleanDoc, Option<crate::text::DocScan>) {
    let (doc, cr, scan) = lined.finish(Some(scan), &res.clean, &res.provinces, &res.outlets);
    count(&clock.debris_lines, cr.debris_lines);
    count(&clock.repeated_paragraphs, cr.repeated_paragraphs);
    (doc, scan)
}

/// Extract one cleaned document, counting what it read.
fn extracted(
    doc: &crate::records::CleanDoc,
    scan: Option<crate::text::DocScan>,
    res: &Resources,
    clock: &StageClock,
) -> Vec<crate::records::Mention> {
    let (mentions, er) = extract::extract_scanned(doc, res, scan);
    counted(mentions, er, clock)
}

/// Count what extracting a document read.
fn counted(mentions: Vec<crate::records::Mention>, er: extract::ExtractReport, clock: &StageClock) -> Vec<crate::records::Mention> {
    count(&clock.numbers, er.numbers);
    count(&clock.traps, er.traps);
    count(&clock.metric_mentions, er.metrics);
    mentions
}

/// Normalize one extracted document into its rows.
fn normalized(doc: crate::records::CleanDoc, mentions: Vec<crate::records::Mention>, res: &Resources, clock: &StageClock) -> DocOutput {
    let idx = CharIndex::new(&doc.text);
    let (facts, nr) = normalize::normalize(&doc, &mentions, &res.catalog, &res.provinces, &idx);
    count(&clock.duplicates, nr.duplicates);
    count(&clock.flagged, nr.flagged);
    let mentions = normalize::mention_rows(mentions, &idx);
    let n_chars = idx.char_of(doc.text.len());
    let document = normalize::document_row(doc, n_chars, mentions.len(), facts.len(), &res.provinces);
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

    fn input(name: &str, text: String, html: bool) -> RawInput {
        RawInput {
            doc: name.into(),
            source: name.into(),
            line: None,
            format: if html { Format::Html } else { Format::Txt },
            payload: Payload::Bytes(text.into_bytes()),
        }
    }

    /// Three short reports (`g0.txt`, `g1.txt`, `g2.txt`) with figures and traps, and what each
    /// gives processed alone.
    fn three_documents(clock: &StageClock) -> (Vec<RawInput>, Vec<String>) {
        let texts = [
            "Năm 2020, toàn tỉnh Quảng Ninh có 2015 Thuê bao Internet băng rộng cố định, tăng 12% so với năm 2019.",
            "Theo Quyết định số 1355/QĐ-UBND ngày 7/9/2009, tỉnh Thanh Hóa có 1.245 trạm BTS 3G.",
            "Năm 2021, Sở Thông tin và Truyền thông tỉnh Nghệ An cho biết doanh thu đạt 971,8 tỷ đồng.",
        ];
        let inputs: Vec<RawInput> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| input(&format!("g{i}.txt"), t.to_string(), false))
            .collect();
        let alone = inputs
            .iter()
            .map(|r| format!("{:?}", process_guarded(r.clone(), resources(), clock, None)))
            .collect();
        (inputs, alone)
    }

    /// A group finds every document's traps before extracting any further: each document
    /// keeps its own, read on its own match form (`2015 Thuê bao`: a count, since a unit
    /// follows, where the text's own case reads no unit and makes it a year).
    #[test]
    fn a_group_reads_each_documents_traps_on_its_own_match_form() {
        let (res, clock) = (resources(), StageClock::default());
        let (inputs, alone) = three_documents(&clock);
        let group: Vec<String> = process_group(inputs.into_iter().map(|r| (r, None)).collect(), res, &clock)
            .iter()
            .map(|o| format!("{o:?}"))
            .collect();
        assert_eq!(group, alone);
        // (the case the test is about: the count is read as a figure, not a year)
        assert!(alone[0].contains("value: Some(2015.0)"), "{}", alone[0]);
    }

    /// `phase_seconds`: a group's phases are each timed, within their stage's time, and each
    /// phase's slot carries its own name.
    #[test]
    fn a_group_times_each_phase_within_its_stage() {
        let (res, clock) = (resources(), StageClock::default());
        let (inputs, _) = three_documents(&StageClock::default());
        process_group(inputs.into_iter().map(|r| (r, None)).collect(), res, &clock);
        let ns = |c: &AtomicU64| c.load(Ordering::Relaxed);
        for (name, c) in PHASES.iter().zip(&clock.phases) {
            assert!(ns(c) > 0, "{name} not timed");
        }
        // the phases of a stage lie within its time: clean's first three, extract's last five
        let sum = |r: std::ops::Range<usize>| clock.phases[r].iter().map(ns).sum::<u64>();
        assert!(sum(0..3) <= ns(&clock.clean), "{} > {}", sum(0..3), ns(&clock.clean));
        assert!(sum(3..8) <= ns(&clock.extract), "{} > {}", sum(3..8), ns(&clock.extract));
        // every phase but the two whole stages has its slot, named for it
        let timed: Vec<Phase> = Phase::ALL[1..Phase::ALL.len() - 1].to_vec();
        assert_eq!(timed.len(), PHASES.len());
        for (k, p) in timed.into_iter().enumerate() {
            let snake: String = format!("{p:?}")
                .chars()
                .enumerate()
                .flat_map(|(i, c)| (i > 0 && c.is_uppercase()).then_some('_').into_iter().chain(c.to_lowercase()))
                .collect();
            let stage = if k < 3 { "clean" } else { "extract" };
            assert_eq!((p.timed(), PHASES[p.timed()]), (k, format!("{stage}.{snake}").as_str()));
        }
    }

    /// Rule `run.isolate_panics` in every phase of a group: the middle one of three documents
    /// panics in one phase; it alone becomes an `internal_error` reject that names the phase,
    /// and the other two come out as they do alone.
    #[test]
    fn a_panic_in_any_phase_of_a_group_rejects_its_own_document_only() {
        let (res, clock) = (resources(), StageClock::default());
        let (inputs, alone) = three_documents(&clock);
        for phase in Phase::ALL {
            TEST_FAULT.set(Some(("g1.txt".into(), phase)));
            let out = process_group(inputs.iter().map(|r| (r.clone(), None)).collect(), res, &clock);
            TEST_FAULT.set(None);
            assert_eq!(format!("{:?}", out[0]), alone[0], "{phase:?}");
            assert_eq!(format!("{:?}", out[2]), alone[2], "{phase:?}");
            match &out[1] {
                DocOutput::Rejected(r) => {
                    assert!(matches!(r.kind, crate::records::RejectKind::InternalError), "{phase:?}: {r:?}");
                    assert!(r.reason.contains(&format!("fault injected for g1.txt at {phase:?}")), "{r:?}");
                }
                o => panic!("{phase:?}: {o:?}"),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Rule `run.stage_groups`: documents processed stage by stage together come out as
        /// each comes out alone, in order: rejects (no letters, not Vietnamese, a read that
        /// failed) among them, and the same counts on the clock.
        #[test]
        fn a_group_gives_each_document_what_it_gives_alone(
            docs in prop::collection::vec((prop::collection::vec(piece(), 0..40), any::<bool>(), 0u8..8), 1..7),
        ) {
            let res = resources();
            let inputs: Vec<RawInput> = docs
                .iter()
                .enumerate()
                .map(|(i, (pieces, html, kind))| {
                    let name = format!("d{i}.txt");
                    match kind {
                        0 => RawInput { payload: Payload::Failed(crate::records::Reject {
                            source: name.clone(),
                            doc: Some(name.clone()),
                            line: None,
                            kind: crate::records::RejectKind::Unreadable,
                            reason: "cannot read".into(),
                        }), ..input(&name, String::new(), false) },
                        1 => input(&name, "Hello world, this is an English page about nothing at all, with words and more words.".into(), false),
                        _ => input(&name, pieces.concat(), *html),
                    }
                })
                .collect();
            let (alone_clock, group_clock) = (StageClock::default(), StageClock::default());
            let alone: Vec<String> = inputs.iter().map(|r| format!("{:?}", process_guarded(r.clone(), res, &alone_clock, Some("h")))).collect();
            let group: Vec<String> = process_group(inputs.into_iter().map(|r| (r, Some("h"))).collect(), res, &group_clock)
                .iter()
                .map(|o| format!("{o:?}"))
                .collect();
            prop_assert_eq!(group, alone);
            prop_assert_eq!(group_clock.counts(), alone_clock.counts());
        }
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
