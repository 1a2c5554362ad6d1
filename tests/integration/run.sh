#!/bin/sh
# Integration tests: the built binary against captured host fixtures and hostile inputs.
# No root needed, nothing outside the build directory is written. Prints "PASS name" or
# "FAIL name" per test. REGENERATE=1 rewrites the golden plans (review the diff).
# Usage: tests/integration/run.sh BUILD_DIR
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=$(realpath "$build/vfio-hook")
hosts=$repo/tests/fixtures/hosts
domains=$repo/tests/fixtures/domains
golden=$here/golden
scratch=$(realpath "$build")/integration
rm -rf "$scratch"
mkdir -p "$scratch/bin"
# The same binary under the name libvirt runs: positional arguments only.
ln -sf "$bin" "$scratch/bin/qemu"
qemu=$scratch/bin/qemu

pass() { echo "PASS integration.$1"; }
fail() { echo "FAIL integration.$1"; shift; for l in "$@"; do echo "  $l"; done; }
# check NAME CONDITION-COMMAND... : PASS if the command succeeds.
check() { n=$1; shift; if "$@"; then pass "$n"; else fail "$n" "failed: $*"; fi; }
lines() { if [ -s "$1" ]; then wc -l < "$1"; else echo 0; fi; }
# A stable fingerprint of a tree: paths, link targets, sizes and contents.
fingerprint() { (cd "$1" && find . -printf '%p %y %l %s %m\n' | LC_ALL=C sort && find . -type f -exec md5sum {} + | LC_ALL=C sort) | md5sum; }

domain_xml=$scratch/vm.xml
cat > "$domain_xml" <<'XML'
<domain type='qemu'><name>win10</name><uuid>8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01</uuid>
<devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x00' slot='0x03' function='0x0'/></source></hostdev></devices></domain>
XML

# --- argv contract -------------------------------------------------------------------------
"$bin" --help > "$scratch/out" 2>&1; rc=$?
check cli-help test $rc -eq 0 -a -s "$scratch/out"
"$qemu" --help > "$scratch/out" 2>&1; rc=$?
check hook-help test $rc -eq 0 -a -s "$scratch/out"
"$qemu" --version > "$scratch/out" 2>&1; rc=$?
check hook-version grep -q '^vfio-hook [0-9]' "$scratch/out"
"$bin" frobnicate > "$scratch/out" 2>&1; rc=$?
check cli-unknown-verb test $rc -eq 2
"$qemu" one two > "$scratch/out" 2>&1; rc=$?
check hook-wrong-arg-count test $rc -eq 2

# Operations that have nothing to do exit 0 and print nothing on stdout: migrate and restore
# would take stdout as a replacement XML, reconnect failing would kill a running VM.
for op in "start begin" "started begin" "stopped end" "reconnect begin" "migrate begin" \
	"restore begin" "attach begin" "frobnicate begin" "prepare end"; do
	set -- $op
	"$qemu" win10 "$1" "$2" - < "$domain_xml" > "$scratch/out" 2> "$scratch/err"; rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$scratch/out" ]; then pass "hook-op-$1-$2"
	else fail "hook-op-$1-$2" "exit $rc" "$(head -3 "$scratch/out")"; fi
done
# A broken XML on a non-vetoing operation still never fails the daemon.
"$qemu" win10 reconnect begin - < "$repo/tests/corpus/truncated.xml" > "$scratch/out" 2>&1; rc=$?
check hook-reconnect-bad-xml-exit-0 test $rc -eq 0

# A VM called "--dry-run" or "-h" is a name, not an option: with empty stdin, prepare fails on
# the XML (as root) or does nothing (a session daemon's hook, not root). Never help text.
for name in --dry-run -h --help ..; do
	"$qemu" "$name" prepare begin - < /dev/null > "$scratch/out" 2> "$scratch/err"; rc=$?
	if [ "$(id -u)" -eq 0 ]; then
		if [ $rc -eq 1 ] && grep -q "domain XML on stdin is empty" "$scratch/err" && [ ! -s "$scratch/out" ]; then
			pass "hook-vm-named-$name"
		else fail "hook-vm-named-$name" "exit $rc" "$(cat "$scratch/err")"; fi
	else
		if [ $rc -eq 0 ] && [ ! -s "$scratch/out" ]; then pass "hook-vm-named-$name"
		else fail "hook-vm-named-$name" "exit $rc"; fi
	fi
done

# --- JSON Schema checker (the verbs' --json against docs/*.schema.json) ----------------------
jsc=$repo/tests/lib/json-schema-check.py
printf '%s\n' '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",' \
	'"required": ["groups"], "properties": {"groups": {"type": "array", "items": {"type": "integer"}}}}' \
	> "$scratch/schema.json"
echo '{"groups": [1, 2]}' > "$scratch/good.json"
echo '{"groups": [1, "two"]}' > "$scratch/bad.json"
python3 "$jsc" "$scratch/good.json" "$scratch/schema.json" > "$scratch/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && [ "$(lines "$scratch/out")" -eq 1 ]; then pass json-schema-check-valid
else fail json-schema-check-valid "exit $rc" "$(cat "$scratch/out")"; fi
python3 "$jsc" "$scratch/bad.json" "$scratch/schema.json" > "$scratch/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && [ "$(lines "$scratch/out")" -eq 1 ] && grep -q 'groups\[1\]' "$scratch/out"; then
	pass json-schema-check-invalid
