#!/bin/sh
# The layer rule of docs/design.md: src/ and include/ hold one folder per layer, and a file may
# include only headers of its own layer or of the layers below it:
#   lib < input < system < host < core < actions < stages < verbs
# A header private to a layer sits beside its sources (src/LAYER/x.h, included as "x.h"); one
# another layer uses sits in include/LAYER/ and is included as "LAYER/x.h".
# Usage: tests/layout/check-layers.sh [REPO]   Prints PASS/FAIL lines.
set -u
repo=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$repo" || exit 1
LAYERS="lib input system host core actions stages verbs"
GENERATED="help-text.h" # built into $(O)/gen

rank() {
	i=0
	for l in $LAYERS; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}

# "lib input ... LAYER": what LAYER may include.
below() {
	out=""
	for l in $LAYERS; do
		out="$out $l"
		[ "$l" = "$1" ] && break
	done
	echo "${out# }"
}

bad=0
fail() { echo "FAIL $1: $2"; bad=1; }

# Every source and header is in a layer's folder.
stray=$(find src include -type f \( -name '*.c' -o -name '*.h' \) | while read -r f; do
	l=$(echo "$f" | cut -d/ -f2)
	[ "$(echo "$f" | tr -cd / | wc -c)" -eq 2 ] && [ "$(rank "$l")" -ge 0 ] || echo "$f"
done)
if [ -n "$stray" ]; then
	fail layout.every-file-in-a-layer "not in a layer folder: $(echo $stray)"
else
	echo "PASS layout.every-file-in-a-layer"
fi

# Every include points down (or sideways, inside the layer).
up=0
for f in $(find src include -type f \( -name '*.c' -o -name '*.h' \) | sort); do
	dir=$(dirname "$f")
	l=$(basename "$dir")
	lr=$(rank "$l")
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
		sed 's/^\([0-9]*\):.*"\(.*\)".*/\1 \2/' > "${TMPDIR:-/tmp}/layers.$$"
	while read -r line inc; do
		case $inc in
		*/*/* | ../*)
			echo "FAIL layout.includes-point-down: $f:$line includes \"$inc\": name a header as \"LAYER/x.h\" or \"x.h\""
			up=1 ;;
		*/*)
			m=${inc%%/*} mr=$(rank "${inc%%/*}")
			if [ "$mr" -lt 0 ] || [ ! -f "include/$inc" ]; then
				echo "FAIL layout.includes-point-down: $f:$line includes \"$inc\", which is not in include/"
				up=1
			elif [ "$mr" -gt "$lr" ]; then
				echo "FAIL layout.includes-point-down: $f:$line includes \"$inc\": $l may include only $(below "$l")"
				up=1
			fi ;;
		*)
			case " $GENERATED " in *" $inc "*) continue ;; esac
			[ -f "$dir/$inc" ] || {
				echo "FAIL layout.includes-point-down: $f:$line includes \"$inc\", which is not beside it (another layer's header is \"LAYER/$inc\")"
				up=1
			} ;;
		esac
	done < "${TMPDIR:-/tmp}/layers.$$"
	rm -f "${TMPDIR:-/tmp}/layers.$$"
done
[ $up -eq 0 ] && echo "PASS layout.includes-point-down"
[ $up -eq 0 ] || bad=1

# A header in include/ is there because another layer uses it, or another header there does.
private=""
for h in $(find include -type f -name '*.h' | sort); do
	l=$(basename "$(dirname "$h")")
	name=${h#include/}
	users=$(grep -rlF "#include \"$name\"" src include | grep -v "^src/$l/")
	[ -n "$users" ] ||
		private="$private $h"
done
if [ -n "$private" ]; then
	fail layout.shared-headers-cross-a-layer "used only in their own layer (move beside the sources):$private"
else
	echo "PASS layout.shared-headers-cross-a-layer"
fi
exit $bad
