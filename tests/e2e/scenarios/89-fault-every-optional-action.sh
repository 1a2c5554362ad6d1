#!/bin/bash
# e2e-timeout: 900
# Every action of the optional stages (huge pages, drives, CPU isolation, firewall, shares,
# CPU governor) fails in turn, each by its own means: an errno strace injects into exactly
# that sysfs write, unmount or exportfs, a slice systemd refuses to change because it is
# masked, a firewalld call the bus policy denies, a unit that refuses to be started. The VM
# passes no GPU (scenario 90 faults the handoff). virsh start must fail with our message
# naming what failed, and the host must be exactly as it was before the first point, the
# optional stages' state included (lib.sh's optional_state). Each point is a row of the fault table
# run.sh shows; an action kind this guest cannot run is a SKIP with the reason.
set -euo pipefail
. "$E2E_DIR/lib.sh"
E2E_OPTIONAL_STATE=1

me=89-fault-every-optional-action
vm=e2e-optional-fault
share=/srv/e2e-nfs
client=127.0.0.1
mnt=/mnt/e2e-data
disk=/dev/disk/by-id/virtio-e2e-data
fw_zone=public fw_service=http

hook_wrap
# Failures must not wait out the default deadlines.
hook_config 'unit_timeout = 20' 'process_timeout = 5' 'module_timeout = 5' \
    "nfs_shares = $share" "nfs_clients = $client"

# What the optional stages need on this host: the data disk mounted (drives), a share
# directory, firewalld running, and the NFS server stopped, having run once: starting it
# loads nfsd and starts rpcbind, which stopping it leaves, so the host each point starts
# from already has them.
mkdir -p $mnt $share
mount "$disk-part1" $mnt
on_exit "umount $mnt 2>/dev/null"
if systemctl cat firewalld.service >/dev/null 2>&1; then
    systemctl start firewalld.service
    on_exit "systemctl stop firewalld.service"
fi
if systemctl cat nfs-server.service >/dev/null 2>&1; then
    systemctl start nfs-server.service
    systemctl stop nfs-server.service
fi

desc="args[ --pin-cpu-cores --cpu-performance"
systemctl is-active -q firewalld.service && desc+=" --enable-external-services"
[[ -x /usr/sbin/exportfs ]] && desc+=" --enable-nfs"
# Each array of the description on a line of its own.
desc+=" ]"$'\n'"host_services[ $fw_zone:$fw_service ]"
xml=$E2E_WORK/$vm.xml
# No GPU: scenario 90 faults the handoff's actions, and without it a point costs half as much.
domain_xml $vm yes "$desc" |
    sed -e "s|<vcpu>1</vcpu>|<vcpu>1</vcpu><memoryBacking><hugepages/></memoryBacking><cputune><vcpupin vcpu='0' cpuset='1'/><emulatorpin cpuset='1'/></cputune>|" \
        -e "s|<devices>|<devices><disk type='block' device='disk'><driver name='qemu' type='raw'/><source dev='$disk'/><target dev='vdb' bus='virtio'/></disk>|" \
        >"$xml"
virsh -q define "$xml" >/dev/null
on_exit "virsh -q destroy $vm >/dev/null 2>&1; virsh -q undefine $vm >/dev/null 2>&1"

optional='hugepages drives cpu-isolation firewall shares cpu-governor'
plan_actions "$xml" >"$E2E_WORK/all-actions"
note "the prepare plan:"; cat "$E2E_WORK/all-actions"
awk -v o=" $optional " 'index(o, " " $2 " ")' "$E2E_WORK/all-actions" >"$E2E_WORK/actions"
[[ -s $E2E_WORK/actions ]] || fail "the plan has no action of an optional stage"

# The action kinds of the optional stages, and why this guest may lack one.
declare -A why_not=(
    [alloc-hugepages]="no huge page pool"
    [unmount]="no data disk mounted"
    [set-allowed-cpus]="fewer than 2 CPUs"
    [open-service]="firewalld is not installed in the guest"
    [start-unit]="nfs-server.service is not installed in the guest"
    [export-nfs]="exportfs (nfs-kernel-server) is not installed in the guest"
    [set-governor]="no cpufreq: the TCG guest's CPUs have no scaling governor"
    [label-smb]="--enable-smb is off: the guest has no Samba (smbd.service) and no SELinux, so there is no label to set"
)

