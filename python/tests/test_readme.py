"""The README's "Python, Spark and Ray" examples, run as written, give the CLI's rows."""

from __future__ import annotations

import os
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import ROOT, assert_same, cli, read_tables, require

FEED = "data/holdout7/raw/708_feed.jsonl"


def examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python, Spark and Ray", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def run_example(i: int) -> dict:
    code = examples()[i]
    assert len(code.strip().splitlines()) <= 12, "an example stays about ten lines"
    ns: dict = {}
    exec(compile(code, f"README example {i}", "exec"), ns)
    return ns


@pytest.fixture(scope="module")
def feed_cli(ictstat_bin, tmp_path_factory):
    out = tmp_path_factory.mktemp("feed")
    cli(ictstat_bin, "run", FEED, "--out", str(out / "out"), "--quiet")
    return read_tables(out / "out", ("documents", "facts", "province_metrics", "anomalies"))


def test_the_readme_has_the_three_examples():
    assert len(examples()) == 3


def test_python_example(ictstat_bin, feed_cli):
    ns = run_example(0)
    want = feed_cli["facts"]
    assert want.num_rows > 0
    # the CLI names the input by its path; the example by the default source: the rows agree
    assert_same(ns["facts"], want, "README facts")
    assert_same(ns["agg"]["province_metrics"], feed_cli["province_metrics"], "README aggregate")
    assert ns["summary"]["tables"]["facts"]["rows"] >= want.num_rows
    assert ns["schema"].names == want.column_names
    assert "`sentence_index` INT NOT NULL" in ns["ddl"]


def test_spark_example(ictstat_bin, feed_cli):
    require("pyspark")
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    ns = run_example(1)
    ns["spark"].stop()
    assert_same(ns["agg"]["province_metrics"], feed_cli["province_metrics"], "README Spark aggregate")
    facts = pq.read_table(ROOT / "target/spark/facts")
    assert facts.num_rows == feed_cli["facts"].num_rows


def test_ray_example(ictstat_bin, feed_cli):
    require("ray")
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import shutil

    import ray

    shutil.rmtree(ROOT / "target/ray", ignore_errors=True)  # Ray adds files to a folder
    try:
        ns = run_example(2)
    finally:
        ray.shutdown()
    assert ns["rows"] == feed_cli["facts"].num_rows
    got = pq.read_table(ROOT / "target/ray/facts")
    keys = [("doc", "ascending"), ("char_start", "ascending"), ("metric", "ascending")]
    want = feed_cli["facts"]
    got = pa.table(got.select(want.column_names).columns, schema=want.schema)
    assert_same(got.sort_by(keys), want.sort_by(keys), "README Ray facts")
