//! Classify quantities: metric (by the catalog's feature rules), qualifiers, comparisons.
//!
//! A quantity's *own clause* is the text from the end of the previous figure's clause to the
//! end of its own (L0). When that clause does not name what is counted (`mật độ 29,98 thuê
//! bao/100 dân`), features are inherited, with falling weight, from the previous figure's
//! clause (L1), the rest of the sentence before it (L2) and, for paragraph-reach features such
//! as `BC-VT`, the paragraph before the sentence (L3). Each rule of each metric whose unit fits
//! is scored; the best wins. Status, basis, bound, period and province come from cue words in
//! the lexicon. Invariant: a figure is a metric only if a rule matched; everything else stays
//! an unclassified mention with the features it had, so the catalog can be extended from them.

use std::sync::OnceLock;

use regex::Regex;

use super::traps::Trap;
use super::{DocCtx, Quantity};
use crate::catalog::Metric;
use crate::lexicon::{BasisCue, CompareCue, Lexicon, Reach, StatusCue};
use crate::records::{Basis, Claim, Mention, MentionKind, Period, PeriodPart, ProvinceRef, Status, UnitKind};
use crate::reference::NATIONAL;
use crate::text::floor_char_boundary;

/// A set of feature ids (the lexicon has fewer than 128 features; checked at load).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeatSet(u128);

impl FeatSet {
    pub fn has(self, f: usize) -> bool {
        f < 128 && self.0 & (1u128 << f) != 0
    }
    fn add(&mut self, f: usize) {
        if f < 128 {
            self.0 |= 1u128 << f;
        }
    }
    fn union(self, o: FeatSet) -> FeatSet {
        FeatSet(self.0 | o.0)
    }
    fn mask(self, m: FeatSet) -> FeatSet {
        FeatSet(self.0 & m.0)
    }
    pub fn names(self, lex: &Lexicon) -> Vec<&str> {
        (0..lex.feature_names.len())
            .filter(|&f| self.has(f))
            .map(|f| lex.feature_names[f].as_str())
            .collect()
    }
}

/// Feature occurrences of one document, longest-match shadowed.
#[derive(Debug, Default)]
pub struct FeatureIndex {
    /// (start, end, feature), sorted by start.
    hits: Vec<(usize, usize, usize)>,
}

impl FeatureIndex {
    pub fn new(lex: &Lexicon, hay: &str) -> Self {
        // unit nouns (`u_*`) are read from each figure's unit, not from running text
        let all: Vec<(usize, usize, usize)> = lex
            .features
            .find_all(hay)
            .into_iter()
            .filter(|h| !lex.feature_names[*h.tag].starts_with("u_"))
            .map(|h| (h.start, h.end, *h.tag))
            .collect();
        // `điện thoại di động` is mobile, not also telephone: drop a hit that lies inside a
        // longer hit of another feature
        let mut hits = Vec::with_capacity(all.len());
        for (i, &(s, e, f)) in all.iter().enumerate() {
            let lo = all.partition_point(|h| h.0 + 96 < s);
            let shadowed = all[lo..]
                .iter()
                .take_while(|h| h.0 <= s)
                .enumerate()
                .any(|(k, &(os, oe, of))| lo + k != i && of != f && os <= s && e <= oe && (oe - os) > (e - s));
            if !shadowed {
                hits.push((s, e, f));
            }
        }
        FeatureIndex { hits }
    }

    /// End of a feature occurrence that spans byte `pos` (starts before it, ends after it).
    pub fn covering(&self, pos: usize) -> Option<usize> {
        let lo = self.hits.partition_point(|h| h.0 + 96 < pos);
        self.hits[lo..]
            .iter()
            .take_while(|h| h.0 < pos)
            .filter(|h| h.1 > pos)
            .map(|h| h.1)
            .max()
    }

    /// Occurrences inside `[s, e)`: (start, end, feature), in text order.
    pub fn hits_in(&self, s: usize, e: usize) -> impl Iterator<Item = &(usize, usize, usize)> {
        let lo = self.hits.partition_point(|h| h.0 < s);
        self.hits[lo..].iter().take_while(move |h| h.0 < e).filter(move |h| h.1 <= e)
    }

    /// Features with an occurrence inside `[s, e)`.
    pub fn set(&self, s: usize, e: usize) -> FeatSet {
        let mut out = FeatSet::default();
        if s >= e {
            return out;
        }
        let lo = self.hits.partition_point(|h| h.0 < s);
        for &(hs, he, f) in &self.hits[lo..] {
            if hs >= e {
                break;
            }
            if he <= e {
                out.add(f);
            }
        }
        out
    }
}

/// Weights of the levels: own clause, previous figure's clause, rest of the sentence before,
/// paragraph before (paragraph-reach features only), and the tail of the sentence after the
/// last figure.
const LEVEL_WEIGHTS: [f64; 5] = [1.0, 0.6, 0.4, 0.25, 0.5];
const PARAGRAPH: usize = 3;
const TAIL: usize = 4;

/// Feature sets of the levels around one quantity.
#[derive(Debug, Clone, Copy, Default)]
struct Levels {
    l: [FeatSet; 5],
    /// Own clause, left of the number only (subject side), with the unit.
    left: FeatSet,
    /// The figure gives another level to compare with the figure before it: the country's (see
    /// [`national_reference`]) or another province's (see [`peer_reference`]).
    reference: bool,
    /// Unit of the context figure (the one this figure inherits its subject from).
    context_unit: Option<UnitKind>,
}

/// The sentence is about one company: it opens with the company (`Riêng Viettel chi nhánh tỉnh
/// đã ...`, `VNPT Bình Định hiện có ...`), names no other, and says nothing of the whole province
/// (`toàn tỉnh`, checked by the caller). Several operators together (`Viettel, VNPT và MobiFone
/// đã ...`) are not one company.
fn company_subject(ctx: &DocCtx<'_>, s: crate::records::Sentence, first_figure: usize) -> bool {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let Some(company) = lex.feature("company") else { return false };
    let mut names = ctx
        .features
        .hits_in(s.start, s.end)
        .filter(|h| h.2 == company)
        .map(|h| (h.0, &hay[h.0..h.1]));
    let Some((at, first)) = names.next() else { return false };
    let one = names.all(|(_, n)| n == first);
    let opening = hay[s.start..at].split_whitespace().count() <= 2;
    // rule `company.owner`: `tổng số thuê bao trên mạng của VNPT là 30,5 triệu`, `thuê bao hoạt
    // động trên mạng MobiFone đạt 40,2 triệu`, `doanh thu của VNPT`: the company owns the figure
    let before = hay[s.start..at].trim_end();
    let owner = before.ends_with(" của") || before.ends_with(" mạng") || before == "mạng";
    one && (opening || owner) && at < first_figure
}

/// Text in parentheses that qualifies, rather than breaks down, what comes before it: no digits
/// but those of a mobile generation (`3G và 4G`).
fn qualifier(inner: &str) -> bool {
    let b = inner.as_bytes();
    !inner.trim().is_empty()
        && b.iter()
            .enumerate()
            .all(|(i, c)| !c.is_ascii_digit() || b.get(i + 1).is_some_and(|n| n.eq_ignore_ascii_case(&b'g')))
}

/// A figure of another province set beside the figure before it: `..., trong khi tỉnh Vĩnh Phúc
/// đã đạt 88,2%`, `còn Bình Định là 12/63`. Like a national level, it takes its subject from the
/// figure before it (its province comes from its own clause).
fn peer_reference(ctx: &DocCtx<'_>, left_start: usize, q: &Quantity) -> bool {
    let own = ctx.hay[left_start..q.start].trim_start_matches([',', ';', ' ']);
    (own.starts_with("trong khi ") || own.starts_with("còn ")) && !ctx.res.provinces.find_all(own).is_empty()
}

