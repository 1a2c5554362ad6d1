#!/bin/sh
# A layer made of check scripts (tests/docs/, tests/packaging/): runs every DIR/check-*.sh
# BUILD_DIR, prints their "PASS name" / "FAIL name" / "SKIP name: why" lines, and fails when one
# of them fails. A script that prints no result, or exits non-zero without a FAIL line, is a
# failure of its own.
# Usage: tests/lib/run-checks.sh LAYER DIR BUILD_DIR
set -u
layer=$1 dir=$2 build=$3
status=0
for check in "$dir"/check-*.sh; do
	[ -e "$check" ] || continue
	name=$(basename "$check" .sh)
	out=$(sh "$check" "$build" 2>&1)
	r=$?
	printf '%s\n' "$out"
	if ! printf '%s\n' "$out" | grep -q '^\(PASS\|FAIL\|SKIP\) '; then
		echo "FAIL $layer.$name-reported (printed no result)"
		status=1
	fi
	if [ $r -ne 0 ]; then
		status=1
		printf '%s\n' "$out" | grep -q '^FAIL ' || echo "FAIL $layer.$name-exit (exit $r, no FAIL line)"
	fi
done
exit $status
