//! Records → Arrow batches and back: one encoder per table (`push_*`), which names the columns
//! it writes ([`encoder_columns`]), and the decoder of `facts` rows ([`facts_from_batch`]).
//!
//! The encoders push values through a [`BatchBuilder`] (see [`super::builder`]), which places
//! each by its column's name in the contract of `schemas/tables/`.

use arrow::array::RecordBatch;

pub use super::builder::BatchBuilder;
use crate::records::{
    Anomaly, Basis, Bound, DocOutput, DocumentRow, Fact, Flag, MentionRow, Period, ProvinceMetric, ProvinceRef, Reject, Status,
};
use crate::{Error, Result};

/// The columns each table's encoder writes, by name and in the order it writes them. The
/// builder ([`BatchBuilder::new`]) places each value in its contract column by this name, so the
/// contract's order is free; a contract column no encoder writes is an error when the builder is
/// made (once, at start), never a misplaced value.
pub(crate) fn encoder_columns(table: &str) -> Option<&'static [&'static str]> {
    Some(match table {
        "documents" => DOCUMENTS,
        "mentions" => MENTIONS,
        "facts" => FACTS,
        "rejects" => REJECTS,
        "inputs" => INPUTS,
        "province_metrics" => PROVINCE_METRICS,
        "anomalies" => ANOMALIES,
        _ => return None,
    })
}

/// The columns [`push_document`] writes, in the order it writes them.
const DOCUMENTS: &[&str] = &[
    "doc",
    "source",
    "line",
    "format",
    "encoding",
    "content_hash",
    "title",
    "outlet",
    "url",
    "published",
    "event_date",
    "date_flag",
    "province",
    "province_code",
    "region",
    "province_2025",
    "period",
    "n_chars",
    "n_sentences",
    "n_mentions",
    "n_facts",
    "warnings",
    "text",
];

/// The columns [`push_mention`] writes, in the order it writes them.
const MENTIONS: &[&str] = &[
    "doc",
    "sentence_index",
    "char_start",
    "char_end",
    "raw",
    "kind",
    "metric",
    "value",
    "value_high",
    "of",
    "unit_raw",
    "unit_kind",
    "malformed",
    "reason",
];

/// The columns [`push_fact`] writes, in the order it writes them.
const FACTS: &[&str] = &[
    "doc",
    "metric",
    "tier",
    "value",
    "value_high",
    "of",
    "unit",
    "province",
    "province_code",
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
    "sentence",
    "char_start",
    "char_end",
];

/// The columns [`push_reject`] writes, in the order it writes them.
const REJECTS: &[&str] = &["source", "doc", "line", "kind", "reason"];

/// The columns [`push_input`] writes, in the order it writes them.
const INPUTS: &[&str] = &["source", "line", "input", "input_hash", "outcome", "doc", "n_mentions", "n_facts"];

/// The columns [`push_province_metric`] writes, in the order it writes them.
const PROVINCE_METRICS: &[&str] = &[
    "province",
    "province_code",
    "region",
    "province_2025",
    "period",
    "year",
    "metric",
    "tier",
    "unit",
    "status",
    "basis",
    "value",
    "value_high",
    "value_min",
    "value_max",
    "n_facts",
    "n_docs",
    "doc",
    "char_start",
    "char_end",
    "conflict",
    "flag",
    "population",
    "population_extrapolated",
    "per_100_inhabitants",
    "implied_population",
    "growth_vs_prev_pct",
];

