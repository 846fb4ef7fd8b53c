#!/bin/sh
# Install the built library into a temporary prefix, then build a consumer
# from outside the project both ways: CMake's find_package and pkg-config.
# Usage: run.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib*/pkgconfig | head -n 1)
libdir=${libdir%/pkgconfig}

echo "== find_package(uvmsim)"
cmake -S "$src/tests/install" -B "$tmp/consumer" \
    -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer" >/dev/null
LD_LIBRARY_PATH="$libdir" "$tmp/consumer/consumer_shared"
"$tmp/consumer/consumer_static"
# The shared consumer really uses the shared library.
LD_LIBRARY_PATH="$libdir" ldd "$tmp/consumer/consumer_shared" |
    grep -q "libuvmsim.so"

echo "== pkg-config uvmsim"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc -std=gnu11 -o "$tmp/pc_shared" "$src/tests/install/consumer.c" \
    $(pkg-config --cflags --libs uvmsim)
LD_LIBRARY_PATH="$libdir" "$tmp/pc_shared"
cc -std=gnu11 -o "$tmp/pc_static" "$src/tests/install/consumer.c" \
    $(pkg-config --cflags uvmsim) "$libdir/libuvmsim.a" \
    $(pkg-config --libs libbsd-overlay)
"$tmp/pc_static"
# Kernel-compat headers are not part of the installed API.
test ! -e "$tmp/prefix/include/uvmsim/compat"
echo "install: ok"
