#!/bin/bash
# plan-scale.sh: does planning a VM start stay linear as the host and the domain grow?
#
# Usage: plan-scale.sh BINARY SPAWN_STATS OUTDIR
#   BINARY       build/vfio-hook
#   SPAWN_STATS  build/spawn-stats (tests/bench/spawn-stats.c)
#   OUTDIR       where the synthetic hosts, domains and OUTDIR/plan-scale.json go
# Environment:
#   PLAN_SCALE_RUNS=15  runs per point; the median wall and CPU time are kept
#   PLAN_SCALE_KEEP=1   keep the generated hosts, domains and plans (the JSON is always kept)
#   PLAN_SCALE_SIZES="64 128 256 512"  the x values, ascending (at most 4096)
#
# Three series, each at x = 64, 128, 256, 512 (PLAN_SCALE_SIZES), each point a dry-run prepare
# (`qemu --sysroot HOST --dry-run VM prepare begin -`, as libvirt runs the hook):
#   host-pci-devices  gpu-and-audio.xml against the q35-bochs-desktop host grown to x PCI
#                     functions: only the host grows.
#   domain-devices    gpu-and-audio.xml plus x-2 disks, interfaces, controllers and channels
#                     as libvirt's live XML spells them, against the plain host: only the XML grows.
#   domain-hostdevs   x <hostdev>s, each a synthetic function alone in its IOMMU group, against
#                     the fixture plus as many of them as the largest x: per-device planning.
# plan-scale.json holds per point the median wall_us and cpu_us, the largest maxrss_kib, the
# XML's size and the exit status, and per series a least-squares line on wall_us (slope,
# intercept, r2; the same on cpu_us) and ratio_last_first, to compare with x's own ratio
# (8 from 64 to 512). A refused plan is printed with its reasons and fails the run.
#
# The hook only ever runs with --dry-run and --sysroot on copies of the fixture under OUTDIR.
set -euo pipefail
shopt -s nullglob

