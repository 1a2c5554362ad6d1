#!/bin/bash
# e2e-timeout: 600
# The read-only verbs and recover on the real kernel, as a user meets them:
# - `vfio-hook list` in a terminal (a pseudo-terminal, TERM=xterm-256color, as the desktop
#   user) shows the GPU's IOMMU group with its VGA and HDA functions, in colour; --json too;
# - `vfio-hook doctor VM` passes on this host, and fails on the hook check when libvirtd
#   would not run the hook (not executable; installed after libvirtd started);
# - while the VM runs, `vfio-hook status` shows it holding both functions, prepared, with
#   the host matching; after a destroy whose release never ran, the journal is still
#   there, `vfio-hook recover VM` gives the host back, and status shows nothing held.
# Panes, outputs and --json go to the artifacts (build/e2e/artifacts/97-list-status-doctor/
# on the host), where run.sh validates the JSON against docs/*.schema.json.
set -euo pipefail
. "$E2E_DIR/lib.sh"

vm=e2e-verbs
define_vm $vm yes
xml=$E2E_WORK/$vm.xml
journal=/run/vfio-hook/$(uuid_of $vm).journal
hook=/etc/libvirt/hooks/qemu
group=$(iommu_group_of $GPU)
steady_state >"$E2E_WORK/baseline"

