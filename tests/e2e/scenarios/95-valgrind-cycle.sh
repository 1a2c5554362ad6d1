#!/bin/bash
# e2e-timeout: 600
# One full start/destroy with every call libvirt makes of the hook (prepare, start,
# started, stopped, release) under valgrind memcheck: no error, no leak (definite,
# indirect or possible), and the handoff still works.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-valgrind
define_vm $vm yes
hook_wrap
# Whatever happens, the host gets memcheck's reports.
on_exit "cp $E2E_WORK/vg-*.log $E2E_ARTIFACTS/ 2>/dev/null || true"
for op in prepare start started stopped release; do
    hook_prefix $op valgrind -q --tool=memcheck --leak-check=full \
        --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
        --log-file="$E2E_WORK/vg-$op.%p.log" --
done
handoff_cycle $vm
logs=("$E2E_WORK"/vg-*.log)
[[ -e ${logs[0]} ]] || fail "valgrind wrote no log"
note "${#logs[@]} hook runs under valgrind: $(cd "$E2E_WORK" && ls vg-*.log | sed 's/\.[0-9]*\.log//' | sort | uniq -c | xargs)"
for op in prepare release; do ls "$E2E_WORK"/vg-$op.*.log >/dev/null 2>&1 || fail "no valgrind run of $op"; done
# -q: a clean run logs nothing at all.
for l in "${logs[@]}"; do
    [[ ! -s $l ]] || fail "valgrind found something in $(basename "$l"): $(cat "$l")"
done
note "memcheck: 0 errors, 0 leaks in ${#logs[@]} runs"
