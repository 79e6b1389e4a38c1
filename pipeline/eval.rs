//! Eval: score a facts table against a gold file, exactly as `shared/tools/score.py` does.
//!
//! Input: `DIR/facts.parquet`, a gold JSONL file (format: `spec/gold-format.md`), the catalog.
//! Output: [`Score`]: precision, recall and F1 overall, per tier and per metric; attribute
//! accuracy over matched pairs; flagged suspects; misses and false positives.
//! Invariant: the same greedy matching as the reference scorer (gold in file order, each gold
//! fact takes the first unused prediction of its doc and metric within 0.5 %), so the numbers
//! are equal, not merely close.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use arrow::array::{Array, BooleanArray, Float64Array, StringArray};
use serde::Serialize;
use serde_json::Value;

use crate::catalog::Catalog;
use crate::output::parquet::read_all;
use crate::{Error, Result};

const ATTRS: [&str; 6] = ["province", "period", "basis", "status", "bound", "converted"];

/// One predicted fact as eval reads it.
#[derive(Debug, Clone, Default)]
pub struct Pred {
    pub doc: String,
    pub metric: String,
    pub value: Option<f64>,
    pub attrs: HashMap<&'static str, Value>,
    pub value_high: Option<f64>,
    pub of: Option<f64>,
    pub flag: Option<String>,
}

/// Precision, recall and F1 with their counts.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub tp: usize,
    pub pred: usize,
    pub gold: usize,
}

impl Prf {
    fn new(tp: usize, npred: usize, ngold: usize) -> Self {
        let precision = if npred > 0 {
            tp as f64 / npred as f64
        } else if ngold == 0 {
            1.0
        } else {
            0.0
        };
        let recall = if ngold > 0 { tp as f64 / ngold as f64 } else { 1.0 };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
            tp,
            pred: npred,
            gold: ngold,
        }
    }
}

/// A (doc, metric, value) triple in the miss and false-positive lists.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Item {
    pub doc: String,
    pub metric: String,
    pub value: Option<f64>,
}

/// The scores.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub tiers: BTreeMap<String, Prf>,
    pub attributes: BTreeMap<String, Option<f64>>,
    pub flags_gold: usize,
    pub flags_matched_and_flagged: usize,
    pub per_metric: BTreeMap<String, Prf>,
    pub missed: Vec<Item>,
    pub false_positives: Vec<Item>,
}

fn basename(s: &str) -> String {
    s.rsplit('/').next().unwrap_or(s).to_string()
}

/// The scorer's closeness test: within 0.5 % of the gold value.
fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 0.005 * b.abs().max(1e-9) || a == b,
        (None, None) => true,
        _ => false,
    }
}

fn num(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64)
}

