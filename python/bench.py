"""Throughput of the binding and of Spark local[2] against the CLI (a benchmark, not a test).

Usage: python3 python/bench.py --docs N  (run by `just bench-python`, release builds).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

import ictstat

ROOT = Path(__file__).resolve().parents[1]
KEYS = ["id", "text", "html", "url", "published", "title", "source"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--spark", action=argparse.BooleanOptionalAction, default=True)
    a = ap.parse_args()
    binary = os.environ.get("ICTSTAT_BIN", str(ROOT / "target/release/ictstat"))
    os.environ["ICTSTAT_BIN"] = binary
    work = Path(tempfile.mkdtemp(prefix="ictstat-bench-"))
    try:
        subprocess.run([binary, "synth", str(work / "synth"), "--docs", str(a.docs), "--seed", "1"], check=True,
                       capture_output=True)
        rows = []
        for shard in sorted((work / "synth/corpus").glob("*.jsonl")):
            rows += [json.loads(line) for line in shard.read_text().splitlines() if line.strip()]
        rows = [{k: (None if r.get(k) is None else str(r[k])) for k in KEYS} for r in rows]
        all_jsonl = work / "all.jsonl"
        all_jsonl.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False)
                                     + "\n" for r in rows))
        table = pa.Table.from_pylist(rows, schema=pa.schema([(k, pa.string()) for k in KEYS]))
        cols = dict(html="html", url="url", published="published", title="title", outlet="source")
        n = len(rows)
        cores = os.cpu_count()
        print(f"{n} synthetic documents, {all_jsonl.stat().st_size / 1e6:.1f} MB, {cores} cores")

        def timed(label, f):
            t = time.perf_counter()
            f()
            s = time.perf_counter() - t
            print(f"  {label:<58} {s:7.2f} s  {n / s:8.0f} documents/s")
            return s

        for threads in (1, 0):
            j = ["-j", "1"] if threads == 1 else []
            cli = timed(f"CLI run ({'1 thread' if threads == 1 else 'all cores'}), every table",
                        lambda: subprocess.run([binary, "run", str(all_jsonl), "--out", str(work / "cli"), "--quiet",
                                                *j], check=True, capture_output=True))
            per_doc = ictstat.DOCUMENT_TABLES
            b = timed(f"binding extract from pyarrow ({'1 thread' if threads == 1 else 'all cores'}), 4 tables",
                      lambda: ictstat.extract(table, tables=per_doc, threads=threads, **cols))
            f = timed(f"binding extract from pyarrow ({'1 thread' if threads == 1 else 'all cores'}), facts only",
                      lambda: ictstat.extract(table, threads=threads, **cols))
            print(f"  binding vs CLI: {100 * (cli / b - 1):+.1f} % (4 tables), {100 * (cli / f - 1):+.1f} % (facts)")

        if a.spark:
            os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
            from pyspark.sql import SparkSession

            from ictstat import spark as ispark

            spark = (SparkSession.builder.master("local[2]").config("spark.driver.host", "127.0.0.1")
                     .config("spark.driver.bindAddress", "127.0.0.1").config("spark.ui.enabled", "false")
                     .getOrCreate())
            spark.sparkContext.setLogLevel("ERROR")
            try:
                def spark_e2e():
                    docs = spark.read.json(str(all_jsonl)).repartition(8)
                    sc = dict(url_col="url", published_col="published", title_col="title", outlet_col="source")
                    sc = {k: v for k, v in sc.items() if v in docs.columns}  # what the JSONL has
                    ispark.extract_facts(docs, **sc).write.mode("overwrite").parquet(str(work / "sf"))
                    ispark.extract(docs, table="documents", **sc).drop("text").write.mode(
                        "overwrite").parquet(str(work / "sd"))
                    subprocess.run([binary, "aggregate", str(work / "sf"), "--documents", str(work / "sd"), "--out",
                                    str(work / "sa")], check=True, capture_output=True)

                cli = timed("CLI run (all cores), every table",
                            lambda: subprocess.run([binary, "run", str(all_jsonl), "--out", str(work / "cli"),
                                                    "--quiet"], check=True, capture_output=True))
                s = timed("Spark local[2]: read, facts + documents, Parquet, aggregate", spark_e2e)
                print(f"  Spark local[2] vs CLI: {s / cli:.2f}x the CLI's time")
            finally:
                spark.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
