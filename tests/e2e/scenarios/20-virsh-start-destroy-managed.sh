#!/bin/bash
# managed='yes': libvirt would detach the devices itself; our prepare has already handed
# them over (display manager, audio, console, driver, vfio-pci), so libvirt only finds them
# on vfio-pci. After destroy, our release gives everything back.
# In the gnome flavour the plan is kept as an artifact (plan.txt), and the run says how long
# after `virsh destroy` returned gnome-shell held the card again, and how long release took.
# e2e-flavours: nodm gnome
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-managed
log=/var/log/libvirt/hooks/qemu/$vm.log
define_vm $vm yes
rm -f "$log"
steady_state >"$E2E_WORK/before"
if [[ $E2E_FLAVOUR == gnome ]]; then
    keep plan.txt vfio-hook plan --xml "$E2E_WORK/$vm.xml"
fi

note "virsh start"
virsh -q start $vm || fail "virsh start $vm failed"
[[ $(virsh domstate $vm) == running ]] || fail "$vm is '$(virsh domstate $vm)', expected running"
assert_handed_over
[[ -f /run/vfio-hook/$(uuid_of $vm).journal ]] || fail "no journal while the VM runs"

note "virsh destroy"
virsh -q destroy $vm || fail "virsh destroy $vm failed"
if [[ $E2E_FLAVOUR == gnome ]]; then
    t0=$(date +%s%N)
    wait_for desktop_holds_card 180 || true
    ms=$((($(date +%s%N) - t0) / 1000000))
    if desktop_holds_card; then
        echo "desktop-back: $((ms / 1000)).$(printf '%02d' $((ms % 1000 / 10))) s after virsh destroy returned"
    else
        echo "desktop-back: gnome-shell did not hold the card within $((ms / 1000)) s of virsh destroy"
    fi
    # "Released: the host has back what VM took, in 1.69 s: systemd 1.30 s, ..."
    took=$(sed -n 's/.* release INFO Released: .*, in \([0-9.]* s\).*/\1/p' "$log" | tail -1)
    echo "release: ${took:-?} (the hook's \"Released:\" line)"
fi
assert_desktop_back
assert_hook_log_complete "$log"
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
