#!/bin/sh
# The Arch PKGBUILD (docs/packaging/arch/): it and its install script parse, pkgver is the
# Makefile's VERSION, depends names a package for every dlopen()ed library, and its build()
# and package(), run on `make dist`'s tarball as makepkg would, install what `make install`
# does, with every backup=() entry a file of the package.
# Usage: tests/packaging/check-arch.sh BUILD_DIR
set -u
build=${1:?usage: check-arch.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/packaging/lib.sh"
status=0
dir=$top/docs/packaging/arch
work=$build/packaging/arch

need bash arch.syntax bash bash || exit 1
if out=$(bash -n "$dir/PKGBUILD" 2>&1 && bash -n "$dir/vfio-hook.install" 2>&1); then
	pass arch.syntax
else
	fail arch.syntax "$out"
	exit 1
fi
# install=, and the functions pacman calls in it.
missing=
for f in post_install post_upgrade pre_remove; do
	bash -c ". '$dir/vfio-hook.install' && declare -F $f" >/dev/null 2>&1 || missing="$missing $f"
done
inst=$(bash -c ". '$dir/PKGBUILD' && echo \"\$install\"")
[ "$inst" = vfio-hook.install ] && [ -z "$missing" ] && pass arch.install-script ||
	fail arch.install-script "install='$inst', missing functions:$missing"

v=$(bash -c ". '$dir/PKGBUILD' && echo \"\$pkgver\"")
[ "$v" = "$version" ] && pass arch.pkgver || fail arch.pkgver "PKGBUILD says '$v', the Makefile $version"

depends=$(bash -c ". '$dir/PKGBUILD' && echo \"\${depends[*]}\"")
missing=$(dlopen_deps_missing 3 $depends)
[ -z "$missing" ] && pass arch.depends-dlopen-libs || fail arch.depends-dlopen-libs "no depends for" $missing

# build() and package() in makepkg's layout: $srcdir holds the unpacked tarball.
rm -rf "$work" && mkdir -p "$work/src" "$work/pkg"
if ! tarball=$(make_dist "$work") || ! tar -xzf "$tarball" -C "$work/src"; then
	fail arch.package "no release tarball (make dist in $top)"
	exit 1
fi
if (cd "$work/src" && srcdir=$work/src pkgdir=$work/pkg bash -euc \
	". '$dir/PKGBUILD'; (build); (package)") > "$work/makepkg.log" 2>&1; then
	pkg_list=$( (cd "$work/pkg" && find . ! -type d | sed 's,^\.,,' | grep -v '^/usr/share/licenses/' |
		LC_ALL=C sort) )
	printf '%s\n' "$pkg_list" > "$work/pkg.list"
	same_as_install arch.package "$work/pkg.list" "package()"
else
	fail arch.package "build() or package() failed: $work/makepkg.log: $(tail -n 3 "$work/makepkg.log")"
fi

# backup=() paths are relative to / and must be regular files of the package.
bad=
for b in $(bash -c ". '$dir/PKGBUILD' && echo \"\${backup[*]}\""); do
	[ -f "$work/pkg/$b" ] && [ ! -L "$work/pkg/$b" ] || bad="$bad $b"
done
# and every file under /etc but the hook is in backup=().
for f in $(cd "$work/pkg" && find etc -type f ! -path etc/libvirt/hooks/qemu 2>/dev/null); do
	bash -c ". '$dir/PKGBUILD' && printf '%s\n' \"\${backup[@]}\"" | grep -qx "$f" || bad="$bad $f(not in backup)"
done
[ -z "$bad" ] && pass arch.backup || fail arch.backup "backup=() entries:$bad"
exit $status
