#!/bin/bash
# report.sh: --report FILE, the ticket report: written 0600 when the session
# ends, every field there, the SHA-256 of each saved file as sha256sum sees
# it, deletions confirmed (and gone in a second session), uncertain when QUIT
# is never answered, not confirmed when the session ends before QUIT, no
# secret and no raw control byte in it; a path that cannot take it refused
# before any work, and a report that cannot be written at the end said so
# without hiding the session's own exit status.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_dovecot

# field NAME FILE: the value of the first "NAME: value" line.
field() { sed -n "s/^$1: //p" "$2" | head -n 1; }
uidl_of() { awk -v n="$1" '$1 == n { print $2 }' "$WORK/uidl-before"; }
# block N FILE: the lines of message N's block (up to the next blank line).
block() { awk -v n="$1" '$0 == "message: " n { on = 1 } on && $0 == "" { exit } on' "$2"; }
mode_of() { stat -c %a "$1"; }

probe uidl >"$WORK/uidl-before" || bail_out "poplib UIDL failed"
mkdir "$WORK/out" "$WORK/reports"
report=$WORK/reports/ticket.txt
run_popscope --delete 2,4 --to "$WORK/out" --report "$report" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--delete 2,4 --report: no crash"
is_status 0 "--delete 2,4 --report: exit 0"
[ -f "$report" ]
ok $? "the report is written"
is "$(mode_of "$report")" 600 "the report has mode 0600"
is "$(head -n 1 "$report")" "popscope report" "its first line names it"
missing=
for name in version written server port TLS cipher 'certificate subject' \
	'certificate SHA-256' 'certificate check' account saved deletions outcome; do
	grep -q "^$name: ." "$report" || missing="$missing [$name]"
done
for n in 2 4; do
	for name in message UIDL size from subject date 'saved to' 'saved octets' SHA-256 deletion; do
		block "$n" "$report" | grep -q "^$name: ." || missing="$missing [$n: $name]"
	done
done
is "$missing" "" "every field is there, for the session and for messages 2 and 4"
like "$(field version "$report")" '^popscope [0-9]' "version: popscope and its version"
like "$(field written "$report")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$' \
	"written: an ISO 8601 date and time with its offset"
is "$(field server "$report") $(field port "$report")" "$HOST $POP3S_PORT" "server and port"
like "$(field TLS "$report")" '^TLSv1\.[23]$' "the TLS version"
like "$(field cipher "$report")" '^[A-Z0-9_-]+$' "the cipher"
like "$(field 'certificate subject' "$report")" 'CN=localhost' "the certificate's subject, one line"
fingerprint=$(field 'certificate SHA-256' "$report")
is "$fingerprint" "$CERT_SHA256" "the leaf certificate's SHA-256 fingerprint"
is "$(field 'certificate check' "$report")" verified "the certificate was verified"
is "$(field account "$report")" "$USER" "account: the user name"
is "$(field saved "$report")" 2 "saved: 2"
is "$(field deletions "$report")" "2 confirmed, 0 not confirmed, 0 uncertain, 0 pending" \
	"deletions: both confirmed"
like "$(field outcome "$report")" 'confirmed the deletion of 2 messages' \
	"outcome: report.c's sentence"
for n in 2 4; do
	entry=$(block "$n" "$report")
	is "$(printf '%s\n' "$entry" | sed -n 's/^UIDL: //p')" "$(uidl_of "$n")" "message $n: its UIDL"
	path=$(printf '%s\n' "$entry" | sed -n 's/^saved to: //p')
	is "$path" "$(awk -v n="$n" '$1 == "saved" && $2 == n { print $4 }' "$WORK/stdout")" \
		"message $n: the saved path, as the 'saved' line gives it"
	sum=$(sha256sum "$path" 2>/dev/null | cut -d ' ' -f 1)
	is "$(printf '%s\n' "$entry" | sed -n 's/^SHA-256: //p')" "${sum:-no file}" \
		"message $n: the SHA-256 equals sha256sum of the saved file"
	is "$(printf '%s\n' "$entry" | sed -n 's/^saved octets: //p')" "$(stat -c %s "$path")" \
		"message $n: the octets on disk"
	like "$(printf '%s\n' "$entry" | sed -n 's/^date: //p')" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' \
		"message $n: the date in ISO 8601 (UTC)"
	is "$(printf '%s\n' "$entry" | sed -n 's/^deletion: //p')" confirmed \
		"message $n: the deletion is confirmed"
done
like "$(block 2 "$report" | sed -n 's/^from: //p')" '^J.*rgen M.*ller <juergen@example\.org>$' \
	"from: the name and the address"
grep -qF "$PASSWORD" "$report"
isnt $? 0 "the password is nowhere in the report"
is "$(ls -A "$WORK/reports")" ticket.txt "nothing but the report in its directory"

# The fingerprint is in the form --fingerprint takes.
run_popscope --check --fingerprint "$fingerprint" "$POP3S_URL" --password-command "$PW_CMD"
is_status 0 "--fingerprint accepts the report's certificate SHA-256"

# A second session: the messages are gone; the earlier report is replaced.
run_popscope --list --report "$report" "$POP3S_URL" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD"
is_status 0 "--list --report over the earlier report: exit 0"
unlike "$OUT" "$(uidl_of 2)|$(uidl_of 4)" "a second session no longer lists messages 2 and 4"
is "$(field saved "$report") $(grep -c '^message: ' "$report")" "0 0" \
	"the earlier report was replaced by this session's"
is "$(mode_of "$report")" 600 "the replaced report has mode 0600"

