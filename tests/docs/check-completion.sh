#!/bin/sh
# The bash and zsh completions know every verb and option of --help: bash is run (its function
# asked as bash would ask it), zsh is read (and syntax-checked when zsh is installed). The
# --color values are the ones the binary itself accepts.
# Usage: tests/docs/check-completion.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"
build=${1:-build}
t=$(scratch "$build" completion)
bash_file=$(realpath "$build/completion/vfio-hook" 2>/dev/null)
zsh_file=$build/completion/_vfio-hook

if ! "$build/vfio-hook" --help > "$t/help" 2>&1 || [ ! -s "$bash_file" ] || [ ! -s "$zsh_file" ]; then
	fail completion.built "$build/vfio-hook --help failed or the completions are missing (make completion)"
	exit 1
fi
awk '/^Verbs:/ { on = 1; next } /^$/ { on = 0 } on && /^  [a-z]/' "$t/help" | first_words > "$t/verbs"
awk '/^Options:/ { on = 1; next } /^$/ { on = 0 } on' "$t/help" | cut -c1-25 | option_words \
	> "$t/options"
# "--color takes auto, always or never.": the values, from the binary.
"$build/vfio-hook" --color=- --version 2>&1 | sed -n 's/^--color takes \(.*\)\.$/\1/p' |
	tr ',' ' ' | sed 's/ or / /' | tr ' ' '\n' | grep . > "$t/colors"

# complete WORD...: what the bash function offers for the last word of "vfio-hook WORD...".
complete_bash() {
	(cd "$t/cwd" && bash -c '
		. "$0"
		COMP_WORDS=(vfio-hook "$@")
		COMP_CWORD=$(($# ))
		_vfio_hook
		printf "%s\n" "${COMPREPLY[@]}"' "$bash_file" "$@") 2>> "$t/bash.err"
}
mkdir -p "$t/cwd/a-sysroot" && : > "$t/cwd/a-domain.xml"

# covers NAME FILE WORD...: every line of FILE is offered for "vfio-hook WORD...".
covers() {
	n=$1 want=$2
	shift 2
	complete_bash "$@" > "$t/$n.offered"
	missing=$(LC_ALL=C sort -u "$want" | LC_ALL=C comm -23 - "$(sorted "$t/$n.offered")")
	if [ ! -s "$want" ]; then
		fail "$n" "nothing to look for in $want: the extraction is broken"
	elif [ -n "$missing" ]; then
		fail "$n" "not offered for 'vfio-hook $*':" $missing
	else
		pass "$n"
	fi
}
covers completion.bash-verbs "$t/verbs" ""
covers completion.bash-options "$t/options" -
# A verb's own options, as its VERBS entry in vfio-hook(8) shows them (the --help usage).
entries "$build/man/vfio-hook.8" VERBS > "$t/verb-entries"
while read -r verb rest; do
	echo "$rest" | option_words > "$t/options-$verb"
	[ -s "$t/options-$verb" ] || continue
	covers "completion.bash-options-of-$verb" "$t/options-$verb" "$verb" -
done < "$t/verb-entries"
covers completion.bash-color-values "$t/colors" --color =
echo a-domain.xml > "$t/xml-file"
covers completion.bash-xml-file "$t/xml-file" plan --xml a-d
echo a-sysroot > "$t/sysroot-dir"
covers completion.bash-sysroot-dir "$t/sysroot-dir" --sysroot a-s
if [ -s "$t/bash.err" ]; then
	fail completion.bash-quiet "the bash completion wrote to stderr:" "$(head -3 "$t/bash.err")"
else
	pass completion.bash-quiet
fi

# zsh: every verb, option and --color value is a word of the file.
tr -s " \t'()=|;" '\n\n\n\n\n\n\n\n' < "$zsh_file" > "$t/zsh-words"
cat "$t/verbs" "$t/options" "$t/colors" | LC_ALL=C sort -u |
	LC_ALL=C comm -23 - "$(sorted "$t/zsh-words")" > "$t/zsh-missing"
if [ -s "$t/zsh-missing" ]; then
	fail completion.zsh-words "not in $zsh_file:" $(cat "$t/zsh-missing")
else
	pass completion.zsh-words
fi
if command -v zsh > /dev/null; then
	if zsh -n "$zsh_file" 2> "$t/zsh.err"; then
		pass completion.zsh-syntax
	else
		fail completion.zsh-syntax "$(head -3 "$t/zsh.err")"
	fi
fi
exit $failed
