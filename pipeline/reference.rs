//! Reference tables: the 63 provinces with codes, aliases, regions, census populations and
//! the 2025 merger mapping.
//!
//! Input: `data/reference/provinces.csv` (or the copy built into the binary).
//! Output: [`Provinces`], which finds provinces named in text and estimates populations.

use std::path::Path;

use crate::records::ProvinceRef;
use crate::text::{DocHits, Hit, PhraseSet, UnionBuilder};
use crate::{Error, Result};

/// The name used for national figures.
pub const NATIONAL: &str = "Việt Nam";

/// One province of the reference table.
#[derive(Debug, Clone)]
pub struct Province {
    pub code: String,
    pub name: String,
    pub region: String,
    pub population_2009: f64,
    pub population_2019: f64,
    pub merged_2025_into: String,
    /// A centrally governed city (`kind` `thành phố trực thuộc trung ương`): a `thành phố` or
    /// `TP` that names it is no district (rule `district.province_city`).
    pub city: bool,
}

/// Outlets known by the abbreviation that opens their articles (`(BDO) -`, `HGĐT-`).
#[derive(Debug, Default)]
pub struct Outlets {
    /// (abbreviation as written, domain), longest first.
    pub by_abbreviation: Vec<(String, String)>,
    /// Lower-cased abbreviation or name → domain, for [`Outlets::by_name`].
    by_lower: std::collections::HashMap<String, usize>,
    /// Domain → the province a provincial outlet (party paper, radio-TV, portal) belongs to.
    province_by_domain: std::collections::HashMap<String, String>,
}

impl Outlets {
    pub fn parse(csv_text: &str, origin: &Path) -> Result<Self> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(csv_text.as_bytes());
        let mut by_abbreviation = Vec::new();
        let mut province_by_domain = std::collections::HashMap::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| Error::config("outlet table", origin, e))?;
            let (a, d) = (rec.get(0).unwrap_or("").trim(), rec.get(1).unwrap_or("").trim());
            if !a.is_empty() && !d.is_empty() {
                by_abbreviation.push((a.to_string(), d.to_lowercase()));
            }
            let p = rec.get(3).unwrap_or("").trim();
            if !p.is_empty() && !d.is_empty() {
                province_by_domain.insert(d.to_lowercase(), p.to_string());
            }
        }
        by_abbreviation.sort_by_key(|(a, _)| std::cmp::Reverse(a.chars().count()));
        let mut by_lower = std::collections::HashMap::new();
        for (i, (a, _)) in by_abbreviation.iter().enumerate() {
            by_lower.entry(a.to_lowercase()).or_insert(i);
        }
        Ok(Outlets {
            by_abbreviation,
            by_lower,
            province_by_domain,
        })
    }

    /// The province of a provincial outlet, by its host (`m.baothainguyen.vn` → the table's
    /// `baothainguyen.vn`).
    pub fn province_of_host(&self, host: &str) -> Option<&str> {
        let mut h = host;
        loop {
            if let Some(p) = self.province_by_domain.get(h) {
                return Some(p.as_str());
            }
            h = h.split_once('.')?.1;
        }
    }

    /// The domain of an outlet named at the end of a page title (`... | Báo Hà Tĩnh`).
    pub fn by_name(&self, name: &str) -> Option<&str> {
        let i = *self.by_lower.get(&name.trim().to_lowercase())?;
        Some(self.by_abbreviation[i].1.as_str())
    }

    /// The domain of an abbreviation or name written at the start of a line (`(BDO) - ...`,
    /// `HGĐT- ...`, `Báo Kon Tum - Thứ Sáu, ...`).
    pub fn at_line_start(&self, line: &str) -> Option<&str> {
        let t = line.trim_start().trim_start_matches('(').trim_start();
        self.by_abbreviation.iter().find_map(|(a, d)| {
            let rest = t.strip_prefix(a.as_str())?;
            rest.trim_start().starts_with([')', '-', '–', ':']).then_some(d.as_str())
        })
    }
}

/// A population estimate for a year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Population {
    pub value: f64,
    /// The year lies outside the two censuses (2009, 2019).
    pub extrapolated: bool,
}

/// All provinces, with an alias matcher.
#[derive(Debug)]
pub struct Provinces {
    pub rows: Vec<Province>,
    aliases: PhraseSet<usize>,
    /// Names and aliases without spaces, marks or punctuation (`thainguyen`, `tphcm`), five
    /// letters or more: how web hosts spell them.
    compact: std::collections::HashMap<String, usize>,
    /// Each row as a claim names it, made once: a claim's province is a shared reference, not
    /// a copy of two strings.
    refs: Vec<ProvinceRef>,
}

