#!/bin/bash
# managed='no': libvirt only checks the devices are on a stub driver; the hook binds
# vfio-pci itself, and gives the devices back after destroy.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-unmanaged
define_vm $vm no
steady_state >"$E2E_WORK/before"
handoff_cycle $vm
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
