#!/bin/sh
# check-skip.sh BUILD_DIR: a check that needs what the distribution does not package says
# "SKIP name: why" and exits 0, and the runner takes that line as a result: check-deb.sh on a
# host without apt (a PATH without apt-get), and a check script printing only SKIP.
set -u
build=${1:?usage: check-skip.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
prefix=packaging.skip-
status=0
. "$top/tests/packaging/lib.sh"
work=$build/packaging/skip
rm -rf "$work" && mkdir -p "$work/bin" "$work/checks"

# Every command of this PATH but apt-get: a Fedora host, as far as the check can tell.
IFS=:
for d in $PATH; do
	for f in "$d"/*; do
		n=${f##*/}
		[ -x "$f" ] && [ "$n" != apt-get ] && [ ! -e "$work/bin/$n" ] && ln -s "$f" "$work/bin/$n"
	done
done
unset IFS
out=$(PATH=$work/bin sh "$top/tests/packaging/check-deb.sh" "$work/build" 2>&1)
r=$?
case $out in
"SKIP packaging.deb-all: no apt-get: "*) [ $r -eq 0 ] && pass deb-without-apt ||
	fail deb-without-apt "exit $r" ;;
*) fail deb-without-apt "check-deb.sh without apt-get printed: $(printf '%s' "$out" | head -n 3)" ;;
esac

printf '#!/bin/sh\necho "SKIP x.y: not packaged here"\n' > "$work/checks/check-only-skip.sh"
out=$(sh "$top/tests/lib/run-checks.sh" x "$work/checks" "$work/build" 2>&1)
r=$?
if [ $r -eq 0 ] && [ "$out" = "SKIP x.y: not packaged here" ]; then
	pass runner-takes-skip
else
	fail runner-takes-skip "run-checks.sh exited $r: $(printf '%s' "$out" | tr '\n' ' ')"
fi
rm -rf "$work"
exit $status
