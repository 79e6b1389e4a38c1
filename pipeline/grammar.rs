//! Grammar: the phrases of periods, comparison bases, targets, ranks, table rows and districts
//! that the rules read with capture groups, as data.
//!
//! Input: `[grammar.NAME]` entries (`pattern`, `doc`, optional `needs`) and `[grammar.fragments]`
//! (pieces several patterns share, written `{name}` in a pattern): the extractor's in
//! `lexicon.toml` ([`Grammar`]), clean's period phrases in `clean.toml`
//! (`clean::period::CleanGrammar`); each declared with [`grammar!`]. Output: one compiled
//! [`Regex`] per rule the code reads, built once per run and shared by every worker.
//! Invariants, checked at load: every entry the code reads is present (serde names a missing
//! one) and no other is (a misspelt name would otherwise be silently unused); every pattern
//! compiles after its fragments are put in; it has exactly the number of capture groups its
//! reader takes (a group added or dropped in the data would shift what the code reads); every
//! entry says what it decides (`doc`). The code decides what a match means; the data decides
//! which words make one, so an analyst adds `tới` beside `đến` without touching Rust.

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;

/// One `[grammar.NAME]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GrammarDef {
    pattern: String,
    doc: String,
    /// Words (match form) every match holds one of: a text holding none is not searched
    /// ([`Pattern::may_match`]). Each must be written in the pattern; that every match holds
    /// one is the entry's promise, which the load cannot prove: a word taken out of the pattern
    /// must leave `needs` too, or the rule skips texts it would have matched.
    #[serde(default)]
    needs: Vec<String>,
    /// Whether the regex engine may look for the words a match opens with before it runs its
    /// automaton (its prefilter): yes unless the entry says `prefilter = false` (rule
    /// `grammar.no_prefilter`, [`Pattern::find_spans`]).
    #[serde(default = "yes")]
    prefilter: bool,
}

fn yes() -> bool {
    true
}

/// Put the fragments (`{name}`) into a pattern. A brace holding anything but a fragment's name
/// (a repetition such as `{0,24}`) is left as it is; a brace holding a lower-case name that is
/// no fragment is an error, not a literal.
fn expand(pattern: &str, fragments: &BTreeMap<String, String>) -> Result<String, String> {
    expand_at(pattern, fragments, 0)
}

fn expand_at(pattern: &str, fragments: &BTreeMap<String, String>, depth: usize) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open + 1..];
        let name_len = tail.bytes().take_while(|b| b.is_ascii_lowercase() || *b == b'_').count();
        if name_len > 0 && tail[name_len..].starts_with('}') {
            let name = &tail[..name_len];
            let frag = fragments
                .get(name)
                .ok_or_else(|| format!("no fragment `{name}` in [grammar.fragments]"))?;
            // (a fragment may use the fragments before it; a cycle would never end)
            if depth >= 4 {
                return Err(format!("fragment `{name}` nested more than four deep (a cycle?)"));
            }
            out.push_str(&expand_at(frag, fragments, depth + 1)?);
            rest = &tail[name_len + 1..];
        } else {
            out.push('{');
            rest = tail;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// One compiled entry: its pattern (what it derefs to) and the words every match holds.
#[derive(Debug)]
pub(crate) struct Pattern {
    re: Regex,
    needs: crate::text::Needles,
    /// The same pattern built without a prefilter, for an entry that says `prefilter = false`.
    unfiltered: Option<regex_automata::meta::Regex>,
}

impl std::ops::Deref for Pattern {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        &self.re
    }
}

impl Pattern {
    /// Whether the pattern can match in `text` (match form): false when the entry `needs`
    /// words and `text` holds none of them, so the rule skips its search.
    pub(crate) fn may_match(&self, text: &str) -> bool {
        self.needs.is_empty() || self.needs.any_in(text)
    }

