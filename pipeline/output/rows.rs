//! Records → Arrow batches, one function per table, in the column order of its schema.
//!
//! [`BatchBuilder`] holds one Arrow builder per column of a [`TableSchema`]; a record pushes
//! its values in schema order with [`RowWriter`]. A value of the wrong type for its column is
//! an [`Error::Schema`] naming the column, caught before anything reaches a file.

use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int32Builder, Int64Builder, RecordBatch, StringBuilder};
use chrono::NaiveDate;

use super::schema::{TableSchema, arrow_type};
use crate::records::{Anomaly, DocumentRow, Fact, MentionRow, ProvinceMetric, Reject};
use crate::{Error, Result};

enum Col {
    Utf8(StringBuilder),
    F64(Float64Builder),
    I64(Int64Builder),
    I32(Int32Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
}

/// A value for one cell.
pub enum Val<'a> {
    Str(Option<&'a str>),
    F64(Option<f64>),
    I64(Option<i64>),
    I32(Option<i32>),
    Bool(Option<bool>),
    Date(Option<NaiveDate>),
}

/// Column builders for one table.
pub struct BatchBuilder {
    table: TableSchema,
    cols: Vec<Col>,
    rows: usize,
    error: Option<Error>,
}

/// Pushes one row's values in column order.
pub struct RowWriter<'b> {
    b: &'b mut BatchBuilder,
    col: usize,
}

fn days(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    i32::try_from((d - epoch).num_days()).unwrap_or(i32::MAX)
}

impl RowWriter<'_> {
    pub fn push(&mut self, v: Val<'_>) -> &mut Self {
        let i = self.col;
        self.col += 1;
        let Some(col) = self.b.cols.get_mut(i) else {
            self.b.fail(format!("row has more than {} values", i));
            return self;
        };
        let ok = match (col, v) {
            (Col::Utf8(c), Val::Str(x)) => {
                c.append_option(x);
                true
            }
            (Col::F64(c), Val::F64(x)) => {
                c.append_option(x.filter(|v| v.is_finite()));
                true
            }
            (Col::I64(c), Val::I64(x)) => {
                c.append_option(x);
                true
            }
            (Col::I32(c), Val::I32(x)) => {
                c.append_option(x);
                true
            }
            (Col::Bool(c), Val::Bool(x)) => {
                c.append_option(x);
                true
            }
            (Col::Date(c), Val::Date(x)) => {
                c.append_option(x.map(days));
                true
            }
            _ => false,
        };
        if !ok {
            let name = self.b.table.columns[i].name.clone();
            let ty = self.b.table.columns[i].ty.clone();
            self.b.fail(format!("value of the wrong type for column {name} ({ty})"));
        }
        self
    }
    pub fn s(&mut self, v: &str) -> &mut Self {
        self.push(Val::Str(Some(v)))
    }
    pub fn os(&mut self, v: Option<&str>) -> &mut Self {
        self.push(Val::Str(v))
    }
    pub fn f(&mut self, v: f64) -> &mut Self {
        self.push(Val::F64(Some(v)))
    }
    pub fn of(&mut self, v: Option<f64>) -> &mut Self {
        self.push(Val::F64(v))
    }
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.push(Val::I64(Some(v)))
    }
    pub fn oi64(&mut self, v: Option<i64>) -> &mut Self {
        self.push(Val::I64(v))
    }
    pub fn i32(&mut self, v: i32) -> &mut Self {
        self.push(Val::I32(Some(v)))
    }
    pub fn b(&mut self, v: bool) -> &mut Self {
        self.push(Val::Bool(Some(v)))
    }
    pub fn ob(&mut self, v: Option<bool>) -> &mut Self {
        self.push(Val::Bool(v))
    }
    pub fn date(&mut self, v: Option<NaiveDate>) -> &mut Self {
        self.push(Val::Date(v))
    }
}

impl Drop for RowWriter<'_> {
    fn drop(&mut self) {
        if self.col != self.b.cols.len() {
            let n = self.b.cols.len();
            self.b.fail(format!("row has {} values, the table has {n} columns", self.col));
        }
        self.b.rows += 1;
    }
}