else fail json-schema-check-invalid "exit $rc" "$(cat "$scratch/out")"; fi
# schema_check NAME FILE SCHEMA: one result, FILE valid against docs/SCHEMA.schema.json.
if python3 -c 'import jsonschema' 2>/dev/null; then has_jsonschema=yes; else has_jsonschema=no; fi
schema_check() {
	if [ $has_jsonschema = no ]; then echo "SKIP integration.$1 (python3-jsonschema not installed)"; return; fi
	if python3 "$jsc" "$2" "$repo/docs/$3.schema.json" > "$scratch/schema.out" 2>&1; then pass "$1"
	else fail "$1" "$(cat "$scratch/schema.out")"; fi
}
# Every schema the docs ship is itself a valid schema (check_schema).
for sch in "$repo"/docs/*.schema.json; do
	[ -f "$sch" ] || continue
	python3 -c 'import json, sys; from jsonschema.validators import validator_for
s = json.load(open(sys.argv[1])); validator_for(s).check_schema(s)' "$sch" > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ]; then pass "schema-valid-$(basename "$sch" .schema.json)"
	else fail "schema-valid-$(basename "$sch" .schema.json)" "$(tail -1 "$scratch/out")"; fi
done

# --- hostile input: the XML corpus, tampered state, unsafe overrides (its own script) --------
# A script that stops half-way must not pass for fewer cases.
sh "$here/hostile.sh" "$build" || fail hostile-script-finished "tests/integration/hostile.sh exited $?"

# --- per-VM overrides ------------------------------------------------------------------------
desk=$hosts/q35-bochs-desktop
vmxml=$domains/q35-bochs-desktop/gpu-and-audio.xml
if [ -d "$desk" ]; then
	ov=$scratch/ov
	rm -rf "$ov" && cp -a "$desk" "$ov"
	od=$ov/etc/libvirt/hooks/vfio-hook.d
	mkdir -p "$od/win10" "$od/default"
	chmod 755 "$ov/etc" "$ov/etc/libvirt" "$ov/etc/libvirt/hooks" "$od" "$od/win10" "$od/default"
	printf 'disable = vtconsole\n' > "$od/win10/vm.conf"
	printf '#!/bin/sh\nexit 0\n' > "$od/win10/before-drivers-notify"
	printf '#!/bin/sh\nexit 0\n' > "$od/default/after-vfio"
	printf 'not a hook\n' > "$od/win10/README"
	chmod 644 "$od/win10/vm.conf" "$od/win10/README"
	chmod 755 "$od/win10/before-drivers-notify" "$od/default/after-vfio"
	"$bin" plan --sysroot "$ov" --xml "$vmxml" > "$scratch/out" 2>&1; rc=$?
	order=$(grep -n -e 'run override' -e 'unbind driver' -e 'bind vfio-pci' "$scratch/out" | cut -d: -f1 | tr '\n' ' ')
	if [ $rc -eq 0 ] && grep -q "stage vtconsole disabled by /etc/libvirt/hooks/vfio-hook.d/win10/vm.conf" "$scratch/out" &&
		! grep -q 'unbind console' "$scratch/out" &&
		grep -q 'run override.*/win10/before-drivers-notify.*before' "$scratch/out" &&
		grep -q 'ignored /etc/libvirt/hooks/vfio-hook.d/win10/README' "$scratch/out" &&
		[ "$(grep -e 'run override' -e 'unbind driver' -e 'bind vfio-pci' "$scratch/out" | awk '{print $3" "$4}' | head -1)" = "run override" ] &&
		[ "$(grep -e 'run override' -e 'unbind driver' -e 'bind vfio-pci' "$scratch/out" | awk '{print $3" "$4}' | tail -1)" = "run override" ]; then
		pass overrides-in-plan
	else fail overrides-in-plan "exit $rc, order $order" "$(cat "$scratch/out")"; fi
	# Anything others could change is refused, naming the file and the problem.
	for bad in "chmod 775 $od/win10/before-drivers-notify:writable by group or others" \
		"chmod 4755 $od/win10/before-drivers-notify:setuid or setgid" \
		"chmod 777 $od/win10:writable by group or others" \
		"chmod 666 $od/win10/vm.conf:writable by group or others"; do
		cmd=${bad%%:*}; why=${bad#*:}
		$cmd
		"$bin" plan --sysroot "$ov" --xml "$vmxml" > "$scratch/out" 2> "$scratch/err"; rc=$?
		chmod 755 "$od/win10" "$od/win10/before-drivers-notify"; chmod 644 "$od/win10/vm.conf"
		if [ $rc -eq 1 ] && [ "$(lines "$scratch/err")" -eq 1 ] && grep -q "$why" "$scratch/err"; then
			pass "override-refused-$(echo "$cmd" | cut -d' ' -f2)-$(basename "${cmd##* }")"
		else fail "override-refused-$cmd" "exit $rc" "$(cat "$scratch/err")"; fi
	done
	ln -s /bin/true "$od/win10/after-drivers-link"
	"$bin" plan --sysroot "$ov" --xml "$vmxml" > "$scratch/out" 2> "$scratch/err"; rc=$?
	rm -f "$od/win10/after-drivers-link"
	if [ $rc -eq 1 ] && grep -q "after-drivers-link is a symbolic link" "$scratch/err"; then pass override-refused-symlink
	else fail override-refused-symlink "exit $rc" "$(cat "$scratch/err")"; fi
fi

# --- firewall services (planning against a recorded firewalld state) ---------------------------
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

# --- NFS and Samba shares (planning; settings from a vm.conf) ----------------------------------
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

# --- one VM using every optional stage (the captured desktop, plus a recorded firewalld
# state, a running libvirt network, NFS, a cpufreq governor and a mounted data disk) --------------
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

# --- the network hook ----------------------------------------------------------------------------
ln -sf "$bin" "$scratch/bin/network"
cat > "$scratch/net.xml" <<'XML'
<hookData><network><name>vm-net</name><bridge name='virbr1' zone='home'/><domain name='vm.lan'/>
<ip address='192.168.100.1' netmask='255.255.255.0'/></network></hookData>
XML
"$scratch/bin/network" --dry-run vm-net started begin - < "$scratch/net.xml" > "$scratch/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q 'route DNS for ~vm.lan on virbr1 (to 192.168.100.1) \[off: network_dns = no\]' "$scratch/out" &&
	grep -q 'put virbr1 in firewalld zone home' "$scratch/out"; then pass network-hook-dry-run
else fail network-hook-dry-run "exit $rc" "$(cat "$scratch/out")"; fi
"$scratch/bin/network" --dry-run vm-net stopped end - < "$scratch/net.xml" > "$scratch/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q 'revert DNS for ~vm.lan on virbr1' "$scratch/out" && ! grep -q 'firewalld zone' "$scratch/out"; then
	pass network-hook-stop-dry-run
else fail network-hook-stop-dry-run "exit $rc" "$(cat "$scratch/out")"; fi
for x in "$repo/tests/corpus/billion-laughs.xml" "$repo/tests/corpus/truncated.xml" /dev/null; do
	"$scratch/bin/network" vm-net started begin - < "$x" > "$scratch/out" 2>&1; rc=$?
	check "network-hook-bad-input-exit-0-$(basename "$x")" test $rc -eq 0
done
"$scratch/bin/network" vm-net port-created begin - < "$scratch/net.xml" > "$scratch/out" 2>&1; rc=$?
check network-hook-other-ops-exit-0 test $rc -eq 0 -a ! -s "$scratch/out"

# --- status and recover ------------------------------------------------------------------------
# A prepared state made by the hook itself on a copy of the desktop: the stages a host tree cannot
# act out (systemd, processes, the kernel's driver core) are disabled in the VM's vm.conf, so
# prepare unbinds the console and journals it. status reads it back; recover gives it back with
# release's code, to the very tree prepare started from.
if [ -d "$desk" ]; then
	sr_uuid=6c0d5e2a-0b1f-4d43-9a1e-000000000001
	# Everything but the hook's log directory.
	tree() { (cd "$1" && find . -path ./var/log -prune -o -printf '%p %y %l %s %m\n' | LC_ALL=C sort &&
		find . -path ./var/log -prune -o -type f -exec md5sum {} + | LC_ALL=C sort) | md5sum; }
	# new_prepared DIR: a copy of the desktop as installed, prepared for win10; sets pre to
	# its fingerprint before prepare.
	new_prepared() {
		rm -rf "$1" && cp -a "$desk" "$1"
		mkdir -p "$1/run/vfio-hook" "$1/run/libvirt/qemu" "$1/var/log/libvirt/hooks/qemu" \
			"$1/etc/libvirt/hooks/vfio-hook.d/win10"
		chmod 0700 "$1/run/vfio-hook"
		chmod -R go-w "$1/etc"
		printf 'disable = display-manager sessions audio holders drivers vfio\n' \
			> "$1/etc/libvirt/hooks/vfio-hook.d/win10/vm.conf"
		# As the kernel prints it after a write: no newline.
		printf 1 > "$1/sys/class/vtconsole/vtcon1/bind"
		pre=$(tree "$1")
		"$qemu" --sysroot "$1" win10 prepare begin - < "$vmxml" > "$scratch/out" 2>&1 ||
			fail status-prepare "prepare on $1 failed" "$(cat "$scratch/out")"
	}
	# The time and the hook's pid change from run to run.
	normalise() { sed -e "s|$1|FIXTURE|g" -e 's/since [0-9-]* [0-9:]* [+-][0-9]*$/since TIME/' \
		-e 's/"since": [0-9]*/"since": 0/' -e 's/hook     pid [0-9]*/hook     pid PID/' \
		-e 's/"pid": [0-9]*/"pid": 0/'; }
	# golden_cmp NAME FILE: against tests/integration/golden/q35-bochs-desktop/NAME.
	golden_cmp() {
		g=$golden/q35-bochs-desktop/$1
		if [ "${REGENERATE:-}" = 1 ]; then cp "$2" "$g"; pass "golden-$1"
		elif [ -f "$g" ] && cmp -s "$g" "$2"; then pass "golden-$1"
		else fail "golden-$1" "$(diff -u "$g" "$2" 2>&1 | head -40)"; fi
	}

	st=$scratch/status
	rm -rf "$st" && cp -a "$desk" "$st"
	"$bin" --sysroot "$st" status > "$scratch/out" 2> "$scratch/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$scratch/out")" = "No VM holds anything." ] && [ ! -s "$scratch/err" ]; then
		pass status-nothing-recorded
	else fail status-nothing-recorded "exit $rc" "$(cat "$scratch/out" "$scratch/err")"; fi
	"$bin" --sysroot "$st" status --json > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d != {"journals": []})' "$scratch/out"; then
		pass status-nothing-recorded-json
	else fail status-nothing-recorded-json "exit $rc" "$(cat "$scratch/out")"; fi

	new_prepared "$st"
	"$bin" --sysroot "$st" status > "$scratch/status.raw" 2>&1; rc=$?
	{ cat "$scratch/status.raw"; echo "--- exit $rc"; } | normalise "$st" > "$scratch/status.txt"
	golden_cmp status.txt "$scratch/status.txt"
	"$bin" --sysroot "$st" status --json > "$scratch/status.jraw" 2> "$scratch/err"; rc=$?
	normalise "$st" < "$scratch/status.jraw" > "$scratch/status.json"
	golden_cmp status.json "$scratch/status.json"
	if [ $rc -eq 0 ] && python3 -m json.tool "$scratch/status.jraw" > /dev/null 2>&1; then pass status-json-parses
	else fail status-json-parses "exit $rc" "$(head -5 "$scratch/status.jraw")"; fi
	schema_check status-json-schema "$scratch/status.jraw" status

	# The host changed behind the journal's back: the console is bound again.
	printf 1 > "$st/sys/class/vtconsole/vtcon1/bind"
	"$bin" --sysroot "$st" status > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && grep -q 'unbind console  *vtcon1  *done  *does not match  *bound' "$scratch/out" &&
		grep -q 'host     does not match the journal' "$scratch/out"; then pass status-console-does-not-match
	else fail status-console-does-not-match "exit $rc" "$(cat "$scratch/out")"; fi

	# A journal of what a full prepare records, on a host whose GPU went back to its driver.
	hs=$scratch/status-hand
	rm -rf "$hs" && cp -a "$desk" "$hs" && mkdir -p "$hs/run/vfio-hook" && chmod 0700 "$hs/run/vfio-hook"
	cat > "$hs/run/vfio-hook/8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01.journal" <<J
