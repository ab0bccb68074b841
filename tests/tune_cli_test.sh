#!/usr/bin/env bash
# amdahl-tune end to end: tune one kernel briefly, check the file, --show and
# --json, bad arguments, and that the library then runs with what it wrote.
# Usage: tune_cli_test.sh AMDAHL_TUNE WISDOM_TEST
set -euo pipefail
tune=$1
wisdom_test=$2
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

"$tune" --validate >"$work/validate.txt"
[ "$(grep -c 'tuned/exhaustive-best' "$work/validate.txt")" -eq 3 ] || { cat "$work/validate.txt"; exit 1; }

for bad in "--budget -1" "--effort lazy" "--kernels fft" "--dtypes f16" "--frobnicate"; do
  if "$tune" $bad >/dev/null 2>"$work/err.txt"; then echo "accepted: $bad"; exit 1; fi
  grep -q 'amdahl-tune:' "$work/err.txt" || { echo "no message for: $bad"; exit 1; }
done
if "$tune" --budget 2 --kernels sum --dtypes f32 --out /proc/amdahl-no/w.json >/dev/null 2>"$work/err.txt"; then
  echo "wrote under /proc?"; exit 1
fi
grep -q '/proc/amdahl-no' "$work/err.txt" || { cat "$work/err.txt"; exit 1; }

AMDAHL_TEST_CHILD=1 AMDAHL_WISDOM="$out" "$wisdom_test" \
  --gtest_filter=WisdomLibrary.ChildSeesWhatTheToolWrote
echo "tune_cli: ok"
