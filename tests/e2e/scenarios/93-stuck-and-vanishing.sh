#!/bin/bash
# e2e-timeout: 600
# What users meet as hangs: a GPU module that will not unload while a process that ignores
# SIGTERM holds the card, a display manager that will not stop within its deadline, and a
# device that vanishes (PCI remove) between the plan and the act. Each must end in bounded
# time with a clear message, and the host as it was.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-stuck
define_vm $vm yes
xml=$E2E_WORK/$vm.xml
hook_wrap
hook_config 'unit_timeout = 5' 'process_timeout = 3' 'module_timeout = 4'

# start_must_fail BOUND_S WANT...: virsh start fails within BOUND_S with our message,
# which mentions each WANT.
start_must_fail() {
    local bound=$1 t0=$SECONDS w; shift
    if virsh -q start $vm >"$E2E_WORK/start.out" 2>&1; then
        virsh -q destroy $vm >/dev/null 2>&1 || true
        fail "virsh start succeeded"
    fi
    note "virsh start failed after $((SECONDS - t0)) s: $(cat "$E2E_WORK/start.out")"
    ((SECONDS - t0 <= bound)) || fail "it took $((SECONDS - t0)) s, more than $bound s"
    grep -q 'vfio-hook: error: ' "$E2E_WORK/start.out" || fail "virsh start did not show our error"
    for w in "$@"; do grep -q -e "$w" "$E2E_WORK/start.out" || fail "the error does not mention '$w'"; done
}

module_held() {
    steady_state >"$E2E_WORK/before"
    # Holds the card and ignores SIGTERM: the hook must SIGKILL it after process_timeout.
    systemd-run -q --unit e2e-stubborn --property KillMode=process \
        bash -c 'trap "" TERM; exec 3<'"$(card_of $GPU)"'; exec sleep 600'
    on_exit "systemctl kill -s KILL e2e-stubborn 2>/dev/null; systemctl reset-failed e2e-stubborn 2>/dev/null; true"
    wait_for "holder_names $(card_of $GPU) | grep -qw sleep" 10 || fail "the stubborn holder did not start"
    # And the module stays busy whatever happens to its users.
    inject prepare delete_module error=EBUSY
    on_exit "hook_prefix prepare"
    start_must_fail 120 'bochs' 'after 4 s'
    ! systemctl is-active -q e2e-stubborn || fail "the process ignoring SIGTERM was not killed"
    systemctl reset-failed e2e-stubborn 2>/dev/null || true
    hook_prefix prepare
    assert_desktop_back
    steady_state >"$E2E_WORK/after"
    diff_states "$E2E_WORK/before" "$E2E_WORK/after"
}

dm_will_not_stop() {
    steady_state >"$E2E_WORK/before"
    local unit; unit=$(systemctl show -P Id display-manager.service)
    # Its processes shrug off the stop signal (SIGCONT): systemd SIGKILLs them after 20 s,
    # long after the hook's 5 s deadline.
    mkdir -p "/run/systemd/system/$unit.d"
    printf '[Service]\nKillSignal=SIGCONT\nTimeoutStopSec=20\n' >"/run/systemd/system/$unit.d/e2e-slow.conf"
    on_exit "rm -rf '/run/systemd/system/$unit.d'; systemctl daemon-reload"
    systemctl daemon-reload
    start_must_fail 120 "$unit" 'within 5 s'
    # The hook left the start queued behind the stop: systemd brings the desktop back.
    assert_desktop_back
    rm -rf "/run/systemd/system/$unit.d"
    systemctl daemon-reload
    steady_state >"$E2E_WORK/after"
    diff_states "$E2E_WORK/before" "$E2E_WORK/after"
}

device_vanishes() {
    steady_state >"$E2E_WORK/before"
    # Stop the hook as it journals its plan, before its first action.
    inject prepare rename,renameat,renameat2 signal=STOP:when=1 /run/vfio-hook
    on_exit "hook_prefix prepare"
    on_exit "echo 1 >/sys/bus/pci/rescan"
    virsh -q start $vm >"$E2E_WORK/start.out" 2>&1 &
    local virsh_pid=$! pid rc=0
    wait_for "grep -q 'stopped by SIGSTOP' $STRACE_LOG" 60 ||
        fail "the hook never stopped before its first action: $(cat $STRACE_LOG 2>/dev/null)"
    pid=$(pgrep -f "^$HOOK_BIN $vm prepare") || fail "no hook process: $(ps -ef | grep -v grep | grep qemu)"
    note "hook $pid stopped after planning; removing $HDA"
    echo 1 >/sys/bus/pci/devices/$HDA/remove
    kill -CONT "$pid"
    local t0=$SECONDS
    wait $virsh_pid || rc=$?
    ((rc != 0)) || { virsh -q destroy $vm >/dev/null 2>&1; fail "virsh start succeeded without $HDA"; }
    note "virsh start failed $((SECONDS - t0)) s after the device went: $(cat "$E2E_WORK/start.out")"
    ((SECONDS - t0 <= 120)) || fail "it took $((SECONDS - t0)) s"
    grep -q 'vfio-hook: error: ' "$E2E_WORK/start.out" || fail "virsh start did not show our error"
    grep -q "$HDA" "$E2E_WORK/start.out" || fail "the error does not name $HDA"
    hook_prefix prepare
    # The host as it was, once the device is back.
    echo 1 >/sys/bus/pci/rescan
    assert_desktop_back
    wait_for "[[ -n \$(holders_of /dev/snd/controlC0) ]]" 30 || true
    steady_state >"$E2E_WORK/after"
    diff_states "$E2E_WORK/before" "$E2E_WORK/after"
}

point module-held-by-a-process-ignoring-sigterm module_held
point display-manager-will-not-stop dm_will_not_stop
point device-removed-between-plan-and-act device_vanishes
points_verdict