vfio-hook-journal 2
uuid 8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01
name win11
boot-id $(cat "$desk/proc/sys/kernel/random/boot_id")
pid 4242
state prepared
host-graphics go
device 0000:00:03.0
device 0000:00:03.1
action done drivers unbind-pci 0 0000:00:03.1 snd_hda_intel %
action done drivers unbind-pci 0 0000:00:03.0 bochs-drm %
action done vfio bind-vfio 0 0000:00:03.0 bochs-drm %
action done vfio bind-vfio 0 0000:00:03.1 snd_hda_intel %
end
J
	chmod 0600 "$hs/run/vfio-hook/8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01.journal"
	gpu=$hs/sys/bus/pci/devices/0000:00:03.0
	"$bin" --sysroot "$hs" status > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && grep -q 'state    prepared since unknown' "$scratch/out" &&
		grep -q 'bind vfio-pci  *0000:00:03.0  *done  *does not match  *on bochs-drm' "$scratch/out" &&
		grep -q 'unbind driver  *0000:00:03.0  *done  *does not match  *on bochs-drm' "$scratch/out"; then
		pass status-driver-does-not-match
	else fail status-driver-does-not-match "exit $rc" "$(cat "$scratch/out")"; fi
	# On vfio-pci, as the journal says.
	link=$(readlink "$gpu/driver")
	ln -sfn "${link%/*}/vfio-pci" "$gpu/driver"
	"$bin" --sysroot "$hs" status > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && grep -q 'bind vfio-pci  *0000:00:03.0  *done  *matches  *on vfio-pci' "$scratch/out" &&
		grep -q 'unbind driver  *0000:00:03.0  *done  *matches  *on vfio-pci' "$scratch/out"; then
		pass status-driver-matches
	else fail status-driver-matches "exit $rc" "$(cat "$scratch/out")"; fi
	# From an earlier boot: nothing is held any more.
	sed -i 's/^boot-id .*/boot-id 11111111-2222-4333-8444-555555555555/' "$hs/run/vfio-hook/8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01.journal"
	"$bin" --sysroot "$hs" status > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && grep -q 'from an earlier boot: nothing is held any more' "$scratch/out"; then
		pass status-earlier-boot
	else fail status-earlier-boot "exit $rc" "$(cat "$scratch/out")"; fi
	# Tampered: listed with why, never acted on; to recover it names no VM, and by its UUID it
	# is refused.
	echo 'shell rm -rf /' >> "$hs/run/vfio-hook/8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01.journal"
	before=$(tree "$hs")
	"$bin" --sysroot "$hs" status > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && grep -q 'Journal 8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01: refused, nothing acts on it' "$scratch/out" &&
		grep -q 'why      line 15: record after the end line' "$scratch/out"; then
		pass status-tampered-refused
	else fail status-tampered-refused "exit $rc" "$(cat "$scratch/out")"; fi
	"$bin" --sysroot "$hs" status --json > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))["journals"][0]; sys.exit(d["type"] != "refused" or "after the end" not in d["refused"])' "$scratch/out"; then
		pass status-tampered-refused-json
	else fail status-tampered-refused-json "exit $rc" "$(cat "$scratch/out")"; fi
	"$bin" --sysroot "$hs" recover win11 > "$scratch/out" 2> "$scratch/err"; rc=$?
	"$bin" --sysroot "$hs" recover 8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01 >> "$scratch/out" 2>> "$scratch/err"; rc2=$?
	if [ $rc -eq 1 ] && [ $rc2 -eq 1 ] && [ "$(tree "$hs")" = "$before" ] && [ "$(lines "$scratch/err")" -eq 2 ] &&
		grep -q "Nothing recorded for VM 'win11': no journal names it" "$scratch/err" &&
		grep -q 'is refused (line 15: record after the end line): nothing given back' "$scratch/err"; then
		pass recover-tampered-refused
	else fail recover-tampered-refused "exit $rc and $rc2" "$(cat "$scratch/err")"; fi

	# recover --dry-run: the release plan, nothing changed.
	new_prepared "$st"
	before=$(tree "$st")
	"$bin" --sysroot "$st" recover --dry-run win10 > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && [ "$(tree "$st")" = "$before" ] &&
		grep -q "Plan for VM 'win10' (release/end): 1 action" "$scratch/out" &&
		grep -q 'vtconsole  *bind vtcon1' "$scratch/out"; then pass recover-dry-run-changes-nothing
	else fail recover-dry-run-changes-nothing "exit $rc" "$(cat "$scratch/out")"; fi

	# What release/end gives back, recover by name and by UUID give back too: the tree as it
	# was before prepare.
	rel=$scratch/status-release
	new_prepared "$rel"
	"$qemu" --sysroot "$rel" win10 release end - < "$vmxml" > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && [ "$(tree "$rel")" = "$pre" ]; then pass release-restores-the-tree
	else fail release-restores-the-tree "exit $rc" "$(cat "$scratch/out")"; fi
	for by in win10 $sr_uuid; do
		new_prepared "$st"
		[ "$(tree "$st")" != "$pre" ] || fail "recover-by-$by" "prepare changed nothing"
		"$bin" --sysroot "$st" recover "$by" > "$scratch/out" 2> "$scratch/err"; rc=$?
		if [ $rc -eq 0 ] && [ "$(tree "$st")" = "$pre" ] && [ ! -e "$st/run/vfio-hook/$sr_uuid.journal" ] &&
			grep -q 'Released: the host has back what win10 took' "$scratch/err"; then
			pass "recover-by-$(echo "$by" | cut -c1-5)"
		else fail "recover-by-$by" "exit $rc" "$(cat "$scratch/out" "$scratch/err")"; fi
	done
	"$bin" --sysroot "$st" status > "$scratch/out" 2>&1; rc=$?
	check status-after-recover test $rc -eq 0 -a "$(cat "$scratch/out")" = "No VM holds anything."

	# Refusals: one line on stderr, exit 1, nothing changed.
	new_prepared "$st"
	# refuse_case NAME TEXT ARGS...
	refuse_case() {
		n=$1 text=$2; shift 2
		before=$(tree "$st")
		"$bin" --sysroot "$st" recover "$@" > "$scratch/out" 2> "$scratch/err"; rc=$?
		if [ $rc -eq 1 ] && [ "$(lines "$scratch/err")" -eq 1 ] && grep -qF -- "$text" "$scratch/err" &&
			[ ! -s "$scratch/out" ] && [ "$(tree "$st")" = "$before" ]; then pass "recover-refused-$n"
		else fail "recover-refused-$n" "exit $rc" "$(cat "$scratch/out" "$scratch/err")"; fi
	}
	refuse_case unknown-vm "Nothing recorded for VM 'win7': no journal names it" win7
	refuse_case unknown-uuid "Nothing recorded for VM 8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e09: no journal" 8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e09
	refuse_case name-dotdot "Refusing VM '..': give a UUID or a plain name" ..
	refuse_case name-slash "Refusing VM '../../etc/passwd': give a UUID or a plain name" ../../etc/passwd
	refuse_case name-slash-dry-run "Refusing VM 'a/b': give a UUID or a plain name" --dry-run a/b
	# libvirt's pid file names a live process (in the tree's /proc): the guest still has them.
	mkdir -p "$st/proc/$$" && echo $$ > "$st/run/libvirt/qemu/win10.pid"
	refuse_case qemu-runs "VM 'win10' still runs (qemu pid $$ in /run/libvirt/qemu/win10.pid): shut it down first" win10
	"$bin" --sysroot "$st" status > "$scratch/out" 2>&1
	check status-qemu-running grep -q "qemu     running (pid $$)" "$scratch/out"
	# A pid file left by a libvirtd that died with its qemu does not hold anything back.
	rmdir "$st/proc/$$"
	"$bin" --sysroot "$st" recover win10 > "$scratch/out" 2>&1; rc=$?
	rm "$st/run/libvirt/qemu/win10.pid"
	check recover-stale-pid-file test $rc -eq 0 -a "$(tree "$st")" = "$pre"
	# Two journals naming one VM: the UUID decides.
	new_prepared "$st"
	sed 's/6c0d5e2a-0b1f-4d43-9a1e-000000000001/6c0d5e2a-0b1f-4d43-9a1e-000000000002/' \
		"$st/run/vfio-hook/$sr_uuid.journal" > "$st/run/vfio-hook/6c0d5e2a-0b1f-4d43-9a1e-000000000002.journal"
	chmod 0600 "$st/run/vfio-hook/6c0d5e2a-0b1f-4d43-9a1e-000000000002.journal"
	refuse_case ambiguous-name "2 journals name VM 'win10' ($sr_uuid, 6c0d5e2a-0b1f-4d43-9a1e-000000000002): give the UUID" win10