/// Python's `norm`: strings are stripped and lower-cased, empty becomes None.
fn norm(v: &Value) -> Value {
    match v {
        Value::String(s) => {
            let t = s.trim().to_lowercase();
            if t.is_empty() { Value::Null } else { Value::String(t) }
        }
        other => other.clone(),
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Python's `round(x, 6)` as a dedup key.
/// The scorer's duplicate key, Python's `round(v, 6)`: a float, not an integer, since an integer
/// of v × 10⁶ overflows for sums of money (11 430 tỷ đồng is 1.1·10¹⁹ once scaled), which made
/// two different revenues one duplicate.
fn key6(v: f64) -> u64 {
    let r = (v * 1e6).round() / 1e6;
    // `-0.0 == 0.0` in Python
    if r == 0.0 { 0 } else { r.to_bits() }
}

/// Read predictions from a facts Parquet file.
pub fn read_facts(path: &Path) -> Result<Vec<Pred>> {
    let batches = read_all(path)?;
    let mut out = Vec::new();
    for b in batches {
        let schema = b.schema();
        let str_col = |name: &str| {
            schema
                .index_of(name)
                .ok()
                .and_then(|i| b.column(i).as_any().downcast_ref::<StringArray>().cloned())
        };
        let f64_col = |name: &str| {
            schema
                .index_of(name)
                .ok()
                .and_then(|i| b.column(i).as_any().downcast_ref::<Float64Array>().cloned())
        };
        let bool_col = |name: &str| {
            schema
                .index_of(name)
                .ok()
                .and_then(|i| b.column(i).as_any().downcast_ref::<BooleanArray>().cloned())
        };
        let doc = str_col("doc").ok_or_else(|| Error::Parquet {
            path: path.to_path_buf(),
            reason: "facts table has no 'doc' column".into(),
        })?;
        let get_s = |c: &Option<StringArray>, i: usize| c.as_ref().filter(|c| !c.is_null(i)).map(|c| c.value(i).to_string());
        let get_f = |c: &Option<Float64Array>, i: usize| c.as_ref().filter(|c| !c.is_null(i)).map(|c| c.value(i));
        let (metric, value, vh, of, flag) = (
            str_col("metric"),
            f64_col("value"),
            f64_col("value_high"),
            f64_col("of"),
            str_col("flag"),
        );
        let attr_cols: Vec<(&'static str, Option<StringArray>)> = ["province", "period", "basis", "status", "bound"]
            .iter()
            .map(|a| (*a, str_col(a)))
            .collect();
        let converted = bool_col("converted");
        for i in 0..b.num_rows() {
            let mut attrs = HashMap::new();
            for (a, c) in &attr_cols {
                attrs.insert(*a, get_s(c, i).map(Value::String).unwrap_or(Value::Null));
            }
            attrs.insert(
                "converted",
                converted
                    .as_ref()
                    .filter(|c| !c.is_null(i))
                    .map(|c| Value::Bool(c.value(i)))
                    .unwrap_or(Value::Null),
            );
            out.push(Pred {
                doc: basename(doc.value(i)),
                metric: get_s(&metric, i).unwrap_or_default(),
                value: get_f(&value, i),
                value_high: get_f(&vh, i),
                of: get_f(&of, i),
                flag: get_s(&flag, i),
                attrs,
            });
        }
    }
    Ok(out)
}

/// Read a gold JSONL file.
pub fn read_gold(path: &Path) -> Result<Vec<serde_json::Map<String, Value>>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("cannot read gold file", path, e))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| Error::Gold {
            path: path.to_path_buf(),
            line: i + 1,
            reason: e.to_string(),
        })?;
        let Value::Object(o) = v else {
            return Err(Error::Gold {
                path: path.to_path_buf(),
                line: i + 1,
                reason: "not a JSON object".into(),
            });
        };
        for k in ["doc", "metric", "value"] {
            if !o.contains_key(k) {
                return Err(Error::Gold {
                    path: path.to_path_buf(),
                    line: i + 1,
                    reason: format!("missing required field {k:?}"),
                });
            }
        }
        out.push(o);
    }
    Ok(out)
}

