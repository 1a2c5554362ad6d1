#!/bin/sh
# Layer "packaging": runs every tests/packaging/check-*.sh BUILD_DIR, shows their PASS/FAIL
# lines, and fails when one of them fails (or prints nothing).
# Usage: tests/packaging/run.sh BUILD_DIR
set -u
build=${1:?usage: run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
status=0
for c in "$here"/check-*.sh; do
	[ -e "$c" ] || continue
	name=$(basename "$c" .sh)
	out=$(sh "$c" "$build" 2>&1)
	r=$?
	printf '%s\n' "$out"
	if ! printf '%s\n' "$out" | grep -q '^\(PASS\|FAIL\) '; then
		echo "FAIL packaging.$name-reported (printed no result)"
		status=1
	fi
	if [ $r -ne 0 ]; then
		status=1
		printf '%s\n' "$out" | grep -q '^FAIL ' || echo "FAIL packaging.$name-exit (exit $r, no FAIL line)"
	fi
done
exit $status
