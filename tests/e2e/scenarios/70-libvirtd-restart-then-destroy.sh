#!/bin/bash
# libvirtd restarted while the VM runs: libvirt calls the hook with "reconnect begin",
# which must neither fail (that kills the VM) nor touch the journal; a later destroy still
# gives the desktop back.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-reconnect
log=/var/log/libvirt/hooks/qemu/$vm.log
define_vm $vm yes
virsh -q start $vm || fail "virsh start $vm failed"
assert_handed_over
journal=/run/vfio-hook/$(uuid_of $vm).journal
cp "$journal" "$E2E_WORK/journal.before"

note "restart libvirtd"
systemctl restart libvirtd
wait_for "virsh domstate $vm | grep -qx running" 60 || fail "$vm is '$(virsh domstate $vm)' after the restart"
cmp -s "$journal" "$E2E_WORK/journal.before" || fail "reconnect changed the journal"
assert_handed_over

virsh -q destroy $vm || fail "virsh destroy $vm failed"
assert_desktop_back
