#!/bin/bash
# Build (or reuse) the e2e guest image: a Debian 12 desktop with libvirt, booted
# on the host's own kernel. The result is cached by a hash of its recipe, so CI
# pays for debootstrap only when the recipe or the kernel changes.
#
# A flavour is the desktop the image runs: nodm (root Xorg under nodm, an xterm session) or
# gnome (GNOME Shell on Wayland, GDM logging the user in). Its packages are
# flavours/NAME.packages beside guest.packages (the shared ones), its configuration
# flavours/NAME.sh, run in the guest root after the shared part. Each flavour's image is
# cached by the hash of its own recipe: the shared parts and its flavour files.
#
# Usage: image.sh [FLAVOUR]  prints the cache entry dir (guest.img vmlinuz initrd.img);
#                            FLAVOUR defaults to nodm
# Env:   VFIO_HOOK_E2E_CACHE   cache root (default /var/cache/vfio-hook/e2e)
#        VFIO_HOOK_E2E_MIRROR  Debian archive URI (default: read from apt sources)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${VFIO_HOOK_E2E_CACHE:-/var/cache/vfio-hook/e2e}
keep=3           # cache entries kept (newest first)
img_min_mb=3072  # sparse; nodm's root is about 1.3 GB with the kernel modules

log() { printf 'image: %s\n' "$*" >&2; }

flavour=${1:-nodm}
[[ $flavour =~ ^[a-z0-9]+$ && -f $here/flavours/$flavour.packages && -f $here/flavours/$flavour.sh ]] || {
    log "no flavour '$flavour' (flavours/$flavour.packages and flavours/$flavour.sh)"; exit 2; }

# The guest boots the newest kernel installed in /boot, with its modules.
krel=$(find /boot -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n1)
[[ -n $krel && -f /boot/initrd.img-$krel && -d /lib/modules/$krel ]] || {
    log "no kernel with initrd and modules in /boot and /lib/modules (run deps.sh)"; exit 1; }

packages=$(sed 's/#.*//' "$here/guest.packages" "$here/flavours/$flavour.packages" | xargs | tr ' ' ,)

# Recipe hash: this script, the shared package list, the overlay (path, exec bit and
# content of every file: git does not keep other mode bits), the flavour's own files (not
# another flavour's) and the kernel release.
hash=$(
    cd "$here"
    {
        sha256sum image.sh guest.packages "flavours/$flavour.packages" "flavours/$flavour.sh"
        find guest -type f -o -type l | LC_ALL=C sort | while read -r f; do
            if [[ -L $f ]]; then echo "link $f $(readlink "$f")"
            else echo "$( [[ -x $f ]] && echo x || echo - ) $(sha256sum <"$f" | cut -c1-64) $f"; fi
        done
        echo "kernel $krel"
    } | sha256sum | cut -c1-16
)
entry=$cache/$flavour-$hash

if [[ -f $entry/guest.img ]]; then
    touch "$entry"          # mark as recently used for the pruning below
    echo "$entry"; exit 0
fi

mkdir -p "$cache"
# One builder at a time; a second one waits, then finds the entry built.
exec 9>"$cache/.lock"
flock 9
if [[ -f $entry/guest.img ]]; then echo "$entry"; exit 0; fi

# Debian archive address: from the machine's apt configuration, never hard-coded.
mirror=${VFIO_HOOK_E2E_MIRROR:-}
if [[ -z $mirror ]]; then
    # deb822 .sources: the URIs: of a stanza whose Suites: has plain "bookworm".
    mirror=$(awk '
        /^[[:space:]]*$/ { if (u != "" && s) { print u; exit } u = ""; s = 0; next }
        tolower($1) == "uris:"   { u = $2 }
        tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == "bookworm") s = 1 }
        END { if (u != "" && s) print u }' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
fi
if [[ -z $mirror && -f /etc/apt/sources.list ]]; then
    mirror=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i+1) == "bookworm") { print $i; exit } } }' \
        /etc/apt/sources.list)
fi
[[ -n $mirror ]] || { log "no bookworm archive in apt sources; set VFIO_HOOK_E2E_MIRROR"; exit 1; }

