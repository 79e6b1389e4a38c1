//! Districts: whether a figure, a table's rows or a whole article are about a district (huyện,
//! thị xã, quận, a district-level thành phố) rather than the province. The one place these
//! questions are answered; each answer is a named rule, and a district figure's
//! `mentions.reason` starts with the rule that decided.
//!
//! Input: the figure's sentence and the words before it, the article's title and text, a
//! table's title line; the province table (a province-level city, `thành phố Cần Thơ`, is no
//! district). Output: the rule that makes the figure a district's, or whether the article or
//! the table is about districts.
//!
//! Rules:
//! - `district.near`: a named district among the eight words before the figure (`huyện Hướng
//!   Hóa mới đạt 78 máy/100 dân`), or one written about from inside (`Toàn huyện có`).
//! - `district.opening`: the sentence opens on a district (`Trên huyện đảo Phú Quốc, tổng số máy
//!   điện thoại đạt 24.600 máy`).
//! - `district.subject`: a district is the sentence's subject (`Thành phố Tuy Hòa có 58.200 máy`).
//! - `district.own_clause`: neither of the two above reaches into a `;` clause that speaks of
//!   the whole province (`Huyện A có 1.450 thuê bao; toàn tỉnh có 512.000 thuê bao`).
//! - `district.article`: in an article about one district ([`article`]: its title, its address,
//!   or a portal two levels below the province's, rule `district.portal`; a title placing the
//!   page in a district by its unit word, rule `district.title_locality`), a figure no sentence
//!   claims for the province.
//! - `district.breakdown` ([`breaks_down`]): a part of a district's figure, after a breakdown
//!   word (`xã Thanh Tương đã có 7 trạm BTS (trong đó có 03 trạm của Viettel, 03 trạm của ...)`),
//!   is the district's too.
//! - `district.table` ([`table_by_district`]): a table broken down by district (`phân theo
//!   huyện, thành phố`): every row but the total is a district's.

use serde::Deserialize;

use super::DocCtx;
use crate::grammar::Grammar;
use crate::records::{CleanDoc, Sentence};
use crate::reference::{Provinces, compact_name};
use crate::text::{floor_char_boundary, match_form};

/// The district rules' words (`lexicon.toml` `[district]`), checked at load ([`DistrictCues::check`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictCues {
    /// Rule `district.opening`: words that open a sentence by placing it (`Tại huyện Kim Sơn,
    /// ...`), as written (case matters: the sentence's first word).
    local_openers: Vec<String>,
    /// Rule `district.subject`: a district's unit word opening the sentence as its subject
    /// (`Huyện Mường Tè có ...`), as written.
    subject_openers: Vec<String>,
    /// Rule `district.article`: the unit words a title may open a district's name with (`Thị xã
    /// Ba Đồn ...`), word by word, as written; and the unit words (match form) the text must
    /// name it with (`thị xã ba đồn`).
    title_unit_words: Vec<String>,
    unit_words: Vec<String>,
    /// Rule `district.province_city`: the words (match form) of a province-level city's alias
    /// (`tp. hà nội`, `thành phố cần thơ`).
    city_words: Vec<String>,
    /// Rule `district.table`: a table title (match form) broken down by district (`phân theo
    /// huyện`).
    table_by: Vec<String>,
}

/// The rest of `text` after it opens on the word `w` and a space (not a longer word).
fn opens<'t>(text: &'t str, w: &str) -> Option<&'t str> {
    text.strip_prefix(w).and_then(|r| r.strip_prefix(' '))
}

impl DistrictCues {
    /// Every list has words, none empty or padded, and the match-form lists are in match form.
    pub(crate) fn check(&self) -> Result<(), String> {
        use crate::text::{WordForm::*, check_words};
        check_words("[district] local_openers", &self.local_openers, AsWritten)?;
        check_words("[district] subject_openers", &self.subject_openers, AsWritten)?;
        check_words("[district] title_unit_words", &self.title_unit_words, AsWritten)?;
        check_words("[district] unit_words", &self.unit_words, Matched)?;
        check_words("[district] city_words", &self.city_words, Matched)?;
        check_words("[district] table_by", &self.table_by, Matched)
    }
}