/// A figure that gives the national level to compare a provincial figure with: `thấp hơn bình
/// quân cả nước (5,9 máy/100 dân)`, `cao hơn mức bình quân cả nước là 18%`, `thấp hơn mức 54% của
/// cả nước`. It is a level, not a difference, and takes its subject from the figure before it.
/// Without a connector (`cao hơn cả nước 2,3 điểm`) the figure stays a difference.
fn national_reference(hay: &str, left_start: usize, q: &Quantity, sentence_end: usize) -> bool {
    let mut before = hay[left_start..q.start].trim_end();
    // `(khoảng 15,2 thuê bao/100 dân)`: a bound between the connector and the figure
    for w in ["khoảng", "gần", "xấp xỉ", "trên", "hơn", "chừng"] {
        if let Some(r) = before.strip_suffix(w).filter(|r| r.ends_with([' ', '('])) {
            before = r.trim_end();
            break;
        }
    }
    let stripped = before.trim_end_matches(['(', ':']).trim_end();
    let mut connector = stripped.len() < before.len();
    let mut rest = stripped;
    for w in ["là", "đạt", "ở mức"] {
        if let Some(r) = stripped.strip_suffix(w).filter(|r| r.ends_with(' ')) {
            rest = r.trim_end();
            connector = true;
            break;
        }
    }
    let named_before = rest.ends_with("cả nước") || rest.ends_with("toàn quốc");
    let after_end = floor_char_boundary(hay, (q.end + 32).min(sentence_end));
    let after = hay[q.end..after_end].trim_start();
    let named_after = before.ends_with("mức") && (after.starts_with("của cả nước") || after.starts_with("của toàn quốc"));
    (named_before && connector) || named_after
}

impl Levels {}

/// Unit kinds whose presence alone anchors a metric (no feature needed in the own clause).
fn specific(u: UnitKind) -> bool {
    matches!(
        u,
        UnitKind::Per100
            | UnitKind::Subscribers
            | UnitKind::Stations
            | UnitKind::Copies
            | UnitKind::CopiesPerYear
            | UnitKind::Rank
            | UnitKind::Vnd
    )
}

/// Whether a quantity's unit can be a metric's canonical unit.
fn unit_fits(lex: &Lexicon, m: &Metric, q: &Quantity, unit: &str, lv: &Levels) -> bool {
    let f = |name: &str| lex.feature(name).is_some_and(|id| lv.l[0].has(id));
    match (m.unit_kind, q.unit_kind) {
        (a, b) if a == b => true,
        (UnitKind::Vnd, UnitKind::Bare) => q.scale >= 1e6 && (f("revenue") || f("investment") || f("budget") || f("fine")),
        // `đưa tổng số lên 123 triệu` after a subscriber figure of the same sentence
        (UnitKind::Subscribers, UnitKind::Bare) => lex
            .feature("subscriber")
            .is_some_and(|id| lv.left.has(id) || (q.scale > 1.0 && lv.l[1].has(id))),
        // `426.545 máy điện thoại`, `di động 1.010.936 máy` count telephone sets
        (UnitKind::Subscribers, UnitKind::Count) => {
            unit.starts_with("máy")
                && lex
                    .feature_slot
                    .iter()
                    .enumerate()
                    .any(|(id, s)| s.as_deref() == Some("family") && lv.l[0].has(id))
        }
        // `5,25 người/100 dân` is a share of the population
        (UnitKind::Percent, UnitKind::Per100) => unit.starts_with("người"),
        (UnitKind::Stations, UnitKind::Bare) => lex.feature("bts").is_some_and(|id| lv.left.has(id)),
        // `64 hồ sơ thiết kế trạm BTS` (a design dossier is a station; `64 hộ` is not)
        (UnitKind::Stations, UnitKind::Count) => f("bts") && (unit.starts_with("hồ sơ") || unit.starts_with("vị trí")),
        // `mỗi kỳ 6.500 bản`, `1,8 triệu bản` in a year: the rules ask for the per-issue or year words
        (UnitKind::Copies | UnitKind::CopiesPerYear, UnitKind::Count) => true,
        (UnitKind::Count, UnitKind::Bare) => true,
        _ => false,
    }
}

/// The best metric for a quantity: (metric index, score, rule index).
///
/// Two passes. First, rules (of full weight) whose every feature is in the figure's own
/// clause: when the clause says what it counts, context does not override it. Only when no
/// such rule fits are features inherited from earlier clauses, the paragraph and the tail.
fn best_metric(ctx: &DocCtx<'_>, q: &Quantity, lv: &Levels) -> Option<(usize, f64, usize)> {
    let lex = &ctx.res.lexicon;
    let unit = &ctx.hay[q.unit_start..q.unit_end];
    // pass 1: the own clause alone; pass 2: the own clause plus one context level, since an
    // inherited subject is named in one place (a rule may not gather its words from all over)
    // generic rules (weight below 1) only after every specific rule had its chance
    let levels: [&[usize]; 5] = [&[0], &[0, 1], &[0, 2], &[0, PARAGRAPH], &[0, TAIL]];
    let passes = levels.iter().map(|l| (*l, true)).chain(levels.iter().map(|l| (*l, false)));
    for (pass, (allowed, specific_only)) in passes.enumerate() {
        let mut best: Option<(usize, f64, usize)> = None;
        for (mi, m) in ctx.res.catalog.metrics.iter().enumerate() {
            if !unit_fits(lex, m, q, unit, lv) {
                continue;
            }
            for (ri, r) in m.rules.iter().enumerate() {
                if (specific_only && r.weight < 1.0) || (pass == 0 && r.all.is_empty()) {
                    continue;
                }
                let mut sum = 0.0;
                // `đưa tổng số thuê bao hiện có lên 17.340`: the noun before a bare number is its unit
                let mut anchored = (specific(q.unit_kind) && q.unit_kind == m.unit_kind)
                    || (q.unit_kind == UnitKind::Bare && matches!(m.unit_kind, UnitKind::Subscribers | UnitKind::Stations));
                let mut deepest = 0;
                let mut ok = true;
                for &f in &r.all {
                    let found = allowed
                        .iter()
                        .filter(|&&k| lv.l[k].has(f) && (k != PARAGRAPH || lex.feature_reach[f] == Reach::Paragraph))
                        .map(|&k| (k, LEVEL_WEIGHTS[k]))
                        .max_by(|a, b| a.1.total_cmp(&b.1));
                    match found {
                        Some((k, w)) => {
                            sum += w;
                            anchored |= k == 0 || (lv.reference && k == 1);
                            if k != TAIL {
                                deepest = deepest.max(k);
                            }
                        }
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                // exclusions apply to every level the rule drew context from; a generic rule's to
                // the whole sentence before it (a pay-TV density is no telephone density)
                if r.weight < 1.0 {
                    deepest = deepest.max(2);
                }
                if !ok || !anchored || r.none.iter().any(|&f| (0..=deepest).any(|k| lv.l[k].has(f))) {
                    continue;
                }
                let score = r.weight * (0.5 + sum);
                if best.is_none_or(|(_, b, _)| score > b + 1e-12) {
                    best = Some((mi, score, ri));
                }
            }
        }
        if best.is_some() {
            return best;
        }
    }
    None
}

/// The comparison a quantity makes, if it is one.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Compare {
    Growth { pct: f64, verb: bool },
    PlanShare(f64),
    Difference,
}

/// The first `n` words of `s`, joined by single spaces.
fn leading_words(s: &str, n: usize) -> String {
    let mut out = String::new();
    for w in s.split_whitespace().take(n) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn comparison(ctx: &DocCtx<'_>, q: &Quantity, sentence_start: usize, left_start: usize, right_end: usize) -> Option<Compare> {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let mut before = hay[left_start..q.start].trim_end();
    // hedges between the verb and its figure (`giảm khoảng hơn 1 triệu`, `tăng thêm gần 300`)
    while let Some(w) = ["khoảng", "hơn", "gần", "trên", "xấp xỉ", "thêm", "được", "tới", "đến", "đi"]
        .iter()
        .find(|w| before.ends_with(*w) && before[..before.len() - w.len()].ends_with(' '))
    {
        before = before[..before.len() - w.len()].trim_end();
    }
    let verb = lex
        .compare
        .longest_ending_at(hay, left_start + before.len())
        .filter(|h| *h.tag == CompareCue::GrowthVerb)
        .map(|h| &hay[h.start..h.end]);
    let right = &hay[q.end..right_end.max(q.end)];
    let right_trim = right.trim_start();
    let first_words = leading_words(right_trim, 4);
    let after_cues = lex.compare.find_all(&first_words);
    let versus = after_cues.iter().any(|h| *h.tag == CompareCue::Versus && h.start == 0)
        || first_words.starts_with("so ")
        || first_words.starts_with("cùng kỳ");
    let plan = after_cues.iter().any(|h| *h.tag == CompareCue::PlanShare && h.start == 0);
    if q.unit_kind != UnitKind::Percent {
        let own_left = &hay[left_start..q.start];
        // only the figure's own clause: `giảm so với cùng kỳ; mật độ 142,7` is no difference
        let clause = own_left.rfind([',', ';']).map_or(own_left, |i| &own_left[i + 1..]);
        let difference_cue = !lex.difference.find_all(clause).is_empty();
        let falling = verb.is_some_and(|v| v.starts_with("giảm") || v.starts_with("thấp hơn"));
        let six = leading_words(right_trim, 6);
        let versus_after = six.contains("so với") || six.contains("cùng kỳ") || six.contains("so cùng");
        let growth_in_clause = lex.compare.find_all(clause).iter().any(|h| *h.tag == CompareCue::GrowthVerb);
        // `So với cùng kỳ, thuê bao ... giảm 8.430; thuê bao Internet tăng 17.920`
        let sentence_versus = hay[sentence_start..q.start].contains("so với") || hay[sentence_start..q.start].contains("so sánh với");
        let difference =
            difference_cue || falling || ((verb.is_some() || growth_in_clause) && versus_after) || (verb.is_some() && sentence_versus);
        return difference.then_some(Compare::Difference);
    }
    let rising = verb.is_some_and(|v| v.starts_with("tăng") || v.starts_with("vượt"));
    let falling = verb.is_some_and(|v| v.starts_with("giảm"));
    if plan {
        return Some(Compare::PlanShare(if rising { 100.0 + q.value } else { q.value }));
    }
    if rising || falling {
        let pct = if falling { -q.value } else { q.value };
        return Some(Compare::Growth { pct, verb: true });
    }
    if versus {
        // `bằng 109% cùng kỳ`, `đạt 102,8% so với cùng kỳ`: an index, 100 = no change
        let pct = if q.value > 50.0 { q.value - 100.0 } else { q.value };
        return Some(Compare::Growth { pct, verb: false });
    }
    None
}

fn district_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        // a named district (`huyện Hướng Hóa`), or one written about from inside (`Toàn huyện có`,
        // `Huyện có 154 trạm` at the start of the clause)
        Regex::new(r"(?:^|[^\p{L}])(?:huyện|thị xã|quận|thành phố|TP\.?|Thành phố|Huyện|Thị xã|Quận)\s+(?:đảo\s+)?\p{Lu}|(?:^|[^\p{L}])[Tt]oàn (?:huyện|thị xã|quận)(?:[^\p{L}]|$)|^\s*(?:Huyện|Thị xã|Quận) (?:có|đã|hiện)")
            .expect("district pattern")
    })
}

