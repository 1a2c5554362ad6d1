#!/bin/bash
# Release's health check: a display function given back to its driver must come back with a
# DRM card within module_timeout. Here virtio-pci takes the card back but virtio_gpu cannot
# load (an install command that fails), so no DRM card appears: release says "Not everything
# came back", names 0000:00:03.0 and "no DRM card", and keeps the journal; `vfio-hook status`
# still shows the VM holding something. Once virtio_gpu can load again, `vfio-hook recover`
# finishes the job: the card has its DRM card, the desktop is back, the host as it was.
# status, the hook log and libvirtd's record of the hook's stderr are kept as artifacts.
# e2e-gpus: virtio-vga
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-health
log=/var/log/libvirt/hooks/qemu/$vm.log
block=/etc/modprobe.d/e2e-no-virtio-gpu.conf
module_timeout=5
[[ $GPU_HOST_DRIVER == virtio-pci ]] || fail "$GPU is on '$GPU_HOST_DRIVER': this needs run.sh --gpu virtio-vga"

define_vm $vm yes
vm_config $vm "module_timeout = $module_timeout"
rm -f "$log"
steady_state >"$E2E_WORK/before"

note "virsh start"
virsh -q start $vm || fail "virsh start $vm failed"
assert_handed_over
uuid=$(uuid_of $vm)

# The card's DRM driver cannot come back: unloaded (nothing uses it while vfio-pci has the
# card) and refused by modprobe, for udev's load when virtio-pci takes the card back.
# A failed run leaves the next scenario virtio_gpu and no journal.
on_exit "modprobe virtio_gpu 2>/dev/null; vfio-hook recover $vm >/dev/null 2>&1"
on_exit "rm -f $block"
printf 'install virtio_gpu /bin/false\n' >$block
modprobe -r virtio_gpu || fail "cannot unload virtio_gpu: $(grep '^virtio_gpu ' /proc/modules)"

note "virsh destroy"
since=$(date '+%Y-%m-%d %H:%M:%S')
t0=$SECONDS
virsh -q destroy $vm || fail "virsh destroy $vm failed"
note "virsh destroy returned after $((SECONDS - t0))s"
# libvirt runs release after destroy returns: wait until the hook has said how it went.
wait_for "grep -q -e 'release INFO Released' -e 'Not everything came back' $log" $((module_timeout + 60)) ||
    fail "release did not finish within $((module_timeout + 60))s"
keep hook.log cat "$log"
# The hook's stderr at release goes to libvirtd, which logs it.
keep libvirtd-release.txt journalctl -b -q --no-pager -u libvirtd.service --since "$since"
keep status-failed.txt vfio-hook status
grep -q "Not everything came back" "$log" || fail "the hook log does not say 'Not everything came back'"
grep "$GPU" "$log" | grep -q "no DRM card" || fail "no line of the hook log names $GPU and 'no DRM card'"
grep -q "Not everything came back" "$E2E_ARTIFACTS/libvirtd-release.txt" ||
    note "libvirtd's journal does not show the hook's stderr (libvirt may not log a release hook's output)"
[[ -f /run/vfio-hook/$uuid.journal ]] || fail "the journal is gone: $(ls -A /run/vfio-hook)"
grep -q -e "$vm" -e "$uuid" "$E2E_ARTIFACTS/status-failed.txt" || fail "vfio-hook status does not show $vm"
note "$GPU on '$(driver_of $GPU)', DRM card '$(card_of $GPU || true)'"
[[ -z $(card_of $GPU) ]] || fail "$GPU has a DRM card although virtio_gpu could not load"

note "undo the sabotage, recover"
rm -f $block
modprobe virtio_gpu
wait_for "card_of $GPU" 30 || fail "no DRM card for $GPU after modprobe virtio_gpu"
keep recover.txt vfio-hook recover $vm
((RC == 0)) || fail "vfio-hook recover $vm exited $RC"
keep status-recovered.txt vfio-hook status
[[ ! -f /run/vfio-hook/$uuid.journal ]] || fail "the journal is still there after recover"
note "DRM card of $GPU: $(card_of $GPU)"
assert_desktop_back
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
