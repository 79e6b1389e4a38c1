"""Throughput of ictstat on one corpus, as issue 12 measures it (a benchmark, not a test).

Usage:
    python3 scripts/bench.py CORPUS_DIR [--bin target/release/ictstat] [--runs 2]
                             [--peer ../shared/bench/baseline.py]

Runs `ictstat run CORPUS_DIR` (and the Python peer, when given, in the same session) under
`/usr/bin/time`, and prints per run: wall seconds, CPU seconds, MB/s end to end, MB per
CPU-second, peak RSS, the stage seconds the run's manifest records (summed over threads) and
µs of extract per number read. Shared machines vary by ±20 %: compare builds in one session,
alternating, and take the best run of each.

    python3 scripts/bench.py CORPUS_DIR --bin NEW --against OLD [--runs 3]

alternates the two builds (OLD, NEW, OLD, NEW, ...) `--runs` times and prints, besides each run,
the change of CPU seconds, wall seconds and extract seconds within each pair and their medians:
a machine that drifts by more than a change between hours moves both runs of a pair alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def input_bytes(corpus: Path) -> int:
    if corpus.is_file():
        return corpus.stat().st_size
    return sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())


def timed(cmd: list[str]) -> tuple[float, float, int]:
    """(wall s, CPU s, peak RSS kB) of a command; its own output is discarded."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        full = ["/usr/bin/time", "-o", t.name, "-f", "%e %U %S %M", *cmd]
        done = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
        wall, user, sys_s, rss = t.read().split()[-4:]
    return float(wall), float(user) + float(sys_s), int(rss)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--bin", default="target/release/ictstat")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--peer", type=Path, help="the Python peer (shared/bench/baseline.py)")
    ap.add_argument("--against", metavar="OLD_BIN", help="another build, run alternately with --bin")
    args = ap.parse_args()
    mb = input_bytes(args.corpus) / 1e6
    print(f"corpus {args.corpus}: {mb:.1f} MB")
    print(f"{'run':<10} {'wall s':>7} {'CPU s':>7} {'MB/s':>6} {'MB/CPU-s':>9} {'RSS MB':>7}  stages (s, summed over threads); µs/number")
    with tempfile.TemporaryDirectory() as work:
        pairs: list[tuple[tuple[float, float, float], tuple[float, float, float]]] = []
        for i in range(args.runs):
            if args.against:
                before = run_once(args.against, f"old {i + 1}", args.corpus, mb, Path(work))
                after = run_once(args.bin, f"new {i + 1}", args.corpus, mb, Path(work))
                pairs.append((before, after))
            else:
                run_once(args.bin, f"ictstat {i + 1}", args.corpus, mb, Path(work))
        if pairs:
            for k, name in enumerate(["CPU", "wall", "extract"]):
                changes = [100.0 * (new[k] / old[k] - 1.0) for old, new in pairs if old[k] > 0]
                each = ", ".join(f"{c:+.1f}" for c in changes)
                print(f"{name} s, new against old: median {statistics.median(changes):+.1f} % ({each})")
        if args.peer:
            wall, cpu, rss = timed([sys.executable, str(args.peer), str(args.corpus), str(Path(work) / "peer.parquet")])
            print(f"{'peer':<10} {wall:7.1f} {cpu:7.1f} {mb / wall:6.1f} {mb / cpu:9.2f} {rss / 1024:7.0f}")


def run_once(binary: str, label: str, corpus: Path, mb: float, work: Path) -> tuple[float, float, float]:
    """One run of `binary` on `corpus`, printed; (CPU s, wall s, extract s)."""
    out = work / "out"
    wall, cpu, rss = timed([binary, "run", str(corpus), "--out", str(out), "--quiet"])
    m = json.loads((out / "manifest.json").read_text())
    stages = m.get("stage_seconds", {})
    numbers = m.get("stage_counts", {}).get("numbers", 0)
    per = 1e6 * stages.get("extract", 0.0) / numbers if numbers else float("nan")
    split = " ".join(f"{k} {v:.1f}" for k, v in sorted(stages.items()))
    print(f"{label:<10} {wall:7.1f} {cpu:7.1f} {mb / wall:6.1f} {mb / cpu:9.2f} {rss / 1024:7.0f}  {split}; {per:.1f} µs/number ({numbers} numbers)")
    # where cleaning's and extraction's seconds go (older manifests have no phase_seconds)
    phases = m.get("phase_seconds", {})
    if phases:
        print(" " * 11 + "phases: " + " ".join(f"{k} {v:.2f}" for k, v in phases.items()))
    return cpu, wall, stages.get("extract", 0.0)

if __name__ == "__main__":
    main()
