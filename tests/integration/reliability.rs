//! Hostile inputs and flags (issue: nothing a user or an input does may lose data, crash a run
//! or stall it). Each test builds its inputs in a temporary folder and asserts the exit code,
//! the `rejects` row and that the good documents' facts are all there.

use super::*;

fn seed() -> String {
    std::fs::read_to_string(repo().join("data/raw/004_c3d1031f18d21800.txt")).unwrap()
}

fn seed_facts() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let inp = tmp.path().join("in");
        std::fs::create_dir(&inp).unwrap();
        std::fs::write(inp.join("good.txt"), seed()).unwrap();
        let out = tmp.path().join("out");
        run_ok(&["run", p(&inp), "--out", p(&out), "--quiet"]);
        strings(&table(&out, "facts"), "doc").len()
    })
}

/// (source file name, kind, reason) of every reject.
fn rejects(out: &Path) -> Vec<(String, String, String)> {
    let rej = table(out, "rejects");
    strings(&rej, "source")
        .into_iter()
        .zip(strings(&rej, "kind"))
        .zip(strings(&rej, "reason"))
        .map(|((s, k), r)| {
            let s = s.unwrap();
            let name = Path::new(&s).file_name().map_or(s.clone(), |n| n.to_string_lossy().to_string());
            (name, k.unwrap(), r.unwrap())
        })
        .collect()
}

fn facts_of(out: &Path, doc: &str) -> usize {
    strings(&table(out, "facts"), "doc")
        .iter()
        .filter(|d| d.as_deref() == Some(doc))
        .count()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A folder of inputs with one good seed article in it.
fn inputs_with_seed(tmp: &Path) -> PathBuf {
    let inp = tmp.join("in");
    std::fs::create_dir_all(&inp).unwrap();
    std::fs::write(inp.join("good.txt"), seed()).unwrap();
    inp
}

#[test]
fn out_may_not_replace_an_input_a_file_or_a_foreign_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    let before = std::fs::read(inp.join("good.txt")).unwrap();
    let cwd = std::env::current_dir().unwrap();
    let spelled = cwd.join(&inp).join("sub").join("..");
    std::fs::create_dir(inp.join("sub")).unwrap();
    let notes = tmp.path().join("notes.txt");
    std::fs::write(&notes, "keep me").unwrap();
    let foreign = tmp.path().join("photos");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("cat.jpg"), "meow").unwrap();
    for (out, why) in [
        (inp.clone(), "is the input"),
        (tmp.path().to_path_buf(), "contains the input"),
        (spelled, "is the input"),
        (notes.clone(), "not a folder"),
        (foreign.clone(), "neither empty nor an ictstat output"),
    ] {
        let o = ictstat(&["run", p(&inp), "--out", p(&out), "--quiet"]);
        assert_eq!(o.status.code(), Some(2), "--out {}: {}", out.display(), stderr(&o));
        assert!(stderr(&o).contains(why), "--out {}: {}", out.display(), stderr(&o));
        assert!(stderr(&o).contains(p(&out)), "names the path: {}", stderr(&o));
    }
    assert_eq!(std::fs::read(inp.join("good.txt")).unwrap(), before, "input intact");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "keep me");
    assert!(foreign.join("cat.jpg").exists());
    // a previous output is replaced, as is an empty folder
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    run_ok(&["run", p(&inp), "--out", p(&out), "--quiet"]);
    run_ok(&["run", p(&inp), "--out", p(&out), "--quiet"]);
}

#[test]
fn a_panicking_document_becomes_a_reject_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    std::fs::write(inp.join("boom.txt"), seed()).unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_ictstat"))
        .args(["run", p(&inp), "--out", p(&out), "--quiet"])
        // (a late phase of the document's group: its sentences judged)
        .env("ICTSTAT_FAULT_PANIC_DOC", "boom.txt@Judge")
        .current_dir(repo())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = rejects(&out);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!((r[0].0.as_str(), r[0].1.as_str()), ("boom.txt", "internal_error"));
    assert!(r[0].2.contains("fault injected for boom.txt at Judge"), "{r:?}");
    assert_eq!(facts_of(&out, "good.txt"), seed_facts());
}

