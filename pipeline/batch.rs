//! Documents held in memory as Arrow → the per-document tables as Arrow batches: what the CLI
//! writes for the same documents, for the Python binding and the distributed engines.
//!
//! Input: Arrow record batches with one document per row and a [`Columns`] mapping that names
//! the columns. A row whose content column is a string is read as a JSONL line of the CLI
//! (`{"id", "text", "html", "url", "published", "title", "source"}`: the same parser decides
//! what it becomes); a row whose content column is binary is read as the bytes of a `.txt` file,
//! or an `.html` file when they come from the `html` column (the same decoder detects the
//! encoding and rejects binary content). Output: [`Extracted`], batches of `documents`,
//! `mentions`, `facts` and `rejects` with exactly the contracts' schemas.
//!
//! Invariants: every row is in `documents` or in `rejects` (null content, binary bytes, a row
//! over `max_doc_bytes`, an id an earlier row of the same [`Extractor`] had), never an error;
//! the rows come out in input order whatever the thread count; a row gives the rows the CLI
//! gives for the same JSONL line or file (the per-document stages are the same function,
//! [`crate::process::process`]). Errors are only for the caller's mistakes (a named column that
//! is missing or of a type that cannot hold documents).

use std::collections::HashSet;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::datatypes::DataType;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Resources;
use crate::output::rows::{self, BatchBuilder};
use crate::records::{DocOutput, Format, Payload, RawInput, Reject, RejectKind};
use crate::{Error, Result};

/// The per-document tables, in the order of [`TABLES`].
pub const TABLES: [&str; 4] = ["documents", "mentions", "facts", "rejects"];

/// Which input columns hold what. Only `id` and one of `text` or `html` are needed.
#[derive(Debug, Clone)]
pub struct Columns {
    pub id: String,
    /// Plain text (a string column) or the bytes of a text file (a binary column).
    pub text: Option<String>,
    /// An HTML page (string or binary), used when the row's text is null or empty.
    pub html: Option<String>,
    pub url: Option<String>,
    /// Publication date: ISO `YYYY-MM-DD` strings, or a date column.
    pub published: Option<String>,
    pub title: Option<String>,
    /// Publishing outlet (the JSONL `source` field: a domain such as mic.gov.vn).
    pub outlet: Option<String>,
    /// The province each row is about, when the caller knows it (a code, name or alias; the
    /// JSONL `province` field): it decides the document's province (rule `province.given`).
    pub province: Option<String>,
    /// Input name per row (the CLI's file path); absent: [`Options::source`] for every row.
    pub source: Option<String>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            id: "id".into(),
            text: Some("text".into()),
            html: None,
            url: None,
            published: None,
            title: None,
            outlet: None,
            province: None,
            source: None,
        }
    }
}

/// How an [`Extractor`] works.
#[derive(Debug, Clone)]
pub struct Options {
    pub columns: Columns,
    /// Tables to build (a subset of [`TABLES`]); the others come back as `None`.
    pub tables: Vec<String>,
    /// Worker threads: 1 inside an engine worker (the engine owns the cores); 0 = one per core.
    pub threads: usize,
    /// A row larger than this is a `too_large` reject, as a file or line is for the CLI.
    pub max_doc_bytes: u64,
    /// The `source` of rows when no source column is named.
    pub source: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            columns: Columns::default(),
            tables: vec!["facts".into()],
            threads: 1,
            max_doc_bytes: 32 << 20,
            source: "arrow".into(),
        }
    }
}

/// The tables of one input batch; `None` for a table that was not asked for.
#[derive(Debug, Default)]
pub struct Extracted {
    pub documents: Option<RecordBatch>,
    pub mentions: Option<RecordBatch>,
    pub facts: Option<RecordBatch>,
    pub rejects: Option<RecordBatch>,
}

/// Document names met so far (as 128-bit hashes: 16 bytes a document).
#[derive(Debug, Default)]
pub(crate) struct DocNames(HashSet<u128>);

impl DocNames {
    /// Record a name; false when an earlier document had it.
    pub(crate) fn insert(&mut self, name: &str) -> bool {
        let h = blake3::hash(name.as_bytes());
        let mut b = [0u8; 16];
        b.copy_from_slice(&h.as_bytes()[..16]);
        self.0.insert(u128::from_le_bytes(b))
    }