/// The columns [`push_anomaly`] writes, in the order it writes them.
const ANOMALIES: &[&str] = &[
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

fn idx(v: usize) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn idx32(v: usize) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// Append a `facts` row.
pub fn push_fact(b: &mut BatchBuilder, f: &Fact) {
    let period = f.period.map(|p| p.to_string());
    b.row()
        .s(&f.doc)
        .s(&f.metric)
        .s(&f.tier)
        .f(f.value)
        .of(f.value_high)
        .of(f.of)
        .s(&f.unit)
        .os(f.province.as_ref().map(|p| &*p.name))
        .os(f.province.as_ref().map(|p| &*p.code).filter(|c| !c.is_empty()))
        .os(period.as_deref())
        .os(f.basis.map(|b| b.as_str()))
        .s(f.status.as_str())
        .os(f.bound.map(|b| b.as_str()))
        .b(f.converted)
        .os(f.flag.map(|x| x.as_str()))
        .os(f.flag_reason.as_deref())
        .of(f.growth_pct)
        .of(f.plan_share_pct)
        .s(&f.raw)
        .i32(idx32(f.sentence_index))
        .s(&f.sentence)
        .i64(idx(f.char_start))
        .i64(idx(f.char_end));
}

/// Append a `mentions` row.
pub fn push_mention(b: &mut BatchBuilder, doc: &str, text: &str, m: &MentionRow) {
    let x = &m.mention;
    b.row()
        .s(doc)
        .i32(idx32(x.sentence))
        .i64(idx(m.char_start))
        .i64(idx(m.char_end))
        .s(m.raw(text))
        .s(x.kind.as_str())
        .os(x.claim.as_ref().map(|c| c.metric.as_str()))
        .of(x.value)
        .of(x.value_high)
        .of(x.of)
        .os(x.unit_raw(text))
        .os(x.unit_kind.map(|u| u.as_str()))
        .b(x.malformed)
        .s(&x.reason);
}

/// Append the `inputs` ledger row of a processed unit (`input`: its name as read; `hash`: the
/// BLAKE3 of its bytes).
pub fn push_input(b: &mut BatchBuilder, out: &DocOutput, input: &str, hash: Option<&str>) {
    let (source, line, outcome, doc, n_m, n_f) = match out {
        DocOutput::Done { document, mentions, facts } => (
            &document.clean.source,
            document.clean.line,
            "document",
            Some(document.clean.doc.as_str()),
            mentions.len(),
            facts.len(),
        ),
        DocOutput::Rejected(r) => (&r.source, r.line, "reject", r.doc.as_deref(), 0, 0),
    };
    b.row()
        .s(source)
        .oi64(line.map(|l| i64::try_from(l).unwrap_or(i64::MAX)))
        .s(input)
        .os(hash)
        .s(outcome)
        .os(doc)
        .i32(idx32(n_m))
        .i32(idx32(n_f));
}

/// Append a `documents` row.
pub fn push_document(b: &mut BatchBuilder, d: &DocumentRow) {
    let c = &d.clean;
    let m = &c.meta;
    let period = m.period.map(|p| p.to_string());
    let warnings = (!c.warnings.is_empty()).then(|| c.warnings.join("; "));
    b.row()
        .s(&c.doc)
        .s(&c.source)
        .oi64(c.line.map(|l| i64::try_from(l).unwrap_or(i64::MAX)))
        .s(c.format.as_str())
        .s(&c.encoding)
        .s(&c.content_hash)
        .os(m.title.as_deref())
        .os(m.outlet.as_deref())
        .os(m.url.as_deref())
        .date(m.published)
        .date(m.event_date)
        .os(m.date_flag.as_deref())
        .os(m.province.as_ref().map(|p| &*p.name))
        .os(m.province.as_ref().map(|p| &*p.code).filter(|c| !c.is_empty()))
        .os(d.region.as_deref())
        .os(d.province_2025.as_deref())
        .os(period.as_deref())
        .i64(idx(d.n_chars))
        .i32(idx32(c.sentences.len()))
        .i32(idx32(d.n_mentions))
        .i32(idx32(d.n_facts))
        .os(warnings.as_deref())
        .s(&c.text);
}

/// Append a `rejects` row.
pub fn push_reject(b: &mut BatchBuilder, r: &Reject) {
    b.row()
        .s(&r.source)
        .os(r.doc.as_deref())
        .oi64(r.line.map(|l| i64::try_from(l).unwrap_or(i64::MAX)))
        .s(r.kind.as_str())
        .s(&r.reason);
}

/// Append an `anomalies` row.
pub fn push_anomaly(b: &mut BatchBuilder, a: &Anomaly) {
    b.row()
        .s(&a.kind)
        .os(a.metric.as_deref())
        .os(a.province.as_deref())
        .os(a.period.as_deref())
        .s(&a.doc)
        .oi64(a.char_start)
        .oi64(a.char_end)
        .of(a.value)
        .of(a.other_value)
        .os(a.other_doc.as_deref())
        .s(&a.reason);
}

/// Append a `province_metrics` row (a Hive partition's table has no `year`: the builder drops
/// it).
pub fn push_province_metric<S: AsRef<str>>(b: &mut BatchBuilder, p: &ProvinceMetric<S>) {
    fn os<S: AsRef<str>>(v: &Option<S>) -> Option<&str> {
        v.as_ref().map(AsRef::as_ref)
    }
    b.row()
        .s(p.province.as_ref())
        .os(os(&p.province_code))
        .os(os(&p.region))
        .os(os(&p.province_2025))
        .s(p.period.as_ref())
        .i32(p.year)
        .s(p.metric.as_ref())
        .s(p.tier.as_ref())
        .s(p.unit.as_ref())
        .s(p.status.as_ref())
        .os(os(&p.basis))
        .f(p.value)
        .of(p.value_high)
        .f(p.value_min)
        .f(p.value_max)
        .i32(i32::try_from(p.n_facts).unwrap_or(i32::MAX))
        .i32(i32::try_from(p.n_docs).unwrap_or(i32::MAX))
        .s(p.doc.as_ref())
        .i64(p.char_start)
        .i64(p.char_end)
        .b(p.conflict)
        .os(os(&p.flag))
        .of(p.population)
        .ob(p.population_extrapolated)
        .of(p.per_100_inhabitants)
        .of(p.implied_population)
        .of(p.growth_vs_prev_pct);
}

/// What the aggregate needs of a `documents` row besides its facts.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentDates {
    pub doc: String,
    pub date_flag: Option<String>,
    /// `published`, else `event_date`: what decides between sources.
    pub date: Option<chrono::NaiveDate>,
}