fi
# --- vfio-hook list ----------------------------------------------------------------------------
# Golden reports of the captured hosts (REGENERATE=1 rewrites them), colour rules, and the JSON
# against docs/list.schema.json.
skip() { echo "SKIP integration.$1 ($2)"; }
golden_cmp() { # NAME EXPECTED ACTUAL
	if [ "${REGENERATE:-}" = 1 ]; then
		mkdir -p "$(dirname "$2")" && cp "$3" "$2" && pass "$1"
	elif [ -f "$2" ] && cmp -s "$2" "$3"; then pass "$1"
	else fail "$1" "$(diff -u "$2" "$3" 2>&1 | head -40)"; fi
}
for host in "$hosts"/*/; do
	h=$(basename "$host")
	host=$hosts/$h
	mkdir -p "$scratch/list/$h"
	before=$(fingerprint "$host")
	for mode in txt json; do
		out=$scratch/list/$h/list.$mode
		if [ $mode = json ]; then set -- --json; else set -- --color=never; fi
		{ "$bin" --sysroot "$host" list "$@" 2>&1; echo "--- exit $?"; } | sed "s|$host|FIXTURE|g" > "$out"
		golden_cmp "list-golden-$h-$mode" "$golden/$h/list.$mode" "$out"
	done
	"$bin" --sysroot "$host" list --json > "$scratch/list/$h/raw.json" 2> "$scratch/err"; rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$scratch/err" ] &&
		python3 -c 'import json,sys; json.load(sys.stdin)' < "$scratch/list/$h/raw.json"; then
		pass "list-json-parses-$h"
	else fail "list-json-parses-$h" "exit $rc" "$(head -5 "$scratch/err")"; fi
	schema_check "list-json-schema-$h" "$scratch/list/$h/raw.json" list
	# Piped output without --color has no escape sequences; NO_COLOR wins over auto.
	"$bin" --sysroot "$host" list > "$scratch/out" 2>&1
	check "list-piped-no-color-$h" sh -c "! grep -q \"$(printf '\033')\" '$scratch/out'"
	NO_COLOR=1 "$bin" --sysroot "$host" list --color=auto > "$scratch/out" 2>&1
	check "list-no-color-env-$h" sh -c "! grep -q \"$(printf '\033')\" '$scratch/out'"
	after=$(fingerprint "$host")
	check "list-writes-nothing-$h" test "$before" = "$after"
done
if [ -d "$desk" ]; then
	out=$scratch/list/q35-bochs-desktop/list.color
	"$bin" --sysroot "$desk" list --color=always > "$out" 2>&1
	golden_cmp list-golden-q35-bochs-desktop-color "$golden/q35-bochs-desktop/list.color" "$out"
	check list-color-always-has-escapes grep -q "$(printf '\033')\[" "$out"
fi
# The live host, read-only: whatever it has (no IOMMU, no USB), list succeeds with one document.
"$bin" list --json > "$scratch/out" 2> "$scratch/err"; rc=$?
if [ $rc -eq 0 ] && python3 -c 'import json,sys; json.load(sys.stdin)' < "$scratch/out"; then
	pass list-live-host-json
else fail list-live-host-json "exit $rc" "$(head -5 "$scratch/err")"; fi
# --- vfio-hook doctor --------------------------------------------------------------------------
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

# --- golden plans on captured hosts ----------------------------------------------------------
count=0
# golden_plan HOST-NAME HOST-DIR XML: the plan and the hook's --dry-run for one domain.
golden_plan() {
	d=$(basename "$3" .xml)
	expected=$golden/$1/$d.plan
	actual=$scratch/golden/$1/$d.plan
	mkdir -p "$(dirname "$actual")"
	{
		"$bin" plan --sysroot "$2" --xml "$3" 2>&1; echo "--- exit $?"
		echo "--- hook --dry-run"
		"$bin" hook --sysroot "$2" --dry-run -- "$d" prepare begin - < "$3" 2>&1; echo "--- exit $?"
	} | sed "s|$2|FIXTURE|g" > "$actual"
	count=$((count + 1))
	if [ "${REGENERATE:-}" = 1 ]; then
		mkdir -p "$(dirname "$expected")"
		cp "$actual" "$expected"
		pass "golden-$1-$d"
	elif [ -f "$expected" ] && cmp -s "$expected" "$actual"; then
		pass "golden-$1-$d"
	else
		fail "golden-$1-$d" "$(diff -u "$expected" "$actual" 2>&1 | head -40)"
	fi
}
for host in "$hosts"/*/; do
	h=$(basename "$host")
	host=$hosts/$h
	[ -d "$domains/$h" ] || continue
	before=$(fingerprint "$host")
	for x in "$domains/$h"/*.xml; do golden_plan "$h" "$host" "$x"; done
	# Planning and --dry-run read the host and write nothing at all.
	after=$(fingerprint "$host")
	check "dry-run-writes-nothing-$h" test "$before" = "$after"
done

# --- hosts derived from captures: each holder of the card dealt with by what it is -----------
# tests/fixtures/derived/NAME.sh builds each from a capture and says what it changed.
derived=$scratch/derived
for script in "$repo"/tests/fixtures/derived/*-*.sh; do
	n=$(basename "$script" .sh)
	# "# domain: CAPTURE/FILE.xml" in the script names the VM planned on it.
	x=$(sed -n 's/^# domain: *//p' "$script")
	x=$domains/${x:-q35-bochs-desktop/gpu-and-audio.xml}
	if bash "$script" "$derived/$n" > "$scratch/out" 2>&1; then
		golden_plan "$n" "$derived/$n" "$x"
	else fail "derive-$n" "$(cat "$scratch/out")"; fi