    /// Rule `grammar.no_prefilter`: the spans of every match in `text`, left to right, as
    /// `find_iter` finds them. An entry that says `prefilter = false` is searched by its
    /// automaton alone. The regex engine finds a pattern's candidates first by the words its
    /// matches open with; for a pattern that opens on words met every few bytes of a Vietnamese
    /// text (the period phrases open on `năm`, `ba`, `hai`, a digit), each candidate stops the
    /// search and starts the automaton again, and that cost more than the automaton alone: on
    /// the leads of 1 000 bench documents the period phrases took 73.7 M instructions with the
    /// prefilter and 42.4 M without (the same matches). Example: a period pattern finds `quý ii 2023`
    /// and `năm ` in `quý ii 2023, thuê bao năm nay` either way (the unit test's).
    pub(crate) fn find_spans<'a>(&'a self, text: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
        let (unfiltered, filtered) = match &self.unfiltered {
            Some(u) => (Some(u.find_iter(text).map(|m| (m.start(), m.end()))), None),
            None => (None, Some(self.re.find_iter(text).map(|m| (m.start(), m.end())))),
        };
        unfiltered.into_iter().flatten().chain(filtered.into_iter().flatten())
    }

    /// The groups of the first match in `text`, for a rule asked of every figure or line whose
    /// pattern seldom matches: a search without groups first (no captures are allocated and
    /// filled for the texts that hold no match). Same answer as `captures`.
    pub(crate) fn captures_seldom<'h>(&self, text: &'h str) -> Option<regex::Captures<'h>> {
        captures_seldom(&self.re, text)
    }

    /// The groups of every match in `text`, for a rule asked of many texts of which few hold a
    /// match: a search without groups first (no captures are made for a text that holds none).
    /// Same answer as `captures_iter`.
    pub(crate) fn captures_iter_seldom<'h>(&self, text: &'h str) -> impl Iterator<Item = regex::Captures<'h>> {
        self.re.is_match(text).then(|| self.re.captures_iter(text)).into_iter().flatten()
    }
}

/// [`Pattern::captures_seldom`] for any regex.
pub(crate) fn captures_seldom<'h>(re: &Regex, text: &'h str) -> Option<regex::Captures<'h>> {
    if !re.is_match(text) {
        return None;
    }
    re.captures(text)
}

pub(crate) fn compile(name: &str, def: &GrammarDef, groups: usize, fragments: &BTreeMap<String, String>) -> Result<Pattern, String> {
    let at = |e: String| format!("[grammar.{name}]: {e}");
    if def.doc.trim().is_empty() {
        return Err(at("no doc: say what the pattern decides".into()));
    }
    let pattern = expand(&def.pattern, fragments).map_err(at)?;
    let re = Regex::new(&pattern).map_err(|e| at(e.to_string()))?;
    for w in &def.needs {
        if w.trim().is_empty() || crate::text::match_form(w) != *w || !pattern.to_lowercase().contains(w.as_str()) {
            return Err(at(format!("needs {w:?}: not a word (match form) the pattern is written with")));
        }
    }
    let has = re.captures_len() - 1;
    if has != groups {
        return Err(at(format!("{has} capture groups, but its rule reads {groups}")));
    }
    let needs = def.needs.clone().into();
    // (the same syntax and limits as `Regex::new`: only the prefilter differs)
    let unfiltered = if def.prefilter {
        None
    } else {
        let config = regex_automata::meta::Config::new().auto_prefilter(false);
        Some(
            regex_automata::meta::Regex::builder()
                .configure(config)
                .build(&pattern)
                .map_err(|e| at(e.to_string()))?,
        )
    };
    Ok(Pattern { re, needs, unfiltered })
}

