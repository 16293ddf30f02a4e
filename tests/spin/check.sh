#!/bin/sh
# check.sh MODEL.pml: model-check the channel's wakeup protocol with Spin,
# as it is and with each of its fences removed, and print TAP. The protocol
# as written must check clean (no invalid end state: nobody asleep at the
# end; no assertion fails); each variant without a fence must be caught.
#
# Environment: SPIN and CC name the programs (default: spin, cc); Spin
# preprocesses the model with gcc.
set -eu

model=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
spin=${SPIN:-spin}
cc=${CC:-cc}
if ! command -v "$spin" >/dev/null 2>&1; then
	echo "1..0 # SKIP $spin is not installed"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Each case: expected result ("clean" or "caught"), Spin's -D options, description.
cases='clean||the protocol as written: no lost wakeup
clean|-DCAPACITY=2 -DITEMS=4|the protocol on a ring of two slots: no lost wakeup
caught|-DNO_ANNOUNCE_FENCE|without the fence after the waiting flag: the lost wakeup is found
caught|-DNO_WAKE_FENCE|without the fence before reading the peer flag: the lost wakeup is found'

echo "1..$(printf '%s\n' "$cases" | wc -l)"
n=0
failed=0
printf '%s\n' "$cases" | {
	while IFS='|' read -r expect defines description; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # the -D options are separate words
		if ! (cd "$work" && "$spin" -a $defines "$model" >spin.log 2>&1 &&
			"$cc" -O2 -DSAFETY -o pan pan.c >cc.log 2>&1 &&
			./pan -m100000 >pan.log 2>&1); then
			# pan exits non-zero only when it cannot run; errors are in its output.
			if [ ! -f "$work/pan.log" ]; then
				echo "not ok $n - $description: spin or cc failed"
				cat "$work/spin.log" "$work/cc.log" 2>/dev/null | sed 's/^/# /'
				failed=1
				continue
			fi
		fi
		errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$work/pan.log")
		states=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$work/pan.log")
		if [ -z "$errors" ]; then
			echo "not ok $n - $description: no result from pan"
			sed 's/^/# /' "$work/pan.log"
			failed=1
		elif [ "$expect" = clean ] && [ "$errors" -eq 0 ]; then
			echo "ok $n - $description ($states states)"
		elif [ "$expect" = caught ] && [ "$errors" -gt 0 ]; then
			echo "ok $n - $description ($(grep -m1 '^pan:1:' "$work/pan.log"))"
		else
			echo "not ok $n - $description: $errors errors"
			grep '^pan' "$work/pan.log" | sed 's/^/# /'
			failed=1
		fi
		rm -f "$work/pan.log"
	done
	exit "$failed"
}
