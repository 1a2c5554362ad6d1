#!/bin/bash
# Run the e2e scenarios against BINARY in a real-kernel QEMU guest: a q35
# machine with an IOMMU and a GPU-like VGA + HDA pair in one IOMMU group, a
# desktop holding them, and libvirt calling BINARY as its qemu hook.
#
# Usage: run.sh [--flavour NAME] [--gpu MODEL] [--edu] [--capture OUTDIR] [--append KERNEL_ARGS]
#               [--build DIR] [--scenarios DIR] [--payload FILE]... BINARY [SCENARIO...]
#   SCENARIO    a name under scenarios/ without .sh (default: those that name the flavour in
#               their "# e2e-flavours:" line, nodm when they have none, and the GPU model in
#               their "# e2e-gpus:" line, vga when they have none; none with --capture;
#               one whose "# e2e-needs:" line says deb is skipped on a host without apt
#               when no .deb is given)
#   --flavour   the guest's desktop (image.sh): nodm (default) or gnome
#   --gpu       the guest's GPU at 00:03.0: vga (default; -device VGA, bochs-drm), virtio-vga
#               (virtio_gpu on virtio-pci, the PCI driver of the guest's disks too) or
#               bochs-display (display class 0x0380; with --append modprobe.blacklist=bochs
#               efifb keeps the boot framebuffer on it)
#   --edu       also QEMU's edu device at 00:09.0 (an IOMMU group of its own), and in the
#               payload the vfio_e2e_edu module (modules/) built for the guest's kernel
#   --capture   also capture the guest's sysfs/proc with tests/fixtures/capture.sh into OUTDIR
#   --append    extra guest kernel arguments (e.g. modprobe.blacklist=bochs)
#   --scenarios take the scenarios from DIR instead (make bench does)
#   --payload   one more file for the guest, in $E2E_DIR/extra/
#   --build     where the disks, logs and results go (default build/e2e, build/e2e-NAME for
#               another flavour or GPU, NAME as in the results' names)
# Env: VFIO_HOOK_E2E_DEADLINE (s, whole guest run, default: the scenarios' timeouts + 300),
#      VFIO_HOOK_E2E_SCENARIO_TIMEOUT (s, default 300; a scenario's "# e2e-timeout: S" wins),
#      VFIO_HOOK_E2E_DESKTOP_DEADLINE (s the guest waits for its desktop, default 180),
#      VFIO_HOOK_E2E_CACHE (image cache, see image.sh).
# Prints one "PASS|FAIL name seconds" line per scenario (name prefixed with "NAME/" for a
# flavour other than nodm or a GPU model other than vga, "gnome-virtio-vga/" for both),
# timings, and last "N passed, N failed". Exits non-zero if anything failed or the guest
# never reported.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build='' flavour=nodm gpu=vga edu=0
capture='' append='' scenario_dir=$here/scenarios extra=()

usage() { sed -n '6,29p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (($#)); do
    case $1 in
        --flavour) flavour=$2; shift 2 ;;
        --gpu) gpu=$2; shift 2 ;;
        --edu) edu=1; shift ;;
        --capture) capture=$2; shift 2 ;;
        --append) append=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        --scenarios) scenario_dir=$(realpath "$2"); shift 2 ;;
        --payload) extra+=("$(realpath "$2")"); shift 2 ;;
        -h|--help) usage ;;
        -*) echo "run.sh: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done
(($#)) || usage
binary=$(realpath "$1"); shift
[[ -x $binary ]] || { echo "run.sh: $binary is not an executable" >&2; exit 2; }
[[ -f $here/flavours/$flavour.packages ]] || { echo "run.sh: no flavour $flavour" >&2; exit 2; }
# The GPU: QEMU's device at 00:03.0, function 0 of the multifunction pair with the HDA.
case $gpu in
    vga) gpu_device=VGA ;;
    virtio-vga) gpu_device=virtio-vga ;;
    bochs-display) gpu_device=bochs-display ;;
    *) echo "run.sh: no GPU model $gpu (vga, virtio-vga, bochs-display)" >&2; exit 2 ;;
esac
# Results of another flavour than nodm or another GPU than vga are told apart by their
# names: "gnome/20-...", "virtio-vga/20-...", "gnome-virtio-vga/20-...".
name=''
[[ $flavour == nodm ]] || name=$flavour
[[ $gpu == vga ]] || name=${name:+$name-}$gpu
label=${name:+$name/}
[[ -n $build ]] || build=$repo/build/e2e${name:+-$name}

