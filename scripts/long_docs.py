"""Long documents from a corpus of real-sized ones, to show that a run's cost grows with the
bytes it reads and not faster (a benchmark, not a test).

Usage:
    python3 scripts/long_docs.py CORPUS_DIR OUT_DIR [--join 1 10 100 500] [--docs 2000]

Takes the first `--docs` documents of CORPUS_DIR (in name order) and writes, for each JOIN,
OUT_DIR/join-JOIN/docs/ holding the same text as documents of JOIN reports each (one blank line
between two reports): with the 3-15 kB reports of `make_corpus.py`, ~10 kB, ~100 kB, ~1 MB and
~5 MB documents of one and the same text. `scripts/bench.py` on each then gives MB/s and µs of
extract per number by document size: the same figures at every size say the rules are linear in
a document's length; a number that grows with the size names a rule that rereads the document
for each figure (as `text.cut_off` and the per-capita check did).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--join", type=int, nargs="+", default=[1, 10, 100, 500])
    ap.add_argument("--docs", type=int, default=2000)
    args = ap.parse_args()
    names = sorted(p for p in args.corpus.iterdir() if p.is_file())[: args.docs]
    texts = [p.read_text(encoding="utf-8") for p in names]
    for join in args.join:
        docs = args.out / f"join-{join}" / "docs"
        docs.mkdir(parents=True, exist_ok=True)
        for old in docs.iterdir():
            old.unlink()
        for k in range(0, len(texts), join):
            (docs / f"{k // join:06d}.txt").write_text("\n\n".join(texts[k : k + join]), encoding="utf-8")
        print(f"{docs}: {(len(texts) + join - 1) // join} documents of {join} reports")


if __name__ == "__main__":
    main()
