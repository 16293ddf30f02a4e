#!/usr/bin/env bash
# Build the aarch64 kernel in build/qemu-demo and boot its demo image on
# QEMU virt: the root task runs the broker, notification and ipc scenarios
# at EL0 (the ipc scenario's two processes each in an address space of
# their own), prints their progress and powers off. Exits with QEMU's
# status: 0 when every scenario passed.
#
#   bash ci/run-qemu-demo.sh [CPU [GIC]]    (default: cortex-a53 2)
set -euo pipefail

cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."

bash ci/install-deps.sh

dir=build/qemu-demo
if [[ ! -f "$dir/meson-private/coredata.dat" ]]; then
	meson setup --cross-file ci/cross/aarch64-gcc.ini --wrap-mode=nodownload "$dir"
fi
meson compile -C "$dir" kaal-aarch64-demo

KAAL_QEMU_TIMEOUT=${KAAL_QEMU_TIMEOUT:-60} \
	exec bash ci/qemu-aarch64.sh "$dir/demo/kaal-aarch64-demo.elf" \
	"${1:-cortex-a53}" "${2:-2}"
