# ictstat tasks. `just` alone runs the pipeline on the bundled data.

default: run

# run the pipeline (release build); extra arguments go to `ictstat run`
run *ARGS:
    cargo run --release -- run {{ARGS}}

# the test suite, as CI runs it
test:
    cargo test

# score the last run against the seed gold
eval:
    cargo run --release -- eval --gold data/gold/seeds.jsonl

# formatting and lints, as CI checks them
lint:
    cargo fmt --check
    cargo clippy --all-targets -- -D warnings

# end-to-end throughput and peak memory of a release run over the bundled data
bench:
    cargo build --release
    /usr/bin/time -v target/release/ictstat run data/raw --out target/bench-out --quiet 2>&1 | grep -E "Elapsed|Maximum resident|MB/s|documents"
