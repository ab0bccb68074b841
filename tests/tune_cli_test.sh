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

# --validate judges the saved wisdom: nothing saved for this host is a
# failure; otherwise three lines of figures, and the exit code must agree
# with them (1 exactly when a ratio is under its goal, 0.95 or 0.97).
if "$tune" --validate --out "$work/none.json" >"$work/validate.txt" 2>&1; then
  echo "--validate passed without any wisdom"; cat "$work/validate.txt"; exit 1
fi
grep -q 'no wisdom for this host' "$work/validate.txt" || { cat "$work/validate.txt"; exit 1; }
# (The exhaustive grids take minutes under sanitizers and add no code of
# their own to check there.)
if [ "$sanitize" = none ]; then
  "$tune" --kernels gemm,scale,axpy,dot --dtypes f32 --budget 8 --out "$out" >"$work/split.txt"
  # The loops take 40 % of what is left when they begin and GEMM the rest
  # (Zen 5: 0.60-0.61 of it). When each loop pair took half of all that was
  # left, three pairs left GEMM 0.31 of it on paper and 0.10 measured.
  python3 - "$work/split.txt" <<'PY' || { cat "$work/split.txt"; exit 1; }
import re, sys
text = open(sys.argv[1]).read()
left = lambda what: [float(x) for x in re.findall(
    r"^  " + what + r"\S*: \d+ candidates, ([\d.]+) s of budget left", text, re.M)]
loops, gemm = left("loops "), left("gemm/f32/")
assert len(loops) == 3 and len(gemm) == 1, (loops, gemm)
assert gemm[0] >= 0.48 * loops[0], ("GEMM's share", loops[0], gemm[0])
PY
  # A GEMM entry for more threads comes with one for one thread (calls
  # capped at one take it, not the tile chosen for more).
  python3 - "$out" <<'PY' || { cat "$out"; exit 1; }
import json, sys
for host in json.load(open(sys.argv[1]))["hosts"]:
    keys = {(g["dtype"], g["bucket"], g["threads"]) for g in host["gemm"]}
    for dtype, bucket, threads in keys:
        assert threads == 1 or (dtype, bucket, 1) in keys, ("no one-thread entry", dtype, bucket)
PY
  set +e
  "$tune" --validate --out "$out" >"$work/validate.txt" 2>&1
  code=$?
  set -e
  python3 - "$work/validate.txt" "$code" <<'PY' || { cat "$work/validate.txt"; exit 1; }
import re, sys
text, code = open(sys.argv[1]).read(), int(sys.argv[2])
rows = re.findall(r"^  (\S+) +saved \((\w+)\) / exhaustive-best ([\d.]+), saved / defaults ([\d.]+)  (ok|FAIL)", text, re.M)
assert [r[0] for r in rows] == ["gemm/f32/256", "gemm/f32/512", "scale/f32/1048576"], rows
failing = False
for name, source, best, defaults, verdict in rows:
    # "defaults": the tuner kept them (its best did not beat them), nothing stored.
    assert source in ("wisdom", "interpolated", "defaults"), (name, source)
    best, defaults = float(best), float(defaults)
    assert 0.05 < best < 20 and 0.05 < defaults < 20, (name, best, defaults)
    bad = best < 0.95 or defaults < 0.97
    assert verdict == ("FAIL" if bad else "ok"), (name, best, defaults, verdict)
    failing |= bad
assert code == (1 if failing else 0), ("exit code", code, "failing", failing)
print("tune_cli: --validate figures:", ", ".join(f"{r[0]} {r[2]}/{r[3]} {r[4]}" for r in rows))
PY
fi

# The exact integer GEMM's two choices (int16 pairs or the float path;
# how far int64 slicing pays) are measured before the GEMM blocks, so that
# even a short budget stores them. (Short, but past the ceilings, which
# the budget includes: on the Zen 5 VM, 2026-12-02, the memory triad's
# 768 MiB took 2.4 s to fault in and the ceilings 3.9 s, all of a 4 s
# budget.)
if [ "$sanitize" = none ]; then
  "$tune" --kernels gemm --dtypes i64 --budget 10 --out "$out" >"$work/int.txt"
  grep -q 'within int16: .* -> ' "$work/int.txt" && grep -q 'past double.* -> ' "$work/int.txt" \
    || { echo "the exact integer GEMM's choices were not measured:"; cat "$work/int.txt"; exit 1; }
  "$tune" --show --out "$out" | grep -q 'gemm/i32, i64 within int16: ' \
    || { echo "--show lacks the int16 pairs' verdict"; exit 1; }
  python3 - "$out" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["hosts"][0]["exact_gemm"]
assert e["int16_pairs"] in (0, 1), e
assert 0 <= e["int64_slice_products"] <= 9, e
PY
fi

# The library's kernel tests under a real tuned file, on purpose (every
# other run of them reads a file that does not exist): GEMM blocks and
# thread counts as the tuner chose them, the reductions' tuned dot. Under
# sanitizers the file has no GEMM entries (the GEMM tunes above run only
# without them), so the GEMM tests would run their defaults again: 59 s
# under TSan for nothing.
if [ -n "$reduce_test" ]; then
  AMDAHL_WISDOM="$out" "$reduce_test" >"$work/reduce.txt" 2>&1 \
    || { tail -30 "$work/reduce.txt"; echo "reduce tests failed under tuned wisdom"; exit 1; }
  if grep -q 'amdahl: warning: wisdom' "$work/reduce.txt"; then
    grep 'amdahl: warning' "$work/reduce.txt"; echo "the tuned file did not load"; exit 1
  fi
fi
if [ -n "$gemm_test" ] && [ "$sanitize" = none ]; then
  AMDAHL_WISDOM="$out" "$gemm_test" >"$work/gemm.txt" 2>&1 \
    || { tail -30 "$work/gemm.txt"; echo "gemm tests failed under tuned wisdom"; exit 1; }
fi

# Killed with SIGKILL at any moment of a run, the tool leaves the wisdom it
# found whole (and the next save clears what it left behind). Each kill must
# land while the tool runs: the delays are fractions of a whole run's time,
# and a kill that came too late is tried again sooner.
start=$(date +%s%N)
"$tune" --kernels scale --dtypes f32 --budget 4 --out "$out" >/dev/null 2>&1
whole_ms=$(( ($(date +%s%N) - start) / 1000000 ))
for percent in 5 25 45 65 85; do
  delay_ms=$(( whole_ms * percent / 100 ))
  landed=0
  for try in 1 2 3 4; do
    "$tune" --kernels scale --dtypes f32 --budget 4 --out "$out" >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    killed=0
    kill -KILL "$pid" 2>/dev/null && killed=1
    set +e
    wait "$pid" 2>/dev/null
    code=$?
    set -e
    if [ "$killed" -eq 1 ] && [ "$code" -eq 137 ]; then landed=1; break; fi
    delay_ms=$(( delay_ms / 2 ))
  done
  [ "$landed" -eq 1 ] || { echo "no kill landed during a run at $percent % of $whole_ms ms"; exit 1; }
  "$tune" --show --out "$out" >"$work/show.txt" \
    || { echo "wisdom damaged by a kill after $delay_ms ms"; cat "$work/show.txt"; exit 1; }
  grep -q 'scale/f32' "$work/show.txt" && grep -q 'dot/f64' "$work/show.txt" \
    || { echo "entries lost by a kill after $delay_ms ms"; cat "$work/show.txt"; exit 1; }
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
