#!/usr/bin/env bash
# Build and test kaal in every CI configuration, then check the test
# coverage of each part of kaal against that part's minimum.
#
# Each configuration lives in build/ci-<name> and is reused on later runs.
# A failing configuration does not stop the others: its failures are
# counted and the run goes on.  The last line printed is the total,
# "N passed, N failed, N skipped", and the exit status is 0 only when
# nothing failed.
#
# KAAL_CONFIGS="gcc-debug coverage" runs only the named configurations.
set -euo pipefail

cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."

all_configs="gcc-debug clang-debug gcc-portable macos-api pages-16k pages-64k gcc-asan clang-asan gcc-tsan clang-tsan coverage aarch64-gcc aarch64-clang aarch64-linux"
read -r -a configs <<<"${KAAL_CONFIGS:-$all_configs}"

# The parts whose coverage the coverage configuration checks, one a line:
# "directory minimum-line-percent minimum-branch-percent". Every file under
# the directory that gcovr measures (gcovr.cfg says which) counts towards
# its part; a new part is one more line here.
coverage_parts=(
	"src/core 95 85"
	"src/runtime 90 75"
	"src/sdk 90 75"
	"src/arch/host 90 75"
	"src/checker 90 75"
	"include/kaal 90 75"
	"services/fs 90 75"
	"services/shell 90 75"
	"services/echo 90 75"
	"services/system 85 65"
)

total_passed=0
total_failed=0
total_skipped=0
summary=()

if ! bash ci/install-deps.sh; then
	echo "install-deps.sh failed: cannot build kaal"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

# Sets cc and args for configuration $1; returns 1 for an unknown name.
# aarch64-gcc and aarch64-clang are cross builds of the EL1 kernel, tested
# on QEMU; aarch64-linux is the host build for Linux on aarch64, tested under
# qemu-user (ci/cross/*.ini name the compilers; cc is the build machine's).
config_settings()
{
	local werror=(--buildtype=debug -Dwerror=true)
	case "$1" in
	gcc-debug) cc=gcc args=("${werror[@]}") ;;
	clang-debug) cc=clang args=("${werror[@]}") ;;
	# Optimised as a user's release build is (-O3 gives warnings -O0 does not).
	gcc-portable) cc=gcc args=(--buildtype=release -Dwerror=true -Dhost_blocking=portable) ;;
	# Only the APIs macOS has (ci/macos-api.h), with Apple Silicon's 16 KiB pages.
	macos-api) cc=clang args=("${werror[@]}" -Dhost_api=macos -Dhost_page_size=16384) ;;
	# A host whose page is larger than a frame (tests/page_shim.c is preloaded).
	pages-16k) cc=gcc args=("${werror[@]}" -Dhost_page_size=16384) ;;
	pages-64k) cc=gcc args=("${werror[@]}" -Dhost_page_size=65536) ;;
	gcc-asan) cc=gcc args=("${werror[@]}" '-Db_sanitize=address,undefined' -Db_lundef=false) ;;
	clang-asan) cc=clang args=("${werror[@]}" '-Db_sanitize=address,undefined' -Db_lundef=false) ;;
	gcc-tsan) cc=gcc args=("${werror[@]}" -Db_sanitize=thread) ;;
	clang-tsan) cc=clang args=("${werror[@]}" -Db_sanitize=thread -Db_lundef=false) ;;
	coverage) cc=gcc args=("${werror[@]}" -Db_coverage=true) ;;
	aarch64-gcc) cc=gcc args=("${werror[@]}" --cross-file ci/cross/aarch64-gcc.ini) ;;
	aarch64-clang) cc=gcc args=("${werror[@]}" --cross-file ci/cross/aarch64-clang.ini) ;;
	# The host build for Linux on aarch64, its tests run under qemu-user.
	aarch64-linux) cc=gcc args=("${werror[@]}" --cross-file ci/cross/aarch64-linux-gnu.ini) ;;
	*) return 1 ;;
	esac
}

# Configures build directory $1 for compiler $2 with the remaining options.
configure()
{
	local dir=$1 compiler=$2
	shift 2
	if [[ -f "$dir/meson-private/coredata.dat" ]]; then
		CC=$compiler meson setup --reconfigure --wrap-mode=nodownload "$@" "$dir" ||
			CC=$compiler meson setup --wipe --wrap-mode=nodownload "$@" "$dir"
	else
		CC=$compiler meson setup --wrap-mode=nodownload "$@" "$dir"
	fi
}

