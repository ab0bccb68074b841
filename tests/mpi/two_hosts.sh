#!/usr/bin/env bash
# The MPI tests across two hosts: two network namespaces made here (a veth
# pair, private addresses inside them only, each with its own host name),
# Open MPI launching into the second through a launch agent that runs
# `ip netns exec` instead of ssh, everything over TCP. Skips (exit 77) with
# the reason where namespaces cannot be made.
# Usage: two_hosts.sh MPI_TEST_BINARY [gtest args...]
set -euo pipefail
test_exe=$1
shift
tag=amd$$
ns1=$tag-h1
ns2=$tag-h2
dir=$(mktemp -d)
cleanup() {
  ip netns del "$ns1" 2>/dev/null || true
  ip netns del "$ns2" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
if ! command -v ip >/dev/null || ! ip netns add "$ns1" 2>"$dir/why"; then
  echo "SKIP: cannot make a network namespace here: $(cat "$dir/why" 2>/dev/null || echo 'no ip (iproute2)')"
  exit 77
fi
ip netns add "$ns2"
ip link add "$tag-a" netns "$ns1" type veth peer name "$tag-b" netns "$ns2"
ip -n "$ns1" addr add 10.77.0.1/24 dev "$tag-a"
ip -n "$ns2" addr add 10.77.0.2/24 dev "$tag-b"
for ns in "$ns1" "$ns2"; do
  ip -n "$ns" link set lo up
done
ip -n "$ns1" link set "$tag-a" up
ip -n "$ns2" link set "$tag-b" up

# Open MPI calls the agent as ssh: AGENT HOST COMMAND...
cat >"$dir/agent" <<AGENT
#!/bin/sh
host=\$1
shift
case \$host in
  10.77.0.1) ns=$ns1 name=$ns1 ;;
  10.77.0.2) ns=$ns2 name=$ns2 ;;
  *) echo "agent: unknown host \$host" >&2; exit 1 ;;
esac
exec ip netns exec "\$ns" unshare --uts sh -c "hostname \$name; \$*"
AGENT
chmod +x "$dir/agent"
printf '10.77.0.1 slots=1\n10.77.0.2 slots=1\n' >"$dir/hosts"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 AMDAHL_TEST_HOSTS=2
ip netns exec "$ns1" unshare --uts sh -c "hostname $ns1; exec mpirun -np 2 \
  --hostfile $dir/hosts --mca plm_rsh_agent $dir/agent \
  --mca btl tcp,self --mca btl_tcp_if_include 10.77.0.0/24 \
  --mca oob_tcp_if_include 10.77.0.0/24 \
  -x AMDAHL_WISDOM -x AMDAHL_NUM_THREADS -x AMDAHL_TEST_HOSTS \
  $test_exe $*"