    /// Rule `ingest.duplicate_id`: a document whose name (a JSONL `id`) an earlier document of
    /// the run already has is rejected (`duplicate_id`), so that `doc` stays a key of every
    /// table. Example: two shards that both hold `{"id": "a1", ...}`: the first in input order
    /// is kept.
    pub(crate) fn admit(&mut self, out: DocOutput) -> DocOutput {
        match out {
            DocOutput::Done { document, .. } if !self.insert(&document.clean.doc) => {
                let c = &document.clean;
                let place = c.line.map_or_else(|| c.source.clone(), |l| format!("{}:{l}", c.source));
                DocOutput::Rejected(Reject {
                    source: c.source.clone(),
                    doc: Some(c.doc.clone()),
                    line: c.line,
                    kind: RejectKind::DuplicateId,
                    reason: format!(
                        "{place}: duplicate id {:?}: an earlier document of this run has it; this one is not kept",
                        c.doc
                    ),
                })
            }
            other => other,
        }
    }
}

/// A JSONL line of the CLI, built from one row.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    province: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
}

/// A column read as strings (any string type, or dates as ISO strings).
struct StrCol(ArrayRef);

impl StrCol {
    fn get(&self, i: usize) -> Option<&str> {
        let a = self.0.as_string::<i64>();
        (!a.is_null(i)).then(|| a.value(i))
    }
}

/// A content column: strings (JSONL semantics) or bytes (file semantics).
enum Content {
    Str(StrCol),
    Bytes(ArrayRef),
}

impl Content {
    fn bytes(&self, i: usize) -> Option<&[u8]> {
        match self {
            Content::Str(s) => s.get(i).map(str::as_bytes),
            Content::Bytes(a) => {
                let a = a.as_binary::<i64>();
                (!a.is_null(i)).then(|| a.value(i))
            }
        }
    }
}

fn get(c: &Option<StrCol>, i: usize) -> Option<&str> {
    c.as_ref().and_then(|c| c.get(i))
}

fn nonempty(c: &Option<Content>, i: usize) -> Option<&[u8]> {
    c.as_ref().and_then(|c| c.bytes(i)).filter(|b| !b.is_empty())
}

fn as_str(c: &Option<Content>, i: usize) -> Option<&str> {
    match c {
        Some(Content::Str(s)) => s.get(i),
        _ => None,
    }
}

fn usage(reason: String) -> Error {
    Error::Usage(reason)
}

fn column<'b>(batch: &'b RecordBatch, name: &str, role: &str) -> Result<&'b ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| {
        let have: Vec<&str> = batch.schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
        usage(format!("the {role} column {name:?} is not in the input (columns: {have:?})"))
    })
}

fn cast(a: &ArrayRef, to: &DataType, name: &str) -> Result<ArrayRef> {
    arrow::compute::cast(a, to).map_err(|e| usage(format!("column {name:?} of type {}: {e}", a.data_type())))
}

fn str_col(batch: &RecordBatch, name: Option<&str>, role: &str) -> Result<Option<StrCol>> {
    let Some(name) = name else { return Ok(None) };
    let a = column(batch, name, role)?;
    match a.data_type() {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Date32
        | DataType::Date64
        | DataType::Dictionary(_, _)
        | DataType::Null => Ok(Some(StrCol(cast(a, &DataType::LargeUtf8, name)?))),
        DataType::Timestamp(_, _) => {
            let d = cast(a, &DataType::Date32, name)?;
            Ok(Some(StrCol(cast(&d, &DataType::LargeUtf8, name)?)))
        }
        t => Err(usage(format!("the {role} column {name:?} has type {t}; strings are expected"))),
    }
}

fn content_col(batch: &RecordBatch, name: Option<&str>, role: &str) -> Result<Option<Content>> {
    let Some(name) = name else { return Ok(None) };
    let a = column(batch, name, role)?;
    match a.data_type() {
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            Ok(Some(Content::Bytes(cast(a, &DataType::LargeBinary, name)?)))
        }
        _ => Ok(str_col(batch, Some(name), role)?.map(Content::Str)),
    }
}

