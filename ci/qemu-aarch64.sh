#!/usr/bin/env bash
# Boot a kaal aarch64 kernel ELF on QEMU's virt machine and pass its exit
# status through (the kernel exits with semihosting SYS_EXIT: 0 when its
# self-test passed).
#
#   ci/qemu-aarch64.sh KERNEL.elf CPU GIC [EXTRA QEMU ARGS...]
#
# CPU is a QEMU cpu model (cortex-a53, cortex-a72, ...). GIC is the GIC
# version, 2 or 3, optionally followed by more virt machine options:
# "3,virtualization=on" enters the kernel at EL2.
#
# KAAL_QEMU_TIMEOUT (seconds, default 20) bounds the run: a kernel that
# hangs (or a semihosting call QEMU did not enable) ends with status 124.
# With KAAL_QEMU_EXPECT_EXIT=N the script exits 0 when QEMU exited with N
# and 1 otherwise, for runs that are meant to fail in a known way.
set -uo pipefail

if [[ $# -lt 3 ]]; then
	echo "usage: $0 KERNEL.elf CPU GIC[,MACHINE-OPTIONS] [EXTRA QEMU ARGS...]" >&2
	exit 2
fi
kernel=$1 cpu=$2 gic=$3
shift 3

timeout -k 5 "${KAAL_QEMU_TIMEOUT:-20}" \
	qemu-system-aarch64 \
	-M "virt,gic-version=$gic" \
	-cpu "$cpu" \
	-m 128M \
	-nographic \
	-semihosting-config enable=on,target=native \
	-kernel "$kernel" \
	"$@" </dev/null
status=$?

if [[ -n "${KAAL_QEMU_EXPECT_EXIT:-}" ]]; then
	if [[ $status -eq $KAAL_QEMU_EXPECT_EXIT ]]; then
		echo "qemu-aarch64: exit status $status, as expected"
		exit 0
	fi
	echo "qemu-aarch64: exit status $status, expected $KAAL_QEMU_EXPECT_EXIT" >&2
	exit 1
fi
exit $status
