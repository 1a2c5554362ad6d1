#!/bin/bash
# e2e-timeout: 1500
# SIGKILL the hook at every point of release: the VM runs, strace kills release as it is
# about to commit its J-th journal write (when release starts, then once per action undone,
# which is after that action's undo changed the host), and once as it removes the journal.
# virsh destroy still ends the VM; release then runs again, as the next release or
# `vfio-hook recover` would. Each time the desktop must come back exactly as it was.
# An action inside a run of three or more of one stage and kind (run_middles) is undone by
# the same code at the same place as the run's first and last: its point is not repeated.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-killr
define_vm $vm yes
xml=$E2E_WORK/$vm.xml
journal=/run/vfio-hook/$(uuid_of $vm).journal
hook_wrap
# Every point must end with the host exactly like this.
steady_state >"$E2E_WORK/baseline"

# kill_release_at SYSCALLS J
kill_release_at() {
    local calls=$1 j=$2
    on_exit "hook_prefix release"
    virsh -q start $vm >"$E2E_WORK/start.out" 2>&1 || fail "virsh start failed: $(cat "$E2E_WORK/start.out")"
    assert_handed_over
    inject release "$calls" "signal=KILL:when=$j" /run/vfio-hook
    virsh -q destroy $vm >/dev/null || fail "virsh destroy failed"
    if ! injected; then
        note "journal write $j never came: release ran to its end"
        touch "$E2E_WORK/finished"
        assert_desktop_back
        return
    fi
    [[ -e $journal ]] || fail "release was killed before it removed the journal, yet it is gone"
    note "the journal after the kill:"; cat "$journal"
    hook_prefix release
    /etc/libvirt/hooks/qemu $vm release end - <"$xml" >"$E2E_WORK/release.out" 2>&1 ||
        fail "release after the kill failed: $(cat "$E2E_WORK/release.out")"
    assert_desktop_back
    steady_state >"$E2E_WORK/after"
    diff_states "$E2E_WORK/baseline" "$E2E_WORK/after"
}

# Write 1 marks release begun; write 1 + i follows the i-th undo.
plan_actions "$xml" >"$E2E_WORK/actions"
mapfile -t undone < <(plan_undone "$xml")
declare -A middle=()
for m in $(run_middles "$E2E_WORK/actions"); do middle[$m]=1; done
note "actions whose kill points the run's first and last stand for: ${!middle[*]}"
j=1
while [[ ! -e $E2E_WORK/finished ]]; do
    ((j <= 40)) || fail "release still journaling after $((j - 1)) writes"
    if ((j < 2)) || [[ -z ${middle[${undone[j - 2]:-0}]:-} ]]; then
        point "$(printf 'kill-at-write-%02d' $j)" kill_release_at rename,renameat,renameat2 $j
    fi
    j=$((j + 1))
done
writes=$((j - 2))
((writes >= 10)) || fail "release journaled only $writes times"
# Each journal write first clears a stale temporary file (one unlink), and the last unlink
# removes the journal itself.
rm -f "$E2E_WORK/finished"
point kill-at-journal-removal kill_release_at unlink,unlinkat $((writes + 1))
[[ ! -e $E2E_WORK/finished ]] || fail "release did not unlink its journal where expected"
points_verdict
