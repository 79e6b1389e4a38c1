//! The metric catalog: ids, units, tiers and the rules that classify a figure.
//!
//! Input: `schemas/metrics.toml`; its feature names are resolved against the `Lexicon`.
//! Output: [`Catalog`]. Invariant: every rule names only features the lexicon defines, and
//! every metric's unit is one the pipeline knows how to normalize.

use std::path::Path;

use serde::Deserialize;

use crate::lexicon::Lexicon;
use crate::records::{Basis, UnitKind};
use crate::{Error, Result};

#[derive(Debug, Deserialize)]
struct CatalogFile {
    schema_version: String,
    metric: Vec<MetricDef>,
}

#[derive(Debug, Deserialize)]
struct MetricDef {
    id: String,
    tier: String,
    unit: String,
    meaning: String,
    #[serde(default)]
    wording: String,
    #[serde(default)]
    basis: Option<String>,
    #[serde(default)]
    basis_fixed: bool,
    #[serde(default)]
    origin: Option<String>,
    #[serde(default)]
    context: Option<String>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    per_capita_max: Option<f64>,
    #[serde(default)]
    density_of: Option<String>,
    #[serde(default)]
    event_dated: bool,
    rules: Vec<RuleDef>,
}

#[derive(Debug, Deserialize)]
struct RuleDef {
    all: Vec<String>,
    #[serde(default)]
    none: Vec<String>,
    #[serde(default = "one")]
    weight: f64,
}

fn one() -> f64 {
    1.0
}

/// A classification rule over feature ids.
#[derive(Debug, Clone)]
pub struct Rule {
    pub all: Vec<usize>,
    /// `all` as a bit mask (bit = feature id; the lexicon has at most 128 features).
    pub all_mask: u128,
    pub none: Vec<usize>,
    pub weight: f64,
}

/// One metric of the catalog.
#[derive(Debug, Clone)]
pub struct Metric {
    pub id: String,
    pub tier: String,
    pub unit: String,
    pub unit_kind: UnitKind,
    pub meaning: String,
    pub wording: String,
    pub default_basis: Option<Basis>,
    /// The basis is always the default (activities of the period).
    pub basis_fixed: bool,
    /// The figure's paragraph must speak of ICT (generic activities).
    pub needs_ict_context: bool,
    /// In the spec's catalog (scored by `eval`), or one of ictstat's own (`origin = "ictstat"`).
    pub in_spec: bool,
    pub max: Option<f64>,
    /// Rule `metric.min`: the smallest value a statement of this metric can have; a smaller
    /// figure counts something else its clause names and is not read as this metric.
    pub min: Option<f64>,
    pub per_capita_max: Option<f64>,
    pub density_of: Option<String>,
    /// Rule `period.event_day`: a figure of one act (a fine decided, an inspection made) that
    /// its own sentence dates to a day is of that day's month.
    pub event_dated: bool,
    pub rules: Vec<Rule>,
}

/// The catalog, in file order.
#[derive(Debug)]
pub struct Catalog {
    pub version: String,
    pub metrics: Vec<Metric>,
    /// Every metric's rules in one flat list, in catalog order: the per-figure search for the
    /// rules a figure's features can satisfy walks it (a few words per rule) instead of the
    /// metrics and their rule vectors in turn.
    pub rules: Vec<RuleRef>,
    /// The rules of [`Catalog::rules`] (their indices, ascending) filed under the first feature
    /// (the lowest bit of `all_mask`) each needs; a rule that needs none is in `featureless`.
    /// [`Catalog::rules_within`] reads it.
    by_first_feature: Vec<Vec<u32>>,
    featureless: Vec<u32>,
}

/// One rule of the catalog, as the per-figure search first tests it.
#[derive(Debug, Clone, Copy)]
pub struct RuleRef {
    /// The rule's `all_mask`.
    pub all_mask: u128,
    /// Its metric's `unit_kind`.
    pub unit_kind: UnitKind,
    /// Index of the metric in [`Catalog::metrics`].
    pub metric: u32,
    /// Index of the rule in the metric's `rules`.
    pub rule: u32,
}

