"""Record what a build of ictstat makes of every bundled input, to compare two builds.

Usage:
    python3 scripts/snapshot.py OUT_DIR [--bin target/release/ictstat] [--synth N]
    diff -r OUT_A OUT_B        (or: python3 scripts/snapshot.py --compare OUT_A OUT_B)

For each input set (the seeds, every held-out set, every cached real batch, a synthetic corpus
of N documents, and any `--extra NAME=PATH`) it runs `ictstat run` and writes each output table
as CSV in its row order, with its Arrow schema (field metadata included), run ids and timings
dropped; the year partitions of `province_metrics` too. For the sentence cases
(`data/cases/sentences.jsonl`, which CI can see where it cannot see the real pages) it writes
what `ictstat explain` says of each, every figure's judgement and reason, to
`cases.explain.txt`. Two snapshots differ exactly where rows, their order, a schema or a
judgement differ.
The safety net of a rewrite (issue 12): a change that should not alter results must leave the
snapshot byte-for-byte equal.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
TABLES = ["facts", "mentions", "documents", "rejects", "province_metrics", "anomalies"]
DROP = {"run_id", "ingested_at", "duration_ms"}


def inputs(synth: int, work: Path, binary: str, extras: list[str]) -> list[tuple[str, Path]]:
    sets = [("seeds", ROOT / "data/raw")]
    for d in sorted(ROOT.glob("data/holdout*")):
        sets.append((d.name, d / "raw"))
    for c in sorted(ROOT.glob("data/real/cache/batch*.jsonl")):
        sets.append((f"real-{c.stem}", c))
    if synth:
        # a fixed place: the input's path is in the rows (documents.source)
        corpus = Path(tempfile.gettempdir()) / f"ictstat-snapshot-synth-{synth}"
        if not (corpus / "corpus").is_dir():
            subprocess.run([binary, "synth", str(corpus), "--docs", str(synth), "--seed", "7"], check=True,
                           capture_output=True)
        sets.append(("synth", corpus / "corpus"))
    for extra in extras:
        name, _, path = extra.partition("=")
        sets.append((name, Path(path)))
    return sets


def dump(table: Path, out: Path) -> None:
    t = pq.read_table(table)
    keep = [c for c in t.column_names if c not in DROP]
    rows = [tuple("" if v is None else repr(v) for v in r.values()) for r in t.select(keep).to_pylist()]
    meta = {k: v for k, v in (t.schema.metadata or {}).items() if b"run" not in k}
    with out.open("w", newline="") as f:
        f.write(f"# {t.schema.remove_metadata()!s}".replace("\n", " | ") + f" | {sorted(meta.items())}\n")
        w = csv.writer(f)
        w.writerow(keep)
        w.writerows(rows)


def explain_cases(out: Path, binary: str) -> None:
    """`ictstat explain` of every sentence case, with its province and period, in file order."""
    cases = [json.loads(line) for line in (ROOT / "data/cases/sentences.jsonl").open() if line.strip()]

    def one(case: dict) -> str:
        args = [binary, "explain", case["text"]]
        if case.get("province"):
            args += ["--province", case["province"]]
        if case.get("period"):
            args += ["--period", case["period"]]
        r = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
        return f"## {case['id']} (exit {r.returncode})\n{r.stdout}{r.stderr}"

    with ThreadPoolExecutor(max_workers=2) as pool:
        texts = list(pool.map(one, cases))
    (out / "cases.explain.txt").write_text("".join(texts))
    print(f"cases: {len(cases)} explained")


def snapshot(out: Path, binary: str, synth: int, extras: list[str]) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="ictstat-snap-") as tmp:
        work = Path(tmp)
        for name, src in inputs(synth, work, binary, extras):
            run_out = work / f"out-{name}"
            r = subprocess.run([binary, "run", str(src), "--out", str(run_out), "--quiet"], capture_output=True)
            if r.returncode not in (0, 1):
                sys.exit(f"{name}: ictstat run exited {r.returncode}: {r.stderr.decode()[-400:]}")
            for t in TABLES:
                p = run_out / f"{t}.parquet"
                if p.exists():
                    dump(p, out / f"{name}.{t}.csv")
            for part in sorted(run_out.glob("province_metrics/year=*/part-0.parquet")):
                dump(part, out / f"{name}.province_metrics.{part.parent.name}.csv")
            print(f"{name}: done")
    explain_cases(out, binary)


def compare(a: Path, b: Path) -> int:
    diffs = 0
    for fa in sorted([*a.glob("*.csv"), *a.glob("*.txt")]):
        fb = b / fa.name
        if not fb.exists():
            print(f"only in {a}: {fa.name}")
            diffs += 1
            continue
        la, lb = fa.read_text().splitlines(), fb.read_text().splitlines()
        if la != lb:
            sa, sb = set(la), set(lb)
            print(f"{fa.name}: {len(sa - sb)} lines only in {a.name}, {len(sb - sa)} only in {b.name}")
            diffs += 1
    for fb in sorted([*b.glob("*.csv"), *b.glob("*.txt")]):
        if not (a / fb.name).exists():
            print(f"only in {b}: {fb.name}")
            diffs += 1
    print("identical" if diffs == 0 else f"{diffs} tables differ")
    return 1 if diffs else 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?")
    ap.add_argument("--bin", default=str(ROOT / "target/release/ictstat"))
    ap.add_argument("--synth", type=int, default=3000)
    ap.add_argument("--extra", action="append", default=[], metavar="NAME=PATH",
                    help="another input to run (e.g. a corpus of ../shared/bench/make_corpus.py)")
    ap.add_argument("--compare", nargs=2, metavar=("A", "B"))
    a = ap.parse_args()
    if a.compare:
        sys.exit(compare(Path(a.compare[0]), Path(a.compare[1])))
    if not a.out:
        ap.error("OUT_DIR or --compare A B")
    snapshot(Path(a.out), a.bin, a.synth, a.extra)


if __name__ == "__main__":
    main()
