# shellcheck shell=sh
# Golden plans on captured hosts.
for host in "$hosts"/*/; do
	h=$(basename "$host")
	host=$hosts/$h
	[ -d "$domains/$h" ] || continue
	before=$(fingerprint "$host")
	for x in "$domains/$h"/*.xml; do golden_plan "$h" "$host" "$x"; done
	# Planning and --dry-run read the host and write nothing at all.
	after=$(fingerprint "$host")
	check "dry-run-writes-nothing-$h" test "$before" = "$after"
done
