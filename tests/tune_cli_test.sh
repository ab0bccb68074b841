#!/usr/bin/env bash
# amdahl-tune end to end: tune one kernel briefly, check the file, --show and
# --json, bad arguments, and that the library then runs with what it wrote.
# Usage: tune_cli_test.sh AMDAHL_TUNE WISDOM_TEST [B_SANITIZE GEMM_TEST REDUCE_TEST]
set -euo pipefail
tune=$1
wisdom_test=$2
sanitize=${3:-none}
gemm_test=${4:-}
reduce_test=${5:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/nested/wisdom.json"

"$tune" --kernels scale --dtypes f32 --budget 4 --out "$out" >"$work/run.txt"
grep -q '^scale  f32' "$work/run.txt" || { cat "$work/run.txt"; exit 1; }
"$tune" --show --out "$out" | grep -q 'scale/f32' || { echo "--show lacks scale/f32"; exit 1; }
"$tune" --json --kernels dot --dtypes f64 --budget 3 --out "$out" 2>/dev/null >"$work/summary.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['results'], d" "$work/summary.json"
# The second run added dot/f64 and kept scale/f32.
"$tune" --show --out "$out" >"$work/show.txt"
grep -q 'scale/f32' "$work/show.txt" && grep -q 'dot/f64' "$work/show.txt" \
  || { echo "a partial tune lost entries:"; cat "$work/show.txt"; exit 1; }

# (The exhaustive grids of --validate take minutes under sanitizers and add
# no code of their own to check there.)
if [ "$sanitize" = none ]; then
  "$tune" --validate >"$work/validate.txt"
  [ "$(grep -c 'tuned/exhaustive-best' "$work/validate.txt")" -eq 3 ] || { cat "$work/validate.txt"; exit 1; }
fi

# Killed with SIGKILL at any moment of a run, the tool leaves the wisdom it
# found whole (and the next save clears what it left behind).
for delay in 0.3 1.1 1.9 2.6 3.4; do
  "$tune" --kernels scale --dtypes f32 --budget 2 --out "$out" >/dev/null 2>&1 &
  sleep "$delay"
  kill -KILL $! 2>/dev/null || true
  wait $! 2>/dev/null || true
  "$tune" --show --out "$out" >"$work/show.txt" \
    || { echo "wisdom damaged by a kill after $delay s"; cat "$work/show.txt"; exit 1; }
  grep -q 'scale/f32' "$work/show.txt" && grep -q 'dot/f64' "$work/show.txt" \
    || { echo "entries lost by a kill after $delay s"; cat "$work/show.txt"; exit 1; }
done

# A full disk: a clear error, after the measurement.
if "$tune" --kernels sum --dtypes f32 --budget 1 --out /dev/full >/dev/null 2>"$work/err.txt"; then
  echo "wrote to /dev/full?"; exit 1
fi
grep -q 'No space left on device' "$work/err.txt" || { cat "$work/err.txt"; exit 1; }
[ -c /dev/full ] || { echo "/dev/full was replaced"; exit 1; }

# A read-only folder: a clear error at once, before any measurement (root
# runs the tool without the capabilities that override file modes).
bound=()
[ "$(id -u)" -eq 0 ] && bound=(setpriv --inh-caps=-dac_override,-dac_read_search
                               --bounding-set=-dac_override,-dac_read_search)
if [ ${#bound[@]} -eq 0 ] || "${bound[@]}" true 2>/dev/null; then
  mkdir -p "$work/ro"
  chmod 555 "$work/ro"
  start=$(date +%s)
  if "${bound[@]}" "$tune" --kernels sum --dtypes f32 --budget 20 --out "$work/ro/w.json" \
      >/dev/null 2>"$work/err.txt"; then
    echo "wrote into a read-only folder?"; exit 1
  fi
  grep -q "$work/ro.*Permission denied" "$work/err.txt" || { cat "$work/err.txt"; exit 1; }
  [ $(( $(date +%s) - start )) -lt 10 ] || { echo "the error came after the tune"; exit 1; }
else
  echo "tune_cli: read-only folder not tried (root, and setpriv cannot drop CAP_DAC_OVERRIDE)"
fi

AMDAHL_TEST_CHILD=1 AMDAHL_WISDOM="$out" "$wisdom_test" \
  --gtest_filter=WisdomLibrary.ChildSeesWhatTheToolWrote
echo "tune_cli: ok"