done
# plan_of NAME [XML]: the derived host's plan (default: for the GPU and its audio), with its
# exit status last.
plan_of() { "$bin" plan --sysroot "$derived/$1" --xml "${2:-$vmxml}" 2>&1; echo "exit $?"; }
# Logind's copies in PID 1's fd store and in systemd-logind: no refusal, no signal, waited for.
for n in logind-copies wayland-user-unit; do
	plan_of $n > "$scratch/plan"
	if grep -q '^exit 0$' "$scratch/plan" && ! grep -q -e refused -e 'kill systemd' "$scratch/plan" &&
		grep -q "systemd\[1\] (logind's copy) goes with its session" "$scratch/plan" &&
		grep -q "systemd-logind\[238\] (logind's copy) goes with its session" "$scratch/plan"; then
		pass "holders-logind-copies-$n"
	else fail "holders-logind-copies-$n" "$(cat "$scratch/plan")"; fi
done
# The same on the real GNOME desktop captured in the guest (GDM, gnome-shell a user unit).
gw=$hosts/q35-gnome-wayland
"$bin" plan --sysroot "$gw" --xml "$domains/q35-gnome-wayland/gpu-and-audio.xml" > "$scratch/plan" 2>&1
if [ $? -eq 0 ] && ! grep -q -e refused -e 'kill ' "$scratch/plan" &&
	grep -q 'end session *1 .*gnome-shell\[[0-9]*\] (user unit org.gnome.Shell@wayland.service)' "$scratch/plan" &&
	grep -q "systemd\[1\] (logind's copy) goes with its session, systemd-logind\[[0-9]*\] (logind's copy) goes with its session, gnome-shell\[[0-9]*\] ends with session 1" "$scratch/plan"; then
	pass holders-captured-gnome-wayland
