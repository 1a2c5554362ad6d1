# Shared by tests/packaging/check-*.sh: sourced after `build` and `top` are set.

# Results are named NAME, after the script's $prefix if it sets one.
pass() { echo "PASS ${prefix:-}$1"; }
# fail NAME WHY...: the reason goes on the same line, so tests/run.sh's summary shows it.
fail() { n=$1; shift; echo "FAIL ${prefix:-}$n: $(printf '%s' "$*" | tr '\n' ' ')"; status=1; }
# skip NAME WHY...: the check cannot run on this distribution; neither a pass nor a failure.
skip() { n=$1; shift; echo "SKIP ${prefix:-}$n: $*"; }
# check NAME COMMAND...: PASS NAME when COMMAND succeeds, else FAIL NAME naming it.
check() { n=$1; shift; if "$@"; then pass "$n"; else fail "$n" "failed: $*"; fi; }

# need TOOL NAME APT DNF: FAIL NAME (and return 1) when TOOL is missing, saying what to install.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	fail "$2" "$1 not found (apt-get install $3, or dnf install $4; tests/deps.sh test installs it)"
	return 1
}

# The Debian package is built where tests/deps.sh installs its tools (dpkg-dev, debhelper,
# lintian): with apt, on Debian and its derivatives. Elsewhere (Fedora) its checks skip; where
# apt is, a missing tool is a failure.
debian_family() { command -v apt-get >/dev/null 2>&1; }

# BUILD_DIR made absolute and created: every scratch directory below lives in it, whatever
# the current directory or the state of BUILD_DIR.
case $build in /*) ;; *) build=$PWD/$build ;; esac
mkdir -p "$build/packaging" || exit 1

# The packaging builds must not see the make that runs the tests: its variables and job server.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
# Nor the variables the calling make exports from its command line (make check-fast O=DIR):
# a package build that took O=DIR would build there, and its clean would delete DIR.
unset O DESTDIR PREFIX SANITIZE WERROR V

version=$(sed -n 's/^VERSION *:= *//p' "$top/Makefile")

# The libraries the binary dlopen()s (their LIB*_SONAME in the Makefile), with the package
# that carries each one: Fedora, then Arch. A new dlopen()ed library must be added here and
# to both packages' dependencies.
dlopen_packages() {
	cat <<'LIBS'
LIBXML2 libxml2 libxml2
LIBKMOD kmod-libs kmod
LIBSYSTEMD systemd-libs systemd-libs
LIBUDEV systemd-libs systemd-libs
LIBPCI pciutils-libs pciutils
LIBSMARTCOLS libsmartcols util-linux-libs
LIBS
}
dlopen_libs() {
	sed -n 's/^\(LIB[A-Z0-9]*\)_SONAME *:=.*/\1/p' "$top/Makefile"
}
# dlopen_deps_missing COLUMN DEPS...: the libraries whose package (column 2: Fedora, 3: Arch)
# is not among DEPS, or that have no entry above.
dlopen_deps_missing() {
	col=$1; shift
	for lib in $(dlopen_libs); do
		p=$(dlopen_packages | awk -v l="$lib" -v c="$col" '$1 == l { print $c }')
		if [ -z "$p" ]; then echo "$lib(no package known)"; continue; fi
		case " $* " in *" $p "*) ;; *) echo "$lib($p)" ;; esac
	done
}

# make_dist DIR: the release tarball (make dist), vfio-hook-VERSION.tar.gz, in DIR; prints its path.
make_dist() {
	make -C "$top" -s --no-print-directory dist O="$1" >/dev/null || return 1
	echo "$1/vfio-hook-$version.tar.gz"
}

# install_list DIR: what `make install DESTDIR=DIR PREFIX=/usr` puts there, files and symlinks
# (directories left out), one path a line, sorted.
install_list() {
	rm -rf "$1"
	make -C "$top" -s --no-print-directory O="$build" DESTDIR="$1" PREFIX=/usr SYSCONFDIR=/etc \
		install >/dev/null || return 1
	(cd "$1" && find . ! -type d | sed 's,^\.,,' | LC_ALL=C sort)
}

# same_as_install NAME LIST WHAT: PASS NAME when the sorted file list LIST (of the package WHAT)
# holds exactly what make install installs, else FAIL NAME with the difference.
same_as_install() {
	if ! install_list "$work/destdir" > "$work/install.list"; then
		fail "$1" "make install DESTDIR=$work/destdir failed"
	elif diff -u "$work/install.list" "$2" > "$work/files.diff"; then
		pass "$1"
	else
		fail "$1" "$3 and make install differ (- install, + $3): $(grep '^[-+]/' "$work/files.diff" | tr '\n' ' ')"
	fi
}
