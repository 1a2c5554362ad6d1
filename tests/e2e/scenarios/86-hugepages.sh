#!/bin/bash
# <memoryBacking><hugepages>: the VM's huge pages are reserved before it starts and exactly
# those are freed after; a VM asking for more than the host has is refused, and the host
# is left as it was.
set -euo pipefail
. "$E2E_DIR/lib.sh"
E2E_OPTIONAL_STATE=1

pool=/sys/kernel/mm/hugepages/hugepages-2048kB
nr() { cat $pool/nr_hugepages; }
before=$(nr)

vm=e2e-huge
domain_xml $vm yes "" $GPU $HDA |
    sed "s|<vcpu>1</vcpu>|<vcpu>1</vcpu><memoryBacking><hugepages/></memoryBacking>|" >"$E2E_WORK/$vm.xml"
virsh -q define "$E2E_WORK/$vm.xml" >/dev/null
on_exit "virsh -q destroy $vm >/dev/null 2>&1; virsh -q undefine $vm >/dev/null 2>&1"
virsh -q start $vm || fail "virsh start $vm failed"
during=$(nr)
note "nr_hugepages: $before before, $during while $vm runs"
((during == before + 64)) || fail "expected $((before + 64)) huge pages while running, found $during"
assert_handed_over
virsh -q destroy $vm
assert_desktop_back
(($(nr) == before)) || fail "nr_hugepages is $(nr) after destroy, expected $before"

# 16 GiB of huge pages in a 2 GiB guest: refused, nothing changed.
big=e2e-huge-big
domain_xml $big yes "" $GPU $HDA |
    sed -e "s|<vcpu>1</vcpu>|<vcpu>1</vcpu><memoryBacking><hugepages/></memoryBacking>|" \
        -e "s|<memory unit='MiB'>128</memory>|<memory unit='GiB'>16</memory>|" >"$E2E_WORK/$big.xml"
virsh -q define "$E2E_WORK/$big.xml" >/dev/null
on_exit "virsh -q undefine $big >/dev/null 2>&1"
steady_state >"$E2E_WORK/before"
if virsh -q start $big >"$E2E_WORK/start.out" 2>&1; then fail "$big started"; fi
note "virsh start $big said:"; cat "$E2E_WORK/start.out"
grep -q "huge pages the VM needs could be reserved" "$E2E_WORK/start.out" || fail "unclear refusal"
assert_desktop_back
(($(nr) == before)) || fail "nr_hugepages is $(nr) after the refusal, expected $before"
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
