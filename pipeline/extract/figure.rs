//! One figure of a sentence, with what the sentence has decided for it.
//!
//! Input: made by [`super::classify`] for each figure of a sentence. Output: read by the
//! per-figure rules (the claim's qualifiers in [`super::claim`], comparisons in
//! [`super::attach`], shared media in [`super::scope`]) instead of a long parameter list.
//! Invariant: `q` is `qs[i]`, or a restatement of it (a bare national level read with its
//! province figure's unit); `lv` is the figure's feature levels, or a copy with features masked.

use super::claim::SentenceCues;
use super::metric::Levels;
use super::traps::Trap;
use super::{DocCtx, Quantity};

/// A figure of a sentence and its context. `Copy`: a rule that reads the figure another way
/// (another unit, a masked feature) makes `Figure { lv: &other, ..*f }`.
#[derive(Clone, Copy)]
pub(super) struct Figure<'c, 'd> {
    pub ctx: &'c DocCtx<'d>,
    pub cues: &'c SentenceCues,
    /// The sentence's index.
    pub si: usize,
    pub traps: &'c [Trap<'c>],
    /// The figure.
    pub q: &'c Quantity,
    /// The sentence's figures; the figure is (read from) `qs[i]`.
    pub qs: &'c [Quantity],
    pub i: usize,
    pub lv: &'c Levels,
    /// Where the figure's own clause starts.
    pub left_start: usize,
    /// Where the clause of the first figure it continues starts (its context figure's, and
    /// that one's, up the chain; `left_start` when it continues none): rule
    /// `period.context_clause` reads the year there.
    pub chain_start: usize,
}
