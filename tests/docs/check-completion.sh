#!/bin/sh
# The bash and zsh completions know every verb and option of --help: each is run, its function
# asked as the shell would ask it (zsh only when installed; its file is read in any case). The
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

# complete_bash WORD...: what the bash function offers for the last word of "vfio-hook WORD...".
complete_bash() {
	(cd "$t/cwd" && bash -c '
		. "$0"
		COMP_WORDS=(vfio-hook "$@")
		COMP_CWORD=$(($# ))
		_vfio_hook
		printf "%s\n" "${COMPREPLY[@]}"' "$bash_file" "$@") 2>> "$t/bash.err"
}
# vm_names NAME WANT WORD...: the bash function, with libvirt's VMs "Windows 11", win10 and
# "it's", offers exactly WANT (replies joined by "|") for "vfio-hook WORD...".
vm_names() {
	n=$1 want=$2
	shift 2
	got=$(cd "$t/cwd" && bash -c '
		. "$0"
		_vfio_hook_vms() { printf "%s\n" "Windows 11" win10 "it'"'"'s"; }
		COMP_WORDS=(vfio-hook "$@")
		COMP_CWORD=$#
		_vfio_hook
		IFS="|"
		printf "%s" "${COMPREPLY[*]}"' "$bash_file" "$@" 2>> "$t/bash.err")
	if [ "$got" = "$want" ]; then
		pass "completion.bash-vm-names-${n% *}-${n#* }"
	else
		fail "completion.bash-vm-names-${n% *}-${n#* }" "offered '$got' for 'vfio-hook $*', not '$want'"
	fi
}
# complete_zsh WORD...: the same for the zsh function (tests/docs/complete.zsh stands in for
# zsh's completion system; zsh filters by prefix itself).
complete_zsh() {
	(cd "$t/cwd" && zsh -f "$repo/tests/docs/complete.zsh" "$zsh_file" "$@") 2>> "$t/zsh.err"
}
mkdir -p "$t/cwd/a-sysroot" && : > "$t/cwd/a-domain.xml"
zsh_file=$(realpath "$zsh_file")

# covers NAME FILE SHELL WORD...: every line of FILE is offered for "vfio-hook WORD...".
covers() {
	n=$1 want=$2 sh=$3
	shift 3
	"complete_$sh" "$@" > "$t/$n.offered"
	missing=$(LC_ALL=C sort -u "$want" | LC_ALL=C comm -23 - "$(sorted "$t/$n.offered")")
	if [ ! -s "$want" ]; then
		fail "$n" "nothing to look for in $want: the extraction is broken"
	elif [ -n "$missing" ]; then
		fail "$n" "not offered for 'vfio-hook $*':" $missing
	else
		pass "$n"
	fi
}
entries "$build/man/vfio-hook.8" VERBS > "$t/verb-entries"
echo a-domain.xml > "$t/xml-file"
echo a-sysroot > "$t/sysroot-dir"
echo "_files" > "$t/zsh-files"
echo "_files -/" > "$t/zsh-dirs"
shells=bash
if command -v zsh > /dev/null; then
	shells="bash zsh"
else
	echo "(zsh not installed: its completion is only read, not run)"
fi
for sh in $shells; do
	covers "completion.$sh-verbs" "$t/verbs" $sh ""
	covers "completion.$sh-options" "$t/options" $sh -
	# A verb's own options, as its VERBS entry in vfio-hook(8) shows them (the --help usage).
	while read -r verb rest; do
		echo "$rest" | option_words > "$t/options-$verb"
		[ -s "$t/options-$verb" ] || continue
		covers "completion.$sh-options-of-$verb" "$t/options-$verb" $sh "$verb" -
	done < "$t/verb-entries"
	if [ $sh = bash ]; then
		covers completion.bash-color-values "$t/colors" bash --color =
		covers completion.bash-xml-file "$t/xml-file" bash plan --xml a-d
		covers completion.bash-sysroot-dir "$t/sysroot-dir" bash --sysroot a-s
	else
		covers completion.zsh-color-values "$t/colors" zsh --color=
		covers completion.zsh-xml-file "$t/zsh-files" zsh plan --xml a-d
		covers completion.zsh-sysroot-dir "$t/zsh-dirs" zsh --sysroot a-s
	fi
	if [ $sh = bash ]; then
		# VM names as the shell must read them back: "Windows 11" is one word.
		vm_names "doctor Win" 'Windows\ 11' doctor Win
		vm_names "doctor escaped" 'Windows\ 11' doctor 'Windows\ 1'
		vm_names "recover all" 'Windows\ 11|win10|it\'"'"'s' recover ''
		vm_names "doctor quoted" 'Windows 11' doctor '"Win'
	fi
	if [ -s "$t/$sh.err" ]; then
		fail "completion.$sh-quiet" "the $sh completion wrote to stderr:" "$(head -3 "$t/$sh.err")"
	else
		pass "completion.$sh-quiet"
	fi
done

# zsh, also without zsh: every verb, option and --color value is a word of the file.
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
