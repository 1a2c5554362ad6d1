# What the zsh completion offers for "vfio-hook WORD...", the last word being completed, one a
# line, without zsh's completion system: compadd, compset and _files print what they are given.
# Usage: zsh -f tests/docs/complete.zsh COMPLETION_FILE WORD...
compadd() {
	while [[ $1 == -* ]]; do
		case $1 in
		-a) shift; print -rl -- ${(P)1}; shift ;;
		--) shift; break ;;
		*) shift ;;
		esac
	done
	(($#)) && print -rl -- "$@"
	return 0
}
compset() { [[ $1 == -P && $PREFIX == ${~2}* ]] || return 1; PREFIX=${PREFIX#${~2}}; }
_files() { print -r -- "_files${*:+ $*}"; }
words=(vfio-hook "${@:2}")
CURRENT=${#words}
PREFIX=${words[CURRENT]}
source "$1"
