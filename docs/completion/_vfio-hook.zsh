#compdef vfio-hook
# zsh completion for vfio-hook. The words come from the VERBS and OPTIONS of
# docs/man/vfio-hook.8.md (make completion puts them at @WORDS@), so they follow --help.
# Nothing here runs libvirt or anything slow: VM names are the file names a user can list.

@WORDS@

# VMs libvirt has saved; for recover also the UUIDs of the journals this user can list.
_vfio_hook_vms() {
	local -a vms
	vms=(/etc/libvirt/qemu/*.xml(N:t:r))
	[[ $1 == recover ]] && vms+=(/run/vfio-hook/*.journal(N:t:r))
	compadd -a vms
}

_vfio-hook() {
	local REPLY verb w i with_argument
	local -a opts
	_vfio_hook_words with-argument
	with_argument=" $REPLY "

	case $words[CURRENT-1] in
	--xml) _files; return ;;
	--sysroot) _files -/; return ;;
	esac
	if compset -P '--color='; then
		compadd auto always never
		return
	fi

	# The verb: the first word that is neither an option nor an option's argument.
	for ((i = 2; i < CURRENT; i++)); do
		w=$words[i]
		if [[ $with_argument == *" $w "* ]]; then
			((i++))
		elif [[ $w == -- ]]; then
			[[ -n $verb ]] && return 1 # hook -- VM OPERATION ...: names, not ours to guess
		elif [[ $w != -* ]]; then
			[[ -z $verb ]] && verb=$w
		fi
	done

	if [[ -z $verb ]]; then
		if [[ $PREFIX == -* ]]; then
			_vfio_hook_words options
			opts=(${=REPLY})
			compadd -a opts
		else
			_vfio_hook_words verbs
			opts=(${=REPLY})
			compadd -a opts
		fi
		return
	fi
	if [[ $PREFIX == -* ]]; then
		_vfio_hook_words verb-$verb
		opts=(${=REPLY})
		_vfio_hook_words common
		opts+=(${=REPLY})
		compadd -a opts
		return
	fi
	case $verb in
	recover | doctor) _vfio_hook_vms $verb ;;
	esac
}

_vfio-hook "$@"
