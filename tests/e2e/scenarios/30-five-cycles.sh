#!/bin/bash
# Five start/destroy cycles end in the same host state as the first, with no process or
# file descriptor left behind.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-cycles
define_vm $vm yes
fds() { ls /proc/$(pidof libvirtd)/fd | wc -l; }
handoff_cycle $vm
host_state >"$E2E_WORK/first"
fds_first=$(fds)
for i in 2 3 4 5; do
    note "cycle $i"
    handoff_cycle $vm
done
host_state >"$E2E_WORK/last"
diff_states "$E2E_WORK/first" "$E2E_WORK/last"
! pgrep -f /etc/libvirt/hooks/qemu >/dev/null || fail "hook processes left: $(pgrep -af /etc/libvirt/hooks/qemu)"
fds_last=$(fds)
note "libvirtd fds: $fds_first after cycle 1, $fds_last after cycle 5"
((fds_last <= fds_first + 2)) || fail "libvirtd fds grew from $fds_first to $fds_last"
