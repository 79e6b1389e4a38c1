"""The binding gives the rows and schemas the CLI writes for the same documents."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import ictstat
from conftest import (
    BUNDLED,
    PER_DOCUMENT,
    ROOT,
    assert_same,
    cli,
    cli_run,
    jsonl_table,
    read_tables,
)


def files_table(folder: str, files: list[Path]) -> pa.Table:
    """Files as rows: their bytes (text for .txt, html for .html), named as the CLI names them."""
    is_html = [f.suffix in (".html", ".htm") for f in files]
    return pa.table(
        {
            "id": [f.relative_to(ROOT / folder).as_posix() for f in files],
            "text": pa.array([None if h else f.read_bytes() for f, h in zip(files, is_html)], pa.binary()),
            "html": pa.array([f.read_bytes() if h else None for f, h in zip(files, is_html)], pa.binary()),
            "source": [f"{folder}/{f.relative_to(ROOT / folder).as_posix()}" for f in files],
        }
    )


def extract_folder(folder: str, **kw) -> dict[str, pa.Table]:
    """Every input of a folder through the binding, in the CLI's order (sorted paths): files as
    bytes, each JSONL file's lines as string rows named by that file."""
    files = sorted(p for p in (ROOT / folder).rglob("*") if p.is_file())
    parts: list[dict[str, pa.Table]] = []
    run: list[Path] = []

    def flush():
        if run:
            parts.append(ictstat.extract(files_table(folder, run), html="html", source_column="source",
                                         tables=PER_DOCUMENT, **kw))
            run.clear()

    for f in files:
        if f.suffix == ".jsonl":
            flush()
            parts.append(ictstat.extract(jsonl_table(f), html="html", url="url", published="published",
                                         title="title", outlet="source", source=str(f.relative_to(ROOT)),
                                         tables=PER_DOCUMENT, **kw))
        else:
            run.append(f)
    flush()
    return {t: pa.concat_tables([p[t] for p in parts]) for t in PER_DOCUMENT}


@pytest.mark.parametrize("folder", BUNDLED)
def test_every_bundled_set_gives_the_cli_rows(folder, ictstat_bin, tmp_path):
    want = cli_run(ictstat_bin, [folder], tmp_path / "out")
    got = extract_folder(folder)
    assert want["documents"].num_rows > 0
    for t in PER_DOCUMENT:
        assert_same(got[t], want[t], f"{folder} {t}")


def synth_inputs(synth: Path) -> list[Path]:
    return sorted((synth / "corpus").glob("*.jsonl"))


def synth_facts(synth: Path, convert=lambda t: t, **kw) -> pa.Table:
    tables = []
    for shard in synth_inputs(synth):
        docs = convert(jsonl_table(shard))
        tables.append(ictstat.extract(docs, html="html", url="url", published="published", title="title",
                                      outlet="source", **kw))
    return pa.concat_tables(tables)


@pytest.fixture(scope="module")
def synth_cli(synth, ictstat_bin, tmp_path_factory):
    out = tmp_path_factory.mktemp("synth-cli")
    return cli_run(ictstat_bin, [str(p) for p in synth_inputs(synth)], out)


def test_synthetic_corpus_gives_the_cli_rows(synth, synth_cli):
    for shard in synth_inputs(synth):
        got = ictstat.extract(jsonl_table(shard), html="html", url="url", published="published", title="title",
                              outlet="source", source=str(shard), tables=PER_DOCUMENT)
        want_docs = synth_cli["documents"].filter(pa.compute.equal(synth_cli["documents"]["source"], str(shard)))
        assert_same(got["documents"], want_docs, f"{shard.name} documents")
    facts = synth_facts(synth)
    assert facts.num_rows > 100
    assert_same(facts, synth_cli["facts"], "synthetic facts")


@pytest.mark.parametrize("batch_size", [1, 7, 1000])
def test_batches_of_any_size_give_the_same_facts(synth, synth_cli, batch_size):
    assert_same(synth_facts(synth, batch_size=batch_size), synth_cli["facts"], f"batches of {batch_size}")


def test_polars_and_pandas_inputs_give_the_same_facts(synth, synth_cli):
    pl = pytest.importorskip("polars")
    assert_same(synth_facts(synth, convert=pl.from_arrow), synth_cli["facts"], "polars")
    assert_same(synth_facts(synth, convert=lambda t: t.to_pandas()), synth_cli["facts"], "pandas")
    assert_same(synth_facts(synth, threads=2), synth_cli["facts"], "two threads")