# Adds "passed failed skipped" to the totals and records a summary line.
record()
{
	local name=$1 passed=$2 failed=$3 skipped=$4 note=${5:-}
	total_passed=$((total_passed + passed))
	total_failed=$((total_failed + failed))
	total_skipped=$((total_skipped + skipped))
	summary+=("$name: $passed passed, $failed failed, $skipped skipped${note:+ ($note)}")
}

# Reads gcovr's JSON summary $1 and checks each part given after it
# ("directory lines branches") against its minimums. Prints one line per
# part, "ok<TAB>text" or "short<TAB>text" (text names the files below the
# part's minimums), then "unassigned<TAB>text" if measured files lie in no
# part.
coverage_by_part()
{
	python3 - "$@" <<'EOF'
import json
import math
import sys


def percent(covered, total):
    """covered/total in percent, or None when there is nothing to cover."""
    return 100.0 * covered / total if total else None


def shown(value):
    """A percentage rounded down to one decimal, so that a short figure never reads as its minimum."""
    return "n/a" if value is None else f"{math.floor(value * 10) / 10:.1f}%"


def below(value, minimum):
    return value is not None and value < minimum


files = json.load(open(sys.argv[1], encoding="utf-8"))["files"]
assigned = set()
for spec in sys.argv[2:]:
    directory, min_lines, min_branches = spec.split()
    min_lines, min_branches = float(min_lines), float(min_branches)
    part = [f for f in files if f["filename"].startswith(directory + "/")]
    assigned.update(f["filename"] for f in part)
    name = f"coverage {directory}"
    minimum = f"minimum {min_lines:g}% lines, {min_branches:g}% branches"
    if not part:
        print(f"short\t{name}: no measured files ({minimum})")
        continue
    lines = percent(sum(f["line_covered"] for f in part), sum(f["line_total"] for f in part))
    branches = percent(sum(f["branch_covered"] for f in part), sum(f["branch_total"] for f in part))
    text = f"{name}: lines {shown(lines)}, branches {shown(branches)} ({minimum})"
    if not below(lines, min_lines) and not below(branches, min_branches):
        print(f"ok\t{text}")
        continue
    short = []
    for f in part:
        file_lines = percent(f["line_covered"], f["line_total"])
        file_branches = percent(f["branch_covered"], f["branch_total"])
        if below(file_lines, min_lines) or below(file_branches, min_branches):
            short.append(f"{f['filename']} (lines {shown(file_lines)}, branches {shown(file_branches)})")
    print(f"short\t{text}: below the minimum; short files: {', '.join(short)}")
unassigned = sorted(f["filename"] for f in files if f["filename"] not in assigned)
if unassigned:
    print(f"unassigned\tcoverage: measured but in no part, so no minimum: {', '.join(unassigned)}")
EOF
}

# Runs gcovr over the coverage build: the HTML detail report, and each part
# of coverage_parts checked against its minimums (one test per part).
check_coverage()
{
	local dir=build/ci-coverage
	local report=$dir/coverage/index.html
	local json=$dir/coverage/summary.json
	local output status text

	if [[ -z "$(find "$dir" -name '*.gcda' -print -quit)" ]]; then
		summary+=("coverage: no coverage data (.gcda files) in $dir: no measured code ran")
		total_failed=$((total_failed + 1))
		return
	fi

	# gcovr reads gcovr.cfg from --root: the files Meson's coverage targets
	# report. A fresh directory: no page of a file that is gone stays behind.
	rm -rf "$dir/coverage"
	mkdir -p "$dir/coverage"
	if ! output=$(gcovr --root . --object-directory "$dir" "$dir" \
		--html-details "$report" --json-summary "$json"); then
		echo "$output"
		summary+=("coverage: gcovr failed")
		total_failed=$((total_failed + 1))
		return
	fi

	if ! output=$(coverage_by_part "$json" "${coverage_parts[@]}"); then
		echo "$output"
		summary+=("coverage: could not read the gcovr summary $json")
		total_failed=$((total_failed + 1))
		return
	fi
	while IFS=$'\t' read -r status text; do
		echo "$text"
		summary+=("$text")
		case "$status" in
		ok) total_passed=$((total_passed + 1)) ;;
		short) total_failed=$((total_failed + 1)) ;;
		esac
	done <<<"$output"
	summary+=("coverage report: $report")
}

