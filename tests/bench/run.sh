#!/bin/bash
# make bench: what vfio-hook costs, measured, never asserted in a timed test.
#   1. calls with nothing to do, on this machine (against a copy of its captured tree);
#   2. planning alone as the host and the domain XML grow (plan-scale.sh);
#   3. in the real-kernel guest: BENCH_CYCLES virsh start/destroy cycles with every hook call
#      timed as libvirt runs it, the hook's own trace of each, and the no-op calls there;
#   4. report.py: the tables, OUTDIR/bench.json and OUTDIR/timeline.svg.
# Usage: run.sh BUILD_DIR   (OUTDIR is BUILD_DIR/bench)
# Env: BENCH_CYCLES (7), BENCH_NOOP_RUNS (200 here, 50 in the guest), BENCH_GUEST=0 skips 3.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(realpath "${1:?usage: run.sh BUILD_DIR}")
binary=$build/vfio-hook
out=$build/bench
[[ -x $binary ]] || { echo "run.sh: no $binary (make first)" >&2; exit 2; }
rm -rf "$out" && mkdir -p "$out/machine"
${CC:-cc} -O2 -Wall -Wextra -o "$out/spawn-stats" "$here/spawn-stats.c"
timer=$out/spawn-stats

# 1. No-op calls here. The hook only ever runs for real in the guest: here it reads a copy of
# this kind of machine's tree (--sysroot), which for these calls is all it would read anyway.
host=$out/machine/host
cp -a "$repo/tests/fixtures/hosts/microvm-virtio-noiommu" "$host"
plain=$repo/tests/fixtures/domains/microvm-virtio-noiommu/no-hostdevs.xml
name=$(sed -n 's|.*<name>\(.*\)</name>.*|\1|p' "$plain" | head -1)
runs=${BENCH_NOOP_RUNS:-200}
for call in "start begin" "started begin" "prepare begin"; do
    file=${call// /-}; [[ $call != prepare* ]] || file=no-hostdevs
    "$timer" -n "$runs" -i "$plain" -0 qemu -- "$binary" --sysroot "$host" "$name" $call - \
        >"$out/machine/noop-$file.json"
done
echo "bench: no-op calls on this machine done"

# 2. Planning alone, as things grow.
bash "$here/plan-scale.sh" "$binary" "$timer" "$out"

# 3. The guest.
if [[ ${BENCH_GUEST:-1} != 0 ]]; then
    printf 'CYCLES=%s\nNOOP_RUNS=%s\n' "${BENCH_CYCLES:-7}" "${BENCH_GUEST_NOOP_RUNS:-50}" \
        >"$out/bench.conf"
    bash "$repo/tests/e2e/run.sh" --build "$out/e2e" --scenarios "$here/guest" \
        --payload "$timer" --payload "$out/bench.conf" "$binary" handoff
fi

# 4. The report.
python3 "$here/report.py" "$out"
