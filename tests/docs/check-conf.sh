#!/bin/sh
# vfio-hook.conf(5) against the code, both ways: the keys src/input/config.c parses (SETTINGS), the
# flags of src/input/vm-flags.c (VM FLAGS), the stages of src/input/stage-id.c in the order of src/stages/stages.c
# (STAGES), the hook points of src/input/overrides.c (OVERRIDE EXECUTABLES) and the environment
# src/actions/run-script.c gives an override (ENVIRONMENT).
# Usage: tests/docs/check-conf.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/code-names.sh"
build=${1:-build}
t=$(scratch "$build" conf)
page=$build/man/vfio-hook.conf.5
src=$repo/src
if [ ! -f "$page" ]; then
	fail conf.page "$page is missing (make man)"
	exit 1
fi

code_config_keys "$repo" > "$t/code-keys"
entries "$page" SETTINGS | first_words > "$t/man-keys"
same conf-keys-match-man "src/input/config.c's keys" "$t/code-keys" "vfio-hook.conf(5) SETTINGS" \
	"$t/man-keys"

code_vm_flags "$repo" > "$t/code-flags"
entries "$page" "VM FLAGS" | first_words > "$t/man-flags"
same vm-flags-match-man "src/input/vm-flags.c's flags" "$t/code-flags" "vfio-hook.conf(5) VM FLAGS" \
	"$t/man-flags"

code_stages "$repo" > "$t/code-stages"
entries "$page" STAGES | first_words > "$t/man-stages"
same stages-match-man "src/input/stage-id.c's stages" "$t/code-stages" "vfio-hook.conf(5) STAGES" \
	"$t/man-stages"
if [ -s "$t/code-stages" ] && cmp -s "$t/code-stages" "$t/man-stages"; then
	pass stages-in-table-order
else
	fail stages-in-table-order "src/stages/stages.c runs:" $(cat "$t/code-stages") \
		"vfio-hook.conf(5) lists:" $(cat "$t/man-stages")
fi

# Hook points: an override's name is "before-" or "after-", then a stage name.
code_hook_prefixes "$repo" > "$t/code-hook-points"
entries "$page" "OVERRIDE EXECUTABLES" | sed -n 's/^\([a-z]*-\)STAGE.*/\1/p' > "$t/man-hook-points"
same hook-points-match-man "src/input/overrides.c's name prefixes" "$t/code-hook-points" \
	"vfio-hook.conf(5) OVERRIDE EXECUTABLES" "$t/man-hook-points"

# The environment of an override: the envp of src/actions/run-script.c.
sed -n '/char \*envp\[\]/,/};/p' "$src/actions/run-script.c" | grep -o '"[A-Z_]*=' | tr -d '"=' \
	> "$t/code-env"
grep -o 'strdup_printf("VFIO_HOOK_[A-Z_]*=' "$src/actions/run-script.c" | sed 's/.*"\(.*\)=/\1/' \
	>> "$t/code-env"
entries "$page" ENVIRONMENT | first_words > "$t/man-env"
same override-env-matches-man "src/actions/run-script.c's environment" "$t/code-env" \
	"vfio-hook.conf(5) ENVIRONMENT" "$t/man-env"
exit $failed
