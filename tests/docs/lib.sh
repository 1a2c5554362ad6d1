# Shared by tests/docs/check-*.sh: results, set comparison and the entries of a built man page.
repo=$(cd "$(dirname "$0")/../.." && pwd)
failed=0

pass() { echo "PASS docs.$1"; }
fail() {
	echo "FAIL docs.$1"
	shift
	for l in "$@"; do echo "  $l"; done
	failed=1
}

# same NAME WHAT_A FILE_A WHAT_B FILE_B: both files hold the same set of lines (one word each).
same() {
	only_a=$(LC_ALL=C sort -u "$3" | LC_ALL=C comm -23 - "$(sorted "$5")")
	only_b=$(LC_ALL=C sort -u "$5" | LC_ALL=C comm -23 - "$(sorted "$3")")
	if [ ! -s "$3" ] || [ ! -s "$5" ]; then
		fail "$1" "nothing found in $2 or $4: the extraction is broken"
	elif [ -n "$only_a" ] || [ -n "$only_b" ]; then
		fail "$1" ${only_a:+"in $2, not in $4:" $only_a} ${only_b:+"in $4, not in $2:" $only_b}
	else
		pass "$1"
	fi
}
sorted() { LC_ALL=C sort -u "$1" > "$1.sorted"; echo "$1.sorted"; }

# entries PAGE SECTION: the tags of the .TP entries under ".SH SECTION" of a built page, as
# man shows them (fonts gone, "\-" a plain "-"), one a line.
entries() {
	awk -v want="$2" '
		/^\.SH / { s = $0; sub(/^\.SH +/, "", s); gsub(/"/, "", s); in_section = s == want; next }
		in_section && /^\.TP/ { tag = 1; next }
		in_section && tag { print; tag = 0 }
	' "$1" | sed -e 's/\\f[BIPRC]//g' -e 's/\\-/-/g' -e 's/\\&//g'
}

# first_words: the first word of each line; option_words: every -x / --word of each line.
first_words() { awk '{ print $1 }'; }
option_words() {
	awk '{
		n = split($0, w, /[][ |,()=.;:]+/)
		for (i = 1; i <= n; i++)
			if (w[i] ~ /^(-[a-z]|--[a-z][a-z-]*)$/)
				print w[i]
	}'
}

scratch() {
	dir=$(realpath "$1")/test-results/docs-$2
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "$dir"
}
