#!/usr/bin/env bash
# Build and test kaal in every CI configuration, then check the test
# coverage of src/core.
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

all_configs="gcc-debug clang-debug gcc-portable gcc-asan clang-asan gcc-tsan clang-tsan coverage aarch64-gcc aarch64-clang"
read -r -a configs <<<"${KAAL_CONFIGS:-$all_configs}"

# Minimum coverage of src/core, in percent.
min_line_coverage=90
min_branch_coverage=75

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
# The aarch64 configurations are cross builds of the EL1 kernel, tested on
# QEMU (ci/cross/*.ini name the compilers; cc is the build machine's).
config_settings()
{
	local werror=(--buildtype=debug -Dwerror=true)
	case "$1" in
	gcc-debug) cc=gcc args=("${werror[@]}") ;;
	clang-debug) cc=clang args=("${werror[@]}") ;;
	gcc-portable) cc=gcc args=("${werror[@]}" -Dhost_blocking=portable) ;;
	gcc-asan) cc=gcc args=("${werror[@]}" '-Db_sanitize=address,undefined' -Db_lundef=false) ;;
	clang-asan) cc=clang args=("${werror[@]}" '-Db_sanitize=address,undefined' -Db_lundef=false) ;;
	gcc-tsan) cc=gcc args=("${werror[@]}" -Db_sanitize=thread) ;;
	clang-tsan) cc=clang args=("${werror[@]}" -Db_sanitize=thread -Db_lundef=false) ;;
	coverage) cc=gcc args=("${werror[@]}" -Db_coverage=true) ;;
	aarch64-gcc) cc=gcc args=("${werror[@]}" --cross-file ci/cross/aarch64-gcc.ini) ;;
	aarch64-clang) cc=gcc args=("${werror[@]}" --cross-file ci/cross/aarch64-clang.ini) ;;
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

# Runs gcovr over the coverage build and checks src/core against the minimums.
check_coverage()
{
	local dir=build/ci-coverage
	local report=$dir/coverage/index.html
	local output lines branches

	if [[ -z "$(find "$dir" -name '*.gcda' -print -quit)" ]]; then
		summary+=("coverage: no coverage data (.gcda files) in $dir: no code in src/core ran")
		total_failed=$((total_failed + 1))
		return
	fi

	mkdir -p "$dir/coverage"
	if ! output=$(gcovr --root . --filter 'src/core/' --object-directory "$dir" "$dir" \
		--print-summary --html-details "$report"); then
		echo "$output"
		summary+=("coverage: gcovr failed")
		total_failed=$((total_failed + 1))
		return
	fi
	echo "$output"

	lines=$(sed -n 's/^lines: \([0-9.]*\)%.*/\1/p' <<<"$output")
	branches=$(sed -n 's/^branches: \([0-9.]*\)%.*/\1/p' <<<"$output")
	if [[ -z "$lines" || -z "$branches" ]]; then
		summary+=("coverage: could not read the gcovr summary")
		total_failed=$((total_failed + 1))
		return
	fi

	summary+=("coverage: src/core lines $lines%, branches $branches% (report: $report)")
	if awk -v l="$lines" -v b="$branches" -v ml="$min_line_coverage" -v mb="$min_branch_coverage" \
		'BEGIN { exit !(l < ml || b < mb) }'; then
		summary+=("coverage: below the minimum of $min_line_coverage% lines and $min_branch_coverage% branches: one failed test")
		total_failed=$((total_failed + 1))
	fi
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

for name in "${configs[@]}"; do
	run_config "$name"
done
for name in "${configs[@]}"; do
	if [[ "$name" == aarch64-* && " ${configs[*]} " == *" gcc-debug "* ]]; then
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
