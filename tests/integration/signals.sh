#!/bin/bash
# signals.sh: SIGINT, SIGTERM and SIGHUP during a --delete: the temporary
# file is removed, no further command (no QUIT) is sent, nothing is
# deleted, one line says so, and the exit status is 128 + the signal.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_dovecot
big=$(sort -t "$(printf '\t')" -k 2 -n -r "$EXPECTED" | head -n 1 | cut -f 1)
[ -n "$big" ] || bail_out "no message in $EXPECTED"
stat_before=$(probe stat)

# The server's bytes pass a relay at 256 kB/s, so the big message takes
# seconds to arrive and the signal lands in the middle of its save.
"$PYTHON3" "$LIB_DIR/throttle_proxy.py" "$POP3S_PORT" 262144 "$WORK/proxy.port" \
	</dev/null >/dev/null 2>&1 &
HOSTILE_PIDS="$HOSTILE_PIDS $!"
for _ in $(seq 100); do
	[ -s "$WORK/proxy.port" ] && break
	sleep 0.05
done
[ -s "$WORK/proxy.port" ] || bail_out "the relay did not start"
slow_url="pop3s://$USER@$HOST:$(cat "$WORK/proxy.port")"

for signal in INT TERM HUP; do
	dir=$WORK/to-$signal
	mkdir "$dir"
	"$POPSCOPE" --delete "$big" --to "$dir" --trace "$WORK/trace-$signal" "$slow_url" \
		--ca-file "$CA_FILE" --password-command "$PW_CMD" \
		</dev/null >"$WORK/stdout" 2>"$WORK/stderr" &
	pid=$!
	tmp=
	for _ in $(seq 200); do
		tmp=$(ls -A "$dir")
		[ -n "$tmp" ] && break
		sleep 0.05
	done
	like "$tmp" '^\.popscope-.*\.tmp$' "SIG$signal: the save is under way (temporary file)"
	kill -"$signal" "$pid"
	wait "$pid"
	STATUS=$?
	case $signal in INT) want=130 ;; TERM) want=143 ;; HUP) want=129 ;; esac
	is "$STATUS" "$want" "SIG$signal: exit status $want"
	ERR=$(cat "$WORK/stderr")
	like "$ERR" "^popscope: interrupted by SIG$signal: 0 messages saved, QUIT was not sent, so nothing was deleted\$" \
		"SIG$signal: one line says what was saved and that nothing was deleted"
	is "$(ls -A "$dir")" "" "SIG$signal: no temporary file left"
	unlike "$(cat "$WORK/trace-$signal")" '(QUIT|DELE)' "SIG$signal: neither DELE nor QUIT was sent"
	is "$(cat "$WORK/stdout")" "" "SIG$signal: no 'saved' or 'deleted' line"
done
is "$(probe stat)" "$stat_before" "the mailbox is unchanged"

done_testing
