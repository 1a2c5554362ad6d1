#!/bin/sh
# The built man pages render without a warning from man/groff (as lintian runs them), have a
# NAME line whatis can read, and spell what a reader types with "\-", not a hyphen.
# Usage: tests/docs/check-render.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"
build=${1:-build}
t=$(scratch "$build" render)

for name in vfio-hook.8 vfio-hook.conf.5; do
	page=$build/man/$name
	if [ ! -s "$page" ]; then
		fail "render.$name" "$page is missing or empty (make man)"
		continue
	fi
	LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l "$page" \
		> "$t/$name.txt" 2> "$t/$name.err"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$t/$name.err" ] || [ ! -s "$t/$name.txt" ]; then
		fail "render.$name" "man exited $rc:" "$(head -5 "$t/$name.err")"
	else
		pass "render.$name"
	fi
	# lexgrog reads the NAME section as mandb and lintian do.
	if command -v lexgrog > /dev/null; then
		if lexgrog "$page" > "$t/$name.whatis" 2>&1 &&
			grep -q ": \"${name%.[0-9]} - " "$t/$name.whatis"; then
			pass "whatis.$name"
		else
			fail "whatis.$name" "$(cat "$t/$name.whatis")"
		fi
	fi
	# An option in running text ("--json", "-h" after a space or bracket) written with a
	# hyphen renders as one in some locales and cannot be searched for.
	grep -n -v '^\.' "$page" | grep -- '\(^[0-9]*:\|[ [(|]\)--\?[a-z]' > "$t/$name.hyphens"
	if [ -s "$t/$name.hyphens" ]; then
		fail "options-as-minus.$name" "$(head -5 "$t/$name.hyphens")"
	else
		pass "options-as-minus.$name"
	fi
done
exit $failed