# unit_dropin UNIT LINE...: a runtime drop-in for UNIT, then daemon-reload; undone at exit.
unit_dropin() {
    local unit=$1; shift
    mkdir -p "/run/systemd/system/$unit.d"
    printf '%s\n' "$@" >"/run/systemd/system/$unit.d/e2e-fault.conf"
    on_exit "rm -rf '/run/systemd/system/$unit.d'; systemctl daemon-reload"
    systemctl daemon-reload
}

# bus_deny DEST INTERFACE MEMBER: the system bus refuses that method to everyone; undone at exit.
bus_deny() {
    local f=/etc/dbus-1/system.d/e2e-fault.conf
    cat >$f <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><policy context="mandatory">
  <deny send_destination="$1" send_interface="$2" send_member="$3"/>
</policy></busconfig>
EOF
    on_exit "rm -f $f; busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig"
    busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig
}

# how_broken ACTION TARGET: how break_action makes it fail, for the table.
how_broken() {
    case $1 in
    alloc-hugepages) echo "strace: write(nr_hugepages) = EIO" ;;
    unmount) echo "strace: umount2($2) = EBUSY" ;;
    set-allowed-cpus) echo "strace: its SetUnitProperties sendmsg = EIO" ;;
    open-service) echo "D-Bus policy denies firewalld addService" ;;
    start-unit) echo "systemd: RefuseManualStart=yes" ;;
    export-nfs) echo "strace: execve(exportfs) = EACCES" ;;
    set-governor) echo "strace: write(scaling_governor) = EIO" ;;
    label-smb) echo "strace: setxattr($2) = EACCES" ;;
    *) echo "?" ;;
    esac
}

# calibrate: when no trace of the hook's sendmsg calls has been kept yet and this point fails
# after the CPU isolation actions, trace them (fault_point keeps the trace).
calibrate() {
    [[ ! -s $E2E_WORK/sendmsg.log ]] || return 0
    hook_prefix prepare strace -f -o $STRACE_LOG -s 512 -e trace=sendmsg --
    calibrating=1
}

# sendmsg_index UNIT: which sendmsg of the hook's process (1, 2, ...) asked systemd to set
# UNIT's AllowedCPUs in the calibration trace.
sendmsg_index() {
    local log=$E2E_WORK/sendmsg.log pid
    [[ -s $log ]] || return 0
    pid=$(grep -m1 SetUnitProperties "$log" | cut -d' ' -f1)
    awk -v p="$pid" -v u="$1" '$1 == p && / sendmsg\(/ {
        n++; if (index($0, "SetUnitProperties") && index($0, u "\\0")) { print n; exit } }' "$log"
}

# break_action ACTION TARGET: make exactly this action impossible; sets $want to a pattern
# the error message must match and $traced when strace must have injected something.
break_action() {
    local action=$1 target=$2
    traced=1
    case $action in
    alloc-hugepages)
        inject prepare write error=EIO "/sys/$target/nr_hugepages"
        want="huge pages.*$target" ;;
    unmount)
        inject prepare umount2 error=EBUSY "$target"
        want="unmount $target" ;;
    set-allowed-cpus)
        # The one sendmsg that asks systemd to change this unit fails: a slice cannot be made
        # to refuse once and then obey (a masked user.slice refuses the undo too, and
        # system.slice and init.scope cannot be masked). Which sendmsg it is, the calibration
        # trace of an earlier point says; the run below checks that strace hit that one.
        local k
        k=$(sendmsg_index "$target")
        [[ -n $k ]] || fail "no SetUnitProperties for $target in the calibration trace"
        hook_prefix prepare strace -f -o $STRACE_LOG -s 512 -e trace=sendmsg \
            -e "inject=sendmsg:error=EIO:when=$k" --
        want="AllowedCPUs.* on $target" ;;
    open-service)
        bus_deny org.fedoraproject.FirewallD1 org.fedoraproject.FirewallD1.zone addService
        calibrate
        traced=0 want="service ${target#*:} in zone ${target%%:*}" ;;
    start-unit)
        unit_dropin "$target" '[Unit]' 'RefuseManualStart=yes'
        calibrate
        traced=0 want=$target ;;
    export-nfs)
        inject prepare execve error=EACCES /usr/sbin/exportfs
        want="export $target" ;;
    set-governor)
        inject prepare write error=EIO "/sys/devices/system/cpu/$target/cpufreq/scaling_governor"
        want="governor on $target" ;;
    label-smb)
        inject prepare setxattr error=EACCES "$target"
        want="label $target" ;;
    *)
        fail "no way to make '$action' fail: add one to this scenario" ;;
    esac
}

