# shellcheck shell=sh
# NFS and Samba shares (planning; settings from a vm.conf).
if [ -d "$desk" ]; then
	sh=$scratch/shares
	rm -rf "$sh" && cp -a "$desk" "$sh"
	mkdir -p "$sh/etc/libvirt/hooks/vfio-hook.d/nas" "$sh/srv/games" "$sh/srv/iso" "$sh/usr/sbin" "$sh/var/lib/nfs"
	chmod -R go-w "$sh/etc"
	printf 'nfs_shares = /srv/games /srv/iso\nnfs_clients = 192.168.122.0/24\nsmb_shares = /srv/games\n' \
		> "$sh/etc/libvirt/hooks/vfio-hook.d/nas/vm.conf"
	printf '#!/bin/sh\nexit 1\n' > "$sh/usr/sbin/exportfs" && chmod 755 "$sh/usr/sbin/exportfs"
	printf '/srv/iso\t192.168.122.0/24(ro,sync)\n' > "$sh/var/lib/nfs/etab"
	printf 'nfs-server.service nfs-server.service inactive\nsmbd.service smbd.service active\n' >> "$sh/systemd/units"
	cat > "$scratch/nas.xml" <<'XML'
<domain type='qemu'><name>nas</name><uuid>6c0d5e2a-0b1f-4d43-9a1e-0000000000f2</uuid>
<description>args[ --enable-nfs --enable-smb ]</description><devices/></domain>
XML
	"$bin" plan --sysroot "$sh" --xml "$scratch/nas.xml" > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && grep -q 'shares  *start unit  *nfs-server.service' "$scratch/out" &&
		grep -q 'shares  *export over NFS  *192.168.122.0/24:/srv/games  *rw,sync,no_subtree_check' "$scratch/out" &&
		grep -q '/srv/iso is already exported to 192.168.122.0/24: left as it is' "$scratch/out" &&
		grep -q 'SELinux is off: the Samba shares need no label' "$scratch/out" &&
		! grep -q 'start unit  *smbd' "$scratch/out"; then
		pass shares-nfs-and-smb
	else fail shares-nfs-and-smb "exit $rc" "$(cat "$scratch/out")"; fi
	# Shares come from root's vm.conf only: the description cannot name them.
	printf 'nfs_shares = /srv/../etc\n' > "$sh/etc/libvirt/hooks/vfio-hook.d/nas/vm.conf"
	"$bin" plan --sysroot "$sh" --xml "$scratch/nas.xml" > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 1 ] && grep -q 'vfio-hook.d/nas/vm.conf:1: invalid setting' "$scratch/out"; then
		pass shares-path-tricks-refused
	else fail shares-path-tricks-refused "exit $rc" "$(cat "$scratch/out")"; fi
fi
