# shellcheck shell=sh
# Per-VM overrides.
if [ -d "$desk" ]; then
	ov=$scratch/ov
	rm -rf "$ov" && cp -a "$desk" "$ov"
	od=$ov/etc/libvirt/hooks/vfio-hook.d
	mkdir -p "$od/win10" "$od/default"
	chmod 755 "$ov/etc" "$ov/etc/libvirt" "$ov/etc/libvirt/hooks" "$od" "$od/win10" "$od/default"
	printf 'disable = vtconsole\n' > "$od/win10/vm.conf"
	printf '#!/bin/sh\nexit 0\n' > "$od/win10/before-drivers-notify"
	printf '#!/bin/sh\nexit 0\n' > "$od/default/after-vfio"
	printf 'not a hook\n' > "$od/win10/README"
	chmod 644 "$od/win10/vm.conf" "$od/win10/README"
	chmod 755 "$od/win10/before-drivers-notify" "$od/default/after-vfio"
	"$bin" plan --sysroot "$ov" --xml "$vmxml" > "$scratch/out" 2>&1; rc=$?
	order=$(grep -n -e 'run override' -e 'unbind driver' -e 'bind vfio-pci' "$scratch/out" | cut -d: -f1 | tr '\n' ' ')
	if [ $rc -eq 0 ] && grep -q "stage vtconsole disabled by /etc/libvirt/hooks/vfio-hook.d/win10/vm.conf" "$scratch/out" &&
		! grep -q 'unbind console' "$scratch/out" &&
		grep -q 'run override.*/win10/before-drivers-notify.*before' "$scratch/out" &&
		grep -q 'ignored /etc/libvirt/hooks/vfio-hook.d/win10/README' "$scratch/out" &&
		[ "$(grep -e 'run override' -e 'unbind driver' -e 'bind vfio-pci' "$scratch/out" | awk '{print $3" "$4}' | head -1)" = "run override" ] &&
		[ "$(grep -e 'run override' -e 'unbind driver' -e 'bind vfio-pci' "$scratch/out" | awk '{print $3" "$4}' | tail -1)" = "run override" ]; then
		pass overrides-in-plan
	else fail overrides-in-plan "exit $rc, order $order" "$(cat "$scratch/out")"; fi
	# Anything others could change is refused, naming the file and the problem.
	for bad in "chmod 775 $od/win10/before-drivers-notify:writable by group or others" \
		"chmod 4755 $od/win10/before-drivers-notify:setuid or setgid" \
		"chmod 777 $od/win10:writable by group or others" \
		"chmod 666 $od/win10/vm.conf:writable by group or others"; do
		cmd=${bad%%:*}; why=${bad#*:}
		$cmd
		"$bin" plan --sysroot "$ov" --xml "$vmxml" > "$scratch/out" 2> "$scratch/err"; rc=$?
		chmod 755 "$od/win10" "$od/win10/before-drivers-notify"; chmod 644 "$od/win10/vm.conf"
		if [ $rc -eq 1 ] && [ "$(lines "$scratch/err")" -eq 1 ] && grep -q "$why" "$scratch/err"; then
			pass "override-refused-$(echo "$cmd" | cut -d' ' -f2)-$(basename "${cmd##* }")"
		else fail "override-refused-$cmd" "exit $rc" "$(cat "$scratch/err")"; fi
	done
	ln -s /bin/true "$od/win10/after-drivers-link"
	"$bin" plan --sysroot "$ov" --xml "$vmxml" > "$scratch/out" 2> "$scratch/err"; rc=$?
	rm -f "$od/win10/after-drivers-link"
	if [ $rc -eq 1 ] && grep -q "after-drivers-link is a symbolic link" "$scratch/err"; then pass override-refused-symlink
	else fail override-refused-symlink "exit $rc" "$(cat "$scratch/err")"; fi
fi
