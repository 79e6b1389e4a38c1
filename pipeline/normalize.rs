//! Normalize: metric mentions → [`Fact`]s in the catalog's canonical units, checked.
//!
//! Input: one document's mentions, its cleaned text and metadata, the catalog and the province
//! table. Output: one fact per distinct figure (metric, value, range, period, status), with
//! code-point spans, and flags where the document itself is suspect: `malformed_number`
//! (digits that follow no grouping), `implausible` (a count that its province's population or
//! the document's own density cannot allow, or a value above the metric's plausible maximum),
//! `words_mismatch` (digits and words disagree). Flagged figures are kept, never "fixed".
//! It also turns the document and its mentions into their output rows ([`document_row`],
//! [`mention_rows`]): code-point spans, and the region and 2025 province of the document's
//! province from the reference table.

use crate::catalog::Catalog;
use crate::records::{CleanDoc, DocumentRow, Fact, Flag, Mention, MentionKind, MentionRow, UnitKind};
use crate::reference::Provinces;
use crate::text::CharIndex;

/// What normalize did to one document.
#[derive(Debug, Default, Clone, Copy)]
pub struct NormalizeReport {
    pub facts: usize,
    pub duplicates: usize,
    pub flagged: usize,
}

fn fmt_vn(v: f64) -> String {
    let dec = if v.fract().abs() > 1e-9 { 1 } else { 0 };
    crate::extract::number_format::format_digits(v, dec)
}

/// A document's mentions as `mentions` rows: the code-point span of each.
pub fn mention_rows(mentions: Vec<Mention>, idx: &CharIndex) -> Vec<MentionRow> {
    mentions
        .into_iter()
        .map(|m| MentionRow {
            char_start: idx.char_of(m.start),
            char_end: idx.char_of(m.end),
            mention: m,
        })
        .collect()
}

/// A document's `documents` row: its length in code points (`n_chars`, from the document's
/// [`CharIndex`]), its counts, and the region and 2025 province of its province.
pub fn document_row(doc: CleanDoc, n_chars: usize, n_mentions: usize, n_facts: usize, provinces: &Provinces) -> DocumentRow {
    let pref = doc.meta.province.as_ref().and_then(|p| provinces.by_name(&p.name));
    DocumentRow {
        region: pref.map(|p| p.region.clone()),
        province_2025: pref.map(|p| p.merged_2025_into.clone()),
        n_chars,
        n_mentions,
        n_facts,
        clean: doc,
    }
}

