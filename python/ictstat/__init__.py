"""ictstat in Python: Vietnamese provincial ICT reports -> analysis-ready Arrow tables.

The per-document stages (decode, clean, extract, normalize) run in Rust on Arrow batches, with
the GIL released; the rows and schemas are those the ``ictstat`` command writes for the same
documents. ``run`` and ``aggregate`` call the ``ictstat`` command (its aggregate uses polars,
which this module does not embed): it is found through ``$ICTSTAT_BIN``, beside this package
(``ictstat/bin/ictstat``) or on ``PATH``.

    import pyarrow as pa, ictstat
    docs = pa.table({"id": ["a1"], "text": [open("report.txt").read()]})
    facts = ictstat.extract(docs)                     # a pyarrow Table: the facts contract
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pyarrow as pa

from ._ictstat import Extractor, __version__
from ._ictstat import schema as _schema
from ._ictstat import tables as _tables

__all__ = [
    "Extractor",
    "aggregate",
    "extract",
    "extract_batches",
    "run",
    "schema",
    "spark_ddl",
    "TABLES",
    "__version__",
]

#: Every table of an output folder, in the order a run writes them.
TABLES: tuple[str, ...] = tuple(_tables())
#: The tables ``extract`` can build: one row set per document.
DOCUMENT_TABLES: tuple[str, ...] = ("documents", "mentions", "facts", "rejects")


def schema(name: str, *, schemas: str | None = None) -> pa.Schema:
    """The contract of table ``name`` (``schemas/tables/NAME.toml``) as a pyarrow Schema.

    Each field carries its description in its metadata (``b"description"``); the schema's
    metadata names the table (``ictstat.schema``), its version and its description.
    """
    return _schema(name, schemas=schemas)


_SPARK_TYPES = {
    pa.string(): "STRING",
    pa.float64(): "DOUBLE",
    pa.int64(): "BIGINT",
    pa.int32(): "INT",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
}


def spark_ddl(name: str, *, comments: bool = True, schemas: str | None = None) -> str:
    """The contract of table ``name`` as a Spark DDL string (``doc STRING NOT NULL COMMENT '…', …``).

    The types are exact (an ``int32`` column is ``INT``, never ``BIGINT``): what Spark's
    ``mapInArrow`` needs to accept the batches ``extract`` returns.
    """
    cols = []
    for f in schema(name, schemas=schemas):
        col = f"`{f.name}` {_SPARK_TYPES[f.type]}"
        if not f.nullable:
            col += " NOT NULL"
        if comments and f.metadata and b"description" in f.metadata:
            desc = f.metadata[b"description"].decode().replace("\\", "\\\\").replace("'", "\\'")
            col += f" COMMENT '{desc}'"
        cols.append(col)
    return ", ".join(cols)


def _stream(docs: Any, batch_size: int | None) -> Any:
    """Anything Arrow-like as an object with ``__arrow_c_stream__`` (re-chunked when asked)."""
    if type(docs).__module__.startswith("pandas"):
        docs = pa.Table.from_pandas(docs, preserve_index=False)
    if isinstance(docs, pa.RecordBatch):
        docs = pa.Table.from_batches([docs])
    if batch_size is not None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        table = docs if isinstance(docs, pa.Table) else pa.table(docs)
        return pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=batch_size))
    if hasattr(docs, "__arrow_c_stream__"):
        return docs
    if isinstance(docs, Mapping) or isinstance(docs, list):
        return pa.table(docs) if isinstance(docs, Mapping) else pa.Table.from_pylist(docs)
    raise TypeError(
        f"documents must be Arrow data (pyarrow, polars, an Arrow stream), a pandas DataFrame, "
        f"a dict of columns or a list of dicts, not {type(docs).__name__}"
    )


def _concat(name: str, batches: Sequence[pa.RecordBatch]) -> pa.Table:
    contract = schema(name)
    return pa.Table.from_batches(list(batches), schema=contract)


def extract(
    docs: Any,
    *,
    id: str = "id",
    text: str | None = "text",
    html: str | None = None,
    url: str | None = None,
    published: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    province: str | None = None,
    source_column: str | None = None,
    source: str = "arrow",
    tables: str | Sequence[str] = "facts",
    threads: int = 0,
    batch_size: int | None = None,
    max_doc_bytes: int = 32 << 20,
    schemas: str | None = None,
    provinces: str | None = None,
) -> pa.Table | dict[str, pa.Table]:
    """Extract documents: one document a row -> the per-document tables, as pyarrow Tables.

    ``docs`` is any Arrow data (a pyarrow Table, RecordBatch or RecordBatchReader, a polars
    DataFrame, anything with ``__arrow_c_stream__``), a pandas DataFrame, a dict of columns or a
    list of dicts. The keyword arguments name its columns; only ``id`` and ``text`` (or
    ``html``) are needed. A string row is read as the ``ictstat`` command reads a JSONL line
    ``{"id", "text", "html", "url", "published", "title", "source": outlet, "province"}``; a binary row
    (bytes) as it reads a ``.txt`` file (or an ``.html`` file, from ``html``): the same
    decoding, cleaning and rules, hence the same rows.

    ``province`` names a column stating the province each row is about, when the caller knows
    it (a crawl of one provincial site): a GSO code, a name or an alias (``"TP.HCM"``, ``"01"``,
    ``"Việt Nam"``); it decides the document's province. A value that is no province is
    ignored, with a warning in ``documents.warnings``. (``provinces`` is the path of another
    reference table, not a column.)

    ``tables`` is one table name (the result is a Table) or several (the result is a dict of
    name -> Table) among ``documents``, ``mentions``, ``facts`` and ``rejects``. Bad rows
    (no id, no text, binary content, over ``max_doc_bytes``, an id an earlier row had) are
    ``rejects`` rows, never exceptions. ``threads=0`` uses every core; engine workers pass 1.
    ``source`` names the input in ``documents.source`` and ``rejects.source`` (or
    ``source_column``, per row); string rows are numbered from 1 in ``line``, as lines of that
    input.
    """
    single = isinstance(tables, str)
    names = [tables] if single else list(tables)
    x = Extractor(
        id=id,
        text=text,
        html=html,
        url=url,
        published=published,
        title=title,
        outlet=outlet,
        province=province,
        source_column=source_column,
        tables=names,
        threads=threads,
        max_doc_bytes=max_doc_bytes,
        source=source,
        schemas=schemas,
        provinces=provinces,
    )
    out = x.extract_stream(_stream(docs, batch_size))
    result = {t: _concat(t, out[t]) for t in names}
    return result[names[0]] if single else result


def extract_batches(
    batches: Iterable[pa.RecordBatch], *, table: str = "facts", threads: int = 1, **columns: Any
) -> Iterable[pa.RecordBatch]:
    """Extract a stream of batches lazily, one output batch of ``table`` per input batch.

    What an engine's per-partition function needs (Spark's ``mapInArrow``): one Extractor,
    so ids stay unique within the stream, and one core by default.
    """
    x = Extractor(tables=[table], threads=threads, **columns)
    for b in batches:
        yield x.extract_batch(b)[table]


def _binary() -> str:
    """The ``ictstat`` command: ``$ICTSTAT_BIN``, beside the package, or on ``PATH``."""
    env = os.environ.get("ICTSTAT_BIN")
    if env:
        return env
    here = Path(__file__).parent / "bin" / "ictstat"
    if here.is_file():
        return str(here)
    found = shutil.which("ictstat")
    if found:
        return found
    raise FileNotFoundError(
        "the `ictstat` command is needed for run() and aggregate(): build it (`cargo build --release` "
        "in the repository, or `cargo install --path .`) and put it on PATH or in $ICTSTAT_BIN"
    )


def _call(args: list[str], ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([_binary(), *args], capture_output=True, text=True)
    if p.returncode not in ok:
        raise RuntimeError(f"`ictstat {' '.join(args)}` exited with {p.returncode}: {p.stderr.strip()}")
    return p


def run(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    incremental: bool = False,
    threads: int | None = None,
    schemas: str | None = None,
    provinces: str | None = None,
) -> dict[str, Any]:
    """The ``ictstat run`` command on files or folders: every table written to ``out``.

    Returns the run's manifest (``run_id``, ``tables`` with their row counts, ``incremental``,
    ...) with ``exit_code`` (0 clean, 1 when some inputs were rejected) and ``summary`` (the
    text the command printed). All cores by default. A fatal error raises RuntimeError.
    """
    paths = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    args = ["run", *map(str, paths), "--out", str(out), "--quiet"]
    if incremental:
        args.append("--incremental")
    if threads is not None:
        args += ["-j", str(threads)]
    args += _common(schemas, provinces)
    p = _call(args, ok=(0, 1))
    manifest = json.loads((Path(out) / "manifest.json").read_text())
    manifest["exit_code"] = p.returncode
    manifest["summary"] = p.stdout
    return manifest


def _common(schemas: str | None, provinces: str | None) -> list[str]:
    return (["--schemas", schemas] if schemas else []) + (["--provinces", provinces] if provinces else [])


def _as_dataset(data: Any, folder: Path, name: str) -> list[str]:
    """Paths as they are; Arrow data written to a zstd Parquet file in ``folder``."""
    if isinstance(data, (str, os.PathLike)):
        return [str(data)]
    if isinstance(data, (list, tuple)) and all(isinstance(d, (str, os.PathLike)) for d in data):
        return [str(d) for d in data]
    import pyarrow.parquet as pq

    table = data if isinstance(data, pa.Table) else pa.table(_stream(data, None))
    path = folder / f"{name}.parquet"
    pq.write_table(table, path, compression="zstd")
    return [str(path)]


def aggregate(
    facts: Any,
    *,
    documents: Any = None,
    out: str | os.PathLike[str] | None = None,
    schemas: str | None = None,
    provinces: str | None = None,
) -> dict[str, pa.Table]:
    """``province_metrics`` and ``anomalies`` of a facts table or Parquet dataset.

    ``facts`` (and ``documents``, whose publication dates decide between sources and whose
    repaired dates are anomalies) are paths to Parquet files or folders (a Spark or Ray output)
    or Arrow data. Runs ``ictstat aggregate``: the run's own aggregate. The tables are written
    to ``out`` when given (replaced atomically), else to a temporary folder, and returned.
    """
    with tempfile.TemporaryDirectory(prefix="ictstat-aggregate-") as tmp:
        t = Path(tmp)
        args = ["aggregate", *_as_dataset(facts, t, "facts")]
        if documents is not None:
            for d in _as_dataset(documents, t, "documents"):
                args += ["--documents", d]
        dest = Path(out) if out is not None else t / "out"
        args += ["--out", str(dest), *_common(schemas, provinces)]
        _call(args)
        import pyarrow.parquet as pq

        return {
            name: pq.read_table(dest / f"{name}.parquet").replace_schema_metadata(None).cast(schema(name))
            for name in ("province_metrics", "anomalies")
        }
