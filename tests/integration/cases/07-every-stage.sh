# shellcheck shell=sh
# One VM using every optional stage (the captured desktop, plus a recorded firewalld
# state, a running libvirt network, NFS, a cpufreq governor and a mounted data disk).
if [ -d "$desk" ]; then
	ev=$scratch/everything
	rm -rf "$ev" && cp -a "$desk" "$ev"
	mkdir -p "$ev/run/libvirt/network" "$ev/firewalld" "$ev/srv/games" "$ev/usr/sbin" "$ev/var/lib/nfs" \
		"$ev/etc/libvirt/hooks/vfio-hook.d/everything" "$ev/sys/devices/system/cpu/cpu1/cpufreq"
	chmod -R go-w "$ev/etc"
	echo "<network><name>default</name><bridge name='virbr0' zone='libvirt'/></network>" > "$ev/run/libvirt/network/default.xml"
	printf 'default public\n' > "$ev/firewalld/state"
	printf '#!/bin/sh\nexit 1\n' > "$ev/usr/sbin/exportfs" && chmod 755 "$ev/usr/sbin/exportfs"
	: > "$ev/var/lib/nfs/etab"
	printf 'nfs-server.service nfs-server.service inactive\nsmbd.service smbd.service inactive\n' >> "$ev/systemd/units"
	printf 'nfs_shares = /srv/games\nnfs_clients = 192.168.122.0/24\nsmb_shares = /srv/games\n' \
		> "$ev/etc/libvirt/hooks/vfio-hook.d/everything/vm.conf"
	printf '#!/bin/sh\nexit 0\n' > "$ev/etc/libvirt/hooks/vfio-hook.d/everything/after-vfio-notify"
	chmod 755 "$ev/etc/libvirt/hooks/vfio-hook.d/everything/after-vfio-notify"
	echo schedutil > "$ev/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor"
	echo "performance schedutil" > "$ev/sys/devices/system/cpu/cpu1/cpufreq/scaling_available_governors"
	echo "99 26 254:49 / /mnt/data rw,relatime shared:99 - ext4 /dev/vdd1 rw" >> "$ev/proc/self/mountinfo"
	sed -e "s|<description>Every optional stage this version has|<description>Every optional stage this version has\nhost_services[ libvirt:ssh ]\ninternal_services[ dhcp dns ]|" \
		-e "s|--debug ]|--enable-internal-services --enable-external-services --enable-nfs --enable-smb ]|" \
		-e "s|<devices>|<devices><interface type='network'><source network='default'/></interface>|" \
		"$domains/q35-bochs-desktop/every-optional-stage.xml" > "$scratch/everything.xml"
	"$bin" plan --sysroot "$ev" --xml "$scratch/everything.xml" > "$scratch/everything.plan" 2>&1; rc=$?
	missing=""
	for st in hugepages drives display-manager audio holders vtconsole drivers vfio cpu-isolation \
		firewall shares cpu-governor; do
		grep -q "^ *[0-9]*  $st " "$scratch/everything.plan" || missing="$missing $st"
	done
	if [ $rc -eq 0 ] && [ -z "$missing" ] && grep -q 'USB device 046d:c52b' "$scratch/everything.plan"; then
		pass every-optional-stage-planned
	else fail every-optional-stage-planned "exit $rc, stages missing:$missing" "$(cat "$scratch/everything.plan")"; fi
fi
