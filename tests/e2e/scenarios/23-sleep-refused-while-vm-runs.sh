#!/bin/bash
# The sleep stage: while the VM has the GPU the sleep targets are masked for the runtime, so
# `systemctl suspend` is refused (what systemctl and logind say is printed) and status finds each target
# still masked; after destroy every target has exactly its state from before, and logind's
# CanSuspend answers what it answered before the VM. The guest never sleeps: systemctl suspend
# is only called once systemd says the targets are masked, and afterwards only CanSuspend is
# asked.
# e2e-flavours: nodm
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-sleep
log=/var/log/libvirt/hooks/qemu/$vm.log
target_states() {
    local t
    for t in $SLEEP_TARGETS; do echo "$t $(systemctl is-enabled "$t" 2>/dev/null || true)"; done
}
load_states() {
    local t
    for t in $SLEEP_TARGETS; do echo "$t $(systemctl show -P LoadState "$t")"; done
}
can_suspend() {
    busctl call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager \
        CanSuspend | sed 's/^s "\(.*\)"$/\1/'
}

define_vm $vm yes
rm -f "$log"
steady_state >"$E2E_WORK/before"
target_states >"$E2E_WORK/targets-before"
can_before=$(can_suspend)
note "before the VM: $(xargs <"$E2E_WORK/targets-before"); CanSuspend: $can_before"
note "before the VM, LoadState: $(load_states | xargs)"

note "virsh start"
virsh -q start $vm || fail "virsh start $vm failed"
[[ $(virsh domstate $vm) == running ]] || fail "$vm is '$(virsh domstate $vm)', expected running"
assert_handed_over
target_states >"$E2E_WORK/targets-during"
note "while the VM runs: $(xargs <"$E2E_WORK/targets-during")"
note "while the VM runs, LoadState: $(load_states | xargs)"
while read -r t state; do
    [[ -z $state ]] && continue   # systemd has no such unit file: nothing to mask
    [[ $state == masked-runtime ]] || fail "$t is '$state' while the VM runs, expected masked-runtime"
done <"$E2E_WORK/targets-during"
# Never ask for a suspend that could happen: only once systemd itself says the target is masked.
for t in sleep.target suspend.target; do
    [[ $(systemctl show -P LoadState $t) == masked ]] ||
        fail "$t is loaded as '$(systemctl show -P LoadState $t)' while the VM runs: not asking to suspend"
done
can_during=$(can_suspend)
note "while the VM runs, CanSuspend: $can_during"
t_suspend=$(date +%s)
if out=$(timeout 60 systemctl suspend 2>&1); then
    fail "systemctl suspend was accepted while the VM runs: $out"
fi
echo "systemctl suspend while the VM runs: $out"
# systemctl only relays logind's EACCES; logind's own line says why.
refused() { journalctl -u systemd-logind --since "@$t_suspend" -o cat --no-pager | grep 'refusing operation'; }
wait_for refused 30 || fail "systemctl suspend failed, but logind did not say the target is masked: $out"
echo "logind: $(refused | tail -1)"
refused | grep -q 'suspend.target is masked' || fail "logind refused for another reason: $(refused)"
vfio-hook status >"$E2E_WORK/status.txt" 2>&1 || fail "status failed: $(cat "$E2E_WORK/status.txt")"
grep 'mask unit' "$E2E_WORK/status.txt" | sed 's/^/status: /'
[[ $(grep 'mask unit' "$E2E_WORK/status.txt" | grep -c 'masked-runtime') -ge 2 ]] ||
    fail "status does not show the targets masked: $(cat "$E2E_WORK/status.txt")"

note "virsh destroy"
virsh -q destroy $vm || fail "virsh destroy $vm failed"
assert_desktop_back
assert_hook_log_complete "$log"
grep -E 'Masked|Unmasked' "$log" | sed 's/^.*INFO /hook: /' || true
target_states >"$E2E_WORK/targets-after"
can_after=$(can_suspend)
note "after the VM: $(xargs <"$E2E_WORK/targets-after"); CanSuspend: $can_after"
note "after the VM, LoadState: $(load_states | xargs)"
diff -u "$E2E_WORK/targets-before" "$E2E_WORK/targets-after" >&2 ||
    fail "the sleep targets did not come back to their states from before the VM"
[[ $can_after == "$can_before" ]] || fail "CanSuspend says '$can_after' after the VM, '$can_before' before"
[[ $(systemctl show -P LoadState suspend.target) == loaded ]] ||
    fail "suspend.target is '$(systemctl show -P LoadState suspend.target)' after the VM, expected loaded"
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