/// Rule `district.province_city`: a `thành phố` or `TP` that names a province-level city
/// (`Công an TP. Hà Nội tổ chức 2 đợt thanh tra`) is no district. True when the district pattern
/// no longer matches the last eight words before the figure once every such city is taken out.
fn only_province_cities(ctx: &DocCtx<'_>, from: usize, to: usize) -> bool {
    let (text, hay) = (&ctx.doc.text, &ctx.hay);
    debug_assert_eq!(text.len(), hay.len(), "the match form keeps byte offsets");
    let cities: Vec<(usize, usize)> = ctx
        .res
        .provinces
        .find_in(hay, &ctx.hits, from, to)
        .into_iter()
        // (the hits' offsets are from `from`): an alias of a centrally governed city that holds
        // the word (`tp. hà nội`, `thành phố cần thơ`); `thành phố Hải Dương`, `thành phố Huế`
        // are the capitals of provinces, districts
        .filter(|h| {
            let name = &hay[from + h.start..from + h.end];
            ctx.res.lexicon.district.city_words.iter().any(|w| name.starts_with(w.as_str()))
                && ctx.res.provinces.rows.get(*h.tag).is_some_and(|p| p.city)
        })
        .map(|h| (from + h.start, from + h.end))
        .collect();
    if cities.is_empty() {
        return false;
    }
    let mut rest = String::with_capacity(to - from);
    let mut at = from;
    for (s, e) in cities {
        if s < at {
            continue;
        }
        rest.push_str(&text[at..s]);
        rest.push_str(" , ");
        at = e;
    }
    rest.push_str(&text[at..to]);
    let words: Vec<&str> = rest.split_whitespace().collect();
    !ctx.res
        .lexicon
        .grammar
        .district
        .is_match(&words[words.len().saturating_sub(8)..].join(" "))
}