impl Catalog {
    pub fn parse(toml_text: &str, lexicon: &Lexicon, origin: &Path) -> Result<Self> {
        let path = origin.join("metrics.toml");
        let file: CatalogFile = toml::from_str(toml_text).map_err(|e| Error::config("metric catalog", &path, e))?;
        let mut metrics = Vec::new();
        for m in file.metric {
            let bad = |reason: String| Error::config("metric catalog", &path, format!("metric {}: {reason}", m.id));
            let unit_kind = UnitKind::parse(&m.unit).ok_or_else(|| bad(format!("unknown unit {:?}", m.unit)))?;
            let default_basis = match m.basis.as_deref() {
                None => None,
                Some(b) => Some(Basis::parse(b).ok_or_else(|| bad(format!("unknown basis {b:?}")))?),
            };
            if !matches!(m.tier.as_str(), "core" | "extended") {
                return Err(bad(format!("tier must be core or extended, not {:?}", m.tier)));
            }
            let resolve = |names: &[String]| -> Result<Vec<usize>> {
                names
                    .iter()
                    .map(|n| lexicon.feature(n).ok_or_else(|| bad(format!("rule names unknown feature {n:?}"))))
                    .collect()
            };
            let needs_ict_context = match m.context.as_deref() {
                None => false,
                Some("ict") => true,
                Some(other) => return Err(bad(format!("unknown context {other:?} (ict)"))),
            };
            let mut rules = Vec::new();
            for r in &m.rules {
                let all = resolve(&r.all)?;
                rules.push(Rule {
                    all_mask: all.iter().fold(0u128, |m, &f| m | (1u128 << f)),
                    all,
                    none: resolve(&r.none)?,
                    weight: r.weight,
                });
            }
            if rules.is_empty() {
                return Err(bad("has no rules".into()));
            }
            if let Some(min) = m.min
                && (min < 0.0 || m.max.is_some_and(|max| max <= min))
            {
                return Err(bad(format!("min {min} must be at least 0 and below max")));
            }
            metrics.push(Metric {
                id: m.id,
                tier: m.tier,
                unit: m.unit,
                unit_kind,
                meaning: m.meaning,
                wording: m.wording,
                default_basis,
                basis_fixed: m.basis_fixed,
                needs_ict_context,
                in_spec: m.origin.as_deref().is_none_or(|o| o == "spec"),
                max: m.max,
                min: m.min,
                per_capita_max: m.per_capita_max,
                density_of: m.density_of,
                event_dated: m.event_dated,
                rules,
            });
        }
        let mut seen = std::collections::HashSet::new();
        for m in &metrics {
            if !seen.insert(m.id.as_str()) {
                return Err(Error::config("metric catalog", &path, format!("metric {} is defined twice", m.id)));
            }
        }
        for m in &metrics {
            if let Some(d) = &m.density_of
                && !seen.contains(d.as_str())
            {
                return Err(Error::config(
                    "metric catalog",
                    &path,
                    format!("metric {}: density_of names unknown metric {d}", m.id),
                ));
            }
        }
        let rules: Vec<RuleRef> = metrics
            .iter()
            .enumerate()
            .flat_map(|(mi, m)| {
                m.rules.iter().enumerate().map(move |(ri, r)| RuleRef {
                    all_mask: r.all_mask,
                    unit_kind: m.unit_kind,
                    metric: mi as u32,
                    rule: ri as u32,
                })
            })
            .collect();
        // (features are bits of a u128: a rule's first feature is below 128)
        let mut by_first_feature = vec![Vec::new(); u128::BITS as usize];
        let mut featureless = Vec::new();
        for (k, r) in rules.iter().enumerate() {
            match r.all_mask {
                0 => featureless.push(k as u32),
                m => by_first_feature[m.trailing_zeros() as usize].push(k as u32),
            }
        }
        Ok(Catalog {
            version: file.schema_version,
            metrics,
            rules,
            by_first_feature,
            featureless,
        })
    }

    /// Rule `metric.rule_index`: the indices in [`Catalog::rules`], ascending (catalog order),
    /// of the rules every feature of which is in `present` (`all_mask & !present == 0`). A figure
    /// names a handful of the lexicon's features, so only the rules filed under those features
    /// are tested, not the whole catalog: on 1 000 bench documents the test of every rule for
    /// every figure cost 40 M instructions. Example: a figure whose clause names `thuê bao` and
    /// `di động` gets the rules that need those two or fewer, and no rule that also needs
    /// `cố định`.
    pub fn rules_within(&self, present: u128) -> smallvec::SmallVec<[u32; 16]> {
        let mut out: smallvec::SmallVec<[u32; 16]> = self.featureless.iter().copied().collect();
        let mut bits = present;
        while bits != 0 {
            let f = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            out.extend(
                self.by_first_feature[f]
                    .iter()
                    .copied()
                    .filter(|&k| self.rules[k as usize].all_mask & !present == 0),
            );
        }
        // (each rule is filed once, so the indices are distinct: an unstable sort is exact)
        out.sort_unstable();
        out
    }

    /// A metric of the spec's catalog (the ids `eval` scores).
    pub fn get_spec(&self, id: &str) -> Option<&Metric> {
        self.get(id).filter(|m| m.in_spec)
    }

