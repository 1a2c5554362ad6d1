#!/bin/sh
# The AppArmor snippets (docs/packaging/apparmor/local/usr.sbin.libvirtd and
# usr.sbin.virtqemud) parse inside a profile as the daemons' profiles include them, and both
# say the same rules.
# Usage: tests/packaging/check-apparmor.sh BUILD_DIR
set -u
build=${1:?usage: check-apparmor.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/packaging/lib.sh"
status=0
dir=$top/docs/packaging/apparmor/local
work=$build/packaging/apparmor
rm -rf "$work" && mkdir -p "$work"

if need apparmor_parser apparmor.snippets-parse apparmor apparmor-parser; then
	bad=
	for s in "$dir"/usr.sbin.libvirtd "$dir"/usr.sbin.virtqemud; do
		n=$(basename "$s")
		# The daemons' profiles include the snippet at their end, as a profile's rules.
		cat > "$work/$n.profile" <<-PROFILE
		abi <abi/3.0>,
		include <tunables/global>
		profile vfio-hook-check-$n /usr/sbin/vfio-hook-check-$n {
		  include <abstractions/base>
		  include "$s"
		}
		PROFILE
		# -Q: compile only, nothing loaded into the kernel; -K: no cache.
		apparmor_parser -Q -K "$work/$n.profile" > "$work/$n.log" 2>&1 ||
			bad="$bad $n: $(grep -v '^Cache read/write disabled' "$work/$n.log" | head -n 2)"
	done
	[ -z "$bad" ] && pass apparmor.snippets-parse || fail apparmor.snippets-parse "$bad"
fi

rules() { grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$1"; }
if [ "$(rules "$dir/usr.sbin.libvirtd")" = "$(rules "$dir/usr.sbin.virtqemud")" ] &&
	[ -n "$(rules "$dir/usr.sbin.libvirtd")" ]; then
	pass apparmor.snippets-agree
else
	fail apparmor.snippets-agree "usr.sbin.libvirtd and usr.sbin.virtqemud differ in their rules"
fi
exit $status
