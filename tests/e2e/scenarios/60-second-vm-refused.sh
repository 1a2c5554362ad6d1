#!/bin/bash
# A second VM asking for the GPU while the first has it is refused, naming the first; the
# first keeps its devices and its journal.
set -euo pipefail
. "$E2E_DIR/lib.sh"

define_vm e2e-first yes
define_vm e2e-second yes
virsh -q start e2e-first || fail "virsh start e2e-first failed"
assert_handed_over
journal=/run/vfio-hook/$(uuid_of e2e-first).journal
cp "$journal" "$E2E_WORK/journal.before"

if virsh -q start e2e-second >"$E2E_WORK/start.out" 2>&1; then
    fail "the second VM started with the first VM's GPU"
fi
note "virsh start e2e-second said:"; cat "$E2E_WORK/start.out"
grep -q "in use by VM 'e2e-first'" "$E2E_WORK/start.out" || fail "the refusal does not name e2e-first"
assert_handed_over
cmp -s "$journal" "$E2E_WORK/journal.before" || fail "the first VM's journal changed"
[[ $(virsh domstate e2e-first) == running ]] || fail "e2e-first is no longer running"

virsh -q destroy e2e-first
assert_desktop_back
