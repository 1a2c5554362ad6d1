# shellcheck shell=sh
# Firewall services (planning against a recorded firewalld state).
if [ -d "$desk" ]; then
	fw=$scratch/fw
	rm -rf "$fw" && cp -a "$desk" "$fw"
	mkdir -p "$fw/run/libvirt/network"
	echo "<network><name>default</name><bridge name='virbr0' zone='libvirt'/></network>" > "$fw/run/libvirt/network/default.xml"
	cat > "$scratch/fw.xml" <<'XML'
<domain type='qemu'><name>fw</name><uuid>6c0d5e2a-0b1f-4d43-9a1e-0000000000f1</uuid>
<description>args[ --enable-internal-services --enable-external-services ]
internal_services[ dhcp dns ]
internal_services[ ssh samba ]
internal_services[ ]
host_services[ home:ssh,nfs ]</description>
<devices>
<interface type='network'><source network='default'/></interface>
<interface type='bridge'><source bridge='br0'/></interface>
<interface type='direct'><source dev='eth9'/></interface>
</devices></domain>
XML
	"$bin" plan --sysroot "$fw" --xml "$scratch/fw.xml" > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 1 ] && grep -q "firewalld is not running" "$scratch/out"; then pass firewall-needs-firewalld
	else fail firewall-needs-firewalld "exit $rc" "$(cat "$scratch/out")"; fi
	mkdir -p "$fw/firewalld"
	printf 'default public\ninterface br0 home\nservice home ssh\n' > "$fw/firewalld/state"
	"$bin" plan --sysroot "$fw" --xml "$scratch/fw.xml" > "$scratch/out" 2>&1; rc=$?
	got=$(grep 'open firewall service' "$scratch/out" | awk '{print $6}' | tr '\n' ' ')
	if [ $rc -eq 0 ] && [ "$got" = "libvirt:dhcp libvirt:dns home:samba home:nfs " ] &&
		[ "$(grep -c 'service ssh is already open in zone home' "$scratch/out")" -eq 2 ]; then
		pass firewall-zones-from-the-xml
	else fail firewall-zones-from-the-xml "exit $rc, got '$got'" "$(cat "$scratch/out")"; fi
fi
