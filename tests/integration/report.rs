//! The review report, end to end: `ictstat run --report` over the seeds and a hostile
//! document, then the pages opened from the file system in headless Chromium (Debian's
//! package; `.ci/run` installs it). Chromium is driven by its own flags: `--dump-dom` gives the
//! DOM after the pages' script ran, `--screenshot` the pictures kept under
//! `target/report-screenshots/`. The corrections round trip uses the page's scripted review
//! (`#test-corrections;...`), which clicks the same controls a reviewer does, then scores the
//! exported gold with `ictstat eval`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dom_query::Document;

use super::{p, repo, run_ok, strings, table};

/// Chromium, or `None` (a skip, said on stderr) outside CI. Under `CI=true` a missing browser
/// fails the test: CI must have installed it.
fn chromium() -> Option<PathBuf> {
    if let Some(c) = std::env::var_os("ICTSTAT_CHROMIUM") {
        return Some(PathBuf::from(c));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let c = dir.join(name);
            if c.is_file() {
                return Some(c);
            }
        }
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but no Chromium on PATH: .ci/run installs Debian's chromium package");
    }
    eprintln!("SKIPPED: no chromium on PATH (apt-get install chromium); the report's browser test did not run");
    None
}

struct Browser {
    bin: PathBuf,
    profile: tempfile::TempDir,
}

impl Browser {
    fn cmd(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", self.profile.path().display()));
        c
    }

