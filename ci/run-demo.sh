#!/usr/bin/env bash
# Build kaal in build/demo, run the host demo and then every scenario
# (broker, notification, ipc, captransfer) on the simulated machine.
# Exits non-zero if the demo or any scenario fails.
set -euo pipefail

cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."

bash ci/install-deps.sh

dir=build/demo
if [[ ! -f "$dir/meson-private/coredata.dat" ]]; then
	CC=gcc meson setup --buildtype=debug --wrap-mode=nodownload "$dir"
fi
scenarios=(broker notification ipc captransfer)
meson compile -C "$dir" kaal-demo "${scenarios[@]/#/scenario-}"

status=0
"$dir/demo/kaal-demo" || status=1
for name in "${scenarios[@]}"; do
	echo
	echo "== scenario $name"
	"$dir/scenarios/scenario-$name" || status=1
done
exit $status