/// Read `doc`, `date_flag` and the date of every `documents` row (of a run's table, or of a
/// projection of it to those columns); the error names the column that is missing or of
/// another type.
pub fn document_dates(batch: &RecordBatch) -> std::result::Result<Vec<DocumentDates>, String> {
    use arrow::array::{Array, Date32Array, StringArray};
    fn col<'a, T: 'static>(b: &'a RecordBatch, name: &str) -> std::result::Result<&'a T, String> {
        b.column_by_name(name)
            .and_then(|c| c.as_any().downcast_ref::<T>())
            .ok_or_else(|| format!("column {name} is missing or of another type"))
    }
    let (doc, flag) = (col::<StringArray>(batch, "doc")?, col::<StringArray>(batch, "date_flag")?);
    let (published, event) = (col::<Date32Array>(batch, "published")?, col::<Date32Array>(batch, "event_date")?);
    let date = |a: &Date32Array, i: usize| (!a.is_null(i)).then(|| a.value_as_date(i)).flatten();
    Ok((0..batch.num_rows())
        .map(|i| DocumentDates {
            doc: doc.value(i).to_string(),
            date_flag: (!flag.is_null(i)).then(|| flag.value(i).to_string()),
            date: date(published, i).or_else(|| date(event, i)),
        })
        .collect())
}

/// Read `facts` rows back into [`Fact`]s: the inverse of [`push_fact`] (an incremental run feeds
/// the facts it reuses to the aggregate). `published` is left empty: the table keeps the
/// document's date in `documents`, not in every fact, and the caller sets it from there.
pub fn facts_from_batch(batch: &RecordBatch) -> Result<Vec<Fact>> {
    use arrow::array::{Array, BooleanArray, Float64Array, Int32Array, Int64Array, StringArray};
    let fail = |reason: String| Error::Schema {
        table: "facts".into(),
        reason,
    };
    fn col<'a, T: 'static>(b: &'a RecordBatch, name: &str) -> Result<&'a T> {
        b.column_by_name(name)
            .and_then(|c| c.as_any().downcast_ref::<T>())
            .ok_or_else(|| Error::Schema {
                table: "facts".into(),
                reason: format!("column {name} is missing or of another type"),
            })
    }
    let s = |name: &str| col::<StringArray>(batch, name);
    let f = |name: &str| col::<Float64Array>(batch, name);
    let (doc, metric, tier, unit, prov, code, period, basis, status, bound, flag, reason, raw, sentence) = (
        s("doc")?,
        s("metric")?,
        s("tier")?,
        s("unit")?,
        s("province")?,
        s("province_code")?,
        s("period")?,
        s("basis")?,
        s("status")?,
        s("bound")?,
        s("flag")?,
        s("flag_reason")?,
        s("raw")?,
        s("sentence")?,
    );
    let (value, high, of, growth, share) = (f("value")?, f("value_high")?, f("of")?, f("growth_pct")?, f("plan_share_pct")?);
    let converted = col::<BooleanArray>(batch, "converted")?;
    let sidx = col::<Int32Array>(batch, "sentence_index")?;
    let (start, end) = (col::<Int64Array>(batch, "char_start")?, col::<Int64Array>(batch, "char_end")?);
    fn os(a: &StringArray, i: usize) -> Option<&str> {
        (!a.is_null(i)).then(|| a.value(i))
    }
    let of64 = |a: &Float64Array, i: usize| (!a.is_null(i)).then(|| a.value(i));
    let usize_of = |v: i64| usize::try_from(v).map_err(|_| fail(format!("negative offset {v}")));
    let mut out = Vec::with_capacity(batch.num_rows());
    for i in 0..batch.num_rows() {
        let enum_of = |what: &str, v: Option<&str>| fail(format!("unknown {what} {v:?}"));
        out.push(Fact {
            doc: doc.value(i).to_string(),
            metric: metric.value(i).to_string(),
            tier: tier.value(i).to_string(),
            value: value.value(i),
            value_high: of64(high, i),
            of: of64(of, i),
            unit: unit.value(i).to_string(),
            province: os(prov, i).map(|name| ProvinceRef {
                name: name.into(),
                code: os(code, i).unwrap_or_default().into(),
            }),
            period: match os(period, i) {
                None => None,
                Some(p) => Some(Period::parse(p).ok_or_else(|| enum_of("period", Some(p)))?),
            },
            basis: match os(basis, i) {
                None => None,
                Some(b) => Some(Basis::parse(b).ok_or_else(|| enum_of("basis", Some(b)))?),
            },
            status: Status::parse(status.value(i)).ok_or_else(|| enum_of("status", Some(status.value(i))))?,
            bound: match os(bound, i) {
                None => None,
                Some(b) => Some(Bound::parse(b).ok_or_else(|| enum_of("bound", Some(b)))?),
            },
            converted: converted.value(i),
            flag: match os(flag, i) {
                None => None,
                Some(x) => Some(Flag::parse(x).ok_or_else(|| enum_of("flag", Some(x)))?),
            },
            flag_reason: os(reason, i).map(String::from),
            growth_pct: of64(growth, i),
            plan_share_pct: of64(share, i),
            raw: raw.value(i).to_string(),
            sentence_index: usize::try_from(sidx.value(i)).map_err(|_| fail("negative sentence index".into()))?,
            sentence: sentence.value(i).to_string(),
            char_start: usize_of(start.value(i))?,
            char_end: usize_of(end.value(i))?,
            published: None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::schema::TableSchema;

    fn facts_schema() -> TableSchema {
        TableSchema::parse(include_str!("../../schemas/tables/facts.toml"), std::path::Path::new("facts.toml")).unwrap()
    }

    #[test]
    fn facts_read_back_as_they_were_written() {
        let full = Fact {
            doc: "a.txt".into(),
            metric: "mobile_subscribers".into(),
            tier: "core".into(),
            value: 2_003_300.0,
            value_high: Some(2_100_000.0),
            of: Some(635.0),
            unit: "subscribers".into(),
            province: Some(ProvinceRef {
                name: "Lâm Đồng".into(),
                code: "68".into(),
            }),
            period: Period::parse("2014-H1"),
            basis: Some(Basis::Flow),
            status: Status::Estimate,
            bound: Some(Bound::Lower),
            converted: true,
            flag: Some(Flag::Implausible),
            flag_reason: Some("ten times the density".into()),
            growth_pct: Some(12.7),
            plan_share_pct: Some(30.95),
            raw: "2.003.300".into(),
            sentence_index: 7,
            sentence: "Toàn tỉnh có trên 2.003.300 thuê bao.".into(),
            char_start: 14,
            char_end: 23,
            published: None,
        };
        // every optional field empty, and a province without a code (Việt Nam)
        let bare = Fact {
            value_high: None,
            of: None,
            province: Some(ProvinceRef {
                name: "Việt Nam".into(),
                code: "".into(),
            }),
            period: None,
            basis: None,
            status: Status::Target,
            bound: None,
            converted: false,
            flag: None,
            flag_reason: None,
            growth_pct: None,
            plan_share_pct: None,
            ..full.clone()
        };
        let no_province = Fact {
            province: None,
            ..bare.clone()
        };
        let mut b = BatchBuilder::new(&facts_schema()).unwrap();
        for f in [&full, &bare, &no_province] {
            push_fact(&mut b, f);
        }
        let batch = b.finish().unwrap();
        let back = facts_from_batch(&batch).unwrap();
        assert_eq!(back, vec![full, bare, no_province]);
    }

    #[test]
    fn unknown_enum_values_are_errors_not_defaults() {
        let mut b = BatchBuilder::new(&facts_schema()).unwrap();
        b.row()
            .s("d")
            .s("m")
            .s("core")
            .f(1.0)
            .of(None)
            .of(None)
            .s("u")
            .os(None)
            .os(None)
            .os(None)
            .os(None)
            .s("guess")
            .os(None)
            .b(false)
            .os(None)
            .os(None)
            .of(None)
            .of(None)
            .s("1")
            .i32(0)
            .s("s")
            .i64(0)
            .i64(1);
        let err = facts_from_batch(&b.finish().unwrap()).unwrap_err().to_string();
        assert!(err.contains("unknown status"), "{err}");
    }
}