/// Turn one document's metric mentions into facts.
pub fn normalize(
    doc: &CleanDoc,
    mentions: &[Mention],
    catalog: &Catalog,
    provinces: &Provinces,
    idx: &CharIndex,
) -> (Vec<Fact>, NormalizeReport) {
    let mut report = NormalizeReport::default();
    let mut facts: Vec<Fact> = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    // figures read again from the other figures of their sentence (a missing scale word first)
    let rereads: Vec<Reread> = missing_scales(doc, mentions)
        .into_iter()
        .chain(sum_separators(doc, mentions))
        .collect();
    for (mi, m) in mentions.iter().enumerate().filter(|(_, m)| m.kind == MentionKind::Metric) {
        let (Some(claim), Some(written)) = (&m.claim, m.value) else {
            continue;
        };
        let reread = rereads.iter().find(|r| r.mention == mi);
        let value = reread.map_or(written, |r| r.value(written));
        let Some(metric) = catalog.get(&claim.metric) else { continue };
        let key = (
            claim.metric.as_str(),
            value.to_bits(),
            m.value_high.map(f64::to_bits),
            m.of.map(f64::to_bits),
            claim.period,
            claim.status,
            // the same rank or count of two provinces (`Hải Phòng đứng thứ 2` in one year, `Hà
            // Nội xếp hạng hai` in another list) is two figures, not a restatement
            claim.province.as_ref().map(|p| &*p.name),
        );
        if !seen.insert(key) {
            report.duplicates += 1;
            continue;
        }
        let s = doc.sentences[m.sentence];
        let mut fact = Fact {
            doc: doc.doc.clone(),
            metric: metric.id.clone(),
            tier: metric.tier.clone(),
            value,
            value_high: m.value_high,
            of: m.of,
            unit: metric.unit.clone(),
            province: claim.province.clone(),
            period: claim.period,
            basis: claim.basis,
            status: claim.status,
            bound: claim.bound,
            converted: claim.converted,
            flag: None,
            flag_reason: None,
            growth_pct: claim.growth_pct,
            plan_share_pct: claim.plan_share_pct,
            raw: doc.text[m.start..m.end].to_string(),
            sentence_index: m.sentence,
            sentence: doc.text[s.start..s.end].to_string(),
            char_start: idx.char_of(m.start),
            char_end: idx.char_of(m.end),
            published: doc.meta.published.or(doc.meta.event_date),
        };
        if let Some(r) = reread {
            let total = &doc.text[mentions[r.total].start..mentions[r.total].end];
            let (flag, reason) = match r.reading {
                Reading::MissingScale(_) => (
                    Flag::MissingScale,
                    format!(
                        "`{}` has no scale word; read as {} as a part of the total `{total}` it follows",
                        fact.raw,
                        fmt_vn(value)
                    ),
                ),
                Reading::DecimalDot => (
                    Flag::MalformedNumber,
                    format!(
                        "`{}` read with its dot as a decimal point, {}: only so do the parts of `{total}` add up to it (rule number.sum_separator)",
                        fact.raw,
                        fmt_vn(value)
                    ),
                ),
            };
            fact.flag = Some(flag);
            fact.flag_reason = Some(reason);
        } else if m.malformed {
            fact.flag = Some(Flag::MalformedNumber);
            fact.flag_reason = Some(format!(
                "`{}` does not group its digits in threes; best reading {}",
                fact.raw,
                fmt_vn(value)
            ));
        } else if let Some(w) = claim.words_mismatch {
            fact.flag = Some(Flag::WordsMismatch);
            fact.flag_reason = Some(format!("written {} in digits but {} in words", fmt_vn(value), fmt_vn(w)));
        } else if let Some(max) = metric.max
            && value > max
            && !(metric.unit_kind == UnitKind::Percent && metric.id.ends_with("growth_pct"))
        {
            match last_dot_as_decimal(digits_of(doc, m), value, max) {
                // rule `number.last_dot_decimal`: see [`last_dot_as_decimal`]
                Some(read) => {
                    fact.flag = Some(Flag::MalformedNumber);
                    fact.flag_reason = Some(format!(
                        "`{}` is {}, above the plausible maximum {} for {}; read with its last dot as the decimal mark, {} (rule number.last_dot_decimal)",
                        fact.raw,
                        fmt_vn(value),
                        fmt_vn(max),
                        metric.id,
                        fmt_vn(read)
                    ));
                    fact.value = read;
                }
                None => {
                    fact.flag = Some(Flag::Implausible);
                    fact.flag_reason = Some(format!(
                        "{} is above the plausible maximum {} for {}",
                        fmt_vn(value),
                        fmt_vn(max),
                        metric.id
                    ));
                }
            }
        }
        facts.push(fact);
    }
    report.duplicates += drop_rounded_headlines(doc, &mut facts);
    national_scale(&mut facts, catalog, provinces);
    check_per_capita(&mut facts, catalog, provinces);
    report.facts = facts.len();
    report.flagged = facts.iter().filter(|f| f.flag.is_some()).count();
    (facts, report)
}

