#!/usr/bin/env bash
# amdahl-tune --mpi under mpirun (2 ranks, a small budget) into a fresh
# wisdom file: the file holds the network's ceilings and at least one
# panel choice for 2 ranks; then the MPI tests run under that wisdom (SUMMA
# with the tuned widths), and `--mpi` alone, on one rank, is refused.
# Usage: tune_mpi.sh AMDAHL_TUNE MPI_TEST PYTHON
set -euo pipefail
tune=$1
mpi_test=$2
python=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun -np 2 "$tune" --mpi --budget 8 --out "$dir/wisdom.json"
"$python" - "$dir/wisdom.json" <<'PY'
import json, sys
hosts = json.load(open(sys.argv[1]))["hosts"]
assert len(hosts) == 1, hosts
mpi = hosts[0]["mpi"]
assert mpi["latency_us"] > 0 and mpi["bandwidth_gbps"] > 0, mpi
for p in mpi["panels"]:
    assert p["ranks"] == 2 and p["width"] >= 256 and 2 % p["nprow"] == 0, p
print("mpi wisdom:", mpi)
PY
AMDAHL_WISDOM="$dir/wisdom.json" mpirun -np 2 -x AMDAHL_WISDOM "$mpi_test" \
  --gtest_filter='MpiGemm*:MpiC*'
if mpirun -np 1 "$tune" --mpi --budget 1 --out "$dir/other.json" 2>"$dir/err"; then
  echo "one rank was not refused" >&2
  exit 1
fi
grep -q "at least 2 ranks" "$dir/err"
echo "tune_mpi: ok"
