#!/bin/sh
# What libuvmsim.so exports, against what the installed headers declare.
# Usage: exports.sh LIBRARY INCLUDE_DIR GCC [CFLAGS...]
#
# The exported names are those `nm -D --defined-only` lists.  The declared
# functions are those gcc's -aux-info reports from include/uvmsim/*.h
# (compat/ excluded: the kernel environment is not in the shared library),
# static inline ones left out.  The test fails when
#   - an internal name is exported: uvmsim__ helpers, or libbsd tree
#     functions (uvm_pagetree_RB_INSERT, ...);
#   - a name is exported that no public header declares;
#   - a function a public header declares is not exported (a program
#     using it would not link).
set -eu
lib=$1
inc=$2
gcc=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$lib" | awk '{ print $NF }' |
    grep -v -x -E '_init|_fini|_edata|_end|__bss_start' | sort -u \
    >"$tmp/exported"
[ -s "$tmp/exported" ] || { echo "exports: $lib exports nothing"; exit 1; }

for h in "$inc"/uvmsim/*.h; do
	echo "#include <uvmsim/${h##*/}>"
done >"$tmp/all.c"
"$gcc" -std=gnu11 -fsyntax-only -aux-info "$tmp/aux" -I"$inc" "$@" \
    "$tmp/all.c"
grep -E "^/\\* $inc/uvmsim/[^/]+\\.h:[0-9]+:" "$tmp/aux" |
    grep -v -E '\*/ (extern )?static ' |
    sed -e 's/^[^*]*\*[^*]*\*\/ //' -e 's/ (.*//' -e 's/.*[ *]//' |
    sort -u >"$tmp/declared"
[ -s "$tmp/declared" ] || { echo "exports: no declaration found"; exit 1; }

status=0
internal=$(grep -E '^uvmsim__|_RB_|^RB_' "$tmp/exported" || true)
if [ -n "$internal" ]; then
	echo "exports: internal names exported:"
	echo "$internal"
	status=1
fi
extra=$(comm -23 "$tmp/exported" "$tmp/declared")
if [ -n "$extra" ]; then
	echo "exports: exported, declared in no public header:"
	echo "$extra"
	status=1
fi
missing=$(comm -13 "$tmp/exported" "$tmp/declared")
if [ -n "$missing" ]; then
	echo "exports: declared in a public header, not exported:"
	echo "$missing"
	status=1
fi
[ $status -eq 0 ] || exit 1
echo "exports: ok ($(wc -l <"$tmp/declared") functions)"
