//! The feature levels of each figure of a sentence: what its own clause names (L0), what the
//! figure whose clause it inherits names (L1), the sentence before that (L2), the paragraph
//! before the sentence (L3) and the predicate after the figure (the tail).
//!
//! Input: the sentence's figures and clauses ([`super::clause`]), the document's feature index
//! and the sentence's province-wide spans. Output: one [`Levels`] per figure, which
//! [`super::metric::best_metric`] scores and [`super::claim`] reads.
//! Invariant: a slot (a group of rival kinds, `slots` in the lexicon) is filled from the
//! nearest level that names it, never from two.
//!
//! Rules decided here: `clause.new_rate`, `slot.nearest_sentence`, `slot.inclusive_aside`,
//! `slot.trailing_aside`, `breakdown.own_clause`, `slot.nearest`, `breakdown.tail`,
//! `breakdown.one_part`, `metric.from_to`, `metric.baseline_value`, and the province-wide figure a
//! company reports.

use super::clause::{Clauses, inclusive_aside, last_separator, trailing_aside};
use super::features::FeatSet;
use super::metric::{Levels, PARAGRAPH, TAIL};
use super::subject::{national_reference, peer_reference};
use super::window::baseline_parenthesis;
use super::{DocCtx, Quantity};
use crate::lexicon::Lexicon;
use crate::text::floor_char_boundary;

/// Distinct unit texts a worker keeps the features of, at most (a few hundred occur in practice).
const UNIT_CACHE_MAX: usize = 4096;

/// The unit nouns (`u_*` features) a figure's unit words open with (`thuê bao/100 dân`:
/// subscribers; `văn bản` is not a `bản`: the head noun comes first in Vietnamese), matched on
/// the unit's own words, so a longer phrase around it cannot shadow it.
///
/// The answer depends on the lexicon and the text only, and the same few hundred unit texts
/// recur in every document: each worker thread keeps them across documents (for one lexicon at
/// a time, at most [`UNIT_CACHE_MAX`]) instead of searching the features again per document.
fn unit_features(lex: &Lexicon, text: &str) -> FeatSet {
    thread_local! {
        static CACHE: std::cell::RefCell<(u64, rustc_hash::FxHashMap<Box<str>, u128>)> = Default::default();
    }
    CACHE.with_borrow_mut(|(instance, known)| {
        if *instance != lex.instance || known.len() >= UNIT_CACHE_MAX {
            *instance = lex.instance;
            known.clear();
        }
        if let Some(&bits) = known.get(text) {
            return FeatSet(bits);
        }
        let mut u = FeatSet::default();
        for h in lex.features.find_all(text) {
            if h.start == 0 {
                u.add(*h.tag);
            }
        }
        let bits = u.mask(FeatSet(lex.unit_mask)).0;
        known.insert(text.into(), bits);
        FeatSet(bits)
    })
}

