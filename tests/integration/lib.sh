# shellcheck shell=sh
# Helpers for the integration cases (tests/integration/cases/*.sh), sourced by run.sh after it
# has set build, bin, repo, hosts, domains, golden and scratch.

pass() { echo "PASS integration.$1"; }
fail() { echo "FAIL integration.$1"; shift; for l in "$@"; do echo "  $l"; done; }
skip() { echo "SKIP integration.$1: $2"; }
# check NAME CONDITION-COMMAND... : PASS if the command succeeds.
check() { n=$1; shift; if "$@"; then pass "$n"; else fail "$n" "failed: $*"; fi; }
lines() { if [ -s "$1" ]; then wc -l < "$1"; else echo 0; fi; }
# A stable fingerprint of a tree: paths, link targets, sizes and contents.
fingerprint() { (cd "$1" && find . -printf '%p %y %l %s %m\n' | LC_ALL=C sort && find . -type f -exec md5sum {} + | LC_ALL=C sort) | md5sum; }

# schema_check NAME FILE SCHEMA: one result, FILE valid against docs/SCHEMA.schema.json.
jsc=$repo/tests/lib/json-schema-check.py
if python3 -c 'import jsonschema' 2>/dev/null; then has_jsonschema=yes; else has_jsonschema=no; fi
schema_check() {
	if [ $has_jsonschema = no ]; then echo "SKIP integration.$1: python3-jsonschema not installed"; return; fi
	if python3 "$jsc" "$2" "$repo/docs/$3.schema.json" > "$scratch/schema.out" 2>&1; then pass "$1"
	else fail "$1" "$(cat "$scratch/schema.out")"; fi
}

# golden_cmp NAME EXPECTED ACTUAL: ACTUAL is EXPECTED (REGENERATE=1 rewrites EXPECTED).
golden_cmp() {
	if [ "${REGENERATE:-}" = 1 ]; then
		mkdir -p "$(dirname "$2")" && cp "$3" "$2" && pass "$1"
	elif [ -f "$2" ] && cmp -s "$2" "$3"; then pass "$1"
	else fail "$1" "$(diff -u "$2" "$3" 2>&1 | head -40)"; fi
}

# golden_plan HOST-NAME HOST-DIR XML: the plan and the hook's --dry-run for one domain, against
# golden/HOST-NAME/DOMAIN.plan; count says how many were compared.
count=0
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

# The hosts derived from captures (tests/fixtures/derived/NAME.sh), made by 13-derived.sh.
derived=$scratch/derived
# plan_of NAME [XML]: the derived host's plan (default: for the GPU and its audio), with its
# exit status last.
plan_of() { "$bin" plan --sysroot "$derived/$1" --xml "${2:-$vmxml}" 2>&1; echo "exit $?"; }
