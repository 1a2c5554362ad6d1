#!/bin/bash
# The plan for a VM that uses every stage this version has (GPU handoff, huge pages, a
# block disk with a mounted filesystem, CPU isolation, the performance governor, a USB
# device, an override executable), from --dry-run on the real host: every stage shows up,
# nothing changes.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-everything
dir=/etc/libvirt/hooks/vfio-hook.d/$vm
mnt=/mnt/e2e-data
mkdir -p $mnt
mount /dev/disk/by-id/virtio-e2e-data-part1 $mnt
on_exit "umount $mnt 2>/dev/null"
install -d -m 0755 "$dir"
on_exit "rm -rf '$dir'"
printf '#!/bin/sh\nexit 0\n' >"$dir/after-vfio-notify"
chmod 0755 "$dir/after-vfio-notify"

domain_xml $vm yes "args[ --pin-cpu-cores --cpu-performance ]" $GPU $HDA |
    sed -e "s|<vcpu>1</vcpu>|<vcpu>1</vcpu><memoryBacking><hugepages/></memoryBacking><cputune><vcpupin vcpu='0' cpuset='1'/><emulatorpin cpuset='1'/></cputune>|" \
        -e "s|<devices>|<devices><disk type='block' device='disk'><source dev='/dev/disk/by-id/virtio-e2e-data'/><target dev='vdb' bus='virtio'/></disk><hostdev mode='subsystem' type='usb' managed='yes'><source><vendor id='0x0627'/><product id='0x0001'/></source></hostdev>|" \
        >"$E2E_WORK/$vm.xml"
host_state >"$E2E_WORK/before"
/etc/libvirt/hooks/qemu --dry-run $vm prepare begin - <"$E2E_WORK/$vm.xml" >"$E2E_WORK/plan.out" 2>&1 ||
    fail "the dry run failed: $(cat "$E2E_WORK/plan.out")"
note "qemu --dry-run $vm prepare begin -:"; cat "$E2E_WORK/plan.out"
for want in 'sleep  *mask unit  *suspend.target' 'hugepages  *reserve huge pages' 'drives  *unmount  *'$mnt 'display-manager  *stop unit' \
    'audio  *stop user unit' 'holders  *free device nodes' 'vtconsole  *unbind console' \
    'drivers  *unbind driver' 'drivers  *unload module  *bochs' 'vfio  *bind vfio-pci' \
    'vfio  *run override' 'cpu-isolation  *keep host off CPUs' 'USB device 0627:0001'; do
    grep -q "$want" "$E2E_WORK/plan.out" || fail "the plan lacks '$want'"
done
host_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
