#!/usr/bin/env bash
# Boot kaal as a system on QEMU virt: the kernel; the UART, RTC, GPIO and
# block drivers; the file server on a disk image made on the first run and
# kept after it; the echo service; and the shell (docs/shell.md).
#
#   bash ci/run-os.sh             the shell on this terminal (Ctrl-A X quits QEMU,
#                                 Ctrl-A C then system_powerdown presses the power button)
#   bash ci/run-os.sh SCRIPT      types SCRIPT's commands, then poweroff, and exits with
#                                 the number of commands that failed
#   COMMANDS | bash ci/run-os.sh  the same, for standard input that is not a terminal
#
# KAAL_DISK=PATH is the disk image (default build/os/disk.img, 64 MiB when
# made); KAAL_CPU (default cortex-a72) and KAAL_GIC (default 3) pick the machine.
set -euo pipefail

cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."

if [[ $# -gt 1 ]]; then
	echo "usage: $0 [SCRIPT]" >&2
	exit 2
fi

bash ci/install-deps.sh >&2

dir=build/os
if [[ ! -f "$dir/meson-private/coredata.dat" ]]; then
	meson setup --cross-file ci/cross/aarch64-gcc.ini --wrap-mode=nodownload "$dir" >&2
fi
meson compile -C "$dir" kaal-aarch64-os >&2
kernel=$dir/services/system/kaal-aarch64-os.elf
disk=${KAAL_DISK:-$dir/disk.img}
cpu=${KAAL_CPU:-cortex-a72}
gic=${KAAL_GIC:-3}

if [[ $# -eq 0 && -t 0 ]]; then
	if [[ ! -e $disk ]]; then
		truncate -s 64M "$disk"
	fi
	exec qemu-system-aarch64 -M "virt,gic-version=$gic" -cpu "$cpu" -m 128M -nographic \
		-nic none -semihosting-config enable=on,target=native \
		-global virtio-mmio.force-legacy=false \
		-drive "if=none,format=raw,file=$disk,id=disk0" -device virtio-blk-device,drive=disk0 \
		-kernel "$kernel"
fi

# A script: typed once the shell is up (input before it would be lost), then power off.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat -- "${1:-/dev/stdin}" >"$work/typed"
printf 'poweroff\n' >>"$work/typed"
KAAL_QEMU_DISK=$disk KAAL_QEMU_TIMEOUT=${KAAL_QEMU_TIMEOUT:-600} \
	KAAL_QEMU_TYPE_AFTER="kaal shell: help lists the commands" \
	KAAL_QEMU_TYPE_FILE="$work/typed" \
	bash ci/qemu-aarch64.sh "$kernel" "$cpu" "$gic"
