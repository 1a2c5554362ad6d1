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
has_jsonschema=no
python3 -c 'import jsonschema' 2>/dev/null && has_jsonschema=yes
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
	if [ $has_jsonschema = yes ]; then
		if python3 -c 'import json,sys,jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(sys.stdin))' \
			"$repo/docs/list.schema.json" < "$scratch/list/$h/raw.json" 2> "$scratch/err"; then
			pass "list-json-schema-$h"
		else fail "list-json-schema-$h" "$(tail -5 "$scratch/err")"; fi
	else skip "list-json-schema-$h" "python3-jsonschema not installed"; fi
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

# --- golden plans on captured hosts ----------------------------------------------------------
count=0
for host in "$hosts"/*/; do
	h=$(basename "$host")
	host=$hosts/$h
	[ -d "$domains/$h" ] || continue
	before=$(fingerprint "$host")
	for x in "$domains/$h"/*.xml; do
		d=$(basename "$x" .xml)
		expected=$golden/$h/$d.plan
		actual=$scratch/golden/$h/$d.plan
		mkdir -p "$(dirname "$actual")"
		{
			"$bin" plan --sysroot "$host" --xml "$x" 2>&1; echo "--- exit $?"
			echo "--- hook --dry-run"
			"$bin" hook --sysroot "$host" --dry-run -- "$d" prepare begin - < "$x" 2>&1; echo "--- exit $?"
		} | sed "s|$host|FIXTURE|g" > "$actual"
		count=$((count + 1))
		if [ "${REGENERATE:-}" = 1 ]; then
			mkdir -p "$(dirname "$expected")"
			cp "$actual" "$expected"
			pass "golden-$h-$d"
		elif [ -f "$expected" ] && cmp -s "$expected" "$actual"; then
			pass "golden-$h-$d"
		else
			fail "golden-$h-$d" "$(diff -u "$expected" "$actual" 2>&1 | head -40)"
		fi
	done
	# Planning and --dry-run read the host and write nothing at all.
	after=$(fingerprint "$host")
	check "dry-run-writes-nothing-$h" test "$before" = "$after"
done
echo "golden plans: $count"
