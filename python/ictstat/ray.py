"""ictstat on Ray Data: a callable class for ``Dataset.map_batches``.

    ds = ray.data.read_json("archive/")                       # id, text, ...
    facts = ds.map_batches(ictstat.ray.ExtractFacts, batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(min_size=1, max_size=2))
    facts.write_parquet("out/facts")                          # then `ictstat aggregate out/facts`

Ray starts one instance per actor: the data files are loaded once per worker, and each call
extracts one batch on one core (Ray owns the cores). Ids are unique within one actor's batches
only.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from . import DOCUMENT_TABLES, Extractor, schema

__all__ = ["Extract", "ExtractFacts"]


class Extract:
    """``map_batches`` callable: a batch of documents -> the rows of one per-document table."""

    table = "facts"

    def __init__(self, table: str | None = None, **columns: Any) -> None:
        self.table = table or self.table
        if self.table not in DOCUMENT_TABLES:
            raise ValueError(f"table must be one of {DOCUMENT_TABLES}, not {self.table!r}")
        columns.setdefault("source", "ray")
        self._x = Extractor(tables=[self.table], threads=1, **columns)
        self._schema = schema(self.table)

    def __call__(self, batch: pa.Table) -> pa.Table:
        if isinstance(batch, pa.Table):
            batch = batch.combine_chunks().to_batches()
            parts = [self._x.extract_batch(b)[self.table] for b in batch]
        else:
            parts = [self._x.extract_batch(batch)[self.table]]
        return pa.Table.from_batches(parts, schema=self._schema)


class ExtractFacts(Extract):
    """``map_batches`` callable: a batch of documents -> its ``facts`` rows."""

    table = "facts"
