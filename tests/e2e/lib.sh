# shellcheck shell=bash
# Helpers for e2e scenarios, sourced inside the guest (bash).
# Every assert_* prints what it expected and what it saw, then exits the
# scenario non-zero. Cleanups registered with on_exit run however it ends.

E2E_USER=${E2E_USER:-desk}
# The guest's desktop (run.sh --flavour; guest-driver.sh exports it): nodm, root Xorg under
# nodm running an xterm session; gnome, GNOME Shell on Wayland that GDM logs the user in to.
E2E_FLAVOUR=${E2E_FLAVOUR:-$(sed -n 's/^FLAVOUR=//p' "${E2E_DIR:-.}/e2e.conf" 2>/dev/null)}
E2E_FLAVOUR=${E2E_FLAVOUR:-nodm}
# The guest's GPU at 00:03.0 (run.sh --gpu): vga (bochs-drm), virtio-vga (virtio_gpu on
# virtio-pci) or bochs-display (display class 0x0380, efifb on it when bochs is held back).
E2E_GPU=${E2E_GPU:-$(sed -n 's/^GPU=//p' "${E2E_DIR:-.}/e2e.conf" 2>/dev/null)}
E2E_GPU=${E2E_GPU:-vga}
# 1 in the scenarios that run the optional stages: host_state compares what they change too.
E2E_OPTIONAL_STATE=${E2E_OPTIONAL_STATE:-0}
# The desktop's process that holds the card, and the user it runs as.
case $E2E_FLAVOUR in
    gnome) DESKTOP_PROC=gnome-shell DESKTOP_USER=$E2E_USER ;;
    *) DESKTOP_PROC=Xorg DESKTOP_USER=root ;;
esac
# gnome-shell runs as this user unit of the desktop user (GNOME's systemd session).
GNOME_SHELL_UNIT=org.gnome.Shell@wayland.service
# Files the scenario keeps for the host (guest-driver.sh sets it; run.sh copies it back).
E2E_ARTIFACTS=${E2E_ARTIFACTS:-${E2E_WORK:-.}/artifacts}

fail() { echo "ASSERT FAILED: $*" >&2; exit 1; }
note() { echo "-- $*"; }

