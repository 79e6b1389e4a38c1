//! `ictstat._ictstat`: the per-document stages of ictstat for Python, on Arrow batches.
//!
//! Inputs: any Arrow stream (an object with `__arrow_c_stream__`: a pyarrow Table, RecordBatch
//! or reader, a polars DataFrame) or a pyarrow RecordBatch; outputs: pyarrow RecordBatches,
//! handed over through the Arrow C data interface without copying. The work is
//! [`ictstat::batch::Extractor`], the function the CLI's rows come from; the GIL is released
//! while it runs. The aggregate (polars) is not compiled here: the Python layer calls the
//! `ictstat aggregate` command for it.

use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::ffi_stream::RecordBatchStreamReader;
use arrow::pyarrow::{FromPyArrow, PyArrowType, ToPyArrow};
use ictstat::batch::{self, Columns, Extractor as Core, Options};
use ictstat::config::Resources;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

fn err(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Data files, loaded once per process and folder pair (an engine worker extracts many
/// partitions with them).
fn resources(schemas: Option<&str>, provinces: Option<&str>) -> PyResult<Arc<Resources>> {
    type Cache = std::sync::Mutex<Vec<((Option<String>, Option<String>), Arc<Resources>)>>;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let key = (schemas.map(String::from), provinces.map(String::from));
    let cache = CACHE.get_or_init(Default::default);
    let mut c = cache.lock().map_err(|_| PyRuntimeError::new_err("resource cache poisoned"))?;
    if let Some((_, r)) = c.iter().find(|(k, _)| *k == key) {
        return Ok(r.clone());
    }
    let r = Arc::new(Resources::load(schemas.map(std::path::Path::new), provinces.map(std::path::Path::new)).map_err(err)?);
    c.push((key, r.clone()));
    Ok(r)
}

/// Extracts documents, batch after batch; ids are unique across the batches one extractor sees.
#[pyclass(module = "ictstat._ictstat")]
struct Extractor {
    core: std::sync::Mutex<Core>,
}

#[pymethods]
impl Extractor {
    #[new]
    #[pyo3(signature = (*, id="id", text=Some("text"), html=None, url=None, published=None, title=None,
        outlet=None, province=None, source_column=None, tables=vec!["facts".to_string()], threads=1,
        max_doc_bytes=32 << 20, source="arrow", schemas=None, provinces=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        id: &str,
        text: Option<&str>,
        html: Option<&str>,
        url: Option<&str>,
        published: Option<&str>,
        title: Option<&str>,
        outlet: Option<&str>,
        province: Option<&str>,
        source_column: Option<&str>,
        tables: Vec<String>,
        threads: usize,
        max_doc_bytes: u64,
        source: &str,
        schemas: Option<&str>,
        provinces: Option<&str>,
    ) -> PyResult<Self> {
        let s = |v: Option<&str>| v.map(String::from);
        let opts = Options {
            columns: Columns {
                id: id.to_string(),
                text: s(text),
                html: s(html),
                url: s(url),
                published: s(published),
                title: s(title),
                outlet: s(outlet),
                province: s(province),
                source: s(source_column),
            },
            tables,
            threads,
            max_doc_bytes,
            source: source.to_string(),
        };
        let core = Core::new(resources(schemas, provinces)?, opts).map_err(err)?;
        Ok(Extractor {
            core: std::sync::Mutex::new(core),
        })
    }

    /// Extract one pyarrow RecordBatch: a dict of table name → pyarrow RecordBatch.
    fn extract_batch<'py>(&self, py: Python<'py>, batch: PyArrowType<RecordBatch>) -> PyResult<Bound<'py, PyDict>> {
        let out = py.detach(|| self.run(&batch.0)).map_err(err)?;
        to_dict(py, out)
    }

    /// Extract every batch of an Arrow stream: a dict of table name → list of pyarrow
    /// RecordBatches, one per input batch.
    fn extract_stream<'py>(&self, py: Python<'py>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let reader = RecordBatchStreamReader::from_pyarrow_bound(data)?;
        let outs: Vec<batch::Extracted> = py
            .detach(|| -> Result<Vec<_>, String> {
                let mut outs = Vec::new();
                for b in reader {
                    let b = b.map_err(|e| e.to_string())?;
                    outs.push(self.run(&b).map_err(|e| e.to_string())?);
                }
                Ok(outs)
            })
            .map_err(PyValueError::new_err)?;
        let d = PyDict::new(py);
        for t in batch::TABLES {
            let mut list = Vec::new();
            for o in &outs {
                if let Some(b) = pick(o, t) {
                    list.push(b.to_pyarrow(py)?);
                }
            }
            if outs.iter().any(|o| pick(o, t).is_some()) || self.wants(t)? {
                d.set_item(t, list)?;
            }
        }
        Ok(d)
    }
}

impl Extractor {
    fn run(&self, b: &RecordBatch) -> ictstat::Result<batch::Extracted> {
        let mut core = self
            .core
            .lock()
            .map_err(|_| ictstat::Error::Usage("an earlier call on this extractor panicked".into()))?;
        core.extract(b)
    }

    fn wants(&self, t: &str) -> PyResult<bool> {
        let core = self.core.lock().map_err(|_| PyRuntimeError::new_err("extractor poisoned"))?;
        Ok(core.tables().iter().any(|x| x == t))
    }
}

fn pick<'a>(o: &'a batch::Extracted, t: &str) -> Option<&'a RecordBatch> {
    match t {
        "documents" => o.documents.as_ref(),
        "mentions" => o.mentions.as_ref(),
        "facts" => o.facts.as_ref(),
        "rejects" => o.rejects.as_ref(),
        _ => None,
    }
}

fn to_dict(py: Python<'_>, o: batch::Extracted) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    for t in batch::TABLES {
        if let Some(b) = pick(&o, t) {
            d.set_item(t, b.to_pyarrow(py)?)?;
        }
    }
    Ok(d)
}

/// The contract of a table (`schemas/tables/NAME.toml`): a pyarrow Schema whose fields carry
/// their description (field metadata `description`) and whose metadata names the table, its
/// version and its description.
#[pyfunction]
#[pyo3(signature = (name, *, schemas=None))]
fn schema<'py>(py: Python<'py>, name: &str, schemas: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    let res = resources(schemas, None)?;
    let t = res
        .tables
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| err(format!("unknown table {name:?}; tables: {:?}", ictstat::config::TABLES)))?;
    let md = std::collections::HashMap::from([
        ("ictstat.schema".to_string(), t.name.clone()),
        ("ictstat.schema_version".to_string(), t.version.clone()),
        ("description".to_string(), t.description.clone()),
    ]);
    let s = t.arrow_schema().as_ref().clone().with_metadata(md);
    s.to_pyarrow(py)
}

/// Tables of the output, in the order a run writes them.
#[pyfunction]
fn tables() -> Vec<&'static str> {
    ictstat::config::TABLES.to_vec()
}

#[pymodule]
fn _ictstat(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Extractor>()?;
    m.add_function(wrap_pyfunction!(schema, m)?)?;
    m.add_function(wrap_pyfunction!(tables, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