# Configures, builds and tests one configuration.
run_config()
{
	local name=$1 dir=build/ci-$1
	local cc args counts test_status passed failed skipped

	echo
	echo "==> $name"
	if ! config_settings "$name"; then
		echo "unknown configuration '$name' (known: $all_configs)"
		record "$name" 0 1 0 "unknown configuration"
		return
	fi
	if ! configure "$dir" "$cc" "${args[@]}"; then
		record "$name" 0 1 0 "configure failed"
		return
	fi
	if ! meson compile -C "$dir"; then
		record "$name" 0 1 0 "build failed"
		return
	fi

	rm -f "$dir/meson-logs/testlog.json"
	if [[ "$name" == coverage ]]; then
		find "$dir" -name '*.gcda' -delete
	fi

	test_status=0
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		meson test -C "$dir" --print-errorlogs --num-processes 2 || test_status=$?

	if [[ -f "$dir/meson-logs/testlog.json" ]] &&
		counts=$(python3 ci/count-tests.py "$dir/meson-logs/testlog.json"); then
		read -r passed failed skipped <<<"$counts"
		if [[ $test_status -ne 0 && $failed -eq 0 ]]; then
			record "$name" "$passed" 1 "$skipped" "meson test exited with status $test_status"
		elif [[ $((passed + failed + skipped)) -eq 0 ]]; then
			record "$name" 0 0 0 "no tests ran"
		else
			record "$name" "$passed" "$failed" "$skipped"
		fi
	elif [[ $test_status -ne 0 ]]; then
		record "$name" 0 1 0 "meson test exited with status $test_status"
	else
		record "$name" 0 0 0 "no tests ran"
	fi

	if [[ "$name" == coverage ]]; then
		check_coverage
	fi
}

# Each scenario's QEMU runs must print the TAP results its host run printed.
check_same_tap()
{
	local host=build/ci-gcc-debug/meson-logs/testlog.json
	local qemu=build/ci-$1/meson-logs/testlog.json output passed failed
	[[ -f "$host" && -f "$qemu" ]] || return 0
	echo
	echo "==> same TAP on the host and on QEMU ($1)"
	if ! output=$(python3 ci/same-tap.py "$host" "$qemu"); then
		record "same-tap-$1" 0 1 0 "ci/same-tap.py failed"
		return
	fi
	echo "$output"
	read -r passed _ failed _ <<<"$(tail -n 1 <<<"$output")"
	record "same-tap-$1" "$passed" "$failed" 0
}

# The packaging tests (tests/packaging/run.sh), once a run whatever the
# configurations: an installed kaal through pkg-config, and kaal as the
# subproject of a parent Meson project. One test each.
check_packaging()
{
	local tests=2 output line passed=0 failed=0
	echo
	echo "==> packaging"
	output=$(CC=gcc bash tests/packaging/run.sh build/ci-packaging) || true
	echo "$output"
	while IFS= read -r line; do
		if [[ "$line" =~ ^ok\ [a-z]+$ ]]; then
			passed=$((passed + 1))
		elif [[ "$line" =~ ^not\ ok\ [a-z]+$ ]]; then
			failed=$((failed + 1))
		fi
	done <<<"$output"
	if [[ $((passed + failed)) -ne $tests ]]; then
		record packaging "$passed" $((tests - passed)) 0 "tests/packaging/run.sh did not report every test"
		return
	fi
	record packaging "$passed" "$failed" 0
}

for name in "${configs[@]}"; do
	run_config "$name"
done
check_packaging
# The kernel configurations, whose scenario runs on QEMU are compared with the host's.
kernel_configs=" aarch64-gcc aarch64-clang "
for name in "${configs[@]}"; do
	if [[ "$kernel_configs" == *" $name "* && " ${configs[*]} " == *" gcc-debug "* ]]; then
		check_same_tap "$name"
	fi
done

echo
echo "==> summary"
for line in "${summary[@]}"; do
	echo "$line"
done
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
[[ $total_failed -eq 0 ]]
