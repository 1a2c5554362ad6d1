#!/bin/bash
# e2e-timeout: 1500
# SIGKILL the hook at every point of prepare: strace kills it as it is about to commit its
# K-th journal write, for K = 1, 2, ... For action N that is once before it starts (K = 2N)
# and once after it has changed the host but before that is journaled (K = 2N + 1), plus
# the first and the last write. libvirt sees the start fail and calls release; release runs
# once more, as a later release or `vfio-hook recover` would. Each time the desktop must
# come back exactly as it was; the run past the last point is a full start/destroy cycle.
# An action inside a run of three or more of one stage and kind (run_middles) runs the same
# code at the same place as the run's first and last: its two points are not repeated.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-killp
define_vm $vm yes
xml=$E2E_WORK/$vm.xml
journal=/run/vfio-hook/$(uuid_of $vm).journal
hook_wrap
# Every point must end with the host exactly like this.
steady_state >"$E2E_WORK/baseline"
plan_actions "$xml" >"$E2E_WORK/actions"
n=$(wc -l <"$E2E_WORK/actions")
((n >= 10)) || fail "the plan has $n actions, fewer than the GPU handoff"
declare -A middle=()
for m in $(run_middles "$E2E_WORK/actions"); do middle[$m]=1; done
note "actions whose kill points the run's first and last stand for: ${!middle[*]}"

kill_prepare_at() {
    local k=$1
    on_exit "hook_prefix prepare"
    inject prepare rename,renameat,renameat2 "signal=KILL:when=$k" /run/vfio-hook
    if virsh -q start $vm >"$E2E_WORK/start.out" 2>&1; then
        ! injected || fail "the hook was killed, yet virsh start succeeded"
        note "journal write $k never came: prepare ran to its end"
        touch "$E2E_WORK/finished"
        assert_handed_over
        virsh -q destroy $vm >/dev/null || fail "virsh destroy failed"
        assert_desktop_back
        return
    fi
    injected || fail "virsh start failed, but not by our kill: $(cat "$E2E_WORK/start.out")"
    note "virsh start said: $(cat "$E2E_WORK/start.out")"
    hook_prefix prepare
    /etc/libvirt/hooks/qemu $vm release end - <"$xml" >"$E2E_WORK/release.out" 2>&1 ||
        fail "release after the kill failed: $(cat "$E2E_WORK/release.out")"
    assert_desktop_back
    [[ ! -e $journal ]] || fail "the journal is still there: $(cat "$journal")"
    steady_state >"$E2E_WORK/after"
    diff_states "$E2E_WORK/baseline" "$E2E_WORK/after"
}

k=1
while [[ ! -e $E2E_WORK/finished ]]; do
    ((k <= 2 * n + 3)) || fail "prepare still journaling after $((k - 1)) writes ($n actions)"
    if [[ -z ${middle[$((k / 2))]:-} ]] || ((k < 2)); then
        point "$(printf 'kill-at-write-%02d' $k)" kill_prepare_at $k
    fi
    k=$((k + 1))
done
# One write when prepare starts, two per action, one when it is done: 2n + 2 kill points.
((k - 2 == 2 * n + 2)) || fail "$((k - 2)) kill points for $n actions, expected $((2 * n + 2))"
points_verdict
