#!/bin/sh
# check-install.sh BUILD_DIR: make install / uninstall into a DESTDIR under BUILD_DIR, both
# layouts: where the binary and the links go, a foreign hook kept aside and put back, a
# second install over the first, settings kept, nothing restarted or printed for a DESTDIR.
# One PASS/FAIL line per check; exit 1 on a failure.
set -u
build=${1:?usage: check-install.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
prefix=packaging.install-
status=0
. "$top/tests/packaging/lib.sh"

d=$build/install-check
mk() { make -C "$top" --no-print-directory O="$build" DESTDIR="$d" PREFIX=/usr "$@" > "$build/install-check.log" 2>&1; }
foreign() {
	rm -rf "$d" && mkdir -p "$d/etc/libvirt/hooks"
	printf '#!/bin/sh\necho foreign\n' > "$d/etc/libvirt/hooks/qemu"
	chmod 755 "$d/etc/libvirt/hooks/qemu"
}
is_foreign() { [ -f "$1" ] && [ ! -L "$1" ] && grep -q '^echo foreign$' "$1"; }

for layout in file link; do
	flag=""; [ $layout = link ] && flag=HOOK_LINK=1
	foreign
	if mk install $flag; then pass "$layout-runs"; else fail "$layout-runs" "$(tail -n 5 "$build/install-check.log")"; fi
	h=$d/etc/libvirt/hooks
	if [ $layout = link ]; then
		check link-binary test -f "$d/usr/bin/vfio-hook" -a ! -L "$d/usr/bin/vfio-hook" -a -x "$d/usr/bin/vfio-hook"
		check link-qemu test "$(readlink "$h/qemu")" = /usr/bin/vfio-hook
		check link-network test "$(readlink "$h/network")" = /usr/bin/vfio-hook
	else
		check file-binary test -f "$h/qemu" -a ! -L "$h/qemu" -a -x "$h/qemu"
		check file-network test "$(readlink "$h/network")" = qemu
		check file-on-path test "$(readlink "$d/usr/bin/vfio-hook")" = /etc/libvirt/hooks/qemu
	fi
	check "$layout-foreign-kept" is_foreign "$h/qemu.before-vfio-hook"
	check "$layout-no-restart-with-destdir" sh -c "! grep -q 'systemctl' '$build/install-check.log'"
	echo 'setting = kept' >> "$h/vfio-hook.conf"
	# Again, and in the other layout: ours is replaced, the kept foreign hook stays as it is.
	other=HOOK_LINK=1; [ $layout = link ] && other=HOOK_LINK=
	if mk install $other && mk install $flag; then pass "$layout-reinstall"; else fail "$layout-reinstall" "$(tail -n 5 "$build/install-check.log")"; fi
	check "$layout-reinstall-foreign-kept" is_foreign "$h/qemu.before-vfio-hook"
	check "$layout-reinstall-settings-kept" grep -q 'setting = kept' "$h/vfio-hook.conf"
	if mk uninstall $flag; then pass "$layout-uninstall-runs"; else fail "$layout-uninstall-runs" "$(tail -n 5 "$build/install-check.log")"; fi
	check "$layout-uninstall-foreign-back" is_foreign "$h/qemu"
	check "$layout-uninstall-nothing-left" sh -c "! ls -d '$h/network' '$h/qemu.before-vfio-hook' '$d/usr/bin/vfio-hook' '$d/usr/share/doc/vfio-hook' 2>/dev/null | grep -q ."
	check "$layout-uninstall-settings-kept" grep -q 'setting = kept' "$h/vfio-hook.conf"
done

# A foreign hook that uninstall did not put there is left alone.
foreign
mk install HOOK_LINK=1 && rm "$d/etc/libvirt/hooks/qemu" && cp "$d/etc/libvirt/hooks/qemu.before-vfio-hook" "$d/etc/libvirt/hooks/qemu"
mk uninstall HOOK_LINK=1
check uninstall-leaves-foreign is_foreign "$d/etc/libvirt/hooks/qemu"
rm -rf "$d"
exit $status
