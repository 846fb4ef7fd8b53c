#!/bin/sh
# loan_diff.sh NATIVE KERNEL FIRST LAST OUTDIR: run the differential test
# (loan_diff.c) built against the native loan module and against the
# kernel's, over seeds FIRST..LAST, and compare their outputs line by line.
# Prints "loan_diff: same" when they agree, with the tally of the
# situations met (and the seeds a defect ended), else the seed and the
# first line where they differ.  The outputs stay in OUTDIR.
set -u
if [ $# -ne 5 ]; then
	echo "usage: loan_diff.sh NATIVE KERNEL FIRST LAST OUTDIR" >&2
	exit 64
fi
native=$1 kernel=$2 first=$3 last=$4 out=$5
mkdir -p "$out" || exit 1
"$native" "$first" "$last" >"$out/native.txt" 2>&1
rn=$?
"$kernel" "$first" "$last" >"$out/kernel.txt" 2>&1
rk=$?
lines=$(wc -l <"$out/native.txt")
if cmp -s "$out/native.txt" "$out/kernel.txt"; then
	if [ $rn -ne 0 ]; then
		echo "loan_diff: both runs failed alike (exit $rn):"
		tail -n 5 "$out/native.txt"
		exit 1
	fi
	echo "loan_diff: same: seeds $first..$last, $lines lines" \
	    "($(grep -c '^op loan' "$out/native.txt") loans," \
	    "$(grep -c '^op unloan' "$out/native.txt") unloans," \
	    "$(grep -c '^+[0-9]* cpu[0-9]* \(lock\|lock.try\|unlock\) ' \
	    "$out/native.txt") lock operations)"
	sed -n 's/^tally /  /p' "$out/native.txt"
	exit 0
fi
# The first line that differs, and the seed it belongs to.
line=$(cmp "$out/native.txt" "$out/kernel.txt" 2>/dev/null |
    sed -n 's/.* line \([0-9]*\).*/\1/p')
if [ -z "$line" ]; then		# one output is a prefix of the other
	line=$(($(wc -l <"$out/kernel.txt") + 1))
	[ "$line" -gt "$lines" ] && line=$((lines + 1))
fi
seed=$(head -n "$line" "$out/native.txt" | grep '^seed ' | tail -n 1)
echo "loan_diff: DIVERGENCE at $seed, line $line of the output" \
    "(exit: native $rn, kernel $rk)"
echo "  native: $(sed -n "${line}p" "$out/native.txt")"
echo "  kernel: $(sed -n "${line}p" "$out/kernel.txt")"
echo "  (outputs: $out/native.txt $out/kernel.txt)"
exit 1
