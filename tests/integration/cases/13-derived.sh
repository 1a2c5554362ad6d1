# shellcheck shell=sh
# Hosts derived from captures: each holder of the card dealt with by what it is.
# tests/fixtures/derived/NAME.sh builds each from a capture and says what it changed.
for script in "$repo"/tests/fixtures/derived/*-*.sh; do
	n=$(basename "$script" .sh)
	# "# domain: CAPTURE/FILE.xml" in the script names the VM planned on it.
	x=$(sed -n 's/^# domain: *//p' "$script")
	x=$domains/${x:-q35-bochs-desktop/gpu-and-audio.xml}
	if bash "$script" "$derived/$n" > "$scratch/out" 2>&1; then
		golden_plan "$n" "$derived/$n" "$x"
	else fail "derive-$n" "$(cat "$scratch/out")"; fi
done
# Logind's copies in PID 1's fd store and in systemd-logind: no refusal, no signal, waited for.
for n in logind-copies wayland-user-unit; do
	plan_of $n > "$scratch/plan"
	if grep -q '^exit 0$' "$scratch/plan" && ! grep -q -e refused -e 'kill systemd' "$scratch/plan" &&
		grep -q "systemd\[1\] (logind's copy) goes with its session" "$scratch/plan" &&
		grep -q "systemd-logind\[238\] (logind's copy) goes with its session" "$scratch/plan"; then
		pass "holders-logind-copies-$n"
	else fail "holders-logind-copies-$n" "$(cat "$scratch/plan")"; fi
done
# The same on the real GNOME desktop captured in the guest (GDM, gnome-shell a user unit).
gw=$hosts/q35-gnome-wayland
"$bin" plan --sysroot "$gw" --xml "$domains/q35-gnome-wayland/gpu-and-audio.xml" > "$scratch/plan" 2>&1
if [ $? -eq 0 ] && ! grep -q -e refused -e 'kill ' "$scratch/plan" &&
	grep -q 'end session *1 .*gnome-shell\[[0-9]*\] (user unit org.gnome.Shell@wayland.service)' "$scratch/plan" &&
	grep -q "systemd\[1\] (logind's copy) goes with its session, systemd-logind\[[0-9]*\] (logind's copy) goes with its session, gnome-shell\[[0-9]*\] ends with session 1" "$scratch/plan"; then
	pass holders-captured-gnome-wayland
else fail holders-captured-gnome-wayland "$(cat "$scratch/plan")"; fi
# A compositor that is a user unit ends with its user's graphical session, not by a signal.
plan_of wayland-user-unit > "$scratch/plan"
if grep -q 'end session *2 .*gnome-shell\[264\] (user unit org.gnome.Shell@wayland.service)' "$scratch/plan" &&
	grep -q 'gnome-shell\[264\] ends with session 2' "$scratch/plan" && ! grep -q 'kill gnome-shell' "$scratch/plan"; then
	pass holders-user-unit-compositor-session
else fail holders-user-unit-compositor-session "$(cat "$scratch/plan")"; fi
# A system service stops as its unit (and starts again at release); it is not killed. A
# transient one (systemd-run) could not start again: its process is signalled.
plan_of service-holder > "$scratch/plan"
if grep -q 'stop unit *gpu-inference.service .*start gpu-inference.service *inferd\[611\] holds /dev/dri/card0' "$scratch/plan" &&
	grep -q 'inferd\[611\] stops with gpu-inference.service' "$scratch/plan" && ! grep -q 'kill inferd' "$scratch/plan" &&
	grep -q 'kill sleep\[612\]' "$scratch/plan" && ! grep -q 'stop unit *run-u12' "$scratch/plan"; then
	pass holders-service-stops-as-unit
else fail holders-service-stops-as-unit "$(cat "$scratch/plan")"; fi
# Anything else is signalled.
plan_of unknown-holder > "$scratch/plan"
check holders-other-killed grep -q 'kill glxgears\[611\]' "$scratch/plan"
# Two NVIDIA cards, one passed: the driver's shared nodes (nvidiactl, nvidia-uvm) are not the
# passed card's, so CUDA on the kept card is left alone; a process of an ssh session holding
# the passed card is signalled, not its session; persistenced stops as a unit; nvidia stays.
plan_of two-nvidia-one-passed "$domains/h100-nvidia-compute/gpu.xml" > "$scratch/plan"
if grep -q '^exit 0$' "$scratch/plan" && ! grep -q -e 'cuda-app' -e 'end session' "$scratch/plan" &&
	grep -q 'kill trainer\[901\]' "$scratch/plan" &&
	grep -q 'stop unit *nvidia-persistenced.service' "$scratch/plan" &&
	grep -q 'module nvidia stays loaded: nvidia also drives 0000:00:07.0' "$scratch/plan"; then
	pass holders-two-nvidia-shared-nodes-stay
else fail holders-two-nvidia-shared-nodes-stay "$(cat "$scratch/plan")"; fi
# Both NVIDIA cards passed: nvidia goes, so a process holding only its shared nvidiactl is the
# handoff's too; on the same host with one card passed, it is left alone.
plan_of two-nvidia-both-passed "$domains/h100-nvidia-compute/two-gpus.xml" > "$scratch/plan"
plan_of two-nvidia-both-passed "$domains/h100-nvidia-compute/gpu.xml" > "$scratch/plan-one"
if grep -q '^exit 0$' "$scratch/plan" && grep -q 'kill nvtop\[903\]' "$scratch/plan" &&
	grep -q 'unload module *nvidia ' "$scratch/plan" && ! grep -q nvtop "$scratch/plan-one" &&
	grep -q '^exit 0$' "$scratch/plan-one"; then
	pass holders-two-nvidia-both-passed-shared-nodes-go
