#!/bin/bash
# Release acts on the journal alone: the VM's description is changed while it runs (virsh desc
# --live) to 70 KB, past what the hook parses, so the XML libvirt passes to release no longer
# parses. virsh destroy must still give everything back, with one warning saying why.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-desc-live
log=/var/log/libvirt/hooks/qemu/$vm.log
define_vm $vm yes
rm -f "$log"
steady_state >"$E2E_WORK/before"
virsh -q start $vm || fail "virsh start $vm failed"
assert_handed_over
head -c 70000 /dev/zero | tr '\0' x >"$E2E_WORK/desc"
virsh -q desc $vm --live --new-desc "$(cat "$E2E_WORK/desc")" >/dev/null || fail "virsh desc --live failed"
(($(virsh dumpxml $vm | wc -c) > 70000)) || fail "the live description did not change"
note "description changed live to $(wc -c <"$E2E_WORK/desc") bytes"
virsh -q destroy $vm || fail "virsh destroy $vm failed"
assert_desktop_back
grep 'WARNING The domain XML at release does not parse' "$log" ||
    fail "no warning in $log: $(tail -5 "$log")"
[[ ! -e /run/vfio-hook/$(uuid_of $vm).journal ]] || fail "the journal is still there"
assert_hook_log_complete "$log"
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
