#!/bin/sh
# vfio-hook(8) against --help and the code: every verb and option --help shows is an entry of
# VERBS or OPTIONS in the built man page, every entry there is in --help, every long option and
# verb src/verbs/main.c accepts is documented, and so is every environment variable src/ reads.
# Usage: tests/docs/check-help.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"
build=${1:-build}
t=$(scratch "$build" help)
page=$build/man/vfio-hook.8

if ! "$build/vfio-hook" --help > "$t/help" 2>&1 || [ ! -f "$page" ]; then
	fail help.runs "$build/vfio-hook --help failed, or $page is missing (make man)"
	exit 1
fi
# --help: "Verbs:" and "Options:" blocks, each up to its blank line.
awk '/^Verbs:/ { on = 1; next } /^$/ { on = 0 } on && /^  [a-z]/' "$t/help" | first_words > "$t/help-verbs"
awk '/^Options:/ { on = 1; next } /^$/ { on = 0 } on' "$t/help" > "$t/help-options-block"
# Option words at the start of an Options line (before its text, at column 25).
cut -c1-25 "$t/help-options-block" | option_words > "$t/help-options"
option_words < "$t/help" > "$t/help-all-options"

entries "$page" VERBS | first_words > "$t/man-verbs"
entries "$page" OPTIONS | option_words > "$t/man-options"

same help-verbs-match-man "--help's verbs" "$t/help-verbs" "vfio-hook(8) VERBS" "$t/man-verbs"
same help-options-match-man "--help's Options" "$t/help-options" "vfio-hook(8) OPTIONS" \
	"$t/man-options"
# An option --help names anywhere (a verb's usage, a description) is an OPTIONS entry.
LC_ALL=C sort -u "$t/help-all-options" | LC_ALL=C comm -23 - "$(sorted "$t/man-options")" \
	> "$t/undocumented"
if [ -s "$t/undocumented" ]; then
	fail options-help-names-in-man "named in --help, no OPTIONS entry:" $(cat "$t/undocumented")
else
	pass options-help-names-in-man
fi

# The environment: what the code reads (getenv, the names main.c keeps, the trace variable).
{
	grep -ho 'getenv("[A-Z_]*")' "$repo"/src/*/*.c | sed 's/.*"\(.*\)")/\1/'
	grep -h 'const char \*keep\[\] = {' "$repo/src/verbs/main.c" | grep -o '"[A-Z_]*"' | tr -d '"'
	grep -ho '#define [A-Z_]*_ENV "[A-Z_]*"' "$repo"/src/*/*.c | sed 's/.*"\(.*\)"/\1/'
} | LC_ALL=C sort -u > "$t/code-env"
entries "$page" ENVIRONMENT | first_words > "$t/man-env"
same environment-matches-man "the variables src/ reads" "$t/code-env" "vfio-hook(8) ENVIRONMENT" \
	"$t/man-env"

# The code: getopt_long's table and the verbs run_cli dispatches.
main=$repo/src/verbs/main.c
sed -n '/struct option options\[\]/,/^\t};/p' "$main" |
	sed -n 's/.*{ "\([a-z-]*\)", *[a-z_]*_argument, *NULL, *\([^ ]*\) }.*/\1 \2/p' > "$t/getopt"
{
	awk '{ print "--" $1 }' "$t/getopt"
	awk '$2 ~ /^'"'"'.'"'"'$/ { print "-" substr($2, 2, 1) }' "$t/getopt"
} > "$t/code-options"
same getopt-options-match-man "src/verbs/main.c getopt_long" "$t/code-options" "vfio-hook(8) OPTIONS" \
	"$t/man-options"
{
	sed -n '/} cli_verbs\[\] = {/,/^};/p' "$main" | sed -n 's/^\t{ "\([a-z-]*\)",.*/\1/p'
	grep -o 'streq(verb, "[a-z-]*")' "$main" | sed 's/.*"\(.*\)")/\1/'
} > "$t/code-verbs"
same main-verbs-match-man "src/verbs/main.c's verbs" "$t/code-verbs" "vfio-hook(8) VERBS" \
	"$t/man-verbs"
exit $failed
