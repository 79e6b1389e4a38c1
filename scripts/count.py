"""Instructions and allocations of a run, counted: issue 12's repeatable measure (a benchmark,
not a test).

Usage:
    python3 scripts/count.py CORPUS [--bin target/release/ictstat] [--against OLD_BIN] [--cache]

Runs `ictstat run CORPUS -j 1` under valgrind's callgrind (about 35 s for 1 000 bench documents)
and prints the instructions of the whole run, of each stage's function (inclusive: what it
calls counts too), and the number of heap allocations. With `--against`, the same for another
build and the change. Timings on a shared 2-core machine vary by ±15 % between neighbouring
runs of one build; these counts are the same for the same build, input and flags to 0.02 %, so a
change of a fraction of a percent is seen. They are no timings: a cache miss counts as one
instruction, so an allocation removed is worth more time than its instructions say, and a
copy of a large buffer less. Use `scripts/bench.py` for MB/s and peak memory.

`--cache` also simulates the caches and branch predictors (`--cache-sim=yes --branch-sim=yes`,
about three times slower) and counts, in all and per stage, the instruction-cache misses
(`I1mr`, a 32 KB first-level cache), first-level data read misses (`D1mr`) and mispredicted
branches (`Bcm` conditional plus `Bim` indirect). The judgement had 17 % of the instructions and
75 % of the instruction-cache misses (session 32). They are a model, not the machine: a change
that cut the judgement's simulated misses by a quarter ran 3-5 % slower on the reference machine
(op cache, 1 MB second-level cache). Confirm with `scripts/bench.py` before keeping a change for
its misses.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# (label, function) pairs: the stages' functions as the release build keeps them (not inlined)
STAGES = [
    ("startup: resources", "ictstat::config::Config::resources"),
    ("decode", "ictstat::ingest::decode::decode_known"),
    ("clean: lines", "ictstat::clean::lines"),
    ("clean: document scan", "ictstat::text::PhraseUnion::scan"),
    ("clean: metadata", "ictstat::clean::Lined::finish"),
    ("extract: context", "ictstat::extract::DocCtx::scanned"),
    ("extract: traps", "ictstat::extract::sentence_traps"),
    ("extract: figures", "ictstat::extract::figures"),
    ("extract: judge", "ictstat::extract::judge"),
    ("extract: document rules", "ictstat::extract::document_rules"),
    ("normalize", "ictstat::process::normalized"),
    ("writer: tables", "ictstat::output::sink::Sink::flush"),
    ("aggregate", "ictstat::output::metrics::write_aggregate"),
]

ALLOCATORS = ("__rustc::__rust_alloc", "__rustc::__rust_alloc_zeroed", "__rustc::__rust_realloc")


# the events counted: instructions, and with `--cache` what the simulated caches and branch
# predictors miss (callgrind's names; `branches mispredicted` is Bcm + Bim)
EVENTS = ["Ir"]
CACHE_EVENTS = ["Ir", "I1mr", "D1mr", "Bcm", "Bim"]
# what is reported of the simulated events, and the events each sums
REPORTED = {"I1 misses": ("I1mr",), "D1 read misses": ("D1mr",), "branches mispredicted": ("Bcm", "Bim")}


def count(binary: str, corpus: Path, work: Path, cache: bool) -> dict[str, int]:
    """Instructions (total and per stage), the simulated counts when `cache`, and allocations of
    one run of `binary` on `corpus`. Keys: `label` for instructions, `label [name]` for the rest."""
    events = CACHE_EVENTS if cache else EVENTS
    out_file = work / "callgrind.out"
    out_dir = work / "out"
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out_file}",
        *(["--cache-sim=yes", "--branch-sim=yes"] if cache else []),
        binary,
        "run",
        "-j",
        "1",
        "--quiet",
        "--out",
        str(out_dir),
        str(corpus),
    ]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    got: dict[str, int] = {}
    inclusive = annotate(out_file, "--inclusive=yes", f"--show={','.join(events)}")
    total = re.search(r"^(.*?)\sPROGRAM TOTALS", inclusive, re.M)
    if not total:
        sys.exit(f"no totals in callgrind's output for {binary}")
    rows = [("instructions", total.group(1))]
    for label, function in STAGES:
        line = re.search(rf"^(.*?)\s\?\?\?:{re.escape(function)} \[", inclusive, re.M)
        if line:
            rows.append((label, line.group(1)))
    for label, columns in rows:
        values = dict(zip(events, event_values(columns)))
        got[label] = values["Ir"]
        for name, summed in reported(cache).items():
            got[f"{label} [{name}]"] = sum(values[e] for e in summed)
    got["allocations"] = allocations(annotate(out_file, "--tree=caller"))
    return got


def reported(cache: bool) -> dict[str, tuple[str, ...]]:
    """The simulated counts reported (none without `--cache`)."""
    return REPORTED if cache else {}


def event_values(columns: str) -> list[int]:
    """The counts of an annotated line's event columns (`1,234 (5.6%)` each, `.` for none)."""
    return [0 if v == "." else number(v) for v in re.findall(r"([\d,]+|\.)(?:\s+\(\s*[\d.]+%\))?", columns)]


def annotate(out_file: Path, *mode: str) -> str:
    done = subprocess.run(["callgrind_annotate", *mode, str(out_file)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"callgrind_annotate failed: {done.stderr[-2000:]}")
    return done.stdout


def allocations(tree: str) -> int:
    """Calls of the Rust allocator's entry points: the call counts of their callers, from
    callgrind_annotate's caller tree (a block per function; its callers marked `<`)."""
    calls = 0
    for block in tree.split("\n\n"):
        lines = block.strip("\n").split("\n")
        own = next((line for line in lines if "*  " in line), None)
        if own is None or not any(re.search(rf"\?\?\?:{re.escape(a)} \[", own) for a in ALLOCATORS):
            continue
        for line in lines:
            m = re.search(r"<.*\(([\d,]+)x\)", line)
            if m:
                calls += number(m.group(1))
    return calls


def number(text: str) -> int:
    return int(text.replace(",", ""))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--bin", default="target/release/ictstat")
    ap.add_argument("--against", metavar="OLD_BIN", help="another build to count and compare with")
    ap.add_argument("--cache", action="store_true", help="count cache misses and mispredicted branches too")
    args = ap.parse_args()
    if shutil.which("valgrind") is None or shutil.which("callgrind_annotate") is None:
        sys.exit("valgrind (callgrind) is not installed")
    with tempfile.TemporaryDirectory() as work:
        new = count(args.bin, args.corpus, Path(work), args.cache)
        old = count(args.against, args.corpus, Path(work), args.cache) if args.against else None
    stages = ["instructions", *[label for label, _ in STAGES]]
    labels = [*stages, *(f"{s} [{name}]" for name in reported(args.cache) for s in stages), "allocations"]
    if old is None:
        for label in labels:
            if label in new:
                print(f"{label:<50} {new[label]:>16,}")
        return
    print(f"{'':<50} {'old':>16} {'new':>16} {'change':>9}")
    for label in labels:
        if label in new and label in old:
            change = 100.0 * (new[label] / old[label] - 1.0) if old[label] else float("nan")
            print(f"{label:<50} {old[label]:>16,} {new[label]:>16,} {change:>+8.2f}%")


if __name__ == "__main__":
    main()
