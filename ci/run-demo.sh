#!/usr/bin/env bash
# Build kaal's demo program in build/demo and run it.
# Exits with the demo's own exit status.
set -euo pipefail

cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."

bash ci/install-deps.sh

dir=build/demo
if [[ ! -f "$dir/meson-private/coredata.dat" ]]; then
	CC=gcc meson setup --buildtype=debug --wrap-mode=nodownload "$dir"
fi
meson compile -C "$dir" kaal-demo
exec "$dir/demo/kaal-demo" "$@"
