#!/bin/sh
# The SELinux policy module (docs/packaging/selinux/vfio_hook.te) compiles with checkmodule and
# packages with semodule_package, as the rpm's %build does, and covers each daemon that runs
# the hook.
# Usage: tests/packaging/check-selinux.sh BUILD_DIR
set -u
build=${1:?usage: check-selinux.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/packaging/lib.sh"
status=0
te=$top/docs/packaging/selinux/vfio_hook.te
work=$build/packaging/selinux
rm -rf "$work" && mkdir -p "$work"

if need checkmodule selinux.module-builds checkpolicy checkpolicy &&
	need semodule_package selinux.module-builds semodule-utils policycoreutils; then
	if out=$(checkmodule -M -m -o "$work/vfio_hook.mod" "$te" 2>&1 &&
		semodule_package -o "$work/vfio_hook.pp" -m "$work/vfio_hook.mod" 2>&1); then
		pass selinux.module-builds
	else
		fail selinux.module-builds "$out"
	fi
fi

# The daemons that run hooks: the monolithic libvirtd and the modular QEMU and network daemons.
missing=
for d in virtd_t virtqemud_t virtnetworkd_t; do
	grep -q "^[[:space:]]*type $d;" "$te" || missing="$missing $d"
done
[ -z "$missing" ] && pass selinux.daemons || fail selinux.daemons "no rules for$missing"
exit $status
