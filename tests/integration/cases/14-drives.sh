# shellcheck shell=sh
# The drives stage on the captured desktop, derived here: its data disk vdd's partition vdd1
# mounted at /mnt/data, with its directory /games bind-mounted read-only at /srv/games
# (mountinfo), and its empty disk vdc a swap area (/proc/swaps, which the capture lacks). A VM
# taking both disks plans swapping vdc off and unmounting both mounts, the bind mount with its
# directory, so each comes back as it was; with more in that swap than memory can take, the
# start is refused.
if [ -d "$desk" ]; then
	dr=$scratch/drives
	rm -rf "$dr" && cp -a "$desk" "$dr"
	printf '%s\n' "99 26 254:49 / /mnt/data rw,relatime shared:99 - ext4 /dev/vdd1 rw,errors=remount-ro" \
		"100 26 254:49 /games /srv/games ro,nosuid,relatime shared:99 - ext4 /dev/vdd1 rw,errors=remount-ro" \
		>> "$dr/proc/self/mountinfo"
	# swaps DEVICE SIZE USED PRIORITY: /proc/swaps as the kernel prints it.
	swaps() { printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n%-40s partition\t%s\t%s\t\t%s\n' \
		"$@" > "$dr/proc/swaps"; }
	cat > "$scratch/drives.xml" <<'XML'
<domain type='qemu'><name>data</name><uuid>6c0d5e2a-0b1f-4d43-9a1e-0000000000d5</uuid>
<devices><disk type='block' device='disk'><source dev='/dev/vdc'/><target dev='vdb' bus='virtio'/></disk>
<disk type='block' device='disk'><source dev='/dev/vdd'/><target dev='vdc' bus='virtio'/></disk></devices></domain>
XML
	swaps /dev/vdc 1048572 204800 5
	"$bin" plan --sysroot "$dr" --xml "$scratch/drives.xml" --json > "$scratch/drives.json" 2>&1; rc=$?
	got=$(python3 -c 'import json, sys
for a in [r for r in json.load(open(sys.argv[1]))["plan"] if r["type"] == "action"]:
    print(a["action"], a["target"], a["expects"], a["undo"], sep="|")' "$scratch/drives.json" 2>&1)
	want="swapoff|/dev/vdc|5|swap on again
unmount|/srv/games|/dev/vdd1 ext4 ro,nosuid,relatime rw,errors=remount-ro /games|mount it again
unmount|/mnt/data|/dev/vdd1 ext4 rw,relatime rw,errors=remount-ro|mount it again"
	if [ $rc -eq 0 ] && [ "$got" = "$want" ]; then pass drives-swap-and-bind-mounts
	else fail drives-swap-and-bind-mounts "exit $rc" "$got" "$(head -20 "$scratch/drives.json")"; fi

	# 2 GiB swapped out; MemAvailable is 1735220 kB and there is no other swap.
	swaps /dev/vdc 4194300 2097152 -2
	"$bin" plan --sysroot "$dr" --xml "$scratch/drives.xml" > "$scratch/drives.plan" 2>&1; rc=$?
	if [ $rc -ne 0 ] && grep -q "swap /dev/vdc holds 2048 MiB, and memory and other swap have room for 1694 MiB: swapping it off could not work" "$scratch/drives.plan" &&
		! grep -q "unmount" "$scratch/drives.plan"; then
		pass drives-swap-refused-without-room
	else fail drives-swap-refused-without-room "exit $rc" "$(cat "$scratch/drives.plan")"; fi
fi