/// The levels of each of the figures `qs` of sentence `si`; `wide` are the sentence's spans
/// that speak of the whole province (`toàn tỉnh`).
///
/// `Tổng số thuê bao điện thoại toàn tỉnh đạt 1.200.000 thuê bao; mật độ 29,98 thuê bao/100
/// dân`: the density's own clause names no subject, so it inherits the subscribers from the
/// figure before it (L1).
pub(super) fn levels(ctx: &DocCtx<'_>, si: usize, qs: &[Quantity], cl: &Clauses, wide: &[(usize, usize)]) -> Vec<Levels> {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let doc = ctx.doc;
    let s = doc.sentences[si];
    let para_start = ctx.paragraph_span(s.paragraph).0.min(s.start);
    let n = qs.len();
    let (left_start, right_end, context) = (&cl.left_start, &cl.right_end, &cl.context);
    let paragraph_mask = FeatSet(lex.paragraph_mask);
    // unit nouns (`u_*` features) count only inside the figure's own unit
    let unit_mask = FeatSet(lex.unit_mask);
    let no_units = FeatSet(!unit_mask.0);
    // `toàn tỉnh`, `trên địa bàn tỉnh`: spans of the sentence that speak of the whole province
    // rule `slot.nearest_sentence`: what the paragraph before the sentence names, but of a slot
    // its sentences fill differently, only what the nearest of them names (`Hoạt động bưu chính,
    // viễn thông ... phát triển. Sản lượng bưu chính ... Doanh thu ước đạt 156,7 tỷ đồng`: the
    // postal revenue, not the postal and telecom revenue)
    let mut paragraph_level = ctx.features.set(para_start, s.start).mask(paragraph_mask);
    for &slot in &lex.slot_masks {
        let slot = FeatSet(slot);
        if paragraph_level.mask(slot).0.count_ones() < 2 {
            continue;
        }
        let nearest = doc.sentences[..si]
            .iter()
            .rev()
            .take_while(|p| p.start >= para_start)
            .map(|p| ctx.features.set(p.start, p.end).mask(paragraph_mask).mask(slot))
            .find(|f| *f != FeatSet::default());
        if let Some(f) = nearest {
            paragraph_level = paragraph_level.mask(FeatSet(!slot.0)).union(f);
        }
    }
    // rule `slot.inclusive_aside`: `dịch vụ điện thoại di động (tính cả thuê bao sử dụng USB 3G)
    // đạt 1.510.500 thuê bao` counts mobile subscribers: what the parenthesis also counts does
    // not make the figure's kind, nor the kind of the figure that inherits its clause
    let asides: smallvec::SmallVec<[Option<(usize, usize)>; 8]> =
        (0..n).map(|i| inclusive_aside(ctx, left_start[i], qs[i].start)).collect();
    let outside_aside = |from: usize, to: usize, aside: Option<(usize, usize)>| match aside {
        Some((a, b)) => ctx.features.set(from, a).union(ctx.features.set(b, to)),
        None => ctx.features.set(from, to),
    };
    // rule `slot.trailing_aside`: the same for a parenthesis after the figure that says what it
    // mostly is (`9.457 thuê bao Internet (chủ yếu là thuê bao băng rộng)`)
    let outside_asides = |from: usize, to: usize, before: Option<(usize, usize)>, after: Option<(usize, usize)>| match after {
        Some((a, b)) if a >= from && b <= to => outside_aside(from, a, before).union(ctx.features.set(b, to)),
        _ => outside_aside(from, to, before),
    };
    (0..n)
        .map(|i| {
            // matched on the unit's own words, so a longer phrase around it cannot shadow it
            let unit = unit_features(lex, &hay[qs[i].unit_start..qs[i].unit_end]);
            // rule `breakdown.own_clause`: a breakdown word after the figure in its own clause
            // (`2.006.864 thuê bao trong đó thuê bao cố định 39.236`) opens its parts, whose
            // kinds are not the figure's: the clause ends there for it
            let own_end = lex
                .breakdown
                .first_in(hay, &ctx.hits, qs[i].end, right_end[i].max(qs[i].end))
                .map_or(right_end[i], |h| qs[i].end + h.start);
            let after = trailing_aside(ctx, qs[i].end, own_end);
            let mut l0 = outside_asides(left_start[i], own_end, asides[i], after).mask(no_units).union(unit);
            // rule `slot.nearest`: two rivals of a `nearest_slots` slot in the own clause, the
            // last one after a comma (`tăng trưởng doanh thu trên, theo đó nộp ngân sách ... đạt
            // 46 nghìn tỷ đồng`): the one named last is what the figure is; in one unbroken
            // phrase they combine (`xử lý vi phạm hành chính với số tiền nộp ngân sách là 31
            // triệu`: a fine paid into the budget)
            for &members in &lex.nearest_slot_masks {
                let members = FeatSet(members);
                // most clauses name one member at most: no hits are gathered for them
                if l0.mask(members).0.count_ones() < 2 {
                    continue;
                }
                let rivals: Vec<&(usize, usize, usize)> = ctx
                    .features
                    .hits_in(left_start[i], qs[i].start)
                    .filter(|h| members.has(h.2))
                    .collect();
                if let Some(&&(last_start, _, f)) = rivals.last()
                    && let Some(cut) = last_separator(&hay[left_start[i]..last_start], &[',', ';']).map(|k| left_start[i] + k)
                    && rivals.iter().all(|h| h.2 == f || h.1 <= cut)
                {
                    let mut only = FeatSet::default();
                    only.add(f);
                    l0 = l0.mask(FeatSet(!members.0)).union(only);
                }
            }
            // rule `clause.new_rate`: a clause that opens on a rate of its own (`Tỷ lệ phủ sóng 4G
            // đạt 99,9%, tỷ lệ người dân trưởng thành có tài khoản định danh điện tử đạt trên 98%`)
            // says what it measures: it inherits nothing from the figure before (`tỷ lệ này`,
            // `tỷ lệ tương ứng` refer back to it)
            // (nor from the sentence before it; a rate whose words name nothing the lexicon knows,
            // `tỷ lệ 8 thuê bao/100 dân`, `tỷ lệ xấp xỉ 100 thuê bao/100 dân`, is the figure
            // before's)
            let new_rate = {
                let own = hay[left_start[i]..qs[i].start].trim_start_matches(|c: char| !c.is_alphanumeric());
                let own_start = qs[i].start - own.len();
                lex.part.new_rate.iter().any(|w| {
                    own.starts_with(w.as_str()) && ctx.features.set(own_start + w.len(), qs[i].start).mask(no_units) != FeatSet::default()
                }) && !lex.part.rate_anaphora.iter().any(|w| own.starts_with(w.as_str()))
            };
            let l1 = match context[i] {
                // (the figure before's clause without its own trailing aside: `lên 1.007.491 máy
                // (cả cố định và di động) với mật độ đạt 83 máy/100 dân`)
                Some(j) if !new_rate => {
                    let end = right_end[j].max(qs[j].end);
                    outside_asides(left_start[j], end, asides[j], trailing_aside(ctx, qs[j].end, end)).mask(no_units)
                }
                _ => FeatSet::default(),
            };
            let l2 = match context[i] {
                _ if new_rate => FeatSet::default(),
                Some(j) if j > 0 => ctx.features.set(s.start, left_start[j]).mask(no_units),
                None if left_start[i] > s.start => ctx.features.set(s.start, left_start[i]).mask(no_units),
                _ => FeatSet::default(),
            };
            let l3 = paragraph_level;
            // the predicate after a figure, to the end of its clause (`38/38 sở, ngành và UBND
            // các huyện đã có mạng nội bộ LAN; ...`): it may speak of a list of figures
            let tail_from = right_end[i].min(s.end);
            let tail_end = crate::text::find_ascii(&hay[tail_from..s.end], b';').map_or(s.end, |k| tail_from + k);
            // rule `breakdown.tail`: the parts after a breakdown word right after the figure
            // (`158,8 triệu thuê bao, bao gồm 142,4 triệu thuê bao di động và 16,4 triệu thuê bao
            // cố định`) that name rival kinds of one slot make the figure their sum, not one of
            // them: the whole takes none of those kinds (it still takes what the parts share:
            // `08 cuộc, trong đó 04 cuộc thanh tra, 03 cuộc kiểm tra` are inspections)
            let mut tail = ctx.features.set(tail_from, tail_end).mask(no_units);
            let parts_follow = {
                let to = floor_char_boundary(hay, (tail_from + 16).min(s.end));
                let after_start = qs[i].end.min(to);
                let after = &hay[after_start..to];
                // at most three words between the figure and the breakdown word
                lex.breakdown
                    .first_in(hay, &ctx.hits, after_start, to)
                    .is_some_and(|h| after[..h.start].split_whitespace().count() <= 3)
            };
            // the one kind of each slot the parts name (rule `breakdown.one_part`, below)
            let mut part_kinds: Vec<(FeatSet, FeatSet)> = Vec::new();
            if parts_follow {
                for &slot in &lex.slot_masks {
                    let kinds = tail.mask(FeatSet(slot));
                    if kinds.0.count_ones() >= 2 {
                        tail = tail.mask(FeatSet(!slot));
                    } else if kinds.0.count_ones() == 1 {
                        part_kinds.push((FeatSet(slot), kinds));
                    }
                }
            }
            let left = ctx
                .features
                .set(left_start[i], qs[i].start)
                .mask(no_units)
                .union(ctx.features.set(qs[i].unit_start, qs[i].unit_end));
            // a slot is inherited only from the nearest level that fills it (own clause first,
            // then the previous figure's clause, the sentence, the paragraph, the tail)
            let mut l = [l0, l1, l2, l3, tail];
            // `VNPT cho biết, toàn tỉnh hiện có 850 trạm BTS`: a company that reports a
            // province-wide figure does not make it the company's
            if wide.iter().any(|&(a, b)| a >= left_start[i] && b <= right_end[i]) {
                for x in &mut l {
                    *x = x.mask(FeatSet(!(1u128 << lex.code.company)));
                }
            }
            // rule `breakdown.one_part`: `cả nước chỉ còn khoảng 127,8 triệu thuê bao, trong đó di
            // động là 112,3 triệu` (after a sentence about mobile subscribers): a whole is not of
            // the one kind its part is, so a kind it would only inherit from context, the same as
            // its part's, is dropped
            for &(slot, kinds) in &part_kinds {
                if l[0].mask(slot) == FeatSet::default() {
                    for k in [1, 2, PARAGRAPH, TAIL] {
                        if l[k].mask(slot) == kinds {
                            l[k] = l[k].mask(FeatSet(!slot.0));
                        }
                    }
                }
            }
            let order = [0, 1, 2, PARAGRAPH, TAIL];
            for &members in &lex.slot_masks {
                let members = FeatSet(members);
                if let Some(pos) = order.iter().position(|&k| l[k].mask(members) != FeatSet::default()) {
                    for &k in &order[pos + 1..] {
                        l[k] = l[k].mask(FeatSet(!members.0));
                    }
                }
            }
            Levels {
                l,
                left,
                reference: national_reference(hay, left_start[i], &qs[i], s.end) || peer_reference(ctx, left_start[i], &qs[i]),
                context_unit: context[i].map(|j| qs[j].unit_kind),
                share_of_people: share_of_people(hay, qs, i, context[i]),
                from_to: from_to(hay, &lex.part, qs, i, context[i]),
                baseline: context[i].is_some() && {
                    let from = floor_char_boundary(hay, qs[i].start.saturating_sub(80).max(s.start));
                    baseline_parenthesis(&ctx.res.lexicon.grammar, &hay[from..qs[i].start])
                },
            }
        })
        .collect()
}