# Text outputs without escape sequences (panes keep theirs). Checks read them from here-strings,
# never `... | grep -q`: with pipefail, grep quitting early fails the writer with SIGPIPE.
plain() { sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r//g' "$@"; }
# fail_lines FILE: lines reporting a failed check ("0 failed" summaries are not).
fail_lines() { plain "$1" | grep -Eiw 'fail(ed|s)?' | grep -Eiv '(^|[^0-9])0 fail' || true; }
# mentions FILE WORD...: FILE mentions every WORD (fixed strings).
mentions() {
    local f=$1 w; shift
    local text; text=$(plain "$f")
    for w in "$@"; do grep -qiF -- "$w" <<<"$text" || fail "$(basename "$f") does not mention '$w'"; done
}

# --- list ----------------------------------------------------------------------------------
list_pane() {
    local pane=$E2E_ARTIFACTS/list.pane
    # A terminal of 120x40 as the desktop user: script(1) gives vfio-hook a pseudo-terminal,
    # so --color=auto colours, as it would in the user's xterm.
    keep list.pane run_as_user env -u NO_COLOR TERM=xterm-256color PATH=/usr/local/bin:/usr/bin:/bin \
        timeout 120 script -qec 'stty cols 120 rows 40; vfio-hook list' /dev/null
    ((RC == 0)) || fail "vfio-hook list on a terminal exited $RC"
    grep -q $'\x1b\\[' "$pane" || fail "no escape sequence in the pane: not coloured on a terminal"
    mentions "$pane" "${GPU#0000:}" "${HDA#0000:}" bochs-drm snd_hda_intel
    grep -Eiq "group[^0-9]*\\b$group\\b" <<<"$(plain "$pane")" || fail "the pane does not show IOMMU group $group"
}

list_json() {
    local f=$E2E_ARTIFACTS/list.json
    schema_check list.json list
    keep list.json vfio-hook list --json
    ((RC == 0)) || fail "vfio-hook list --json exited $RC"
    [[ $(head -c1 "$f") == [\{\[] ]] || fail "list --json does not start with { or ["
    ! grep -q $'\x1b' "$f" || fail "escape sequences in --json"
    mentions "$f" "$GPU" "$HDA" bochs-drm snd_hda_intel
}

# --- doctor ---------------------------------------------------------------------------------
doctor_healthy() {
    local f=$E2E_ARTIFACTS/doctor-healthy.txt
    keep doctor-healthy.txt vfio-hook --color=never doctor $vm
    ((RC == 0)) || fail "doctor $vm exited $RC on a healthy host"
    [[ -z $(fail_lines "$f") ]] || fail "doctor reported failures: $(fail_lines "$f")"
}

doctor_healthy_json() {
    schema_check doctor-healthy.json doctor
    keep doctor-healthy.json vfio-hook doctor --json $vm
    ((RC == 0)) || fail "doctor --json $vm exited $RC on a healthy host"
    mentions "$E2E_ARTIFACTS/doctor-healthy.json" $vm
}

# doctor_broken NAME: doctor exits 1, and a failed check names the hook.
doctor_broken() {
    local f=$E2E_ARTIFACTS/doctor-broken-$1.txt
    keep "doctor-broken-$1.txt" vfio-hook --color=never doctor $vm
    ((RC == 1)) || fail "doctor $vm exited $RC, expected 1"
    grep -qi hook <<<"$(fail_lines "$f")" || fail "no failed check about the hook: $(fail_lines "$f")"
}

hook_not_executable() {
    on_exit "chmod 0755 $hook"
    chmod 0644 $hook
    doctor_broken hook-not-executable
}

hook_newer_than_libvirtd() {
    local mtime; mtime=$(stat -c %y $hook)
    on_exit "touch -d '$mtime' $hook"
    touch $hook
    doctor_broken hook-newer-than-libvirtd
}

doctor_healthy_again() {
    keep doctor-healthy-again.txt vfio-hook --color=never doctor $vm
    ((RC == 0)) || fail "doctor $vm exited $RC once the hook was restored"
}

# --- status and recover -------------------------------------------------------------------
start_vm() {
    virsh -q start $vm >"$E2E_WORK/start.out" 2>&1 || fail "virsh start $vm failed: $(cat "$E2E_WORK/start.out")"
    assert_handed_over
}

status_prepared() {
    local f=$E2E_ARTIFACTS/status.txt
    keep status.txt vfio-hook --color=never status
    ((RC == 0)) || fail "status exited $RC"
    mentions "$f" $vm "${GPU#0000:}" "${HDA#0000:}" prepared
    ! grep -Eiq 'mismatch|differs|drift|not match' <<<"$(plain "$f")" || fail "status says the host does not match"
}

status_prepared_json() {
    schema_check status.json status
    keep status.json vfio-hook status --json
    ((RC == 0)) || fail "status --json exited $RC"
    mentions "$E2E_ARTIFACTS/status.json" $vm "$GPU" "$HDA" prepared
}

destroy_without_release() {
    # The wrapped hook's release runs `true` instead of the hook: libvirt's destroy ends the
    # VM, and the journal and every change stay, as after a crash in release.
    hook_prefix release true
    virsh -q destroy $vm >/dev/null || fail "virsh destroy $vm failed"
    hook_prefix release
    [[ -e $journal ]] || fail "no journal left after a destroy without release"
    assert_driver $GPU vfio-pci
}

status_journal_left() {
    keep status-left.txt vfio-hook --color=never status
    ((RC == 0)) || fail "status exited $RC with a journal left"
    mentions "$E2E_ARTIFACTS/status-left.txt" $vm "${GPU#0000:}"
}

recover_dry_run() {
    host_state >"$E2E_WORK/before-dry"
    keep recover-dry-run.txt vfio-hook recover --dry-run $vm
    ((RC == 0)) || fail "recover --dry-run exited $RC"
    [[ -e $journal ]] || fail "recover --dry-run removed the journal"
    host_state >"$E2E_WORK/after-dry"
    diff_states "$E2E_WORK/before-dry" "$E2E_WORK/after-dry"
}

recover_vm() {
    keep recover.txt vfio-hook recover $vm
    ((RC == 0)) || fail "recover $vm exited $RC"
    assert_desktop_back
    steady_state >"$E2E_WORK/after"
    diff_states "$E2E_WORK/baseline" "$E2E_WORK/after"
}

status_nothing_held() {
    local f=$E2E_ARTIFACTS/status-after.txt
    keep status-after.txt vfio-hook --color=never status
    ((RC == 0)) || fail "status exited $RC"
    ! grep -qF -e $vm -e "${GPU#0000:}" <<<"$(plain "$f")" || fail "status still shows $vm or $GPU held"
}

status_nothing_held_json() {
    schema_check status-after.json status
    keep status-after.json vfio-hook status --json
    ((RC == 0)) || fail "status --json exited $RC"
    ! grep -qF -e $vm -e "$GPU" "$E2E_ARTIFACTS/status-after.json" || fail "status --json still shows $vm or $GPU"
}

# Whatever fails below, nothing stays handed over: release as libvirt would.
on_exit "virsh -q destroy $vm >/dev/null 2>&1; hook_prefix release; [[ ! -e $journal ]] || $hook $vm release end - <'$xml' >/dev/null 2>&1"
point list-on-a-terminal list_pane
point list-json list_json
# doctor looks at the hook libvirtd runs: the installed binary, before hook_wrap replaces it.
point doctor-healthy doctor_healthy
point doctor-healthy-json doctor_healthy_json
point doctor-hook-not-executable hook_not_executable
point doctor-hook-newer-than-libvirtd hook_newer_than_libvirtd
point doctor-healthy-after-restore doctor_healthy_again
hook_wrap
point virsh-start-hands-over start_vm
point status-prepared status_prepared
point status-prepared-json status_prepared_json
point destroy-without-release-leaves-journal destroy_without_release
point status-with-journal-left status_journal_left
point recover-dry-run-changes-nothing recover_dry_run
point recover-gives-the-host-back recover_vm
point status-nothing-held status_nothing_held
point status-nothing-held-json status_nothing_held_json
points_verdict