impl BatchBuilder {
    pub fn new(table: &TableSchema) -> Self {
        let cols = table
            .columns
            .iter()
            .map(|c| match arrow_type(&c.ty).expect("checked at parse") {
                arrow::datatypes::DataType::Utf8 => Col::Utf8(StringBuilder::new()),
                arrow::datatypes::DataType::Float64 => Col::F64(Float64Builder::new()),
                arrow::datatypes::DataType::Int64 => Col::I64(Int64Builder::new()),
                arrow::datatypes::DataType::Int32 => Col::I32(Int32Builder::new()),
                arrow::datatypes::DataType::Boolean => Col::Bool(BooleanBuilder::new()),
                _ => Col::Date(Date32Builder::new()),
            })
            .collect();
        BatchBuilder {
            table: table.clone(),
            cols,
            rows: 0,
            error: None,
        }
    }

    fn fail(&mut self, reason: String) {
        if self.error.is_none() {
            self.error = Some(Error::Schema {
                table: self.table.name.clone(),
                reason,
            });
        }
    }

    pub fn row(&mut self) -> RowWriter<'_> {
        RowWriter { b: self, col: 0 }
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Finish the batch (the builder is reset and can be reused).
    pub fn finish(&mut self) -> Result<RecordBatch> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let arrays: Vec<ArrayRef> = self
            .cols
            .iter_mut()
            .map(|c| -> ArrayRef {
                match c {
                    Col::Utf8(b) => Arc::new(b.finish()),
                    Col::F64(b) => Arc::new(b.finish()),
                    Col::I64(b) => Arc::new(b.finish()),
                    Col::I32(b) => Arc::new(b.finish()),
                    Col::Bool(b) => Arc::new(b.finish()),
                    Col::Date(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        self.rows = 0;
        let batch = RecordBatch::try_new(self.table.arrow_schema(), arrays).map_err(|e| Error::Schema {
            table: self.table.name.clone(),
            reason: e.to_string(),
        })?;
        self.table.check(&batch)?;
        Ok(batch)
    }
}

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
        .os(f.province.as_ref().map(|p| p.name.as_str()))
        .os(f.province.as_ref().map(|p| p.code.as_str()).filter(|c| !c.is_empty()))
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
pub fn push_mention(b: &mut BatchBuilder, m: &MentionRow) {
    let x = &m.mention;
    b.row()
        .s(&m.doc)
        .i32(idx32(x.sentence))
        .i64(idx(m.char_start))
        .i64(idx(m.char_end))
        .s(&m.raw)
        .s(x.kind.as_str())
        .os(x.claim.as_ref().map(|c| c.metric.as_str()))
        .of(x.value)
        .of(x.value_high)
        .of(x.of)
        .os(x.unit_raw.as_deref())
        .os(x.unit_kind.map(|u| u.as_str()))
        .b(x.malformed)
        .s(&x.reason);
}

/// Append a `documents` row.
pub fn push_document(b: &mut BatchBuilder, d: &DocumentRow, region: Option<&str>, province_2025: Option<&str>) {
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
        .os(m.province.as_ref().map(|p| p.name.as_str()))
        .os(m.province.as_ref().map(|p| p.code.as_str()).filter(|c| !c.is_empty()))
        .os(region)
        .os(province_2025)
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

/// Append a `province_metrics` row; `with_year = false` for Hive partition files.
pub fn push_province_metric(b: &mut BatchBuilder, p: &ProvinceMetric, with_year: bool) {
    let mut r = b.row();
    r.s(&p.province)
        .os(p.province_code.as_deref())
        .os(p.region.as_deref())
        .os(p.province_2025.as_deref())
        .s(&p.period);
    if with_year {
        r.i32(p.year);
    }
    r.s(&p.metric)
        .s(&p.tier)
        .s(&p.unit)
        .s(&p.status)
        .os(p.basis.as_deref())
        .f(p.value)
        .of(p.value_high)
        .f(p.value_min)
        .f(p.value_max)
        .i32(i32::try_from(p.n_facts).unwrap_or(i32::MAX))
        .i32(i32::try_from(p.n_docs).unwrap_or(i32::MAX))
        .s(&p.doc)
        .i64(p.char_start)
        .i64(p.char_end)
        .b(p.conflict)
        .os(p.flag.as_deref())
        .of(p.population)
        .ob(p.population_extrapolated)
        .of(p.per_100_inhabitants)
        .of(p.implied_population)
        .of(p.growth_vs_prev_pct);
}