else fail holders-captured-gnome-wayland "$(cat "$scratch/plan")"; fi
# A compositor that is a user unit ends with its user's graphical session, not by a signal.
plan_of wayland-user-unit > "$scratch/plan"
if grep -q 'end session *2 .*gnome-shell\[264\] (user unit org.gnome.Shell@wayland.service)' "$scratch/plan" &&
	grep -q 'gnome-shell\[264\] ends with session 2' "$scratch/plan" && ! grep -q 'kill gnome-shell' "$scratch/plan"; then
	pass holders-user-unit-compositor-session
else fail holders-user-unit-compositor-session "$(cat "$scratch/plan")"; fi
# A system service stops as its unit (and starts again at release); it is not killed. A
# transient one (systemd-run) could not start again: its process is signalled.
plan_of service-holder > "$scratch/plan"
if grep -q 'stop unit *gpu-inference.service .*start gpu-inference.service *inferd\[611\] holds /dev/dri/card0' "$scratch/plan" &&
	grep -q 'inferd\[611\] stops with gpu-inference.service' "$scratch/plan" && ! grep -q 'kill inferd' "$scratch/plan" &&
	grep -q 'kill sleep\[612\]' "$scratch/plan" && ! grep -q 'stop unit *run-u12' "$scratch/plan"; then
	pass holders-service-stops-as-unit
