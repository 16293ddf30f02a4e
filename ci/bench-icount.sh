#!/usr/bin/env bash
# Print kaal's instruction-count table (docs/benchmarks.md, "Instruction
# counts on QEMU"): builds the aarch64 kernel in build/bench-icount (gcc,
# release) and boots its bench image on QEMU virt under -icount shift=0,
# where the guest's counter counts instructions. The root task times system
# calls, IPC and channel messages between processes and prints the table
# beside seL4's published cycle counts. Exits with QEMU's status: 0 unless
# the benchmark could not set up its processes.
#
#   bash ci/bench-icount.sh [CPU]    (default: cortex-a53, the core of seL4's figures)
set -euo pipefail

cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."

bash ci/install-deps.sh >&2

dir=build/bench-icount
if [[ ! -f "$dir/meson-private/coredata.dat" ]]; then
	meson setup --cross-file ci/cross/aarch64-gcc.ini --buildtype=release \
		--wrap-mode=nodownload "$dir" >&2
fi
meson compile -C "$dir" kaal-aarch64-bench >&2

KAAL_QEMU_TIMEOUT=${KAAL_QEMU_TIMEOUT:-300} \
	exec bash ci/qemu-aarch64.sh "$dir/benchmarks/qemu/kaal-aarch64-bench.elf" \
	"${1:-cortex-a53}" 2 -icount shift=0
