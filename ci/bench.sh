#!/usr/bin/env bash
# Run kaal's ring benchmark against its peers (docs/benchmarks.md).
#
# Installs the peers' Debian packages and gnuplot when they are missing
# (nothing is installed when all are there), configures build/bench as a
# release build, and runs the bench-ring target: the table on stdout, then
# build/bench/ring_bench.csv and, with gnuplot, build/bench/ring_bench.svg.
#
#   bash ci/bench.sh                 the whole benchmark, 7 runs per figure
#   bash ci/bench.sh --runs 3 ...    the benchmark with these arguments
#                                    (bash ci/bench.sh --help lists them)
set -euo pipefail

cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."

bash ci/install-deps.sh

packages=(
	g++
	pkg-config
	libck-dev
	libdpdk-dev
	libboost-dev
	libreaderwriterqueue-dev
	libatomic-queue-dev
	libconcurrentqueue-dev
	gnuplot-nox
)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	if [[ "$status" != "install ok installed" ]]; then
		missing+=("$pkg")
	fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
	echo "bench: all ${#packages[@]} benchmark packages are installed"
else
	sudo_cmd=()
	if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1; then
		sudo_cmd=(sudo)
	fi
	echo "bench: installing ${missing[*]}"
	# A peer that cannot be installed is skipped by the benchmark, which says so.
	if ! { "${sudo_cmd[@]}" apt-get update &&
		"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends "${missing[@]}"; }; then
		echo "bench: could not install every package; missing peers will be skipped"
	fi
fi

dir=build/bench
if [[ -f "$dir/meson-private/coredata.dat" ]]; then
	# Reconfiguring finds peers installed since the last run.
	meson setup --reconfigure --buildtype=release "$dir" ||
		meson setup --wipe --buildtype=release "$dir"
else
	meson setup --buildtype=release "$dir"
fi

if [[ $# -eq 0 ]]; then
	ninja -C "$dir" bench-ring
else
	ninja -C "$dir" benchmarks/ring-bench
	"$dir/benchmarks/ring-bench" "$dir/ring_bench.csv" "$@"
fi
