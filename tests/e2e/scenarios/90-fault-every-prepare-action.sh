#!/bin/bash
# e2e-timeout: 900
# Every mutating action of the prepare plan fails in turn, each by its own means: a unit
# that refuses to be stopped, an errno strace injects into exactly that sysfs write, module
# load or unload, or signal. virsh start must fail with our message naming what failed, and
# the host must be exactly as before: drivers, modules, units, consoles, framebuffers,
# holders, journal.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-fault
define_vm $vm yes
xml=$E2E_WORK/$vm.xml
hook_wrap
# Failures must not wait out the default deadlines.
hook_config 'unit_timeout = 20' 'process_timeout = 5' 'module_timeout = 5'

plan_actions "$xml" >"$E2E_WORK/actions"
note "the prepare plan:"; cat "$E2E_WORK/actions"
(($(wc -l <"$E2E_WORK/actions") >= 10)) || fail "the plan is shorter than the GPU handoff"

# refuse_stop DIR UNIT: a drop-in making UNIT refuse a manual stop (system or user manager).
refuse_stop() {
    mkdir -p "$1/$2.d"
    printf '[Unit]\nRefuseManualStop=yes\n' >"$1/$2.d/e2e-refuse.conf"
    on_exit "rm -rf '$1/$2.d'; $3"
    eval "$3"
}

# stubborn_holder NODE: a process holding NODE outside any unit the plan stops.
stubborn_holder() {
    systemd-run -q --unit e2e-holder --property KillMode=process \
        bash -c "exec 3<$1; exec sleep 600"
    on_exit "systemctl kill -s KILL e2e-holder 2>/dev/null; systemctl reset-failed e2e-holder 2>/dev/null; true"
    wait_for "holder_names $1 | grep -qw sleep" 10 || fail "the extra holder of $1 did not start"
}

# break_action STAGE ACTION TARGET: make exactly this action impossible; sets $want to
# what the error message must mention.
break_action() {
    local stage=$1 action=$2 target=$3
    case $action in
    stop-unit)
        refuse_stop /run/systemd/system "$target" "systemctl daemon-reload"
        want=$target ;;
    stop-user-unit)
        refuse_stop /run/systemd/user "$target" "run_as_user systemctl --user daemon-reload"
        want=$target ;;
    release-nodes)
        # Something the plan must signal, and signals that fail.
        if [[ $target == "$GPU" ]]; then stubborn_holder "$(card_of $GPU)"; else stubborn_holder /dev/snd/controlC0; fi
        inject prepare pidfd_send_signal error=EPERM
        want=sleep ;;
    unbind-vtcon)
        inject prepare write error=EIO "$(realpath /sys/class/vtconsole/$target/bind)"
        want=$target ;;
    unbind-pci)
        inject prepare write error=EIO "$(realpath /sys/bus/pci/devices/$target/driver)/unbind"
        want=$target ;;
    unload-module)
        inject prepare delete_module error=EPERM
        want=$target ;;
    load-module)
        inject prepare finit_module,init_module error=ENOEXEC
        want="${target//-/_}\|$target" ;;
    mask-unit)
        # A runtime unit file of that name is someone else's: the mask is never forced.
        cp "/lib/systemd/system/$target" "/run/systemd/system/$target"
        on_exit "rm -f '/run/systemd/system/$target'; systemctl daemon-reload"
        systemctl daemon-reload
        want=$target ;;
    bind-vfio)
        inject prepare write error=EINVAL "$(realpath /sys/bus/pci/devices/$target)/driver_override"
        want=$target ;;
    *)
        fail "no way to make '$action' fail: add one to this scenario" ;;
    esac
}

fault_point() {
    local stage=$1 action=$2 target=$3 want=''
    on_exit "hook_prefix prepare"
    break_action "$stage" "$action" "$target"
    steady_state >"$E2E_WORK/before"
    if virsh -q start $vm >"$E2E_WORK/start.out" 2>&1; then
        virsh -q destroy $vm >/dev/null 2>&1 || true
        fail "virsh start succeeded although $action $target could not"
    fi
    note "virsh start said: $(cat "$E2E_WORK/start.out")"
    case $action in
    stop-unit | stop-user-unit | mask-unit) ;;
    *) injected || fail "strace injected nothing: $(cat $STRACE_LOG 2>/dev/null)" ;;
    esac
    grep -q 'vfio-hook: error: ' "$E2E_WORK/start.out" || fail "virsh start did not show our error"
    grep -q -e "$want" "$E2E_WORK/start.out" || fail "the error does not name '$want'"
    hook_prefix prepare
    assert_desktop_back
    steady_state >"$E2E_WORK/after"
    diff_states "$E2E_WORK/before" "$E2E_WORK/after"
}

while read -r n stage action target; do
    point "$(printf '%02d' "$n")-$action-$target" fault_point "$stage" "$action" "$target"
done <"$E2E_WORK/actions"
points_verdict
