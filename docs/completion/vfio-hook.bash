# bash completion for vfio-hook. The words come from the VERBS and OPTIONS of
# docs/man/vfio-hook.8.md (make completion puts them at @WORDS@), so they follow --help.
# Nothing here runs libvirt or anything slow: VM names are the file names a user can list.

@WORDS@

# VMs libvirt has saved; for recover also the UUIDs of the journals this user can list.
_vfio_hook_vms() {
	local f
	for f in /etc/libvirt/qemu/*.xml; do
		[ -e "$f" ] || continue
		f=${f##*/}
		printf '%s\n' "${f%.xml}"
	done
	if [ "$1" = recover ]; then
		for f in /run/vfio-hook/*.journal; do
			[ -e "$f" ] || continue
			f=${f##*/}
			printf '%s\n' "${f%.journal}"
		done
	fi
}

_vfio_hook() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev= verb= w i REPLY with_argument
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	_vfio_hook_words with-argument
	with_argument=" $REPLY "

	case $prev in
	--xml)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
		;;
	--sysroot)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0
		;;
	esac
	# --color=WHEN: bash splits at "=" (COMP_WORDBREAKS) unless told otherwise.
	if [[ $cur == = && $prev == --color ]]; then
		COMPREPLY=(auto always never)
		return 0
	elif [[ $prev == = && $COMP_CWORD -ge 2 && ${COMP_WORDS[COMP_CWORD - 2]} == --color ]]; then
		COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
		return 0
	elif [[ $cur == --color=* ]]; then
		COMPREPLY=($(compgen -P --color= -W 'auto always never' -- "${cur#--color=}"))
		return 0
	fi

	# The verb: the first word that is neither an option nor an option's argument.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $with_argument == *" $w "* || $w == = ]]; then
			((i++))
		elif [[ $w == -- ]]; then
			[ -n "$verb" ] && return 0 # hook -- VM OPERATION ...: names, not ours to guess
		elif [[ $w != -* ]]; then
			[ -z "$verb" ] && verb=$w
		fi
	done

	if [ -z "$verb" ]; then
		if [[ $cur == -* ]]; then
			_vfio_hook_words options
		else
			_vfio_hook_words verbs
		fi
		COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
		return 0
	fi
	if [[ $cur == -* ]]; then
		_vfio_hook_words "verb-$verb"
		w=$REPLY
		_vfio_hook_words common
		COMPREPLY=($(compgen -W "$w $REPLY" -- "$cur"))
		return 0
	fi
	case $verb in
	recover | doctor)
		_vfio_hook_names "$cur" < <(_vfio_hook_vms "$verb")
		;;
	esac
	return 0
}

# COMPREPLY: the names on stdin (one a line) that start with WORD as typed, quoted as the
# shell must read them back: a VM may be called "Windows 11". Inside a quote the user opened,
# readline completes after it: the names go as they are.
_vfio_hook_names() {
	local word=$1 want= name q i
	if [[ $word == [\"\']* ]]; then
		want=${word:1}
		q=plain
	else
		for ((i = 0; i < ${#word}; i++)); do
			[[ ${word:i:1} == '\' ]] && ((i++))
			want+=${word:i:1}
		done
	fi
	while IFS= read -r name; do
		[[ $name == "$want"* ]] || continue
		[ -n "$q" ] || printf -v name '%q' "$name"
		COMPREPLY+=("$name")
	done
}

complete -F _vfio_hook vfio-hook
