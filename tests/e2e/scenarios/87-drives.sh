#!/bin/bash
# A whole disk given to the VM as <disk type='block'>: the filesystem mounted from its
# partition is unmounted before the VM starts and mounted back where it was afterwards.
# A VM whose own image lives on that disk is refused.
set -euo pipefail
. "$E2E_DIR/lib.sh"

disk=/dev/disk/by-id/virtio-e2e-data
[[ -e $disk ]] || fail "no extra data disk ($disk)"
mnt=/mnt/e2e-data
mkdir -p $mnt
mount "$disk-part1" $mnt
on_exit "umount $mnt 2>/dev/null"
echo kept >$mnt/marker

vm=e2e-drive
domain_xml $vm yes "" $GPU $HDA |
    sed "s|<devices>|<devices><disk type='block' device='disk'><driver name='qemu' type='raw'/><source dev='$disk'/><target dev='vdb' bus='virtio'/></disk>|" \
        >"$E2E_WORK/$vm.xml"
virsh -q define "$E2E_WORK/$vm.xml" >/dev/null
on_exit "virsh -q destroy $vm >/dev/null 2>&1; virsh -q undefine $vm >/dev/null 2>&1"
virsh -q start $vm || fail "virsh start $vm failed"
! mountpoint -q $mnt || fail "$mnt is still mounted while the VM has the disk"
assert_handed_over
virsh -q destroy $vm
assert_desktop_back
mountpoint -q $mnt || fail "$mnt was not mounted again"
[[ $(findmnt -no SOURCE $mnt) == "$(realpath $disk-part1)" ]] || fail "$mnt came back from $(findmnt -no SOURCE $mnt)"
[[ $(cat $mnt/marker) == kept ]] || fail "the marker file is gone"

# A VM whose own image lives on the disk it takes: refused before anything changes.
truncate -s 1M $mnt/own.img
bad=e2e-drive-own-image
sed -e "s|<name>$vm</name>|<name>$bad</name>|" -e "s|<uuid>[^<]*</uuid>|<uuid>$(cat /proc/sys/kernel/random/uuid)</uuid>|" \
    -e "s|<devices>|<devices><disk type='file' device='disk'><source file='$mnt/own.img'/><target dev='vdc' bus='virtio'/></disk>|" \
    "$E2E_WORK/$vm.xml" >"$E2E_WORK/$bad.xml"
virsh -q define "$E2E_WORK/$bad.xml" >/dev/null
on_exit "virsh -q undefine $bad >/dev/null 2>&1"
steady_state >"$E2E_WORK/before"
if virsh -q start $bad >"$E2E_WORK/start.out" 2>&1; then fail "$bad started"; fi
note "virsh start $bad said:"; cat "$E2E_WORK/start.out"
grep -q "the VM's image $mnt/own.img lives on" "$E2E_WORK/start.out" || fail "unclear refusal"
mountpoint -q $mnt || fail "$mnt was unmounted by a refused start"
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
