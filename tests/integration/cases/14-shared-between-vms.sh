# shellcheck shell=sh
# Two VMs holding the same host-wide things: a CPU's governor (shared: the last holder gives
# it back) and a huge page pool (counted: each VM frees only the pages it added). A stands
# for A's prepare, a for its release.
if [ -d "$desk" ]; then
	sh_root=$scratch/shared
	rm -rf "$sh_root" && cp -a "$desk" "$sh_root"
	mkdir -p "$sh_root/run/vfio-hook" "$sh_root/run/libvirt/qemu" "$sh_root/var/log/libvirt/hooks/qemu" \
		"$sh_root/sys/devices/system/cpu/cpu1/cpufreq"
	chmod 0700 "$sh_root/run/vfio-hook"
	cpufreq=$sh_root/sys/devices/system/cpu/cpu1/cpufreq
	pool=$sh_root/sys/kernel/mm/hugepages/hugepages-2048kB
	echo schedutil > "$cpufreq/scaling_governor"
	echo "performance schedutil" > "$cpufreq/scaling_available_governors"
	echo 0 > "$pool/nr_hugepages"; echo 0 > "$pool/free_hugepages"
	# shared_vm NAME N: a VM with no device, the performance governor and 64 huge pages.
	shared_vm() {
		printf "<domain type='kvm'><name>%s</name><uuid>6c0d5e2a-0b1f-4d43-9a1e-00000000010%s</uuid>" "$1" "$2"
		printf "<description>args[ --cpu-performance ]</description><memory unit='MiB'>128</memory>"
		printf "<memoryBacking><hugepages/></memoryBacking><devices/></domain>\n"
	}
	shared_vm vm-a 1 > "$scratch/vm-a.xml"; shared_vm vm-b 2 > "$scratch/vm-b.xml"
	# step OP VM: run the hook as libvirt does; its output kept in $scratch/shared.out.
	step() {
		"$qemu" --sysroot "$sh_root" "$2" "$1" "$([ "$1" = prepare ] && echo begin || echo end)" - \
			< "$scratch/$2.xml" >> "$scratch/shared.out" 2>&1 || echo "$1 $2 failed" >> "$scratch/shared.out"
	}
	state() { echo "$(cat "$cpufreq/scaling_governor") $(cat "$pool/nr_hugepages")"; }
	: > "$scratch/shared.out"
	seen=""
	step prepare vm-a; seen="$seen A:$(state)"
	# A's pages are free until its QEMU takes them: not free for B.
	cat "$pool/nr_hugepages" > "$pool/free_hugepages"
	step prepare vm-b; seen="$seen B:$(state)"
	step release vm-a; seen="$seen a:$(state)"
	step release vm-b; seen="$seen b:$(state)"
	if [ "$seen" = " A:performance 64 B:performance 128 a:performance 64 b:schedutil 0" ] &&
		! grep -q failed "$scratch/shared.out" && [ -z "$(ls "$sh_root/run/vfio-hook")" ]; then
		pass shared-governor-and-hugepages-last-holder-gives-back
	else fail shared-governor-and-hugepages-last-holder-gives-back "seen$seen" "$(cat "$scratch/shared.out")"; fi
	# The other order: the first to prepare is the last to release.
	echo 0 > "$pool/free_hugepages"; : > "$scratch/shared.out"; seen=""
	step prepare vm-a; step prepare vm-b; seen="$seen AB:$(state)"
	step release vm-b; seen="$seen b:$(state)"
	step release vm-a; seen="$seen a:$(state)"
	if [ "$seen" = " AB:performance 128 b:performance 64 a:schedutil 0" ] &&
		! grep -q failed "$scratch/shared.out"; then
		pass shared-first-holder-released-last
	else fail shared-first-holder-released-last "seen$seen" "$(cat "$scratch/shared.out")"; fi
fi