/// `Thái Nguyên` → `thainguyen`, `TP. HCM` → `tphcm`: how web addresses spell a name.
pub(crate) fn compact_name(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.replace(['Đ', 'đ'], "d")
        .nfd()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Provinces {
    pub fn parse(csv_text: &str, origin: &Path) -> Result<Self> {
        let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
        let mut rows = Vec::new();
        let mut alias_items = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| Error::config("province table", origin, e))?;
            let get = |k: usize| rec.get(k).unwrap_or("").trim().to_string();
            let num = |k: usize| -> Result<f64> {
                get(k)
                    .parse::<f64>()
                    .map_err(|e| Error::config("province table", origin, format!("row {}: column {k}: {e}", i + 2)))
            };
            let p = Province {
                code: get(0),
                name: get(1),
                region: get(5),
                population_2009: num(6)?,
                population_2019: num(7)?,
                merged_2025_into: get(8),
                city: get(3) == "thành phố trực thuộc trung ương",
            };
            let idx = rows.len();
            alias_items.push((p.name.clone(), idx));
            alias_items.push((get(2), idx));
            for a in get(4).split('|').filter(|a| !a.trim().is_empty()) {
                alias_items.push((a.trim().to_string(), idx));
            }
            rows.push(p);
        }
        if rows.is_empty() {
            return Err(Error::config("province table", origin, "no rows"));
        }
        let mut compact = std::collections::HashMap::new();
        for (alias, idx) in &alias_items {
            let c = compact_name(alias);
            if c.len() >= 5 {
                compact.entry(c).or_insert(*idx);
            }
        }
        let refs = rows
            .iter()
            .map(|p| ProvinceRef {
                name: p.name.as_str().into(),
                code: p.code.as_str().into(),
            })
            .collect();
        Ok(Provinces {
            rows,
            aliases: PhraseSet::new(alias_items),
            compact,
            refs,
        })
    }

    /// Rule `district.portal`: how many labels a government host has before the province's own
    /// label (`xuantruc.anthi.hungyen.gov.vn`: 2, a commune's portal under a district's;
    /// `sotttt.thainguyen.gov.vn`: 1; `hungyen.gov.vn`: 0). None for a host that is no
    /// province's `.gov.vn` portal. `host` is lower case (`clean::url_host`).
    pub fn labels_below_province(&self, host: &str) -> Option<usize> {
        let labels: Vec<&str> = host.strip_suffix(".gov.vn")?.split('.').collect();
        let at = labels.iter().rposition(|l| self.compact.contains_key(*l))?;
        (at + 1 == labels.len()).then_some(at)
    }

    /// Rule `province.outlet_domain`: the province a web host belongs to, read from the host's
    /// labels: the province's name without spaces and diacritics, alone or after `bao` (party
    /// paper), `dai`/`ptth`/`truyenhinh` (radio-TV), or before `tv`/`online`/`dientu`/`city`.
    /// Examples: `baothainguyen.vn`, `stttt.quangninh.gov.vn`, `thaibinhtv.vn` → their
    /// provinces; `vietnamnet.vn`, `baochinhphu.vn` → none.
    pub fn by_host(&self, host: &str) -> Option<usize> {
        // (`thongkequangngai.com`, `cucthongke...`: the provincial statistics office, which
        // publishes the yearbook)
        const PREFIXES: [&str; 7] = ["bao", "dai", "ptth", "truyenhinh", "cucthongke", "thongke", ""];
        const SUFFIXES: [&str; 5] = ["tv", "online", "dientu", "city", ""];
        for label in host.to_ascii_lowercase().split('.') {
            for pre in PREFIXES {
                let Some(rest) = label.strip_prefix(pre) else { continue };
                for suf in SUFFIXES {
                    if let Some(core) = rest.strip_suffix(suf)
                        && let Some(&i) = self.compact.get(core)
                    {
                        return Some(i);
                    }
                }
            }
        }
        None
    }

    /// Rule `province.url_section`: the province a national portal's section is for, read from
    /// a whole path segment that is the province's name without spaces and diacritics
    /// (`vietnam.vn/laocai/phat-trien-ha-tang-...` → Lào Cai). Words of a headline's slug
    /// (`/lao-cai-phat-trien-...`) are read elsewhere, with the text.
    pub fn by_url_section(&self, url: &str) -> Option<usize> {
        let mut segments = crate::clean::url_path(url).split('/').filter(|s| !s.is_empty()).peekable();
        while let Some(seg) = segments.next() {
            // (the last segment is the page itself, not a section)
            if segments.peek().is_none() {
                break;
            }
            if let Some(&i) = self.compact.get(seg.to_ascii_lowercase().as_str()) {
                return Some(i);
            }
        }
        None
    }

    /// Every province name or alias found in `hay` (match form), longest first at each place.
    pub fn find_all<'a>(&'a self, hay: &str) -> Vec<Hit<'a, usize>> {
        Self::longest(self.aliases.find_all(hay))
    }

    /// What `find_all(&hay[s..e])` finds, answered from the document's scan (rule `scan.once`)
    /// when the aliases are enrolled in it; `hay` is the document's match form.
    pub fn find_in<'a>(&'a self, hay: &str, doc: &DocHits, s: usize, e: usize) -> Vec<Hit<'a, usize>> {
        Self::longest(self.aliases.find_in(hay, doc, s, e))
    }

    /// Whether [`Provinces::find_in`] finds any province (with no vector made).
    pub fn any_in(&self, hay: &str, doc: &DocHits, s: usize, e: usize) -> bool {
        self.aliases.any_in(hay, doc, s, e)
    }

    /// Put the aliases into the document scan, beside the lexicon's phrase sets.
    pub(crate) fn enroll(&mut self, union: &mut UnionBuilder) {
        self.aliases.enroll(union);
    }

    fn longest(mut hits: Vec<Hit<'_, usize>>) -> Vec<Hit<'_, usize>> {
        // keep only the longest alias at each start, and drop hits inside a longer one
        hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        let mut out: Vec<Hit<usize>> = Vec::new();
        for h in hits {
            if out.last().is_some_and(|l| h.start < l.end) {
                continue;
            }
            out.push(h);
        }
        out
    }

    /// Rule `province.given`: the province a caller states for a document (the JSONL `province`
    /// field, the Python `province=` column), read as a GSO code (`01`, `1`), a name or any alias
    /// (`TP.HCM`, `Ha Noi`, `hochiminh`), or the country (`Việt Nam`, `VN`, `national`). Anything
    /// else is None: the caller warns and the text decides. Example: `tp hcm` → TP Hồ Chí Minh.
    pub fn resolve(&self, given: &str) -> Option<ProvinceRef> {
        let g = given.trim();
        if g.is_empty() {
            return None;
        }
        let c = compact_name(g);
        if ["vietnam", "vn", "national", "toanquoc", "canuoc"].contains(&c.as_str()) {
            return Some(ProvinceRef {
                name: NATIONAL.into(),
                code: "".into(),
            });
        }
        if g.bytes().all(|b| b.is_ascii_digit()) {
            let n: u32 = g.parse().ok()?;
            return self
                .rows
                .iter()
                .position(|p| p.code.parse::<u32>() == Ok(n))
                .map(|i| self.reference(i));
        }
        let hay = crate::text::match_form(g);
        let whole = self
            .find_all(&hay)
            .into_iter()
            .find(|h| h.start == 0 && h.end == hay.len())
            .map(|h| *h.tag);
        whole.or_else(|| self.compact.get(&c).copied()).map(|i| self.reference(i))
    }

    pub fn by_name(&self, name: &str) -> Option<&Province> {
        self.rows.iter().find(|p| p.name == name)
    }

    pub fn reference(&self, idx: usize) -> ProvinceRef {
        self.refs[idx].clone()
    }

    /// Population of a province in a year: linear between the 2009 and 2019 censuses,
    /// extrapolated with the same slope outside them (and marked so). The country's
    /// ([`NATIONAL`]) is the sum of its provinces' (85.8 million in 2009, 96.2 million in 2019).
    pub fn population(&self, name: &str, year: i32) -> Option<Population> {
        let at = |p: &Province| p.population_2009 + (p.population_2019 - p.population_2009) / 10.0 * f64::from(year - 2009);
        let value = if name == NATIONAL {
            (!self.rows.is_empty()).then(|| self.rows.iter().map(at).sum::<f64>())?
        } else {
            at(self.by_name(name)?)
        };
        Some(Population {
            value: value.max(1.0),
            extrapolated: !(2009..=2019).contains(&year),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::match_form;

    fn provinces() -> Provinces {
        Provinces::parse(include_str!("../data/reference/provinces.csv"), Path::new("provinces.csv")).unwrap()
    }

    #[test]
    fn the_countrys_population_is_its_provinces() {
        let p = provinces();
        let vn = p.population(NATIONAL, 2019).unwrap().value;
        assert!((96e6..96.5e6).contains(&vn), "{vn}");
        let hn = p.population("Hà Nội", 2019).unwrap().value;
        assert!((8.0e6..8.1e6).contains(&hn), "{hn}");
        assert!(p.population("Atlantis", 2019).is_none());
    }

    #[test]
    fn finds_provinces_under_their_aliases() {
        let p = provinces();
        for (text, want) in [
            ("Sở TT&TT tỉnh Đak Nông", "Đắk Nông"),
            ("tỉnh Thanh Hoá", "Thanh Hóa"),
            ("QUẢNG NINH", "Quảng Ninh"),
            ("tại TP.HCM", "TP Hồ Chí Minh"),
        ] {
            let hay = match_form(text);
            let hits = p.find_all(&hay);
            assert_eq!(hits.len(), 1, "{text}");
            assert_eq!(p.rows[*hits[0].tag].name, want, "{text}");
        }
    }

    #[test]
    fn a_stated_province_resolves_by_code_name_alias_or_country() {
        let p = provinces();
        let name = |g: &str| p.resolve(g).map(|r| r.name);
        for (given, want) in [
            ("01", Some("Hà Nội")),
            ("1", Some("Hà Nội")),
            ("Thanh Hoá", Some("Thanh Hóa")),
            ("tp hcm", Some("TP Hồ Chí Minh")),
            ("Ha Noi", Some("Hà Nội")),
            ("thainguyen", Some("Thái Nguyên")),
            ("Việt Nam", Some(NATIONAL)),
            ("VN", Some(NATIONAL)),
            ("Hà Nội và Hải Phòng", None),
            ("Atlantis", None),
            ("999", None),
            ("  ", None),
        ] {
            assert_eq!(name(given).as_deref(), want, "{given}");
        }
    }

    #[test]
    fn portals_below_a_province_count_their_levels() {
        // rule district.portal (invented hosts of the real shape)
        let p = provinces();
        for (host, want) in [
            ("binhminh.tamduong.vinhphuc.gov.vn", Some(2)),
            ("tamduong.vinhphuc.gov.vn", Some(1)),
            ("sotttt.thainguyen.gov.vn", Some(1)),
            ("vinhphuc.gov.vn", Some(0)),
            ("www.vinhphuc.gov.vn", Some(1)),
            // no province's portal
            ("mic.gov.vn", None),
            ("baovinhphuc.com.vn", None),
            ("vinhphuc.example.vn", None),
        ] {
            assert_eq!(p.labels_below_province(host), want, "{host}");
        }
    }

    #[test]
    fn a_portal_section_names_its_province() {
        let p = provinces();
        let name = |u: &str| p.by_url_section(u).map(|i| p.rows[i].name.clone());
        for (url, want) in [
            ("https://vietnam.vn/laocai/phat-trien-ha-tang-vien-thong", Some("Lào Cai")),
            ("https://example.vn/tin-tuc/quangninh/so-thue-bao-tang", Some("Quảng Ninh")),
            // a headline's words, the page itself, a host: no section
            ("https://example.vn/tin-tuc/lao-cai-phat-trien-ha-tang", None),
            ("https://example.vn/tin-tuc/laocai", None),
            ("https://baolaocai.vn/tin-tuc/ha-tang", None),
        ] {
            assert_eq!(name(url).as_deref(), want, "{url}");
        }
    }

    #[test]
    fn web_hosts_name_their_province() {
        let p = provinces();
        let name = |h: &str| p.by_host(h).map(|i| p.rows[i].name.clone());
        for (host, want) in [
            ("m.baothainguyen.vn", Some("Thái Nguyên")),
            ("stttt.quangninh.gov.vn", Some("Quảng Ninh")),
            ("thaibinhtv.vn", Some("Thái Bình")),
            ("www.baobacninh.com.vn", Some("Bắc Ninh")),
            ("hochiminhcity.gov.vn", Some("TP Hồ Chí Minh")),
            // the provincial statistics office, which publishes the yearbook
            ("thongkequangngai.com", Some("Quảng Ngãi")),
            ("vietnamnet.vn", None),
            ("baochinhphu.vn", None),
            ("mic.gov.vn", None),
            ("cafef.vn", None),
        ] {
            assert_eq!(name(host).as_deref(), want, "{host}");
        }
    }

    #[test]
    fn population_interpolates_between_censuses_and_marks_extrapolation() {
        let p = provinces();
        let na = p.by_name("Nghệ An").unwrap().clone();
        assert_eq!(p.population("Nghệ An", 2009).unwrap().value, na.population_2009);
        assert_eq!(p.population("Nghệ An", 2019).unwrap().value, na.population_2019);
        let mid = p.population("Nghệ An", 2014).unwrap();
        assert!(mid.value > na.population_2009 && mid.value < na.population_2019);
        assert!(!mid.extrapolated);
        assert!(p.population("Nghệ An", 2022).unwrap().extrapolated);
    }
}