else fail holders-service-stops-as-unit "$(cat "$scratch/plan")"; fi
# Anything else is signalled.
plan_of unknown-holder > "$scratch/plan"
check holders-other-killed grep -q 'kill glxgears\[611\]' "$scratch/plan"
# Two NVIDIA cards, one passed: the driver's shared nodes (nvidiactl, nvidia-uvm) are not the
# passed card's, so CUDA on the kept card is left alone; a process of an ssh session holding
# the passed card is signalled, not its session; persistenced stops as a unit; nvidia stays.
plan_of two-nvidia-one-passed "$domains/h100-nvidia-compute/gpu.xml" > "$scratch/plan"
if grep -q '^exit 0$' "$scratch/plan" && ! grep -q -e 'cuda-app' -e 'end session' "$scratch/plan" &&
	grep -q 'kill trainer\[901\]' "$scratch/plan" &&
	grep -q 'stop unit *nvidia-persistenced.service' "$scratch/plan" &&
	grep -q 'module nvidia stays loaded: nvidia also drives 0000:00:07.0' "$scratch/plan"; then
	pass holders-two-nvidia-shared-nodes-stay
else fail holders-two-nvidia-shared-nodes-stay "$(cat "$scratch/plan")"; fi
# Both NVIDIA cards passed: nvidia goes, so a process holding only its shared nvidiactl is the
# handoff's too; on the same host with one card passed, it is left alone.
plan_of two-nvidia-both-passed "$domains/h100-nvidia-compute/two-gpus.xml" > "$scratch/plan"
plan_of two-nvidia-both-passed "$domains/h100-nvidia-compute/gpu.xml" > "$scratch/plan-one"
if grep -q '^exit 0$' "$scratch/plan" && grep -q 'kill nvtop\[903\]' "$scratch/plan" &&
	grep -q 'unload module *nvidia ' "$scratch/plan" && ! grep -q nvtop "$scratch/plan-one" &&
	grep -q '^exit 0$' "$scratch/plan-one"; then
	pass holders-two-nvidia-both-passed-shared-nodes-go
