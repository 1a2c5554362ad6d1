#!/bin/bash
# Two VMs at once, both pinned to CPU 1 with huge pages: A takes the GPU, B no device. Start A,
# start B, stop A: B's CPU isolation and huge pages are intact (the host's slices still keep
# off CPU 1, B's 64 pages are still reserved). Stop B: the host is as before.
set -euo pipefail
. "$E2E_DIR/lib.sh"
E2E_OPTIONAL_STATE=1

pool=/sys/kernel/mm/hugepages/hugepages-2048kB
nr() { cat $pool/nr_hugepages; }
allowed() { systemctl show -P AllowedCPUs "$1"; }
slices() { local u; for u in user.slice system.slice init.scope; do printf '%s=%s ' $u "$(allowed $u)"; done; }
pinned_huge() {
    sed -e "s|<vcpu>1</vcpu>|<vcpu>1</vcpu><cputune><vcpupin vcpu='0' cpuset='1'/><emulatorpin cpuset='1'/></cputune><memoryBacking><hugepages/></memoryBacking>|"
}
a=e2e-share-a b=e2e-share-b
domain_xml $a yes "args[ --pin-cpu-cores ]" $GPU $HDA | pinned_huge >"$E2E_WORK/$a.xml"
domain_xml $b yes "args[ --pin-cpu-cores ]" | pinned_huge >"$E2E_WORK/$b.xml"
for vm in $a $b; do
    virsh -q define "$E2E_WORK/$vm.xml" >/dev/null
    on_exit "virsh -q destroy $vm >/dev/null 2>&1; virsh -q undefine $vm >/dev/null 2>&1"
done
steady_state >"$E2E_WORK/before"
before=$(nr) slices_before=$(slices)
note "before: nr_hugepages=$before, $slices_before"
want_slices="user.slice=0 system.slice=0 init.scope=0 "

virsh -q start $a || fail "virsh start $a failed"
assert_handed_over
virsh -q start $b || fail "virsh start $b failed"
note "A and B run: nr_hugepages=$(nr), $(slices)"
(($(nr) == before + 128)) || fail "expected $((before + 128)) huge pages with both running, found $(nr)"
[[ $(slices) == "$want_slices" ]] || fail "slices are '$(slices)' with both running"

virsh -q destroy $a || fail "virsh destroy $a failed"
# The desktop is back (assert_desktop_back would also want no journal, and B's is there).
wait_driver $GPU "$GPU_HOST_DRIVER" 30
wait_driver $HDA snd_hda_intel 30
note "A stopped, B runs: nr_hugepages=$(nr), $(slices)"
[[ $(virsh domstate $b) == running ]] || fail "$b is '$(virsh domstate $b)'"
(($(nr) == before + 64)) || fail "B's 64 huge pages are not intact: $(nr), expected $((before + 64))"
[[ $(slices) == "$want_slices" ]] || fail "B's CPU isolation is gone: '$(slices)'"
[[ -f /run/vfio-hook/$(uuid_of $b).journal ]] || fail "B's journal is gone"

virsh -q destroy $b || fail "virsh destroy $b failed"
note "both stopped: nr_hugepages=$(nr), $(slices)"
assert_desktop_back
(($(nr) == before)) || fail "nr_hugepages is $(nr) after both stopped, expected $before"
[[ $(slices) == "$slices_before" ]] || fail "slices are '$(slices)', expected '$slices_before'"
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
