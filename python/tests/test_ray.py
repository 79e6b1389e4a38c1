"""Ray Data (2 CPUs, loopback only): map_batches(ExtractFacts) = the CLI's facts."""

from __future__ import annotations

import json
import os

import pyarrow as pa
import pytest

import ictstat
from conftest import ROOT, assert_same, cli, jsonl_rows, read_tables, require


@pytest.fixture(scope="module")
def ray_cluster():
    ray = require("ray")
    require("ray.data")
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    # a private local cluster on loopback, no dashboard; stopped at the end
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1",
             log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def test_ray_map_batches_equals_the_cli(ray_cluster, ictstat_bin, tmp_path):
    import ray.data

    import ictstat.ray

    cli(ictstat_bin, "synth", str(tmp_path / "synth"), "--docs", "300", "--seed", "9", ok=(0,))
    rows = []
    for shard in sorted((tmp_path / "synth" / "corpus").glob("*.jsonl")):
        rows += jsonl_rows(shard)
    for f in sorted((ROOT / "data/raw").iterdir()):
        rows.append({"id": f"seed/{f.name}", "text": f.read_text(encoding="utf-8")})
    keys = ["id", "text", "html", "url", "published", "title", "source"]
    rows = [{k: (None if r.get(k) is None else str(r[k])) for k in keys} for r in rows]
    path = tmp_path / "all.jsonl"
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False) + "\n"
                            for r in rows), encoding="utf-8")
    cli(ictstat_bin, "run", str(path), "--out", str(tmp_path / "cli"), "--quiet")
    want = read_tables(tmp_path / "cli", ("facts",))["facts"]

    # the README's Ray example
    table = pa.Table.from_pylist(rows, schema=pa.schema([(k, pa.string()) for k in keys]))
    n = table.num_rows
    ds = ray.data.from_arrow([table.slice(i * n // 4, (i + 1) * n // 4 - i * n // 4) for i in range(4)])
    facts = ds.map_batches(
        ictstat.ray.ExtractFacts,
        fn_constructor_kwargs=dict(html="html", url="url", published="published", title="title", outlet="source"),
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=2),
    )
    got = pa.concat_tables(ray_cluster.get(facts.to_arrow_refs()))
    assert want.num_rows > 100
    fkeys = [("doc", "ascending"), ("char_start", "ascending"), ("metric", "ascending")]
    got = got.cast(ictstat.schema("facts")) if got.num_rows else got
    assert_same(got.sort_by(fkeys), want.sort_by(fkeys), "facts through Ray")