/// A headline that rounds a figure the article states exactly (`Xử phạt trên 300 triệu đồng` over
/// `... với số tiền 301,25 triệu đồng`) restates it: the precise figure is the fact. Returns how
/// many headline facts were dropped.
fn drop_rounded_headlines(doc: &CleanDoc, facts: &mut Vec<Fact>) -> usize {
    let Some(title) = doc.meta.title.as_deref().map(str::trim) else {
        return 0;
    };
    let is_title = |f: &Fact| {
        doc.sentences
            .get(f.sentence_index)
            .is_some_and(|s| s.paragraph == 0 && doc.text[s.start..s.end].trim() == title)
    };
    let before = facts.len();
    // (a headline with no bound word rounds too when it writes fewer digits: `Việt Nam có 51,1
    // triệu thuê bao di động băng rộng` over `... là 51.128.599 thuê bao`)
    let restated: Vec<bool> = facts
        .iter()
        .map(|h| {
            is_title(h)
                && facts.iter().any(|f| {
                    !is_title(f)
                        && f.metric == h.metric
                        && f.status == h.status
                        && f.period == h.period
                        && f.province.as_ref().map(|p| &p.name) == h.province.as_ref().map(|p| &p.name)
                        && if h.bound.is_some() {
                            (f.value - h.value).abs() <= 0.1 * h.value.abs()
                        } else {
                            rounds(&h.raw, h.value, f.value)
                        }
                })
        })
        .collect();
    let mut i = 0;
    facts.retain(|_| {
        i += 1;
        !restated[i - 1]
    });
    before - facts.len()
}

/// Whether a headline figure (`rounded`, written `raw`) writes `exact` with fewer digits (`51,1
/// triệu` for `51.128.599`): within half a unit of its last written digit, and not the same
/// number. The unit comes from the digits as written (`100%` is exact to the unit, `51,1 triệu`
/// to a hundred thousand).
fn rounds(raw: &str, rounded: f64, exact: f64) -> bool {
    if rounded <= 0.0 || exact <= 0.0 || (rounded - exact).abs() < 1e-9 * exact {
        return false;
    }
    let digits: String = raw
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
        .collect();
    let decimals = digits.rfind(',').map_or(0, |k| digits.len() - k - 1) as i32;
    let Ok(written) = digits.replace('.', "").replace(',', ".").parse::<f64>() else {
        return false;
    };
    if written <= 0.0 {
        return false;
    }
    let unit = rounded / written * 10f64.powi(-decimals);
    (exact - rounded).abs() <= unit / 2.0
}

/// A figure read again from the other figures of its sentence, and flagged so: the document's
/// own slip, reported, not hidden.
struct Reread {
    mention: usize,
    reading: Reading,
    /// the total whose parts decided the reading
    total: usize,
}

enum Reading {
    /// rule `number.part_scale`: the total's scale word, left out
    MissingScale(f64),
    /// rule `number.sum_separator`: the dot is a decimal point
    DecimalDot,
}

impl Reread {
    fn value(&self, written: f64) -> f64 {
        match self.reading {
            Reading::MissingScale(k) => written * k,
            Reading::DecimalDot => written / 1000.0,
        }
    }
}

/// The digits a figure is written with (`1.644` of `1.644 tỷ đồng`).
fn digits_of<'a>(doc: &'a CleanDoc, m: &Mention) -> &'a str {
    doc.text[m.start..m.end].split_whitespace().next().unwrap_or("")
}

