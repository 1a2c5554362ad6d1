#!/bin/bash
# e2e-timeout: 480
# e2e-needs: deb
# The Debian package (make deb), passed by run.sh --payload, on the real host:
# - the driver's test hook removed and a foreign network hook in place, `dpkg -i` installs
#   /usr/bin/vfio-hook with libvirt's qemu and network hooks as links to it, moves the foreign
#   hook aside with dpkg-divert, and its postinst restarts libvirtd, so that
#   `vfio-hook doctor` finds the hook installed and picked up;
# - one virsh start/destroy hands the GPU over and gives the desktop back through the packaged
#   hook; while the VM holds the GPU, `dpkg -r` refuses and says which VM;
# - `dpkg --purge` leaves nothing of the package, the foreign hook back, no diversion.
# The driver's test hook is put back at the end, for any later scenario.
set -euo pipefail
. "$E2E_DIR/lib.sh"

hooks=/etc/libvirt/hooks
debs=("$E2E_DIR"/extra/vfio-hook_*.deb)
[[ -f ${debs[0]} ]] || fail "no vfio-hook_*.deb in $E2E_DIR/extra: run.sh --payload build/deb/vfio-hook_VERSION-1_ARCH.deb (make deb builds it)"
deb=${debs[0]}
vm=e2e-deb
log=/var/log/libvirt/hooks/qemu/$vm.log

# However this ends: no package, no diversion, the driver's hook as guest-driver.sh installs it,
# and libvirtd restarted to see it.
restore_test_hook() {
    dpkg --purge vfio-hook >/dev/null 2>&1 || true
    local h
    for h in qemu network; do
        dpkg-divert --package vfio-hook --remove --rename --divert "$hooks/$h.before-vfio-hook" "$hooks/$h" \
            >/dev/null 2>&1 || true
    done
    rm -f "$hooks/network" "$hooks/network.before-vfio-hook"
    install -D -o root -g root -m 0755 "$E2E_DIR/vfio-hook" "$hooks/qemu"
    install -o root -g root -m 0755 "$E2E_DIR/vfio-hook" /usr/local/bin/vfio-hook
    systemctl restart libvirtd.service
}
on_exit restore_test_hook

# libvirtd's pid, once it answers (socket activation may have let it exit when idle).
libvirtd_pid() {
    virsh -q list >/dev/null
    systemctl show -P MainPID libvirtd.service
}
# doctor_result DOCTOR_OUTPUT CHECK: the result of one doctor check.
doctor_result() { awk -v c="$2" '$1 == c { print $2; exit }' <<<"$1"; }

note "remove the test hook, put a foreign network hook"
rm -f "$hooks/qemu" /usr/local/bin/vfio-hook
printf '#!/bin/sh\n# foreign network hook\nexit 0\n' >"$hooks/network"
chmod 0755 "$hooks/network"
cp "$hooks/network" "$E2E_WORK/foreign-network"
pid_before=$(libvirtd_pid)
[[ $pid_before -gt 0 ]] || fail "libvirtd is not running before the install"

note "dpkg -i $(basename "$deb")"
dpkg -i "$deb" >"$E2E_WORK/install.out" 2>&1 || fail "dpkg -i failed: $(cat "$E2E_WORK/install.out")"
cat "$E2E_WORK/install.out"
[[ -f /usr/bin/vfio-hook && -x /usr/bin/vfio-hook && ! -L /usr/bin/vfio-hook ]] || fail "/usr/bin/vfio-hook is not an executable file"
for h in qemu network; do
    [[ $(readlink "$hooks/$h") == /usr/bin/vfio-hook ]] || fail "$hooks/$h is '$(readlink "$hooks/$h" || echo not a link)', expected a link to /usr/bin/vfio-hook"
    [[ $(dpkg-divert --listpackage "$hooks/$h") == vfio-hook ]] || fail "no diversion of $hooks/$h by vfio-hook"
    [[ $(dpkg-divert --truename "$hooks/$h") == "$hooks/$h.before-vfio-hook" ]] || fail "$hooks/$h is not diverted to $h.before-vfio-hook"
