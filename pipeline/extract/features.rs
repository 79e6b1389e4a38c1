//! Feature occurrences: which catalog feature words a document names, and where.
//!
//! Input: the lexicon's feature phrases and the document's match form. Output: a
//! [`FeatureIndex`] of (start, end, feature), longest match shadowing a shorter one of another
//! feature, built once per document; [`FeatSet`] bit sets answer "which features lie in this
//! span" by lookup. Invariant: unit nouns (`u_*`) are not indexed (they are read from each
//! figure's own unit).

use crate::lexicon::Lexicon;
use crate::text::DocHits;

/// A set of feature ids (the lexicon has fewer than 128 features; checked at load).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeatSet(pub(super) u128);

impl FeatSet {
    pub fn has(self, f: usize) -> bool {
        f < 128 && self.0 & (1u128 << f) != 0
    }
    pub(super) fn add(&mut self, f: usize) {
        if f < 128 {
            self.0 |= 1u128 << f;
        }
    }
    pub(super) fn union(self, o: FeatSet) -> FeatSet {
        FeatSet(self.0 | o.0)
    }
    /// Whether the set holds any feature of `mask` (a lexicon mask: a slot's members, the ICT
    /// revenue domains).
    pub(super) fn meets(self, mask: u128) -> bool {
        self.0 & mask != 0
    }
    pub(super) fn mask(self, m: FeatSet) -> FeatSet {
        FeatSet(self.0 & m.0)
    }
    /// The names of the features in the set, in the lexicon's order.
    ///
    /// Walks the set's bits, lowest first, rather than testing every feature of the lexicon:
    /// an unclassified figure's reason names its clause's features, and asking each of the
    /// lexicon's ~100 features cost 17 M instructions on 1 000 bench documents for the two or
    /// three a clause holds.
    pub fn names(self, lex: &Lexicon) -> impl Iterator<Item = &str> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let f = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                f
            })
        })
        // (ids come in increasing order: the first one past the lexicon ends the walk)
        .take_while(|&f| f < lex.feature_names.len())
        .map(|f| lex.feature_names[f].as_str())
    }
}

/// Feature occurrences of one document, longest-match shadowed.
#[derive(Debug, Default)]
pub struct FeatureIndex {
    /// (start, end, feature), sorted by start.
    hits: Vec<(usize, usize, usize)>,
}

impl FeatureIndex {
    pub fn new(lex: &Lexicon, hay: &str, doc: &DocHits) -> Self {
        // unit nouns (`u_*`) are read from each figure's unit, not from running text
        let all: Vec<(usize, usize, usize)> = lex
            .features
            .iter_in(hay, doc, 0, hay.len())
            .filter(|h| !lex.feature_names[*h.tag].starts_with("u_"))
            .map(|h| (h.start, h.end, *h.tag))
            .collect();
        // `điện thoại di động` is mobile, not also telephone: drop a hit that lies inside a
        // longer hit of another feature; but a source (`theo Cục Viễn thông`, feature
        // `ministry`) says who gives the figure, and the words inside it still say what it is
        let source = lex.code.ministry;
        let mut hits = Vec::with_capacity(all.len());
        // (the hits come in order of start, so the first that can hold hit i only moves on: a
        // pointer, not a binary search per hit)
        let mut lo = 0;
        for (i, &(s, e, f)) in all.iter().enumerate() {
            while all[lo].0 + 96 < s {
                lo += 1;
            }
            debug_assert_eq!(lo, all.partition_point(|h| h.0 + 96 < s));
            let shadowed = all[lo..]
                .iter()
                .take_while(|h| h.0 <= s)
                .enumerate()
                .any(|(k, &(os, oe, of))| lo + k != i && of != f && of != source && os <= s && e <= oe && (oe - os) > (e - s));
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The set's names by its bits are those of every lexicon feature the set has, in the
        /// lexicon's order, bits past the lexicon's features ignored.
        #[test]
        fn names_by_bits_are_the_features_the_set_has(lo in proptest::num::u64::ANY, hi in proptest::num::u64::ANY) {
            let lex = &crate::extract::tests::res().lexicon;
            let set = FeatSet((u128::from(hi) << 64) | u128::from(lo));
            let every: Vec<&str> = (0..lex.feature_names.len())
                .filter(|&f| set.has(f))
                .map(|f| lex.feature_names[f].as_str())
                .collect();
            proptest::prop_assert_eq!(set.names(lex).collect::<Vec<_>>(), every);
        }
    }

    #[test]
    fn an_empty_set_has_no_names_and_a_full_one_every_name() {
        let lex = &crate::extract::tests::res().lexicon;
        assert_eq!(FeatSet::default().names(lex).count(), 0);
        let all: Vec<&str> = lex.feature_names.iter().map(String::as_str).collect();
        assert_eq!(FeatSet(u128::MAX).names(lex).collect::<Vec<_>>(), all);
    }
}