else fail holders-two-nvidia-both-passed-shared-nodes-go "$(cat "$scratch/plan" "$scratch/plan-one")"; fi
# One NVIDIA card with nvidia_drm: the modules on nvidia go before the unbind, nvidia after it.
plan_of nvidia-desktop "$domains/h100-nvidia-compute/gpu.xml" > "$scratch/plan"
order=$(awk '$2 == "drivers" { print $3, $4, $5 }' "$scratch/plan" | tr '\n' ',')
if [ "$order" = "unload module nvidia_drm,unload module nvidia_modeset,unload module nvidia_uvm,unbind driver 0000:00:06.0,unload module nvidia," ] &&
	grep -q '^exit 0$' "$scratch/plan"; then
	pass drivers-nvidia-stack-before-unbind
else fail drivers-nvidia-stack-before-unbind "order: $order" "$(cat "$scratch/plan")"; fi
# amdgpu: ROCm's /dev/kfd is the card's when amdgpu goes with it; a mapping holds as an fd does.
plan_of amdgpu-rocm > "$scratch/plan"
if grep -q 'kill python3\[700\]' "$scratch/plan" && grep -q 'kill vkcube\[701\]' "$scratch/plan" &&
	grep -q 'unload module *amdgpu' "$scratch/plan"; then
	pass holders-kfd-and-mapped-card
else fail holders-kfd-and-mapped-card "$(cat "$scratch/plan")"; fi
# doctor: a slot split across IOMMU groups with one function passed, a card in D3cold, a
# resizable BAR: each a warning naming the function, with its advice.
"$bin" doctor --color=never --sysroot "$derived/amdgpu-split-slot" \
	--xml "$domains/q35-bochs-desktop/gpu-only.xml" > "$scratch/doctor" 2>&1
if grep -q '^slot-split *warn *0000:00:03.0 is passed, 0000:00:03.1 of the same slot stays' "$scratch/doctor" &&
	grep -q '^power-state *warn *0000:00:03.0 is in D3cold' "$scratch/doctor" &&
	grep -q 'disable_idle_d3=1' "$scratch/doctor" &&
	grep -q '^resizable-bar *warn *0000:00:03.0 has a resizable BAR' "$scratch/doctor"; then
	pass doctor-slot-split-d3cold-rebar
else fail doctor-slot-split-d3cold-rebar "$(cat "$scratch/doctor")"; fi
# The firmware framebuffer's device (BOOTFB) inside a passed BAR (/proc/iomem): a note for a
# VGA-class card, which vfio-pci evicts it from; a refusal naming the range for a display
# controller.
nd=$domains/q35-bochs-nodrivers/gpu-and-audio.xml
plan_of efifb-in-vga-bar "$nd" > "$scratch/plan"
if grep -q '^exit 0$' "$scratch/plan" &&
	grep -q '^  boot framebuffer BOOTFB c0000000-c02fffff lies in a BAR of 0000:00:03.0: vfio-pci evicts it' "$scratch/plan"; then
	pass framebuffer-claim-in-vga-bar-noted
else fail framebuffer-claim-in-vga-bar-noted "$(cat "$scratch/plan")"; fi
plan_of bootfb-in-display-bar "$nd" > "$scratch/plan"
if grep -q '^exit 1$' "$scratch/plan" &&
	grep -q 'refused: boot framebuffer BOOTFB c0000000-c02fffff lies in a BAR of 0000:00:03.0 (class 038000)' "$scratch/plan"; then
	pass framebuffer-device-in-display-bar-refused
else fail framebuffer-device-in-display-bar-refused "$(cat "$scratch/plan")"; fi
# Only a driver's claim (efifb): unbinding it frees the range, so the plan goes ahead.
plan_of efifb-in-display-bar "$nd" > "$scratch/plan"
if grep -q '^exit 0$' "$scratch/plan" && ! grep -q 'refused' "$scratch/plan" &&
	grep -q 'unbind framebuffer *efi-framebuffer.0' "$scratch/plan"; then
	pass framebuffer-driver-claim-in-display-bar-unbound
else fail framebuffer-driver-claim-in-display-bar-unbound "$(cat "$scratch/plan")"; fi
# Two GPUs, the host keeps one: the session on the passed card is refused, named, nothing runs.
plan_of two-gpus-wayland > "$scratch/plan"
if grep -q '^exit 1$' "$scratch/plan" &&
	grep -q 'refused: session 2 (user desk, uid 1000, wayland via gdm-autologin) holds /dev/dri/card0 of a passed device: its compositor gnome-shell\[264\] (user unit org.gnome.Shell@wayland.service)' "$scratch/plan" &&
	! grep -q -e 'kill ' -e 'end session' "$scratch/plan"; then
	pass holders-two-gpus-session-refused
else fail holders-two-gpus-session-refused "$(cat "$scratch/plan")"; fi
echo "golden plans: $count"