/// Rule `share.of_people` (see [`Levels::share_of_people`]): figure `i` is a percent, its context
/// figure `j` a count of people (`triệu người`) in the clause right before it, and nothing but
/// a comma and a few words between them.
fn share_of_people(hay: &str, qs: &[Quantity], i: usize, context: Option<usize>) -> bool {
    let Some(j) = context else { return false };
    // (`78,59% người dân dùng Internet, cao hơn năm 2022 là 4,09%`: a percent after a percent
    // is no share of a count)
    if qs[i].unit_kind != crate::records::UnitKind::Percent || qs[j].unit_kind == crate::records::UnitKind::Percent {
        return false;
    }
    let unit = &hay[qs[j].unit_start..qs[j].unit_end];
    let between = &hay[qs[j].end..qs[i].start];
    (unit.starts_with("người") || between.trim_start().starts_with("người"))
        && between.len() <= 100
        && between.contains(',')
        && !between.contains([';', '(', ')'])
}

/// Rule `metric.from_to` (see [`Levels::from_to`]): figure `j` follows `từ` and figure `i` comes
/// right after it, past at most a parenthesis and a bound word, after `lên`, `đến` or `tới`, in
/// the same unit.
fn from_to(hay: &str, words: &crate::lexicon::PartCues, qs: &[Quantity], i: usize, context: Option<usize>) -> bool {
    let Some(j) = context else { return false };
    if qs[i].unit_kind != qs[j].unit_kind || !hay[..qs[j].start].trim_end().ends_with(words.from_word.as_str()) {
        return false;
    }
    let mut between = hay[qs[j].end..qs[i].start].trim_start();
    if let Some(rest) = between.strip_prefix('(') {
        let Some(close) = rest.find(')') else { return false };
        between = rest[close + 1..].trim_start();
    }
    words
        .to_words
        .iter()
        .any(|w| between.strip_prefix(w.as_str()).is_some_and(|r| r.starts_with(' ')))
        && between.len() <= 16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(toml: &str) -> Lexicon {
        let units = std::fs::read_to_string("schemas/units.toml").expect("units");
        Lexicon::parse(toml, &units, std::path::Path::new("schemas")).expect("lexicon")
    }

    fn names(lex: &Lexicon, f: FeatSet) -> Vec<&str> {
        (0..lex.feature_names.len())
            .filter(|&i| f.has(i))
            .map(|i| lex.feature_names[i].as_str())
            .collect()
    }

    #[test]
    fn unit_features_open_the_unit_and_are_kept_per_lexicon() {
        let shipped = std::fs::read_to_string("schemas/lexicon.toml").expect("lexicon");
        let a = lexicon(&shipped);
        // the head noun comes first: `văn bản` is a document, not a copy (`bản`)
        assert_eq!(names(&a, unit_features(&a, "văn bản")), ["u_vanban"]);
        assert_eq!(names(&a, unit_features(&a, "bản")), ["u_ban"]);
        // asked again (from the worker's cache), the same answer
        assert_eq!(names(&a, unit_features(&a, "văn bản")), ["u_vanban"]);
        // another lexicon in the same thread is not answered from the first one's cache
        let edited = shipped.replacen(
            r#"u_vanban = { phrases = ["văn bản"] }"#,
            r#"u_vanban = { phrases = ["công văn"] }"#,
            1,
        );
        assert_ne!(edited, shipped, "the shipped lexicon defines u_vanban as `văn bản`");
        let b = lexicon(&edited);
        assert!(names(&b, unit_features(&b, "văn bản")).is_empty());
        assert_eq!(names(&b, unit_features(&b, "công văn")), ["u_vanban"]);
        assert_eq!(names(&a, unit_features(&a, "văn bản")), ["u_vanban"]);
    }
}