/// The rule that makes the figure at `q_start` of sentence `s` a district's, if one does.
/// `left_start`: where the figure's own clause begins; `province_wide`: whether the sentence
/// speaks of the whole province (`toàn tỉnh`).
pub(super) fn figure(ctx: &DocCtx<'_>, s: Sentence, q_start: usize, left_start: usize, province_wide: bool) -> Option<&'static str> {
    let (doc, hay, provinces) = (ctx.doc, &ctx.hay, &ctx.res.provinces);
    let district = &ctx.res.lexicon.grammar.district;
    // (the grammar's `district`: a named district, `huyện Hướng Hóa`, or one written about from
    // inside, `Toàn huyện có`, `trên địa bàn huyện`, `Huyện có 154 trạm` at the clause's start;
    // read in the last eight words before the figure; most clauses hold none of the words it
    // needs, and are not split into words and matched)
    if ctx.res.lexicon.grammar.district.may_match(&hay[left_start..q_start]) {
        let words: Vec<&str> = doc.text[left_start..q_start].split_whitespace().collect();
        if district.is_match(&words[words.len().saturating_sub(8)..].join(" ")) && !only_province_cities(ctx, left_start, q_start) {
            return Some("district.near");
        }
    }
    // rule `district.own_clause`: a `;` clause that speaks of the whole province (`Huyện A có
    // 1.450 thuê bao; toàn tỉnh có 512.000 thuê bao`) is not the district's the sentence opens on
    if let Some(k) = crate::text::rfind_ascii(&hay[s.start..q_start], b';')
        && ctx.res.lexicon.province_wide.any_in(hay, &ctx.hits, s.start + k, q_start)
    {
        return None;
    }
    let opening = &doc.text[s.start..q_start];
    let opening = crate::text::find_ascii_within(opening, b',', 60).map_or("", |k| &opening[..k]);
    let cues = &ctx.res.lexicon.district;
    let opening_words = opening.trim_start();
    let local = cues.local_openers.iter().any(|w| opens(opening_words, w).is_some());
    // (`Tại thành phố Cần Thơ, ...` names a province-level city)
    if local && district.is_match(opening) && !provinces.any_in(hay, &ctx.hits, s.start, s.start + opening.len()) {
        return Some("district.opening");
    }
    let subject = doc.text[s.start..q_start].trim_start();
    if cues
        .subject_openers
        .iter()
        .any(|w| opens(subject, w).is_some_and(|r| r.starts_with(char::is_uppercase)))
        && !provinces.any_in(hay, &ctx.hits, s.start, floor_char_boundary(hay, (s.start + 40).min(q_start)))
    {
        return Some("district.subject");
    }
    if ctx.scope.district && !province_wide && !provinces.any_in(hay, &ctx.hits, s.start, s.end) {
        return Some("district.article");
    }
    None
}

/// Is the article about one district? Its title opens with a place that the text calls a
/// district (`huyện X`, `thị xã X`, `thành phố X`), and that is no province (`Chợ Mới đưa công
/// nghệ số về từng ấp` ... `huyện Chợ Mới`).
pub(super) fn article(
    doc: &CleanDoc,
    hay: &str,
    lex: &crate::lexicon::Lexicon,
    provinces: &Provinces,
    clean: &crate::clean::CleanRules,
) -> bool {
    let (g, cues) = (&lex.grammar, &lex.district);
    if doc
        .meta
        .url
        .as_deref()
        .is_some_and(|u| address_names_district(g, u, hay, provinces))
    {
        return true;
    }
    // rule `district.portal`: a page on a portal two levels below the province's
    // (`xuantruc.anthi.hungyen.gov.vn`: a commune's, under its district's) is about the commune
    // or the district (one level, `sotttt.thainguyen.gov.vn`, is as often a department's)
    if let Some(host) = doc.meta.url.as_deref().and_then(crate::clean::url_host)
        && provinces.labels_below_province(&host).is_some_and(|n| n >= 2)
    {
        return true;
    }
    let Some(title) = doc.meta.title.as_deref() else { return false };
    if title_names_locality(g, title) {
        let t = match_form(title);
        if !clean.local_cues().iter().any(|c| t.contains(c.as_str())) {
            return true;
        }
    }
    // the capitalised words the title opens with (`Chợ Mới`, `Thị xã Ba Đồn`)
    let mut name: Vec<&str> = Vec::new();
    for w in title
        .split_whitespace()
        .skip_while(|w| cues.title_unit_words.iter().any(|u| u == w))
    {
        let bare = w.trim_end_matches([':', ',', '-', '.']);
        if !bare.starts_with(char::is_uppercase) {
            break;
        }
        name.push(bare);
        if bare.len() < w.len() {
            break;
        }
    }
    if name.is_empty() || name.len() > 4 {
        return false;
    }
    let name = match_form(&name.join(" "));
    // the whole name, as a word (`thành phố Bến Tre` is no `Bến`), after a unit word and a
    // space: the name is searched once and each place is asked for the unit words before it
    // (searching `{unit} {name}` for each of the four unit words walked the text four times)
    let named = memchr::memmem::find_iter(hay.as_bytes(), name.as_bytes()).any(|j| {
        !hay[j + name.len()..].starts_with(|c: char| crate::text::is_letter(c))
            && hay[..j]
                .strip_suffix(' ')
                .is_some_and(|before| cues.unit_words.iter().any(|d| before.ends_with(d.as_str())))
    });
    named && provinces.find_all(&name).is_empty()
}

/// Rule `district.title_locality`: a title that places the page in a district by its unit word
/// (`Kiểm tra đại lý internet trên địa bàn thị xã Bắc Kạn`, `... tại huyện Mường Tè`) is about
/// that district, even when the district shares the province's name: a `huyện`, `thị xã` or
/// `quận` is never a province (a `thành phố` can be, `thành phố Cần Thơ`, so it is left out).
///
/// A title that names the province's department or committee (`clean.toml` `local_cues`: `Sở
/// TT&TT Bình Định: Thanh tra các đại lý internet ... trên địa bàn huyện Tuy Phước`) reports the
/// province's own work, which counts for the province wherever it took place: the rule does not
/// apply.
fn title_names_locality(g: &Grammar, title: &str) -> bool {
    g.title_locality.is_match(title)
}

/// Rule `district.address`: a page whose address spells its headline (`/tam-binh-binh-quan-moi-
/// ho-dan-...`) opening with a place the text calls a district (`huyện Tam Bình`), and that is no
/// province, is about that district, as a title opening with it would say.
fn address_names_district(g: &Grammar, url: &str, hay: &str, provinces: &Provinces) -> bool {
    let path = url.split_once("://").map_or(url, |(_, r)| r);
    let Some(last) = path
        .split(['?', '#'])
        .next()
        .and_then(|p| p.trim_end_matches('/').rsplit('/').next())
    else {
        return false;
    };
    let slug = format!("{}-", last.to_ascii_lowercase());
    g.district_name.captures_iter(hay).any(|c| {
        let words: Vec<&str> = c[1].split_whitespace().collect();
        (2..=words.len()).any(|k| {
            let name = words[..k].join(" ");
            let plain: Vec<String> = words[..k].iter().map(|w| compact_name(w)).collect();
            slug.starts_with(&format!("{}-", plain.join("-"))) && provinces.find_all(&name).is_empty()
        })
    })
}

/// Rule `district.table`: is a table broken down by district (`... phân theo huyện, thành
/// phố`)? Then every row but the total is a district's.
pub(super) fn table_by_district(cues: &DistrictCues, title_line: &str) -> bool {
    let t = match_form(title_line);
    cues.table_by.iter().any(|w| t.contains(w.as_str()))
}

/// Rule `district.breakdown`: does the figure starting at `part_start` break down the figure
/// ending at `whole_end` of the same sentence: a breakdown word (`trong đó`, `gồm`) between
/// them, and no `;`? Then a district's whole makes its parts the district's. A parenthesis
/// alone is no breakdown: `TP Đà Nẵng đạt 0,8654 điểm, theo sau là Thừa Thiên Huế (0,8046
/// điểm)` sets peers beside it.
pub(super) fn breaks_down(ctx: &DocCtx<'_>, whole_end: usize, part_start: usize) -> bool {
    !ctx.hay[whole_end..part_start].contains(';') && ctx.res.lexicon.breakdown.any_in(&ctx.hay, &ctx.hits, whole_end, part_start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::shipped;

    #[test]
    fn the_district_words_are_checked_at_load() {
        let shipped = crate::extract::tests::res().lexicon.district.clone();
        assert_eq!(shipped.check(), Ok(()));
        let mut padded = shipped.clone();
        padded.local_openers.push("Tại ".into());
        assert!(padded.check().unwrap_err().contains("[district] local_openers"));
        let mut capital = shipped.clone();
        capital.unit_words.push("Huyện".into());
        assert!(capital.check().unwrap_err().contains("not in match form"));
        let mut none = shipped;
        none.table_by.clear();
        assert_eq!(none.check(), Err("[district] table_by: no words".into()));
    }

    #[test]
    fn a_table_broken_down_by_district_is_seen_from_its_title() {
        let cues = &crate::extract::tests::res().lexicon.district;
        assert!(table_by_district(cues, "Số thuê bao điện thoại phân theo huyện, thành phố"));
        assert!(table_by_district(cues, "Số trạm BTS phân theo đơn vị hành chính"));
        assert!(!table_by_district(cues, "Số thuê bao điện thoại qua các năm"));
    }

    #[test]
    fn an_address_opening_with_a_district_of_the_text_makes_a_district_article() {
        // rule district.address (invented page)
        let provinces = &crate::extract::tests::res().provinces;
        let hay = "bình quân mỗi hộ dân dùng 3 máy điện thoại ... toàn huyện tam bình phát triển 2.000 thuê bao";
        assert!(address_names_district(
            shipped(),
            "https://bao.vn/xa-hoi/201410/tam-binh-binh-quan-moi-ho-2560964",
            hay,
            provinces
        ));
        // the address of another subject, and a province's name, make none
        assert!(!address_names_district(
            shipped(),
            "https://bao.vn/xa-hoi/binh-quan-moi-ho-2560964",
            hay,
            provinces
        ));
        let hay = "toàn huyện vĩnh long ... ";
        assert!(!address_names_district(
            shipped(),
            "https://bao.vn/vinh-long-phat-trien-2560964",
            hay,
            provinces
        ));
        assert_eq!(compact_name("Đình"), "dinh");
    }

    #[test]
    fn a_title_placing_the_page_in_a_town_makes_a_district_article_unless_the_department_acts() {
        // rule district.title_locality (our words): the town shares the province's name
        let r = crate::extract::tests::res();
        let about_district = |text: &str| {
            let doc = crate::clean::doc_from_text("case", text, None, None, &r.clean, &r.provinces, &r.outlets);
            article(&doc, &crate::text::match_form(&doc.text), &r.lexicon, &r.provinces, &r.clean)
        };
        let body = "\n\nQua kiểm tra 18 đại lý internet, đoàn phát hiện 6 đại lý vi phạm.";
        assert!(about_district(&format!(
            "Kiểm tra các đại lý internet trên địa bàn thị xã Hà Tĩnh{body}"
        )));
        assert!(!about_district(&format!(
            "Sở TT&TT Hà Tĩnh kiểm tra các đại lý internet trên địa bàn huyện Kỳ Anh{body}"
        )));
        assert!(!about_district(&format!("Kiểm tra các đại lý internet tỉnh Hà Tĩnh{body}")));
        assert!(title_names_locality(shipped(), "Phủ sóng 4G tại huyện Mường Tè"));
        assert!(!title_names_locality(shipped(), "Phủ sóng 4G đến các huyện, thị xã"));
        assert!(!title_names_locality(shipped(), "Hội nghị tại thành phố Cần Thơ"));
    }

    #[test]
    fn the_district_pattern_knows_named_districts_and_districts_written_from_inside() {
        for yes in [
            "huyện Hướng Hóa mới đạt",
            "Toàn huyện có",
            "Huyện có 154 trạm",
            "thị xã Ba Đồn có",
            "thành phố Tuy Hòa",
        ] {
            assert!(shipped().district.is_match(yes), "{yes}");
        }
        for no in ["toàn tỉnh có", "các huyện, thị xã", "thành phố trực thuộc"] {
            assert!(!shipped().district.is_match(no), "{no}");
        }
    }
}
