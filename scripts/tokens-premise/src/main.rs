//! Does a word-token table beat the document scan's substring automaton at finding the
//! lexicon's phrases? The premise of one redesign of issue 12 (one pass that cuts a document
//! into words and looks each word up), measured before anything is built on it.
//!
//! Input: a folder of documents (`make_corpus.py` output), lowercased here (close to the match
//! form); the phrases are every plain string of `schemas/*.toml` and the province reference
//! (close to what the pipeline enrolls: it adds each phrase's other tone placement, this adds
//! the schemas' other plain strings). Output: ns per byte, best of five, one thread:
//! - A, the overlapping double-array automaton the pipeline uses (`daachorse`);
//! - B, words cut out with Unicode tests, looked up in a hash of the phrases' words, phrases
//!   followed in a trie of word ids;
//! - C, B's cutting alone; D, cutting by a byte-class table; E, B's work with D's cutting.
//!
//! Not the pipeline's semantics (B and E find only word-bounded phrases, where the automaton
//! also finds a phrase inside a longer word): a measure of cost, not of results.

use std::time::Instant;

use rustc_hash::FxHashMap;

fn strings(v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::String(s) => out.push(s.clone()),
        toml::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        toml::Value::Table(t) => t.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// The phrases that start at each word of `words` (start, end, word id; `u32::MAX` for a word
/// no phrase has), followed word by word in the trie of word ids: B's and E's shared work.
fn phrase_hits(words: &[(u32, u32, u32)], trie: &FxHashMap<(u32, u32), u32>, terminal: &FxHashMap<u32, u32>) -> usize {
    let mut n = 0;
    for k in 0..words.len() {
        let mut node = 0u32;
        for t in &words[k..] {
            match (t.2 != u32::MAX).then(|| trie.get(&(node, t.2))).flatten() {
                Some(&next) => node = next,
                None => break,
            }
            n += usize::from(terminal.contains_key(&node));
        }
    }
    n
}

/// The best of five runs of `f`, in ns per byte of `bytes`.
fn best(bytes: usize, mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut best = f64::MAX;
    let mut n = 0;
    for _ in 0..5 {
        let t = Instant::now();
        n = std::hint::black_box(f());
        best = best.min(t.elapsed().as_secs_f64());
    }
    (best * 1e9 / bytes as f64, n)
}

fn main() {
    let docs_dir = std::env::args().nth(1).expect("usage: tokens-premise DOCS_DIR");
    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut all = Vec::new();
    for f in ["lexicon.toml", "units.toml", "clean.toml", "metrics.toml"] {
        let text = std::fs::read_to_string(format!("{repo}/schemas/{f}")).expect("schema");
        strings(&toml::from_str(&text).expect("toml"), &mut all);
    }
    let provinces = std::fs::read_to_string(format!("{repo}/data/reference/provinces.csv")).expect("provinces");
    all.extend(provinces.lines().skip(1).flat_map(|l| l.split(',').map(String::from)));
    // plain phrases only (no pattern syntax), lowercased
    let mut phrases: Vec<String> = all
        .iter()
        .map(|s| s.to_lowercase().trim().to_string())
        .filter(|s| !s.is_empty() && s.len() < 60 && s.chars().all(|c| c.is_alphanumeric() || " /%".contains(c)))
        .collect();
    phrases.sort();
    phrases.dedup();
    let mut paths: Vec<_> = std::fs::read_dir(&docs_dir)
        .expect("docs")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    let docs: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("doc").to_lowercase())
        .collect();
    let bytes: usize = docs.iter().map(String::len).sum();
    println!("{} phrases; {} documents, {} bytes", phrases.len(), docs.len(), bytes);

    let ac = daachorse::DoubleArrayAhoCorasick::<u32>::new(&phrases).expect("automaton");
    let (ns, n) = best(bytes, || docs.iter().map(|d| ac.find_overlapping_iter(d).count()).sum());
    println!("A substring automaton (overlapping): {ns:.2} ns/byte, {n} hits");

    // the phrases as sequences of word ids, in a trie keyed by (node, word)
    let mut vocab: FxHashMap<&str, u32> = FxHashMap::default();
    let mut trie: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    let mut terminal: FxHashMap<u32, u32> = FxHashMap::default();
    let mut nodes = 1u32;
    for (pi, p) in phrases.iter().enumerate() {
        let mut node = 0u32;
        for w in p.split(|c: char| !is_word(c)).filter(|w| !w.is_empty()) {
            let next = vocab.len() as u32;
            let id = *vocab.entry(w).or_insert(next);
            node = *trie.entry((node, id)).or_insert_with(|| {
                nodes += 1;
                nodes - 1
            });
        }
        terminal.insert(node, pi as u32);
    }
    let mut toks: Vec<(u32, u32, u32)> = Vec::new();
    let (ns, n) = best(bytes, || {
        let mut n = 0;
        for d in &docs {
            toks.clear();
            let b = d.as_bytes();
            let mut i = 0;
            while i < b.len() {
                let c = b[i];
                let start = i;
                if c.is_ascii_alphanumeric() || (c >= 0x80 && d[i..].chars().next().is_some_and(is_word)) {
                    let mut j = i;
                    while j < b.len() {
                        if b[j].is_ascii_alphanumeric() {
                            j += 1;
                            continue;
                        }
                        if b[j] < 0x80 {
                            break;
                        }
                        let ch = d[j..].chars().next().expect("char");
                        if !is_word(ch) {
                            break;
                        }
                        j += ch.len_utf8();
                    }
                    toks.push((start as u32, j as u32, vocab.get(&d[start..j]).copied().unwrap_or(u32::MAX)));
                    i = j;
                } else {
                    i += if c < 0x80 {
                        1
                    } else {
                        d[i..].chars().next().expect("char").len_utf8()
                    };
                }
            }
            n += phrase_hits(&toks, &trie, &terminal);
        }
        n
    });
    println!(
        "B words, word ids, phrase trie: {ns:.2} ns/byte, {n} phrase hits ({} words in the vocabulary)",
        vocab.len()
    );

    let (ns, n) = best(bytes, || {
        let mut n = 0;
        for d in &docs {
            let b = d.as_bytes();
            let (mut i, mut in_word) = (0, false);
            while i < b.len() {
                let (w, len) = if b[i] < 0x80 {
                    (b[i].is_ascii_alphanumeric(), 1)
                } else {
                    let ch = d[i..].chars().next().expect("char");
                    (is_word(ch), ch.len_utf8())
                };
                n += usize::from(w && !in_word);
                in_word = w;
                i += len;
            }
        }
        n
    });
    println!("C words cut out alone (Unicode tests): {ns:.2} ns/byte, {n} words");

    // lead bytes decide: E2 (general punctuation) and C2 (Latin-1 symbols) separate words, other
    // leads are letters; continuation bytes keep the state
    let mut class = [0u8; 256];
    for (c, k) in class.iter_mut().enumerate() {
        let b = c as u8;
        *k = if b.is_ascii_alphanumeric() {
            1
        } else if b < 0x80 || b == 0xE2 || b == 0xC2 {
            0
        } else if b < 0xC0 {
            2
        } else {
            1
        };
    }
    let mut starts: Vec<u32> = Vec::new();
    let (ns, n) = best(bytes, || {
        let mut n = 0;
        for d in &docs {
            starts.clear();
            let mut in_word = 0u8;
            for (i, &c) in d.as_bytes().iter().enumerate() {
                let k = class[usize::from(c)];
                let now = if k == 2 { in_word } else { k };
                if now > in_word {
                    starts.push(i as u32);
                }
                in_word = now;
            }
            n += starts.len();
        }
        n
    });
    println!("D words cut out by a byte-class table: {ns:.2} ns/byte, {n} words");

    // E: D's cutting, each word looked up in the vocabulary, the phrases followed in the trie:
    // B's work with the fast cutter
    let mut words: Vec<(u32, u32, u32)> = Vec::new();
    let (ns, n) = best(bytes, || {
        let mut n = 0;
        for d in &docs {
            words.clear();
            let b = d.as_bytes();
            let (mut in_word, mut start) = (0u8, 0usize);
            for (i, &c) in b.iter().enumerate() {
                let k = class[usize::from(c)];
                let now = if k == 2 { in_word } else { k };
                if now > in_word {
                    start = i;
                } else if now < in_word {
                    words.push((start as u32, i as u32, vocab.get(&d[start..i]).copied().unwrap_or(u32::MAX)));
                }
                in_word = now;
            }
            if in_word == 1 {
                words.push((start as u32, b.len() as u32, vocab.get(&d[start..]).copied().unwrap_or(u32::MAX)));
            }
            n += phrase_hits(&words, &trie, &terminal);
        }
        n
    });
    println!("E D's cutting, word ids, phrase trie: {ns:.2} ns/byte, {n} phrase hits");
}
