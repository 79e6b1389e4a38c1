//! The batch builder: one Arrow builder per column of a table's contract, filled row by row.
//!
//! An encoder (`super::rows::push_*`) names the columns it writes; [`BatchBuilder::new`] maps
//! each name to its column of the [`TableSchema`] once, so values land by name whatever the
//! contract's order, and a contract column no encoder writes fails at once. A value of the
//! wrong type for its column is an [`Error::Schema`] naming the column, and every finished batch
//! is checked against the contract once (nulls in non-null columns included) before anything
//! reaches a file.

use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int32Builder, Int64Builder, RecordBatch, StringBuilder};
use chrono::NaiveDate;

use super::schema::{TableSchema, arrow_type};
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

/// Text bytes a finished builder reserves again for its next batch, at most: above the sink's
/// 4 MB flush bound, so a `documents` batch (4 MB of text and the one document that crossed
/// the bound) fits what was reserved instead of being copied into a buffer twice its size.
const MAX_RESERVED_BYTES: usize = 6 << 20;

/// Column builders for one table.
pub struct BatchBuilder {
    table: TableSchema,
    cols: Vec<Col>,
    /// For each value an encoder pushes, in its order: the contract column it goes to (None: a
    /// column this table leaves out, like `year` in a Hive partition).
    slots: Vec<Option<usize>>,
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
        let k = self.col;
        self.col += 1;
        let Some(slot) = self.b.slots.get(k) else {
            self.b.fail(format!("row has more than {k} values"));
            return self;
        };
        let Some(i) = *slot else { return self };
        let col = &mut self.b.cols[i];
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
        if self.col != self.b.slots.len() {
            let n = self.b.slots.len();
            self.b.fail(format!("row has {} values, its encoder writes {n} columns", self.col));
        }
        self.b.rows += 1;
    }
}

impl Col {
    fn len(&self) -> usize {
        use arrow::array::ArrayBuilder;
        match self {
            Col::Utf8(b) => b.len(),
            Col::F64(b) => b.len(),
            Col::I64(b) => b.len(),
            Col::I32(b) => b.len(),
            Col::Bool(b) => b.len(),
            Col::Date(b) => b.len(),
        }
    }
}

