#!/usr/bin/env bash
# The checker benchmark: checker-bench's tables, then how soon each defect
# of the bug zoo is found, a table row per strategy.
#   checker_bench.sh CHECKER_BENCH [ZOO_PROGRAM DEFECT TEST MODEL]...
set -euo pipefail

"$1"
shift
printf '\n%-50s %-9s %10s %9s\n' "zoo defect (test, model)" strategy schedules seconds
status=0
while (($# >= 4)); do
	"$1" "$2" "$3" "$4" bench || status=1
	shift 4
done
exit "$status"
