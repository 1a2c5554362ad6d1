#!/bin/bash
# SIGKILL the hook in the middle of prepare (after the display manager and audio are
# down, while it waits for a process that ignores SIGTERM to let go of the GPU), then run
# release as libvirt would: the desktop comes back, and a later start/destroy works.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-kill
define_vm $vm yes
xml=$E2E_WORK/$vm.xml
journal=/run/vfio-hook/$(uuid_of $vm).journal
# Whatever happens below, libvirt would call release: so do we.
on_exit "/etc/libvirt/hooks/qemu $vm release end - <'$xml' >/dev/null 2>&1"

# A stubborn holder of the GPU: ignores SIGTERM, so the hook waits before SIGKILL.
systemd-run -q --unit e2e-stubborn --property KillMode=process \
    bash -c 'trap "" TERM; exec 3</dev/dri/card0; exec sleep 600'
on_exit "systemctl kill -s KILL e2e-stubborn 2>/dev/null; systemctl reset-failed e2e-stubborn 2>/dev/null"
wait_for "holder_names /dev/dri/card0 | grep -qw sleep" 10 || fail "stubborn holder did not start"

/etc/libvirt/hooks/qemu $vm prepare begin - <"$xml" >"$E2E_WORK/prepare.out" 2>&1 &
hook=$!
wait_for "grep -q 'action started holders' '$journal'" 60 || fail "prepare never reached the holders stage"
kill -9 $hook
wait $hook 2>/dev/null || true
note "journal left by the killed prepare:"; cat "$journal"
assert_unit_inactive display-manager.service

/etc/libvirt/hooks/qemu $vm release end destroyed <"$xml" || fail "release failed"
systemctl kill -s KILL e2e-stubborn 2>/dev/null || true
wait_for "! systemctl is-active e2e-stubborn" 10 || true
systemctl reset-failed e2e-stubborn 2>/dev/null || true
assert_desktop_back

note "a full cycle afterwards"
handoff_cycle $vm