impl BatchBuilder {
    /// A builder for `table`, whose encoder's columns ([`super::rows::encoder_columns`]) are
    /// mapped to the contract's by name; an error when the contract has a column no encoder
    /// writes, or a table no encoder knows.
    pub fn new(table: &TableSchema) -> Result<Self> {
        let fail = |reason: String| Error::Schema {
            table: table.name.clone(),
            reason,
        };
        let names = super::rows::encoder_columns(&table.name).ok_or_else(|| fail("no encoder writes this table".into()))?;
        let slots: Vec<Option<usize>> = names.iter().map(|n| table.columns.iter().position(|c| c.name == *n)).collect();
        if let Some(c) = table.columns.iter().find(|c| !names.contains(&c.name.as_str())) {
            return Err(fail(format!("column {} of the contract is written by no encoder", c.name)));
        }
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
        Ok(BatchBuilder {
            table: table.clone(),
            cols,
            slots,
            rows: 0,
            error: None,
        })
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

    /// About how many bytes the rows held so far take: the text columns' bytes and eight per
    /// other cell. What a sink bounds, since one `documents` row carries a whole text.
    pub fn bytes(&self) -> usize {
        self.cols
            .iter()
            .map(|c| match c {
                Col::Utf8(b) => b.values_slice().len() + 4 * c.len(),
                other => 8 * other.len(),
            })
            .sum()
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
                // the next batch starts with this one's capacity: finishing a builder leaves it
                // empty, and regrowing every column buffer by doubling was a tenth of the writer;
                // capped, so one batch of long texts does not stay reserved for the whole run
                let n = c.len();
                match c {
                    Col::Utf8(b) => {
                        // (a quarter more than this batch took: the next one is about as
                        // large, a little larger half the time)
                        let used = b.values_slice().len();
                        let bytes = (used + used / 4).min(MAX_RESERVED_BYTES);
                        Arc::new(std::mem::replace(b, StringBuilder::with_capacity(n, bytes)).finish())
                    }
                    Col::F64(b) => Arc::new(std::mem::replace(b, Float64Builder::with_capacity(n)).finish()),
                    Col::I64(b) => Arc::new(std::mem::replace(b, Int64Builder::with_capacity(n)).finish()),
                    Col::I32(b) => Arc::new(std::mem::replace(b, Int32Builder::with_capacity(n)).finish()),
                    Col::Bool(b) => Arc::new(std::mem::replace(b, BooleanBuilder::with_capacity(n)).finish()),
                    Col::Date(b) => Arc::new(std::mem::replace(b, Date32Builder::with_capacity(n)).finish()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Reject, RejectKind};
    use arrow::array::{AsArray, StringArray};

    fn rejects_contract(columns: &[(&str, &str, bool)]) -> TableSchema {
        let mut toml = String::from("name = \"rejects\"\nversion = \"1.1.0\"\ndescription = \"test\"\n");
        for (name, ty, nullable) in columns {
            toml += &format!("[[columns]]\nname = \"{name}\"\ntype = \"{ty}\"\nnullable = {nullable}\ndescription = \"x\"\n");
        }
        TableSchema::parse(&toml, std::path::Path::new("rejects.toml")).unwrap()
    }

    fn reject() -> Reject {
        Reject {
            source: "in/a.jsonl".into(),
            doc: Some("a".into()),
            line: Some(7),
            kind: RejectKind::Empty,
            reason: "empty".into(),
        }
    }

    #[test]
    fn bytes_follow_the_text_held_and_start_again_after_finish() {
        let t = rejects_contract(&[
            ("source", "utf8", false),
            ("line", "int64", true),
            ("doc", "utf8", true),
            ("kind", "utf8", false),
            ("reason", "utf8", false),
        ]);
        let mut b = BatchBuilder::new(&t).unwrap();
        assert_eq!(b.bytes(), 0);
        let mut r = reject();
        crate::output::rows::push_reject(&mut b, &r);
        let one = b.bytes();
        r.reason = "x".repeat(10_000);
        crate::output::rows::push_reject(&mut b, &r);
        // the second row holds 10 000 more bytes of reason (and the same rest)
        assert_eq!(b.bytes() - one, one + 10_000 - "empty".len());
        b.finish().unwrap();
        assert_eq!(b.bytes(), 0);
    }

    #[test]
    fn values_land_in_their_column_by_name_whatever_the_contract_order() {
        // the contract lists the columns in another order than the encoder writes them
        let t = rejects_contract(&[
            ("reason", "utf8", false),
            ("line", "int64", true),
            ("kind", "utf8", false),
            ("doc", "utf8", true),
            ("source", "utf8", false),
        ]);
        let mut b = BatchBuilder::new(&t).unwrap();
        crate::output::rows::push_reject(&mut b, &reject());
        let batch = b.finish().unwrap();
        let s = |c: &str| {
            batch
                .column_by_name(c)
                .unwrap()
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .value(0)
                .to_string()
        };
        assert_eq!(
            (s("source"), s("doc"), s("kind"), s("reason")),
            ("in/a.jsonl".into(), "a".into(), "empty".into(), "empty".into())
        );
        let line = batch.column_by_name("line").unwrap().as_primitive::<arrow::datatypes::Int64Type>();
        assert_eq!(line.value(0), 7);
    }

    #[test]
    fn a_contract_column_no_encoder_writes_fails_when_the_builder_is_made() {
        let t = rejects_contract(&[
            ("source", "utf8", false),
            ("doc", "utf8", true),
            ("line", "int64", true),
            ("kind", "utf8", false),
            ("reason", "utf8", false),
            ("severity", "utf8", true),
        ]);
        let err = BatchBuilder::new(&t).err().expect("an error").to_string();
        assert!(err.contains("severity") && err.contains("no encoder"), "{err}");
    }

    #[test]
    fn a_value_of_the_wrong_type_or_a_null_in_a_non_null_column_is_a_schema_error() {
        let t = rejects_contract(&[
            ("source", "utf8", false),
            ("doc", "utf8", true),
            ("line", "utf8", true),
            ("kind", "utf8", false),
            ("reason", "utf8", false),
        ]);
        let mut b = BatchBuilder::new(&t).unwrap();
        crate::output::rows::push_reject(&mut b, &reject());
        let err = b.finish().unwrap_err().to_string();
        assert!(err.contains("wrong type for column line"), "{err}");

        let t = rejects_contract(&[
            ("source", "utf8", false),
            ("doc", "utf8", false),
            ("line", "int64", true),
            ("kind", "utf8", false),
            ("reason", "utf8", false),
        ]);
        let mut b = BatchBuilder::new(&t).unwrap();
        crate::output::rows::push_reject(&mut b, &Reject { doc: None, ..reject() });
        let err = b.finish().unwrap_err().to_string();
        assert!(err.contains("doc") && err.contains("null"), "{err}");
    }
}
