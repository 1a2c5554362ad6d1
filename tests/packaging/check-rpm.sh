#!/bin/sh
# The RPM spec (docs/packaging/rpm/vfio-hook.spec): it parses, its version is the Makefile's,
# it names a package for every dlopen()ed library, and rpmbuild makes from `make dist`'s
# tarball a package that holds exactly what `make install` installs, the config files marked
# %config, and a -selinux package with the policy module.
# Usage: tests/packaging/check-rpm.sh BUILD_DIR
set -u
build=${1:?usage: check-rpm.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/packaging/lib.sh"
status=0
spec=$top/docs/packaging/rpm/vfio-hook.spec
work=$build/packaging/rpm

need rpmspec rpm.spec-parses rpm rpm-build || exit 1
mkdir -p "$work"
if rpmspec -P "$spec" > "$work/parsed.spec" 2> "$work/parse-errors"; then
	pass rpm.spec-parses
else
	fail rpm.spec-parses "$(head -n 3 "$work/parse-errors")"
	exit 1
fi

v=$(rpmspec -q --srpm --qf '%{VERSION}' "$spec" 2>/dev/null)
[ "$v" = "$version" ] && pass rpm.version || fail rpm.version "spec says '$v', the Makefile $version"

requires=$(rpmspec -q --requires "$spec" 2>/dev/null | awk '{ print $1 }' | tr '\n' ' ')
missing=$(dlopen_deps_missing 2 $requires)
[ -z "$missing" ] && pass rpm.requires-dlopen-libs ||
	fail rpm.requires-dlopen-libs "no Requires for" $missing

need rpmbuild rpm.build rpm rpm-build || exit 1
rm -rf "$work/SOURCES" "$work/RPMS" "$work/BUILD" "$work/BUILDROOT" && mkdir -p "$work/SOURCES"
if ! tarball=$(make_dist "$work/SOURCES"); then
	fail rpm.build "no release tarball (make dist, or git ls-files in $top)"
	exit 1
fi
# Man pages and completions come with the tree that builds them (docs/man/).
flags=
[ -e "$top/docs/man/vfio-hook.8.md" ] || flags="--without man"
# --nodeps: this may be a machine without an rpm database (Debian); the build itself needs
# what tests/deps.sh build installs.
if rpmbuild -bb --nodeps $flags --define "_topdir $work" "$spec" > "$work/rpmbuild.log" 2>&1; then
	pass rpm.build
else
	fail rpm.build "rpmbuild failed, $work/rpmbuild.log: $(grep -i 'error' "$work/rpmbuild.log" | head -n 3)"
	exit 1
fi

main=$(ls "$work"/RPMS/*/vfio-hook-"$version"-*.rpm 2>/dev/null | grep -v -- '-selinux-' | head -n 1)
selinux=$(ls "$work"/RPMS/noarch/vfio-hook-selinux-"$version"-*.rpm 2>/dev/null | head -n 1)

# Files and symlinks: the package's, less rpm's own additions (build ids, %license) and with
# man pages as make install left them (rpm compresses them), against make install's.
rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$main" | awk '$1 !~ /^d/ { print $2 }' |
	grep -v -e '^/usr/lib/\.build-id/' -e '^/usr/share/licenses/' |
	sed 's,^\(/usr/share/man/.*\)\.\(gz\|bz2\|xz\|zst\)$,\1,' | LC_ALL=C sort > "$work/rpm.list"
same_as_install rpm.files "$work/rpm.list" "the rpm"

# Every regular file under /etc but the hook itself is the admin's: %config(noreplace).
rpm -qp -c "$main" | LC_ALL=C sort > "$work/config.list"
(cd "$work/destdir" && find ./etc -type f ! -path ./etc/libvirt/hooks/qemu | sed 's,^\.,,' |
	LC_ALL=C sort) > "$work/config.expected"
noreplace=$(rpm -qp --qf '[%{FILEFLAGS:fflags}|%{FILENAMES}\n]' "$main" | awk -F'|' '$1 ~ /c/ && $1 !~ /n/ { print $2 }')
if ! diff -q "$work/config.expected" "$work/config.list" >/dev/null; then
	fail rpm.config "config files: $(tr '\n' ' ' < "$work/config.list"), expected $(tr '\n' ' ' < "$work/config.expected")"
elif [ -n "$noreplace" ]; then
	fail rpm.config "%config without noreplace: $noreplace"
else
	pass rpm.config
fi

if [ -n "$selinux" ] && rpm -qlp "$selinux" | grep -q '/vfio_hook\.pp\.bz2$'; then
	pass rpm.selinux-package
else
	fail rpm.selinux-package "no vfio-hook-selinux package holding vfio_hook.pp.bz2"
fi
exit $status
