#!/bin/bash
# A prepare that fails part-way: vfio-pci cannot load (modprobe.d runs /bin/false for it),
# which happens after the display manager, audio, console and bochs are gone. virsh start
# must fail with our message, and the desktop must be exactly as it was.
# e2e-flavours: nodm gnome
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-fail
define_vm $vm yes
modprobe -r vfio_pci 2>/dev/null || true
echo "install vfio_pci /bin/false" >/etc/modprobe.d/e2e-no-vfio.conf
on_exit "rm -f /etc/modprobe.d/e2e-no-vfio.conf"
steady_state >"$E2E_WORK/before"

note "virsh start (must fail)"
if virsh -q start $vm >"$E2E_WORK/start.out" 2>&1; then
    fail "virsh start succeeded although vfio-pci cannot load"
fi
note "virsh start said:"; cat "$E2E_WORK/start.out"
grep -q 'vfio-hook: error: Cannot load vfio-pci' "$E2E_WORK/start.out" || fail "virsh start did not show our error"
assert_desktop_back
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
