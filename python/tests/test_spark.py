"""A real local Spark (local[2], loopback only): mapInArrow extraction, Parquet, `ictstat aggregate`
= the CLI on the same documents."""

from __future__ import annotations

import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import ictstat
from conftest import ROOT, assert_same, cli, jsonl_rows, read_tables, require


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    require("pyspark")
    # loopback only: nothing listens beyond this machine
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    os.environ.setdefault("PYSPARK_PYTHON", __import__("sys").executable)
    from pyspark.sql import SparkSession

    import ictstat.spark  # noqa: F401

    s = (
        SparkSession.builder.master("local[2]")
        .appName("ictstat-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.local.dir", str(tmp_path_factory.mktemp("spark-local")))
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def corpus(ictstat_bin, tmp_path_factory):
    """A few thousand synthetic documents plus the seeds, as rows and as one JSONL file."""
    d = tmp_path_factory.mktemp("spark-corpus")
    cli(ictstat_bin, "synth", str(d / "synth"), "--docs", "2000", "--seed", "5", ok=(0,))
    rows = []
    for shard in sorted((d / "synth" / "corpus").glob("*.jsonl")):
        rows += jsonl_rows(shard)
    for f in sorted((ROOT / "data/raw").iterdir()):
        rows.append({"id": f"seed/{f.name}", "text": f.read_text(encoding="utf-8")})
    keys = ["id", "text", "html", "url", "published", "title", "source"]
    rows = [{k: (None if r.get(k) is None else str(r[k])) for k in keys} for r in rows]
    path = d / "all.jsonl"
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False) + "\n"
                            for r in rows), encoding="utf-8")
    return rows, path


def test_spark_extract_then_ictstat_aggregate_equals_the_cli(spark, corpus, ictstat_bin, tmp_path):
    rows, path = corpus
    cli(ictstat_bin, "run", str(path), "--out", str(tmp_path / "cli"), "--quiet")
    want = read_tables(tmp_path / "cli", ("facts", "province_metrics", "anomalies"))

    # the README's Spark example
    ddl = "id string, text string, html string, url string, published string, title string, source string"
    df = spark.createDataFrame(pa.Table.from_pylist(rows).to_pandas(), ddl).repartition(4)
    cols = dict(html_col="html", url_col="url", published_col="published", title_col="title", outlet_col="source")
    facts = ictstat.spark.extract_facts(df, id_col="id", text_col="text", **cols)
    facts.write.parquet(str(tmp_path / "facts"))
    docs = ictstat.spark.extract(df, table="documents", **cols).drop("text")
    docs.write.parquet(str(tmp_path / "documents"))
    out = tmp_path / "agg"
    cli(ictstat_bin, "aggregate", str(tmp_path / "facts"), "--documents", str(tmp_path / "documents"),
        "--out", str(out), ok=(0,))

    got = read_tables(out, ("province_metrics", "anomalies"))
    assert want["province_metrics"].num_rows > 100
    assert_same(got["province_metrics"], want["province_metrics"], "province_metrics")
    keys = [(c, "ascending") for c in want["anomalies"].column_names]
    assert_same(got["anomalies"].sort_by(keys), want["anomalies"].sort_by(keys), "anomalies")
    # the facts themselves: the same rows, in another order
    spark_facts = pq.read_table(tmp_path / "facts").replace_schema_metadata(None)
    assert spark_facts.num_rows == want["facts"].num_rows
    fkeys = [("doc", "ascending"), ("char_start", "ascending"), ("metric", "ascending")]
    spark_facts = pa.table(spark_facts.columns, schema=pa.schema(
        [f.with_nullable(w.nullable) for f, w in zip(spark_facts.schema, want["facts"].schema)]))
    assert_same(spark_facts.sort_by(fkeys), want["facts"].sort_by(fkeys), "facts through Spark")


def test_spark_types_are_the_contract(spark):
    df = spark.createDataFrame([("a", "Năm 2011, tổng số thuê bao điện thoại đạt 761.000 thuê bao.")], "id string, text string")
    facts = ictstat.spark.extract_facts(df)
    assert facts.schema == ictstat.spark.spark_schema("facts")
    assert dict(facts.dtypes)["sentence_index"] == "int"


def test_bad_rows_are_rejects_not_a_failed_task(spark):
    seed = (ROOT / "data/raw/000_fcdb85da6d2188fb.txt").read_text()
    df = spark.createDataFrame(
        [("ok", seed), ("null", None), ("nul", "\x00\x01\x02 binary"), ("huge", seed * 50), (None, seed)],
        "id string, text string",
    )
    rejects = ictstat.spark.extract(df, table="rejects", max_doc_bytes=200_000).collect()
    kinds = sorted(r["kind"] for r in rejects)
    assert "empty" in kinds and "too_large" in kinds and "malformed_json" in kinds, kinds
    assert len(rejects) >= 3
    facts = ictstat.spark.extract_facts(df, max_doc_bytes=200_000).collect()
    assert {r["doc"] for r in facts} == {"ok"}
    # bytes: a NUL-laden binary column is a `binary` reject
    bdf = spark.createDataFrame([("b", bytearray(b"\x00\x01PK\x03\x04" * 40))], "id string, text binary")
    assert [r["kind"] for r in ictstat.spark.extract(bdf, table="rejects").collect()] == ["binary"]