    pub fn get(&self, id: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::Catalog;
    use crate::lexicon::Lexicon;
    use std::path::Path;

    fn lexicon() -> Lexicon {
        let lex = std::fs::read_to_string("schemas/lexicon.toml").unwrap();
        let units = std::fs::read_to_string("schemas/units.toml").unwrap();
        Lexicon::parse(&lex, &units, Path::new("schemas")).unwrap()
    }

    #[test]
    fn min_is_read_and_checked_at_load() {
        let text = std::fs::read_to_string("schemas/metrics.toml").unwrap();
        let lex = lexicon();
        let cat = Catalog::parse(&text, &lex, Path::new("schemas")).unwrap();
        let mobile = cat.metrics.iter().find(|m| m.id == "mobile_subscribers").unwrap();
        assert_eq!(mobile.min, Some(100.0));
        // a negative min, or one at or above the metric's max, is refused, naming the metric
        let bad = text.replacen("min = 100\n", "min = -1\n", 1);
        assert_ne!(bad, text);
        let err = Catalog::parse(&bad, &lex, Path::new("schemas")).unwrap_err().to_string();
        assert!(err.contains("telephone_subscribers: min -1 must be at least 0"), "{err}");
        let pct = "id = \"mobile_coverage_population_pct\"";
        let bad = text.replacen(pct, &format!("{pct}\nmin = 100"), 1);
        let err = Catalog::parse(&bad, &lex, Path::new("schemas")).unwrap_err().to_string();
        assert!(
            err.contains("mobile_coverage_population_pct: min 100 must be at least 0 and below max"),
            "{err}"
        );
    }

    #[test]
    fn the_flat_rule_list_is_every_metrics_rules_in_catalog_order() {
        let text = std::fs::read_to_string("schemas/metrics.toml").unwrap();
        let cat = Catalog::parse(&text, &lexicon(), Path::new("schemas")).unwrap();
        let nested: Vec<(usize, usize, u128, crate::records::UnitKind)> = cat
            .metrics
            .iter()
            .enumerate()
            .flat_map(|(mi, m)| m.rules.iter().enumerate().map(move |(ri, r)| (mi, ri, r.all_mask, m.unit_kind)))
            .collect();
        let flat: Vec<(usize, usize, u128, crate::records::UnitKind)> = cat
            .rules
            .iter()
            .map(|r| (r.metric as usize, r.rule as usize, r.all_mask, r.unit_kind))
            .collect();
        assert!(flat.len() > 40, "the bundled catalog has its rules");
        assert_eq!(flat, nested);
    }

    /// The rules whose features are all in `present`, by testing every rule in turn.
    fn rules_within_by_scan(cat: &Catalog, present: u128) -> Vec<u32> {
        (0..cat.rules.len() as u32)
            .filter(|&k| cat.rules[k as usize].all_mask & !present == 0)
            .collect()
    }

    #[test]
    fn rules_within_gives_the_rules_whose_features_are_all_present_in_catalog_order() {
        let text = std::fs::read_to_string("schemas/metrics.toml").unwrap();
        let cat = Catalog::parse(&text, &lexicon(), Path::new("schemas")).unwrap();
        // every rule's own features: that rule is among them, and the list is the scan's
        for (k, r) in cat.rules.iter().enumerate() {
            let got = cat.rules_within(r.all_mask);
            assert!(got.contains(&(k as u32)), "rule {k}");
            assert_eq!(got.to_vec(), rules_within_by_scan(&cat, r.all_mask));
        }
        // no feature: only the rules that need none; every feature: every rule, in order
        assert_eq!(cat.rules_within(0).to_vec(), rules_within_by_scan(&cat, 0));
        let all: Vec<u32> = (0..cat.rules.len() as u32).collect();
        assert_eq!(cat.rules_within(u128::MAX).to_vec(), all);
    }

    proptest::proptest! {
        /// Any set of features, as the figures' levels name them: the index answers what
        /// testing every rule answers.
        #[test]
        fn rules_within_answers_as_testing_every_rule(present in proptest::prelude::any::<u128>(), keep in 0u32..128) {
            // (the bundled catalog, loaded once for every case)
            static CATALOG: std::sync::LazyLock<Catalog> = std::sync::LazyLock::new(|| {
                let text = std::fs::read_to_string("schemas/metrics.toml").unwrap();
                Catalog::parse(&text, &lexicon(), Path::new("schemas")).unwrap()
            });
            let cat = &*CATALOG;
            // (a random u128 names half the features; a mask of the low bits names few, as a
            // figure's clause does)
            let sparse = present & ((1u128 << keep) - 1) & present.rotate_left(7);
            for p in [present, sparse] {
                proptest::prop_assert_eq!(cat.rules_within(p).to_vec(), rules_within_by_scan(cat, p));
            }
        }
    }
}