usage() { sed -n '2,11p' "$0" >&2; exit 2; }
(($# == 3)) || usage
bin=$(realpath "$1")
stats=$(realpath "$2")
out=$3
runs=${PLAN_SCALE_RUNS:-15}
[[ -x $bin && -x $stats ]] || usage
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "plan-scale: PLAN_SCALE_RUNS must be a positive number" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
fixture=$here/../fixtures/hosts/q35-bochs-desktop
domain=$here/../fixtures/domains/q35-bochs-desktop/gpu-and-audio.xml
read -r -a sizes <<<"${PLAN_SCALE_SIZES:-64 128 256 512}"
prev=2
for x in "${sizes[@]}"; do
    if ! [[ $x =~ ^[0-9]+$ ]] || ((x <= prev || x > 4096)); then
        echo "plan-scale: PLAN_SCALE_SIZES: ascending numbers from 3 to 4096, please" >&2
        exit 2
    fi
    prev=$x
done
((${#sizes[@]} >= 2)) || { echo "plan-scale: PLAN_SCALE_SIZES: two sizes at least" >&2; exit 2; }

mkdir -p "$out"
out=$(realpath "$out")
rm -rf "$out/hosts" "$out/domains" "$out/plans"
mkdir -p "$out/hosts" "$out/domains" "$out/plans"
records=$out/plans/records.tsv
: >"$records"
cleanup() {
    [[ ${PLAN_SCALE_KEEP:-0} == 1 ]] || rm -rf "$out/hosts" "$out/domains" "$out/plans"
}
trap cleanup EXIT

die() { printf 'plan-scale: %s\n' "$*" >&2; exit 1; }

# The function every synthetic one is cloned from: a virtio-pci endpoint alone in its group.
tpl_bdf=0000:00:06.0
tpl=$fixture/sys/devices/pci0000:00/$tpl_bdf
[[ -L $tpl/driver && -L $tpl/iommu_group ]] || die "$tpl: no driver or IOMMU group to clone"
tpl_driver=$(basename "$(readlink "$tpl/driver")")
tpl_group=$(basename "$(readlink "$tpl/iommu_group")")
tpl_type=$(<"$fixture/sys/kernel/iommu_groups/$tpl_group/type")
tpl_uevent=$(<"$tpl/uevent")
# Its attributes and driver link, not its children: virtio2/block/vdc is one disk on one device.
tpl_entries=()
for e in "$tpl"/*; do
    [[ -f $e || -L $e ]] && [[ ${e##*/} != iommu_group && ${e##*/} != uevent ]] && tpl_entries+=("$e")
done

fixture_pci=("$fixture"/sys/bus/pci/devices/*)
base_pci=${#fixture_pci[@]}

# bdf_of I: the I-th synthetic function, one per slot from bus 01 on (valid BDFs, 32 a bus).
bdf_of() { printf -v bdf '0000:%02x:%02x.0' $((1 + $1 / 32)) $(($1 % 32)); }

# make_host DIR TOTAL: the fixture plus synthetic functions up to TOTAL PCI functions, each with
# the layout sysfs gives a real one (device directory, bus and driver links, own IOMMU group).
make_host() {
    local dir=$1 total=$2 i bdf dev group
    local extra=$((total - base_pci)) bus_links=() drv_links=() groups=()
    ((extra >= 0)) || die "the fixture already has $base_pci PCI functions, more than $total"
    cp -a "$fixture" "$dir"
    local next_group=0 g
    for g in "$dir"/sys/kernel/iommu_groups/*; do
        ((${g##*/} >= next_group)) && next_group=$((${g##*/} + 1))
    done
    for ((i = 0; i < extra; i++)); do
        bdf_of "$i"
        groups+=("$dir/sys/kernel/iommu_groups/$((next_group + i))/devices")
    done
    mkdir -p "${groups[@]}"
    for ((i = 0; i < extra; i++)); do
        bdf_of "$i"
        group=$((next_group + i))
        dev=$dir/sys/devices/pci0000:00/$bdf
        mkdir "$dev"
        cp -a -t "$dev" "${tpl_entries[@]}"
        printf '%s\n' "${tpl_uevent//"$tpl_bdf"/$bdf}" >"$dev/uevent"
        ln -s "../../../kernel/iommu_groups/$group" "$dev/iommu_group"
        ln -s "../../../../devices/pci0000:00/$bdf" "$dir/sys/kernel/iommu_groups/$group/devices/$bdf"
        printf '%s\n' "$tpl_type" >"$dir/sys/kernel/iommu_groups/$group/type"
        bus_links+=("../../../devices/pci0000:00/$bdf")
        drv_links+=("../../../../devices/pci0000:00/$bdf")
    done
    if ((extra)); then
        ln -s -t "$dir/sys/bus/pci/devices" "${bus_links[@]}"
        ln -s -t "$dir/sys/bus/pci/drivers/$tpl_driver" "${drv_links[@]}"
    fi
    check_host "$dir" "$total" "$extra"
}

# check_host DIR TOTAL EXTRA: list must see every function, and each synthetic group as ready.
check_host() {
    "$bin" --sysroot "$1" list --json >"$1.list.json" || die "$1: list failed"
    python3 - "$1.list.json" "$2" "$3" <<'EOF' || die "$1: the host is not what list reads"
import json, sys
path, total, extra = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
devices, ready = set(), 0
def walk(n, group):
    global ready
    if n.get("type") == "device":
        devices.add(n["name"])
        if group and group.get("verdict") == "ready" and not n["name"].startswith("0000:00:"):
            ready += 1
    for c in n.get("children") or []:
        walk(c, n if n.get("type") == "group" else group)
for n in json.load(open(path))["list"]:
    walk(n, None)
if len(devices) != total or ready != extra:
    sys.exit(f"list shows {len(devices)} PCI functions (want {total}), "
             f"{ready} synthetic ones ready (want {extra})")
EOF
    rm -f "$1.list.json"
}

# target_dev I: vda, vdb, ... vdz, vdaa, ... as libvirt names virtio disks.
target_dev() {
    local n=$1 s="" abc=abcdefghijklmnopqrstuvwxyz
    while :; do
        s=${abc:n % 26:1}$s
        ((n = n / 26 - 1, n >= 0)) || break
    done
    dev=vd$s
}

# The domain's head and its two hostdevs, without the closing tags.
domain_head() {
    sed -e '/<\/devices>/,$d' "$domain"
}

# ordinary_devices COUNT: disks, interfaces, controllers and channels, as in a live XML.
ordinary_devices() {
    local i bus slot
    for ((i = 0; i < $1; i++)); do
        bus=$((16 + i / 32)) slot=$((i % 32))
        case $((i % 4)) in
        0)
            target_dev "$i"
            printf "    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none' io='native' discard='unmap'/>
      <source file='/var/lib/libvirt/images/d%d.qcow2' index='%d'/>
      <backingStore type='file' index='%d'>
        <format type='qcow2'/>
        <source file='/var/lib/libvirt/images/base/debian-12-genericcloud-amd64.qcow2'/>
        <backingStore/>
      </backingStore>
      <target dev='%s' bus='virtio'/>
      <serial>scale-d%d</serial>
      <alias name='virtio-disk%d'/>
      <address type='pci' domain='0x0000' bus='0x%02x' slot='0x%02x' function='0x0'/>
    </disk>\n" "$i" "$((2 * i + 1))" "$((2 * i + 2))" "$dev" "$i" "$i" "$bus" "$slot" ;;
        1)
            printf "    <interface type='network'>
      <mac address='52:54:00:%02x:%02x:%02x'/>
      <source network='default' portid='7b0c6c5e-1b44-4a5e-9a3c-%012x' bridge='virbr0'/>
      <target dev='vnet%d'/>
      <model type='virtio'/>
      <driver name='vhost' queues='4' rx_queue_size='1024' tx_queue_size='1024'/>
      <link state='up'/>
      <mtu size='1500'/>
      <alias name='net%d'/>
      <rom bar='on'/>
      <address type='pci' domain='0x0000' bus='0x%02x' slot='0x%02x' function='0x0'/>
    </interface>\n" $((i >> 16 & 255)) $((i >> 8 & 255)) $((i & 255)) "$i" "$i" "$i" "$bus" "$slot" ;;
        2)
            printf "    <controller type='pci' index='%d' model='pcie-root-port'>
      <model name='pcie-root-port'/>
      <target chassis='%d' port='0x%x'/>
      <alias name='pci.%d'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x%02x' function='0x%x'/>
    </controller>\n" $((i + 1)) $((i + 1)) $((16 + i % 256)) $((i + 1)) $((2 + i / 8 % 30)) $((i % 8)) ;;
        3)
            printf "    <channel type='unix'>
      <source mode='bind' path='/run/libvirt/qemu/channel/1-win10/org.example.agent.%d'/>
      <target type='virtio' name='org.example.agent.%d' state='disconnected'/>
      <alias name='channel%d'/>
      <address type='virtio-serial' controller='%d' bus='0' port='%d'/>
    </channel>\n" "$i" "$i" "$i" $((i / 30)) $((1 + i % 30)) ;;
        esac
    done
}

# synthetic_hostdevs COUNT: the first COUNT synthetic functions as managed PCI hostdevs.
synthetic_hostdevs() {
    local i bus slot
    for ((i = 0; i < $1; i++)); do
        bus=$((1 + i / 32)) slot=$((i % 32))
        printf "    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio'/>
      <source>
        <address domain='0x0000' bus='0x%02x' slot='0x%02x' function='0x0'/>
      </source>
      <alias name='hostdev%d'/>
      <address type='pci' domain='0x0000' bus='0x%02x' slot='0x%02x' function='0x0'/>
    </hostdev>\n" "$bus" "$slot" "$i" $((16 + bus)) "$slot"
    done
}

vm_name() { sed -n 's:.*<name>\(.*\)</name>.*:\1:p' "$1" | head -n1; }

# measure SERIES X HOST XML HOSTDEVS DEVICES PCI: one check run (kept, also a warm-up), then RUNS.
measure() {
    local series=$1 x=$2 host=$3 xml=$4 vm plan=$out/plans/$1-$2
    vm=$(vm_name "$xml")
    local cmd=("$bin" --sysroot "$host" --dry-run "$vm" prepare begin -)
    "$stats" -n 1 -i "$xml" -0 qemu -- "${cmd[@]}" >"$plan.txt" 2>"$plan.err"
    "$stats" -n "$runs" -i "$xml" -0 qemu -- "${cmd[@]}" >"$plan.runs" 2>/dev/null
    tail -n 1 "$plan.runs" >"$plan.json"
    rm -f "$plan.runs"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$series" "$x" "$(stat -c %s "$xml")" "$5" "$6" \
        "$7" "$plan.json" "$plan.txt" >>"$records"
}

# --- the hosts -------------------------------------------------------------------------------
echo "plan-scale: generating hosts (fixture: $base_pci PCI functions)" >&2
plain=$out/hosts/plain
cp -a "$fixture" "$plain"
for n in "${sizes[@]}"; do
    make_host "$out/hosts/pci-$n" "$n"
done
hostdev_host=$out/hosts/hostdevs-${sizes[-1]}
make_host "$hostdev_host" $((base_pci + sizes[-1]))

# --- the domains -----------------------------------------------------------------------------
for d in "${sizes[@]}"; do
    { domain_head; ordinary_devices $((d - 2)); printf '  </devices>\n</domain>\n'; } \
        >"$out/domains/devices-$d.xml"
    { domain_head | sed -e '/<hostdev/,$d'; synthetic_hostdevs "$d"; printf '  </devices>\n</domain>\n'; } \
        >"$out/domains/hostdevs-$d.xml"
done

# --- the runs --------------------------------------------------------------------------------
echo "plan-scale: $runs runs a point" >&2
for n in "${sizes[@]}"; do
    measure host-pci-devices "$n" "$out/hosts/pci-$n" "$domain" 2 2 "$n"
done
for d in "${sizes[@]}"; do
    measure domain-devices "$d" "$plain" "$out/domains/devices-$d.xml" 2 "$d" "$base_pci"
done
for d in "${sizes[@]}"; do
    measure domain-hostdevs "$d" "$hostdev_host" "$out/domains/hostdevs-$d.xml" "$d" "$d" \
        $((base_pci + sizes[-1]))
done

# --- the report ------------------------------------------------------------------------------
python3 - "$records" "$out/plan-scale.json" <<'EOF'
import json, statistics, sys

records, dest = sys.argv[1], sys.argv[2]
labels = {
    "host-pci-devices": "PCI functions on the host",
    "domain-devices": "devices in the domain XML",
    "domain-hostdevs": "PCI hostdevs in the domain XML",
}
series = {}
for line in open(records):
    name, x, xml_bytes, hostdevs, devices, pci, stats_path, plan_path = line.rstrip("\n").split("\t")
    s = json.load(open(stats_path))
    refused = [l.strip() for l in open(plan_path, errors="replace") if "refused:" in l]
    point = {
        "x": int(x),
        "wall_us": statistics.median(s["wall_us"]),
        "cpu_us": statistics.median(s["cpu_us"]),
        "maxrss_kib": max(s["maxrss_kib"]),
        "xml_bytes": int(xml_bytes),
        "hostdevs": int(hostdevs),
        "domain_devices": int(devices),
        "host_pci_functions": int(pci),
        "exit": max(s["exit"]),
    }
    if refused:
        point["refused"] = refused
    series.setdefault(name, []).append(point)

def fit(points, key):
    xs = [p["x"] for p in points]
    ys = [p[key] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    intercept = my - slope * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys))
    r2 = 1 - ss_res / ss_tot if ss_tot else 1.0
    return slope, intercept, r2

