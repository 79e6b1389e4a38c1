# ictstat tasks. `just` alone runs the pipeline on the bundled data.

default: run

# run the pipeline (release build); extra arguments go to `ictstat run`
run *ARGS:
    cargo run --release -- run {{ARGS}}

# the test suite, as CI runs it
test:
    cargo test

# run and score the seeds, then every held-out set (`data/holdout*`: raw/, gold.jsonl, and
# docs.txt when the set has documents without gold)
eval: build-release
    #!/usr/bin/env bash
    set -euo pipefail
    echo "== seeds"
    target/release/ictstat run data/raw --out target/seeds-out --quiet > /dev/null
    target/release/ictstat eval --gold data/gold/seeds.jsonl --out target/seeds-out --brief
    for set in data/holdout data/holdout[0-9]*; do
        name=$(basename "$set")
        echo "== $name"
        target/release/ictstat run "$set/raw" --out "target/$name-out" --quiet > /dev/null || test $? -eq 1
        docs=()
        if [ -f "$set/docs.txt" ]; then docs=(--docs "$set/docs.txt"); fi
        target/release/ictstat eval --gold "$set/gold.jsonl" "${docs[@]}" --out "target/$name-out" --brief
    done

# score every cached real-article batch (data/real/cache/BATCH.jsonl; see data/real/README.md)
eval-real: build-release
    #!/usr/bin/env bash
    set -euo pipefail
    for gold in data/real/batch*/gold.jsonl; do
        b=$(basename "$(dirname "$gold")")
        cache="data/real/cache/$b.jsonl"
        if [ ! -f "$cache" ]; then echo "== $b: no cache ($cache); see data/real/README.md"; continue; fi
        echo "== $b"
        target/release/ictstat run "$cache" --out "target/real-$b" --quiet > /dev/null || test $? -eq 1
        target/release/ictstat eval --gold "$gold" --docs "data/real/$b/docs.txt" --out "target/real-$b" --brief
    done

build-release:
    cargo build --release

# fuzz every target for SECS seconds each (cargo-fuzz on the nightly toolchain; crash inputs land
# in fuzz/artifacts/: copy them to fuzz/regressions/TARGET/ and fix the cause)
fuzz SECS="600":
    fuzz/run.sh {{SECS}}

# formatting and lints, as CI checks them
lint:
    cargo fmt --check
    cargo clippy --all-targets -- -D warnings

# micro-benchmarks (criterion) and end-to-end throughput and peak memory at 0.1 GB and 1 GB
bench: bench-micro (bench-scale "50000") (bench-scale "500000") (bench-shaped "20000") bench-long

bench-micro:
    cargo bench --bench grammar

# issue 12's corpus of real-sized reports (3-15 kB, ../shared/bench/make_corpus.py, seed 42):
# MB/s end to end, MB per CPU-second, peak RSS, stage seconds and µs of extract per number,
# and the Python peer in the same session when PEER=1; AGAINST=path/to/another/ictstat alternates
# that build with this one three times and prints the change within each pair
bench-shaped DOCS="20000" PEER="0" AGAINST="":
    cargo build --release
    test -d target/bench/shaped-{{DOCS}} || python3 ../shared/bench/make_corpus.py target/bench/shaped-{{DOCS}} --docs {{DOCS}} --seed 42 --workers 2
    python3 scripts/bench.py target/bench/shaped-{{DOCS}}/docs {{ if AGAINST != "" { "--runs 3 --against " + AGAINST } else { "--runs 2" } }} {{ if PEER == "1" { "--peer ../shared/bench/baseline.py" } else { "" } }}

# callgrind counts the same for the same build to 0.02 %, where timings here vary by ±15 %;
# AGAINST=path/to/another/ictstat counts that build too and prints the change (valgrind, ~35 s
# per 1 000 documents and build); CACHE=1 also counts instruction-cache misses, data-cache read
# misses and mispredicted branches (simulated, ~3 times slower: a model, confirm with
# bench-shaped). Instructions (whole run and per stage) and allocations of a one-thread run
# over a shaped corpus of DOCS reports (seed 42)
bench-count DOCS="1000" AGAINST="" CACHE="0":
    cargo build --release
    test -d target/bench/shaped-{{DOCS}} || python3 ../shared/bench/make_corpus.py target/bench/shaped-{{DOCS}} --docs {{DOCS}} --seed 42 --workers 2
    python3 scripts/count.py target/bench/shaped-{{DOCS}}/docs {{ if AGAINST != "" { "--against " + AGAINST } else { "" } }} {{ if CACHE == "1" { "--cache" } else { "" } }}

# the same 2 000 real-shaped reports as documents of 1, 10, 100 and 500 reports each (~10 kB to
# ~5 MB): MB/s and µs of extract per number by document size (equal at every size: linear)
bench-long:
    cargo build --release
    test -d target/bench/shaped-2000 || python3 ../shared/bench/make_corpus.py target/bench/shaped-2000 --docs 2000 --seed 42 --workers 2
    python3 scripts/long_docs.py target/bench/shaped-2000/docs target/bench/long
    for j in 1 10 100 500; do python3 scripts/bench.py target/bench/long/join-$j/docs --runs 1; done

# synthesize DOCS reports (~2.2 kB each), run on them: MB/s, documents/s, peak RSS and F1 of a
# full run, then the time of an incremental re-run over the unchanged corpus
bench-scale DOCS:
    cargo build --release
    test -d target/bench/{{DOCS}} || target/release/ictstat synth target/bench/{{DOCS}} --docs {{DOCS}} --seed 1
    @echo "== full run, {{DOCS}} documents"
    /usr/bin/time -v target/release/ictstat run target/bench/{{DOCS}}/corpus --out target/bench/out-{{DOCS}} --quiet 2> target/bench/time-{{DOCS}}.txt | grep -E "input|time"
    grep -E "Maximum resident" target/bench/time-{{DOCS}}.txt
    target/release/ictstat eval --gold target/bench/{{DOCS}}/gold.jsonl --out target/bench/out-{{DOCS}} --brief | head -3
    @echo "== ictstat aggregate over the run's facts and documents (what a Spark or Ray job hands it)"
    /usr/bin/time -v target/release/ictstat aggregate target/bench/out-{{DOCS}}/facts.parquet --documents target/bench/out-{{DOCS}}/documents.parquet --out target/bench/agg-{{DOCS}} 2> target/bench/time-agg-{{DOCS}}.txt | grep -E "facts|province_metrics"
    grep -E "Maximum resident" target/bench/time-agg-{{DOCS}}.txt
    @echo "== incremental re-run, nothing changed"
    /usr/bin/time -v target/release/ictstat run target/bench/{{DOCS}}/corpus --out target/bench/out-{{DOCS}} --quiet --incremental 2> target/bench/time-inc-{{DOCS}}.txt | grep -E "time|incremental"
    grep -E "Maximum resident" target/bench/time-inc-{{DOCS}}.txt

# documents/s through the Python binding (from pyarrow) vs the CLI on the same synthetic corpus,
# and Spark local[2] end to end (extract, Parquet, `ictstat aggregate`) vs the CLI; release builds
bench-python DOCS="20000":
    cargo build --release
    rm -rf target/wheels
    maturin build --profile release -m python/Cargo.toml --out target/wheels --quiet
    python3 -m pip install --quiet --force-reinstall --no-deps target/wheels/ictstat-*.whl
    ICTSTAT_BIN=target/release/ictstat python3 -P python/bench.py --docs {{DOCS}}
