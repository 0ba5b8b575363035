# Bash completion for trykk. Source it from ~/.bashrc, or install it as
# /usr/share/bash-completion/completions/trykk:
#
#   . docs/completion/trykk.bash
#
# Completes the commands, each command's options, the outputs of --only, folders
# for -o, --root and --allow-outside, layout files (layouts/*.yaml and any .yaml
# path) for --layout, and content files (content/*.yaml and any .yaml path) for
# the files to build. With --root DIR on the line, DIR/content and DIR/layouts.

# Candidates for a .yaml argument: the files in DIR; once something is typed, also
# .yaml files and folders along that path (hidden ones only when asked for).
_trykk_yaml() {
	local dir=$1 f seen=$'\n'
	local IFS=$'\n'
	COMPREPLY=()
	for f in "$dir"/*.yaml; do
		[[ -e $f ]] || continue
		f=${f#./}
		[[ $f == "$cur"* ]] && COMPREPLY+=("$f") && seen+="$f"$'\n'
	done
	if [[ -n $cur ]]; then
		for f in $(compgen -f -X '!*.yaml' -- "$cur") $(compgen -d -- "$cur"); do
			[[ $seen == *$'\n'"$f"$'\n'* ]] && continue
			[[ ${f##*/} == .* && ${cur##*/} != .* ]] && continue
			COMPREPLY+=("$f")
			seen+="$f"$'\n'
		done
	fi
	type compopt &>/dev/null && compopt -o filenames 2>/dev/null
	return 0
}

_trykk() {
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	if ((cword == 1)); then
		COMPREPLY=($(compgen -W "build preflight watch schema --help --version" -- "$cur"))
		return 0
	fi

	local cmd=${words[1]} root=. i
	for ((i = 2; i < cword; i++)); do
		[[ ${words[i]} == --root ]] && root=${words[i + 1]}
	done

	case $prev in
	--layout)
		_trykk_yaml "$root/layouts"
		return 0
		;;
	-o | --out | --root | --allow-outside)
		COMPREPLY=($(compgen -d -- "$cur"))
		type compopt &>/dev/null && compopt -o filenames 2>/dev/null
		return 0
		;;
	--only)
		# a comma-separated list: complete the item after the last comma
		local done=${cur%,*} part=${cur##*,} o
		[[ $cur == *,* ]] && done="$done," || done=""
		COMPREPLY=()
		for o in print screen proof trace; do
			[[ $o == "$part"* ]] && COMPREPLY+=("$done$o")
		done
		type compopt &>/dev/null && compopt -o nospace 2>/dev/null
		return 0
		;;
	--max-rebuilds)
		COMPREPLY=()
		return 0
		;;
	esac

	local common="--layout --root --allow-outside -q --quiet -v --verbose"
	local opts
	case $cmd in
	build) opts="-o --out --only $common" ;;
	preflight) opts="--json $common" ;;
	watch) opts="-o --out --only --max-rebuilds $common" ;;
	schema)
		((cword == 2)) && COMPREPLY=($(compgen -W "content layout" -- "$cur"))
		return 0
		;;
	*)
		return 0
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return 0
	fi
	_trykk_yaml "$root/content"
}

complete -F _trykk trykk