/// An id: a string, or an integer as the JSONL number the CLI would read.
enum IdCol {
    Str(StrCol),
    Int(ArrayRef),
}

impl IdCol {
    fn get(&self, i: usize) -> Option<serde_json::Value> {
        match self {
            IdCol::Str(s) => s.get(i).map(|v| serde_json::Value::String(v.to_string())),
            IdCol::Int(a) => {
                let a = a.as_primitive::<arrow::datatypes::Int64Type>();
                (!a.is_null(i)).then(|| serde_json::Value::from(a.value(i)))
            }
        }
    }
}

fn id_col(batch: &RecordBatch, name: &str) -> Result<IdCol> {
    let a = column(batch, name, "id")?;
    if a.data_type().is_integer() {
        return Ok(IdCol::Int(cast(a, &DataType::Int64, name)?));
    }
    Ok(IdCol::Str(
        str_col(batch, Some(name), "id")?.ok_or_else(|| usage("no id column".into()))?,
    ))
}

/// Turns batches of documents into the per-document tables; keeps what spans batches (the
/// row number, the ids met so far). One per stream of batches: ids are unique within it.
pub struct Extractor {
    res: Arc<Resources>,
    opts: Options,
    pool: Option<rayon::ThreadPool>,
    names: DocNames,
    /// Rows read so far: the 1-based `line` of the next string row is `rows + 1`.
    rows: u64,
}

