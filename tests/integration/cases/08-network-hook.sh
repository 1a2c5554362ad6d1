# shellcheck shell=sh
# The network hook.
ln -sf "$bin" "$scratch/bin/network"
cat > "$scratch/net.xml" <<'XML'
<hookData><network><name>vm-net</name><bridge name='virbr1' zone='home'/><domain name='vm.lan'/>
<ip address='192.168.100.1' netmask='255.255.255.0'/></network></hookData>
XML
"$scratch/bin/network" --dry-run vm-net started begin - < "$scratch/net.xml" > "$scratch/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q 'route DNS for ~vm.lan on virbr1 (to 192.168.100.1) \[off: network_dns = no\]' "$scratch/out" &&
	grep -q 'put virbr1 in firewalld zone home' "$scratch/out"; then pass network-hook-dry-run
else fail network-hook-dry-run "exit $rc" "$(cat "$scratch/out")"; fi
"$scratch/bin/network" --dry-run vm-net stopped end - < "$scratch/net.xml" > "$scratch/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q 'revert DNS for ~vm.lan on virbr1' "$scratch/out" && ! grep -q 'firewalld zone' "$scratch/out"; then
	pass network-hook-stop-dry-run
else fail network-hook-stop-dry-run "exit $rc" "$(cat "$scratch/out")"; fi
for x in "$repo/tests/corpus/billion-laughs.xml" "$repo/tests/corpus/truncated.xml" /dev/null; do
	"$scratch/bin/network" vm-net started begin - < "$x" > "$scratch/out" 2>&1; rc=$?
	check "network-hook-bad-input-exit-0-$(basename "$x")" test $rc -eq 0
done
"$scratch/bin/network" vm-net port-created begin - < "$scratch/net.xml" > "$scratch/out" 2>&1; rc=$?
check network-hook-other-ops-exit-0 test $rc -eq 0 -a ! -s "$scratch/out"