doc = {"series": []}
for name, points in series.items():
    slope, intercept, r2 = fit(points, "wall_us")
    # CPU time too: on a busy machine it is the steadier of the two.
    cpu_slope, cpu_intercept, cpu_r2 = fit(points, "cpu_us")
    first, last = points[0], points[-1]
    ratio = lambda k: round(last[k] / first[k], 3) if first[k] else None
    doc["series"].append({
        "name": name,
        "x_label": labels[name],
        "points": points,
        "slope_us_per_x": round(slope, 3),
        "intercept_us": round(intercept, 1),
        "r2": round(r2, 4),
        "ratio_last_first": ratio("wall_us"),
        "x_ratio_last_first": round(last["x"] / first["x"], 3),
        "cpu_slope_us_per_x": round(cpu_slope, 3),
        "cpu_intercept_us": round(cpu_intercept, 1),
        "cpu_r2": round(cpu_r2, 4),
        "cpu_ratio_last_first": ratio("cpu_us"),
    })
with open(dest, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")

bad = 0
for s in doc["series"]:
    print(f"{s['name']}: x = {s['x_label']}")
    print(f"  {'x':>5} {'wall_us':>9} {'cpu_us':>9} {'rss_kib':>8} {'xml_bytes':>9} {'exit':>4}")
    for p in s["points"]:
        print(f"  {p['x']:>5} {p['wall_us']:>9.0f} {p['cpu_us']:>9.0f} {p['maxrss_kib']:>8} "
              f"{p['xml_bytes']:>9} {p['exit']:>4}")
        for r in p.get("refused", []):
            print(f"        {r}")
            bad += 1
        if p["exit"] and not p.get("refused"):
            print("        exit status without a refusal: see the plan")
            bad += 1
    for what, k in (("wall", ""), ("cpu", "cpu_")):
        print(f"  {what} fit: {s[k + 'slope_us_per_x']} us per x + {s[k + 'intercept_us']} us, "
              f"r2 {s[k + 'r2']}; time x{s[k + 'ratio_last_first']} for x x{s['x_ratio_last_first']}")
print(f"plan-scale: {dest}")
sys.exit(1 if bad else 0)
EOF
