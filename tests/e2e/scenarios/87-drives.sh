#!/bin/bash
# A whole disk given to the VM as <disk type='block'>: the filesystem mounted from its
# partition is unmounted before the VM starts and mounted back where it was afterwards; a
# read-only bind mount of one of its directories comes back as that directory, read-only; a
# swap file on it is swapped off first and on again after, with its priority. The audio
# function's driver_override, set before, is there again after. A VM whose own image lives on
# that disk is refused.
set -euo pipefail
. "$E2E_DIR/lib.sh"
E2E_OPTIONAL_STATE=1

disk=/dev/disk/by-id/virtio-e2e-data
[[ -e $disk ]] || fail "no extra data disk ($disk)"
mnt=/mnt/e2e-data
mkdir -p $mnt
mount "$disk-part1" $mnt
on_exit "umount $mnt 2>/dev/null"
echo kept >$mnt/marker
bind=/mnt/e2e-bind
mkdir -p $mnt/sub $bind
echo inside >$mnt/sub/marker
mount --bind $mnt/sub $bind
on_exit "umount $bind 2>/dev/null"
mount -o remount,bind,ro,nosuid $bind
dd if=/dev/zero of=$mnt/swapfile bs=1M count=8 status=none
chmod 600 $mnt/swapfile
mkswap -q $mnt/swapfile >/dev/null
swapon -p 7 $mnt/swapfile
on_exit "swapoff $mnt/swapfile 2>/dev/null"
printf snd_hda_intel >/sys/bus/pci/devices/$HDA/driver_override
on_exit "echo >/sys/bus/pci/devices/$HDA/driver_override"

vm=e2e-drive
domain_xml $vm yes "" $GPU $HDA |
    sed "s|<devices>|<devices><disk type='block' device='disk'><driver name='qemu' type='raw'/><source dev='$disk'/><target dev='vdb' bus='virtio'/></disk>|" \
        >"$E2E_WORK/$vm.xml"
virsh -q define "$E2E_WORK/$vm.xml" >/dev/null
on_exit "virsh -q destroy $vm >/dev/null 2>&1; virsh -q undefine $vm >/dev/null 2>&1"
virsh -q start $vm || fail "virsh start $vm failed"
! mountpoint -q $mnt || fail "$mnt is still mounted while the VM has the disk"
! mountpoint -q $bind || fail "$bind is still mounted while the VM has the disk"
! grep -q "^$mnt/swapfile " /proc/swaps || fail "$mnt/swapfile is still swapped on"
assert_handed_over
virsh -q destroy $vm
# Given back: checked, then cleared, before assert_desktop_back, which wants none left.
override=/sys/bus/pci/devices/$HDA/driver_override
wait_for "[[ \$(cat $override) == snd_hda_intel ]]" 30 ||
    fail "$HDA's driver_override is '$(cat $override)', not snd_hda_intel"
echo >$override
assert_desktop_back
mountpoint -q $mnt || fail "$mnt was not mounted again"
[[ $(findmnt -no SOURCE $mnt) == "$(realpath $disk-part1)" ]] || fail "$mnt came back from $(findmnt -no SOURCE $mnt)"
[[ $(cat $mnt/marker) == kept ]] || fail "the marker file is gone"
mountpoint -q $bind || fail "$bind was not mounted again"
[[ $(findmnt -no FSROOT $bind) == /sub ]] || fail "$bind came back as $(findmnt -no FSROOT $bind), not /sub"
[[ $(cat $bind/marker) == inside ]] || fail "$bind does not show the directory it showed"
[[ ,$(findmnt -no OPTIONS $bind), == *,ro,*nosuid,* ]] || fail "$bind came back with $(findmnt -no OPTIONS $bind)"
[[ $(awk -v f=$mnt/swapfile '$1 == f { print $5 }' /proc/swaps) == 7 ]] ||
    fail "$mnt/swapfile is not swapped on with priority 7: $(cat /proc/swaps)"

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
