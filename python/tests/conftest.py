"""Fixtures: the `ictstat` command (built by `cargo build`), the bundled document sets, a
synthetic corpus, and how to read what the command writes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
PER_DOCUMENT = ("documents", "mentions", "facts", "rejects")
# every bundled set: the seeds and the held-out sets
BUNDLED = ["data/raw"] + sorted(
    str(p.relative_to(ROOT)) for p in ROOT.glob("data/holdout*/raw") if p.is_dir()
)


@pytest.fixture(scope="session", autouse=True)
def _in_repository():
    """The command and the binding both read ./schemas: run from the repository root."""
    old = os.getcwd()
    os.chdir(ROOT)
    yield
    os.chdir(old)


@pytest.fixture(scope="session")
def ictstat_bin() -> str:
    """The CLI: $ICTSTAT_BIN, else target/debug/ictstat (built here when missing)."""
    path = os.environ.get("ICTSTAT_BIN") or str(ROOT / "target" / "debug" / "ictstat")
    if not Path(path).is_file():
        subprocess.run(["cargo", "build", "--quiet"], cwd=ROOT, check=True)
    os.environ["ICTSTAT_BIN"] = path
    return path


def cli(binary: str, *args: str, ok=(0, 1)) -> subprocess.CompletedProcess:
    p = subprocess.run([binary, *args], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode in ok, f"ictstat {' '.join(args)} -> {p.returncode}: {p.stderr}"
    return p


def read_tables(out: Path, names=PER_DOCUMENT) -> dict[str, pa.Table]:
    return {n: pq.read_table(out / f"{n}.parquet").replace_schema_metadata(None) for n in names}


def cli_run(binary: str, inputs: list[str], out: Path, names=PER_DOCUMENT) -> dict[str, pa.Table]:
    cli(binary, "run", *inputs, "--out", str(out), "--quiet")
    return read_tables(out, names)


def plain(t: pa.Table) -> pa.Table:
    """A table without schema or field metadata, for comparing rows and types."""
    return pa.table(t.columns, names=t.column_names) if t.num_columns else t


def assert_same(got: pa.Table, want: pa.Table, what: str):
    got, want = plain(got), plain(want)
    assert got.schema == want.schema, f"{what}: schema {got.schema} != {want.schema}"
    assert got.num_rows == want.num_rows, f"{what}: {got.num_rows} rows, the CLI wrote {want.num_rows}"
    for name in want.column_names:
        g, w = got.column(name).to_pylist(), want.column(name).to_pylist()
        if g != w:
            i = next(i for i, (a, b) in enumerate(zip(g, w)) if a != b)
            raise AssertionError(f"{what}: column {name} differs first at row {i}: {g[i]!r} != {w[i]!r}")


@pytest.fixture(scope="session")
def synth(ictstat_bin, tmp_path_factory) -> Path:
    """A synthetic corpus of 400 documents (JSONL shards) written by `ictstat synth`."""
    out = tmp_path_factory.mktemp("synth")
    cli(ictstat_bin, "synth", str(out), "--docs", "400", "--seed", "14", ok=(0,))
    return out


def jsonl_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def jsonl_table(path: Path) -> pa.Table:
    """The lines of a JSONL file as a table, every field a string column (as the CLI reads them)."""
    rows = jsonl_rows(path)
    keys = ["id", "text", "html", "url", "published", "title", "source"]
    cols = {k: [None if r.get(k) is None else str(r[k]) for r in rows] for k in keys}
    return pa.table({k: pa.array(v, pa.string()) for k, v in cols.items()})


def require(module: str):
    """Import an engine the tests need; under CI=true a missing one fails instead of skipping
    (CI installs python/requirements-test.txt)."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{module} is not installed in CI ({e}); .ci/run installs python/requirements-test.txt")
        pytest.skip(f"{module} is not installed: pip install -r python/requirements-test.txt")
