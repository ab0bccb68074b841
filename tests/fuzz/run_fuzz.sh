#!/usr/bin/env bash
# Runs a libFuzzer target over the seed corpus, then mutates for a bounded
# time. Usage: run_fuzz.sh FUZZER SEED_CORPUS_DIR
set -euo pipefail
fuzzer=$1
seeds=$2
seconds=${AMDAHL_FUZZ_SECONDS:-60}
# UBSan findings stop the run (by default it prints and goes on, and the
# fuzzer would not see them).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Every seed once: each must run clean.
"$fuzzer" "$seeds"/*
# Then mutations, starting from the seeds, with leak checks (ASan's default)
# and a memory ceiling per input.
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 "$work" "$seeds"
echo "fuzz: $(ls "$work" | wc -l) new inputs, no findings"
