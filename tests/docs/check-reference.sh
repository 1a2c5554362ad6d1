#!/bin/sh
# docs/reference.md against the code: every description flag, configuration key, stage (in
# prepare and release order) and override hook point the code knows is in its table, and
# everything those tables list exists in the code. The names come from the sources; the
# binary then confirms that each listed flag, key example and stage name is accepted, and that
# an unknown one is not (so these checks can fail).
# Usage: tests/docs/check-reference.sh BUILD_DIR   (prints PASS/FAIL lines; exit 1 on a failure)
set -u
build=${1:?usage: check-reference.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
ref=${REFERENCE_MD:-$top/docs/reference.md}
bin=$build/vfio-hook
fixture=$top/tests/fixtures/hosts/microvm-virtio-noiommu
status=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

pass() { echo "PASS reference.$1"; }
fail() { echo "FAIL reference.$1${2:+: $2}"; status=1; }

# The backquoted word of column COL in the first table under the heading HEADING (## or ###) of
# FILE (reference.md by default).
column() {
	awk -v h="$1" -v col="$2" '
		/^#/ { sub(/^#+ +/, ""); inside = ($0 == h); rows = 0; next }
		inside && !/^\|/ && rows > 0 { inside = 0 }   # only the first table
		inside && /^\|/ {
			if (++rows <= 2) next   # header and separator
			n = split($0, cell, "|")
			c = cell[col + 1]
			if (match(c, /`[^`]+`/)) print substr(c, RSTART + 1, RLENGTH - 2)
		}' "${3:-$ref}"
}

# compare NAME CODE_LIST DOC_LIST: same set, every name once.
compare() {
	name=$1
	sort "$2" > "$tmp/code.sorted"
	sort "$3" > "$tmp/doc.sorted"
	missing=$(comm -23 "$tmp/code.sorted" "$tmp/doc.sorted" | tr '\n' ' ')
	extra=$(comm -13 "$tmp/code.sorted" "$tmp/doc.sorted" | tr '\n' ' ')
	dups=$(uniq -d "$tmp/doc.sorted" | tr '\n' ' ')
	if [ ! -s "$2" ]; then
		fail "$name" "nothing found in the code (has the source moved?)"
	elif [ -n "$missing$extra$dups" ]; then
		fail "$name" "${missing:+not in reference.md: $missing}${extra:+listed but not in the code: $extra}${dups:+listed twice: $dups}"
	else
		pass "$name"
	fi
}

[ -f "$ref" ] || { fail exists "$ref"; exit 1; }
[ -x "$bin" ] || { fail binary "no $bin (build first)"; exit 1; }

# --- from the code ---------------------------------------------------------------------------
. "$top/tests/docs/code-names.sh"
code_vm_flags "$top" > "$tmp/flags.code"
code_config_keys "$top" > "$tmp/keys.code"
code_stages "$top" > "$tmp/stages.code"
# Override executables are PREFIX-STAGE for any stage (parse_script_name).
for prefix in $(code_hook_prefixes "$top"); do sed "s/^/$prefix/" "$tmp/stages.code"; done \
	> "$tmp/points.code"

# --- from reference.md -----------------------------------------------------------------------
column "Description flags" 1 > "$tmp/flags.doc"
column "Configuration keys" 1 > "$tmp/keys.doc"
column "Configuration keys" 5 > "$tmp/key-examples.doc"
column "Stages" 2 > "$tmp/stages.doc"
# The release table is the second one under "Stages", after the line that introduces it.
awk '/^On `release end`/ { print "## Stages"; f = 1 } f' "$ref" > "$tmp/release.md"
column "Stages" 2 "$tmp/release.md" > "$tmp/release.doc"
column "Override hook points" 1 > "$tmp/points.doc"

compare flags "$tmp/flags.code" "$tmp/flags.doc"
compare config-keys "$tmp/keys.code" "$tmp/keys.doc"
compare stages "$tmp/stages.code" "$tmp/stages.doc"
compare hook-points "$tmp/points.code" "$tmp/points.doc"

if [ -s "$tmp/stages.code" ] && cmp -s "$tmp/stages.code" "$tmp/stages.doc"; then
	pass stages.prepare-order
else
	fail stages.prepare-order "the Stages table is not in src/stages/stages.c's order"
fi
tac "$tmp/stages.code" > "$tmp/release.code"
if [ -s "$tmp/release.code" ] && cmp -s "$tmp/release.code" "$tmp/release.doc"; then
	pass stages.release-order
else
	fail stages.release-order "the release table is not the prepare order reversed"
fi

# Each key's example line starts with that key.
paste -d ' ' "$tmp/keys.doc" "$tmp/key-examples.doc" > "$tmp/key-pairs"
bad=$(awk '{ split($0, w, " "); if (w[2] != w[1]) printf "%s ", w[1] }' "$tmp/key-pairs")
if [ "$(wc -l < "$tmp/keys.doc")" -eq "$(wc -l < "$tmp/key-examples.doc")" ] && [ -z "$bad" ]; then
	pass config-keys.examples-named
else
	fail config-keys.examples-named "an example that does not set its own key: $bad"
fi

# --- the binary accepts what is listed ----------------------------------------------------------
# A flag: a domain whose description carries it must not be refused for an unknown flag.
flag_known() {
	printf "<domain type='kvm'><name>ref</name><uuid>6c0d5e2a-0b1f-4d43-9a1e-0000000000ff</uuid><description>args[ %s ]</description><memory unit='MiB'>128</memory></domain>" "$1" |
		"$bin" --sysroot "$fixture" plan --color=never --xml - 2>&1 | grep -q "unknown flag" && return 1
	return 0
}
if flag_known --no-such-flag-here; then
	fail flags.binary-control "an unknown flag was not refused: this check cannot fail"
else
	pass flags.binary-control
	bad=
	while read -r f; do flag_known "$f" || bad="$bad $f"; done < "$tmp/flags.doc"
	[ -z "$bad" ] && pass flags.binary || fail flags.binary "refused as unknown:$bad"
fi

# A configuration line: a copy of a host with it in vfio-hook.conf must pass doctor's
# overrides-safe check, which loads the configuration as the hook does.
cp -a "$fixture" "$tmp/host"
mkdir -p "$tmp/host/etc/libvirt/hooks"
chmod 755 "$tmp/host" "$tmp/host/etc" "$tmp/host/etc/libvirt" "$tmp/host/etc/libvirt/hooks"
setting_ok() {
	printf '%s\n' "$1" > "$tmp/host/etc/libvirt/hooks/vfio-hook.conf"
	chmod 644 "$tmp/host/etc/libvirt/hooks/vfio-hook.conf"
	"$bin" --sysroot "$tmp/host" doctor --color=never 2>&1 | grep -q '^overrides-safe  *pass'
}
if setting_ok "no_such_key = 1" || setting_ok "disable = no-such-stage" || ! setting_ok "debug = no"; then
	fail config.binary-control "doctor does not tell a bad setting from a good one: this check cannot fail"
else
	pass config.binary-control
	bad=
	while read -r line; do setting_ok "$line" || bad="$bad [$line]"; done < "$tmp/key-examples.doc"
	[ -z "$bad" ] && pass config-keys.binary || fail config-keys.binary "refused:$bad"
	bad=
	while read -r s; do setting_ok "disable = $s" || bad="$bad $s"; done < "$tmp/stages.doc"
	[ -z "$bad" ] && pass stages.binary || fail stages.binary "disable refused:$bad"
fi

exit $status