# tag_of FILE TAG DEFAULT: the words of a scenario's "# e2e-TAG:" line, DEFAULT without one.
tag_of() {
    local f; f=$(sed -n "s/^# e2e-$2:\(.*\)/\1/p" "$1" | head -1)
    echo "${f:-$3}"
}
if (($#)); then
    scenarios=("$@")
elif [[ -n $capture ]]; then
    scenarios=()
else
    scenarios=()
    for f in "$scenario_dir"/*.sh; do
        [[ " $(tag_of "$f" flavours nodm) " == *" $flavour "* &&
            " $(tag_of "$f" gpus vga) " == *" $gpu "* ]] || continue
        scenarios+=("$(basename "$f" .sh)")
    done
fi
for s in "${scenarios[@]}"; do
    [[ -f $scenario_dir/$s.sh ]] || { echo "run.sh: no scenario $s" >&2; exit 2; }
done
# A scenario whose "# e2e-needs:" line says deb installs the Debian package (make deb, given
# with --payload). Where none can be built, on a host without apt (Fedora), and none is given,
# it is skipped: neither passed nor failed. On a Debian host a missing package fails it.
skipped=()
if ! command -v apt-get >/dev/null 2>&1 &&
    ! printf '%s\n' "${extra[@]}" | grep -q '/vfio-hook_[^/]*\.deb$'; then
    kept=()
    for s in "${scenarios[@]}"; do
        if [[ " $(tag_of "$scenario_dir/$s.sh" needs '') " == *" deb "* ]]; then
            skipped+=("$s")
        else
            kept+=("$s")
        fi
    done
    scenarios=("${kept[@]}")
fi
scenario_timeout=${VFIO_HOOK_E2E_SCENARIO_TIMEOUT:-300}
# The whole guest run may take as long as its scenarios may, plus boot and capture.
deadline=300
for s in "${scenarios[@]}"; do
    t=$(sed -n 's/^# e2e-timeout: *\([0-9][0-9]*\).*/\1/p' "$scenario_dir/$s.sh" | head -1)
    deadline=$((deadline + ${t:-$scenario_timeout}))
done
deadline=${VFIO_HOOK_E2E_DEADLINE:-$deadline}
if [[ -n $capture ]]; then
    capture=$(realpath -m "$capture")
    # Never clobber: a capture goes into a new or empty directory.
    [[ ! -e $capture || -z $(ls -A "$capture") ]] || { echo "run.sh: $capture is not empty" >&2; exit 2; }
fi

# Whatever stops this script before the guest has reported (deps, image build,
# payload), the scenarios did not run: say so, and count them as failed.
reported=0
not_run() {
    local rc=$? s
    ((reported)) && exit "$rc"
    echo "run.sh: stopped (exit $rc) before the guest could run" >&2
    for s in "${scenarios[@]}"; do echo "FAIL $label$s - (not run)"; done
    echo "FAIL ${label}guest did not run"
    echo "0 passed, $((${#scenarios[@]} + 1)) failed"
    exit 1
}
trap not_run EXIT

t_start=$SECONDS
if ((edu)); then bash "$here/deps.sh" --modules; else bash "$here/deps.sh"; fi
entry=$(bash "$here/image.sh" "$flavour")
krel=$(cat "$entry/kernel-release")
t_image=$((SECONDS - t_start))

mkdir -p "$build"
build=$(realpath "$build")

# The edu device's test driver, built against the headers of the kernel the guest boots
# (the guest has no compiler), into the build dir, and handed over as one more payload file.
if ((edu)); then
    t_mod=$SECONDS
    make -s -C "$here/modules" KERNEL_RELEASE="$krel" OUT="$build/modules" >&2
    extra+=("$build/modules/vfio_e2e_edu.ko")
    echo "module: vfio_e2e_edu.ko for $krel in $((SECONDS - t_mod))s" >&2
fi

# Payload disk: the binary, the helpers, the chosen scenarios and the guest driver.
rm -rf "$build/payload" "$build/results" "$build/artifacts" "$build/payload.img" "$build/results.img"
mkdir -p "$build/payload/scenarios" "$build/results"
install -m 0755 "$binary" "$build/payload/vfio-hook"
install -m 0644 "$here/lib.sh" "$build/payload/lib.sh"
install -m 0755 "$here/guest-driver.sh" "$build/payload/driver.sh"
install -m 0755 "$repo/tests/fixtures/capture.sh" "$build/payload/capture.sh"
for s in "${scenarios[@]}"; do install -m 0755 "$scenario_dir/$s.sh" "$build/payload/scenarios/"; done
if ((${#extra[@]})); then
    mkdir -p "$build/payload/extra"
    install -m 0755 "${extra[@]}" "$build/payload/extra/"
fi
# The hostile input corpus, for the scenario that feeds it to the installed hook.
cp -r "$repo/tests/corpus" "$build/payload/corpus"
cat >"$build/payload/e2e.conf" <<EOF
FLAVOUR=$flavour
GPU=$gpu
SCENARIOS="${scenarios[*]}"
CAPTURE=$([[ -n $capture ]] && echo 1 || echo 0)
SCENARIO_TIMEOUT=$scenario_timeout
DESKTOP_DEADLINE=${VFIO_HOOK_E2E_DESKTOP_DEADLINE:-180}
EOF
payload_mb=$(( $(du -sm "$build/payload" | cut -f1) * 2 + 16 ))
mke2fs -q -t ext4 -L payload -d "$build/payload" "$build/payload.img" "${payload_mb}M" >&2
# Results disk: the guest writes a tar archive onto the raw device.
truncate -s 512M "$build/results.img"

# A spare data disk for the drives scenario: an MBR with one partition holding ext4
# (written by hand: no partitioning tool needed on the machine).
rm -f "$build/data.img"
truncate -s 64M "$build/data.img"
printf '\x00\x00\x00\x00\x83\x00\x00\x00\x00\x08\x00\x00\x00\xf8\x01\x00' |
    dd of="$build/data.img" bs=1 seek=446 conv=notrunc status=none
printf '\x55\xaa' | dd of="$build/data.img" bs=1 seek=510 conv=notrunc status=none
mke2fs -q -t ext4 -L e2e-data -E offset=1048576 "$build/data.img" 63M >&2

# The cached image is never written: the guest runs on a throwaway overlay.
rm -f "$build/root.qcow2"
qemu-img create -q -f qcow2 -F raw -b "$entry/guest.img" "$build/root.qcow2"

# UEFI firmware (so the guest has an efi-framebuffer like a real desktop), with
# a private copy of the variable store.
for d in /usr/share/OVMF /usr/share/edk2/ovmf; do
    for c in OVMF_CODE_4M.fd OVMF_CODE.fd; do
        [[ -f $d/$c ]] && { ovmf_code=$d/$c; ovmf_vars=$d/${c/CODE/VARS}; break 2; }
    done
done
[[ -n ${ovmf_code:-} ]] || { echo "run.sh: no OVMF firmware found" >&2; exit 1; }
cp "$ovmf_vars" "$build/ovmf-vars.fd"

echo "guest: $flavour, GPU $gpu, kernel $krel, image $entry" >&2
edu_device=()
((edu == 0)) || edu_device=(-device 'edu,bus=pcie.0,addr=0x9')
t_qemu=$SECONDS
rc=0
# intel-iommu comes before the PCI devices; 03.0 + 03.1 form the "GPU" (one slot,
# no ACS, so one IOMMU group). The edu device (--edu) sits alone in slot 9, its own group.
# Disks get fixed slots so the root is /dev/vda; an xHCI
# controller with a tablet on it gives `vfio-hook list` a USB tree to show.
# no_timer_check: with the machine's cores busy, the TCG guest can fail the IO-APIC timer
# check and panic at boot.
timeout -k 10 "$deadline" qemu-system-x86_64 \
    -name vfio-e2e -nodefaults -no-reboot -display none -monitor none \
    -accel tcg -machine q35 -smp 2 -m 2048 \
    -drive if=pflash,format=raw,readonly=on,file="$ovmf_code" \
    -drive if=pflash,format=raw,file="$build/ovmf-vars.fd" \
    -device intel-iommu,caching-mode=on \
    -device "$gpu_device",bus=pcie.0,addr=0x3.0,multifunction=on \
    -device intel-hda,bus=pcie.0,addr=0x3.1 -device hda-duplex,audiodev=snd0 \
    -audiodev none,id=snd0 \
    -drive file="$build/root.qcow2",format=qcow2,if=none,id=root,cache=unsafe \
    -device virtio-blk-pci,drive=root,bus=pcie.0,addr=0x4 \
    -drive file="$build/payload.img",format=raw,if=none,id=payload,readonly=on \
    -device virtio-blk-pci,drive=payload,bus=pcie.0,addr=0x5 \
    -drive file="$build/results.img",format=raw,if=none,id=results \
    -device virtio-blk-pci,drive=results,bus=pcie.0,addr=0x6,serial=vfio-e2e-results \
    -drive file="$build/data.img",format=raw,if=none,id=data \
    -device virtio-blk-pci,drive=data,bus=pcie.0,addr=0x7,serial=e2e-data \
    -device qemu-xhci,bus=pcie.0,addr=0x8,id=xhci -device usb-tablet,bus=xhci.0 \
    "${edu_device[@]}" \
    -serial file:"$build/serial.log" \
    -kernel "$entry/vmlinuz" -initrd "$entry/initrd.img" \
    -append "console=ttyS0 root=/dev/vda rw intel_iommu=on iommu=pt quiet no_timer_check $append" ||
    rc=$?
t_qemu=$((SECONDS - t_qemu))
((rc == 124 || rc == 137)) && echo "run.sh: guest killed at the ${deadline}s deadline" >&2
((rc == 0 || rc == 124 || rc == 137)) || echo "run.sh: qemu exited with $rc" >&2

reported=1
# Whatever the guest managed to write, even if it was killed half-way.
tar -C "$build/results" -xf "$build/results.img" 2>/dev/null ||
    echo "run.sh: results disk unreadable or empty" >&2
res=$build/results
# The scenarios' artifacts (panes, --json output), one directory per scenario.
arts=$build/artifacts
[[ ! -d $res/artifacts ]] || mv "$res/artifacts" "$arts"

passed=0 failed=0
if [[ -s $res/ready ]]; then sed 's/^/guest: /' "$res/ready" >&2; fi
if [[ -n $capture ]]; then
    if [[ $(cat "$res/capture.status" 2>/dev/null) == ok ]]; then
        mkdir -p "$capture"
        cp -a "$res/capture/." "$capture/"
        echo "capture: $(du -sh "$capture" | cut -f1) in $capture"
    else
        echo "FAIL ${label}capture (status: $(cat "$res/capture.status" 2>/dev/null || echo none); see $res/capture.log)"
        failed=$((failed + 1))
    fi
fi
for s in "${scenarios[@]}"; do
    # JSON its scenario asked the host to validate (lib.sh's schema_check), each a result.
    while read -r f schema; do
        [[ -n $f ]] || continue
        if out=$(python3 "$repo/tests/lib/json-schema-check.py" "$arts/$s/$f" \
            "$repo/docs/$schema.schema.json" 2>&1); then
            echo "PASS $label$s/json-schema-$f -"; passed=$((passed + 1))
        else
            echo "FAIL $label$s/json-schema-$f - ($out)"; failed=$((failed + 1))
        fi
    done < <(cat "$arts/$s/schema-checks" 2>/dev/null)
    # Its sub-results first (fault and kill points), each counted on its own.
    while read -r verdict name secs; do
        # A point the guest cannot test (lib.sh's skip): shown with its reason, not counted.
        if [[ $verdict == SKIP ]]; then echo "SKIP $label$name: $secs"; continue; fi
        echo "$verdict $label$name $secs"
        if [[ $verdict == PASS ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    done < <(awk -v p="$s/" 'index($2, p) == 1' "$res/results" 2>/dev/null)
    # The lines it asked to show (lib.sh's report: a table of its points), counted as nothing.
    [[ ! -s $arts/$s/report ]] || cat "$arts/$s/report"
    line=$(awk -v s="$s" '$2 == s' "$res/results" 2>/dev/null | tail -n1) || true
    if [[ $line == PASS* ]]; then
        passed=$((passed + 1)); echo "PASS $label${line#PASS }"
    else
        failed=$((failed + 1))
        if [[ -n $line ]]; then
            echo "FAIL $label${line#FAIL }"
            sed 's/^/    | /' "$res/$s.log" | tail -n 40
        else
            echo "FAIL $label$s - (no result: the guest did not run it)"
        fi
    fi
done
if [[ ! -e $res/complete ]]; then
    echo "FAIL ${label}guest did not complete; see $build/serial.log"
    failed=$((failed + 1))
fi
for s in "${skipped[@]}"; do
    echo "SKIP $label$s: no apt-get, so no Debian package (make deb) to install"
done

ready=$(awk '$1 == "ready" {print $2}' "$res/times" 2>/dev/null) || true
echo "image: ${t_image}s (includes deps and a build if it was not cached)"
echo "guest boot: ${ready:-?}s from kernel start to desktop ready"
echo "guest run: ${t_qemu}s of QEMU wall time; total: $((SECONDS - t_start))s"
echo "logs: $build/serial.log, $res/"
[[ ! -d $arts ]] || echo "artifacts: $arts/"
echo "$passed passed, $failed failed${skipped[0]+, ${#skipped[@]} skipped}"
((failed == 0))