#[test]
fn digits_of_other_scripts_and_odd_case_folding_do_not_stop_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    let body = "Năm 2020, toàn tỉnh Quảng Ninh có １２３.４５６ thuê bao di động và ١٢٣٤ thuê bao Internet, ৫৬ trạm BTS; \
                mật độ đạt 45,6 thuê bao/100 dân.";
    std::fs::write(inp.join("digits.txt"), body).unwrap();
    let html = format!(
        "<html><head><title>İİİ Sở Thông tin và Truyền thông KKK</title></head><BODY><p>{body}</p><p>{}</p></BODY></html>",
        seed()
    );
    std::fs::write(inp.join("title.html"), &html).unwrap();
    std::fs::write(
        inp.join("feed.jsonl"),
        serde_json::json!({"id": "k1", "html": html.replace("<BODY>", "<bKdy>K<BODY>")}).to_string() + "\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = ictstat(&["run", p(&inp), "--out", p(&out), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{:?}", stderr(&o), rejects(&out));
    let docs = strings(&table(&out, "documents"), "doc");
    assert_eq!(docs.len(), 4, "{docs:?}");
    assert_eq!(facts_of(&out, "good.txt"), seed_facts());
    let m = table(&out, "mentions");
    let raws: Vec<String> = strings(&m, "doc")
        .into_iter()
        .zip(strings(&m, "raw"))
        .filter(|(d, _)| d.as_deref() == Some("digits.txt"))
        .filter_map(|(_, r)| r)
        .collect();
    assert!(
        raws.iter().any(|r| r.starts_with("45,6")),
        "the ASCII figure is still read: {raws:?}"
    );
    let foreign_digit = |r: &String| r.chars().any(|c| c.is_numeric() && !c.is_ascii_digit());
    assert!(
        !raws.iter().any(foreign_digit),
        "no other script's digits read as numbers: {raws:?}"
    );
}

