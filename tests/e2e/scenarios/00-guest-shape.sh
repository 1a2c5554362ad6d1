#!/bin/bash
# The guest must look like a single-GPU desktop before any handoff test means
# anything: one IOMMU group with the VGA and its HDA function, both on their
# host drivers, a display manager whose Xorg holds the card, the user's PipeWire
# running, libvirtd up and fbcon bound.
set -euo pipefail
. "$E2E_DIR/lib.sh"

gpu=0000:00:03.0 hda=0000:00:03.1

group=$(iommu_group_of $gpu)
members=$(cd /sys/kernel/iommu_groups/"$group"/devices && echo *)
note "IOMMU group $group: $members"
[[ $members == "$gpu $hda" ]] || fail "group $group holds '$members', expected '$gpu $hda'"

assert_driver $gpu bochs-drm
assert_driver $hda snd_hda_intel
[[ -c /dev/dri/card0 ]] || fail "/dev/dri/card0 missing"

assert_unit_active display-manager.service
assert_held_by /dev/dri/card0 Xorg
for u in pipewire.service wireplumber.service pipewire-pulse.service; do
    assert_user_unit_active "$E2E_USER" "$u"
done
assert_unit_active libvirtd.service

note "vtcons:"; vtcon_state
vtcon_state | grep -q '^vtcon[0-9]* bind=1 (M) frame buffer device$' ||
    fail "no bound vtcon named '(M) frame buffer device'"

# Facts for the C side: what is left of the boot framebuffer once bochs drives the GPU.
note "boot framebuffer:"
found=0
for d in /sys/bus/platform/devices/*framebuffer* /sys/bus/platform/devices/*display*; do
    [[ -e $d ]] || continue
    drv=none; [[ -L $d/driver ]] && drv=$(basename "$(readlink "$d/driver")")
    echo "  $(basename "$d") registered, driver=$drv"; found=1
done
((found)) || echo "  no platform framebuffer/display device registered"
for f in /sys/class/graphics/fb[0-9]*; do
    [[ -e $f ]] || continue
    echo "  $(basename "$f"): name=$(cat "$f/name") device=$(basename "$(readlink -f "$f/device")")"
done
note "modules of interest:"; grep -E '^(bochs|snd_hda_intel|vfio[a-z_]*|drm[a-z_]*|efifb) ' /proc/modules | cut -d' ' -f1-4
note "holders of /dev/snd/*:"; for n in /dev/snd/*; do
    if [[ -c $n ]]; then echo "  $n $(holder_names "$n")"; fi
done
