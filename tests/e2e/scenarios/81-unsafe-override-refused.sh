#!/bin/bash
# An override executable that others could change is never run: the start is refused with
# a line naming the file and the problem, and the desktop is untouched.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-unsafe
dir=/etc/libvirt/hooks/vfio-hook.d/$vm
define_vm $vm yes
install -d -m 0755 "$dir"
on_exit "rm -rf '$dir'"
printf '#!/bin/sh\ntouch /run/e2e-unsafe-ran\n' >"$dir/before-display-manager-x"
chmod 0775 "$dir/before-display-manager-x"
steady_state >"$E2E_WORK/before"

if virsh -q start $vm >"$E2E_WORK/start.out" 2>&1; then
    fail "virsh start succeeded with a group-writable override"
fi
note "virsh start said:"; cat "$E2E_WORK/start.out"
grep -q "$dir/before-display-manager-x is writable by group or others" "$E2E_WORK/start.out" ||
    fail "the refusal does not name the file and the problem"
[[ ! -e /run/e2e-unsafe-ran ]] || fail "the unsafe override ran"
assert_desktop_back
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
