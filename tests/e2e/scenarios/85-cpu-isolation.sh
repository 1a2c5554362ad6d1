#!/bin/bash
# --pin-cpu-cores: while the VM (vCPU and emulator pinned to CPU 1) runs, systemd keeps the
# host's slices on CPU 0; a second VM that would take CPU 0 too is refused, because the host
# would keep no CPU; after destroy every slice may use every CPU again.
set -euo pipefail
. "$E2E_DIR/lib.sh"
E2E_OPTIONAL_STATE=1

vm=e2e-pinned
xml=$E2E_WORK/$vm.xml
domain_xml $vm yes "args[ --pin-cpu-cores ]" $GPU $HDA |
    sed "s|<vcpu>1</vcpu>|<vcpu>1</vcpu><cputune><vcpupin vcpu='0' cpuset='1'/><emulatorpin cpuset='1'/></cputune>|" >"$xml"
virsh -q define "$xml" >/dev/null
on_exit "virsh -q destroy $vm >/dev/null 2>&1; virsh -q undefine $vm >/dev/null 2>&1"
allowed() { systemctl show -P AllowedCPUs "$1"; }
for u in user.slice system.slice init.scope; do
    [[ -z $(allowed $u) ]] || fail "$u already restricted to '$(allowed $u)'"
done

virsh -q start $vm || fail "virsh start $vm failed"
assert_handed_over
for u in user.slice system.slice init.scope; do
    [[ $(allowed $u) == 0 ]] || fail "$u AllowedCPUs is '$(allowed $u)', expected 0"
done
note "while $vm runs: user.slice AllowedCPUs=$(allowed user.slice)"

# A second, device-less VM pinned to CPU 0 would leave the host nothing: refused.
vm2=e2e-pinned2
domain_xml $vm2 yes "args[ --pin-cpu-cores ]" |
    sed "s|<vcpu>1</vcpu>|<vcpu>1</vcpu><cputune><vcpupin vcpu='0' cpuset='0'/></cputune>|" >"$E2E_WORK/$vm2.xml"
virsh -q define "$E2E_WORK/$vm2.xml" >/dev/null
on_exit "virsh -q undefine $vm2 >/dev/null 2>&1"
if virsh -q start $vm2 >"$E2E_WORK/start2.out" 2>&1; then fail "$vm2 started"; fi
grep -q "would leave the host no CPU" "$E2E_WORK/start2.out" || fail "unexpected refusal: $(cat "$E2E_WORK/start2.out")"
[[ $(allowed user.slice) == 0 ]] || fail "the refused VM changed user.slice to '$(allowed user.slice)'"

virsh -q destroy $vm
assert_desktop_back
for u in user.slice system.slice init.scope; do
    [[ -z $(allowed $u) ]] || fail "$u still restricted to '$(allowed $u)'"
done
