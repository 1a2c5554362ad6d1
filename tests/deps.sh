#!/bin/sh
# Install what building (deps.sh build) or testing (deps.sh test) needs, only what is missing,
# with apt on Debian/Ubuntu or dnf on Fedora. Run as root, or it says what to install.
set -eu
what=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)

if command -v apt-get >/dev/null 2>&1; then
	# go-md2man: the man pages (docs/man/*.md).
	pkgs="gcc make pkg-config libxml2-dev libkmod-dev libpci-dev libudev-dev libsystemd-dev libsmartcols-dev pci.ids go-md2man"
	# clang and its runtimes: CI builds with both compilers, runs ASan+UBSan, and the fuzz
	# layer links libFuzzer (libclang_rt.fuzzer, in libclang-rt-dev too); cppcheck and
	# clang-tidy: make analyze (with gcc's -fanalyzer); strace: the hostile-input tests prove
	# that nothing is written where it should not be; python3-jsonschema: the verbs' --json
	# output is checked against docs/*.schema.json (tests/lib/json-schema-check.py).
	[ "$what" = test ] && pkgs="$pkgs clang libclang-rt-dev cppcheck clang-tidy strace python3-jsonschema"
	# man-db (with groff): the docs layer renders the man pages with warnings on; zsh runs
	# the zsh completion.
	[ "$what" = test ] && pkgs="$pkgs man-db zsh"
	# The packaging layer: rpmbuild and rpmspec, checkmodule and semodule_package for the
	# SELinux module, apparmor_parser for the AppArmor snippets (tests/packaging/).
	[ "$what" = test ] && pkgs="$pkgs rpm checkpolicy semodule-utils apparmor"
	# make deb (dpkg-buildpackage checks the package's Build-Depends, go-md2man among them) and
	# lintian: tests/packaging/check-deb.sh and the e2e scenario that installs the package.
	[ "$what" = test ] && pkgs="$pkgs debhelper dpkg-dev lintian"
	missing=""
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		if [ "$(id -u)" -ne 0 ]; then
			echo "Missing packages:$missing (run: sudo apt-get install$missing)" >&2
			exit 1
		fi
		echo "Installing:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq || true
		apt-get install -y -qq -o DPkg::Lock::Timeout=600 $missing >/dev/null
	fi
elif command -v dnf >/dev/null 2>&1; then
	pkgs="gcc make pkgconf-pkg-config libxml2-devel kmod-devel pciutils-devel systemd-devel libsmartcols-devel hwdata golang-github-cpuguy83-md2man"
	# compiler-rt: clang's sanitizer runtimes and libFuzzer, as libclang-rt-dev on Debian.
	[ "$what" = test ] && pkgs="$pkgs clang compiler-rt cppcheck clang-tools-extra strace python3-jsonschema man-db zsh"
	[ "$what" = test ] && pkgs="$pkgs rpm-build checkpolicy policycoreutils apparmor-parser"
	missing=""
	for p in $pkgs; do rpm -q "$p" >/dev/null 2>&1 || missing="$missing $p"; done
	if [ -n "$missing" ]; then
		if [ "$(id -u)" -ne 0 ]; then
			echo "Missing packages:$missing (run: sudo dnf install$missing)" >&2
			exit 1
		fi
		echo "Installing:$missing"
		dnf install -y -q $missing
	fi
else
	echo "Neither apt-get nor dnf found: install the build dependencies listed in README.md" >&2
	exit 1
fi

# The real-kernel layer needs QEMU, OVMF, debootstrap and a kernel to boot.
[ "$what" = test ] && bash "$here/e2e/deps.sh"
exit 0