#[test]
fn a_number_too_large_to_represent_is_a_malformed_mention_not_a_failed_run() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    let huge = "9".repeat(400);
    std::fs::write(
        inp.join("huge.txt"),
        format!("Năm 2020, tổng số thuê bao điện thoại trên địa bàn tỉnh đạt {huge} thuê bao, doanh thu đạt {huge} tỷ đồng."),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = ictstat(&["run", p(&inp), "--out", p(&out), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(facts_of(&out, "huge.txt"), 0);
    let m = table(&out, "mentions");
    let (docs, reasons) = (strings(&m, "doc"), strings(&m, "reason"));
    let flagged = docs
        .iter()
        .zip(&reasons)
        .filter(|(d, r)| d.as_deref() == Some("huge.txt") && r.as_deref().is_some_and(|r| r.contains("unrepresentable")))
        .count();
    assert_eq!(flagged, 2, "both huge figures are reported as malformed mentions");
    assert_eq!(facts_of(&out, "good.txt"), seed_facts());
}

#[test]
fn a_file_cut_inside_its_last_character_stays_utf8_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    let mut bytes = seed().into_bytes();
    bytes.extend_from_slice("\nHế".as_bytes());
    bytes.pop(); // cut inside `ế`
    std::fs::write(inp.join("cut.txt"), &bytes).unwrap();
    let out = tmp.path().join("out");
    run_ok(&["run", p(&inp), "--out", p(&out), "--quiet"]);
    let d = table(&out, "documents");
    let (docs, enc, warn) = (strings(&d, "doc"), strings(&d, "encoding"), strings(&d, "warnings"));
    let i = docs.iter().position(|d| d.as_deref() == Some("cut.txt")).unwrap();
    assert_eq!(enc[i].as_deref(), Some("utf-8"));
    assert!(warn[i].as_deref().is_some_and(|w| w.contains("truncated UTF-8")), "{:?}", warn[i]);
    assert_eq!(facts_of(&out, "cut.txt"), seed_facts());
}

#[test]
fn fifos_devices_and_bombs_are_rejected_without_hanging_or_buffering() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    let fifo = inp.join("pipe.txt");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::os::unix::fs::symlink("/dev/zero", inp.join("zero.txt")).unwrap();
    // one line of 8 MB (limit 1 MB), skipped without being kept, then a good line
    let good = serde_json::json!({"id": "after", "text": seed()}).to_string();
    let long = format!("{{\"id\": \"long\", \"text\": \"{}\"}}\n{good}\n", "0".repeat(8 << 20));
    std::fs::write(inp.join("long.jsonl.gz"), gzip(long.as_bytes())).unwrap();
    // 100 MB of blank lines from ~100 kB: past the inflate ratio
    let bomb = gzip(&vec![b'\n'; 100 << 20]);
    std::fs::write(inp.join("bomb.jsonl.gz"), &bomb).unwrap();
    let out = tmp.path().join("out");
    let o = ictstat(&["run", p(&inp), "--out", p(&out), "--quiet", "--max-doc-bytes", "1000000"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = rejects(&out);
    let kind = |f: &str| r.iter().filter(|x| x.0 == f).map(|x| x.1.clone()).collect::<Vec<_>>();
    assert_eq!(kind("pipe.txt"), vec!["unsupported"], "{r:?}");
    assert_eq!(kind("zero.txt"), vec!["unsupported"], "{r:?}");
    assert_eq!(kind("long.jsonl.gz"), vec!["too_large"], "{r:?}");
    assert_eq!(kind("bomb.jsonl.gz"), vec!["too_large"], "{r:?}");
    assert!(r.iter().any(|x| x.0 == "bomb.jsonl.gz" && x.2.contains("decompressed")), "{r:?}");
    assert_eq!(facts_of(&out, "good.txt"), seed_facts());
    assert_eq!(facts_of(&out, "after"), seed_facts(), "the line after the long one is read");
}

#[test]
fn a_truncated_gzip_shard_keeps_its_lines_and_leaves_a_reject() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    let lines: String = (1..=3)
        .map(|i| serde_json::json!({"id": format!("g{i}"), "text": seed()}).to_string() + "\n")
        .collect();
    let gz = gzip(lines.as_bytes());
    // cut in the trailer: every line is there, the stream is not whole
    std::fs::write(inp.join("cut.jsonl.gz"), &gz[..gz.len() - 4]).unwrap();
    let out = tmp.path().join("out");
    let o = ictstat(&["run", p(&inp), "--out", p(&out), "--quiet"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = rejects(&out);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].1, "truncated");
    assert!(r[0].2.contains("cut.jsonl.gz") && r[0].2.contains("line 3"), "{r:?}");
    for d in ["g1", "g2", "g3"] {
        assert_eq!(facts_of(&out, d), seed_facts(), "{d}");
    }
}

#[test]
fn deep_nesting_and_documents_without_newlines_stay_linear() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    let n = 200_000;
    let html = format!(
        "<html><body>{}<p>{}</p>{}</body></html>",
        "<div>".repeat(n),
        seed().replace('\n', " "),
        "</div>".repeat(n)
    );
    std::fs::write(inp.join("deep.html"), html).unwrap();
    let one_line: String = std::iter::repeat_n(seed().replace('\n', " "), 300).collect::<Vec<_>>().join(" ");
    std::fs::write(inp.join("oneline.txt"), one_line).unwrap();
    let out = tmp.path().join("out");
    let started = std::time::Instant::now();
    run_ok(&["run", p(&inp), "--out", p(&out), "--quiet"]);
    // not a timing assertion: a quadratic pass takes hours here and the test never ends
    eprintln!(
        "deep nesting + {} kB without newlines: {:?}",
        seed().len() * 300 / 1000,
        started.elapsed()
    );
    assert!(facts_of(&out, "deep.html") >= seed_facts() - 2, "the nested article is still read");
    assert!(facts_of(&out, "oneline.txt") >= seed_facts());
}

#[test]
fn symlink_cycles_and_second_links_are_walked_once() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    std::fs::create_dir(inp.join("sub")).unwrap();
    std::fs::write(inp.join("sub/other.txt"), seed()).unwrap();
    std::os::unix::fs::symlink("..", inp.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("sub", inp.join("again")).unwrap();
    let out = tmp.path().join("out");
    let o = ictstat(&["run", p(&inp), "--out", p(&out), "--quiet"]);
    assert_eq!(o.status.code(), Some(1), "the loop is reported: {}", stderr(&o));
    let docs = strings(&table(&out, "documents"), "doc");
    assert_eq!(docs.len(), 2, "each real file once: {docs:?}");
    let r = rejects(&out);
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].2.contains("symlink loop"), "{r:?}");
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(summary.contains("3 files"), "the summary counts files: {summary}");
}