/// Rule `number.part_scale`: a count written with decimals and no scale word after a total of
/// the same unit in its sentence (`158,8 triệu thuê bao, bao gồm 142,4 thuê bao di động và 16,4
/// thuê bao cố định`) is a part of that total whose scale word was left out: no count of
/// subscribers has a fraction. It is read with the total's scale when that keeps it within the
/// total, and flagged `missing_scale` (the document's own slip, reported, not hidden).
fn missing_scales(doc: &CleanDoc, mentions: &[Mention]) -> Vec<Reread> {
    // the scale the figure's words applied (`158,8 triệu` → 1e6, `142,4` → 1): its value over
    // the value of its digits alone, so every scale word of the lexicon counts
    let scale_of = |m: &Mention| {
        let bare = crate::extract::number::parse_digits(digits_of(doc, m))?.value;
        let value = m.value?;
        (bare != 0.0).then(|| (value / bare).round())
    };
    let counts = |m: &Mention| matches!(m.unit_kind, Some(UnitKind::Subscribers | UnitKind::Stations));
    let mut out = Vec::new();
    for (i, m) in mentions.iter().enumerate() {
        let Some(v) = m.value.filter(|v| v.fract() != 0.0 && *v < 1000.0) else {
            continue;
        };
        if m.kind != MentionKind::Metric || !counts(m) || scale_of(m) != Some(1.0) {
            continue;
        }
        let total = mentions[..i]
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, t)| t.sentence == m.sentence && t.kind == MentionKind::Metric && t.unit_kind == m.unit_kind)
            .find_map(|(ti, t)| Some((ti, scale_of(t).filter(|k| *k >= 1000.0)?, t.value?)));
        if let Some((ti, k, tv)) = total
            && v * k <= tv * 1.001
        {
            out.push(Reread {
                mention: i,
                reading: Reading::MissingScale(k),
                total: ti,
            });
        }
    }
    out
}

/// Rule `number.sum_separator`: amounts of money in one sentence, a total and two or more parts
/// after it, where a figure with a single dot group (`132.967 tỷ`) must have a decimal point,
/// not a thousands dot, for the parts to add up to the total: `Tổng doanh thu đạt 132.967 tỷ
/// đồng (trong đó bưu chính 1.644 tỷ đồng, viễn thông 131,323 tỷ đồng)` is 132,967 billion =
/// 1,644 + 131,323. Read so and flagged `malformed_number` (the document mixed its separators:
/// reported, not hidden). The reading that changes the fewest figures wins; the sum as written
/// must not already hold.
fn sum_separators(doc: &CleanDoc, mentions: &[Mention]) -> Vec<Reread> {
    const TOLERANCE: f64 = 0.0005;
    // one dot and three digits after it: the only grouping a decimal point can hide
    let one_dot_group = |m: &Mention| {
        let (a, b) = digits_of(doc, m).split_once('.').unwrap_or(("", ""));
        (1..=3).contains(&a.len()) && b.len() == 3 && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
    };
    let money: Vec<usize> = (0..mentions.len())
        .filter(|&i| mentions[i].kind == MentionKind::Metric && mentions[i].unit_kind == Some(UnitKind::Vnd) && mentions[i].value.is_some())
        .collect();
    let mut out = Vec::new();
    for sentence in money.chunk_by(|&a, &b| mentions[a].sentence == mentions[b].sentence) {
        // few enough figures to try every reading
        if sentence.len() < 3 || sentence.len() > 6 {
            continue;
        }
        // a total and the two or more figures right after it (`..., và nộp ngân sách 8,4 tỷ`
        // after the parts is no part)
        let runs = (0..sentence.len()).flat_map(|t| (t + 3..=sentence.len()).map(move |e| &sentence[t..e]));
        for group in runs {
            let value = |i: usize, decimal: bool| mentions[i].value.unwrap_or(0.0) / if decimal { 1000.0 } else { 1.0 };
            let adds_up = |mask: u32| {
                let read = |k: usize| value(group[k], mask & (1 << k) != 0);
                let total = read(0);
                let parts: f64 = (1..group.len()).map(read).sum();
                total > 0.0 && (total - parts).abs() <= TOLERANCE * total
            };
            if adds_up(0) {
                break;
            }
            let ambiguous: u32 = (0..group.len())
                .filter(|&k| one_dot_group(&mentions[group[k]]))
                .map(|k| 1 << k)
                .sum();
            let best = (1..1u32 << group.len())
                .filter(|mask| mask & !ambiguous == 0 && adds_up(*mask))
                .min_by_key(|mask| mask.count_ones());
            if let Some(mask) = best {
                out.extend((0..group.len()).filter(|k| mask & (1 << k) != 0).map(|k| Reread {
                    mention: group[k],
                    reading: Reading::DecimalDot,
                    total: group[0],
                }));
                break;
            }
        }
    }
    out
}

