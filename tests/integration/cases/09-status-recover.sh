# shellcheck shell=sh
# Status and recover.
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
		printf 'disable = sleep display-manager sessions audio holders drivers vfio\n' \
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
	# status_golden NAME FILE: against tests/integration/golden/q35-bochs-desktop/NAME.
	status_golden() {
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
	status_golden status.txt "$scratch/status.txt"
	"$bin" --sysroot "$st" status --json > "$scratch/status.jraw" 2> "$scratch/err"; rc=$?
	normalise "$st" < "$scratch/status.jraw" > "$scratch/status.json"
	status_golden status.json "$scratch/status.json"
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
	# A description changed live so that the XML no longer parses: release finds the journal
	# by the name libvirt passes, gives everything back, and says why in one warning.
	new_prepared "$rel"
	printf '<domain type="kvm"><name>win10</name><description>args[ --$(reboot) ]</description>' |
		"$qemu" --sysroot "$rel" win10 release end - > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && [ "$(tree "$rel")" = "$pre" ] && [ "$(grep -c . "$scratch/out")" = 1 ] &&
		grep -q "warning: The domain XML at release does not parse (.*): giving back what the journal of 'win10' records" "$scratch/out"; then
		pass release-with-unparsable-xml-restores-the-tree
	else fail release-with-unparsable-xml-restores-the-tree "exit $rc" "$(cat "$scratch/out")"; fi
	# args[ --dry-run ] in the description: the plan goes to the journal only (none under
	# --sysroot); no lock, no log file, and the leftover journal stays for the release that
	# gives it back.
	new_prepared "$rel"
	before=$(tree "$rel"); logsum=$(md5sum < "$rel/var/log/libvirt/hooks/qemu/win10.log")
	sed 's|<description>[^<]*</description>|<description>args[ --dry-run ]</description>|' "$vmxml" |
		"$qemu" --sysroot "$rel" win10 prepare begin - > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && [ "$(tree "$rel")" = "$before" ] &&
		[ "$(md5sum < "$rel/var/log/libvirt/hooks/qemu/win10.log")" = "$logsum" ] &&
		[ ! -s "$scratch/out" ]; then
		pass description-dry-run-leaves-journal-and-log
	else fail description-dry-run-leaves-journal-and-log "exit $rc" "$(cat "$scratch/out")"; fi
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
	refuse_case name-dotdot "Refusing VM '..': give its UUID or its name" ..
	refuse_case name-slash "Refusing VM '../../etc/passwd': give its UUID or its name" ../../etc/passwd
	refuse_case name-slash-dry-run "Refusing VM 'a/b': give its UUID or its name" --dry-run a/b
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