#[test]
fn a_corrupt_previous_output_is_not_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    std::fs::write(inp.join("second.txt"), seed().replace("2011", "2012")).unwrap();
    let (out, full) = (tmp.path().join("out"), tmp.path().join("full"));
    run_ok(&["run", p(&inp), "--out", p(&out), "--quiet"]);
    run_ok(&["run", p(&inp), "--out", p(&full), "--quiet"]);
    let facts = out.join("facts.parquet");
    let mut bytes = std::fs::read(&facts).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 16].copy_from_slice(&[0xAB; 16]);
    std::fs::write(&facts, &bytes).unwrap();
    // nothing changed in the inputs (the hard-link path) and then one input changed (merge)
    for change in [false, true] {
        if change {
            std::fs::write(inp.join("third.txt"), seed()).unwrap();
            run_ok(&["run", p(&inp), "--out", p(&full), "--quiet"]);
            std::fs::write(&facts, &bytes).unwrap();
        }
        let o = run_ok(&["run", p(&inp), "--out", p(&out), "--quiet", "--incremental"]);
        let inc = incremental_report(&out);
        assert_eq!(inc["mode"], "full", "{inc}");
        assert!(inc["reason"].as_str().unwrap().contains("facts.parquet"), "{inc}");
        assert!(String::from_utf8_lossy(&o.stdout).contains("full run"));
        assert_same_rows(&out, &full);
    }
}

#[test]
fn stale_staging_folders_are_removed_and_a_locked_output_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    let out = tmp.path().join("out");
    for stale in [".out.tmp-1-dead", ".out.tmp-2-dead.old"] {
        std::fs::create_dir_all(tmp.path().join(stale).join("x")).unwrap();
    }
    run_ok(&["run", p(&inp), "--out", p(&out), "--quiet"]);
    let left: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // another run holds the output
    let lock = std::fs::File::open(tmp.path().join(".out.lock")).unwrap();
    lock.lock().unwrap();
    let before = std::fs::read(out.join("facts.parquet")).unwrap();
    let o = ictstat(&["run", p(&inp), "--out", p(&out), "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("another ictstat run"), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("facts.parquet")).unwrap(), before);
    drop(lock);
    run_ok(&["run", p(&inp), "--out", p(&out), "--quiet"]);
}

#[test]
fn concurrent_runs_on_one_output_never_leave_it_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    let out = tmp.path().join("out");
    run_ok(&["run", p(&inp), "--out", p(&out), "--quiet"]);
    let mut children: Vec<std::process::Child> = (0..6)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_ictstat"))
                .args(["run", p(&inp), "--out", p(&out), "--quiet"])
                .current_dir(repo())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // while they run, the output is always there and whole
    let mut looks = 0;
    while children.iter_mut().any(|c| c.try_wait().unwrap().is_none()) {
        assert!(out.join("manifest.json").exists(), "output missing during a swap");
        looks += 1;
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    for c in children {
        let o = c.wait_with_output().unwrap();
        let code = o.status.code();
        assert!(
            code == Some(0) || (code == Some(2) && stderr(&o).contains("another ictstat run")),
            "{code:?}: {}",
            stderr(&o)
        );
    }
    assert!(looks > 0);
    assert_eq!(facts_of(&out, "good.txt"), seed_facts());
}

#[test]
fn empty_and_duplicate_jsonl_ids_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = inputs_with_seed(tmp.path());
    let line = |id: &str| serde_json::json!({"id": id, "text": seed()}).to_string();
    std::fs::write(inp.join("a.jsonl"), format!("{}\n{}\n", line("x1"), line(" "))).unwrap();
    std::fs::write(inp.join("b.jsonl"), format!("{}\n", line("x1"))).unwrap();
    let out = tmp.path().join("out");
    let o = ictstat(&["run", p(&inp), "--out", p(&out), "--quiet"]);
    assert_eq!(o.status.code(), Some(1));
    let r = rejects(&out);
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(
        r.iter()
            .any(|x| x.0 == "a.jsonl" && x.1 == "malformed_json" && x.2.contains("empty `id`")),
        "{r:?}"
    );
    assert!(
        r.iter().any(|x| x.0 == "b.jsonl" && x.1 == "duplicate_id" && x.2.contains("x1")),
        "{r:?}"
    );
    assert_eq!(facts_of(&out, "x1"), seed_facts(), "the first x1 is kept, once");
    // an incremental re-run gives the same rows
    let full = tmp.path().join("full");
    std::fs::remove_file(inp.join("a.jsonl")).unwrap();
    run_ok(&["run", p(&inp), "--out", p(&out), "--quiet", "--incremental"]);
    run_ok(&["run", p(&inp), "--out", p(&full), "--quiet"]);
    assert_same_rows(&out, &full);
    assert!(rejects(&out).is_empty(), "with the first x1 gone, the second is kept");
}