/// Declares a grammar: the `[grammar]` table as written (`$file`) and its compiled form
/// (`$compiled`), one entry per rule the code reads, each with the number of capture groups
/// its reader takes.
macro_rules! grammar {
    ($file:ident => $compiled:ident; $( $(#[$m:meta])* $name:ident : $groups:expr ),* $(,)?) => {
        /// A `[grammar]` table as written.
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct $file {
            #[serde(default)]
            fragments: std::collections::BTreeMap<String, String>,
            $( $name: $crate::grammar::GrammarDef, )*
        }

        /// A grammar's patterns, compiled and checked (see [`crate::grammar`]).
        #[derive(Debug)]
        pub struct $compiled {
            $( $(#[$m])* pub(crate) $name: $crate::grammar::Pattern, )*
        }

        impl $compiled {
            /// Compile and check every entry.
            pub(crate) fn new(f: &$file) -> Result<Self, String> {
                Ok($compiled {
                    $( $name: $crate::grammar::compile(stringify!($name), &f.$name, $groups, &f.fragments)?, )*
                })
            }
        }
    };
}
pub(crate) use grammar;

grammar! {
    GrammarFile => Grammar;
    /// A comparison base (`so với cùng kỳ năm 2022`, `cùng kỳ`), blanked out before asking whether
    /// a text names a time of its own: rules `period.paragraph_year`, `period.continuation`.
    comparison_base: 0,
    /// A figure given as the value of its comparison base (`so với tháng 1-2022 (`, `cùng kỳ năm
    /// 2019 là`): the base word; the month before; a month and its year; the same window; a year.
    /// Rules `metric.baseline_value`, `period.baseline_value`.
    baseline_value: 6,
    /// A month named before a figure (`tính đến hết tháng 10/2017`, `trong tháng 11/2011`): the
    /// `đến` of a level to date; the `trong` of one month; the month (digits or words); its year.
    /// Rule `period.month_window`.
    month_window: 4,
    /// The day of an act (`ngày 15/3/2020`): day, month, year. Rule `period.event_day`.
    event_day: 3,
    /// A level up to a day (`đến ngày 30/6/2021`): day, month, year. Rule `period.day_window`.
    day_window: 3,
    /// The year of an ICT index named before a rank (`index năm 2019`): the year. Rule
    /// `rank.index_year`.
    index_year: 1,
    /// The year right after a figure (`vào năm 2018`, `(vào cuối năm 2020)`): the year without
    /// parentheses; the year in them. Rule `period.year_after`.
    year_after: 2,
    /// The words of a comparison base right before a year (`so với cùng kỳ năm`, `gấp 2 lần năm`):
    /// that year is the base's, not the figure's.
    base_year: 0,
    /// The year a target is set for (`kế hoạch năm 2020`, `phấn đấu đến năm 2025`, `mục tiêu ...
    /// đến tháng 6/2020`): the year. Rule `status.plan_year`.
    target_year: 1,
    /// A plan's own figure right after its word (`so với kế hoạch năm 2024 (`, `chỉ tiêu: `): the
    /// plan's year, if named. Rule `status.plan_figure`.
    plan_figure: 1,
    /// A sentence that sets a target (`mục tiêu ... đến năm 2025`): the year. Rule
    /// `period.continuation`.
    continuation_target: 1,
    /// A span of years before a total over it (`giai đoạn 2011 - 2015`, `từ năm 2016 đến nay`): the
    /// first year; the last (none: up to now). Rule `period.several_years`.
    year_span: 2,
    /// A district or district town named as where a figure is (`huyện Kim Sơn`, `toàn huyện`,
    /// `Huyện có`), in the original case. Rules `district.*`.
    district: 0,
    /// A title that names a district as where its news is (`tại huyện Đông Anh`). Rule
    /// `district.article`.
    title_locality: 0,
    /// A district named in the text (`huyện Đông Anh`): the name, up to three words. Rule
    /// `district.article`.
    district_name: 1,
    /// A rank stated right after a province (`đứng thứ 5/63`, `tiếp tục dẫn đầu`): leading; the
    /// rank; of how many. Rule `rank.named_province`.
    rank_after_province: 3,
    /// A move between two ranks (`từ vị trí thứ 4 năm 2015 xuống thứ 18 năm 2016`): from, its year,
    /// to, its year. Rule `rank.transition`.
    rank_transition: 4,
    /// A rank stated right before its province (`vị trí thứ ba là`, `thứ 3 thuộc về`): the rank.
    /// Rule `rank.named_province`.
    rank_before_province: 1,
    /// A rank about a component (`xếp thứ 24 về hạ tầng kỹ thuật`): no rank of the index. Rule
    /// `rank.component`.
    rank_about: 0,
    /// A rank in digits after its verb (`xếp thứ 4`, `đứng vị trí số 12`).
    rank_phrase: 0,
    /// A rank of a stated year (`vị trí số 58 năm 2017`): the rank, the year. Rule
    /// `rank.earlier_years`.
    dated_rank: 2,
    /// The year of the index a document reports (`ICT Index năm 2017`): the year. Rule
    /// `rank.document_index_year`.
    ranking_year: 1,
    /// One item of a list of ranks (`vị trí thứ 2`, `, thứ 3`, ` và 8`): the rank. Rule
    /// `rank.respectively`.
    rank_list_item: 1,
    /// The year right after a list of ranks (`của năm 2018`): the year. Rule `rank.respectively`.
    rank_list_year: 1,
    /// Where a list of ranks may start (`vị trí `, `hạng `, `thứ `). Rule `rank.respectively`.
    rank_list_head: 0,
    /// The verb between a list of ranks and its provinces (`lần lượt là`, `thuộc về`). Rule
    /// `rank.respectively`.
    rank_list_is: 0,
    /// The provinces listed after the leader (`tiếp theo là các tỉnh:`). Rule `rank.following`.
    rank_following: 0,
    /// What separates two provinces of a list (`, `, ` và `, `, tỉnh `). Rule `rank.following`.
    rank_list_separator: 0,
    /// A table row that is part of the total (`thành thị`, `phân theo`, `huyện ...`), never the
    /// total itself.
    table_part_row: 0,
    /// A table row that opens on a year (`2015`, `Sơ bộ - Prel. 2016`): the year. Rule
    /// `table.year_rows`.
    row_year: 1,
}

/// The grammar shipped in `schemas/lexicon.toml`, compiled (for tests).
#[cfg(test)]
pub(crate) fn shipped() -> &'static Grammar {
    &crate::extract::tests::res().lexicon.grammar
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rule `grammar.no_prefilter`: an entry that says `prefilter = false` is searched by its
    /// automaton alone and finds what `find_iter` finds; one that does not is searched by
    /// `find_iter` itself.
    #[test]
    fn a_pattern_without_its_prefilter_finds_the_same_spans() {
        let none = BTreeMap::new();
        let pattern = r"(quý\s+(?:i{1,3}|iv)|(?:[0-9]{1,2}|hai|ba)\s+tháng|năm)(?:\s+)?([0-9]{4})?";
        let unfiltered = GrammarDef {
            prefilter: false,
            ..def(pattern)
        };
        let p = compile("x", &unfiltered, 2, &none).unwrap();
        assert!(p.unfiltered.is_some());
        assert!(compile("x", &def(pattern), 2, &none).unwrap().unfiltered.is_none());
        let text = "quý ii 2023, thuê bao năm nay; ba tháng và 12 tháng 2024";
        let spans: Vec<(usize, usize)> = p.find_spans(text).collect();
        let want: Vec<(usize, usize)> = p.find_iter(text).map(|m| (m.start(), m.end())).collect();
        assert_eq!(spans, want);
        let found: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(found, ["quý ii 2023", "năm ", "ba tháng ", "12 tháng 2024"]);
    }

    fn def(pattern: &str) -> GrammarDef {
        GrammarDef {
            pattern: pattern.into(),
            doc: "a test".into(),
            needs: Vec::new(),
            prefilter: true,
        }
    }

    #[test]
    fn fragments_are_put_in_and_repetitions_kept() {
        let frags = BTreeMap::from([("n".to_string(), "([0-9]{1,2})".to_string())]);
        assert_eq!(
            expand(r"thứ\s+{n}\s*/\s*[0-9]{2}", &frags).unwrap(),
            r"thứ\s+([0-9]{1,2})\s*/\s*[0-9]{2}"
        );
        assert_eq!(expand(r"a{2,}b{3}", &frags).unwrap(), r"a{2,}b{3}");
        assert!(expand(r"thứ {rank}", &frags).unwrap_err().contains("no fragment `rank`"));
    }

    #[test]
    fn captures_seldom_answers_as_captures_does() {
        let none = BTreeMap::new();
        let p = compile("row", &def(r"^\s*((?:19|20)[0-9]{2})(?:\s+|$)"), 1, &none).unwrap();
        for line in ["2015 72,28 72,64", "  2020", "Sơ bộ 2016 1,2", "", "năm 2015", "20155 1"] {
            let quick = p
                .captures_seldom(line)
                .map(|c| (c.get(0).map(|m| m.range()), c.get(1).map(|m| m.as_str())));
            let full = p
                .captures(line)
                .map(|c| (c.get(0).map(|m| m.range()), c.get(1).map(|m| m.as_str())));
            assert_eq!(quick, full, "{line:?}");
        }
        assert_eq!(p.captures_seldom("  2020").and_then(|c| c.get(1)).map(|m| m.as_str()), Some("2020"));
    }

    #[test]
    fn captures_iter_seldom_answers_as_captures_iter_does() {
        let none = BTreeMap::new();
        let p = compile("years", &def(r"năm ((?:19|20)[0-9]{2})"), 1, &none).unwrap();
        let groups = |it: &mut dyn Iterator<Item = regex::Captures<'_>>| -> Vec<(std::ops::Range<usize>, String)> {
            it.map(|c| (c.get(0).unwrap().range(), c[1].to_string())).collect()
        };
        for text in ["năm 2015 và năm 2016", "", "không có năm", "năm 20155, năm 1999"] {
            let quick = groups(&mut p.captures_iter_seldom(text));
            assert_eq!(quick, groups(&mut p.captures_iter(text)), "{text:?}");
        }
        assert_eq!(groups(&mut p.captures_iter_seldom("năm 2015 và năm 2016")).len(), 2);
    }

    #[test]
    fn a_pattern_is_checked_for_its_groups_and_its_doc() {
        let none = BTreeMap::new();
        assert!(compile("x", &def(r"năm ([0-9]{4})"), 1, &none).is_ok());
        let e = compile("x", &def(r"năm ([0-9]{4}) (quý)"), 1, &none).unwrap_err();
        assert!(e.contains("[grammar.x]: 2 capture groups, but its rule reads 1"), "{e}");
        let e = compile("x", &def(r"năm ([0-9]{4}"), 1, &none).unwrap_err();
        assert!(e.starts_with("[grammar.x]: "), "{e}");
        let bare = GrammarDef {
            pattern: "năm".into(),
            doc: " ".into(),
            needs: Vec::new(),
            prefilter: true,
        };
        assert!(compile("x", &bare, 0, &none).unwrap_err().contains("no doc"));
        let needs = |w: &str| GrammarDef {
            pattern: r"(?:đến|tới)\s+tháng".into(),
            doc: "a test".into(),
            needs: vec![w.into()],
            prefilter: true,
        };
        assert!(compile("x", &needs("tháng"), 0, &none).is_ok());
        assert!(compile("x", &needs("quý"), 0, &none).unwrap_err().contains("needs \"quý\""));
        assert!(compile("x", &needs("Tháng"), 0, &none).is_err());
    }

    #[test]
    fn a_lexicon_whose_grammar_lacks_an_entry_or_changes_its_groups_is_refused() {
        let shipped = std::fs::read_to_string("schemas/lexicon.toml").expect("lexicon");
        let units = std::fs::read_to_string("schemas/units.toml").expect("units");
        let parse = |text: &str| {
            crate::lexicon::Lexicon::parse(text, &units, std::path::Path::new("schemas"))
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        assert_eq!(parse(&shipped), Ok(()));
        // a group added to a pattern would shift what its rule reads
        let grown = shipped.replacen(r"(?:đến|tới|trước)\s+(?:hết\s+)?ngày", r"(?:đến|tới|trước)\s+(hết\s+)?ngày", 1);
        assert_ne!(grown, shipped);
        let e = parse(&grown).unwrap_err();
        assert!(
            e.contains("lexicon.toml") && e.contains("[grammar.day_window]: 4 capture groups, but its rule reads 3"),
            "{e}"
        );
        // an entry the code reads, left out (the last of the file)
        let cut = &shipped[..shipped.find("[grammar.row_year]").expect("row_year entry")];
        let e = parse(cut).unwrap_err();
        assert!(e.contains("row_year"), "{e}");
        // a misspelt entry
        let e = parse(&format!("{shipped}\n[grammar.row_years]\ndoc = \"x\"\npattern = 'x'\n")).unwrap_err();
        assert!(e.contains("row_years"), "{e}");
    }

    #[test]
    fn the_shipped_grammar_reads_its_examples() {
        let g = shipped();
        let c = g.month_window.captures("tính đến hết tháng 10/2017").unwrap();
        assert_eq!((c.get(1).map(|m| m.as_str()), &c[3], &c[4]), (Some("đến"), "10", "2017"));
        let c = g.day_window.captures("đến ngày 30/6/2021").unwrap();
        assert_eq!((&c[1], &c[2], &c[3]), ("30", "6", "2021"));
        assert_eq!(&g.index_year.captures("ict index năm 2019").unwrap()[1], "2019");
        assert!(g.district.is_match("tại huyện Kim Sơn có"));
        assert!(g.month_window.may_match("đến hết tháng 6") && !g.month_window.may_match("đến hết năm 2020"));
        assert!(g.comparison_base.may_match("anything: no needs"));
        assert!(!g.district.is_match("tại tỉnh Ninh Bình có"));
    }
}
