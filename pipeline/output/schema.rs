//! Table schemas as data: column, type, nullability, description; and the check of a batch.
//!
//! Input: a `schemas/tables/NAME.toml` file. Output: [`TableSchema`] with its Arrow schema.
//! Invariant: a batch that passes [`TableSchema::check`] has exactly the columns, types and
//! nullability the file declares, and no null in a non-nullable column.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use serde::Deserialize;

use crate::{Error, Result};

#[derive(Debug, Deserialize)]
struct TableFile {
    name: String,
    version: String,
    description: String,
    columns: Vec<ColumnDef>,
}

/// One column of a table.
#[derive(Debug, Clone, Deserialize)]
pub struct ColumnDef {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub nullable: bool,
    pub description: String,
}

/// A table's contract.
#[derive(Debug, Clone)]
pub struct TableSchema {
    pub name: String,
    pub version: String,
    pub description: String,
    pub columns: Vec<ColumnDef>,
    arrow: SchemaRef,
}

/// Arrow type of a schema type name.
pub fn arrow_type(ty: &str) -> Option<DataType> {
    Some(match ty {
        "utf8" => DataType::Utf8,
        "float64" => DataType::Float64,
        "int64" => DataType::Int64,
        "int32" => DataType::Int32,
        "bool" => DataType::Boolean,
        "date32" => DataType::Date32,
        _ => return None,
    })
}

impl TableSchema {
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let f: TableFile = toml::from_str(text).map_err(|e| Error::config("table schema", path, e))?;
        let mut fields = Vec::new();
        for c in &f.columns {
            let dt = arrow_type(&c.ty)
                .ok_or_else(|| Error::config("table schema", path, format!("column {}: unknown type {:?}", c.name, c.ty)))?;
            let md = HashMap::from([("description".to_string(), c.description.clone())]);
            fields.push(Field::new(&c.name, dt, c.nullable).with_metadata(md));
        }
        Ok(TableSchema {
            name: f.name,
            version: f.version,
            description: f.description,
            columns: f.columns,
            arrow: Arc::new(Schema::new(fields)),
        })
    }

    pub(crate) fn expect_name(self, name: &str, path: &Path) -> Result<Self> {
        if self.name == name {
            Ok(self)
        } else {
            Err(Error::config(
                "table schema",
                path,
                format!("declares table {:?}, expected {name:?}", self.name),
            ))
        }
    }

    pub fn arrow_schema(&self) -> SchemaRef {
        self.arrow.clone()
    }

    /// The same schema without some columns (Hive partition columns live in folder names).
    pub fn without(&self, drop: &[&str]) -> TableSchema {
        let columns: Vec<ColumnDef> = self.columns.iter().filter(|c| !drop.contains(&c.name.as_str())).cloned().collect();
        let fields: Vec<Field> = self
            .arrow
            .fields()
            .iter()
            .filter(|f| !drop.contains(&f.name().as_str()))
            .map(|f| f.as_ref().clone())
            .collect();
        TableSchema {
            name: self.name.clone(),
            version: self.version.clone(),
            description: self.description.clone(),
            columns,
            arrow: Arc::new(Schema::new(fields)),
        }
    }

    /// Check a batch against the contract.
    pub fn check(&self, batch: &RecordBatch) -> Result<()> {
        let fail = |reason: String| Error::Schema {
            table: self.name.clone(),
            reason,
        };
        let got = batch.schema();
        if got.fields().len() != self.columns.len() {
            return Err(fail(format!("{} columns, expected {}", got.fields().len(), self.columns.len())));
        }
        for (i, (f, c)) in got.fields().iter().zip(&self.columns).enumerate() {
            let want = arrow_type(&c.ty).expect("checked at parse");
            if f.name() != &c.name {
                return Err(fail(format!("column {i} is {:?}, expected {:?}", f.name(), c.name)));
            }
            if f.data_type() != &want {
                return Err(fail(format!("column {} has type {}, expected {}", c.name, f.data_type(), want)));
            }
            if !c.nullable && batch.column(i).null_count() > 0 {
                return Err(fail(format!(
                    "column {} is not nullable but has {} nulls",
                    c.name,
                    batch.column(i).null_count()
                )));
            }
        }
        Ok(())
    }

    /// Compare an Arrow schema read back from a file with the contract (names, types, nullability).
    pub fn matches(&self, schema: &Schema) -> std::result::Result<(), String> {
        let got: Vec<(String, DataType, bool)> = schema
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone(), f.is_nullable()))
            .collect();
        let want: Vec<(String, DataType, bool)> = self
            .columns
            .iter()
            .map(|c| (c.name.clone(), arrow_type(&c.ty).expect("checked"), c.nullable))
            .collect();
        if got == want {
            Ok(())
        } else {
            Err(format!("file schema {got:?} differs from contract {want:?}"))
        }
    }
}
