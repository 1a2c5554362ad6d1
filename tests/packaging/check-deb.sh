#!/bin/sh
# check-deb.sh BUILD_DIR: the Debian package (make deb O=BUILD_DIR, built here if missing) has
# the packages' layout, its conffiles, docs and licence, the dependencies the binary dlopen()s,
# its maintainer scripts, a hardened stripped binary, and lintian finds nothing.
# One PASS/FAIL line per check; exit 1 on a failure.
set -u
build=${1:?usage: check-deb.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
prefix=packaging.deb-
status=0
. "$top/tests/packaging/lib.sh"
if ! debian_family; then
	skip all "no apt-get: the Debian package is built and checked on Debian and its derivatives"
	exit 0
fi
arch=$(dpkg --print-architecture)
deb=$build/deb/vfio-hook_${version}-1_$arch.deb

if [ ! -f "$deb" ]; then
	echo "building $deb (make deb)" >&2
	make -C "$top" --no-print-directory O="$(realpath -m "$build")" deb > "$build/make-deb.log" 2>&1 ||
		fail build "make deb failed: $build/make-deb.log" "$(tail -n 20 "$build/make-deb.log")"
fi
if [ ! -f "$deb" ]; then
	fail exists "no $deb"
	exit 1
fi
pass exists

scratch=$build/packaging/deb
rm -rf "$scratch" && mkdir -p "$scratch"
dpkg-deb -c "$deb" | awk '{ p = $6; sub(/^\./, "", p); l = $1 " " $2 " " p; if ($7 == "->") l = l " -> " $8; print l }' > "$scratch/list"
dpkg-deb -e "$deb" "$scratch/control"
dpkg-deb -x "$deb" "$scratch/root"

# has MODE OWNER PATH [-> TARGET]: one line of the file list.
has() { grep -qxF -- "$*" "$scratch/list"; }
check binary has -rwxr-xr-x root/root /usr/bin/vfio-hook
check hook-qemu-link has lrwxrwxrwx root/root /etc/libvirt/hooks/qemu -\> /usr/bin/vfio-hook
check hook-network-link has lrwxrwxrwx root/root /etc/libvirt/hooks/network -\> /usr/bin/vfio-hook
# Nothing executable under /etc: a program there would be a conffile.
check no-program-in-etc test -z "$(awk '$1 ~ /^-..x/ && $3 ~ /^\/etc\//' "$scratch/list")"
printf '/etc/libvirt/hooks/vfio-hook.conf\n/etc/libvirt/hooks/vfio-hook.d/default/vm.conf\n' > "$scratch/want-conffiles"
if cmp -s "$scratch/want-conffiles" "$scratch/control/conffiles"; then pass conffiles
else fail conffiles "expected: $(cat "$scratch/want-conffiles")" "got: $(cat "$scratch/control/conffiles" 2>/dev/null)"; fi
check doc-readme has -rw-r--r-- root/root /usr/share/doc/vfio-hook/README.md.gz
check doc-examples has -rw-r--r-- root/root /usr/share/doc/vfio-hook/examples/vfio-hook.conf.example
check doc-changelog has -rw-r--r-- root/root /usr/share/doc/vfio-hook/changelog.Debian.gz
check man-8 has -rw-r--r-- root/root /usr/share/man/man8/vfio-hook.8.gz
check man-5 has -rw-r--r-- root/root /usr/share/man/man5/vfio-hook.conf.5.gz
check completion-bash has -rw-r--r-- root/root /usr/share/bash-completion/completions/vfio-hook
check completion-zsh has -rw-r--r-- root/root /usr/share/zsh/site-functions/_vfio-hook
# The packaged pages render without a warning; the text is kept beside the package.
for page in man8/vfio-hook.8 man5/vfio-hook.conf.5; do
	name=$(basename "$page")
	if warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 \
		-l "$scratch/root/usr/share/man/$page.gz" 2>&1 >"$build/deb/$name.txt") &&
		[ -z "$warn" ] && grep -q '^NAME' "$build/deb/$name.txt"; then
		pass "man-renders-$name"
	else fail "man-renders-$name" "${warn:-no NAME section in $build/deb/$name.txt}"; fi
done
check license grep -q '^License: GPL-2+' "$scratch/root/usr/share/doc/vfio-hook/copyright"

# The libraries the binary dlopen()s, by the sonames it was built with.
depends=$(dpkg-deb -f "$deb" Depends)
missing=""
for soname in $(strings -n 8 "$scratch/root/usr/bin/vfio-hook" | grep -xE 'lib(xml2|kmod|systemd|pci|udev|smartcols)\.so\.[0-9]+' | sort -u); do
	pkg=$(dpkg-query -S "$(realpath "$(cc -print-file-name="$soname")")" 2>/dev/null | head -n1 | cut -d: -f1)
	[ -n "$pkg" ] || pkg=$(dpkg-query -S "$(realpath "$(cc -print-file-name="$soname")" | sed 's,^/usr,,')" 2>/dev/null | head -n1 | cut -d: -f1)
	case ", $depends" in *", $pkg "*|*", $pkg,"*|*", $pkg") ;; *) missing="$missing $soname($pkg)" ;; esac
done
if [ -z "$missing" ] && [ "$(strings -n 8 "$scratch/root/usr/bin/vfio-hook" | grep -cxE 'lib(xml2|kmod|systemd|pci|udev|smartcols)\.so\.[0-9]+' )" -ge 6 ]; then
	pass dlopen-depends
else fail dlopen-depends "Depends: $depends" "missing:$missing"; fi
check recommends-libvirt test "$(dpkg-deb -f "$deb" Recommends)" = libvirt-daemon-system

check preinst-diverts grep -q 'dpkg-divert --package vfio-hook --add --rename' "$scratch/control/preinst"
check postrm-restores grep -q 'dpkg-divert --package vfio-hook --remove --rename' "$scratch/control/postrm"
check prerm-journals grep -q '/run/vfio-hook/\*.journal' "$scratch/control/prerm"
check postinst-restarts grep -q 'restart "\$unit"' "$scratch/control/postinst"
for s in preinst postinst prerm postrm; do check "$s-syntax" sh -n "$scratch/control/$s"; done

bin=$scratch/root/usr/bin/vfio-hook
check stripped sh -c "! readelf -S '$bin' | grep -q '\.debug_info'"
check dbgsym test -f "$build/deb/vfio-hook-dbgsym_${version}-1_$arch.deb"
check pie sh -c "readelf -h '$bin' | grep -q 'DYN'"
check relro-now sh -c "readelf -d '$bin' | grep -q 'BIND_NOW\|FLAGS.*NOW' && readelf -l '$bin' | grep -q GNU_RELRO"
check fortified sh -c "readelf --dyn-syms -W '$bin' | grep -q '__[a-z]*_chk'"
check links-only-libc test "$(readelf -d "$bin" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p')" = libc.so.6

if out=$(lintian --fail-on error,warning "$build/deb/vfio-hook_${version}-1_$arch.changes" 2>&1 |
	grep -v 'running with root privileges'); [ -z "$out" ]; then pass lintian
else fail lintian "$out"; fi

exit $status