impl Extractor {
    pub fn new(res: Arc<Resources>, opts: Options) -> Result<Self> {
        for t in &opts.tables {
            if !TABLES.contains(&t.as_str()) {
                return Err(usage(format!("unknown table {t:?}; the per-document tables are {TABLES:?}")));
            }
        }
        if opts.columns.text.is_none() && opts.columns.html.is_none() {
            return Err(usage("name a text or an html column".into()));
        }
        let pool = if opts.threads == 1 {
            None
        } else {
            Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(opts.threads)
                    .build()
                    .map_err(|e| usage(format!("cannot start worker threads: {e}")))?,
            )
        };
        Ok(Extractor {
            res,
            opts,
            pool,
            names: DocNames::default(),
            rows: 0,
        })
    }

    /// The tables this extractor builds.
    pub fn tables(&self) -> &[String] {
        &self.opts.tables
    }

    /// One row → the raw input the CLI would have read for the same JSONL line or file.
    fn raw_inputs(&mut self, batch: &RecordBatch) -> Result<Vec<RawInput>> {
        let c = &self.opts.columns;
        let id = id_col(batch, &c.id)?;
        let text = content_col(batch, c.text.as_deref(), "text")?;
        let html = content_col(batch, c.html.as_deref(), "html")?;
        let url = str_col(batch, c.url.as_deref(), "url")?;
        let published = str_col(batch, c.published.as_deref(), "published")?;
        let title = str_col(batch, c.title.as_deref(), "title")?;
        let outlet = str_col(batch, c.outlet.as_deref(), "outlet")?;
        let province = str_col(batch, c.province.as_deref(), "province")?;
        let source = str_col(batch, c.source.as_deref(), "source")?;
        let max = self.opts.max_doc_bytes;
        let mut out = Vec::with_capacity(batch.num_rows());
        for i in 0..batch.num_rows() {
            self.rows += 1;
            let line = self.rows;
            let src = source.as_ref().and_then(|s| s.get(i)).unwrap_or(&self.opts.source).to_string();
            let id_v = id.get(i);
            let name = match &id_v {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
                None => format!("{src}:{line}"),
            };
            let too_large = |line: Option<u64>, reason: String| RawInput {
                doc: name.clone(),
                source: src.clone(),
                line,
                format: Format::Txt,
                payload: Payload::Failed(Reject {
                    source: src.clone(),
                    doc: Some(name.clone()),
                    line,
                    kind: RejectKind::TooLarge,
                    reason,
                }),
            };
            // bytes in a binary column are a file's: decoded as the CLI decodes a .txt (text)
            // or .html (html, when the row has no text) file
            let file = match (&text, &html) {
                (Some(Content::Bytes(_)), _) if nonempty(&text, i).is_some() => nonempty(&text, i).map(|b| (b, Format::Txt)),
                (_, Some(Content::Bytes(_))) if nonempty(&text, i).is_none() => nonempty(&html, i).map(|b| (b, Format::Html)),
                _ => None,
            };
            if let Some((b, format)) = file {
                if b.len() as u64 > max {
                    out.push(too_large(None, format!("{src}: over the limit of {max} bytes (--max-doc-bytes)")));
                    continue;
                }
                out.push(RawInput {
                    doc: name,
                    source: src,
                    line: None,
                    format,
                    payload: Payload::Bytes(b.to_vec()),
                });
                continue;
            }
            let json = serde_json::to_vec(&Line {
                id: id_v,
                text: as_str(&text, i),
                html: as_str(&html, i),
                url: get(&url, i),
                published: get(&published, i),
                title: get(&title, i),
                province: get(&province, i),
                source: get(&outlet, i),
            })
            .map_err(|e| usage(format!("row {line} cannot be encoded as JSON: {e}")))?;
            if json.len() as u64 > max {
                out.push(too_large(
                    Some(line),
                    format!("{src}:{line}: line longer than {max} bytes (--max-doc-bytes)"),
                ));
                continue;
            }
            out.push(RawInput {
                doc: format!("{src}:{line}"),
                source: src,
                line: Some(line),
                format: Format::Jsonl,
                payload: Payload::JsonLine(json),
            });
        }
        Ok(out)
    }

    /// Extract one batch of documents.
    pub fn extract(&mut self, batch: &RecordBatch) -> Result<Extracted> {
        let raws = self.raw_inputs(batch)?;
        let res = &*self.res;
        let outs: Vec<DocOutput> = match &self.pool {
            None => raws.into_iter().map(|r| crate::process::process(r, res)).collect(),
            Some(p) => p.install(|| raws.into_par_iter().map(|r| crate::process::process(r, res)).collect()),
        };
        let want = |t: &str| self.opts.tables.iter().any(|x| x == t);
        let builder = |t: &str| want(t).then(|| BatchBuilder::new(res.table(t))).transpose();
        let (mut docs, mut mentions, mut facts, mut rejects) =
            (builder("documents")?, builder("mentions")?, builder("facts")?, builder("rejects")?);
        for out in outs {
            match self.names.admit(out) {
                DocOutput::Done {
                    document,
                    mentions: ms,
                    facts: fs,
                } => {
                    if let Some(b) = docs.as_mut() {
                        rows::push_document(b, &document);
                    }
                    if let Some(b) = mentions.as_mut() {
                        for m in &ms {
                            rows::push_mention(b, &document.clean.doc, &document.clean.text, m);
                        }
                    }
                    if let Some(b) = facts.as_mut() {
                        for f in &fs {
                            rows::push_fact(b, f);
                        }
                    }
                }
                DocOutput::Rejected(r) => {
                    if let Some(b) = rejects.as_mut() {
                        rows::push_reject(b, &r);
                    }
                }
            }
        }
        let finish = |b: Option<BatchBuilder>| b.map(|mut b| b.finish()).transpose();
        Ok(Extracted {
            documents: finish(docs)?,
            mentions: finish(mentions)?,
            facts: finish(facts)?,
            rejects: finish(rejects)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{BinaryArray, Int64Array, StringArray};
    use arrow::datatypes::{Field, Schema};

    fn resources() -> Arc<Resources> {
        static R: std::sync::OnceLock<Arc<Resources>> = std::sync::OnceLock::new();
        R.get_or_init(|| Arc::new(Resources::load(None, None).expect("data files load")))
            .clone()
    }

    /// A seed report: a provincial department's year in figures.
    const REPORT: &str = include_str!("../data/raw/000_fcdb85da6d2188fb.txt");

    fn batch(ids: Vec<Option<&str>>, texts: ArrayRef) -> RecordBatch {
        let schema = Schema::new(vec![
            Field::new("id", DataType::Utf8, true),
            Field::new("text", texts.data_type().clone(), true),
        ]);
        RecordBatch::try_new(Arc::new(schema), vec![Arc::new(StringArray::from(ids)), texts]).unwrap()
    }

    fn all_tables() -> Options {
        Options {
            tables: TABLES.iter().map(|t| t.to_string()).collect(),
            ..Options::default()
        }
    }

    #[test]
    fn a_row_gives_the_rows_of_the_same_jsonl_line() {
        let mut x = Extractor::new(resources(), all_tables()).unwrap();
        let out = x
            .extract(&batch(vec![Some("a")], Arc::new(StringArray::from(vec![Some(REPORT)]))))
            .unwrap();
        let line = serde_json::json!({"id": "a", "text": REPORT}).to_string();
        let want = crate::process::process(
            RawInput {
                doc: "arrow:1".into(),
                source: "arrow".into(),
                line: Some(1),
                format: Format::Jsonl,
                payload: Payload::JsonLine(line.into_bytes()),
            },
            &resources(),
        );
        let DocOutput::Done { facts, mentions, .. } = want else {
            panic!("a document")
        };
        assert!(!facts.is_empty(), "the report states a figure");
        let got = out.facts.unwrap();
        assert_eq!(got.num_rows(), facts.len());
        assert_eq!(out.mentions.unwrap().num_rows(), mentions.len());
        assert_eq!(out.documents.unwrap().num_rows(), 1);
        assert_eq!(out.rejects.unwrap().num_rows(), 0);
        let docs = got.column_by_name("doc").unwrap().as_string::<i32>();
        assert_eq!(docs.value(0), "a");
    }

    #[test]
    fn bad_rows_are_rejects_not_errors() {
        let mut x = Extractor::new(
            resources(),
            Options {
                max_doc_bytes: 8192,
                ..all_tables()
            },
        )
        .unwrap();
        let huge = "thuê bao ".repeat(2000);
        assert!(REPORT.len() < 7000 && huge.len() > 8192);
        let texts: ArrayRef = Arc::new(StringArray::from(vec![Some(REPORT), None, Some(huge.as_str()), Some(REPORT)]));
        let out = x.extract(&batch(vec![Some("a"), Some("b"), Some("c"), Some("a")], texts)).unwrap();
        let rej = out.rejects.unwrap();
        let kinds: Vec<&str> = (0..rej.num_rows())
            .map(|i| rej.column_by_name("kind").unwrap().as_string::<i32>().value(i))
            .collect();
        assert_eq!(kinds, ["empty", "too_large", "duplicate_id"]);
        assert_eq!(out.documents.unwrap().num_rows(), 1);
        // binary content is decoded as a file: NUL bytes are binary
        let bin: ArrayRef = Arc::new(BinaryArray::from(vec![Some(&b"\x00\x01\x02PK\x03\x04"[..])]));
        let out = x.extract(&batch(vec![Some("z")], bin)).unwrap();
        let rej = out.rejects.unwrap();
        assert_eq!(rej.column_by_name("kind").unwrap().as_string::<i32>().value(0), "binary");
    }

    #[test]
    fn integer_ids_and_bytes_rows_read_as_the_cli_reads_them() {
        let schema = Schema::new(vec![
            Field::new("id", DataType::Int64, true),
            Field::new("text", DataType::Binary, true),
        ]);
        let b = RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(Int64Array::from(vec![Some(7)])),
                Arc::new(BinaryArray::from(vec![Some(REPORT.as_bytes())])),
            ],
        )
        .unwrap();
        let mut x = Extractor::new(resources(), all_tables()).unwrap();
        let out = x.extract(&b).unwrap();
        let d = out.documents.unwrap();
        assert_eq!(d.column_by_name("doc").unwrap().as_string::<i32>().value(0), "7");
        assert_eq!(d.column_by_name("format").unwrap().as_string::<i32>().value(0), "txt");
        assert!(d.column_by_name("line").unwrap().is_null(0), "a file has no line");
    }

    #[test]
    fn a_missing_column_is_the_callers_error() {
        let mut x = Extractor::new(
            resources(),
            Options {
                columns: Columns {
                    text: Some("body".into()),
                    ..Columns::default()
                },
                ..Options::default()
            },
        )
        .unwrap();
        let e = x
            .extract(&batch(vec![Some("a")], Arc::new(StringArray::from(vec![Some(REPORT)]))))
            .unwrap_err();
        assert!(e.to_string().contains("\"body\""), "{e}");
    }
}
