#!/bin/bash
# Guest side of run.sh, started by vfio-e2e.service from the payload disk.
# Installs the hook, waits for the desktop, runs the scenarios (or a capture),
# and writes everything to the results disk as a tar archive, rewritten after
# each step so a crash or a host-side kill still leaves what was done so far.
set -uo pipefail

payload=/run/vfio-e2e/payload
results=/run/vfio-e2e/results
resdev=/dev/disk/by-id/virtio-vfio-e2e-results
# shellcheck source=/dev/null
. "$payload/e2e.conf"          # FLAVOUR, GPU, SCENARIOS, CAPTURE, SCENARIO_TIMEOUT, DESKTOP_DEADLINE
# lib.sh's flavour- and GPU-aware helpers, in the readiness checks and in every scenario.
export E2E_FLAVOUR=${FLAVOUR:-nodm} E2E_GPU=${GPU:-vga}

say() { echo "vfio-e2e: $*"; }   # goes to the serial console (see the unit)
flush() { tar -C "$results" -cf "$resdev" . && sync; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

mkdir -p "$results"
[[ -b $resdev ]] || { say "no results disk"; systemctl poweroff; exit 1; }
echo "started $(uptime_s)" >"$results/times"
flush

# The hook under test: libvirt's qemu hook and on PATH as vfio-hook.
install -D -o root -g root -m 0755 "$payload/vfio-hook" /etc/libvirt/hooks/qemu
install -o root -g root -m 0755 "$payload/vfio-hook" /usr/local/bin/vfio-hook
# libvirtd looks for hooks when it starts.
systemctl restart libvirtd.service

# Readiness: conditions with deadlines. A missed one is logged, not fatal:
# the scenarios then fail on it with a precise message.
(
    . "$payload/lib.sh"
    trap - EXIT
    uid=$(id -u "$E2E_USER")
    end=$((SECONDS + DESKTOP_DEADLINE))     # one deadline shared by all conditions
    check() {   # name, condition
        local left=$((end - SECONDS)); ((left > 0)) || left=0
        if wait_for "$2" "$left"; then say "ready: $1 at $(uptime_s) s"
        else say "NOT READY after ${DESKTOP_DEADLINE}s: $1"; echo "not ready: $1" >>"$results/ready"; fi
    }
    check libvirtd "systemctl is-active libvirtd.service"
    if ((E2E_DESKTOP)); then
        check display-manager "systemctl is-active display-manager.service"
        case $E2E_FLAVOUR in
            gnome) check "gnome-shell of $E2E_USER holds /dev/dri/card0" desktop_holds_card ;;
            *) check "Xorg holds /dev/dri/card0" "holder_names /dev/dri/card0 | grep -qw Xorg" ;;
        esac
    else
        # A console host (display manager masked): no login starts the user's manager, so
        # lingering (below for a desktop) starts it now, with the PipeWire that holds the HDA.
        say "no desktop: the display manager is masked"
        loginctl enable-linger "$E2E_USER" || true
    fi
    check "user manager" "test -S /run/user/$uid/systemd/private"
    for u in pipewire.service wireplumber.service pipewire-pulse.service; do
        check "$E2E_USER $u" "user_unit_running $E2E_USER $u"
    done
)
echo "ready $(uptime_s)" >>"$results/times"
flush

# Without lingering, the user's systemd instance stops ~10 s after the display manager takes
# the session down, and the next login starts the user's units again, whenever that is. The
# hook handles both; lingering keeps the scenarios' timing from deciding which one they see.
loginctl enable-linger "${E2E_USER:-desk}" || true

if [[ $CAPTURE == 1 ]]; then
    say "capturing host"
    if bash "$payload/capture.sh" "$results/capture" >"$results/capture.log" 2>&1; then
        echo ok >"$results/capture.status"
    else
        echo "failed $?" >"$results/capture.status"
    fi
    flush
fi

# Each scenario in its own bash, with a timeout, from a scratch working dir.
for s in $SCENARIOS; do
    say "running $s"
    work=/run/vfio-e2e/work/$s
    # What a scenario keeps for the host (panes, --json output) goes to its artifacts dir:
    # run.sh puts it under build/e2e/artifacts/<scenario>/.
    artifacts=$results/artifacts/$s
    mkdir -p "$work" "$artifacts"
    # A scenario that needs longer says so in a "# e2e-timeout: SECONDS" line.
    limit=$(sed -n 's/^# e2e-timeout: *\([0-9][0-9]*\).*/\1/p' "$payload/scenarios/$s.sh" | head -1)
    limit=${limit:-$SCENARIO_TIMEOUT}
    t0=$(date +%s%N)
    (cd "$work" && E2E_DIR=$payload E2E_WORK=$work E2E_ARTIFACTS=$artifacts \
        timeout -k 10 "$limit" bash "$payload/scenarios/$s.sh") \
        >"$results/$s.log" 2>&1 </dev/null
    rc=$?
    secs=$(( ($(date +%s%N) - t0) / 1000000 ))
    secs=$(printf '%d.%03d' $((secs / 1000)) $((secs % 1000)))
    ((rc == 124 || rc == 137)) && echo "TIMEOUT after ${limit}s" >>"$results/$s.log"
    # Sub-results (lib.sh's point and skip): each is a result of its own, "PASS scenario/name
    # secs", or "SKIP scenario/name why".
    if [[ -f $work/points ]]; then
        awk -v s="$s" '{ $2 = s "/" $2; print }' "$work/points" >>"$results/results"
    fi
    rmdir "$artifacts" 2>/dev/null || true
    if ((rc == 0)); then r=PASS; else r=FAIL; fi
    echo "$r $s $secs" >>"$results/results"
    say "$r $s $secs"
    flush
done

# Debug material that does not fit one scenario.
journalctl -b --no-pager >"$results/journal.txt" 2>&1
systemctl list-units --failed --plain --no-legend >"$results/failed-units.txt" 2>&1
echo "done $(uptime_s)" >>"$results/times"
touch "$results/complete"
flush
say "complete, powering off"
systemctl poweroff