/// Score predictions against gold. `extra_docs` adds scored documents without gold lines.
pub fn score(gold: &[serde_json::Map<String, Value>], preds: &[Pred], catalog: &Catalog, extra_docs: &[String]) -> Score {
    // only the spec's ids are scored: facts under ictstat's own ids are left out, as the
    // reference scorer leaves them out
    let tier_of = |m: &str| catalog.get_spec(m).map(|x| x.tier.clone());
    let gold_doc = |g: &serde_json::Map<String, Value>| g.get("doc").and_then(Value::as_str).unwrap_or("").to_string();
    let gold_metric = |g: &serde_json::Map<String, Value>| g.get("metric").and_then(Value::as_str).unwrap_or("").to_string();
    let mut docs: HashSet<String> = gold.iter().map(gold_doc).collect();
    docs.extend(extra_docs.iter().cloned());
    let mut seen = HashSet::new();
    let mut p: Vec<&Pred> = Vec::new();
    for x in preds {
        let Some(v) = x.value else { continue };
        if !docs.contains(&x.doc) || tier_of(&x.metric).is_none() {
            continue;
        }
        if seen.insert((x.doc.clone(), x.metric.clone(), key6(v))) {
            p.push(x);
        }
    }
    let mut by_key: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, x) in p.iter().enumerate() {
        by_key.entry((x.doc.clone(), x.metric.clone())).or_default().push(i);
    }
    let mut used = HashSet::new();
    let mut matches: Vec<(usize, usize)> = Vec::new();
    for (gi, g) in gold.iter().enumerate() {
        let Some(cands) = by_key.get(&(gold_doc(g), gold_metric(g))) else {
            continue;
        };
        for &pi in cands {
            if used.contains(&pi) {
                continue;
            }
            let x = p[pi];
            if !close(x.value, num(g.get("value"))) {
                continue;
            }
            if g.contains_key("value_high") && !close(x.value_high, num(g.get("value_high"))) {
                continue;
            }
            if g.contains_key("of") && !close(x.of, num(g.get("of"))) {
                continue;
            }
            used.insert(pi);
            matches.push((gi, pi));
            break;
        }
    }
    let mut tiers: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let mut per: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for g in gold {
        let m = gold_metric(g);
        let t = tier_of(&m).unwrap_or_else(|| "unknown".into());
        tiers.entry(t).or_default()[2] += 1;
        tiers.entry("all".into()).or_default()[2] += 1;
        per.entry(m).or_default()[2] += 1;
    }
    for x in &p {
        let t = tier_of(&x.metric).unwrap_or_default();
        tiers.entry(t).or_default()[1] += 1;
        tiers.entry("all".into()).or_default()[1] += 1;
        per.entry(x.metric.clone()).or_default()[1] += 1;
    }
    for &(gi, _) in &matches {
        let m = gold_metric(&gold[gi]);
        let t = tier_of(&m).unwrap_or_else(|| "unknown".into());
        tiers.entry(t).or_default()[0] += 1;
        tiers.entry("all".into()).or_default()[0] += 1;
        per.entry(m).or_default()[0] += 1;
    }
    let mut attributes = BTreeMap::new();
    for a in ATTRS {
        let (mut n, mut ok) = (0usize, 0usize);
        for &(gi, pi) in &matches {
            let gv = gold[gi].get(a).cloned().unwrap_or(Value::Null);
            let pv = p[pi].attrs.get(a).cloned().unwrap_or(Value::Null);
            let same = if a == "converted" {
                truthy(&gv) == truthy(&pv)
            } else {
                norm(&pv) == norm(&gv)
            };
            n += 1;
            ok += usize::from(same);
        }
        attributes.insert(a.to_string(), (n > 0).then(|| ok as f64 / n as f64));
    }
    let flags_gold = gold.iter().filter(|g| g.get("flag").is_some_and(truthy)).count();
    let flagged = matches
        .iter()
        .filter(|(gi, pi)| gold[*gi].get("flag").is_some_and(truthy) && p[*pi].flag.as_deref().is_some_and(|f| !f.is_empty()))
        .count();
    let matched: HashSet<usize> = matches.iter().map(|m| m.0).collect();
    Score {
        tiers: tiers.into_iter().map(|(k, v)| (k, Prf::new(v[0], v[1], v[2]))).collect(),
        attributes,
        flags_gold,
        flags_matched_and_flagged: flagged,
        per_metric: per.into_iter().map(|(k, v)| (k, Prf::new(v[0], v[1], v[2]))).collect(),
        missed: gold
            .iter()
            .enumerate()
            .filter(|(i, _)| !matched.contains(i))
            .map(|(_, g)| Item {
                doc: gold_doc(g),
                metric: gold_metric(g),
                value: num(g.get("value")),
            })
            .collect(),
        false_positives: p
            .iter()
            .enumerate()
            .filter(|(i, _)| !used.contains(i))
            .map(|(_, x)| Item {
                doc: x.doc.clone(),
                metric: x.metric.clone(),
                value: x.value,
            })
            .collect(),
    }
}

impl Score {
    /// The summary lines, in the reference scorer's format.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for t in ["core", "extended", "all"] {
            if let Some(r) = self.tiers.get(t) {
                out.push_str(&format!(
                    "{t:9} P={:.3} R={:.3} F1={:.3} (tp {}, pred {}, gold {})\n",
                    r.precision, r.recall, r.f1, r.tp, r.pred, r.gold
                ));
            }
        }
        let attrs: Vec<String> = ATTRS
            .iter()
            .map(|a| match self.attributes.get(*a).copied().flatten() {
                Some(v) => format!("{a}={v:.2}"),
                None => format!("{a}=n/a"),
            })
            .collect();
        out.push_str(&format!("attributes: {}\n", attrs.join(", ")));
        out.push_str(&format!(
            "flags: {}/{} suspect gold figures reported and flagged\n",
            self.flags_matched_and_flagged, self.flags_gold
        ));
        out
    }

    /// The full report: summary, per metric, misses, false positives.
    pub fn report(&self) -> String {
        let mut out = self.summary();
        out.push_str("\nper metric (P R F1 tp/pred/gold):\n");
        for (m, r) in &self.per_metric {
            out.push_str(&format!(
                "  {m:40} {:.2} {:.2} {:.2} {}/{}/{}\n",
                r.precision, r.recall, r.f1, r.tp, r.pred, r.gold
            ));
        }
        out.push_str(&format!("\nmissed ({}):\n", self.missed.len()));
        for i in &self.missed {
            out.push_str(&format!(
                "  {} {} {}\n",
                i.doc,
                i.metric,
                i.value.map(|v| v.to_string()).unwrap_or_default()
            ));
        }
        out.push_str(&format!("\nfalse positives ({}):\n", self.false_positives.len()));
        for i in &self.false_positives {
            out.push_str(&format!(
                "  {} {} {}\n",
                i.doc,
                i.metric,
                i.value.map(|v| v.to_string()).unwrap_or_default()
            ));
        }
        out
    }

    pub fn f1(&self) -> f64 {
        self.tiers.get("all").map_or(0.0, |r| r.f1)
    }
}
