# shellcheck shell=sh
# Argv contract.
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