fault_point() {
    local action=$1 target=$2 want='' traced=1 calibrating=0 t=$SECONDS
    on_exit "hook_prefix prepare"
    break_action "$action" "$target"
    if virsh -q start $vm >"$E2E_WORK/start.out" 2>&1; then
        virsh -q destroy $vm >/dev/null 2>&1 || true
        fail "virsh start succeeded although $action $target could not"
    fi
    note "virsh start said in $((SECONDS - t)) s: $(cat "$E2E_WORK/start.out")"; t=$SECONDS
    ((!calibrating)) || cp $STRACE_LOG "$E2E_WORK/sendmsg.log"
    ((!traced)) || injected || fail "strace injected nothing: $(cat $STRACE_LOG 2>/dev/null)"
    [[ $action != set-allowed-cpus ]] || grep '(INJECTED)' $STRACE_LOG | grep -q -F "$target\\0" ||
        fail "strace failed another sendmsg than the one for $target: $(grep -B2 '(INJECTED)' $STRACE_LOG)"
    grep -q 'vfio-hook: error: ' "$E2E_WORK/start.out" || fail "virsh start did not show our error"
    grep -q -e "$want" "$E2E_WORK/start.out" || fail "the error does not match '$want'"
    hook_prefix prepare
    assert_desktop_back
    note "desktop back in $((SECONDS - t)) s"; t=$SECONDS
    steady_state >"$E2E_WORK/after"
    note "state taken in $((SECONDS - t)) s"
    diff_states "$E2E_WORK/initial" "$E2E_WORK/after"
}

row() { printf '%-13s  %-16s  %-36s  %-44s  %s' "$@"; echo; }
rows=()
run_point() {
    local n=$1 stage=$2 action=$3 target=$4 verdict result
    point "$(printf '%02d' "$n")-$action-$target" fault_point "$action" "$target"
    verdict=$(tail -n1 "$E2E_WORK/points" | cut -d' ' -f1)
    if [[ $verdict == PASS ]]; then
        result="PASS: start refused ($(grep -o 'vfio-hook: error: .*' "$E2E_WORK/start.out" |
            head -1 | cut -c19-)), host as before"
    else
        result="FAIL: see the scenario's log"
    fi
    rows[n]=$(row "$stage" "$action" "$target" "$(how_broken "$action" "$target")" "$result")
}
# The host every point must leave as it is: none of the ways to break an action shows in it.
steady_state >"$E2E_WORK/initial"
# The CPU isolation points last: they need the calibration trace a later point keeps.
deferred=()
while read -r n stage action target; do
    if [[ $action == set-allowed-cpus ]]; then deferred+=("$n $stage $action $target"); continue; fi
    run_point "$n" "$stage" "$action" "$target"
done <"$E2E_WORK/actions"
for d in "${deferred[@]}"; do
    read -r n stage action target <<<"$d"
    if [[ -s $E2E_WORK/sendmsg.log ]]; then
        run_point "$n" "$stage" "$action" "$target"
    else
        skip "$(printf '%02d' "$n")-$action-$target" "no later point (firewall, shares) to find which sendmsg sets it"
    fi
done
report "fault table ($me): every optional-stage action of the plan made to fail"
report "$(row stage action target 'broken by' result)"
for n in "${!rows[@]}"; do report "${rows[n]}"; done

# The action kinds the plan did not have here: not tested, and said so.
for action in $(printf '%s\n' "${!why_not[@]}" | sort); do
    if ! awk -v a="$action" '$3 == a { f = 1 } END { exit !f }' "$E2E_WORK/actions"; then
        skip "$action" "${why_not[$action]}"
    fi
done
points_verdict