else fail holders-two-nvidia-both-passed-shared-nodes-go "$(cat "$scratch/plan" "$scratch/plan-one")"; fi
# One NVIDIA card with nvidia_drm: the modules on nvidia go before the unbind, nvidia after it.
plan_of nvidia-desktop "$domains/h100-nvidia-compute/gpu.xml" > "$scratch/plan"
order=$(awk '$2 == "drivers" { print $3, $4, $5 }' "$scratch/plan" | tr '\n' ',')
if [ "$order" = "unload module nvidia_drm,unload module nvidia_modeset,unload module nvidia_uvm,unbind driver 0000:00:06.0,unload module nvidia," ] &&
	grep -q '^exit 0$' "$scratch/plan"; then
	pass drivers-nvidia-stack-before-unbind
else fail drivers-nvidia-stack-before-unbind "order: $order" "$(cat "$scratch/plan")"; fi
# amdgpu: ROCm's /dev/kfd is the card's when amdgpu goes with it; a mapping holds as an fd does.
plan_of amdgpu-rocm > "$scratch/plan"
if grep -q 'kill python3\[700\]' "$scratch/plan" && grep -q 'kill vkcube\[701\]' "$scratch/plan" &&
	grep -q 'unload module *amdgpu' "$scratch/plan"; then
	pass holders-kfd-and-mapped-card
else fail holders-kfd-and-mapped-card "$(cat "$scratch/plan")"; fi
# doctor: a slot split across IOMMU groups with one function passed, a card in D3cold, a
# resizable BAR: each a warning naming the function, with its advice.
"$bin" doctor --color=never --sysroot "$derived/amdgpu-split-slot" \
	--xml "$domains/q35-bochs-desktop/gpu-only.xml" > "$scratch/doctor" 2>&1
if grep -q '^slot-split *warn *0000:00:03.0 is passed, 0000:00:03.1 of the same slot stays' "$scratch/doctor" &&
	grep -q '^power-state *warn *0000:00:03.0 is in D3cold' "$scratch/doctor" &&
	grep -q 'disable_idle_d3=1' "$scratch/doctor" &&
	grep -q '^resizable-bar *warn *0000:00:03.0 has a resizable BAR' "$scratch/doctor"; then
	pass doctor-slot-split-d3cold-rebar
else fail doctor-slot-split-d3cold-rebar "$(cat "$scratch/doctor")"; fi
# The firmware framebuffer's device (BOOTFB) inside a passed BAR (/proc/iomem): a note for a
# VGA-class card, which vfio-pci evicts it from; a refusal naming the range for a display
# controller.
nd=$domains/q35-bochs-nodrivers/gpu-and-audio.xml
plan_of efifb-in-vga-bar "$nd" > "$scratch/plan"
if grep -q '^exit 0$' "$scratch/plan" &&
	grep -q '^  boot framebuffer BOOTFB c0000000-c02fffff lies in a BAR of 0000:00:03.0: vfio-pci evicts it' "$scratch/plan"; then
	pass framebuffer-claim-in-vga-bar-noted
else fail framebuffer-claim-in-vga-bar-noted "$(cat "$scratch/plan")"; fi
plan_of bootfb-in-display-bar "$nd" > "$scratch/plan"
if grep -q '^exit 1$' "$scratch/plan" &&
	grep -q 'refused: boot framebuffer BOOTFB c0000000-c02fffff lies in a BAR of 0000:00:03.0 (class 038000)' "$scratch/plan"; then
	pass framebuffer-device-in-display-bar-refused
else fail framebuffer-device-in-display-bar-refused "$(cat "$scratch/plan")"; fi
# Only a driver's claim (efifb): unbinding it frees the range, so the plan goes ahead.
plan_of efifb-in-display-bar "$nd" > "$scratch/plan"
if grep -q '^exit 0$' "$scratch/plan" && ! grep -q 'refused' "$scratch/plan" &&
	grep -q 'unbind framebuffer *efi-framebuffer.0' "$scratch/plan"; then
	pass framebuffer-driver-claim-in-display-bar-unbound
else fail framebuffer-driver-claim-in-display-bar-unbound "$(cat "$scratch/plan")"; fi
# Two GPUs, the host keeps one: the session on the passed card is refused, named, nothing runs.
plan_of two-gpus-wayland > "$scratch/plan"
if grep -q '^exit 1$' "$scratch/plan" &&
	grep -q 'refused: session 2 (user desk, uid 1000, wayland via gdm-autologin) holds /dev/dri/card0 of a passed device: its compositor gnome-shell\[264\] (user unit org.gnome.Shell@wayland.service)' "$scratch/plan" &&
	! grep -q -e 'kill ' -e 'end session' "$scratch/plan"; then
	pass holders-two-gpus-session-refused
else fail holders-two-gpus-session-refused "$(cat "$scratch/plan")"; fi
echo "golden plans: $count"
