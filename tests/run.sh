#!/bin/sh
# The one test runner: runs the named layers (unit, integration, fuzz, docs, packaging, e2e), shows every
# "PASS name" / "FAIL name" line they print, and ends with "N passed, N failed".
# Usage: tests/run.sh [--build DIR] LAYER...
set -u
build=build
if [ "${1:-}" = "--build" ]; then build=$2; shift 2; fi
[ $# -gt 0 ] || set -- unit integration
here=$(cd "$(dirname "$0")" && pwd)
out="$build/test-results"
mkdir -p "$out"
: > "$out/all.log"
status=0

for layer in "$@"; do
	case $layer in
	unit)
		echo "== unit"
		for t in "$build"/tests/test-*; do
			[ -x "$t" ] || continue
			"$t" > "$out/$(basename "$t").log" 2>&1 || status=1
			cat "$out/$(basename "$t").log"
			cat "$out/$(basename "$t").log" >> "$out/all.log"
		done
		;;
	integration)
		echo "== integration"
		sh "$here/integration/run.sh" "$build" > "$out/integration.log" 2>&1 || status=1
		cat "$out/integration.log"
		cat "$out/integration.log" >> "$out/all.log"
		;;
	fuzz)
		# Short libFuzzer runs from the seed corpora; binaries in $FUZZ_BUILD (make fuzz-build).
		echo "== fuzz (libFuzzer smoke runs)"
		sh "$here/fuzz/run.sh" smoke --build "${FUZZ_BUILD:-build-fuzz}" > "$out/fuzz.log" 2>&1 || status=1
		grep -q '^\(PASS\|FAIL\) ' "$out/fuzz.log" || echo "FAIL fuzz.reported" >> "$out/fuzz.log"
		cat "$out/fuzz.log"
		cat "$out/fuzz.log" >> "$out/all.log"
		;;
	docs)
		# The man pages, --help and the completions against each other and the code.
		echo "== docs"
		sh "$here/docs/run.sh" "$build" > "$out/docs.log" 2>&1 || status=1
		cat "$out/docs.log"
		cat "$out/docs.log" >> "$out/all.log"
		;;
	e2e)
		echo "== e2e (real kernel in QEMU)"
		# The Debian package (make deb) for 98-debian-package; without it that scenario fails.
		payload=""
		for deb in "$build"/deb/vfio-hook_*.deb; do [ -f "$deb" ] && payload="--payload $deb"; done
		# shellcheck disable=SC2086
		bash "$here/e2e/run.sh" --build "$build/e2e" $payload "$build/vfio-hook" > "$out/e2e.log" 2>&1 || status=1
		cat "$out/e2e.log"
		# A guest that never reported leaves no result lines: that is a failure, not silence.
		grep -q '^\(PASS\|FAIL\) ' "$out/e2e.log" || echo "FAIL e2e.guest-reported" >> "$out/e2e.log"
		cat "$out/e2e.log" >> "$out/all.log"
		;;
	packaging)
		# The rpm, the PKGBUILD, the SELinux module and the AppArmor snippets, built and
		# compared with make install (tests/packaging/).
		echo "== packaging"
		sh "$here/packaging/run.sh" "$build" > "$out/packaging.log" 2>&1 || status=1
		grep -q '^\(PASS\|FAIL\) ' "$out/packaging.log" || echo "FAIL packaging.reported" >> "$out/packaging.log"
		cat "$out/packaging.log"
		cat "$out/packaging.log" >> "$out/all.log"
		;;
	*)
		echo "unknown test layer '$layer'" >&2
		exit 2
		;;
	esac
done

passed=$(grep -c '^PASS ' "$out/all.log")
failed=$(grep -c '^FAIL ' "$out/all.log")
[ "$failed" -eq 0 ] || { echo; echo "Failed:"; grep '^FAIL ' "$out/all.log"; }
[ "$passed" -gt 0 ] || status=1
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
