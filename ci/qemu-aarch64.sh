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
# The machine has no network device (-nic none), and QEMU runs with no data
# or firmware files at all: it finds them relative to its own executable,
# so the runner starts a copy of it under build/qemu-without-data/bin,
# where those directories are empty. A run that needs a ROM or firmware
# file fails here as it would on a machine without QEMU's recommended
# packages.
#
# KAAL_QEMU_TIMEOUT (seconds, default 20) bounds the run: a kernel that
# hangs (or a semihosting call QEMU did not enable) ends with status 124.
# With KAAL_QEMU_EXPECT_EXIT=N the script exits 0 when QEMU exited with N
# and 1 otherwise, for runs that are meant to fail in a known way. With
# KAAL_QEMU_EXPECT_LINE=TEXT the run also fails unless the machine printed
# exactly that line (a program's output through the UART driver). With
# KAAL_QEMU_POWERDOWN_AFTER=TEXT the runner presses the machine's power
# button (the monitor's system_powerdown, ci/qemu-monitor.py) once the
# machine printed that line. With KAAL_QEMU_TYPE=TEXT and
# KAAL_QEMU_TYPE_AFTER=LINE the runner types TEXT (printf escapes allowed)
# on the machine's console once it printed LINE. With KAAL_QEMU_DISK_MB=N the
# With KAAL_QEMU_TYPE_FILE=PATH (and KAAL_QEMU_TYPE_AFTER) it types that
# file's bytes as they are instead. With KAAL_QEMU_DISK_MB=N the
# machine has a virtio block device (modern transport) on a fresh disk of N
# MiB of zeros; with KAAL_QEMU_DISK=PATH on that file instead (made, of
# KAAL_QEMU_DISK_MB MiB, when missing), which outlives the run.
set -uo pipefail

if [[ $# -lt 3 ]]; then
	echo "usage: $0 KERNEL.elf CPU GIC[,MACHINE-OPTIONS] [EXTRA QEMU ARGS...]" >&2
	exit 2
fi
kernel=$1 cpu=$2 gic=$3
shift 3

# Prints the path of a copy of QEMU whose data directories are empty,
# making it (or refreshing it after a QEMU upgrade) when needed.
qemu_without_data()
{
	local system top copy tmp
	system=$(command -v qemu-system-aarch64) || {
		echo "qemu-aarch64: qemu-system-aarch64 not found (bash ci/install-deps.sh installs it)" >&2
		return 1
	}
	system=$(readlink -f "$system")
	top=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
	copy=$top/build/qemu-without-data/bin/qemu-system-aarch64
	if [[ ! -x $copy || $system -nt $copy || $copy -nt $system ]]; then
		mkdir -p "${copy%/*}" || return 1
		tmp=$(mktemp "$copy.XXXXXX") || return 1
		# A hard link costs nothing where the file systems allow it.
		if ! ln -f "$system" "$tmp" 2>/dev/null; then
			cp -p "$system" "$tmp" || { rm -f "$tmp"; return 1; }
		fi
		# Runs in parallel may both get here: a link another run put in place is as good.
		if ! mv -f "$tmp" "$copy" 2>/dev/null; then
			rm -f "$tmp"
			[[ $copy -ef $system ]] || cmp -s "$system" "$copy" || return 1
		fi
	fi
	echo "$copy"
}

qemu=$(qemu_without_data) || exit 2

work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
output=$work/output
monitor_args=()
if [[ -n "${KAAL_QEMU_POWERDOWN_AFTER:-}" ]]; then
	monitor_args=(-monitor "unix:$work/monitor,server,nowait")
fi
# The console's input: nothing, or a pipe the runner types into.
input=/dev/null
if [[ -n "${KAAL_QEMU_TYPE_AFTER:-}" ]]; then
	input=$work/console
	mkfifo "$input" || exit 2
fi

# The block device: QEMU 7.2's virtio-mmio speaks the legacy interface unless told otherwise.
disk_args=()
if [[ -n "${KAAL_QEMU_DISK:-}${KAAL_QEMU_DISK_MB:-}" ]]; then
	disk=${KAAL_QEMU_DISK:-$work/disk.img}
	if [[ ! -e $disk ]]; then
		truncate -s "${KAAL_QEMU_DISK_MB:-64}M" "$disk" || exit 2
	fi
	disk_args=(-global virtio-mmio.force-legacy=false
		-drive "if=none,format=raw,file=$disk,id=disk0"
		-device virtio-blk-device,drive=disk0)
fi

run_qemu()
{
	timeout -k 5 "${KAAL_QEMU_TIMEOUT:-20}" \
		"$qemu" \
		-M "virt,gic-version=$gic" \
		-cpu "$cpu" \
		-m 128M \
		-nographic \
		-nic none \
		-semihosting-config enable=on,target=native \
		"${monitor_args[@]}" \
		"${disk_args[@]}" \
		-kernel "$kernel" \
		"$@" <"$input"
	echo $? >"$work/status"
}

# Whether the machine printed the line (the console ends lines with CR LF).
printed()
{
	tr -d '\r' <"$output" | grep -qxF -- "$1"
}

: >"$output"
run_qemu "$@" | tee "$output" &
pipeline=$!
# Held open for the whole run, so QEMU never reads the end of its console's input.
if [[ $input != /dev/null ]]; then
	exec 3>"$input"
fi
# The machine says when it waits for the button or a line; QEMU's timeout bounds the wait.
pressed=${KAAL_QEMU_POWERDOWN_AFTER:+no} typed=${KAAL_QEMU_TYPE_AFTER:+no}
while [[ $pressed == no || $typed == no ]] && kill -0 "$pipeline" 2>/dev/null; do
	if [[ $pressed == no ]] && printed "$KAAL_QEMU_POWERDOWN_AFTER"; then
		python3 "$(dirname -- "${BASH_SOURCE[0]}")/qemu-monitor.py" "$work/monitor" \
			system_powerdown >&2 || echo "qemu-aarch64: the power button could not be pressed" >&2
		pressed=yes
	fi
	if [[ $typed == no ]] && printed "$KAAL_QEMU_TYPE_AFTER"; then
		if [[ -n "${KAAL_QEMU_TYPE_FILE:-}" ]]; then
			cat -- "$KAAL_QEMU_TYPE_FILE" >&3
		else
			printf "${KAAL_QEMU_TYPE:-}" >&3
		fi
		typed=yes
	fi
	sleep 0.1
done
wait "$pipeline"
status=$(cat "$work/status")
if [[ $input != /dev/null ]]; then
	exec 3>&-
fi

if [[ -n "${KAAL_QEMU_EXPECT_LINE:-}" ]] && ! printed "$KAAL_QEMU_EXPECT_LINE"; then
	echo "Bail out! the machine did not print the line: $KAAL_QEMU_EXPECT_LINE"
	exit 1
fi

if [[ -n "${KAAL_QEMU_EXPECT_EXIT:-}" ]]; then
	if [[ $status -eq $KAAL_QEMU_EXPECT_EXIT ]]; then
		echo "qemu-aarch64: exit status $status, as expected"
		exit 0
	fi
	echo "qemu-aarch64: exit status $status, expected $KAAL_QEMU_EXPECT_EXIT" >&2
	exit 1
fi
exit $status
