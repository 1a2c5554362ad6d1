#!/bin/sh
# The one test runner: runs the named layers (layout, unit, integration, fuzz, docs, packaging, e2e,
# e2e-virtio-vga, e2e-efifb), shows every "PASS name" / "FAIL name" line they print, and ends
# with "N passed, N failed", followed by ", N skipped" when a check printed "SKIP name: why"
# (it needs a tool this distribution does not package): a skip is neither a pass nor a failure.
# Usage: tests/run.sh [--build DIR] LAYER...
set -u
build=build
if [ "${1:-}" = "--build" ]; then build=$2; shift 2; fi
[ $# -gt 0 ] || set -- unit integration
here=$(cd "$(dirname "$0")" && pwd)
out="$build/test-results"
mkdir -p "$out"
: > "$out/all.log"
status=0

# run_layer NAME TITLE COMMAND...: the layer's output, kept in $out/NAME.log, shown and counted.
# A layer that printed no result at all (a guest that never reported, say) failed: that is
# not silence. SKIP lines are results.
run_layer() {
	name=$1 log=$out/$1.log
	echo "== $2"
	shift 2
	"$@" > "$log" 2>&1 || status=1
	grep -q '^\(PASS\|FAIL\|SKIP\) ' "$log" || echo "FAIL $name.reported" >> "$log"
	cat "$log"
	cat "$log" >> "$out/all.log"
}

for layer in "$@"; do
	case $layer in
	layout)
		# Every source in a layer's folder, every include pointing down (docs/design.md).
		run_layer layout "layout (the include rule of the layers)" sh "$here/layout/check-layers.sh"
		;;
	unit)
		echo "== unit"
		for t in "$build"/tests/test-*; do
			[ -x "$t" ] || continue
			"$t" > "$out/$(basename "$t").log" 2>&1 || status=1
			cat "$out/$(basename "$t").log"
			cat "$out/$(basename "$t").log" >> "$out/all.log"
		done
		;;
	integration)
		run_layer integration integration sh "$here/integration/run.sh" "$build"
		;;
	fuzz)
		# Short libFuzzer runs from the seed corpora; binaries in $FUZZ_BUILD (make fuzz-build).
		run_layer fuzz "fuzz (libFuzzer smoke runs)" \
			sh "$here/fuzz/run.sh" smoke --build "${FUZZ_BUILD:-build-fuzz}"
		;;
	docs)
		# The man pages, --help, the completions and docs/reference.md against the code.
		run_layer docs docs sh "$here/docs/run.sh" "$build"
		;;
	packaging)
		# make install, the .deb, the rpm, the PKGBUILD, the SELinux module and the AppArmor
		# snippets (tests/packaging/).
		run_layer packaging packaging sh "$here/packaging/run.sh" "$build"
		;;
	e2e)
		# The Debian package (make deb) for 98-debian-package; without it that scenario fails.
		payload=""
		for deb in "$build"/deb/vfio-hook_*.deb; do [ -f "$deb" ] && payload="--payload $deb"; done
		# shellcheck disable=SC2086
		run_layer e2e "e2e (real kernel in QEMU, Xorg under nodm)" \
			bash "$here/e2e/run.sh" --build "$build/e2e" $payload "$build/vfio-hook"
		# The same guest running GNOME Shell on Wayland under GDM: its results are gnome/...
		run_layer e2e-gnome "e2e (real kernel in QEMU, GNOME on Wayland)" \
			bash "$here/e2e/run.sh" --flavour gnome --build "$build/e2e-gnome" "$build/vfio-hook"
		;;
	e2e-virtio-vga)
		# The nodm guest on a virtio-vga card (virtio_gpu on virtio-pci, which also drives the
		# disks) with QEMU's edu device beside it: a start/destroy cycle, a driver whose
		# unbind hangs (vfio_e2e_edu, built here for the guest's kernel) and a card that
		# comes back without its DRM card. Results virtio-vga/...
		run_layer e2e-virtio-vga "e2e (real kernel in QEMU, virtio-vga, a stuck unbind)" \
			bash "$here/e2e/run.sh" --gpu virtio-vga --edu --build "$build/e2e-virtio-vga" \
			"$build/vfio-hook"
		;;
	e2e-efifb)
		# A display controller (class 0x0380) no driver takes, efifb keeping the boot
		# framebuffer in its BAR, on a console host (no display manager): the hook must take
		# efifb off the card for the VM and give it back. Results bochs-display/...
		run_layer e2e-efifb "e2e (real kernel in QEMU, efifb on a display controller)" \
			bash "$here/e2e/run.sh" --gpu bochs-display \
			--append "modprobe.blacklist=bochs systemd.mask=nodm.service" \
			--build "$build/e2e-efifb" "$build/vfio-hook"
		;;
	*)
		echo "unknown test layer '$layer'" >&2
		exit 2
		;;
	esac
done

passed=$(grep -c '^PASS ' "$out/all.log")
failed=$(grep -c '^FAIL ' "$out/all.log")
skipped=$(grep -c '^SKIP ' "$out/all.log")
[ "$skipped" -eq 0 ] || { echo; echo "Skipped:"; grep '^SKIP ' "$out/all.log"; }
[ "$failed" -eq 0 ] || { echo; echo "Failed:"; grep '^FAIL ' "$out/all.log"; }
[ "$passed" -gt 0 ] || status=1
[ "$failed" -eq 0 ] || status=1
if [ "$skipped" -eq 0 ]; then
	echo "$passed passed, $failed failed"
else
	echo "$passed passed, $failed failed, $skipped skipped"
fi
exit $status
