#!/bin/bash
# e2e-timeout: 600
# The hostile corpus (tests/corpus) and hostile argv against the installed hook, as root, on
# the real host: each prepare gets exit 1 and one line on stderr, release and start exit 0,
# the desktop and devices stay as they are, and no file is written anywhere but our state
# and log directories (and the system journal).
set -euo pipefail
. "$E2E_DIR/lib.sh"

hook=/etc/libvirt/hooks/qemu
gen=$E2E_WORK/generated
mkdir -p "$gen"
# Too big to keep in the repository: 5 MiB of well-formed XML, and one past the 4 MiB cap.
{ printf '<domain type="kvm"><name>big</name><description>'; head -c 5242880 /dev/zero | tr '\0' 'a'
  printf '</description></domain>'; } >"$gen/5mib-description.xml"
printf '<domain type="kvm"><name>nul\0byte</name></domain>' >"$gen/nul-in-name.xml"

good=$E2E_WORK/good.xml
domain_xml e2e-hostile yes "" $GPU $HDA >"$good"
long=$(printf 'v%.0s' {1..255})

steady_state >"$E2E_WORK/before"
marker=$E2E_WORK/marker
touch "$marker"

# one_case NAME VM OP XML: prepare exits 1 with one stderr line; other ops exit 0.
one_case() {
    local vm=$1 op=$2 xml=$3 rc=0 want=0
    "$hook" "$vm" "$op" begin - <"$xml" >"$E2E_WORK/out" 2>"$E2E_WORK/err" || rc=$?
    [[ $op == prepare ]] && want=1
    ((rc == want)) || fail "exit $rc, expected $want; stderr: $(cat "$E2E_WORK/err")"
    if [[ $op == prepare ]]; then
        (($(wc -l <"$E2E_WORK/err") == 1)) || fail "stderr is not one line: $(cat "$E2E_WORK/err")"
        grep -q '^vfio-hook: ' "$E2E_WORK/err" || fail "stderr: $(cat "$E2E_WORK/err")"
        note "$(cat "$E2E_WORK/err")"
    fi
    [[ ! -s $E2E_WORK/out ]] || fail "wrote to stdout: $(head -c 200 "$E2E_WORK/out")"
    assert_driver $GPU bochs-drm
    assert_driver $HDA snd_hda_intel
    assert_unit_active display-manager.service
}

for x in "$E2E_DIR"/corpus/*.xml "$gen"/*.xml; do
    n=$(basename "$x" .xml)
    point "corpus-$n" one_case e2e-hostile prepare "$x"
done
# Hostile names in argv, with a document that is otherwise fine (its <name> differs).
i=0
for vm in .. ../../etc/passwd -rf '--dry-run' 'two words' $'new\nline' "$long" '' '$(reboot)' '`id`'; do
    i=$((i + 1))
    point "argv-name-$i" one_case "$vm" prepare "$good"
done
# Release and the no-op calls of hostile documents: exit 0, nothing done.
for x in "$E2E_DIR"/corpus/*.xml; do
    n=$(basename "$x" .xml)
    point "release-$n" one_case e2e-hostile release "$x"
done

# Nothing written outside our directories (on the root file system, in /run, in /tmp).
find / /run /tmp -xdev -newer "$marker" -type f \
    -not -path "$E2E_WORK/*" -not -path '/var/log/libvirt/hooks/*' -not -path '/run/vfio-hook/*' \
    -not -path '/var/log/journal/*' -not -path '/run/log/journal/*' -not -path '/run/vfio-e2e/*' \
    -not -path '/run/systemd/*' -not -path '/var/lib/systemd/*' -not -path '/run/user/*' \
    -not -path '/var/lib/libvirt/*' -not -path '/var/cache/libvirt/*' -not -path '/run/libvirt/*' \
    2>/dev/null >"$E2E_WORK/written" || true
[[ ! -s $E2E_WORK/written ]] || fail "files written: $(cat "$E2E_WORK/written")"
note "hook logs written: $(ls /var/log/libvirt/hooks/qemu/ 2>/dev/null | xargs)"
# Log files are named after a VM only when the name is one libvirt could have given.
! ls -A /var/log/libvirt/hooks/qemu/ 2>/dev/null | grep -q -e '^\.' -e '/' -e ' ' ||
    fail "a log named after a hostile name: $(ls -A /var/log/libvirt/hooks/qemu/)"
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"
points_verdict