/// Rule `province.national_scale`: a document that names no province, with a count no province
/// could hold (more per 100 inhabitants of the most populous province than the catalog's
/// `per_capita_max`: `86,28 triệu thuê bao băng rộng`), reports the country's figures: its facts
/// without a province are `Việt Nam`'s. A document of smaller counts stays unattributed.
fn national_scale(facts: &mut [Fact], catalog: &Catalog, provinces: &Provinces) {
    let largest = provinces
        .rows
        .iter()
        .map(|p| p.population_2019.max(p.population_2009))
        .fold(0.0, f64::max);
    if largest <= 0.0 || facts.iter().all(|f| f.province.is_some()) {
        return;
    }
    let national = facts.iter().any(|f| {
        f.province.is_none()
            && catalog
                .get(&f.metric)
                .and_then(|m| m.per_capita_max)
                .is_some_and(|pc| f.value * 100.0 / largest > pc)
    });
    if national {
        for f in facts.iter_mut().filter(|f| f.province.is_none()) {
            f.province = Some(crate::records::ProvinceRef {
                name: crate::reference::NATIONAL.into(),
                code: "".into(),
            });
        }
    }
}

/// Rule `number.last_dot_decimal`: a figure above its metric's plausible maximum whose digits
/// come in dot groups (`1.357.880 tỷ đồng` for a province's nine months of telecom revenue, more
/// than the whole country's year; `107.490 nghìn tỷ` for the country's ten months, a hundred
/// times the world's) is read with its last dot as the decimal mark (`1.357,880 tỷ`, `107,490
/// nghìn tỷ`), when that reading is plausible; the fact is flagged `malformed_number` with
/// both readings, never silently changed. None when the figure is not so written, or the other
/// reading is implausible too.
fn last_dot_as_decimal(digits: &str, value: f64, max: f64) -> Option<f64> {
    let groups: Vec<&str> = digits.split('.').collect();
    let grouped = groups.len() >= 2
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && digits.bytes().all(|c| c.is_ascii_digit() || c == b'.');
    let read = value / 1000.0;
    (grouped && read <= max).then_some(read)
}

/// A document's positive figures by (metric, period, province name), in the facts' order.
type FiguresBy<'f> = rustc_hash::FxHashMap<(&'f str, crate::records::Period, &'f str), Vec<f64>>;