fn target_year_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        // `kế hoạch năm 2017`, `đến hết năm 2020`, and a plan named before its year (`kế hoạch
        // phát triển thuê bao mới trong năm 2017`)
        Regex::new(r"(?:(?:kế hoạch|đến|mục tiêu|chỉ tiêu|phấn đấu|định hướng)\s+(?:hết\s+|cuối\s+)?(?:năm\s+)?|(?:kế hoạch|mục tiêu|chỉ tiêu|phấn đấu)[^.;]{0,20}?\sđến\s+(?:hết\s+)?tháng\s+[0-9]{1,2}\s*/\s*|kế hoạch[^.;]{0,40}?\snăm\s+)((?:19|20)[0-9][0-9])(?-u:\b)")
            .expect("target-year pattern")
    })
}

/// Classify the quantities of sentence `si`.
pub fn classify(ctx: &DocCtx<'_>, si: usize, traps: &[Trap], qs: &[Quantity]) -> Vec<Mention> {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let doc = ctx.doc;
    let s = doc.sentences[si];
    let para_start = ctx.paragraph_span(s.paragraph).0.min(s.start);
    let n = qs.len();
    // clause windows
    let mut right_end = vec![0; n];
    for (i, q) in qs.iter().enumerate() {
        let limit = if i + 1 < n { qs[i + 1].start } else { s.end };
        let limit = limit.max(q.end);
        let mut end = q.end;
        let mut words = 0;
        let mut skip_to = 0;
        for (off, c) in hay[q.end..limit].char_indices() {
            let at = q.end + off;
            if at < skip_to {
                end = at + c.len_utf8();
                continue;
            }
            if c == ',' {
                // a comma inside a listed phrase (`cán bộ, công chức`) does not end the clause
                if let Some(e) = ctx.features.covering(at) {
                    skip_to = e;
                    end = at + c.len_utf8();
                    continue;
                }
            }
            if c == '(' {
                // a short qualifier in parentheses (`truy nhập Internet (3G và 4G)`, `(ADSL,
                // FTTH)`, `(quy đổi)`) belongs to the clause; one with figures is a breakdown
                let close = hay[at..limit].find(')').map(|k| at + k).filter(|&k| k - at <= 40);
                if let Some(close) = close
                    && qualifier(&hay[at + 1..close])
                {
                    skip_to = close + 1;
                    end = close + 1;
                    continue;
                }
            }
            if matches!(c, ',' | ';' | ':' | '(' | ')' | '.' | '!' | '?' | '\n') {
                break;
            }
            if c.is_whitespace() {
                words += 1;
                if hay[at..].starts_with(" và ") {
                    break;
                }
                if words > 14 {
                    // a phrase cut by the word limit (`máy | vi tính`) belongs to the clause whole
                    if let Some(e) = ctx.features.covering(at) {
                        end = e.min(limit);
                    }
                    break;
                }
            }
            end = at + c.len_utf8();
        }
        right_end[i] = end;
    }
    let left_start: Vec<usize> = (0..n)
        .map(|i| if i == 0 { s.start } else { right_end[i - 1].min(qs[i].start) })
        .collect();
    // the context figure of each figure: the previous one outside any parenthesis or breakdown
    // closed since (`950.000 thuê bao (trong đó ... 730.000 thuê bao), đạt mật độ 69` and
    // `812.460 thuê bao, trong đó cố định ..., di động ...; mật độ đạt 101,6` inherit from the whole)
    let depths: Vec<i32> = {
        let mut d = 0;
        let mut at = s.start;
        let mut breakdown = false;
        qs.iter()
            .map(|q| {
                let gap = &hay[at.min(q.start)..q.start];
                d += gap.bytes().map(|b| i32::from(b == b'(') - i32::from(b == b')')).sum::<i32>();
                if breakdown && gap.contains(';') {
                    d -= 1;
                    breakdown = false;
                }
                if !breakdown && !lex.breakdown.find_all(gap).is_empty() {
                    d += 1;
                    breakdown = true;
                }
                at = q.start.max(at);
                d
            })
            .collect()
    };
    let context: Vec<Option<usize>> = (0..n).map(|i| (0..i).rev().find(|&j| depths[j] <= depths[i])).collect();
    let paragraph_mask = FeatSet(lex.paragraph_mask);
    // unit nouns (`u_*` features) count only inside the figure's own unit
    let unit_mask = FeatSet(lex.unit_mask);
    let no_units = FeatSet(!unit_mask.0);
    // `toàn tỉnh`, `trên địa bàn tỉnh`: spans of the sentence that speak of the whole province
    let wide: Vec<(usize, usize)> = lex
        .province_wide
        .find_all(&hay[s.start..s.end])
        .iter()
        .map(|h| (s.start + h.start, s.start + h.end))
        .collect();
    let company_feature = lex.feature("company").filter(|&c| c < 128);
    let levels: Vec<Levels> = (0..n)
        .map(|i| {
            // matched on the unit's own words, so a longer phrase around it cannot shadow it
            let unit = {
                let text = &hay[qs[i].unit_start..qs[i].unit_end];
                let known = ctx.memo.borrow().unit_features.get(text).copied();
                let bits = known.unwrap_or_else(|| {
                    let mut u = FeatSet::default();
                    // the head noun comes first in Vietnamese: `văn bản` is not a `bản`
                    for h in lex.features.find_all(text) {
                        if h.start == 0 {
                            u.add(*h.tag);
                        }
                    }
                    let bits = u.mask(unit_mask).0;
                    ctx.memo.borrow_mut().unit_features.insert(text.to_string(), bits);
                    bits
                });
                FeatSet(bits)
            };
            let mut l0 = ctx.features.set(left_start[i], right_end[i]).mask(no_units).union(unit);
            // rule `slot.nearest`: two rivals of a `nearest_slots` slot in the own clause, the
            // last one after a comma (`tăng trưởng doanh thu trên, theo đó nộp ngân sách ... đạt
            // 46 nghìn tỷ đồng`): the one named last is what the figure is; in one unbroken
            // phrase they combine (`xử lý vi phạm hành chính với số tiền nộp ngân sách là 31
            // triệu`: a fine paid into the budget)
            for &members in &lex.nearest_slot_masks {
                let members = FeatSet(members);
                let rivals: Vec<&(usize, usize, usize)> = ctx
                    .features
                    .hits_in(left_start[i], qs[i].start)
                    .filter(|h| members.has(h.2))
                    .collect();
                if l0.mask(members).0.count_ones() >= 2
                    && let Some(&&(last_start, _, f)) = rivals.last()
                    && let Some(cut) = hay[left_start[i]..last_start].rfind([',', ';']).map(|k| left_start[i] + k)
                    && rivals.iter().all(|h| h.2 == f || h.1 <= cut)
                {
                    let mut only = FeatSet::default();
                    only.add(f);
                    l0 = l0.mask(FeatSet(!members.0)).union(only);
                }
            }
            let l1 = match context[i] {
                Some(j) => ctx.features.set(left_start[j], right_end[j].max(qs[j].end)).mask(no_units),
                None => FeatSet::default(),
            };
            let l2 = match context[i] {
                Some(j) if j > 0 => ctx.features.set(s.start, left_start[j]).mask(no_units),
                _ => FeatSet::default(),
            };
            let l3 = ctx.features.set(para_start, s.start).mask(paragraph_mask);
            // the predicate after a figure, to the end of its clause (`38/38 sở, ngành và UBND
            // các huyện đã có mạng nội bộ LAN; ...`): it may speak of a list of figures
            let tail_from = right_end[i].min(s.end);
            let tail_end = hay[tail_from..s.end].find(';').map_or(s.end, |k| tail_from + k);
            let tail = ctx.features.set(tail_from, tail_end).mask(no_units);
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
            if let Some(c) = company_feature
                && wide.iter().any(|&(a, b)| a >= left_start[i] && b <= right_end[i])
            {
                for x in &mut l {
                    *x = x.mask(FeatSet(!(1u128 << c)));
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
            }
        })
        .collect();

    let (qs, levels) = respectively(ctx, s.start, s.end, qs, levels);
    let cues = SentenceCues::of(ctx, s);
    let company_subject = wide.is_empty() && company_subject(ctx, s, qs.first().map_or(s.end, |q| q.start));
    let qs = &qs[..];
    let mut out: Vec<Mention> = Vec::with_capacity(n);
    // index in `out` of the last metric claim of this sentence, for attaching comparisons
    let mut last_metric: Option<usize> = None;
    let mut last_basis_cue: Option<Basis> = None;
    for (i, q) in qs.iter().enumerate() {
        let lv = levels[i];
        let base = Mention {
            sentence: si,
            start: q.start,
            end: q.end,
            kind: MentionKind::Unclassified,
            reason: String::new(),
            value: Some(q.value),
            value_high: q.value_high,
            of: q.of,
            unit_raw: (q.unit_end > q.unit_start).then(|| doc.text[q.unit_start..q.unit_end].to_string()),
            unit_kind: Some(q.unit_kind),
            malformed: q.malformed,
            claim: None,
        };
        if company_subject {
            let mut m = base.clone();
            m.kind = MentionKind::Company;
            m.reason = "figure of the one company the sentence is about, not of the province (its growth rates too)".into();
            out.push(m);
            continue;
        }
        // a comparison belongs to the figure before it
        if let Some(c) = comparison(ctx, q, s.start, left_start[i], right_end[i]).filter(|_| !lv.reference) {
            let mut m = base.clone();
            m.kind = MentionKind::Comparison;
            match (c, last_metric) {
                (Compare::Difference, _) => m.reason = "difference versus another period (so với ...), not a level".into(),
                (Compare::PlanShare(p), Some(j)) => {
                    let same_clause = !hay[out[j].end..q.start].contains(';');
                    if let Some(cl) = out[j].claim.as_mut() {
                        cl.plan_share_pct = Some(p);
                        // `chỉ tiêu ... đạt 228.600 thuê bao, bằng 99,2% kế hoạch`: a figure
                        // measured against its plan is what was achieved, in the period reviewed
                        if cl.status == Status::Target && same_clause {
                            cl.status = Status::Actual;
                            cl.period = doc.meta.period;
                        }
                    }
                    m.reason = format!("share of plan {p}% of the figure at {}", out[j].start);
                }
                (Compare::Growth { pct, verb }, Some(j)) => {
                    // kept as a column of the figure it compares, whatever the metric
                    let mut rate = None;
                    // a named rate (`ước tốc độ tăng trưởng đạt 9,36% so với năm 2015`) is a
                    // rate like a rise or fall
                    let named = hay[out[j].end.min(q.start)..q.start].contains("tăng trưởng");
                    if let Some(cl) = out[j].claim.as_mut() {
                        cl.growth_pct = Some(pct);
                        rate = revenue_growth_rate(cl, verb || named, pct);
                    }
                    match rate {
                        Some(claim) if ctx.res.catalog.get(&claim.metric).is_some() => {
                            m.kind = MentionKind::Metric;
                            m.value = Some(pct);
                            m.reason = format!(
                                "revenue.growth_rate: growth {pct}% of the revenue at {}, a fact and its column",
                                out[j].start
                            );
                            m.claim = Some(claim);
                        }
                        _ => m.reason = format!("growth {pct}% of the figure at {}", out[j].start),
                    }
                }
                (_, None) => {
                    if let (Compare::Growth { pct, verb }, Some(rg)) = (c, ctx.res.catalog.get("revenue_growth_pct"))
                        && (verb || hay[s.start..q.start].contains("tăng trưởng"))
                    {
                        let claim = make_claim(ctx, &cues, si, traps, q, &lv, left_start[i], rg, &mut None);
                        // a growth rate of revenue is a fact whether planned (`phấn đấu doanh thu
                        // tăng 8 - 10%`), named (`tốc độ tăng trưởng doanh thu`) or measured
                        // (`doanh thu đã tăng 23% so với cùng kỳ`); an index (`bằng 109%`) is not
                        let rate = verb || claim.status == Status::Target || hay[s.start..q.start].contains("tăng trưởng");
                        let revenue = rate
                            && lex
                                .feature("revenue")
                                .is_some_and(|f| lv.l[0].has(f) || lv.l[1].has(f) || lv.l[2].has(f));
                        // rule `revenue.growth_domain`: the revenue of a sector the catalog
                        // counts (telecom, postal, IT, the ICT sector) in the figure's sentence
                        // or paragraph, or of `ngành` (the sector reporting): `doanh thu dịch vụ
                        // lưu trú ... tăng 63%` is tourism's
                        let ict = crate::lexicon::ICT_DOMAINS
                            .iter()
                            .filter_map(|n| lex.feature(n))
                            .any(|f| lv.l[..4].iter().any(|l| l.has(f)))
                            || hay[s.start..q.start].contains("ngành");
                        let revenue = revenue && ict;
                        let scope = out_of_scope(ctx, s, q, rg, &claim, traps);
                        if let (true, Some((kind, reason))) = (revenue, &scope) {
                            m.kind = *kind;
                            m.reason = reason.clone();
                        } else if revenue {
                            m.kind = MentionKind::Metric;
                            m.value = Some(pct);
                            m.reason = "revenue growth rate (tăng X% ...)".into();
                            m.claim = Some(claim);
                        } else {
                            m.reason = "comparison with no figure to attach to".into();
                        }
                    } else {
                        m.reason = "comparison with no figure to attach to".into();
                    }
                }
            }
            out.push(m);
            continue;
        }
        // district and company figures are not province facts
        // a district named as the figure's near subject (`huyện Hướng Hóa mới đạt 78 máy/100 dân`),
        // not a place where the activity happened earlier in the clause
        let left_text = &doc.text[left_start[i]..q.start];
        let near: String = {
            let words: Vec<&str> = left_text.split_whitespace().collect();
            words[words.len().saturating_sub(8)..].join(" ")
        };
        // `Trên huyện đảo Phú Quốc, tổng số máy điện thoại đạt 24.600 máy`: the sentence opens
        // on a district
        let opening = &doc.text[s.start..q.start];
        let opening = opening.find(',').filter(|&k| k <= 60).map_or("", |k| &opening[..k]);
        let local = ["Tại ", "Trên ", "Ở ", "Riêng ", "Đối với ", "tại ", "trên ", "ở ", "riêng "]
            .iter()
            .any(|w| opening.trim_start().starts_with(w));
        // (`Tại thành phố Cần Thơ, ...` names a province-level city)
        let local_district =
            local && district_re().is_match(opening) && ctx.res.provinces.find_all(&hay[s.start..s.start + opening.len()]).is_empty();
        // `Thành phố Tuy Hòa có 58.200 máy, mật độ trên 40 máy/100 dân`: a district is the subject
        let subject_district = {
            let subject = doc.text[s.start..q.start].trim_start();
            ["Thành phố ", "Huyện ", "Thị xã ", "Quận ", "TP. ", "TP "]
                .iter()
                .any(|w| subject.strip_prefix(w).is_some_and(|r| r.starts_with(char::is_uppercase)))
                && {
                    let name_end = floor_char_boundary(hay, (s.start + 40).min(q.start));
                    ctx.res.provinces.find_all(&hay[s.start..name_end]).is_empty()
                }
        };
        // in an article about one district, what no sentence claims for the province is the district's
        let district_article = ctx.scope.district && wide.is_empty() && ctx.res.provinces.find_all(&hay[s.start..s.end]).is_empty();
        if district_re().is_match(&near) || local_district || subject_district || district_article {
            let mut m = base.clone();
            m.kind = MentionKind::District;
            m.reason = "figure about a district or city, not the province".into();
            out.push(m);
            continue;
        }
        // a share of a subgroup, of a whole's composition, or a level not reached (`part`)
        if q.unit_kind == UnitKind::Percent
            && let Some(reason) = super::part::judge(&lex.part, hay, left_start[i], right_end[i], q.start, q.end)
        {
            let mut m = base.clone();
            m.reason = reason.into();
            out.push(m);
            continue;
        }
        // `trong khi con số này của cả nước là 24,1`: a bare national level has its province
        // figure's unit
        let restated;
        let q = match lv.context_unit {
            Some(u) if lv.reference && q.unit_kind == UnitKind::Bare => {
                restated = Quantity { unit_kind: u, ..q.clone() };
                &restated
            }
            _ => q,
        };
        match best_metric(ctx, q, &lv) {
            Some((mi, score, ri)) => {
                let metric = &ctx.res.catalog.metrics[mi];
                let claim = make_claim(ctx, &cues, si, traps, q, &lv, left_start[i], metric, &mut last_basis_cue);
                // a part of a breakdown (`1.911 trạm, chia ra 502 trạm 2G ...`) restates its whole's metric
                // a part named by its mobile generation (`trong đó có 310 trạm phát sóng 4G mới`) is
                // a subset whatever its stock or flow wording
                let generation = {
                    let to = floor_char_boundary(hay, (q.end + 24).min(s.end));
                    let after = &hay[q.end..to];
                    ["2g", "3g", "4g", "5g"].iter().any(|g| after.contains(g))
                };
                let whole = out.iter().find(|w| {
                    w.claim.as_ref().is_some_and(|c| {
                        c.metric == claim.metric
                            && (c.basis == claim.basis || generation)
                            && c.status == claim.status
                            && c.period == claim.period
                    }) && {
                        let between = &hay[w.end..q.start];
                        // `14 cuộc thanh tra, kiểm tra (4 cuộc theo kế hoạch và 10 cuộc đột xuất)`
                        // (a national level in parentheses is no part: `bình quân cả nước (5,9 ...)`)
                        let in_parentheses = between.contains('(')
                            && !between.contains(')')
                            && !lv.reference
                            && w.value.is_some_and(|whole| q.value < whole);
                        in_parentheses || !lex.breakdown.find_all(between).is_empty()
                    }
                });
                if let Some(w) = whole {
                    let mut m = base.clone();
                    m.reason = format!("part of a breakdown of the {} figure at byte {}", claim.metric, w.start);
                    out.push(m);
                    continue;
                }
                if let Some((kind, reason)) = out_of_scope(ctx, s, q, metric, &claim, traps) {
                    let mut m = base.clone();
                    m.kind = kind;
                    m.reason = reason;
                    out.push(m);
                    continue;
                }
                let mut m = base.clone();
                m.kind = MentionKind::Metric;
                let feats: Vec<&str> = metric.rules[ri].all.iter().map(|&f| lex.feature_names[f].as_str()).collect();
                m.reason = format!("rule {} of {} [{}] scored {score:.2}", ri + 1, metric.id, feats.join(", "));
                if q.malformed {
                    m.reason.push_str("; digits do not group in threes, best reading kept");
                }
                let mut claim = claim;
                if let Some(w) = q.words_value
                    && (w - q.value).abs() > 0.005 * q.value.abs().max(1.0)
                {
                    claim.words_mismatch = Some(w);
                }
                m.claim = Some(claim);
                last_metric = Some(out.len());
                out.push(m);
            }
            None => {
                // one figure for two media (`sóng phát thanh và truyền hình phủ 98% dân số`):
                // a fact for each, read with one medium at a time
                let shared = shared_media(ctx, si, traps, q, &lv, left_start[i], &cues, s);
                if !shared.is_empty() {
                    for (metric, claim) in shared {
                        let mut m = base.clone();
                        m.kind = MentionKind::Metric;
                        m.reason = format!("{metric}: one figure stated for two media");
                        m.claim = Some(claim);
                        out.push(m);
                    }
                    continue;
                }
                let mut m = base.clone();
                let names = lv.l[0].names(lex);
                m.reason = if names.is_empty() {
                    "no metric rule matched; no feature words in its clause".into()
                } else {
                    format!("no metric rule matched; clause features: {}", names.join(", "))
                };
                out.push(m);
            }
        }
    }
    out
}

/// `A và B lần lượt đạt X và Y`: the k-th figure after `lần lượt` takes the k-th rival
/// feature named before it (and a bare figure takes the unit of the last one).
fn respectively(ctx: &DocCtx<'_>, from: usize, to: usize, qs: &[Quantity], mut levels: Vec<Levels>) -> (Vec<Quantity>, Vec<Levels>) {
    let mut qs = qs.to_vec();
    let hay = &ctx.hay;
    let lex = &ctx.res.lexicon;
    let Some(at) = hay[from..to].find("lần lượt").map(|i| from + i) else {
        return (qs, levels);
    };
    let clause_start = hay[from..at].rfind(';').map_or(from, |i| from + i + 1);
    let clause_end = hay[at..to].find(';').map_or(to, |i| at + i);
    let after: Vec<usize> = (0..qs.len()).filter(|&i| qs[i].start > at && qs[i].end <= clause_end).collect();
    if after.len() < 2 {
        return (qs, levels);
    }
    // rival features (one slot) named before `lần lượt`, in order of appearance
    let mut named: Vec<(usize, usize)> = Vec::new();
    for &(pos, _, f) in ctx.features.hits_in(clause_start, at) {
        if lex.feature_slot[f].is_some() && !named.iter().any(|&(_, g)| g == f) {
            named.push((pos, f));
        }
    }
    let slot = named.first().and_then(|(_, f)| lex.feature_slot[*f].clone());
    let named: Vec<usize> = named
        .into_iter()
        .filter(|(_, f)| lex.feature_slot[*f] == slot)
        .map(|(_, f)| f)
        .collect();
    if named.len() != after.len() {
        return (qs, levels);
    }
    let last_unit = (
        qs[*after.last().expect("two or more")].unit_kind,
        qs[*after.last().expect("two")].unit_start,
        qs[*after.last().expect("two")].unit_end,
    );
    for (k, &i) in after.iter().enumerate() {
        let mut keep = FeatSet(u128::MAX);
        for &g in &named {
            keep = FeatSet(keep.0 & !(1u128 << g));
        }
        let lv = &mut levels[i];
        lv.l[0] = lv.l[0].mask(keep);
        lv.l[0].add(named[k]);
        lv.left = lv.left.mask(keep);
        lv.left.add(named[k]);
        for l in 1..lv.l.len() {
            lv.l[l] = lv.l[l].mask(keep);
        }
        if qs[i].unit_kind == UnitKind::Bare && last_unit.0 != UnitKind::Bare {
            qs[i].unit_kind = last_unit.0;
        }
    }
    (qs, levels)
}

/// Claims for a figure whose own clause names two media joined as one subject (radio and
/// television): each medium's metric, read with the other medium masked out.
#[allow(clippy::too_many_arguments)]
fn shared_media(
    ctx: &DocCtx<'_>,
    si: usize,
    traps: &[Trap],
    q: &Quantity,
    lv: &Levels,
    left_start: usize,
    cues: &SentenceCues,
    s: crate::records::Sentence,
) -> Vec<(String, Claim)> {
    let lex = &ctx.res.lexicon;
    let (Some(radio), Some(tv)) = (lex.feature("radio"), lex.feature("tv")) else {
        return Vec::new();
    };
    if !(lv.l[0].has(radio) && lv.l[0].has(tv)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for drop in [tv, radio] {
        let mut one = *lv;
        for k in 0..one.l.len() {
            one.l[k] = one.l[k].mask(FeatSet(!(1u128 << drop)));
        }
        one.left = one.left.mask(FeatSet(!(1u128 << drop)));
        if let Some((mi, _, _)) = best_metric(ctx, q, &one) {
            let metric = &ctx.res.catalog.metrics[mi];
            let claim = make_claim(ctx, cues, si, traps, q, &one, left_start, metric, &mut None);
            if out_of_scope(ctx, s, q, metric, &claim, traps).is_none() {
                out.push((metric.id.clone(), claim));
            }
        }
    }
    if out.len() == 2 { out } else { Vec::new() }
}

/// Whether a classified figure falls outside what the document can state as a province fact:
/// a non-ICT document, a generic activity outside an ICT paragraph, a company's own figure,
/// a flow or amount over several years.
fn out_of_scope(
    ctx: &DocCtx<'_>,
    s: crate::records::Sentence,
    q: &Quantity,
    metric: &Metric,
    claim: &Claim,
    traps: &[Trap],
) -> Option<(MentionKind, String)> {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    if !ctx.scope.gated {
        return None;
    }
    if !ctx.scope.ict {
        return Some((MentionKind::Unclassified, format!("{}: the document is not about ICT", metric.id)));
    }
    if metric.needs_ict_context {
        let span = |p: usize| ctx.paragraph_span(p);
        let (mut ps, pe) = span(s.paragraph);
        // a line of a list (`- Số cuộc thanh tra, kiểm tra: 5 cuộc`) speaks of what its list and
        // the heading above it speak of
        let list_item = |(a, b): (usize, usize)| a < b && hay[a..b].trim_start().starts_with(['-', '+', '•', '*', '–']);
        if list_item((ps, pe)) {
            let mut p = s.paragraph;
            while p > 0 {
                p -= 1;
                let (a, b) = span(p);
                if a >= b {
                    continue;
                }
                ps = a;
                if !list_item((a, b)) {
                    break;
                }
            }
        }
        let department = !lex.department_subject.find_all(&hay[s.start..s.end]).is_empty();
        let ict_paragraph = |ps: usize, pe: usize| {
            if let Some(&known) = ctx.memo.borrow().ict_paragraph.get(&(ps, pe)) {
                return known;
            }
            let found = !lex.ict_cues.find_all(&hay[ps..pe]).is_empty();
            ctx.memo.borrow_mut().ict_paragraph.insert((ps, pe), found);
            found
        };
        // the activity continues the paragraph before (`Đồng thời, thực hiện 3 cuộc kiểm tra ...`),
        // or the title makes ICT the subject of the whole article
        let continued = || {
            let opening = hay[ps..pe].trim_start();
            let marker = [
                "đồng thời",
                "bên cạnh đó",
                "ngoài ra",
                "qua đó",
                "qua công tác",
                "cùng với đó",
                "tiếp đó",
                "sau đó",
                "cũng trong",
            ]
            .iter()
            .any(|m| opening.starts_with(m));
            marker && s.paragraph > 0 && {
                let (a, b) = span(s.paragraph - 1);
                a < b && ict_paragraph(a, b)
            }
        };
        if ps < pe && !ict_paragraph(ps, pe) && !department && !continued() && !ctx.scope.ict_title {
            return Some((
                MentionKind::Unclassified,
                format!("{}: a generic activity in a paragraph that does not speak of ICT", metric.id),
            ));
        }
    }
    let sentence = &hay[s.start..s.end];
    // In an article about a company, a figure is the company's unless the province or the
    // country is its subject: in its own clause (`Tổng số thuê bao di động của Việt Nam là 128,3
    // triệu, trong đó Viettel chiếm 49,5%`: the country's), or in a sentence that names no company
    // (`VNPT cho biết, toàn tỉnh hiện có 850 trạm`: the province's)
    let clause_start = hay[s.start..q.start].rfind([',', ';']).map_or(s.start, |k| s.start + k + 1);
    let clause_end = hay[q.end..s.end].find([',', ';']).map_or(s.end, |k| q.end + k);
    let company_in = |a: usize, b: usize| lex.feature("company").is_some_and(|f| ctx.features.set(a, b).has(f));
    let wide_in_clause = !lex.province_wide.find_all(&hay[clause_start..clause_end]).is_empty();
    let wide_in_sentence = !lex.province_wide.find_all(sentence).is_empty();
    let company_figure = company_in(clause_start, q.end) || (!wide_in_clause && (company_in(s.start, s.end) || !wide_in_sentence));
    if ctx.scope.company && company_figure {
        return Some((
            MentionKind::Company,
            format!("{}: a figure of the company the article is about, not of the province", metric.id),
        ));
    }
    if claim.status != Status::Target
        && (claim.basis == Some(Basis::Flow) || metric.default_basis.is_none() && metric.unit_kind == UnitKind::Vnd)
    {
        let before = &hay[s.start..q.start];
        let range = traps
            .iter()
            .any(|t| t.kind == MentionKind::Year && t.start >= s.start && t.end <= q.start && hay[t.start..t.end].contains(['-', '–']));
        if range || !lex.multi_year.find_all(before).is_empty() {
            return Some((
                MentionKind::Unclassified,
                format!("{}: a figure over several years, not of the report period", metric.id),
            ));
        }
    }
    None
}

/// Qualifier cues of one sentence, found once (absolute byte spans) and filtered per figure.
struct SentenceCues {
    status: Vec<(usize, usize, StatusCue)>,
    basis: Vec<(usize, usize, BasisCue)>,
}

impl SentenceCues {
    fn of(ctx: &DocCtx<'_>, s: crate::records::Sentence) -> Self {
        let lex = &ctx.res.lexicon;
        let text = &ctx.hay[s.start..s.end];
        SentenceCues {
            status: lex
                .status
                .find_all(text)
                .into_iter()
                .map(|h| (s.start + h.start, s.start + h.end, *h.tag))
                .collect(),
            basis: lex
                .basis
                .find_all(text)
                .into_iter()
                .map(|h| (s.start + h.start, s.start + h.end, *h.tag))
                .collect(),
        }
    }
}

/// Status, basis, bound, converted, period and province of a metric figure.
#[allow(clippy::too_many_arguments)]
fn make_claim(
    ctx: &DocCtx<'_>,
    cues: &SentenceCues,
    si: usize,
    traps: &[Trap],
    q: &Quantity,
    lv: &Levels,
    left_start: usize,
    metric: &Metric,
    last_basis_cue: &mut Option<Basis>,
) -> Claim {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let doc = ctx.doc;
    let s = doc.sentences[si];
    let doc_period = doc.meta.period;
    let doc_year = doc_period.map(|p| p.year);

    // status: the nearest cue to the left in the sentence
    let mut status = Status::Actual;
    let mut status_at = 0usize;
    let mut status_cue = "";
    // a cue before `; Capital` (`Mục tiêu năm 2023 đạt 84%; Số thuê bao ... đạt 22,3 triệu`)
    // belongs to the statement before it
    let statement_from = {
        let text = &doc.text[s.start..q.start];
        text.rmatch_indices(';')
            .find(|(k, _)| text[k + 1..].trim_start().chars().next().is_some_and(char::is_uppercase))
            .map_or(s.start, |(k, _)| s.start + k + 1)
    };
    for &(hs, he, tag) in cues.status.iter().filter(|h| h.1 <= q.start && h.0 >= statement_from) {
        let h = crate::text::Hit {
            start: hs,
            end: he - s.start,
            tag: &tag,
        };
        if h.end >= status_at {
            status_at = h.end;
            status_cue = &hay[hs..he];
            status = match h.tag {
                StatusCue::Estimate => Status::Estimate,
                StatusCue::Target => Status::Target,
            };
        }
    }
    let mut target_year = None;
    let sub_year = doc_period.is_some_and(|p| p.part != PeriodPart::Year);
    // a plan named in an earlier clause (`quy hoạch ... đến năm 2020; đồng thời ban hành 312 văn
    // bản`) does not make the figure a target
    let clause_from = hay[s.start..q.start].rfind(';').map_or(0, |k| k + 1);
    for c in target_year_re().captures_iter(&hay[s.start..q.start]) {
        let y: i32 = c[1].parse().unwrap_or(0);
        // a plan for a later year, or for the rest of this year in a quarterly or half-year report
        let future = doc_year.is_none_or(|dy| y > dy || (sub_year && y == dy));
        let m = c.get(0).expect("match");
        if future && m.start() >= clause_from && s.start + m.end() >= s.start + status_at {
            status_at = m.end();
            status = Status::Target;
        }
        if future && m.start() >= clause_from {
            target_year = Some(y);
        }
    }
    // `Kế hoạch năm 2017, tỉnh dự kiến phát triển ...`: what is foreseen in a plan for a later
    // year is its target, not an estimate of the period under review
    if status == Status::Estimate && status_cue.starts_with("dự kiến") && target_year.is_some() {
        status = Status::Target;
    }

    let opening_end = hay[s.start..s.end]
        .find(',')
        .filter(|&k| k <= 60)
        .map_or(s.start + 12, |k| s.start + k);
    // period: the document's, unless the figure's own clause names another
    let mut period = doc_period;
    if status == Status::Target {
        let y = target_year.or_else(|| {
            traps
                .iter()
                .filter(|t| t.kind == MentionKind::Year && t.start >= s.start && t.end <= s.end)
                // `giai đoạn 2016 - 2020` names a span, not the year planned for
                .filter(|t| t.reason != "range of years")
                // a year in a later clause (`...; xây dựng quy hoạch ... đến năm 2020`) is another plan's
                .filter(|t| t.end <= q.start || !hay[q.end..t.start.max(q.end)].contains(';'))
                // `so với năm 2016` names the base, not the year planned for
                .filter(|t| !hay[floor_char_boundary(hay, t.start.saturating_sub(16))..t.start].contains("so với"))
                .filter_map(|t| t.year)
                .filter(|y| doc_year.is_none_or(|dy| *y >= dy))
                .min_by_key(|y| (*y - doc_year.unwrap_or(*y)).abs())
        });
        match (y, doc_period) {
            (Some(y), _) => period = Some(Period::year(y)),
            // a target with no year in a year-end review is for the next year; in a quarterly or
            // half-year report, for the year under way
            (None, Some(dp)) => period = Some(Period::year(if dp.part == PeriodPart::Year { dp.year + 1 } else { dp.year })),
            (None, None) => {}
        }
    } else {
        let own: Vec<&Trap> = traps
            .iter()
            .filter(|t| matches!(t.kind, MentionKind::Year | MentionKind::Period) && t.start >= s.start && t.end <= q.start)
            // the figure's own clause, or the sentence's opening clause (`Năm 2019, ...`,
            // `Nhìn lại cả năm 2018, ...`)
            .filter(|t| (t.start >= left_start && t.start >= s.start + clause_from) || t.end <= opening_end)
            .filter(|t| {
                let before = &hay[floor_char_boundary(hay, t.start.saturating_sub(16))..t.start];
                !before.contains("so với")
            })
            .collect();
        let year = own.iter().rev().find_map(|t| t.year);
        let part = own.iter().rev().find(|t| t.kind == MentionKind::Period).and_then(|t| {
            let text = &hay[t.start..t.end];
            let full = &hay[t.start..floor_char_boundary(hay, (t.end + 24).min(hay.len()))];
            if text.starts_with("quý") || full.starts_with("quý") {
                let after = text.trim_start_matches("quý").trim_start();
                let token: String = after.chars().take_while(|c| crate::text::is_letter_or_digit(*c)).collect();
                let q = match token.as_str() {
                    "i" | "1" => 1,
                    "ii" | "2" => 2,
                    "iii" | "3" => 3,
                    "iv" | "4" => 4,
                    _ => return None,
                };
                Some(PeriodPart::Quarter(q))
            } else {
                let n: u8 = text.trim().parse().ok()?;
                // `10 tháng đầu năm`: the first n months
                Period::first_months(0, n).map(|p| p.part)
            }
        });
        match (year, part, doc_period) {
            (Some(y), p, Some(dp)) if y != dp.year => {
                let same_span = hay[floor_char_boundary(hay, left_start.saturating_sub(0))..q.start].contains("cùng kỳ");
                period = Some(Period {
                    year: y,
                    part: p.unwrap_or(if same_span { dp.part } else { PeriodPart::Year }),
                });
            }
            (Some(y), p, None) => {
                period = Some(Period {
                    year: y,
                    part: p.unwrap_or(PeriodPart::Year),
                })
            }
            (_, Some(p), Some(dp)) => {
                period = Some(Period {
                    year: year.unwrap_or(dp.year),
                    part: p,
                })
            }
            _ => {}
        }
        if let Some(p) = month_window(&hay[s.start..q.start], doc_year) {
            period = Some(p);
        }
    }

    // `Vietnam ICT Index 2014 công bố cuối năm 2015, ... xếp thứ 27/63`: the index's year, not
    // the year it was published
    if metric.unit_kind == UnitKind::Rank {
        static INDEX_YEAR: OnceLock<Regex> = OnceLock::new();
        let re = INDEX_YEAR.get_or_init(|| Regex::new(r"index\s+(?:năm\s+)?((?:19|20)[0-9][0-9])(?-u:\b)").expect("index-year pattern"));
        if let Some(y) = re
            .captures_iter(&hay[s.start..q.start])
            .last()
            .and_then(|c| c[1].parse::<i32>().ok())
            && status != Status::Target
        {
            period = Some(Period::year(y));
        }
    }
    // `vượt chỉ tiêu 11 thuê bao/100 dân đề ra`: the target set for the period under review
    if status == Status::Target && target_year.is_none() {
        let cue_at = hay[..q.start].rfind(status_cue).filter(|_| !status_cue.is_empty());
        let reviewed = cue_at.is_some_and(|k| {
            let before = hay[s.start..k].trim_end();
            ["vượt", "so với", "hoàn thành", "bằng"].iter().any(|w| before.ends_with(w))
        });
        if reviewed {
            period = doc_period;
        }
    }
    // `thứ 4 năm 2015`, `0,85 máy/100 dân vào năm 2007`: a year right after the figure is its own
    if status != Status::Target {
        static AFTER: OnceLock<Regex> = OnceLock::new();
        let re =
            AFTER.get_or_init(|| Regex::new(r"^\s*(?:vào\s+)?(?:cuối\s+|hết\s+)?năm\s+([0-9]{4})(?-u:\b)").expect("year-after pattern"));
        let to = floor_char_boundary(hay, (q.end + 24).min(s.end));
        if let Some(y) = re.captures(&hay[q.end..to]).and_then(|c| c[1].parse::<i32>().ok()) {
            period = Some(Period::year(y));
        }
    }
    // `tăng 7 bậc so với năm 2013 (xếp thứ 38/63)`: the baseline's own figure, of its year
    if status != Status::Target {
        static BASELINE: OnceLock<Regex> = OnceLock::new();
        let re = BASELINE.get_or_init(|| Regex::new(r"so với (?:cùng kỳ )?năm ([0-9]{4})\s*\([^()]{0,24}$").expect("baseline pattern"));
        let from = floor_char_boundary(hay, q.start.saturating_sub(80).max(s.start));
        if let Some(y) = re.captures(&hay[from..q.start]).and_then(|c| c[1].parse::<i32>().ok()) {
            period = Some(Period::year(y));
        }
    }
    // a rank is of a year (`công bố trong quý II, ... ICT Index năm 2020`)
    if metric.unit_kind == UnitKind::Rank {
        period = period.map(|p| Period::year(p.year));
    }

    // basis, for counts
    let basis = metric.default_basis.map(|default| {
        if metric.basis_fixed {
            return default;
        }
        let mut strong: Option<(usize, Basis)> = None;
        let mut decisive = false;
        let mut weak: Option<(usize, Basis)> = None;
        for &(hs, he, tag) in cues.basis.iter().filter(|h| h.0 >= left_start && h.1 <= q.start) {
            let h = crate::text::Hit {
                start: hs,
                end: he - left_start,
                tag: &tag,
            };
            let (slot, b) = match h.tag {
                BasisCue::StockDecisive => {
                    decisive = true;
                    (&mut strong, Basis::Stock)
                }
                BasisCue::StockStrong => (&mut strong, Basis::Stock),
                BasisCue::FlowStrong => (&mut strong, Basis::Flow),
                BasisCue::FlowWeak => (&mut weak, Basis::Flow),
            };
            if slot.is_none_or(|(e, _)| h.end >= e) {
                *slot = Some((h.end, b));
            }
        }
        // `có thêm 14.500 thuê bao phát triển trong năm`: a strong cue right after the figure
        if strong.is_none() {
            let right_end = floor_char_boundary(hay, (q.end + 60).min(s.end));
            let after = &hay[q.end..right_end];
            let clause_end = after.find([',', ';', '(', '.']).unwrap_or(after.len());
            if let Some(h) = lex
                .basis
                .find_all(&after[..clause_end])
                .into_iter()
                .find(|h| *h.tag != BasisCue::FlowWeak)
            {
                strong = Some((
                    0,
                    if *h.tag == BasisCue::StockStrong {
                        Basis::Stock
                    } else {
                        Basis::Flow
                    },
                ));
            }
        }
        let cue = if decisive {
            Some(Basis::Stock)
        } else {
            strong.or(weak).map(|(_, b)| b)
        };
        if let Some(b) = cue {
            *last_basis_cue = Some(b);
        }
        cue.or(*last_basis_cue).unwrap_or(default)
    });

    // bound: a cue right before the number
    let before = hay[..q.start].trim_end();
    let bound = lex.bound.longest_ending_at(hay, before.len()).map(|h| *h.tag);

    // `thuê bao quy đổi`, `212.000 thuê bao quy đổi`; a density after a converted count in the
    // same sentence is converted too
    let converted = match metric.unit_kind {
        UnitKind::Subscribers => lex.feature("converted").is_some_and(|f| lv.l[0].has(f)),
        UnitKind::Per100 => lex
            .feature("converted")
            .is_some_and(|f| (0..3).any(|k| lv.l[k].has(f)) || lv.l[TAIL].has(f)),
        _ => false,
    };

    // province: the document's, unless the figure's subject names the country or another one
    let mut province = doc.meta.province.clone();
    // `cả nước ... 133 thuê bao/100 dân, trong khi tỉnh đạt 118`: the province speaks again
    let provincial_here = lex.feature("provincial").is_some_and(|f| lv.left.has(f));
    // `thấp hơn tỷ lệ 35,6% của cả nước`: the country named right after the figure
    let national_after = lex.feature("national").is_some_and(|f| {
        let after_end = floor_char_boundary(hay, (q.end + 24).min(doc.sentences[si].end));
        ctx.features.set(q.end, after_end).has(f) && hay[q.end..after_end].trim_start().starts_with("của")
    });
    let national_here = national_after
        || lex
            .feature("national")
            .is_some_and(|f| lv.left.has(f) || (!provincial_here && (lv.l[1].has(f) || lv.l[2].has(f))));
    if national_here && metric.unit_kind != UnitKind::Rank {
        province = Some(ProvinceRef {
            name: NATIONAL.into(),
            code: String::new(),
        });
    } else {
        let own = &hay[left_start..q.start];
        let mut named: Vec<usize> = ctx.res.provinces.find_all(own).iter().map(|h| *h.tag).collect();
        if named.is_empty() && ctx.scope.multi_province {
            // a round-up: the province named last before the figure in its paragraph
            let para_start = ctx.paragraph_span(s.paragraph).0.min(s.start);
            named = ctx
                .res
                .provinces
                .find_all(&hay[para_start..q.start])
                .iter()
                .map(|h| *h.tag)
                .collect();
        }
        if let Some(&p) = named.last() {
            let r = ctx.res.provinces.reference(p);
            if province.as_ref().is_none_or(|d| d.name != r.name) {
                province = Some(r);
            }
        }
    }

    Claim {
        metric: metric.id.clone(),
        status,
        basis,
        bound,
        converted,
        period,
        province,
        growth_pct: None,
        plan_share_pct: None,
        words_mismatch: None,
    }
}

/// Rule `period.month_window`: a month named before the figure in its sentence dates it.
/// `tính đến hết tháng 10/2017` (a level at the end of October) is the first ten months,
/// `2017-10M`; `đến cuối tháng 6/2012` is `2012-H1`; `trong tháng 11/2011` is that one month,
/// `2011-M11`. A month after `so với` or `cùng kỳ` is a baseline, not the figure's window. The
/// month's year comes from the phrase, else from the document.
fn month_window(before: &str, doc_year: Option<i32>) -> Option<Period> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?:(đến|tới)\s+(?:hết\s+|cuối\s+|ngày\s+[0-9]{1,2}\s*/\s*)?|(trong)\s+)tháng\s+([0-9]{1,2})(?:\s*/\s*|\s+năm\s+)?((?:19|20)[0-9]{2})?(?-u:\b)",
        )
        .expect("month-window pattern")
    });
    let c = re.captures_iter(before).last()?;
    let at = c.get(0)?.start();
    let lead = &before[floor_char_boundary(before, at.saturating_sub(20))..at];
    if lead.contains("so với") || lead.contains("cùng kỳ") {
        return None;
    }
    let m: u8 = c[3].parse().ok()?;
    let year = c.get(4).and_then(|y| y.as_str().parse().ok()).or(doc_year)?;
    if c.get(2).is_some() {
        return (1..=12).contains(&m).then_some(Period {
            year,
            part: PeriodPart::Month(m),
        });
    }
    Period::first_months(year, m)
}

/// Rule `revenue.growth_rate`: a growth rate stated with a revenue figure (`doanh thu ... ước đạt
/// 74.900 tỷ đồng, tăng 10,2% so với cùng kỳ`) is a `revenue_growth_pct` fact of the same
/// province, period and status, besides the revenue's `growth_pct` column. Only a rise or fall
/// (`tăng`, `giảm`) is a rate; an index (`bằng 109% so với cùng kỳ`) is not converted, and
/// growth of counts (subscribers, stations) is never a fact.
fn revenue_growth_rate(revenue: &Claim, verb: bool, pct: f64) -> Option<Claim> {
    if !verb || !revenue.metric.ends_with("revenue") || !pct.is_finite() {
        return None;
    }
    Some(Claim {
        metric: "revenue_growth_pct".into(),
        basis: None,
        bound: None,
        converted: false,
        growth_pct: None,
        plan_share_pct: None,
        words_mismatch: None,
        ..revenue.clone()
    })
}
