#!/bin/bash
# The guest must look like a single-GPU desktop before any handoff test means
# anything: one IOMMU group with the VGA and its HDA function, both on their
# host drivers, a display manager whose desktop holds the card (Xorg; in the gnome
# flavour the user's gnome-shell, in a Wayland session, with PID 1 and systemd-logind
# holding logind's copies of the card), the user's PipeWire running, libvirtd up and
# fbcon bound.
# e2e-flavours: nodm gnome
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
if [[ $E2E_FLAVOUR == gnome ]]; then
    note "holders of /dev/dri/card0 (pid comm user cgroup):"; holders_detail /dev/dri/card0 | sed 's/^/  /'
    assert_desktop_holds_card
    # The compositor gets the card from logind, which keeps a copy and hands one to PID 1's
    # fd store: both hold the card while the session runs.
    assert_held_by /dev/dri/card0 systemd-logind
    [[ -n $(find /proc/1/fd -mindepth 1 -maxdepth 1 -lname /dev/dri/card0 -print -quit) ]] ||
        fail "PID 1 does not hold /dev/dri/card0 (holders: $(holder_names /dev/dri/card0))"
    note "mappings of /dev/dri/*:"
    { grep -l ' /dev/dri/' /proc/[0-9]*/maps 2>/dev/null || true; } | cut -d/ -f3 |
        while read -r p; do echo "  $p $(comm_of "$p")"; done
    # gnome-shell runs as the user unit, in the user's manager, not in the session's scope.
    for p in $(pgrep -x -u "$E2E_USER" gnome-shell); do
        cg=$(sed -n 's/^0:://p' "/proc/$p/cgroup")
        note "gnome-shell $p cgroup: $cg"
        [[ $cg == */user@$(id -u "$E2E_USER").service/*/$GNOME_SHELL_UNIT ]] ||
            fail "gnome-shell $p is in $cg, not in $E2E_USER's $GNOME_SHELL_UNIT"
    done
    note "Xwayland: $(pgrep -a -x Xwayland | xargs || true)"
    # desk's session is a Wayland one.
    note "logind sessions:"
    found=0
    for sid in $(loginctl list-sessions --no-legend | awk '{print $1}'); do
        props=$(loginctl show-session "$sid" -p Name -p Type -p Class -p Service -p Scope -p Leader -p State | xargs)
        echo "  $sid: $props"
        [[ " $props " != *" Name=$E2E_USER "* || " $props " != *" Type=wayland "* ]] || found=1
    done
    ((found)) || fail "$E2E_USER has no session of Type=wayland"
else
    assert_held_by /dev/dri/card0 Xorg
fi
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