    /// Run Chromium with `args`; a browser that hangs is killed after two minutes and fails
    /// the test rather than stalling CI.
    fn run(&self, args: &[String]) -> std::process::Output {
        let mut child = self
            .cmd()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
        let reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            out.read_to_end(&mut v).map(|_| v)
        });
        let err_reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            err.read_to_end(&mut v).map(|_| v)
        });
        let deadline = Instant::now() + Duration::from_secs(120);
        let status = loop {
            if let Some(st) = child.try_wait().expect("wait for chromium") {
                break st;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium {args:?} did not finish within 120 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        std::process::Output {
            status,
            stdout: reader.join().unwrap().unwrap_or_default(),
            stderr: err_reader.join().unwrap().unwrap_or_default(),
        }
    }

    /// The DOM of `url` once its scripts ran.
    fn dom(&self, url: &str) -> Document {
        let out = self.run(&["--dump-dom".into(), url.into()]);
        assert!(
            out.status.success(),
            "chromium --dump-dom {url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let html = String::from_utf8(out.stdout).expect("utf-8 DOM");
        assert!(html.contains("</html>"), "no DOM for {url}: {html:.300}");
        Document::from(html.as_str())
    }

    fn screenshot(&self, url: &str, png: &Path, size: &str) {
        let out = self.run(&[
            format!("--screenshot={}", png.display()),
            format!("--window-size={size}"),
            "--hide-scrollbars".into(),
            url.into(),
        ]);
        assert!(out.status.success(), "screenshot {url}: {}", String::from_utf8_lossy(&out.stderr));
        let len = std::fs::metadata(png).map(|m| m.len()).unwrap_or(0);
        // a blank page is a few kB; a rendered one is tens
        assert!(len > 20_000, "{} is {len} bytes: nothing rendered?", png.display());
    }
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A document written to break a page: markup, a closing textarea, a `javascript:` address,
/// attribute-breaking quotes, in its title, address and text. Each would set the page's title.
const HOSTILE_TITLE: &str = "Tin <script>document.title='pwned'</script>\"><img src=x onerror=\"document.title='pwned'\">";
const HOSTILE_URL: &str = "javascript:document.title='pwned'";
const HOSTILE_HEAD: &str = "<script>document.title='pwned'</script> Ghi chú: </textarea><img src=x onerror=\"document.title='pwned'\">";
const HOSTILE_TAIL: &str = "Ghi chú <script>document.title='pwned'</script> và </textarea><img src=x onerror=\"document.title='pwned'\"> \
\" onmouseover=\"document.title='pwned'\" x=\" và <a href=\"javascript:document.title='pwned'\">liên kết</a>.";

/// Rows of `facts` per document, in table order: (metric, raw).
fn facts_by_doc(out: &Path) -> BTreeMap<String, Vec<(String, String)>> {
    let f = table(out, "facts");
    let (doc, metric, raw) = (strings(&f, "doc"), strings(&f, "metric"), strings(&f, "raw"));
    let mut m: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for i in 0..doc.len() {
        m.entry(doc[i].clone().unwrap())
            .or_default()
            .push((metric[i].clone().unwrap(), raw[i].clone().unwrap()));
    }
    m
}

fn page_of(report: &Path, doc: &str) -> PathBuf {
    let h = blake3::hash(doc.as_bytes()).to_hex();
    report.join("docs").join(format!("{}.html", &h[..16]))
}

#[test]
fn the_report_opens_in_chromium_with_every_fact_highlighted_and_no_hostile_script() {
    let tmp = tempfile::tempdir().unwrap();
    let inp = tmp.path().join("in");
    std::fs::create_dir_all(&inp).unwrap();
    for e in std::fs::read_dir(repo().join("data/raw")).unwrap() {
        let e = e.unwrap().path();
        std::fs::copy(&e, inp.join(e.file_name().unwrap())).unwrap();
    }
    // an ICT report (a seed article) with hostile lines before and after it
    let seed = std::fs::read_to_string(repo().join("data/raw/004_c3d1031f18d21800.txt")).unwrap();
    let text = format!("{HOSTILE_HEAD}\n{seed}\n{HOSTILE_TAIL}");
    let line = serde_json::json!({"id": "hostile", "title": HOSTILE_TITLE, "url": HOSTILE_URL, "text": text});
    std::fs::write(inp.join("hostile.jsonl"), format!("{line}\n")).unwrap();
    let out = tmp.path().join("out");
    run_ok(&["run", p(&inp), "--out", p(&out), "--quiet", "--report"]);
    let report = out.join("report");
    assert!(report.join("index.html").is_file() && report.join("report.js").is_file());

    // a report inside the output does not stop the next incremental run from reusing it
    run_ok(&["run", p(&inp), "--out", p(&out), "--quiet", "--incremental"]);
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["incremental"]["mode"], "unchanged", "{}", m["incremental"]);
    assert!(!report.exists(), "the new output has no stale report of the previous tables");
    run_ok(&["report", p(&out)]);

    let by_doc = facts_by_doc(&out);
    let docs = strings(&table(&out, "documents"), "doc");
    let texts = strings(&table(&out, "documents"), "text");
    assert!(
        by_doc.get("hostile").is_some_and(|f| !f.is_empty()),
        "the hostile document has facts: {by_doc:?}"
    );

    let Some(bin) = chromium() else { return };
    let b = Browser {
        bin,
        profile: tempfile::tempdir().unwrap(),
    };
    for (i, doc) in docs.iter().enumerate() {
        let doc = doc.as_deref().unwrap();
        let dom = b.dom(&url(&page_of(&report, doc)));
        assert_eq!(
            dom.select("body[data-ready='1']").length(),
            1,
            "{doc}: the page's script did not finish"
        );
        // every fact is highlighted once, at exactly the characters of its span
        let want = by_doc.get(doc).cloned().unwrap_or_default();
        let mut got: BTreeMap<usize, String> = BTreeMap::new();
        for m in dom.select("#text mark[data-fact]").iter() {
            let id: usize = m.attr("data-fact").unwrap().parse().unwrap();
            got.entry(id).or_default().push_str(&m.text());
        }
        assert_eq!(got.len(), want.len(), "{doc}: highlighted facts");
        for (id, (metric, raw)) in want.iter().enumerate() {
            assert_eq!(got.get(&id), Some(raw), "{doc}: fact {id} ({metric})");
        }
        // the text is the document's, character for character, as text
        assert_eq!(dom.select("#text").text().to_string(), texts[i].clone().unwrap(), "{doc}: text");
    }

    // the hostile document ran no script of its own and shows its markup as text
    let dom = b.dom(&url(&page_of(&report, "hostile")));
    assert_eq!(
        dom.select("title").text().to_string(),
        HOSTILE_TITLE,
        "the title is the document's, as text"
    );
    assert_eq!(dom.select("h1").text().to_string(), HOSTILE_TITLE);
    assert_eq!(dom.select("img").length(), 0, "no element from the document");
    assert_eq!(dom.select("[onerror], [onmouseover]").length(), 0);
    assert_eq!(dom.select("a[href^='javascript']").length(), 0, "a javascript: address is no link");
    assert_eq!(dom.select(".unsafe-url").text().to_string(), HOSTILE_URL);
    assert_eq!(
        dom.select("script").length(),
        3,
        "only the page's own scripts (data, units, report.js)"
    );
    let shown = dom.select("#text").text().to_string();
    for hostile in [
        "<script>document.title='pwned'</script>",
        "</textarea><img src=x",
        "\" onmouseover=\"",
        "<a href=\"javascript:",
    ] {
        assert!(shown.contains(hostile), "{hostile} is shown as text");
    }

    // the overview: summary, a chart and the coverage matrix, drawn as SVG
    let dom = b.dom(&url(&report.join("index.html")));
    assert_eq!(dom.select("body[data-ready='1']").length(), 1);
    assert!(
        dom.select("#charts svg polyline, #charts svg circle").length() > 0,
        "the metric chart has data"
    );
    assert!(dom.select("#coverage svg rect").length() > 10, "the coverage matrix has cells");
    let metric_pages = std::fs::read_dir(report.join("metrics")).unwrap().count();
    assert!(metric_pages >= 10);
    // links both ways: anomalies link to their document's span; documents link back
    let links: Vec<String> = dom
        .select("#anomalies a[href^='docs/']")
        .iter()
        .map(|a| a.attr("href").unwrap().to_string())
        .collect();
    assert!(links.iter().any(|l| l.contains("#at=")), "{links:?}");

    let shots = repo().join("target/report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    b.screenshot(&url(&report.join("index.html")), &shots.join("overview.png"), "1280,900");
    b.screenshot(
        &url(&page_of(&report, "000_fcdb85da6d2188fb.txt")),
        &shots.join("document.png"),
        "1280,800",
    );
}

#[test]
fn corrections_exported_from_the_page_are_gold_that_eval_scores() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_ok(&["run", "data/raw", "--out", p(&out), "--quiet", "--report"]);
    let doc = "001_72caf5ddb3ed80dc.txt";
    let f = table(&out, "facts");
    let (fdoc, metric, value) = (strings(&f, "doc"), strings(&f, "metric"), super::floats(&f, "value"));
    let rows: Vec<usize> = (0..fdoc.len()).filter(|&i| fdoc[i].as_deref() == Some(doc)).collect();
    assert!(rows.len() >= 4, "the document has facts to review");
    // the reviewer steps to the document's second fact with the keyboard, says it is wrong,
    // and adds a figure the run missed at a year mention
    let wrong = 1;
    let m = table(&out, "mentions");
    let (mdoc, kind) = (strings(&m, "doc"), strings(&m, "kind"));
    let (ms, me) = (super::ints(&m, "char_start"), super::ints(&m, "char_end"));
    let at = (0..mdoc.len())
        .find(|&i| mdoc[i].as_deref() == Some(doc) && kind[i].as_deref() == Some("year"))
        .expect("a year mention");

    let Some(bin) = chromium() else { return };
    let b = Browser {
        bin,
        profile: tempfile::tempdir().unwrap(),
    };
    let page = page_of(&out.join("report"), doc);
    let dom = b.dom(&format!(
        "{}#test-corrections;wrong={wrong};add={}-{};metric=internet_subscribers;value=12345",
        url(&page),
        ms[at],
        me[at]
    ));
    assert_eq!(dom.select("body[data-scripted='done']").length(), 1, "the scripted review ran");
    let gold = dom.select("#export-jsonl").text().to_string();
    let reviewed = dom.select("#export-docs").text().to_string();
    assert_eq!(reviewed.trim(), doc);
    let lines: Vec<serde_json::Value> = gold.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(lines.len(), rows.len(), "every fact but the wrong one, and the added one: {gold}");
    let added = lines.last().unwrap();
    assert_eq!(added["metric"], "internet_subscribers");
    assert_eq!(added["value"], 12345.0);
    assert_eq!(added["unit"], "subscribers");
    for l in &lines {
        for k in ["doc", "metric", "value", "unit", "province", "period", "status"] {
            assert!(l.get(k).is_some(), "gold line without {k}: {l}");
        }
    }
    let gold_path = tmp.path().join("corrections.jsonl");
    let docs_path = tmp.path().join("reviewed-docs.txt");
    std::fs::write(&gold_path, &gold).unwrap();
    std::fs::write(&docs_path, &reviewed).unwrap();
    let o = run_ok(&["eval", "--gold", p(&gold_path), "--docs", p(&docs_path), "--out", p(&out), "--json"]);
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let n = rows.len() as u64;
    // predictions: the document's facts; gold: all but the wrong one, plus the added one
    assert_eq!(s["tiers"]["all"]["pred"], n, "{s}");
    assert_eq!(s["tiers"]["all"]["gold"], n);
    assert_eq!(s["tiers"]["all"]["tp"], n - 1);
    let w = rows[wrong];
    assert_eq!(
        s["false_positives"],
        serde_json::json!([{"doc": doc, "metric": metric[w], "value": value[w]}]),
        "the fact marked wrong is the one false positive"
    );
    assert_eq!(
        s["missed"],
        serde_json::json!([{"doc": doc, "metric": "internet_subscribers", "value": 12345.0}]),
        "the added figure is the one miss"
    );
    // the export keeps every attribute of the facts it keeps
    for a in ["province", "period", "basis", "status", "bound", "converted"] {
        assert_eq!(s["attributes"][a], 1.0, "{a}: {s}");
    }
}

/// Every file under `dir` with its bytes, by relative path.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap().path();
            if e.is_dir() {
                stack.push(e);
            } else {
                out.insert(e.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&e).unwrap());
            }
        }
    }
    out
}

#[test]
fn the_same_tables_give_the_same_report_and_a_folder_without_tables_gives_none() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_ok(&["run", "data/raw", "--out", p(&out), "--quiet", "--report"]);
    let first = files(&out.join("report"));
    assert!(first.len() >= 10, "{:?}", first.keys());
    run_ok(&["report", p(&out), "--pages", "suspect", "--sample", "0"]);
    // only the documents with anomalies get a page
    let suspect = files(&out.join("report"));
    let pages = suspect.keys().filter(|k| k.starts_with("docs")).count();
    let anomalous: std::collections::BTreeSet<String> = strings(&table(&out, "anomalies"), "doc").into_iter().flatten().collect();
    assert_eq!(pages, anomalous.len());
    run_ok(&["report", p(&out)]);
    assert!(files(&out.join("report")) == first, "a second report of the same tables differs");
    // nothing but the report changed in the output, and no staging folder is left
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with('.')), "{names:?}");

    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = super::ictstat(&["report", p(&empty)]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("documents.parquet") && err.contains("empty"), "{err}");
    assert!(!empty.join("report").exists());
}