/// A count of subscribers cannot exceed what the province's people (and the document's own
/// density) allow: flag it `implausible`, naming the figure it contradicts.
fn check_per_capita(facts: &mut [Fact], catalog: &Catalog, provinces: &Provinces) {
    // (the flags are decided over the facts as they are, then set: a flag changes no value,
    // metric, period or province the densities are looked up by)
    let mut flags: Vec<(usize, String)> = Vec::new();
    // the document's positive figures by (metric, period, province), in the facts' order: made
    // once, at the first count that asks, where each count searched every fact (a long text of
    // tens of thousands of facts took quadratic time)
    let mut densities: Option<FiguresBy<'_>> = None;
    for (i, fact) in facts.iter().enumerate() {
        if fact.flag.is_some() {
            continue;
        }
        let Some(metric) = catalog.get(&fact.metric) else { continue };
        let Some(pc_max) = metric.per_capita_max else { continue };
        // a flow (added during the period) is no level: it cannot be compared with a density
        if fact.basis == Some(crate::records::Basis::Flow) {
            continue;
        }
        let (Some(prov), Some(period)) = (&fact.province, fact.period) else {
            continue;
        };
        let Some(pop) = provinces.population(&prov.name, period.year) else {
            continue;
        };
        let count = fact.value;
        let per100 = count * 100.0 / pop.value;
        // (of the document's densities of the count's metric, period and province, the one that
        // agrees best with the census: `36,28 triệu thuê bao băng rộng, tỷ lệ 40,1 thuê bao/100
        // dân` beside a fixed broadband density of 8 agrees with the 40,1; of equal ones, the
        // first)
        let misfit = |d: f64| (count * 100.0 / d / pop.value).ln().abs();
        let density = metric.density_of.as_ref().and_then(|d| {
            let index = densities.get_or_insert_with(|| {
                let mut index = rustc_hash::FxHashMap::default();
                for f in facts.iter().filter(|f| f.value > 0.0) {
                    if let (Some(p), Some(period)) = (&f.province, f.period) {
                        index
                            .entry((f.metric.as_str(), period, &*p.name))
                            .or_insert_with(Vec::new)
                            .push(f.value);
                    }
                }
                index
            });
            index
                .get(&(d.as_str(), period, &*prov.name))?
                .iter()
                .copied()
                .min_by(|a, b| misfit(*a).total_cmp(&misfit(*b)))
        });
        let mut reason = None;
        if per100 > pc_max {
            let mut r = format!(
                "{} {} is {:.0} per 100 inhabitants of {} (population about {} in {}), above the plausible {}",
                fmt_vn(count),
                metric.unit,
                per100,
                prov.name,
                fmt_vn((pop.value / 1000.0).round() * 1000.0),
                period.year,
                pc_max
            );
            if let Some(d) = density {
                let implied = d * pop.value / 100.0;
                r.push_str(&format!(
                    "; the document's own density of {} per 100 implies about {} {}, so the count is off by a factor of {:.1}",
                    fmt_vn(d),
                    fmt_vn((implied / 1000.0).round() * 1000.0),
                    metric.unit,
                    count / implied
                ));
            }
            reason = Some(r);
        } else if let Some(d) = density {
            let implied_pop = count * 100.0 / d;
            let ratio = implied_pop / pop.value;
            if !(1.0 / 3.0..=3.0).contains(&ratio) {
                reason = Some(format!(
                    "{} {} with a stated density of {} per 100 implies a population of {}, but {} had about {} in {}",
                    fmt_vn(count),
                    metric.unit,
                    fmt_vn(d),
                    fmt_vn(implied_pop.round()),
                    prov.name,
                    fmt_vn((pop.value / 1000.0).round() * 1000.0),
                    period.year
                ));
            }
        }
        if let Some(r) = reason {
            flags.push((i, r));
        }
    }
    for (i, r) in flags {
        facts[i].flag = Some(Flag::Implausible);
        facts[i].flag_reason = Some(r);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::Resources;
    use crate::records::{Flag, Period};
    use crate::reference::Provinces;
    use crate::text::CharIndex;

    fn facts_of(text: &str, province: &str, period: &str) -> Vec<crate::records::Fact> {
        let r = Resources::load(Some(Path::new("schemas")), Some(Path::new("data/reference/provinces.csv"))).unwrap();
        let p: &Provinces = &r.provinces;
        let idx = p.rows.iter().position(|x| x.name == province).unwrap();
        let doc = crate::clean::doc_from_text(
            "t",
            text,
            Some(p.reference(idx)),
            Period::parse(period),
            &r.clean,
            &r.provinces,
            &r.outlets,
        );
        let (mentions, _) = crate::extract::extract_scoped(&doc, &r, Some(crate::extract::Scope::open()), None);
        super::normalize(&doc, &mentions, &r.catalog, &r.provinces, &CharIndex::new(&doc.text)).0
    }

    fn facts_without_province(text: &str) -> Vec<crate::records::Fact> {
        let r = Resources::load(Some(Path::new("schemas")), Some(Path::new("data/reference/provinces.csv"))).unwrap();
        let doc = crate::clean::doc_from_text("t", text, None, Period::parse("2021"), &r.clean, &r.provinces, &r.outlets);
        let (mentions, _) = crate::extract::extract_scoped(&doc, &r, Some(crate::extract::Scope::open()), None);
        super::normalize(&doc, &mentions, &r.catalog, &r.provinces, &CharIndex::new(&doc.text)).0
    }

    #[test]
    fn a_page_without_province_with_a_count_no_province_holds_is_national() {
        // rule province.national_scale (invented figures)
        let national = facts_without_province("Số thuê bao băng rộng đạt 80,5 triệu thuê bao. Tỷ lệ hộ gia đình dùng cáp quang đạt 70%.");
        assert_eq!(national.len(), 2);
        assert!(national.iter().all(|f| f.province.as_ref().map(|p| &*p.name) == Some("Việt Nam")));
        let unknown = facts_without_province("Số thuê bao băng rộng đạt 805.000 thuê bao. Tỷ lệ hộ gia đình dùng cáp quang đạt 70%.");
        assert_eq!(unknown.len(), 2);
        assert!(unknown.iter().all(|f| f.province.is_none()));
    }

    #[test]
    fn impossible_values_and_counts_their_province_cannot_hold_are_flagged_not_dropped() {
        let cases: &[(&str, &str, f64, Option<Flag>, &str)] = &[
            // a density no population has
            (
                "Mật độ điện thoại đạt 900 máy/100 dân.",
                "telephone_density",
                900.0,
                Some(Flag::Implausible),
                "plausible maximum",
            ),
            // a share above 100 %
            (
                "Tỷ lệ cán bộ, công chức có máy vi tính đạt 130%.",
                "civil_servants_with_computers_pct",
                130.0,
                Some(Flag::Implausible),
                "plausible maximum",
            ),
            // ten times what the density and the census allow
            (
                "Thuê bao điện thoại đạt 40.532.154 thuê bao, mật độ 154,5 thuê bao/100 dân.",
                "telephone_subscribers",
                40_532_154.0,
                Some(Flag::Implausible),
                "154,5",
            ),
            // of two densities the document states, the one that fits the census decides
            (
                "Thuê bao băng rộng cố định đạt 280.000 thuê bao, tỷ lệ 8 thuê bao/100 dân. Tổng số thuê bao băng rộng đạt 1.400.000 thuê bao, tỷ lệ 40,1 thuê bao/100 dân.",
                "broadband_subscribers",
                1_400_000.0,
                None,
                "",
            ),
            // consistent figures are not flagged
            (
                "Thuê bao điện thoại đạt 4.053.215 thuê bao, mật độ 130 thuê bao/100 dân.",
                "telephone_subscribers",
                4_053_215.0,
                None,
                "",
            ),
            // digits that group in no convention
            (
                "Tổng số thuê bao Internet băng rộng là 73.0000 thuê bao.",
                "broadband_subscribers",
                73_000.0,
                Some(Flag::MalformedNumber),
                "73.0000",
            ),
            // a part written without its total's scale (rule number.part_scale)
            (
                "Cả nước có 120,6 triệu thuê bao điện thoại, bao gồm 110,2 thuê bao di động và 10,4 thuê bao cố định.",
                "mobile_subscribers",
                110_200_000.0,
                Some(Flag::MissingScale),
                "120,6 triệu",
            ),
            // a whole count needs no scale: 850 stations stay 850
            (
                "Toàn tỉnh có 1,2 triệu thuê bao di động và 850 trạm BTS.",
                "bts_stations",
                850.0,
                None,
                "",
            ),
            // digits and words that disagree
            (
                "Tổng số tiền xử phạt vi phạm hành chính là 6.200.000 đồng (sáu triệu ba trăm nghìn đồng).",
                "admin_fines",
                6_200_000.0,
                Some(Flag::WordsMismatch),
                "6.300.000",
            ),
            // rule number.last_dot_decimal (our words): more than the country's revenue, read
            // with its last dot as the decimal mark, flagged with both readings
            (
                "Doanh thu dịch vụ viễn thông 9 tháng đạt 2.468.120 tỷ đồng, bằng 96% cùng kỳ.",
                "telecom_revenue",
                2_468_120_000_000.0,
                Some(Flag::MalformedNumber),
                "last dot as the decimal mark",
            ),
            // (one dot group before a large scale word: `107.490 nghìn tỷ` is 107,49 nghìn tỷ)
            (
                "Doanh thu dịch vụ viễn thông 10 tháng ước đạt 95.320 nghìn tỷ đồng.",
                "telecom_revenue",
                95_320_000_000_000.0,
                Some(Flag::MalformedNumber),
                "last dot as the decimal mark",
            ),
            // (a province's copies a year: `6.878 triệu tờ` is more than the country prints)
            (
                "Trong năm 2014, toàn tỉnh phát hành 5.412 triệu bản báo, tạp chí.",
                "print_circulation_per_year",
                5_412_000.0,
                Some(Flag::MalformedNumber),
                "last dot as the decimal mark",
            ),
            // a plausible revenue in the same writing is left as it is
            (
                "Doanh thu dịch vụ viễn thông 9 tháng đạt 2.468 tỷ đồng, bằng 96% cùng kỳ.",
                "telecom_revenue",
                2_468_000_000_000.0,
                None,
                "",
            ),
            // rule number.sum_separator (our words): the parts add up only with decimal points
            (
                "Doanh thu bưu chính, viễn thông 6 tháng đầu năm đạt 86.412 tỷ đồng (trong đó bưu chính 2.187 tỷ đồng, viễn thông 84,225 tỷ đồng), nộp ngân sách 5,1 tỷ đồng.",
                "postal_revenue",
                2_187_000_000.0,
                Some(Flag::MalformedNumber),
                "decimal point",
            ),
            (
                "Doanh thu bưu chính, viễn thông 6 tháng đầu năm đạt 86.412 tỷ đồng (trong đó bưu chính 2.187 tỷ đồng, viễn thông 84,225 tỷ đồng), nộp ngân sách 5,1 tỷ đồng.",
                "telecom_revenue",
                84_225_000_000.0,
                None,
                "",
            ),
            // parts that add up as written keep their thousands dots
            (
                "Doanh thu bưu chính, viễn thông năm 2014 đạt 3.412 tỷ đồng, trong đó bưu chính 187 tỷ đồng, viễn thông 3.225 tỷ đồng.",
                "telecom_revenue",
                3_225_000_000_000.0,
                None,
                "",
            ),
        ];
        for (text, metric, value, flag, reason) in cases {
            let facts = facts_of(text, "Nghệ An", "2014");
            let f = facts
                .iter()
                .find(|f| f.metric == *metric && f.value == *value)
                .unwrap_or_else(|| panic!("{text}: {facts:?}"));
            assert_eq!(f.flag, *flag, "{text}");
            assert!(
                f.flag_reason.as_deref().unwrap_or("").contains(reason),
                "{text}: {:?}",
                f.flag_reason
            );
        }
    }

    #[test]
    fn a_headline_rounds_only_within_its_last_written_digit() {
        // rule drop_rounded_headlines: (raw, headline value, exact value, rounds?)
        let cases: &[(&str, f64, f64, bool)] = &[
            ("51,1 triệu thuê bao", 51_100_000.0, 51_128_599.0, true),
            ("43 máy/100 dân", 43.0, 43.3, true),
            ("1,2 triệu thuê bao", 1_200_000.0, 1_274_000.0, false),
            ("100%", 100.0, 50.0, false),
            ("100%", 100.0, 100.0, false),
            ("2.160 trạm", 2_160.0, 2_161.0, false),
        ];
        for (raw, rounded, exact, want) in cases {
            assert_eq!(super::rounds(raw, *rounded, *exact), *want, "{raw} {exact}");
        }
    }
}
