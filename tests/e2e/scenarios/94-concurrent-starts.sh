#!/bin/bash
# e2e-timeout: 400
# Two VMs asking for the same GPU started at the same moment: one wins, the other is
# refused with a clear message, the winner's journal is whole and the loser has none;
# destroying the winner gives the desktop back. Three rounds, so both orders get a chance.
set -euo pipefail
. "$E2E_DIR/lib.sh"

define_vm e2e-left yes
define_vm e2e-right yes
steady_state >"$E2E_WORK/before"

race() {
    local rl=0 rr=0 winner loser
    virsh -q start e2e-left >"$E2E_WORK/left.out" 2>&1 & local pl=$!
    virsh -q start e2e-right >"$E2E_WORK/right.out" 2>&1 & local pr=$!
    wait $pl || rl=$?
    wait $pr || rr=$?
    note "left: exit $rl $(cat "$E2E_WORK/left.out")"
    note "right: exit $rr $(cat "$E2E_WORK/right.out")"
    if ((rl == 0 && rr != 0)); then winner=e2e-left loser=e2e-right
    elif ((rr == 0 && rl != 0)); then winner=e2e-right loser=e2e-left
    else fail "exits $rl and $rr: exactly one VM must start"
    fi
    on_exit "virsh -q destroy $winner >/dev/null 2>&1"
    note "$winner won"
    # Refused by us (the journal says who has the GPU) or, if the winner's QEMU already
    # had it, by libvirt's own bookkeeping: either way, clearly.
    grep -q -e "in use by VM '$winner'" -e "in use by .*$winner" "$E2E_WORK/${loser#e2e-}.out" ||
        fail "the refusal does not name $winner"
    assert_handed_over
    [[ ! -e /run/vfio-hook/$(uuid_of $loser).journal ]] || fail "the loser has a journal"
    local j=/run/vfio-hook/$(uuid_of $winner).journal
    grep -qx 'state prepared' "$j" || fail "the winner's journal is not 'prepared': $(cat "$j")"
    /etc/libvirt/hooks/qemu --dry-run $winner release end - <"$E2E_WORK/$winner.xml" >"$E2E_WORK/release.plan" 2>&1 ||
        fail "the winner's journal does not read back: $(cat "$E2E_WORK/release.plan")"
    ls /run/vfio-hook/ | grep -v '\.journal$' | grep -q . && fail "stray files: $(ls -A /run/vfio-hook)"
    virsh -q destroy $winner >/dev/null || fail "virsh destroy $winner failed"
    assert_desktop_back
    steady_state >"$E2E_WORK/after"
    diff_states "$E2E_WORK/before" "$E2E_WORK/after"
}

for round in 1 2 3; do point "round-$round" race; done
points_verdict
