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
)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	if [[ "$status" != "install ok installed" ]]; then
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
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends "${missing[@]}"
