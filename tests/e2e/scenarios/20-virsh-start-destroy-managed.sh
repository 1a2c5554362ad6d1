#!/bin/bash
# managed='yes': libvirt would detach the devices itself; our prepare has already handed
# them over (display manager, audio, console, driver, vfio-pci), so libvirt only finds them
# on vfio-pci. After destroy, our release gives everything back.
# In the gnome flavour the plan is kept as an artifact (plan.txt), and the run says how long
# after `virsh destroy` returned gnome-shell held the card again, and how long release took.
# On every GPU model: the card's own driver (bochs-drm, virtio-pci, or none when bochs is held
# back and efifb keeps the boot framebuffer on it) is what comes back; no boot framebuffer
# range lies in a BAR of the card while vfio-pci has it; on bochs-display efifb leaves
# efi-framebuffer.0 for the VM's run and has it again afterwards. Other models than vga keep
# their plan too.
# e2e-flavours: nodm gnome
# e2e-gpus: vga virtio-vga bochs-display
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-managed
log=/var/log/libvirt/hooks/qemu/$vm.log
define_vm $vm yes
rm -f "$log"
steady_state >"$E2E_WORK/before"
if [[ $E2E_FLAVOUR == gnome || $E2E_GPU != vga ]]; then
    keep plan.txt vfio-hook plan --xml "$E2E_WORK/$vm.xml"
fi
# efifb's platform driver is named efi-framebuffer, like its device.
EFIFB='efi-framebuffer.0 efi-framebuffer'
note "$GPU on '$GPU_HOST_DRIVER'; boot framebuffer: '$(xargs <<<"$BOOT_FB_STATE")'"
note "boot framebuffer ranges in its BARs: '$(fb_claims_in_bars $GPU | xargs)'"
if [[ $E2E_GPU == bochs-display ]]; then
    # Without this the variant would test nothing: run.sh --append modprobe.blacklist=bochs.
    [[ $GPU_HOST_DRIVER == none ]] || fail "$GPU is on $GPU_HOST_DRIVER: is bochs blacklisted?"
    grep -qx "$EFIFB" <<<"$BOOT_FB_STATE" || fail "efi-framebuffer.0 is not on efifb: '$(xargs <<<"$BOOT_FB_STATE")'"
    [[ -n $(fb_claims_in_bars $GPU) ]] || fail "efifb's range is not in a BAR of $GPU"
fi

note "virsh start"
virsh -q start $vm || fail "virsh start $vm failed"
[[ $(virsh domstate $vm) == running ]] || fail "$vm is '$(virsh domstate $vm)', expected running"
assert_handed_over
[[ -f /run/vfio-hook/$(uuid_of $vm).journal ]] || fail "no journal while the VM runs"
# assert_handed_over checked the BARs; say what /proc/iomem had, for the log.
note "while the VM runs, boot framebuffer: '$(boot_fb_state | xargs)'; ranges in $GPU's BARs: '$(fb_claims_in_bars $GPU | xargs)'"
if [[ $E2E_GPU == bochs-display ]]; then
    ! boot_fb_state | grep -qx "$EFIFB" || fail "efi-framebuffer.0 is still on efifb"
fi

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
assert_no_fb_in_bars $GPU
if [[ $E2E_GPU == bochs-display ]]; then
    boot_fb_state | grep -qx "$EFIFB" || fail "efi-framebuffer.0 is not back on efifb: '$(boot_fb_state | xargs)'"
fi
assert_hook_log_complete "$log"
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