# Paths that cannot take a report: refused before connecting, exit 74.
printf 'my notes\n' >"$WORK/reports/notes.txt"
ln -s "$report" "$WORK/reports/link.txt"
cp "$report" "$WORK/report-before"
for target in notes.txt link.txt missing/ticket.txt; do
	run_popscope --list --report "$WORK/reports/$target" "$POP3S_URL" --ca-file "$CA_FILE" \
		--password-command "echo connected >$WORK/asked; printf %s $PASSWORD"
	check_sane "--report $target: no crash"
	is_status 74 "--report $target: exit 74"
	like "$ERR" '^popscope: cannot write the report: ' "--report $target: says why"
	[ ! -e "$WORK/asked" ]
	ok $? "--report $target: refused before any work (no password asked)"
done
is "$(cat "$WORK/reports/notes.txt")" "my notes" "a file that is not a report is left as it was"
cmp -s "$report" "$WORK/report-before"
ok $? "the symlink was not followed: its target is unchanged"

# The report cannot be written at the end (its directory went away while the
# session ran): said on stderr; 74 for a session that succeeded, and a
# session's own status kept otherwise.
mkdir "$WORK/gone"
run_popscope --check --report "$WORK/gone/ticket.txt" "$POP3S_URL" --ca-file "$CA_FILE" \
	--password-command "rm -r $WORK/gone; printf %s $PASSWORD"
check_sane "report directory removed during --check: no crash"
is_status 74 "the session succeeded, the report could not be written: exit 74"
like "$ERR" "^popscope: cannot write the report: the directory $WORK/gone does not exist" \
	"it says the report was not written, and why"
mkdir "$WORK/gone"
run_popscope --check --report "$WORK/gone/ticket.txt" "$POP3S_URL" --ca-file "$CA_FILE" \
	--password-command "rm -r $WORK/gone; printf %s wrong-password"
is_status 77 "a failed login keeps its own status (77) when the report cannot be written"
like "$ERR" '^popscope: cannot write the report: ' "and the report's failure is said too"

# hostile_report RUN_NAME SCENARIO ARGS...: the scenario with --report.
hostile_report()
{
	local scenario=$1
	shift
	start_hostile "$scenario"
	local args=(--plaintext) url=pop3://alice@127.0.0.1:$HOSTILE_PORT
	if grep -q "^$scenario	[a-z]*	pop3s	" "$WORK/table"; then
		args=(--ca-file "$HOSTILE_CERT")
		url=pop3s://alice@127.0.0.1:$HOSTILE_PORT
	fi
	mkdir -p "$WORK/to-$scenario"
	POPSCOPE_TIMEOUT=15 run_popscope "$@" --to "$WORK/to-$scenario" --timeout 3 \
		--report "$WORK/$scenario.txt" "${args[@]}" \
		--password-command "printf %s hostile-pw" "$url"
	stop_hostile
	check_sane "$scenario: no crash, no hang"
}
"$PYTHON3" "$FIXTURE/hostile_server.py" --table >"$WORK/table" ||
	bail_out "hostile_server.py --table failed"

# QUIT never answered: uncertain.
hostile_report report_quit_unanswered --delete 1
r=$WORK/report_quit_unanswered.txt
is_status 75 "QUIT never answered: exit 75"
is "$(mode_of "$r")" 600 "QUIT never answered: the report has mode 0600"
is "$(field deletions "$r")" "0 confirmed, 0 not confirmed, 1 uncertain, 0 pending" \
	"QUIT never answered: the deletion is uncertain"
is "$(block 1 "$r" | sed -n 's/^deletion: //p')" uncertain "message 1: deletion: uncertain"
like "$(field outcome "$r")" '^QUIT was sent but not confirmed .*may or may not have deleted message 1' \
	"the outcome says to check the server"
like "$(field problem "$r")" 'within 3 seconds' "problem: why QUIT was not confirmed"
is "$(field 'certificate subject' "$r")" "CN=127.0.0.1" "the hostile server's certificate subject"
expected_fp=$(openssl x509 -in "$HOSTILE_CERT" -noout -fingerprint -sha256 | sed 's/^[^=]*=/sha256:/')
is "$(field 'certificate SHA-256' "$r")" "$expected_fp" "its SHA-256 as openssl computes it"
saved=$(block 1 "$r" | sed -n 's/^saved to: //p')
is "$(block 1 "$r" | sed -n 's/^SHA-256: //p')" "$(sha256sum "$saved" | cut -d ' ' -f 1)" \
	"the saved file's SHA-256"
grep -q hostile-pw "$r"
isnt $? 0 "no password in the report"

# DELE never answered: the session ends before QUIT; nothing was deleted.
hostile_report report_second_dele_stalls --delete 1,2
r=$WORK/report_second_dele_stalls.txt
is_status 75 "DELE never answered: exit 75 (the time-out)"
is "$(field deletions "$r")" "0 confirmed, 2 not confirmed, 0 uncertain, 0 pending" \
	"both deletions not confirmed"
is "$(sed -n 's/^deletion: //p' "$r" | sort -u)" "not confirmed" "each message says so"
like "$(field outcome "$r")" '^QUIT was never sent, so the server deleted nothing$' \
	"the outcome: nothing deleted"

# Hostile headers: sanitized in the report.
hostile_report report_hostile_headers --delete 1
r=$WORK/report_hostile_headers.txt
is_status 0 "escapes in From and Subject: exit 0"
is "$(field TLS "$r") $(field cipher "$r")" "none none" "no TLS: TLS none, cipher none"
like "$(block 1 "$r" | sed -n 's/^from: //p')" '<evil@example\.org>$' "the sender's address is kept"
no_raw_controls "no raw control byte, escape or bidi override in the report" "$r"

done_testing
