//! Reading the output tables for the report.
//!
//! Input: the Parquet files of an output folder, written by this or an older ictstat or by
//! another engine: columns are found by name and cast to the type the report needs (Utf8View,
//! LargeUtf8, Int32 and the like read as well), and a missing optional column reads as nulls.
//! Output: typed rows. Large tables are streamed batch by batch with only the columns the
//! report uses (the documents' text is read only for the documents that get a page).

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::{Error, Result};

fn pq_err(path: &Path, e: impl ToString) -> Error {
    Error::Parquet {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// One batch with typed column access by name.
pub(crate) struct Cols {
    path: PathBuf,
    batch: RecordBatch,
}

impl Cols {
    pub fn len(&self) -> usize {
        self.batch.num_rows()
    }

    fn cast(&self, name: &str, to: &DataType) -> Result<Option<ArrayRef>> {
        let Some(col) = self.batch.column_by_name(name) else {
            return Ok(None);
        };
        if col.data_type() == to {
            return Ok(Some(col.clone()));
        }
        arrow::compute::cast(col, to)
            .map(Some)
            .map_err(|e| pq_err(&self.path, format!("column {name}: {e}")))
    }

    /// A text column; `None` values where null or absent.
    pub fn str(&self, name: &str) -> Result<Vec<Option<String>>> {
        Ok(match self.cast(name, &DataType::Utf8)? {
            None => vec![None; self.len()],
            Some(a) => {
                let a = a.as_string::<i32>();
                (0..a.len()).map(|i| (!a.is_null(i)).then(|| a.value(i).to_string())).collect()
            }
        })
    }

    /// A text column that the contract says is never null: an error names the file when absent.
    pub fn req_str(&self, name: &str) -> Result<Vec<String>> {
        if self.batch.column_by_name(name).is_none() {
            return Err(pq_err(&self.path, format!("has no column {name:?}")));
        }
        Ok(self.str(name)?.into_iter().map(Option::unwrap_or_default).collect())
    }

    pub fn f64(&self, name: &str) -> Result<Vec<Option<f64>>> {
        Ok(match self.cast(name, &DataType::Float64)? {
            None => vec![None; self.len()],
            Some(a) => {
                let a = a.as_primitive::<Float64Type>();
                (0..a.len()).map(|i| (!a.is_null(i)).then(|| a.value(i))).collect()
            }
        })
    }

    pub fn i64(&self, name: &str) -> Result<Vec<Option<i64>>> {
        Ok(match self.cast(name, &DataType::Int64)? {
            None => vec![None; self.len()],
            Some(a) => {
                let a = a.as_primitive::<Int64Type>();
                (0..a.len()).map(|i| (!a.is_null(i)).then(|| a.value(i))).collect()
            }
        })
    }

    pub fn bool(&self, name: &str) -> Result<Vec<Option<bool>>> {
        Ok(match self.cast(name, &DataType::Boolean)? {
            None => vec![None; self.len()],
            Some(a) => {
                let a = a.as_boolean();
                (0..a.len()).map(|i| (!a.is_null(i)).then(|| a.value(i))).collect()
            }
        })
    }

    /// A date column as `YYYY-MM-DD` text.
    pub fn date(&self, name: &str) -> Result<Vec<Option<String>>> {
        match self.batch.column_by_name(name).map(|c| c.data_type().clone()) {
            Some(DataType::Date32) | Some(DataType::Date64) | Some(DataType::Timestamp(..)) => Ok(self
                .str(name)?
                .into_iter()
                .map(|s| s.map(|s| s.chars().take(10).collect()))
                .collect()),
            _ => self.str(name),
        }
    }
}

/// Stream the batches of `dir/NAME.parquet` with only `columns` (those present), calling `f`
/// on each. A missing file is `Ok(false)` (an output without that table); a file that cannot
/// be read is an error naming it.
pub(crate) fn each_batch(dir: &Path, name: &str, columns: &[&str], mut f: impl FnMut(&Cols) -> Result<()>) -> Result<bool> {
    let path = dir.join(format!("{name}.parquet"));
    if !path.exists() {
        return Ok(false);
    }
    let file = File::open(&path).map_err(|e| Error::io("cannot open", &path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| pq_err(&path, e))?;
    let mask = ProjectionMask::columns(builder.parquet_schema(), columns.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(8192)
        .build()
        .map_err(|e| pq_err(&path, e))?;
    for batch in reader {
        let batch = batch.map_err(|e| pq_err(&path, e))?;
        f(&Cols { path: path.clone(), batch })?;
    }
    Ok(true)
}

/// The key-value metadata of the first table found (run id, version), for the page headers.
pub(crate) fn run_stamp(dir: &Path) -> (Option<String>, Option<String>) {
    for t in ["facts", "documents"] {
        if let Ok(kv) = crate::output::parquet::read_metadata(&dir.join(format!("{t}.parquet"))) {
            let get = |k: &str| kv.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
            return (get("ictstat.run_id"), get("ictstat.version"));
        }
    }
    (None, None)
}

/// One `documents` row, without its text.
#[derive(Debug, Clone, Default)]
pub(crate) struct DocRow {
    pub doc: String,
    pub source: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub province: Option<String>,
    pub period: Option<String>,
    pub n_facts: Option<i64>,
}

pub(crate) fn read_documents(dir: &Path) -> Result<Vec<DocRow>> {
    let mut out = Vec::new();
    let cols = [
        "doc",
        "source",
        "title",
        "url",
        "outlet",
        "published",
        "province",
        "period",
        "n_facts",
    ];
    let found = each_batch(dir, "documents", &cols, |c| {
        let (doc, source, title, url) = (c.req_str("doc")?, c.str("source")?, c.str("title")?, c.str("url")?);
        let (outlet, published, province, period) = (c.str("outlet")?, c.date("published")?, c.str("province")?, c.str("period")?);
        let n_facts = c.i64("n_facts")?;
        for i in 0..c.len() {
            out.push(DocRow {
                doc: doc[i].clone(),
                source: source[i].clone(),
                title: title[i].clone(),
                url: url[i].clone(),
                outlet: outlet[i].clone(),
                published: published[i].clone(),
                province: province[i].clone(),
                period: period[i].clone(),
                n_facts: n_facts[i],
            });
        }
        Ok(())
    })?;
    if !found {
        return Err(Error::Parquet {
            path: dir.join("documents.parquet"),
            reason: "missing: is this the output folder of a run?".into(),
        });
    }
    Ok(out)
}

/// The text of the documents `want` says yes to.
pub(crate) fn read_texts(dir: &Path, want: impl Fn(&str) -> bool) -> Result<std::collections::HashMap<String, String>> {
    let mut out = std::collections::HashMap::new();
    each_batch(dir, "documents", &["doc", "text"], |c| {
        let doc = c.req_str("doc")?;
        // only the wanted rows' text is copied out of the batch
        let wanted: Vec<usize> = (0..c.len()).filter(|&i| want(&doc[i])).collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let text = c.str("text")?;
        for i in wanted {
            out.insert(doc[i].clone(), text[i].clone().unwrap_or_default());
        }
        Ok(())
    })?;
    Ok(out)
}

/// One `facts` row.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub(crate) struct FactRow {
    pub doc: String,
    pub metric: String,
    pub tier: Option<String>,
    pub value: Option<f64>,
    pub value_high: Option<f64>,
    pub of: Option<f64>,
    pub unit: Option<String>,
    pub province: Option<String>,
    pub period: Option<String>,
    pub basis: Option<String>,
    pub status: Option<String>,
    pub bound: Option<String>,
    pub converted: Option<bool>,
    pub flag: Option<String>,
    pub flag_reason: Option<String>,
    pub growth_pct: Option<f64>,
    pub plan_share_pct: Option<f64>,
    pub raw: Option<String>,
    pub sentence_index: Option<i64>,
    pub char_start: Option<i64>,
    pub char_end: Option<i64>,
}

/// Stream the facts, calling `f` on each row.
pub(crate) fn each_fact(dir: &Path, mut f: impl FnMut(FactRow)) -> Result<bool> {
    let cols = [
        "doc",
        "metric",
        "tier",
        "value",
        "value_high",
        "of",
        "unit",
        "province",
        "period",
        "basis",
        "status",
        "bound",
        "converted",
        "flag",
        "flag_reason",
        "growth_pct",
        "plan_share_pct",
        "raw",
        "sentence_index",
        "char_start",
        "char_end",
    ];
    each_batch(dir, "facts", &cols, |c| {
        let (doc, metric, tier) = (c.req_str("doc")?, c.req_str("metric")?, c.str("tier")?);
        let (value, value_high, of) = (c.f64("value")?, c.f64("value_high")?, c.f64("of")?);
        let (unit, province, period, basis) = (c.str("unit")?, c.str("province")?, c.str("period")?, c.str("basis")?);
        let (status, bound, converted) = (c.str("status")?, c.str("bound")?, c.bool("converted")?);
        let (flag, flag_reason, growth, plan) = (
            c.str("flag")?,
            c.str("flag_reason")?,
            c.f64("growth_pct")?,
            c.f64("plan_share_pct")?,
        );
        let (raw, sentence_index, cs, ce) = (c.str("raw")?, c.i64("sentence_index")?, c.i64("char_start")?, c.i64("char_end")?);
        for i in 0..c.len() {
            f(FactRow {
                doc: doc[i].clone(),
                metric: metric[i].clone(),
                tier: tier[i].clone(),
                value: value[i],
                value_high: value_high[i],
                of: of[i],
                unit: unit[i].clone(),
                province: province[i].clone(),
                period: period[i].clone(),
                basis: basis[i].clone(),
                status: status[i].clone(),
                bound: bound[i].clone(),
                converted: converted[i],
                flag: flag[i].clone(),
                flag_reason: flag_reason[i].clone(),
                growth_pct: growth[i],
                plan_share_pct: plan[i],
                raw: raw[i].clone(),
                sentence_index: sentence_index[i],
                char_start: cs[i],
                char_end: ce[i],
            });
        }
        Ok(())
    })
}

/// One `mentions` row (what the report shows of it).
#[derive(Debug, Clone, Default)]
pub(crate) struct MentionRow {
    pub doc: String,
    pub char_start: Option<i64>,
    pub char_end: Option<i64>,
    pub kind: String,
    pub metric: Option<String>,
    pub reason: Option<String>,
}

/// The mentions of the documents `want` says yes to.
pub(crate) fn read_mentions(dir: &Path, want: impl Fn(&str) -> bool) -> Result<Vec<MentionRow>> {
    let mut out = Vec::new();
    each_batch(
        dir,
        "mentions",
        &["doc", "char_start", "char_end", "kind", "metric", "reason"],
        |c| {
            let doc = c.req_str("doc")?;
            let wanted: Vec<usize> = (0..c.len()).filter(|&i| want(&doc[i])).collect();
            if wanted.is_empty() {
                return Ok(());
            }
            let (cs, ce, kind, metric, reason) = (
                c.i64("char_start")?,
                c.i64("char_end")?,
                c.str("kind")?,
                c.str("metric")?,
                c.str("reason")?,
            );
            for i in wanted {
                out.push(MentionRow {
                    doc: doc[i].clone(),
                    char_start: cs[i],
                    char_end: ce[i],
                    kind: kind[i].clone().unwrap_or_default(),
                    metric: metric[i].clone(),
                    reason: reason[i].clone(),
                });
            }
            Ok(())
        },
    )?;
    Ok(out)
}

/// One `province_metrics` row.
#[derive(Debug, Clone, Default)]
pub(crate) struct PmRow {
    pub province: String,
    pub period: String,
    pub metric: String,
    pub unit: Option<String>,
    pub status: Option<String>,
    pub basis: Option<String>,
    pub value: Option<f64>,
    pub value_min: Option<f64>,
    pub value_max: Option<f64>,
    pub n_facts: Option<i64>,
    pub n_docs: Option<i64>,
    pub doc: Option<String>,
    pub char_start: Option<i64>,
    pub char_end: Option<i64>,
    pub conflict: bool,
    pub flag: Option<String>,
}

pub(crate) fn read_province_metrics(dir: &Path) -> Result<Vec<PmRow>> {
    let mut out = Vec::new();
    let cols = [
        "province",
        "period",
        "metric",
        "unit",
        "status",
        "basis",
        "value",
        "value_min",
        "value_max",
        "n_facts",
        "n_docs",
        "doc",
        "char_start",
        "char_end",
        "conflict",
        "flag",
    ];
    each_batch(dir, "province_metrics", &cols, |c| {
        let (province, period, metric) = (c.req_str("province")?, c.req_str("period")?, c.req_str("metric")?);
        let (unit, status, basis) = (c.str("unit")?, c.str("status")?, c.str("basis")?);
        let (value, vmin, vmax) = (c.f64("value")?, c.f64("value_min")?, c.f64("value_max")?);
        let (nf, nd, doc) = (c.i64("n_facts")?, c.i64("n_docs")?, c.str("doc")?);
        let (cs, ce, conflict, flag) = (c.i64("char_start")?, c.i64("char_end")?, c.bool("conflict")?, c.str("flag")?);
        for i in 0..c.len() {
            out.push(PmRow {
                province: province[i].clone(),
                period: period[i].clone(),
                metric: metric[i].clone(),
                unit: unit[i].clone(),
                status: status[i].clone(),
                basis: basis[i].clone(),
                value: value[i],
                value_min: vmin[i],
                value_max: vmax[i],
                n_facts: nf[i],
                n_docs: nd[i],
                doc: doc[i].clone(),
                char_start: cs[i],
                char_end: ce[i],
                conflict: conflict[i].unwrap_or(false),
                flag: flag[i].clone(),
            });
        }
        Ok(())
    })?;
    Ok(out)
}

/// One `anomalies` row: the record the run writes, read back.
pub(crate) type AnomalyRow = crate::records::Anomaly;

pub(crate) fn read_anomalies(dir: &Path) -> Result<Vec<AnomalyRow>> {
    let mut out = Vec::new();
    let cols = [
        "kind",
        "metric",
        "province",
        "period",
        "doc",
        "char_start",
        "char_end",
        "value",
        "other_value",
        "other_doc",
        "reason",
    ];
    each_batch(dir, "anomalies", &cols, |c| {
        let (kind, metric, province, period) = (c.req_str("kind")?, c.str("metric")?, c.str("province")?, c.str("period")?);
        let (doc, cs, ce) = (c.req_str("doc")?, c.i64("char_start")?, c.i64("char_end")?);
        let (value, other_value, other_doc, reason) = (c.f64("value")?, c.f64("other_value")?, c.str("other_doc")?, c.str("reason")?);
        for i in 0..c.len() {
            out.push(AnomalyRow {
                kind: kind[i].clone(),
                metric: metric[i].clone(),
                province: province[i].clone(),
                period: period[i].clone(),
                doc: doc[i].clone(),
                char_start: cs[i],
                char_end: ce[i],
                value: value[i],
                other_value: other_value[i],
                other_doc: other_doc[i].clone(),
                reason: reason[i].clone().unwrap_or_default(),
            });
        }
        Ok(())
    })?;
    Ok(out)
}

/// One `rejects` row.
#[derive(Debug, Clone, Default)]
pub(crate) struct RejectRow {
    pub source: String,
    pub doc: Option<String>,
    pub line: Option<i64>,
    pub kind: String,
    pub reason: String,
}

pub(crate) fn read_rejects(dir: &Path) -> Result<Vec<RejectRow>> {
    let mut out = Vec::new();
    each_batch(dir, "rejects", &["source", "doc", "line", "kind", "reason"], |c| {
        let (source, doc, line, kind, reason) = (
            c.req_str("source")?,
            c.str("doc")?,
            c.i64("line")?,
            c.req_str("kind")?,
            c.str("reason")?,
        );
        for i in 0..c.len() {
            out.push(RejectRow {
                source: source[i].clone(),
                doc: doc[i].clone(),
                line: line[i],
                kind: kind[i].clone(),
                reason: reason[i].clone().unwrap_or_default(),
            });
        }
        Ok(())
    })?;
    Ok(out)
}
