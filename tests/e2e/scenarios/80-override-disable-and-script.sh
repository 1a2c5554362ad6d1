#!/bin/bash
# Per-VM overrides: vm.conf disables the vtconsole stage, and an executable runs before the
# drivers stage on prepare (after the display manager is down, while bochs still drives the
# GPU) and again on release (mirrored: after the drivers are back). Order and environment
# are recorded by the executable itself.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-override
dir=/etc/libvirt/hooks/vfio-hook.d/$vm
rec=/run/e2e-override.rec
define_vm $vm yes
install -d -m 0755 "$dir"
on_exit "rm -rf '$dir' '$rec'"
printf 'disable = vtconsole\n' >"$dir/vm.conf"
cat >"$dir/before-drivers-record" <<'SH'
#!/bin/sh
gpu=$(basename "$(readlink /sys/bus/pci/devices/0000:00:03.0/driver 2>/dev/null)" 2>/dev/null)
dm=$(systemctl is-active display-manager.service)
echo "$VFIO_HOOK_OP $VFIO_HOOK_WHEN $VFIO_HOOK_STAGE vm=$VFIO_HOOK_VM gpu=${gpu:-none} dm=$dm args=$*" >>/run/e2e-override.rec
env | sort | grep -v -e '^PWD=' -e '^SHLVL=' -e '^_=' | tr '\n' ' ' >>/run/e2e-override.rec
echo >>/run/e2e-override.rec
SH
chmod 0755 "$dir/before-drivers-record"
chmod 0644 "$dir/vm.conf"

virsh -q start $vm || fail "virsh start $vm failed"
assert_driver $GPU vfio-pci
# vtconsole was disabled: fbcon was not unbound by us (the kernel drops it with bochs).
grep -q "stage vtconsole disabled by $dir/vm.conf" /var/log/libvirt/hooks/qemu/$vm.log ||
    fail "the log does not say the stage was disabled"
! grep -q 'Unbound vtcon' /var/log/libvirt/hooks/qemu/$vm.log || fail "vtconsole ran although disabled"
virsh -q destroy $vm
assert_desktop_back

note "recorded:"; cat "$rec"
sed -n 1p "$rec" | grep -q "^prepare before drivers vm=$vm gpu=bochs-drm dm=inactive args=$vm prepare drivers before$" ||
    fail "prepare run: wrong order or arguments"
sed -n 3p "$rec" | grep -q "^release before drivers vm=$vm gpu=bochs-drm dm=inactive" ||
    fail "release run: wrong order (drivers must be back, display manager not yet)"
sed -n 2p "$rec" | grep -q "^LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin VFIO_HOOK_OP=prepare VFIO_HOOK_STAGE=drivers VFIO_HOOK_UUID=$(uuid_of $vm) VFIO_HOOK_VM=$vm VFIO_HOOK_WHEN=before $" ||
    fail "environment is not the clean one: $(sed -n 2p "$rec")"
