"""Type stubs of the native module (Rust, PyO3)."""

from typing import Any, Sequence

import pyarrow as pa

__version__: str

class Extractor:
    """Extracts documents batch after batch; ids are unique across the batches it sees."""

    def __init__(
        self,
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
        tables: Sequence[str] = ("facts",),
        threads: int = 1,
        max_doc_bytes: int = 33554432,
        source: str = "arrow",
        schemas: str | None = None,
        provinces: str | None = None,
    ) -> None: ...
    def extract_batch(self, batch: pa.RecordBatch) -> dict[str, pa.RecordBatch]:
        """One batch of documents -> table name -> its rows (GIL released meanwhile)."""
    def extract_stream(self, data: Any) -> dict[str, list[pa.RecordBatch]]:
        """Every batch of an Arrow stream (``__arrow_c_stream__``) -> table name -> batches."""

def schema(name: str, *, schemas: str | None = None) -> pa.Schema: ...
def tables() -> list[str]: ...
