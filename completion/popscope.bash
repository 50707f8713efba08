# popscope(1) completion for bash.
#
# Self-contained: it needs bash's programmable completion only, not the
# bash-completion package's helpers, so it works loaded on demand from
# bash-completion's directory (installed there as "popscope") or sourced
# from ~/.bashrc. Every long option of src/cli/options.c is listed here;
# tests/integration/install.sh checks that none is missing and that those
# taking a value are the ones listed as such.

# _popscope_accounts COMMAND [CONFIG]: the account names, one a line: the
# first field of "COMMAND --accounts" (NAME, a TAB, the URL), from CONFIG
# when --config named one. Nothing when the command is missing or fails. A
# name with a character the shell would take specially is left out, so that
# no name is ever expanded or split.
_popscope_accounts()
{
	local command=$1 config=$2 out name url
	local -a args=(--accounts)
	[[ $command == "~/"* ]] && command=$HOME/${command#"~/"}
	[[ $config == "~/"* ]] && config=$HOME/${config#"~/"}
	[[ -n $config ]] && args=(--config "$config" --accounts)
	type -P -- "$command" >/dev/null 2>&1 || return 0
	out=$("$command" "${args[@]}" 2>/dev/null </dev/null) || return 0
	while IFS=$'\t' read -r name url; do
		[[ -n $name && -n $url && $name != *[!A-Za-z0-9._+@%-]* ]] &&
			printf '%s\n' "$name"
	done <<<"$out"
}

_popscope()
{
	local cur=${COMP_WORDS[COMP_CWORD]} option="" prefix="" word config=""
	local i mode="" options_ended=no
	local with_value="--save --delete --to --report --user --auth
		--password-command --oauth-token-command --ca-file --fingerprint
		--timeout --speed-limit --trace --save-dir --log --log-size
		--log-body-lines --preview-lines --pipeline --big --config"
	local without_value="--check --list --insecure --plaintext --verbose -v
		--json --accept-line-end-count --no-color --help -h --version
		--accounts"
	local mechanisms="USER APOP PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1
		SCRAM-SHA-1-PLUS SCRAM-SHA-256 SCRAM-SHA-256-PLUS GSSAPI XOAUTH2
		OAUTHBEARER"
	COMPREPLY=()

	# What is on the line before the word: the mode, --config's file, "--".
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		case $word in
		--) options_ended=yes ;;
		--check | --list | --save | --delete | --save=* | --delete=*) mode=${word%%=*} ;;
		--config=*) config=${word#--config=} ;;
		--config)
			if [[ ${COMP_WORDS[i + 1]} == "=" ]]; then
				config=${COMP_WORDS[i + 2]}
			else
				config=${COMP_WORDS[i + 1]}
			fi
			;;
		esac
	done

	# The option whose value is being completed: "--to DIR", "--to=DIR"
	# (split at "=" by COMP_WORDBREAKS, or not).
	if [[ $options_ended == no ]]; then
		if [[ $cur == "=" && ${COMP_WORDS[COMP_CWORD - 1]} == --* ]]; then
			option=${COMP_WORDS[COMP_CWORD - 1]} cur=""
		elif ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == "=" ]]; then
			option=${COMP_WORDS[COMP_CWORD - 2]}
		elif [[ $cur == --*=* ]]; then
			option=${cur%%=*} prefix=${cur%%=*}= cur=${cur#*=}
		elif ((COMP_CWORD > 1)); then
			option=${COMP_WORDS[COMP_CWORD - 1]}
			[[ " ${with_value//[$'\t\n']/ } " == *" $option "* ]] || option=""
		fi
	fi

	case $option in
	--to | --save-dir)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		;;
	--report | --trace | --log | --ca-file | --config)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	--auth)
		# Upper or lower case: popscope takes either.
		if [[ $cur == [a-z]* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "${mechanisms,,}" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$mechanisms" -- "$cur")
		fi
		;;
	--password-command | --oauth-token-command)
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		;;
	--log-body-lines)
		mapfile -t COMPREPLY < <(compgen -W "all" -- "$cur")
		;;
	--*)
		# Numbers, message lists, a user name, a fingerprint: nothing to offer.
		;;
	*)
		if [[ $options_ended == no && $cur == -* ]]; then
			local -a candidates=()
			for word in $with_value $without_value; do
				# The modes exclude each other: once one is given, not the others.
				case $word in
				--check | --list | --save | --delete)
					[[ -z $mode || $word == "$mode" ]] || continue
					;;
				esac
				candidates+=("$word")
			done
			mapfile -t COMPREPLY < <(compgen -W "${candidates[*]}" -- "$cur")
		else
			# The URL: an account name, or the start of one. Matched here,
			# not by compgen -W, which would expand what the names hold.
			while read -r word; do
				[[ -n $word && $word == "$cur"* ]] && COMPREPLY+=("$word")
			done < <(_popscope_accounts "${COMP_WORDS[0]}" "$config")
			if [[ $cur != *[:/@]* ]]; then
				for word in pop3s:// pop3://; do
					[[ $word == "$cur"* ]] && COMPREPLY+=("$word")
				done
				# A scheme alone goes on with the host: no space after it.
				[[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *:// ]] &&
					compopt -o nospace 2>/dev/null
			fi
		fi
		;;
	esac

	if [[ -n $prefix ]]; then
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=$prefix${COMPREPLY[i]}
		done
	fi
	return 0
}

complete -F _popscope popscope