# Cleanups, run in reverse order at exit, even after a failed assertion.
_e2e_cleanups=()
on_exit() { _e2e_cleanups+=("$*"); }
_e2e_run_cleanups() {
    local rc=$? i
    for ((i = ${#_e2e_cleanups[@]} - 1; i >= 0; i--)); do eval "${_e2e_cleanups[i]}" || true; done
    exit "$rc"
}
trap _e2e_run_cleanups EXIT

# wait_for 'COND_CMD' DEADLINE_S: poll COND_CMD (eval'd) until it succeeds; 1 on timeout.
wait_for() {
    local cond=$1 end=$((SECONDS + $2))
    until eval "$cond" >/dev/null 2>&1; do
        ((SECONDS < end)) || return 1
        sleep 0.2
    done
}

# assert_hook_log_complete LOG: libvirt ran the hook through a whole cycle, prepare and release.
assert_hook_log_complete() {
    note "hook log $1:"; cat "$1" 2>/dev/null || fail "libvirt did not run the hook (no $1)"
    grep -q 'prepare INFO Prepared' "$1" || fail "hook log has no completed prepare"
    grep -q 'release INFO Released' "$1" || fail "hook log has no completed release"
}

# --- PCI devices ------------------------------------------------------------

driver_of() {
    local link=/sys/bus/pci/devices/$1/driver
    if [[ -L $link ]]; then basename "$(readlink "$link")"; else echo none; fi
}

assert_driver() {
    local got; got=$(driver_of "$1")
    [[ $got == "$2" ]] || fail "$1 driver is '$got', expected '$2'"
}

# wait_driver BDF NAME DEADLINE: wait for a driver to (re)bind, then assert it.
wait_driver() {
    wait_for "[[ \$(driver_of $1) == '$2' ]]" "$3" || true
    assert_driver "$1" "$2"
}

# card_of BDF: /dev/dri/cardN of a PCI device, from sysfs; fails if it has none.
card_of() {
    local c=(/sys/bus/pci/devices/"$1"/drm/card[0-9]*)
    [[ -e ${c[0]} ]] && echo "/dev/dri/$(basename "${c[0]}")"
}

iommu_group_of() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }

# --- systemd units ----------------------------------------------------------

assert_unit_active() {
    local s; s=$(systemctl is-active "$1" 2>/dev/null) || true
    [[ $s == active ]] || fail "unit $1 is '$s', expected active"
}

assert_unit_inactive() {
    local s; s=$(systemctl is-active "$1" 2>/dev/null) || true
    [[ $s == inactive ]] || fail "unit $1 is '$s', expected inactive"
}

# user_unit_running USER UNIT: does the unit have processes in USER's systemd instance?
# Read from the cgroup tree: asking the user's manager (runuser + systemctl --user) would
# open a session, and so start that manager again when it had gone.
user_unit_running() {
    local uid d
    uid=$(id -u "$1")
    d=$(find "/sys/fs/cgroup/user.slice/user-$uid.slice/user@$uid.service" -maxdepth 3 -type d \
        -name "$2" 2>/dev/null | head -1)
    # cgroupfs files report size 0: read them.
    [[ -n $d && -n $(cat "$d/cgroup.procs" 2>/dev/null) ]]
}

user_unit_state() { if user_unit_running "$1" "$2"; then echo running; else echo stopped; fi; }

assert_user_unit_active() {
    user_unit_running "$1" "$2" || fail "user $1's unit $2 is not running"
}

assert_no_failed_units() {
    local failed; failed=$(systemctl list-units --failed --plain --no-legend | awk '{print $1}')
    [[ -z $failed ]] || fail "failed units: ${failed//$'\n'/ }"
}

# --- who holds what ---------------------------------------------------------

# holders_of NODE...: pids with any of the nodes open (from /proc/*/fd), one a line.
# One find for all fds: a readlink per fd costs seconds under TCG.
holders_of() {
    local n args=()
    for n in "$@"; do args+=(${args[@]:+-o} -lname "$n"); done
    # Processes come and go while find runs: ignore its complaints about them.
    { find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 \( "${args[@]}" \) -printf '%h\n' 2>/dev/null || true; } |
        cut -d/ -f3 | sort -un
}

comm_of() { cat "/proc/$1/comm" 2>/dev/null || echo '?'; }

# holder_names NODE...: sorted, de-duplicated command names of the holders.
holder_names() {
    local p
    for p in $(holders_of "$@"); do comm_of "$p"; done | sort -u | xargs
}

assert_held_by() {
    local names; names=$(holder_names "$1")
    [[ " $names " == *" $2 "* ]] || fail "$1 is not held by $2 (holders: '${names:-nobody}')"
}

# holders_detail NODE...: "pid comm user cgroup" of each holder, for the log.
holders_detail() {
    local p
    for p in $(holders_of "$@"); do
        echo "$p $(comm_of "$p") $(stat -c %U "/proc/$p" 2>/dev/null || echo '?')" \
            "$(sed -n 's/^0:://p' "/proc/$p/cgroup" 2>/dev/null)"
    done
}

# desktop_holds_card: does the flavour's desktop process (DESKTOP_PROC, running as
# DESKTOP_USER) hold /dev/dri/card0? Only its fds are read: cheap enough to poll for how
# soon the desktop is back.
desktop_holds_card() {
    local p
    for p in $(pgrep -x -u "$DESKTOP_USER" "$DESKTOP_PROC"); do
        [[ -z $(find "/proc/$p/fd" -mindepth 1 -maxdepth 1 -lname /dev/dri/card0 \
            -print -quit 2>/dev/null) ]] || return 0
    done
    return 1
}

assert_desktop_holds_card() {
    desktop_holds_card || fail "/dev/dri/card0 is not held by $DESKTOP_PROC running as $DESKTOP_USER" \
        "(holders: $(holders_detail /dev/dri/card0 | xargs -d '\n' -r printf '[%s] ' || true))"
}

# dri_holders: every process with a GPU DRM node open or mapped, as "pid(comm)": a node
# unplugged under an open fd reads "/dev/dri/card0 (deleted)" and counts too. Every DRM
# node of this guest is the GPU's (it has no other display device).
dri_holders() {
    local p
    {
        find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -lname '/dev/dri/*' -printf '%h\n' 2>/dev/null || true
        grep -l ' /dev/dri/' /proc/[0-9]*/maps 2>/dev/null || true
    } | cut -d/ -f3 | sort -un | while read -r p; do echo "$p($(comm_of "$p"))"; done | xargs
}

# --- consoles ---------------------------------------------------------------

# vtcon_state: "vtconN bind=B name" for each virtual console driver.
vtcon_state() {
    local v
    for v in /sys/class/vtconsole/vtcon*; do
        echo "$(basename "$v") bind=$(cat "$v/bind") $(cat "$v/name")"
    done
}

# --- a normalised host snapshot to compare before/after ---------------------

# What the sleep stage masks while a VM has the devices.
SLEEP_TARGETS="sleep.target suspend.target hibernate.target hybrid-sleep.target suspend-then-hibernate.target"

host_state() {
    local d f
    echo "## pci drivers"
    for d in /sys/bus/pci/devices/*; do
        echo "$(basename "$d") $(driver_of "$(basename "$d")") override=$(cat "$d/driver_override" 2>/dev/null)"
    done
    echo "## modules"
    cut -d' ' -f1 /proc/modules | sort
    echo "## vtcon"
    vtcon_state
    echo "## platform framebuffers"
    for d in /sys/bus/platform/devices/*framebuffer* /sys/bus/platform/devices/*display*; do
        [[ -e $d ]] || continue
        f=none; [[ -L $d/driver ]] && f=$(basename "$(readlink "$d/driver")")
        echo "$(basename "$d") $f"
    done
    echo "## units"
    for d in display-manager.service libvirtd.service; do echo "$d $(systemctl is-active "$d")"; done
    for d in pipewire.service wireplumber.service pipewire-pulse.service; do
        echo "$E2E_USER/$d $(user_unit_state "$E2E_USER" "$d")"
    done
    if [[ $E2E_FLAVOUR == gnome ]]; then
        echo "$E2E_USER/$GNOME_SHELL_UNIT $(user_unit_state "$E2E_USER" "$GNOME_SHELL_UNIT")"
    fi
    echo "## sleep targets"
    # Their unit file states exactly (static, masked, masked-runtime...): the sleep stage masks
    # them for the VM's run only.
    systemctl show -p Id,UnitFileState $SLEEP_TARGETS
    echo "## holders"
    # By command name, never pid: the desktop given back is a new process, and in the gnome
    # flavour a new logind session (new session id, its device copies in PID 1 and logind
    # taken anew), so the names are what must be the same.
    # One pass over every process's fds (a find per node costs seconds under TCG).
    local -A names=()
    local pid node
    while read -r pid node; do
        names[$node]+=" $(comm_of "$pid")"
    done < <({ find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 \( -lname '/dev/dri/*' -o -lname '/dev/snd/*' \) \
        -printf '%h %l\n' 2>/dev/null || true; } | cut -d/ -f3- | sed 's|^\([0-9]*\)/fd |\1 |')
    for f in /dev/dri/* /dev/snd/*; do
        if [[ -c $f ]]; then echo "$f $(printf '%s\n' ${names[$f]:-} | sort -u | xargs)"; fi
    done
    echo "## /dev/vfio"
    ls /dev/vfio 2>/dev/null
    echo "## journals"
    ls -lA --time-style=+ /run/vfio-hook/ 2>/dev/null | grep -v '^total' || true
    # What only the optional stages change, for the scenarios that run them (a few seconds a
    # snapshot under TCG, in every point of the GPU scenarios otherwise).
    if ((E2E_OPTIONAL_STATE)); then optional_state; fi
}

# optional_state: what the optional stages change: the host slices' AllowedCPUs, the huge
# page pools, block device mounts, cpufreq governors, the services the stages use, the
# firewall rules, NFS exports.
optional_state() {
    local u p
    echo "## AllowedCPUs"
    systemctl show -p Id,AllowedCPUs user.slice system.slice init.scope
    echo "## huge pages"
    for p in /sys/kernel/mm/hugepages/hugepages-* /sys/devices/system/node/node*/hugepages/hugepages-*; do
        if [[ -e $p/nr_hugepages ]]; then echo "${p#/sys/} $(cat "$p/nr_hugepages")"; fi
    done
    echo "## block mounts"
    findmnt -rn -o TARGET,SOURCE,FSTYPE,OPTIONS | awk '$2 ~ "^/dev/"' | sort
    echo "## governors"
    for p in /sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor; do
        if [[ -e $p ]]; then echo "${p#/sys/devices/system/cpu/} $(cat "$p")"; fi
    done
    echo "## services"
    paste -d' ' <(printf '%s\n' firewalld.service nfs-server.service smbd.service) \
        <(systemctl is-active firewalld.service nfs-server.service smbd.service)
    echo "## firewall rules"
    # What firewalld made of its runtime configuration: the kernel's ruleset, read through
    # firewalld's own python3-nftables (asking firewalld costs a polkit check per call).
    if [[ $(systemctl is-active firewalld.service) == active ]]; then
        python3 -c 'import nftables, sys; rc, out, err = nftables.Nftables().cmd("list ruleset"); sys.stdout.write(out if rc == 0 else err)'
    fi
    echo "## exports"
    cat /var/lib/nfs/etab 2>/dev/null || true
}

# --- libvirt domains --------------------------------------------------------

# domain_xml NAME MANAGED(yes|no) DESCRIPTION BDF...: a tiny type='qemu' VM
# (128 MiB, no disk, no graphics) passing the given PCI functions through.
# An empty DESCRIPTION leaves <description> out.
domain_xml() {
    local name=$1 managed=$2 desc=$3 bdf d b s f; shift 3
    echo "<domain type='qemu'>"
    echo "  <name>$name</name>"
    echo "  <uuid>$(cat /proc/sys/kernel/random/uuid)</uuid>"
    if [[ -n $desc ]]; then echo "  <description>$desc</description>"; fi
    echo "  <memory unit='MiB'>128</memory>"
    echo "  <vcpu>1</vcpu>"
    echo "  <os><type arch='x86_64'>hvm</type></os>"
    echo "  <devices>"
    echo "    <emulator>/usr/bin/qemu-system-x86_64</emulator>"
    for bdf in "$@"; do
        IFS=':.' read -r d b s f <<<"$bdf"
        echo "    <hostdev mode='subsystem' type='pci' managed='$managed'>"
        echo "      <source><address domain='0x$d' bus='0x$b' slot='0x$s' function='0x$f'/></source>"
        echo "    </hostdev>"
    done
    echo "    <memballoon model='none'/>"
    echo "  </devices>"
    echo "</domain>"
}

# --- the boot framebuffer ---------------------------------------------------------

# boot_fb_state: "device driver" of each platform boot framebuffer device (efi-framebuffer.0
# efifb), none when it has no driver; nothing when the GPU's driver unregistered them.
boot_fb_state() {
    local d f
    for d in /sys/bus/platform/devices/*framebuffer* /sys/bus/platform/devices/*display*; do
        [[ -e $d ]] || continue
        f=none; [[ -L $d/driver ]] && f=$(basename "$(readlink "$d/driver")")
        echo "$(basename "$d") $f"
    done
}

# fb_claims_in_bars BDF: the boot framebuffer's ranges in /proc/iomem (sysfb's BOOTFB, or
# efifb's, vesafb's, simpledrm's claim) that overlap a memory BAR of BDF, one
# "start-end : name" a line. A card on vfio-pci with one of them still there is being
# written by the host's console while the VM owns it.
fb_claims_in_bars() {
    local start end flags i=0 bars=() line range name s e b
    while read -r start end flags; do
        # BARs 0-5 only (then the ROM and the bridge windows); memory ones (IORESOURCE_MEM).
        ((i++ < 6)) || break
        ((start != 0 && (flags & 0x200))) && bars+=("$((start)) $((end))")
    done <"/sys/bus/pci/devices/$1/resource"
    while IFS= read -r line; do
        range=${line%% : *} name=${line#* : }
        range=${range##* }
        s=$((16#${range%-*})) e=$((16#${range#*-}))
        for b in "${bars[@]}"; do
            ((s <= ${b#* } && e >= ${b% *})) && echo "${range} : $name"
        done
    done < <(grep -E ' : (BOOTFB|efifb|vesafb|simpledrm)$' /proc/iomem)
    return 0
}

# assert_no_fb_in_bars BDF: while BDF is on vfio-pci, no boot framebuffer range lies in its BARs.
assert_no_fb_in_bars() {
    local claims
    [[ $(driver_of "$1") == vfio-pci ]] || return 0
    claims=$(fb_claims_in_bars "$1")
    [[ -z $claims ]] || fail "$1 is on vfio-pci with the boot framebuffer in its BARs: ${claims//$'\n'/; }"
}

# --- the handoff ----------------------------------------------------------------

GPU=0000:00:03.0 HDA=0000:00:03.1
AUDIO_UNITS="pipewire.service wireplumber.service pipewire-pulse.service"
# What the host had when the scenario began (a scenario starts on the steady host): the
# GPU's driver (bochs-drm, virtio-pci, none when no driver holds it), the boot framebuffer
# devices and their drivers. Release must give back exactly these.
GPU_HOST_DRIVER=${GPU_HOST_DRIVER:-$(driver_of $GPU)}
BOOT_FB_STATE=${BOOT_FB_STATE-$(boot_fb_state)}
# Whether the host has a desktop: run.sh --append systemd.mask=nodm.service leaves it a
# console on the boot framebuffer.
E2E_DESKTOP=1
[[ $(systemctl show -P LoadState display-manager.service 2>/dev/null) != masked ]] || E2E_DESKTOP=0

uuid_of() { virsh domuuid "$1" | head -1; }

# host_state without vfio's helper modules (vfio, vfio_pci_core, vfio_iommu_type1,
# irqbypass): the kernel keeps those once vfio-pci has been loaded.
steady_state() { host_state | grep -v -e '^vfio' -e '^irqbypass$' -e '^kvm'; }

# What the hook has done while the VM runs.
assert_handed_over() {
    assert_driver $GPU vfio-pci
    assert_driver $HDA vfio-pci
    [[ -e /dev/vfio/$(iommu_group_of $GPU) ]] || fail "/dev/vfio/$(iommu_group_of $GPU) missing"
    assert_unit_inactive display-manager.service
    if ((!E2E_DESKTOP)); then
        : # a console host: nothing but fbcon had the card
    elif [[ $E2E_FLAVOUR == gnome ]]; then
        # Nothing holds the GPU's nodes: not the compositor, and not PID 1 or systemd-logind,
        # which keep logind's copies of the session's device while a session runs.
        local h; h=$(dri_holders)
        [[ -z $h ]] || fail "the GPU's DRM nodes are still held while the VM has it: $h"
        ! pgrep -x gnome-shell >/dev/null ||
            fail "gnome-shell still runs while the VM has the GPU: $(pgrep -a -x gnome-shell | xargs)"
        ! pgrep -x Xwayland >/dev/null || fail "Xwayland still runs while the VM has the GPU"
        ! user_unit_running "$E2E_USER" $GNOME_SHELL_UNIT ||
            fail "$E2E_USER's $GNOME_SHELL_UNIT still runs while the VM has the GPU"
    else
        ! pgrep -x Xorg >/dev/null || fail "Xorg still runs while the VM has the GPU"
    fi
    [[ ! -e /dev/dri/card0 ]] || fail "/dev/dri/card0 still exists (held by: $(holder_names /dev/dri/card0))"
    # fbcon unbound: its vtcon is unbound, or gone with the last framebuffer.
    ! vtcon_state | grep -q 'bind=1 (M) frame buffer device' || fail "fbcon still bound: $(vtcon_state)"
    [[ $GPU_HOST_DRIVER != bochs-drm ]] || ! grep -q '^bochs ' /proc/modules || fail "bochs still loaded"
    # No boot framebuffer driver left on the card (bochs-drm and virtio_gpu unregister the
    # device at boot; on a card no driver holds, efifb keeps it until the hook unbinds it).
    ! boot_fb_state | grep -qv ' none$' || fail "a boot framebuffer still has its driver: $(boot_fb_state | xargs)"
    assert_no_fb_in_bars $GPU
    # The audio servers that held the card are down: the card's nodes have no holder.
    [[ -z $(holders_of /dev/snd/controlC0 /dev/snd/pcmC0D0p /dev/snd/pcmC0D0c) ]] ||
        fail "sound nodes still held by: $(holder_names /dev/snd/controlC0 /dev/snd/pcmC0D0p)"
}

# The desktop as it was: drivers, console, display manager with its desktop on card0 (Xorg;
# gnome-shell running as the user), PipeWire, no journal, no override left behind.
assert_desktop_back() {
    wait_driver $GPU "$GPU_HOST_DRIVER" 30
    wait_driver $HDA snd_hda_intel 30
    # shellcheck disable=SC2016 # wait_for evals it
    wait_for '[[ $(boot_fb_state) == "$BOOT_FB_STATE" ]]' 10 ||
        fail "boot framebuffer: '$(boot_fb_state | xargs)', expected '$(xargs <<<"$BOOT_FB_STATE")'"
    wait_for "vtcon_state | grep -q 'bind=1 (M) frame buffer device'" 10 || fail "fbcon not back: $(vtcon_state)"
    if ((!E2E_DESKTOP)); then
        assert_unit_inactive display-manager.service
    else
        wait_for "systemctl is-active display-manager.service" 30 || true
        assert_unit_active display-manager.service
    fi
    if ((!E2E_DESKTOP)); then
        :
    elif [[ $E2E_FLAVOUR == gnome ]]; then
        assert_unit_active gdm3.service
        wait_for desktop_holds_card 120 || true
        assert_desktop_holds_card
        wait_for "user_unit_running $E2E_USER $GNOME_SHELL_UNIT" 30 || true
        assert_user_unit_active "$E2E_USER" $GNOME_SHELL_UNIT
        # On the desktop wireplumber has the card's control node open; around a login it may
        # let it go and take it again, after the compositor is back: let it, before anyone
        # compares host_state (which then shows whether it did).
        wait_for "holder_names /dev/snd/controlC0 | grep -qw wireplumber" 30 || true
    else
        wait_for "holder_names /dev/dri/card0 | grep -qw Xorg" 90 || true
        assert_held_by /dev/dri/card0 Xorg
    fi
    local u o
    # Restarted by release, or (when the user's systemd went away with the session) by
    # the next login: either way PipeWire runs for the user again.
    for u in $AUDIO_UNITS; do
        wait_for "user_unit_running $E2E_USER $u" 60 || true
        assert_user_unit_active "$E2E_USER" "$u"
    done
    for o in /sys/bus/pci/devices/{$GPU,$HDA}/driver_override; do
        [[ $(cat "$o") == "(null)" || -z $(cat "$o") ]] || fail "$o is '$(cat "$o")'"
    done
    ! ls /run/vfio-hook/*.journal >/dev/null 2>&1 || fail "journal left behind: $(ls /run/vfio-hook)"
    assert_no_failed_units
}

# One virsh start/destroy of VM with both functions, asserting both halves.
handoff_cycle() {
    local vm=$1
    virsh -q start "$vm" >"$E2E_WORK/start.out" 2>&1 || fail "virsh start $vm failed: $(cat "$E2E_WORK/start.out")"
    assert_handed_over
    virsh -q destroy "$vm" >/dev/null || fail "virsh destroy $vm failed"
    assert_desktop_back
}

# define_vm NAME MANAGED [DESCRIPTION]: define a VM passing both functions, undefined at exit.
define_vm() { define_vm_passing "$1" "$2" "${3:-}" $GPU $HDA; }

# define_vm_passing NAME MANAGED DESCRIPTION BDF...: the same, passing the given functions
# ($E2E_WORK/NAME.xml).
define_vm_passing() {
    local name=$1 xml=$E2E_WORK/$1.xml
    domain_xml "$@" >"$xml"
    virsh -q define "$xml" >/dev/null
    on_exit "virsh -q destroy $name >/dev/null 2>&1; virsh -q undefine $name >/dev/null 2>&1"
}

# vm_config NAME LINE...: the VM's own vfio-hook.d/NAME/vm.conf with these lines, removed at exit.
vm_config() {
    local d=/etc/libvirt/hooks/vfio-hook.d/$1; shift
    install -d -m 0755 "$d"
    printf '%s\n' "$@" >"$d/vm.conf"
    chmod 0644 "$d/vm.conf"
    on_exit "rm -rf '$d'"
}

# diff_states A B: fail with the difference if two host_state snapshots differ.
diff_states() {
    diff -u "$1" "$2" >"$E2E_WORK/state.diff" || fail "host state differs: $(cat "$E2E_WORK/state.diff")"
}

# --- the hook behind a tracer ---------------------------------------------------
# A scenario may run libvirt's calls of the hook behind strace (fault and kill injection at
# one syscall) or valgrind. The production binary stays as it is: a small wrapper takes its
# place at /etc/libvirt/hooks/qemu and runs it, for each operation, behind the command
# prefix the scenario wrote, one argument a line, to $HOOK_PREFIXES/<operation>.
HOOK_BIN=/usr/local/libexec/vfio-e2e/qemu
HOOK_PREFIXES=/run/vfio-e2e/hook
STRACE_LOG=$HOOK_PREFIXES/strace.log

hook_wrap() {
    mkdir -p "$(dirname $HOOK_BIN)" $HOOK_PREFIXES
    # Named qemu: the binary picks its role from argv[0].
    ln -sf /usr/local/bin/vfio-hook $HOOK_BIN
    cat >/etc/libvirt/hooks/qemu.e2e <<WRAP
#!/bin/bash
prefix=()
[[ -r $HOOK_PREFIXES/\$2 ]] && mapfile -t prefix <$HOOK_PREFIXES/\$2
exec "\${prefix[@]}" $HOOK_BIN "\$@"
WRAP
    chmod 0755 /etc/libvirt/hooks/qemu.e2e
    mv /etc/libvirt/hooks/qemu.e2e /etc/libvirt/hooks/qemu
    on_exit hook_unwrap
}

hook_unwrap() {
    # -p: the hook keeps the mtime it had when installed, before libvirtd started (doctor
    # checks that libvirtd started after the hook was installed).
    install -p -m 0755 /usr/local/bin/vfio-hook /etc/libvirt/hooks/qemu
    rm -rf $HOOK_PREFIXES
}

# hook_config LINE...: /etc/libvirt/hooks/vfio-hook.conf with these lines, removed at exit.
hook_config() {
    printf '%s\n' "$@" >/etc/libvirt/hooks/vfio-hook.conf
    on_exit "rm -f /etc/libvirt/hooks/vfio-hook.conf"
}

# hook_prefix OP [ARG...]: run the hook's OP calls behind ARG...; none: run it plainly.
hook_prefix() {
    local op=$1; shift
    rm -f "$HOOK_PREFIXES/$op" $STRACE_LOG
    if (($#)); then printf '%s\n' "$@" >"$HOOK_PREFIXES/$op"; fi
}

# inject OP SYSCALLS WHAT [PATH]: OP's calls of the hook run under strace, which does WHAT
# (error=EIO, signal=KILL, when=N ...) to the SYSCALLS (comma-separated) that touch PATH.
inject() {
    local op=$1 calls=$2 what=$3 path=${4:-}
    hook_prefix "$op" strace -f -o $STRACE_LOG -e "trace=$calls" \
        -e "inject=$calls:$what" ${path:+-P "$path"} --
}

# Did strace inject anything (an error, or a signal that killed the hook)?
injected() { grep -q -e '(INJECTED)' -e 'killed by SIG' $STRACE_LOG 2>/dev/null; }

# --- sub-results ------------------------------------------------------------------
# point NAME CMD...: run CMD in a subshell as one sub-result of the scenario; its output
# goes to the scenario's log, its verdict to $E2E_WORK/points as "PASS|FAIL NAME SECONDS"
# (the driver reports each as its own result). Cleanups CMD registers run when it ends.
point() {
    local name=$1 t0=$SECONDS rc; shift
    echo "== $name"
    # Not "( ... ) || rc=$?": that would turn errexit off inside.
    set +e
    (
        set -e
        _e2e_cleanups=()
        trap _e2e_run_cleanups EXIT
        "$@"
    )
    rc=$?
    set -e
    local verdict=PASS; ((rc == 0)) || verdict=FAIL
    echo "$verdict $name $((SECONDS - t0))" | tee -a "$E2E_WORK/points"
    return 0
}

# points_verdict: fail the scenario if any sub-result failed or none ran (a skip is no run).
points_verdict() {
    grep -q -e '^PASS ' -e '^FAIL ' "$E2E_WORK/points" 2>/dev/null || fail "no sub-result ran"
    ! grep -q '^FAIL ' "$E2E_WORK/points" || fail "$(grep -c '^FAIL ' "$E2E_WORK/points") sub-results failed"
    note "$(grep -c '^PASS ' "$E2E_WORK/points") sub-results passed"
}

# skip NAME WHY...: a sub-result this guest cannot test, with the reason; run.sh shows it as
# "SKIP scenario/NAME: WHY", counted neither as passed nor as failed.
skip() {
    local name=$1; shift
    echo "SKIP $name $*" | tee -a "$E2E_WORK/points"
}

# report LINE...: lines for run.sh to show after the scenario's results, as they are (a table
# of its points, say), counted neither as passed nor as failed. Kept in $E2E_ARTIFACTS/report.
report() {
    mkdir -p "$E2E_ARTIFACTS"
    printf '%s\n' "$@" >>"$E2E_ARTIFACTS/report"
}

# plan_actions XML: the prepare plan's actions from `vfio-hook plan --json`, one a line:
# "N stage action target".
plan_actions() {
    vfio-hook plan --xml "$1" --json | awk -F'"' '
        /"type": "action"/ { inaction = 1; n = ""; st = ""; ac = ""; tg = ""; next }
        /"type": / { inaction = 0 }
        inaction && /"n":/ { n = $3; gsub(/[^0-9]/, "", n) }
        inaction && /"stage":/ { st = $4 }
        inaction && /"action":/ { ac = $4 }
        inaction && /"target":/ { tg = $4; print n, st, ac, tg }'
}

# run_middles FILE: from plan_actions' lines in FILE, the numbers of the actions inside a run of
# three or more consecutive actions of one stage and kind (the five sleep masks, the audio
# user units): the same code at the same place as the run's first and last, which the kill
# scenarios keep, so they need no kill points of their own.
run_middles() {
    awk '{ st[NR] = $2 " " $3; n[NR] = $1 }
         END { for (i = 2; i < NR; i++) if (st[i] == st[i - 1] && st[i] == st[i + 1]) print n[i] }' "$1"
}

# plan_undone FILE: the numbers of FILE's plan actions that release undoes (those with an
# undo), in the order it undoes them.
plan_undone() {
    vfio-hook plan --xml "$1" --json | awk -F'"' '
        /"type": "action"/ { inaction = 1; n = ""; next }
        /"type": / { inaction = 0 }
        inaction && /"n":/ { n = $3; gsub(/[^0-9]/, "", n) }
        inaction && /"undo":/ && $4 != "-" { print n }' | tac
}

# run_as_user CMD...: CMD as the desktop user, talking to the user's systemd, without
# opening a login session (runuser would start a new user manager when none runs).
run_as_user() {
    local uid; uid=$(id -u "$E2E_USER")
    XDG_RUNTIME_DIR=/run/user/$uid DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$uid/bus \
        setpriv --reuid "$uid" --regid "$(id -g "$E2E_USER")" --init-groups "$@"
}

# --- artifacts ------------------------------------------------------------------------
# keep NAME CMD...: run CMD with its stdout in $E2E_ARTIFACTS/NAME and its stderr in
# NAME.err (removed when empty); show both in the log; set RC to CMD's exit status.
keep() {
    local f=$E2E_ARTIFACTS/$1; shift
    mkdir -p "$E2E_ARTIFACTS"
    RC=0
    "$@" >"$f" 2>"$f.err" || RC=$?
    note "$* -> exit $RC ($f)"
    cat "$f" "$f.err"
    [[ -s $f.err ]] || rm -f "$f.err"
}

# schema_check NAME SCHEMA: have the host validate artifact NAME against
# docs/SCHEMA.schema.json (the guest has no JSON Schema validator); run.sh reports it
# as the result "<scenario>/json-schema-NAME".
schema_check() {
    mkdir -p "$E2E_ARTIFACTS"
    echo "$1 $2" >>"$E2E_ARTIFACTS/schema-checks"
}
