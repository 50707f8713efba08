#!/bin/bash
# trace.sh: --trace and -v never show the password, in any form, with any mechanism.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_dovecot

# leaks FILE: the lines of FILE that hold the password, raw or inside any
# base64 token (PLAIN and LOGIN send it base64-encoded).
leaks()
{
	"$PYTHON3" - "$1" "$PASSWORD" <<'PY'
import base64, binascii, re, sys
secret = sys.argv[2].encode()
for line in open(sys.argv[1], 'rb'):
	hit = secret in line
	for token in re.findall(rb'[A-Za-z0-9+/]{8,}={0,2}', line):
		for pad in (b'', b'=', b'=='):
			try:
				if secret in base64.b64decode(token + pad, validate=True):
					hit = True
			except (binascii.Error, ValueError):
				pass
	if hit:
		print(line.decode('utf-8', 'replace').rstrip())
PY
}

mkdir "$WORK/out"
for mech in USER APOP PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256; do
	for mode in check list save; do
		trace=$WORK/trace-$mech-$mode
		case $mode in
		save) args=(--save 1 --to "$WORK/out") ;;
		*) args=("--$mode") ;;
		esac
		run_popscope "${args[@]}" --auth "$mech" --trace "$trace" "$POP3S_URL" \
			--ca-file "$CA_FILE" --password-command "$PW_CMD"
		check_sane "$mech $mode: no crash"
		is_status 0 "$mech $mode: exit 0"
		if [ ! -f "$trace" ]; then
			fail "$mech $mode: trace file written"
			skip "no trace file" 3
			continue
		fi
		is "$(stat -c %a "$trace")" 600 "$mech $mode: trace file mode 0600"
		is "$(leaks "$trace")" "" "$mech $mode: no password in the trace"
		case $mech in
		USER) pattern='C: PASS \*{4}' ;;
		APOP) pattern="C: APOP $USER " ;;
		*) pattern="C: AUTH $mech" ;;
		esac
		like "$(cat "$trace")" "$pattern" "$mech $mode: trace has the masked login ($pattern)"
	done
	case $mech in
	USER | APOP) ;;
	*)
		like "$(cat "$WORK/trace-$mech-check")" 'C: .*\*{4}' \
			"$mech: the AUTH exchange is masked ('****')"
		;;
	esac

	run_popscope --check -v --auth "$mech" "$POP3S_URL" --ca-file "$CA_FILE" \
		--password-command "$PW_CMD"
	check_sane "$mech -v: no crash"
	like "$ERR" 'C: ' "$mech -v: the trace goes to stderr"
	is "$(leaks "$WORK/stderr")" "" "$mech -v: no password on stderr"
	is "$(leaks "$WORK/stdout")" "" "$mech -v: no password on stdout"
done

like "$(cat "$WORK/trace-USER-list")" 'S: \+OK' "the trace shows server lines"

done_testing
