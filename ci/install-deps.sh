#!/usr/bin/env bash
# Install the Debian packages that kaal's build, tests and CI need.
# Does nothing when every package is already installed.
set -euo pipefail

packages=(
	meson
	ninja-build
	gcc
	clang
	lld
	llvm
	libclang-rt-14-dev
	libcmocka-dev
	gcovr
	pkg-config
	python3
	gcc-aarch64-linux-gnu
	qemu-system-arm
	gdb-multiarch
	spin
	# The host build for Linux on aarch64: its C library to compile against,
	# cmocka and the C library to run with (Debian's arm64 architecture), and
	# qemu-user to run the tests.
	libc6-dev-arm64-cross
	libcmocka-dev:arm64
	qemu-user
)

# Packages named "name:arm64" come from the arm64 architecture, which dpkg
# must know before apt-get update reads its package lists.
foreign_arch=arm64

# Whether package $1 ("name" for the machine's own architecture, or
# "name:arch") is installed; a package of every architecture ("all") counts.
installed()
{
	local name=${1%%:*} arch
	arch=$(dpkg --print-architecture)
	if [[ "$1" == *:* ]]; then
		arch=${1#*:}
	fi
	dpkg-query -W -f='${Status} ${Architecture}\n' "$name" 2>/dev/null |
		grep -Eqx "install ok installed ($arch|all)"
}

missing=()
for pkg in "${packages[@]}"; do
	if ! installed "$pkg"; then
		missing+=("$pkg")
	fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
	echo "install-deps: all ${#packages[@]} build dependencies are installed"
	exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1; then
	sudo_cmd=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
if ! dpkg --print-foreign-architectures | grep -qx "$foreign_arch"; then
	"${sudo_cmd[@]}" dpkg --add-architecture "$foreign_arch"
fi
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends "${missing[@]}"
