#!/bin/bash
# Install what the e2e layer needs on the machine that runs the guest, and only
# what is missing, so a second run is silent and does not touch the package manager.
# Usage: deps.sh [--modules]
#   --modules  also the headers of the kernel the guest boots (the newest in /boot), to build
#              the test modules (modules/) for it
set -euo pipefail

log() { printf 'deps: %s\n' "$*" >&2; }
modules=0
[[ ${1:-} != --modules ]] || modules=1

# guest_kernel: the release image.sh boots, once the kernel package is in.
guest_kernel() { find /boot -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n1; }

if command -v apt-get >/dev/null 2>&1; then
    # Debian/Ubuntu: linux-image-amd64 gives the kernel + initrd in /boot and the
    # modules the guest boots with; qemu-utils gives qemu-img for the overlay.
    want=(qemu-system-x86 ovmf debootstrap linux-image-amd64 e2fsprogs qemu-utils)
    have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
    pkg_install() {
        log "installing: $*"
        export DEBIAN_FRONTEND=noninteractive
        # Someone else may be running apt: wait for the lock instead of failing.
        apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
        apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >&2
    }
    # The headers of exactly the guest's kernel (they pull in kbuild and the compiler).
    headers() { echo "linux-headers-$1"; }
elif command -v dnf >/dev/null 2>&1; then
    want=(qemu-system-x86 edk2-ovmf debootstrap kernel-core e2fsprogs qemu-img)
    have() { rpm -q "$1" >/dev/null 2>&1; }
    pkg_install() { log "installing: $*"; dnf install -y -q "$@" >&2; }
    headers() { echo "kernel-devel-$1"; }
else
    log "no apt-get or dnf: install qemu-system-x86 ovmf debootstrap kernel e2fsprogs qemu-img by hand"
    exit 1
fi

missing=()
for p in "${want[@]}"; do have "$p" || missing+=("$p"); done
((${#missing[@]} == 0)) || pkg_install "${missing[@]}"
# Only now is the guest's kernel known: the first install may have brought it.
if ((modules)); then
    p=$(headers "$(guest_kernel)")
    have "$p" || pkg_install "$p"
fi
