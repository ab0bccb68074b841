#!/usr/bin/env bash
# Builds and runs tests/consumer twice: against an installed amdahl found by
# pkg-config, and with amdahl as a Meson subproject.
# Usage: consumer_test.sh SOURCE_ROOT BUILD_ROOT
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== installed, through pkg-config"
meson install -C "$build" --destdir "$work/root" --no-rebuild --quiet
pc=$(find "$work/root" -name amdahl.pc | head -n 1)
[ -n "$pc" ] || { echo "amdahl.pc was not installed"; exit 1; }
libdir=$(dirname "$(find "$work/root" -name 'libamdahl.so*' | head -n 1)")
PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR="$work/root" \
  meson setup "$work/pc" "$src/tests/consumer" >"$work/pc.log" 2>&1 \
  || { cat "$work/pc.log"; exit 1; }
ninja -C "$work/pc" >"$work/pc-build.log" 2>&1 || { cat "$work/pc-build.log"; exit 1; }
LD_LIBRARY_PATH="$libdir" "$work/pc/consumer"

echo "== as a subproject"
mkdir -p "$work/proj/subprojects"
cp "$src/tests/consumer/meson.build" "$src/tests/consumer/main.cc" "$work/proj/"
ln -s "$src" "$work/proj/subprojects/amdahl"
meson setup "$work/sub" "$work/proj" --force-fallback-for=amdahl \
  -Damdahl:tests=disabled -Damdahl:benchmarks=disabled -Damdahl:tune=disabled \
  -Damdahl:dispatch=static -Damdahl:python_module=disabled >"$work/sub.log" 2>&1 || { cat "$work/sub.log"; exit 1; }
ninja -C "$work/sub" >"$work/sub-build.log" 2>&1 || { cat "$work/sub-build.log"; exit 1; }
"$work/sub/consumer"
echo "consumer: both ways build, link and run"
