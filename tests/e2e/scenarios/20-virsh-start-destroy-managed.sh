#!/bin/bash
# managed='yes': libvirt would detach the devices itself; our prepare has already handed
# them over (display manager, audio, console, driver, vfio-pci), so libvirt only finds them
# on vfio-pci. After destroy, our release gives everything back.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-managed
log=/var/log/libvirt/hooks/qemu/$vm.log
define_vm $vm yes
rm -f "$log"
steady_state >"$E2E_WORK/before"

note "virsh start"
virsh -q start $vm || fail "virsh start $vm failed"
[[ $(virsh domstate $vm) == running ]] || fail "$vm is '$(virsh domstate $vm)', expected running"
assert_handed_over
[[ -f /run/vfio-hook/$(uuid_of $vm).journal ]] || fail "no journal while the VM runs"

note "virsh destroy"
virsh -q destroy $vm || fail "virsh destroy $vm failed"
assert_desktop_back
assert_hook_log_complete "$log"
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
