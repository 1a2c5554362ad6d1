# shellcheck shell=sh
# vfio-hook doctor.
# Golden outputs on the captured hosts, then a healthy and a broken setup built on scratch
# copies (the fixtures hold no /etc, no ACPI tables and no process start times).
# doctor_json NAME FILE: FILE is one JSON document valid against docs/doctor.schema.json.
doctor_json() { schema_check "doctor-json-schema-$1" "$2" doctor; }
# result FILE CHECK: the RESULT column of CHECK in a --color=never table.
result() { awk -v c="$2" '$1 == c { print $2; exit }' "$1"; }

for host in "$hosts"/*/; do
	h=$(basename "$host")
	host=$hosts/$h
	[ -d "$domains/$h" ] || continue
	before=$(fingerprint "$host")
	for v in host gpu-and-audio net-passthrough; do
		[ $v = host ] || [ -f "$domains/$h/$v.xml" ] || continue
		set -- --sysroot "$host"
		[ $v = host ] || set -- "$@" --xml "$domains/$h/$v.xml"
		name=doctor; [ $v = host ] || name=doctor-$v
		mkdir -p "$scratch/golden/$h"
		for fmt in txt json; do
			actual=$scratch/golden/$h/$name.$fmt
			expected=$golden/$h/$name.$fmt
			if [ $fmt = json ]; then "$bin" doctor --json "$@" > "$actual.raw" 2>&1; rc=$?
			else "$bin" doctor --color=never "$@" > "$actual.raw" 2>&1; rc=$?; fi
			{ sed "s|$host|FIXTURE|g" "$actual.raw"; echo "--- exit $rc"; } > "$actual"
			[ $fmt = json ] && doctor_json "$h-$name" "$actual.raw"
			if [ "${REGENERATE:-}" = 1 ]; then
				cp "$actual" "$expected"; pass "golden-$h-$name.$fmt"
			elif [ -f "$expected" ] && cmp -s "$expected" "$actual"; then
				pass "golden-$h-$name.$fmt"
			else fail "golden-$h-$name.$fmt" "$(diff -u "$expected" "$actual" 2>&1 | head -40)"; fi
		done
	done
	check "doctor-writes-nothing-$h" test "$before" = "$(fingerprint "$host")"
done

if [ -d "$desk" ]; then
	# Healthy: VT-d announced, vfio-hook installed before libvirtd started, devices that
	# reset, a UEFI domain saved where libvirt keeps it.
	ok=$scratch/doctor-ok
	rm -rf "$ok" && cp -a "$desk" "$ok"
	mkdir -p "$ok/sys/firmware/acpi/tables" "$ok/etc/libvirt/hooks" "$ok/etc/libvirt/qemu"
	chmod 755 "$ok/etc" "$ok/etc/libvirt" "$ok/etc/libvirt/hooks" "$ok/etc/libvirt/qemu"
	: > "$ok/sys/firmware/acpi/tables/DMAR"
	cp "$bin" "$ok/etc/libvirt/hooks/qemu" && chmod 755 "$ok/etc/libvirt/hooks/qemu"
	touch -d @1795000000 "$ok/etc/libvirt/hooks/qemu"
	printf 'cpu  1 2 3 4\nbtime 1795000000\nprocesses 500\n' > "$ok/proc/stat"
	# libvirtd started 120 s after boot (clock ticks: USER_HZ is 100 on Linux).
	mkdir -p "$ok/proc/312"
	echo '312 (libvirtd) S 1 312 312 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 17 0 12000 1 1' > "$ok/proc/312/stat"
	for f in 0000:00:03.0 0000:00:03.1; do echo bus > "$ok/sys/devices/pci0000:00/$f/reset_method"; done
	sed "s|<devices>|<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os><devices>|" \
		"$vmxml" > "$ok/etc/libvirt/qemu/win10.xml"
	"$bin" doctor --color=never --sysroot "$ok" win10 > "$scratch/doctor-ok.txt" 2>&1; rc=$?
	bad_results=""
	for c in iommu-firmware:pass iommu-kernel:pass vfio-modules:pass hook-installed:pass \
		hook-picked-up:pass overrides-safe:pass old-layouts:pass domain-firmware:pass \
		group-complete:pass device-reset:pass host-display:warn hugepages:skip; do
		[ "$(result "$scratch/doctor-ok.txt" "${c%%:*}")" = "${c#*:}" ] || bad_results="$bad_results $c"
	done
	if [ $rc -eq 0 ] && [ -z "$bad_results" ]; then pass doctor-healthy-exit-0
	else fail doctor-healthy-exit-0 "exit $rc, not as expected:$bad_results" "$(cat "$scratch/doctor-ok.txt")"; fi
	"$bin" doctor --json --sysroot "$ok" win10 > "$scratch/doctor-ok.json" 2>&1
	doctor_json healthy "$scratch/doctor-ok.json"

	# The same VM by --xml and on stdin gives the same answers.
	"$bin" doctor --color=never --sysroot "$ok" --xml - < "$ok/etc/libvirt/qemu/win10.xml" > "$scratch/out" 2>&1
	check doctor-xml-stdin-same cmp -s "$scratch/out" "$scratch/doctor-ok.txt"

	# The packages' layout: hooks/qemu a symbolic link to the binary in /usr/bin, absolute or
	# relative, resolved inside the tree. doctor_link TREE NAME EXPECT-INSTALLED EXPECT-PICKED-UP
	# [TEXT]: the two checks' results (- for any), and TEXT on the hook-installed line.
	doctor_link() {
		"$bin" doctor --color=never --sysroot "$1" > "$scratch/out" 2>&1
		if [ "$(result "$scratch/out" hook-installed)" = "$3" ] &&
			{ [ "$4" = - ] || [ "$(result "$scratch/out" hook-picked-up)" = "$4" ]; } &&
			{ [ -z "${5:-}" ] || grep '^hook-installed' "$scratch/out" | grep -qF -- "$5"; }; then
			pass "doctor-link-$2"
		else fail "doctor-link-$2" "expected hook-installed $3, hook-picked-up $4 ${5:-}" "$(cat "$scratch/out")"; fi
	}
	lnk=$scratch/doctor-link
	rm -rf "$lnk" && cp -a "$ok" "$lnk"
	mkdir -p "$lnk/usr/bin" && chmod 755 "$lnk/usr" "$lnk/usr/bin"
	mv "$lnk/etc/libvirt/hooks/qemu" "$lnk/usr/bin/vfio-hook"
	ln -s /usr/bin/vfio-hook "$lnk/etc/libvirt/hooks/qemu"
	touch -h -d @1795000000 "$lnk/etc/libvirt/hooks/qemu"
	doctor_link "$lnk" absolute pass pass "qemu -> /usr/bin/vfio-hook is vfio-hook"
	ln -sfn ../../../usr/bin/vfio-hook "$lnk/etc/libvirt/hooks/qemu"
	touch -h -d @1795000000 "$lnk/etc/libvirt/hooks/qemu"
	doctor_link "$lnk" relative pass pass "qemu -> /usr/bin/vfio-hook is vfio-hook"
	# Installed after libvirtd started: the link, or the binary it names.
	touch -h -d @1795000500 "$lnk/etc/libvirt/hooks/qemu"
	doctor_link "$lnk" link-newer-than-daemon pass fail
	touch -h -d @1795000000 "$lnk/etc/libvirt/hooks/qemu"
	touch -d @1795000500 "$lnk/usr/bin/vfio-hook"
	doctor_link "$lnk" target-newer-than-daemon pass fail
	touch -d @1795000000 "$lnk/usr/bin/vfio-hook"
	chmod 775 "$lnk/usr/bin/vfio-hook"
	doctor_link "$lnk" target-group-writable fail pass "/usr/bin/vfio-hook is writable by group or others"
	chmod 755 "$lnk/usr/bin/vfio-hook" && chmod 777 "$lnk/usr/bin"
	doctor_link "$lnk" directory-writable fail pass "/usr/bin is writable by group or others"
	chmod 755 "$lnk/usr/bin"
	printf '#!/bin/sh\nexit 0\n' > "$lnk/usr/bin/other" && chmod 755 "$lnk/usr/bin/other"
	ln -sfn /usr/bin/other "$lnk/etc/libvirt/hooks/qemu"
	doctor_link "$lnk" to-a-script fail - "qemu -> /usr/bin/other is a script"
	# SELinux enforcing: the label that counts is the linked file's.
	ln -sfn /usr/bin/vfio-hook "$lnk/etc/libvirt/hooks/qemu"
	mkdir -p "$lnk/sys/fs/selinux" && echo 1 > "$lnk/sys/fs/selinux/enforce"
	"$bin" doctor --color=never --sysroot "$lnk" > "$scratch/out" 2>&1
	if [ "$(result "$scratch/out" selinux)" = fail ] && grep -q 'SELinux enforces and /usr/bin/vfio-hook is labelled' "$scratch/out" &&
		grep -q 'restorecon -v /usr/bin/vfio-hook' "$scratch/out"; then pass doctor-link-selinux-label-of-target
	else fail doctor-link-selinux-label-of-target "$(cat "$scratch/out")"; fi
	rm -rf "$lnk/sys/fs/selinux"
	# /bin/sh exists on this machine, not in the tree: the link is dangling there.
	ln -sfn /bin/sh "$lnk/etc/libvirt/hooks/qemu"
	doctor_link "$lnk" dangling fail skip "links to /bin/sh, which does not exist"
	ln -sfn qemu-real "$lnk/etc/libvirt/hooks/qemu"
	ln -s /usr/bin/vfio-hook "$lnk/etc/libvirt/hooks/qemu-real"
	doctor_link "$lnk" link-to-link fail - "qemu -> /etc/libvirt/hooks/qemu-real is a symbolic link"

	# Broken host: no IOMMU, a hook others can write, loaded after libvirtd started, and
	# the scripts' old layout.
	bad=$scratch/doctor-bad
	rm -rf "$bad" && cp -a "$ok" "$bad"
	rm -rf "$bad/sys/kernel/iommu_groups"/* "$bad/sys/firmware/acpi/tables/DMAR"
	: > "$bad/sys/firmware/acpi/tables/APIC"
	chmod 775 "$bad/etc/libvirt/hooks/qemu"
	touch -d @1795000500 "$bad/etc/libvirt/hooks/qemu"
	mkdir -p "$bad/etc/libvirt/hooks/qemu.d/win10/prepare/begin" "$bad/bin"
	printf '#!/bin/bash\n/bin/vfio-startup.sh\n' > "$bad/etc/libvirt/hooks/qemu.d/win10/prepare/begin/start.sh"
	printf '#!/bin/bash\n' > "$bad/bin/vfio-startup.sh"
	"$bin" doctor --color=never --sysroot "$bad" > "$scratch/doctor-bad.txt" 2>&1; rc=$?
	bad_results=""
	for c in iommu-firmware:fail iommu-kernel:fail iommu-passthrough-mode:skip hook-installed:fail \
		hook-picked-up:fail old-layouts:warn; do
		[ "$(result "$scratch/doctor-bad.txt" "${c%%:*}")" = "${c#*:}" ] || bad_results="$bad_results $c"
	done
	if [ $rc -eq 1 ] && [ -z "$bad_results" ] &&
		grep -q 'qemu is writable by group or others' "$scratch/doctor-bad.txt" &&
		grep -q 'systemctl restart libvirtd' "$scratch/doctor-bad.txt" &&
		grep -q 'intel_iommu=on\|IOMMU' "$scratch/doctor-bad.txt" &&
		grep -q 'qemu.d/win10/, /bin/vfio-startup.sh' "$scratch/doctor-bad.txt"; then
		pass doctor-broken-host-exit-1
	else fail doctor-broken-host-exit-1 "exit $rc, not as expected:$bad_results" "$(cat "$scratch/doctor-bad.txt")"; fi
	"$bin" doctor --json --sysroot "$bad" > "$scratch/doctor-bad.json" 2>&1
	doctor_json broken-host "$scratch/doctor-bad.json"

	# The other layouts older scripts leave: per-network directories in network.d/ and a
	# kvm.conf beside the hook; a loose file in network.d/ is libvirt's own and not reported.
	old=$scratch/doctor-old
	rm -rf "$old" && cp -a "$ok" "$old"
	mkdir -p "$old/etc/libvirt/hooks/network.d/lan-net/started/begin"
	: > "$old/etc/libvirt/hooks/network.d/loose.sh"
	printf 'VIRSH_GPU_VIDEO=pci_0000_00_03_0\n' > "$old/etc/libvirt/hooks/kvm.conf"
	"$bin" doctor --color=never --sysroot "$old" > "$scratch/doctor-old.txt" 2>&1
	if [ "$(result "$scratch/doctor-old.txt" old-layouts)" = warn ] &&
		grep -q 'not run by vfio-hook: network.d/lan-net/, hooks/kvm.conf$' "$scratch/doctor-old.txt" &&
		grep -q 'network.d/<network>/ scripts: the network hook' "$scratch/doctor-old.txt" &&
		! grep -q 'loose.sh' "$scratch/doctor-old.txt"; then
		pass doctor-old-layouts-network-kvm-conf
	else fail doctor-old-layouts-network-kvm-conf "$(cat "$scratch/doctor-old.txt")"; fi

	# Broken domain on the healthy host: BIOS, half of the GPU's group, a GPU without reset,
	# huge pages the kernel does not have.
	rm -f "$ok/sys/devices/pci0000:00/0000:00:03.0/reset_method"
	cat > "$scratch/doctor-bios.xml" <<'XML'
<domain type='qemu'><name>bios</name><uuid>6c0d5e2a-0b1f-4d43-9a1e-0000000000d1</uuid>
<memory unit='GiB'>4</memory><memoryBacking><hugepages><page size='1' unit='G'/></hugepages></memoryBacking>
<os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
<devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x00' slot='0x03' function='0x0'/></source></hostdev></devices></domain>
XML
	"$bin" doctor --color=never --sysroot "$ok" --xml "$scratch/doctor-bios.xml" > "$scratch/doctor-bios.txt" 2>&1; rc=$?
	bad_results=""
	for c in domain-firmware:warn group-complete:fail device-reset:warn hugepages:fail; do
		[ "$(result "$scratch/doctor-bios.txt" "${c%%:*}")" = "${c#*:}" ] || bad_results="$bad_results $c"
	done
	if [ $rc -eq 1 ] && [ -z "$bad_results" ] &&
		grep -q '0000:00:03.1 .* is in IOMMU group 1 but not in the domain XML' "$scratch/doctor-bios.txt"; then
		pass doctor-broken-domain-exit-1
	else fail doctor-broken-domain-exit-1 "exit $rc, not as expected:$bad_results" "$(cat "$scratch/doctor-bios.txt")"; fi

	# A script at hooks/qemu is an older dispatcher.
	printf '#!/bin/bash\nexit 0\n' > "$ok/etc/libvirt/hooks/qemu"
	"$bin" doctor --color=never --sysroot "$ok" > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 1 ] && [ "$(result "$scratch/out" hook-installed)" = fail ] &&
		grep -q 'is a script' "$scratch/out"; then pass doctor-script-hook
	else fail doctor-script-hook "exit $rc" "$(cat "$scratch/out")"; fi

	# Confinement: libvirtd's AppArmor profile enforced; SELinux enforcing with a hook that
	# has no virt_hook_t label (no file here has one), then permissive.
	mkdir -p "$ok/sys/kernel/security/apparmor" "$ok/sys/fs/selinux"
	printf 'libvirtd (enforce)\nlibvirt-6c0d5e2a (enforce)\n' > "$ok/sys/kernel/security/apparmor/profiles"
	echo 1 > "$ok/sys/fs/selinux/enforce"
	"$bin" doctor --color=never --sysroot "$ok" > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 1 ] && [ "$(result "$scratch/out" apparmor)" = pass ] &&
		grep -q "libvirtd's profile is enforced" "$scratch/out" &&
		[ "$(result "$scratch/out" selinux)" = fail ] && grep -q 'restorecon -Rv /etc/libvirt/hooks' "$scratch/out"; then
		pass doctor-confinement-enforcing
	else fail doctor-confinement-enforcing "exit $rc" "$(cat "$scratch/out")"; fi
	echo 0 > "$ok/sys/fs/selinux/enforce"
	"$bin" doctor --color=never --sysroot "$ok" > "$scratch/out" 2>&1
	if [ "$(result "$scratch/out" selinux)" = pass ] && grep -q 'SELinux is permissive' "$scratch/out"; then
		pass doctor-selinux-permissive
	else fail doctor-selinux-permissive "$(cat "$scratch/out")"; fi
	rm -rf "$ok/sys/kernel/security/apparmor" "$ok/sys/fs/selinux"

	# Bad usage and input: exit 2, one line on stderr.
	for args in "nosuchvm" "../win10" "win10 --xml $vmxml" "--xml $repo/tests/corpus/truncated.xml"; do
		# shellcheck disable=SC2086
		"$bin" doctor --sysroot "$ok" $args > "$scratch/out" 2> "$scratch/err"; rc=$?
		if [ $rc -eq 2 ] && [ ! -s "$scratch/out" ] && [ "$(lines "$scratch/err")" -eq 1 ]; then
			pass "doctor-bad-input-$(echo "$args" | cut -d' ' -f1 | tr -c 'a-z0-9\n' '-')"
		else fail "doctor-bad-input-$args" "exit $rc" "$(cat "$scratch/err")"; fi
	done
fi
