#!/bin/bash
# Install what the e2e layer needs on the machine that runs the guest, and only
# what is missing, so a second run is silent and does not touch the package manager.
set -euo pipefail

log() { printf 'deps: %s\n' "$*" >&2; }

if command -v apt-get >/dev/null 2>&1; then
    # Debian/Ubuntu: linux-image-amd64 gives the kernel + initrd in /boot and the
    # modules the guest boots with; qemu-utils gives qemu-img for the overlay.
    want=(qemu-system-x86 ovmf debootstrap linux-image-amd64 e2fsprogs qemu-utils)
    missing=()
    for p in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    ((${#missing[@]})) || exit 0
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Someone else may be running apt: wait for the lock instead of failing.
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
        "${missing[@]}" >&2
elif command -v dnf >/dev/null 2>&1; then
    want=(qemu-system-x86 edk2-ovmf debootstrap kernel-core e2fsprogs qemu-img)
    missing=()
    for p in "${want[@]}"; do rpm -q "$p" >/dev/null 2>&1 || missing+=("$p"); done
    ((${#missing[@]})) || exit 0
    log "installing: ${missing[*]}"
    dnf install -y -q "${missing[@]}" >&2
else
    log "no apt-get or dnf: install ${want[*]:-qemu-system-x86 ovmf debootstrap kernel e2fsprogs qemu-img} by hand"
    exit 1
fi