done
cmp -s "$hooks/network.before-vfio-hook" "$E2E_WORK/foreign-network" || fail "the foreign network hook was not kept as network.before-vfio-hook"
[[ ! -e $hooks/qemu.before-vfio-hook ]] || fail "qemu.before-vfio-hook exists: there was no qemu hook to keep"
[[ -f $hooks/vfio-hook.conf && -f $hooks/vfio-hook.d/default/vm.conf ]] || fail "the configuration examples are missing"
[[ $(command -v vfio-hook) == /usr/bin/vfio-hook ]] || fail "vfio-hook on PATH is '$(command -v vfio-hook)'"
man_and_completion=(/usr/share/man/man8/vfio-hook.8.gz /usr/share/man/man5/vfio-hook.conf.5.gz
    /usr/share/bash-completion/completions/vfio-hook /usr/share/zsh/site-functions/_vfio-hook)
for f in "${man_and_completion[@]}"; do [[ -f $f ]] || fail "$f is missing"; done

note "postinst restarted libvirtd"
grep -q 'restarting libvirtd.service' "$E2E_WORK/install.out" || fail "postinst did not say it restarts libvirtd"
assert_unit_active libvirtd.service
pid_after=$(libvirtd_pid)
[[ $pid_after != "$pid_before" ]] || fail "libvirtd still runs as pid $pid_before: postinst did not restart it"

note "vfio-hook doctor"
out=$(vfio-hook --color=never doctor 2>&1) || true
echo "$out"
[[ $(doctor_result "$out" hook-installed) == pass ]] || fail "doctor hook-installed: $(grep '^hook-installed' <<<"$out")"
grep '^hook-installed' <<<"$out" | grep -qF "$hooks/qemu -> /usr/bin/vfio-hook" || fail "doctor does not name the link"
[[ $(doctor_result "$out" hook-picked-up) == pass ]] || fail "doctor hook-picked-up: $(grep '^hook-picked-up' <<<"$out")"
[[ $(doctor_result "$out" overrides-safe) == pass ]] || fail "doctor overrides-safe: $(grep '^overrides-safe' <<<"$out")"

note "virsh start / destroy through the packaged hook"
define_vm $vm yes
rm -f "$log"
steady_state >"$E2E_WORK/before"
virsh -q start $vm || fail "virsh start $vm failed"
[[ $(virsh domstate $vm) == running ]] || fail "$vm is '$(virsh domstate $vm)', expected running"
assert_handed_over
[[ -f /run/vfio-hook/$(uuid_of $vm).journal ]] || fail "no journal while the VM runs"

note "dpkg -r refuses while $vm holds the GPU"
if dpkg -r vfio-hook >"$E2E_WORK/remove.out" 2>&1; then fail "dpkg -r removed the package while $vm held devices"; fi
cat "$E2E_WORK/remove.out"
grep -q "VM $vm holds devices" "$E2E_WORK/remove.out" || fail "prerm did not say which VM holds devices"
[[ $(dpkg-query -W -f='${Status}' vfio-hook) == *" ok installed" ]] || fail "the package is '$(dpkg-query -W -f='${Status}' vfio-hook)' after the refused removal"
[[ -x /usr/bin/vfio-hook && -L $hooks/qemu ]] || fail "the refused removal took files away"

virsh -q destroy $vm || fail "virsh destroy $vm failed"
assert_desktop_back
assert_hook_log_complete "$log"
steady_state >"$E2E_WORK/after"
diff_states "$E2E_WORK/before" "$E2E_WORK/after"

note "dpkg --purge"
pid_before=$(libvirtd_pid)
dpkg --purge vfio-hook >"$E2E_WORK/purge.out" 2>&1 || fail "dpkg --purge failed: $(cat "$E2E_WORK/purge.out")"
cat "$E2E_WORK/purge.out"
! dpkg-query -W -f='${Status}' vfio-hook 2>/dev/null | grep -q installed || fail "vfio-hook is still installed"
for f in /usr/bin/vfio-hook "$hooks/qemu" "$hooks/qemu.before-vfio-hook" "$hooks/network.before-vfio-hook" \
    "$hooks/vfio-hook.conf" "$hooks/vfio-hook.d" /usr/share/doc/vfio-hook "${man_and_completion[@]}"; do
    [[ ! -e $f && ! -L $f ]] || fail "$f is left after the purge"
done
[[ -f $hooks/network && ! -L $hooks/network ]] || fail "the foreign network hook is not back"
cmp -s "$hooks/network" "$E2E_WORK/foreign-network" || fail "$hooks/network is not the foreign hook"
[[ -z $(dpkg-divert --list "$hooks/*") ]] || fail "diversions left: $(dpkg-divert --list "$hooks/*")"
assert_unit_active libvirtd.service
[[ $(libvirtd_pid) != "$pid_before" ]] || fail "postrm did not restart libvirtd"
