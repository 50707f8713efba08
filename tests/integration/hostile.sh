#!/bin/bash
# hostile.sh: every scenario of tests/fixture/hostile_server.py: the documented
# exit status, in bounded time, no crash, a "popscope: " error, no raw controls,
# and the scenario's own patterns on standard output and standard error.
# HOSTILE_ONLY="name ..." runs only those scenarios.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

"$PYTHON3" "$FIXTURE/hostile_server.py" --table >"$WORK/table" ||
	bail_out "hostile_server.py --table failed"

while IFS=$'\t' read -r name mode url expect forbid out err doc; do
	case " ${HOSTILE_ONLY:-$name} " in
	*" $name "*) ;;
	*) continue ;;
	esac
	start_hostile "$name"
	args=()
	case $mode in
	check | list) args=("--$mode") ;;
	save | delete)
		mkdir "$WORK/to-$name"
		args=("--$mode" 1 --to "$WORK/to-$name")
		;;
	esac
	scheme=pop3
	[ "$url" = plain ] && args+=(--plaintext)
	[ "$url" = pop3s ] && scheme=pop3s && args+=(--ca-file "$HOSTILE_CERT")
	# --timeout 3 and popscope's bounds end even an endless or crawling
	# reply within seconds; the server itself gives up after 20.
	POPSCOPE_TIMEOUT=15 run_popscope "${args[@]}" --timeout 3 \
		--password-command "printf %s hostile-pw" "$scheme://alice@127.0.0.1:$HOSTILE_PORT"
	stop_hostile

	diag "$name: $doc"
	check_sane "$name: no crash, no hang"
	case ",$expect," in
	*",$STATUS,"*) pass "$name: exit status $STATUS (expected $expect)" ;;
	*) fail "$name: exit status $STATUS (expected $expect)" "stdout: $OUT" "stderr: $ERR" ;;
	esac
	if [ "$STATUS" != 0 ]; then
		like "$ERR" '^popscope: ' "$name: a 'popscope: ' error line"
	fi
	is "$(printf '%s\n' "$ERR" | grep -v -e '^popscope: ' -e '^$')" "" \
		"$name: every stderr line starts with 'popscope: '"
	no_raw_controls "$name: no raw control bytes in the output" "$WORK/stdout" "$WORK/stderr"
	[ "$out" = - ] || like "$OUT" "$out" "$name: standard output matches $out"
	[ "$err" = - ] || like "$ERR" "$err" "$name: standard error matches $err"
	if [ "$forbid" != - ]; then
		like_forbid="^b.($(printf '%s' "$forbid" | tr ',' '|'))( |\\\\r|\\\\n)"
		unlike "$(cat "$HOSTILE_LOG" 2>/dev/null)" "$like_forbid" \
			"$name: the client never sent $forbid"
	fi
	case $mode,$expect, in
	*,0,*) ;;
	save,* | delete,*)
		# Only the files a "saved" line names may be there.
		is "$(ls -A "$WORK/to-$name")" \
			"$(awk '$1 == "saved" { n = split($4, p, "/"); print p[n] }' "$WORK/stdout")" \
			"$name: no file in --to DIR but the verified saves"
		;;
	esac
done <"$WORK/table"

done_testing
