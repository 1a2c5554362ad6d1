#!/bin/sh
# The figures of docs/reliability.md, counted from what the test layers leave behind. Run
# first: `make check` (unit, integration, fuzz smoke, real-kernel e2e), `make asan check-fast`,
# `make fuzz` and `make analyze`. Usage: tests/reliability-report.sh [BUILD_DIR]
set -u
build=${1:-build}
e2e=$build/e2e/results/results
fast=$build/test-results/all.log
asan=build-asan/test-results/all.log
fuzz=build-fuzz/fuzz-summary.txt

# n FILE VERDICT PREFIX: result lines "VERDICT PREFIX..." in FILE (0 when it is missing).
n() { if [ -f "$1" ]; then grep -c "^$2 $3" "$1"; else echo 0; fi; }
# row WHAT FILE PREFIX HOW: tried = every PASS or FAIL line, handled = the PASS lines.
row() {
	pass=$(n "$2" PASS "$3") failed=$(n "$2" FAIL "$3") skip=$(n "$2" SKIP "$3")
	extra=""
	[ "$skip" -eq 0 ] || extra=" ($skip skipped)"
	printf '| %s | %d | %d%s | %s |\n' "$1" $((pass + failed)) "$pass" "$extra" "$4"
}

echo "| what | tried | handled | reproduce |"
echo "|---|---|---|---|"
row "Fault injected into one prepare action: virsh start fails, host as before" "$e2e" \
	"90-fault-every-prepare-action/" '`make check` (e2e 90)'
row "Fault injected into one optional-stage action: virsh start fails, host as before" "$e2e" \
	"89-fault-every-optional-action/" '`make check` (e2e 89)'
row "SIGKILL at a journal write of prepare, then release: desktop back" "$e2e" \
	"91-kill-every-prepare-point/" '`make check` (e2e 91)'
row "SIGKILL at a journal write of release, then release again: desktop back" "$e2e" \
	"92-kill-every-release-point/" '`make check` (e2e 92)'
row "Module held by a process ignoring SIGTERM, display manager that will not stop, device removed mid-prepare" \
	"$e2e" "93-stuck-and-vanishing/" '`make check` (e2e 93)'
row "Two VMs started at once for one GPU" "$e2e" "94-concurrent-starts/" '`make check` (e2e 94)'
row "libvirtd restarted while the VM runs, then destroy" "$e2e" "70-libvirtd-restart-then-destroy " \
	'`make check` (e2e 70)'
row "Hostile input to the installed hook as root on the real kernel" "$e2e" \
	"96-hostile-input-real-host/" '`make check` (e2e 96)'
row "Hostile documents, descriptions, names and PCI addresses (fast layer, under strace)" "$fast" \
	"integration.hostile-[^jo]" '`make check-fast`'
row "Tampered journals and state directories" "$fast" "integration.hostile-journal-" \
	'`make check-fast`'
row "Unsafe override files and directories" "$fast" "integration.hostile-override-" \
	'`make check-fast`'
row "Unit, integration and fuzz smoke tests under ASan+UBSan" "$asan" "" '`make asan check-fast`'
row "One full start/destroy under valgrind memcheck, every hook call" "$e2e" "95-valgrind-cycle " \
	'`make check` (e2e 95)'
echo
if [ -f "$fuzz" ]; then
	echo "Fuzzing (\`make fuzz\`):"
	echo
	cat "$fuzz"
else
	echo "Fuzzing: no $fuzz; run \`make fuzz\`."
fi
