#!/bin/bash
# make bench, in the guest: CYCLES virsh start/destroy cycles of a VM passing the GPU and its
# audio function, with libvirt's every call of the hook timed from fork to exit (spawn-stats -w)
# and the hook's own trace of where the time went; then the cost of calls with nothing to do.
# The records and traces go to the artifacts; tests/bench/report.py makes the table.
# e2e-timeout: 2400
set -euo pipefail
. "$E2E_DIR/lib.sh"
CYCLES=7 NOOP_RUNS=50
# shellcheck source=/dev/null
. "$E2E_DIR/extra/bench.conf"
timer=$E2E_DIR/extra/spawn-stats
records=$E2E_ARTIFACTS/calls.jsonl
trace=$E2E_ARTIFACTS/trace.json

vm=bench-handoff
define_vm $vm yes
hook_wrap
# Every call libvirt makes goes through the timer: a record per call, a trace per call.
for op in prepare start started stopped release; do
    printf '%s\n' "$timer" -w "$records" -t "$trace" -- >"$HOOK_PREFIXES/$op"
done

for ((i = 1; i <= CYCLES; i++)); do
    note "cycle $i of $CYCLES"
    handoff_cycle $vm
done
n_prep=$(grep -c '"prepare","begin"' "$records") || true
n_rel=$(grep -c '"release","end"' "$records") || true
((n_prep == CYCLES && n_rel == CYCLES)) ||
    fail "expected $CYCLES prepare/begin and release/end records, got $n_prep and $n_rel"
n_traces=$(grep -c '"call": "'$vm' prepare/begin"' "$trace") || true
((n_traces >= CYCLES)) || fail "expected $CYCLES prepare traces, got $n_traces"

# Calls with nothing to do, as libvirt makes them for every VM: the installed binary run
# directly (no wrapper), as root, on the live host.
xml=$E2E_WORK/$vm.xml
plain=$E2E_WORK/plain.xml
domain_xml bench-plain yes "" >"$plain"
for call in "start begin" "started begin"; do
    "$timer" -n "$NOOP_RUNS" -i "$xml" -- "$HOOK_BIN" $vm $call - >"$E2E_ARTIFACTS/noop-${call// /-}.json"
done
"$timer" -n "$NOOP_RUNS" -i "$plain" -- "$HOOK_BIN" bench-plain prepare begin - \
    >"$E2E_ARTIFACTS/noop-no-hostdevs.json"
"$timer" -n "$NOOP_RUNS" -i "$plain" -- "$HOOK_BIN" bench-plain release end - \
    >"$E2E_ARTIFACTS/noop-release-no-journal.json"
for f in "$E2E_ARTIFACTS"/noop-*.json; do
    grep -q '"exit":\[0\(,0\)*\]' "$f" || fail "a no-op call failed: $f"
done
# Nothing was touched by them: no journal, no log file for the plain VM.
! ls /run/vfio-hook/*.journal >/dev/null 2>&1 || fail "a journal appeared: $(ls /run/vfio-hook)"
uname -r >"$E2E_ARTIFACTS/kernel"
nproc >"$E2E_ARTIFACTS/cpus"
