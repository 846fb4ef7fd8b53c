#!/bin/sh
# Install the built library into a temporary prefix, then build a consumer
# from outside the project both ways: CMake's find_package and pkg-config;
# then a kernel uvm_loan.c in place of the loan module, with the installed
# uvmsim_kernel_library, and run the loan suites against it.
# Usage: run.sh BUILD_DIR SOURCE_DIR [KERNEL_UVM_LOAN_C [FLAGS]]
# FLAGS (the build's sanitizer options, if any) go to every consumer's
# compile and link, as a program linking a sanitized library needs them.
set -eu
build=$1
src=$2
kernel=${3:-}
flags=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib*/pkgconfig | head -n 1)
libdir=${libdir%/pkgconfig}

echo "== find_package(uvmsim)"
cmake -S "$src/tests/install" -B "$tmp/consumer" \
    -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_C_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$tmp/consumer" >/dev/null
LD_LIBRARY_PATH="$libdir" "$tmp/consumer/consumer_shared"
"$tmp/consumer/consumer_static"
# The shared consumer really uses the shared library.
LD_LIBRARY_PATH="$libdir" ldd "$tmp/consumer/consumer_shared" |
    grep -q "libuvmsim.so"

echo "== pkg-config uvmsim"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2086
cc -std=gnu11 $flags -o "$tmp/pc_shared" "$src/tests/install/consumer.c" \
    $(pkg-config --cflags --libs uvmsim)
LD_LIBRARY_PATH="$libdir" "$tmp/pc_shared"
# shellcheck disable=SC2086
cc -std=gnu11 $flags -o "$tmp/pc_static" "$src/tests/install/consumer.c" \
    $(pkg-config --cflags uvmsim) "$libdir/libuvmsim.a" \
    $(pkg-config --libs libbsd-overlay)
"$tmp/pc_static"

echo "== uvmsim_kernel_library(kernloan uvm_loan ...) on the installed tree"
# The kernel-compat headers are installed, and include no private header.
inc="$tmp/prefix/include"
test -f "$inc/uvmsim/compat/kern_env.h"
test -f "$inc/uvmsim/compat/kern_glue.h"
test -f "$inc/uvmsim/compat/uvm/uvm.h"
test ! -e "$inc/uvmsim_impl.h"
if grep -rn "uvmsim_impl\.h\|pmap_sim" "$inc/uvmsim/compat"; then
	echo "install: the compat headers name a private header"
	exit 1
fi
if [ -z "$kernel" ] || [ ! -f "$kernel" ]; then
	echo "kernel source: skipped: no kernel uvm_loan.c" \
	    "(UVMSIM_KERNEL_LOAN_SRC names no file)"
else
	cmake -S "$src/tests/install/kernel" -B "$tmp/kernel" \
	    -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_C_FLAGS="$flags" \
	    -DCMAKE_EXE_LINKER_FLAGS="$flags" \
	    -DUVMSIM_KERNEL_LOAN="$kernel" \
	    -DUVMSIM_TESTS_DIR="$src/tests" >/dev/null
	cmake --build "$tmp/kernel" >/dev/null
	# The kernel file was compiled with no path into the source tree
	# but its own.
	if grep -h -o -- "-I[^ ]*" "$tmp"/kernel/CMakeFiles/kern_kernloan_uvm_loan.dir/flags.make |
	    grep -F "$src"; then
		echo "install: the kernel file saw the source tree's headers"
		exit 1
	fi
	for suite in loan loan_fail loan_owner loan_io loan_errors \
	    loan_modern; do
		"$tmp/kernel/kernloan_$suite"
	done
fi
echo "install: ok"
