#!/bin/sh
# The docs layer: the documentation checked against the code. Runs every
# tests/docs/check-*.sh BUILD_DIR, prints their "PASS name" / "FAIL name" lines, and fails when
# one of them fails (or reports nothing).
# Usage: tests/docs/run.sh BUILD_DIR
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
status=0
for check in "$here"/check-*.sh; do
	[ -e "$check" ] || continue
	out=$(sh "$check" "$build" 2>&1) || status=1
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -q '^\(PASS\|FAIL\) ' || {
		echo "FAIL docs.$(basename "$check" .sh).reported"
		status=1
	}
done
exit $status
