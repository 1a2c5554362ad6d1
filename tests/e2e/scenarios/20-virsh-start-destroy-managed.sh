#!/bin/bash
# libvirt's own managed detach/reattach around a domain, with our binary as the
# qemu hook: libvirt must call it for prepare and release, and the desktop must
# get its GPU, audio function and Xorg back after destroy.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-managed gpu=0000:00:03.0 hda=0000:00:03.1
log=/var/log/libvirt/hooks/qemu/$vm.log
xml=$E2E_WORK/$vm.xml

domain_xml $vm yes "" $gpu $hda >"$xml"
virsh -q define "$xml"
on_exit "virsh -q destroy $vm >/dev/null 2>&1; virsh -q undefine $vm >/dev/null 2>&1"
: >"$log" 2>/dev/null || true

note "virsh start"
virsh -q start $vm || fail "virsh start $vm failed"
[[ $(virsh domstate $vm) == running ]] || fail "$vm is '$(virsh domstate $vm)', expected running"
assert_driver $gpu vfio-pci
assert_driver $hda vfio-pci
[[ -e /dev/vfio/$(iommu_group_of $gpu) ]] || fail "/dev/vfio/$(iommu_group_of $gpu) missing while running"

note "virsh destroy"
virsh -q destroy $vm || fail "virsh destroy $vm failed"
wait_driver $gpu bochs-drm 30
wait_driver $hda snd_hda_intel 30

note "hook log $log:"; cat "$log" 2>/dev/null || fail "libvirt did not run the hook (no $log)"
grep -q prepare "$log" || fail "hook log has no prepare line"
grep -q release "$log" || fail "hook log has no release line"

wait_for "systemctl is-active display-manager.service" 30 || true
assert_unit_active display-manager.service
wait_for "holder_names /dev/dri/card0 | grep -qw Xorg" 90 || true
assert_held_by /dev/dri/card0 Xorg
assert_no_failed_units