stage=$cache/.stage-$flavour-$hash
root=$stage/root
rm -rf --one-file-system "$stage"
mkdir -p "$root" "$cache/debs"
# --one-file-system: never descend into a mount a failed debootstrap left behind.
trap 'rm -rf --one-file-system "$stage"' EXIT
t0=$SECONDS

log "debootstrap bookworm, flavour $flavour (kernel $krel) -> $entry"
# --cache-dir keeps downloaded .debs so a recipe change does not download everything again.
debootstrap --variant=minbase --cache-dir="$cache/debs" --include="$packages" \
    bookworm "$root" "$mirror" >"$stage/debootstrap.log" 2>&1 ||
    { tail -n 30 "$stage/debootstrap.log" >&2; exit 1; }
log "debootstrap done in $((SECONDS - t0)) s"

# Overlay files, root-owned, keeping the distribution's directories and the
# merged-/usr symlinks as they are.
tar -C "$here/guest" -c --owner=0 --group=0 --mode=u+rw,go+r,go-w . |
    tar -C "$root" -x --no-overwrite-dir --keep-directory-symlink

# The host's modules for the kernel the guest boots.
mkdir -p "$root/lib/modules"
cp -a "/lib/modules/$krel" "$root/lib/modules/"

# A fixed machine-id: an empty one makes systemd treat every boot as a first boot.
tr -d - </proc/sys/kernel/random/uuid >"$root/etc/machine-id"

# Configuration inside the guest root (no /proc needed for any of this): the shared part,
# then the flavour's, then what makes every image smaller.
chroot "$root" /bin/bash -euo pipefail -s >&2 <<'EOF'
passwd -q -d root
echo vfio-e2e >/etc/hostname
# The desktop user: the flavour's display manager logs it in, and its PAM session
# (pam_systemd) starts its user manager, which runs PipeWire.
useradd -m -s /bin/bash -G audio,video desk
systemctl --quiet set-default graphical.target
systemctl --quiet enable libvirtd.service vfio-e2e.service
systemctl --quiet disable cron.service libvirt-guests.service
systemctl --quiet --global enable pipewire.socket pipewire-pulse.socket pipewire.service \
    pipewire-pulse.service wireplumber.service
# Fast boot: nothing waits for a network, no periodic jobs, no first-boot prompts.
systemctl --quiet mask apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer \
    e2scrub_all.timer fstrim.timer systemd-firstboot.service \
    systemd-networkd-wait-online.service getty@tty1.service 2>/dev/null || true
# libvirt's default NAT network needs dnsmasq and a bridge: not wanted here.
rm -f /etc/libvirt/qemu/networks/autostart/default.xml
EOF
chroot "$root" /bin/bash -euo pipefail -s >&2 <"$here/flavours/$flavour.sh"
chroot "$root" /bin/bash -euo pipefail -s >&2 <<'EOF'
# Smaller image, faster mke2fs.
rm -rf /usr/share/doc/* /usr/share/man/* /usr/share/info/* /var/cache/apt/*.bin \
    /var/lib/apt/lists/* /var/log/*.log
find /usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
EOF

cp "/boot/vmlinuz-$krel" "$stage/vmlinuz"
cp "/boot/initrd.img-$krel" "$stage/initrd.img"
echo "$krel" >"$stage/kernel-release"
# mke2fs -d turns the directory into a filesystem with no loop device or mount, with half
# as much again as the root free for the scenarios.
root_mb=$(du -sm "$root" | cut -f1)
img_mb=$((root_mb * 3 / 2 + 512)); ((img_mb > img_min_mb)) || img_mb=$img_min_mb
log "root $root_mb MB, image ${img_mb} MB (sparse)"
mke2fs -q -t ext4 -L guest -d "$root" "$stage/guest.img" "${img_mb}M" >&2
rm -rf "$root"
log "image built in $((SECONDS - t0)) s"

# Publish atomically; a concurrent builder is excluded by the lock above.
mv -T "$stage" "$entry"
trap - EXIT

# Keep only the newest few entries of this flavour, and none named as before flavours.
find "$cache" -mindepth 1 -maxdepth 1 -type d -regex ".*/$flavour-[0-9a-f]\{16\}" -printf '%T@ %p\n' |
    sort -rn | tail -n +$((keep + 1)) | cut -d' ' -f2- | xargs -r rm -rf
find "$cache" -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9a-f]\{16\}' -exec rm -rf {} +

echo "$entry"
