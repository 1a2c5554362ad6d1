#!/bin/bash
# A driver whose unbind never returns, as NVIDIA's does at times: vfio_e2e_edu (modules/;
# run.sh --edu builds it and puts QEMU's edu device at 00:09.0) sleeps uninterruptibly in its
# remove() while its parameter hold_remove is 1. Passing the edu function alone, virsh start
# must fail within module_timeout and a few seconds, naming the driver, with libvirtd
# answering all along; once the driver lets go, `vfio-hook recover` gives the function back
# to vfio_e2e_edu and the host is as it was.
# e2e-gpus: virtio-vga
set -euo pipefail
. "$E2E_DIR/lib.sh"

EDU=0000:00:09.0
vm=e2e-stuck-unbind
log=/var/log/libvirt/hooks/qemu/$vm.log
ko=$E2E_DIR/extra/vfio_e2e_edu.ko
hold=/sys/module/vfio_e2e_edu/parameters/hold_remove
module_timeout=5
# What virsh start may take beyond module_timeout: libvirt, planning and the rollback, under TCG.
slack=15

[[ -e /sys/bus/pci/devices/$EDU ]] || fail "no $EDU: run.sh --edu puts QEMU's edu device there"
[[ -f $ko ]] || fail "no $ko: run.sh --edu builds it"

# unbinds_done: how many remove() calls of vfio_e2e_edu have returned (it says so).
unbinds_done() { dmesg | grep -c "vfio_e2e_edu $EDU: unbound" || true; }
# stuck_tasks: the tasks asleep in the driver's remove(), as "pid(comm)".
stuck_tasks() {
    local w p
    for w in /proc/[0-9]*/wchan; do
        [[ $(cat "$w" 2>/dev/null) == edu_remove ]] || continue
        p=${w#/proc/}; p=${p%/wchan}; echo "$p($(comm_of "$p"))"
    done | xargs
}

mkdir -p "$E2E_ARTIFACTS"
insmod "$ko"
on_exit "rmmod vfio_e2e_edu 2>/dev/null"
wait_driver $EDU vfio_e2e_edu 10
define_vm_passing $vm yes "" $EDU
# A failed run leaves the next scenario no journal (after the held remove() has returned).
on_exit "vfio-hook recover $vm >/dev/null 2>&1"
vm_config $vm "module_timeout = $module_timeout"
# Whatever happens, a held remove() returns first and a virsh start still running ends,
# before the VM and the module go.
# shellcheck disable=SC2016 # expanded when the cleanup runs
on_exit 'echo 0 >'"$hold"' 2>/dev/null; [[ -z ${virsh_pid:-} ]] || wait "$virsh_pid" 2>/dev/null'
rm -f "$log"
steady_state >"$E2E_WORK/before"

echo 1 >$hold
done0=$(unbinds_done)
note "virsh start, hold_remove=1, module_timeout = $module_timeout"
t0=$SECONDS
virsh -q start $vm >"$E2E_WORK/start.out" 2>&1 &
virsh_pid=$!
# libvirtd answers while the hook waits on the driver.
sleep 2
timeout 10 virsh list >/dev/null || fail "virsh list did not answer within 10 s while virsh start ran"
bound=$((module_timeout + slack))
wait_for "! kill -0 $virsh_pid" "$bound" || fail "virsh start still runs after ${bound}s (stuck: $(stuck_tasks))"
rc=0; wait $virsh_pid || rc=$?
took=$((SECONDS - t0))
note "virsh start exited $rc after ${took}s: $(cat "$E2E_WORK/start.out")"
cp "$E2E_WORK/start.out" "$E2E_ARTIFACTS/start.out"
((rc != 0)) || fail "virsh start succeeded while the unbind hangs"
grep -q 'vfio-hook: error: ' "$E2E_WORK/start.out" || fail "virsh start did not show the hook's error"
grep -q vfio_e2e_edu "$E2E_WORK/start.out" || fail "the error does not name the driver vfio_e2e_edu"
timeout 10 virsh list >/dev/null || fail "virsh list did not answer within 10 s after the failed start"
note "still in remove(): $(stuck_tasks); $EDU on '$(driver_of $EDU)'"
[[ -n $(stuck_tasks) ]] || fail "nothing waits in vfio_e2e_edu's remove(): the unbind was not held"
# vfio-hook status must answer while the call is stuck, and say so (a task that reads some
# of the device's sysfs files waits for the device lock the stuck remove() holds): in the
# background, so that a status stuck with it does not stop the rest.
late=()
vfio-hook status >"$E2E_ARTIFACTS/status-stuck.txt" 2>&1 &
status_pid=$!
if wait_for "! kill -0 $status_pid" 15; then
    wait $status_pid || note "vfio-hook status exited $?"
    note "vfio-hook status while the unbind is stuck:"; cat "$E2E_ARTIFACTS/status-stuck.txt"
    grep -q 'still waits in the kernel' "$E2E_ARTIFACTS/status-stuck.txt" ||
        late+=("vfio-hook status does not say that a call still waits in the kernel")
else
    late+=("vfio-hook status did not answer within 15 s while the unbind was stuck; it waits in" \
        "$(cat /proc/$status_pid/task/*/wchan 2>/dev/null | xargs), $(grep -m1 driver_override /proc/$status_pid/task/*/stack 2>/dev/null || true)")
    note "${late[-1]}"
fi

note "hold_remove=0"
echo 0 >$hold
wait_for "(( \$(unbinds_done) > $done0 ))" 30 || fail "the held unbind did not complete"
# shellcheck disable=SC2016 # wait_for evals it
wait_for '[[ -z $(stuck_tasks) ]]' 10 || fail "still in remove(): $(stuck_tasks)"
note "the unbind returned; $EDU on '$(driver_of $EDU)'"
if ((${#late[@]})); then
    # The status that did not answer in time: what it said once the device lock was free.
    wait_for "! kill -0 $status_pid" 30 || true
    note "the late vfio-hook status said:"; cat "$E2E_ARTIFACTS/status-stuck.txt"
fi

if ls /run/vfio-hook/*.journal >/dev/null 2>&1; then
    keep recover.txt vfio-hook recover $vm
    ((RC == 0)) || fail "vfio-hook recover $vm exited $RC"
else
    note "no journal left to recover"
fi
keep status-after.txt vfio-hook status
note "hook log $log:"; cat "$log" 2>/dev/null || true
cp "$log" "$E2E_ARTIFACTS/hook.log" 2>/dev/null || true
wait_driver $EDU vfio_e2e_edu 10
! ls /run/vfio-hook/*.journal >/dev/null 2>&1 || fail "journal left behind: $(ls /run/vfio-hook)"
[[ $(cat /sys/bus/pci/devices/$EDU/driver_override) == "(null)" ]] ||
    fail "$EDU driver_override is '$(cat /sys/bus/pci/devices/$EDU/driver_override)'"
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
((${#late[@]} == 0)) || fail "${late[*]}"