def test_bad_rows_are_rejects_as_the_cli_writes_them(ictstat_bin, tmp_path):
    seed = (ROOT / "data/raw/000_fcdb85da6d2188fb.txt").read_text()
    rows = [
        {"id": "ok", "text": seed},
        {"id": "no-text", "text": None},
        {"id": "blank", "text": "   "},
        {"id": None, "text": seed},
        {"id": "english", "text": "This is a plain English page about nothing in particular. " * 20},
        {"id": "ok", "text": seed},
        {"id": "huge", "text": seed * 30},
    ]
    import json

    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False) + "\n"
                            for r in rows), encoding="utf-8")
    cli(ictstat_bin, "run", str(path), "--out", str(tmp_path / "out"), "--quiet", "--max-doc-bytes", "100000")
    want = read_tables(tmp_path / "out")
    got = ictstat.extract(pa.Table.from_pylist(rows), source=str(path), tables=PER_DOCUMENT, max_doc_bytes=100000)
    kinds = got["rejects"].column("kind").to_pylist()
    assert kinds == want["rejects"].column("kind").to_pylist()
    assert set(kinds) >= {"empty", "malformed_json", "duplicate_id", "too_large", "not_vietnamese"}, kinds
    # the CLI cannot read an id from a line it does not parse; the binding names the row
    for t in ("documents", "facts"):
        assert_same(got[t], want[t], f"bad rows: {t}")
    # binary content is decoded as a file: NUL bytes are a `binary` reject, not an exception
    binary = pa.table({"id": ["bin"], "text": pa.array([b"\x00\x01PK\x03\x04" * 50], pa.binary())})
    rej = ictstat.extract(binary, tables=("rejects", "facts"))
    assert rej["rejects"].column("kind").to_pylist() == ["binary"]
    assert rej["facts"].num_rows == 0


def test_a_stated_province_decides_as_the_jsonl_province_field_does(ictstat_bin, tmp_path):
    # an invented report that names Nghệ An; the caller states Hà Tĩnh, by name and by code
    text = ("Sở TT&TT Nghệ An tổng kết công tác thông tin và truyền thông năm 2020\n\nNăm 2020, toàn tỉnh "
            "có 1.250 trạm BTS; tổng số thuê bao di động đạt 2,5 triệu thuê bao, doanh thu bưu chính, "
            "viễn thông đạt 1.900 tỷ đồng.")
    rows = [
        {"id": "named", "text": text, "province": "Hà Tĩnh"},
        {"id": "coded", "text": text, "province": "42"},
        {"id": "unknown", "text": text, "province": "Atlantis"},
        {"id": "none", "text": text},
    ]
    import json

    path = tmp_path / "stated.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    cli(ictstat_bin, "run", str(path), "--out", str(tmp_path / "out"), "--quiet")
    want = read_tables(tmp_path / "out")
    table = pa.table({k: [r.get(k) for r in rows] for k in ("id", "text", "province")})
    got = ictstat.extract(table, province="province", source=str(path), tables=PER_DOCUMENT)
    for t in ("documents", "facts"):
        assert_same(got[t], want[t], f"stated province: {t}")
    docs = {r["doc"]: r for r in got["documents"].to_pylist()}
    assert [docs[i]["province"] for i in ("named", "coded", "unknown", "none")] == [
        "Hà Tĩnh", "Hà Tĩnh", "Nghệ An", "Nghệ An"]
    assert "`Atlantis` is no province" in docs["unknown"]["warnings"]
    assert set(got["facts"].column("province").to_pylist()) == {"Hà Tĩnh", "Nghệ An"}


def test_caller_mistakes_are_exceptions():
    with pytest.raises(ValueError, match="body"):
        ictstat.extract(pa.table({"id": ["a"], "text": ["x"]}), text="body")
    with pytest.raises(ValueError, match="unknown table"):
        ictstat.extract(pa.table({"id": ["a"], "text": ["x"]}), tables=("facts", "nope"))


@pytest.mark.parametrize("name", ictstat.TABLES)
def test_published_schemas_are_the_parquet_contracts(name, ictstat_bin, tmp_path):
    out = tmp_path / "out"
    cli(ictstat_bin, "run", "data/raw", "--out", str(out), "--quiet")
    published = ictstat.schema(name)
    written = pq.read_schema(out / f"{name}.parquet")
    assert [(f.name, f.type, f.nullable) for f in published] == [(f.name, f.type, f.nullable) for f in written]
    contract = tomllib.loads((ROOT / "schemas/tables" / f"{name}.toml").read_text())
    assert published.metadata[b"ictstat.schema_version"].decode() == contract["version"]
    assert [f.metadata[b"description"].decode() for f in published] == [c["description"] for c in contract["columns"]]
    # the Spark DDL names the same columns with the same types
    ddl = ictstat.spark_ddl(name, comments=False)
    assert ddl.count("`") == 2 * len(published)
    for f in published:
        assert f"`{f.name}` {ictstat._SPARK_TYPES[f.type]}" in ddl


def test_run_and_aggregate_match_the_cli(ictstat_bin, synth, tmp_path):
    inputs = [str(p) for p in synth_inputs(synth)] + ["data/raw"]
    summary = ictstat.run(inputs, tmp_path / "run")
    assert summary["exit_code"] == 0
    want = read_tables(tmp_path / "run", ("facts", "province_metrics", "anomalies"))
    assert summary["tables"]["facts"]["rows"] == want["facts"].num_rows
    agg = ictstat.aggregate(tmp_path / "run" / "facts.parquet", documents=tmp_path / "run" / "documents.parquet")
    assert want["province_metrics"].num_rows > 50
    assert_same(agg["province_metrics"], want["province_metrics"], "province_metrics")
    keys = [(c, "ascending") for c in want["anomalies"].column_names]
    assert_same(agg["anomalies"].sort_by(keys), want["anomalies"].sort_by(keys), "anomalies")
    # Arrow data in, the same result
    agg2 = ictstat.aggregate(want["facts"], documents=pq.read_table(tmp_path / "run" / "documents.parquet"))
    assert_same(agg2["province_metrics"], want["province_metrics"], "province_metrics from Arrow")
