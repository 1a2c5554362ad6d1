#!/bin/bash
# A dry run (the plan verb, and the hook with --dry-run) must leave every
# piece of host state exactly as it was, and still say what it would do.
set -euo pipefail
. "$E2E_DIR/lib.sh"

xml=$E2E_WORK/dry.xml
domain_xml e2e-dry yes "" 0000:00:03.0 0000:00:03.1 >"$xml"

host_state >"$E2E_WORK/before"

note "vfio-hook plan --xml"
plan=$(vfio-hook plan --xml "$xml" 2>&1) || fail "vfio-hook plan exited $?: $plan"
echo "$plan"
note "hook --dry-run prepare begin"
out=$(/etc/libvirt/hooks/qemu --dry-run e2e-dry prepare begin - <"$xml" 2>&1) ||
    fail "hook --dry-run exited $?: $out"
echo "$out"

host_state >"$E2E_WORK/after"
diff -u "$E2E_WORK/before" "$E2E_WORK/after" || fail "host state changed during a dry run"

for w in 0000:00:03.0 0000:00:03.1 vfio-pci; do
    grep -q -- "$w" <<<"$plan" || fail "plan output does not mention $w"
done
