#!/usr/bin/env bash
# The packaging tests: kaal used from outside its tree, as its users do.
#
#   install     meson install into a prefix under WORK_DIR, then notify.c
#               compiled with only `pkg-config --cflags --libs kaal`, run
#   subproject  parent/, a Meson project whose subprojects/kaal.wrap
#               provides dependency('kaal') from this source tree, built, run
#
# Usage: bash tests/packaging/run.sh WORK_DIR   (emptied first; CC: the compiler)
# Prints "ok NAME" or "not ok NAME" for each test, the output of a failing
# one before it; exits 1 when one failed.
set -uo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: bash tests/packaging/run.sh WORK_DIR" >&2
	exit 2
fi
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
source_root=$(cd -- "$here/../.." && pwd)
work=$1
cc=${CC:-cc}
# What notify.c prints when the notification held both signals' bits.
expected="notify: polled 0x35"

rm -rf -- "$work"
mkdir -p -- "$work"
work=$(cd -- "$work" && pwd)
failures=0

# Runs test $1: the commands of function $2, their output kept in WORK_DIR/$1.log.
run_test()
{
	local name=$1 steps=$2 log=$work/$1.log
	if "$steps" >"$log" 2>&1; then
		echo "ok $name"
	else
		cat -- "$log"
		echo "not ok $name"
		failures=$((failures + 1))
	fi
}

# The program's output must be exactly the expected line.
check_output()
{
	local output
	output=$("$@") || return 1
	echo "$output"
	[[ "$output" == "$expected" ]]
}

install_steps()
{
	local build=$work/install-build prefix=$work/prefix
	# Only libkaal is built, as a packager builds it (release: -O3 and its warnings).
	CC=$cc meson setup --wrap-mode=nodownload --buildtype=release --prefix="$prefix" --libdir=lib \
		"$build" "$source_root" &&
		meson compile -C "$build" kaal &&
		meson install -C "$build" --no-rebuild --skip-subprojects || return 1
	local flags
	flags=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs kaal) || return 1
	echo "pkg-config --cflags --libs kaal: $flags"
	# shellcheck disable=SC2086 # the flags are words
	"$cc" -std=c11 -Wall -Wextra -Werror -o "$work/notify" "$here/notify.c" $flags &&
		check_output "$work/notify"
}

subproject_steps()
{
	local parent=$work/parent
	cp -R -- "$here/parent" "$parent" &&
		cp -- "$here/notify.c" "$parent/" &&
		ln -s -- "$source_root" "$parent/subprojects/kaal" &&
		CC=$cc meson setup --wrap-mode=nodownload "$parent/build" "$parent" &&
		meson compile -C "$parent/build" &&
		check_output "$parent/build/notify"
}

run_test install install_steps
run_test subproject subproject_steps
[[ $failures -eq 0 ]]
