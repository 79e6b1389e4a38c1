"""ictstat on Spark: extraction as a ``mapInArrow`` over a DataFrame of documents.

Spark distributes; ictstat is the per-batch kernel. Each task runs one
:class:`ictstat.Extractor` (one core: the executor owns the cores) over the Arrow batches of its
partition and returns them with the published schema of the table, so the result is a
DataFrame with exactly the contract's column types. Bad rows (no text, binary content, too
large) are ``rejects`` rows, never failed tasks.

Recipe, a national archive::

    docs = spark.read.json("archive/*.jsonl")              # id, text, url, published, ...
    ictstat.spark.extract_facts(docs).write.parquet("out/facts")
    ictstat.spark.extract(docs, table="documents").drop("text").write.parquet("out/documents")
    # then: ictstat aggregate out/facts --documents out/documents --out out/agg
    # or:   ictstat.aggregate("out/facts", documents="out/documents")

Ids must be unique across the archive: one task sees only its partition, so a duplicate id in
another partition is not rejected as ``ictstat run`` would reject it.
"""

from __future__ import annotations

from typing import Any, Iterator

import pyarrow as pa

from . import DOCUMENT_TABLES, Extractor, schema, spark_ddl

__all__ = ["extract", "extract_facts", "spark_schema"]


def spark_schema(table: str) -> Any:
    """The contract of ``table`` as a Spark ``StructType`` (descriptions as column comments)."""
    from pyspark.sql.types import StructType

    return StructType.fromDDL(spark_ddl(table))


def extract(
    df: Any,
    *,
    table: str = "facts",
    id_col: str = "id",
    text_col: str | None = "text",
    html_col: str | None = None,
    url_col: str | None = None,
    published_col: str | None = None,
    title_col: str | None = None,
    outlet_col: str | None = None,
    province_col: str | None = None,
    source: str = "spark",
    max_doc_bytes: int = 32 << 20,
) -> Any:
    """One per-document table (``documents``, ``mentions``, ``facts`` or ``rejects``) of the
    documents in ``df``, as a Spark DataFrame with the table's published schema."""
    if table not in DOCUMENT_TABLES:
        raise ValueError(f"table must be one of {DOCUMENT_TABLES}, not {table!r}")
    wanted = [c for c in (id_col, text_col, html_col, url_col, published_col, title_col, outlet_col, province_col) if c]
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the DataFrame (columns: {df.columns})")
    options = dict(
        id=id_col,
        text=text_col,
        html=html_col,
        url=url_col,
        published=published_col,
        title=title_col,
        outlet=outlet_col,
        province=province_col,
        tables=[table],
        threads=1,
        max_doc_bytes=max_doc_bytes,
        source=source,
    )
    contract = schema(table)

    def per_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        x = Extractor(**options)
        for b in batches:
            yield x.extract_batch(b)[table].cast(contract)

    return df.select(*wanted).mapInArrow(per_partition, spark_schema(table))


def extract_facts(df: Any, *, id_col: str = "id", text_col: str | None = "text", **columns: Any) -> Any:
    """The ``facts`` of the documents in ``df``: ``extract(df, table="facts", ...)``."""
    return extract(df, table="facts", id_col=id_col, text_col=text_col, **columns)
