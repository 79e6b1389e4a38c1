#!/usr/bin/env bash
# Run the fuzz targets: `fuzz/run.sh SECONDS [TARGET ...]` (default: every target). Each starts
# from the committed seeds (fuzz/seeds/TARGET) plus what earlier runs found (fuzz/corpus/, not
# committed). A crash leaves its input under fuzz/artifacts/TARGET/ and fails the script: copy it
# to fuzz/regressions/TARGET/ and fix the cause (cargo test replays every regression).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(number decode html jsonl document)
cargo +nightly fuzz build
failed=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
    [ -d "regressions/$t" ] && cp -n regressions/"$t"/* "corpus/$t/" 2>/dev/null || true
    echo "== fuzz $t for ${secs}s"
    # from the repository root, so the data files are found as at run time
    mkdir -p artifacts
    log="$PWD/artifacts/$t.log"
    if ! (cd .. && fuzz/target/x86_64-unknown-linux-gnu/release/"$t" "fuzz/corpus/$t" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="fuzz/artifacts/$t-" -print_final_stats=1 > "$log" 2>&1); then
        failed+=("$t")
    fi
    grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|SUMMARY|panicked|Test unit written" "$log" || true
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes or timeouts in: ${failed[*]} (inputs under fuzz/artifacts/)"
    exit 1
fi
