# shellcheck shell=sh
# vfio-hook list.
# Golden reports of the captured hosts (REGENERATE=1 rewrites them), colour rules, and the JSON
# against docs/list.schema.json.
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
