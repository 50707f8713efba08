#!/bin/bash
# preflight.sh: errors found before any work: --to, --save-dir and --ca-file
# are checked before connecting; a selection with a message that does not
# exist deletes nothing; pop3:// to a port that speaks TLS says so.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_dovecot

# A password command that leaves a mark: the checks come before it runs.
asked=$WORK/password-asked
MARK_PW_CMD="touch '$asked'; $PW_CMD"

# --- --to: missing, a regular file, not writable -----------------------------
run_popscope --save 1 --to "$WORK/missing" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$MARK_PW_CMD" --trace "$WORK/to.trace"
check_sane "--to a missing directory: no crash"
is_status 64 "--to a missing directory: the usage status 64"
is "$ERR" "popscope: --to $WORK/missing: No such file or directory" \
	"--to a missing directory: says so, naming it"
[ ! -e "$asked" ] && ! grep -q 'connected to' "$WORK/to.trace"
ok $? "--to a missing directory: found before the password and before connecting"

: >"$WORK/plain-file"
run_popscope --delete 1 --to "$WORK/plain-file" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$MARK_PW_CMD"
is_status 64 "--to a regular file: exit 64"
is "$ERR" "popscope: --to $WORK/plain-file: not a directory" "--to a regular file: says so"

mkdir -m 0555 "$WORK/read-only"
# As root every directory is writable: ask as another user.
as_user=()
[ "$(id -u)" = 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
timeout 20 "${as_user[@]}" "$POPSCOPE" --save 1 --to "$WORK/read-only" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$MARK_PW_CMD" </dev/null >/dev/null 2>"$WORK/stderr"
STATUS=$?
ERR=$(cat "$WORK/stderr")
is_status 64 "--to a directory this user cannot write in: exit 64"
is "$ERR" "popscope: --to $WORK/read-only: cannot create files there: Permission denied" \
	"--to a directory this user cannot write in: says so"
[ ! -e "$asked" ]
ok $? "none of the --to checks asked for the password"

# --- --save-dir (the full-screen view) ----------------------------------------
run_popscope --save-dir "$WORK/missing" "$POP3S_URL" --ca-file "$CA_FILE" \
	--password-command "$MARK_PW_CMD"
is_status 64 "--save-dir a missing directory: exit 64"
is "$ERR" "popscope: --save-dir $WORK/missing: No such file or directory" \
	"--save-dir a missing directory: says so before anything else"

# --- --ca-file: a local file, not a TLS failure --------------------------------
run_popscope --check "$POP3S_URL" --ca-file "$WORK/no-such-ca.pem" \
	--password-command "$MARK_PW_CMD" --trace "$WORK/ca.trace"
check_sane "--ca-file missing: no crash"
is_status 74 "--ca-file missing: the local-file status 74, not TLS's 78"
is "$ERR" "popscope: cannot read the CA file $WORK/no-such-ca.pem: No such file or directory" \
	"--ca-file missing: says which file and why"
[ ! -e "$asked" ] && ! grep -q 'connected to' "$WORK/ca.trace"
ok $? "--ca-file missing: found before the password and before connecting"
run_popscope --list "$POP3S_URL" --ca-file "$WORK" --password-command "$PW_CMD"
is_status 74 "--ca-file a directory: exit 74"
is "$ERR" "popscope: cannot read the CA file $WORK: Is a directory" "--ca-file a directory: says so"

# --- a selection is checked whole before the first RETR or DELE ----------------
stat_before=$(probe stat)
probe retr 1 "$WORK/retr-1" || bail_out "poplib RETR 1 failed"
for selection in 1,999 2-3,1,999 all,999 uidl:no-such-uidl; do
	mkdir "$WORK/out-$selection"
	run_popscope --delete "$selection" --to "$WORK/out-$selection" "$POP3S_URL" \
		--ca-file "$CA_FILE" --password-command "$PW_CMD" --trace "$WORK/sel.trace"
	check_sane "--delete $selection: no crash"
	is_status 65 "--delete $selection: exit 65"
	like "$ERR" '^popscope: (there is )?no message' "--delete $selection: names what is missing"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "--delete $selection: one line on stderr, nothing more"
	commands=$(sed -n 's/^[0-9:.]* C: //p' "$WORK/sel.trace" | tr '\n' ' ')
	unlike "$commands" '(RETR|DELE) ' "--delete $selection: no RETR and no DELE sent"
	is "$(ls -A "$WORK/out-$selection")" "" "--delete $selection: no file written"
	# A second session sees every message, message 1 unchanged.
	is "$(probe stat)" "$stat_before" "--delete $selection: STAT unchanged in a new session"
done
probe retr 1 "$WORK/retr-1-after" && cmp -s "$WORK/retr-1" "$WORK/retr-1-after"
ok $? "message 1 is still on the server, unchanged"

# --- pop3:// to the POP3S port -------------------------------------------------
start=$(date +%s)
run_popscope --check --timeout 3 "pop3://$USER@$HOST:$POP3S_PORT" --ca-file "$CA_FILE" \
	--password-command "$MARK_PW_CMD"
elapsed=$(($(date +%s) - start))
check_sane "pop3:// to the POP3S port: no crash"
is_status 76 "pop3:// to the POP3S port: exit 76"
is "$ERR" "popscope: port $POP3S_PORT of $HOST speaks TLS: use pop3s://$HOST:$POP3S_PORT" \
	"pop3:// to the POP3S port: says it speaks TLS and which URL to use"
like "$OUT" "^greeting +FAIL +port $POP3S_PORT of $HOST speaks TLS" \
	"pop3:// to the POP3S port: the greeting step fails with that reason"
[ "$elapsed" -le 8 ]
ok $? "pop3:// to the POP3S port: over within --timeout and the probe (${elapsed}s)"

done_testing
