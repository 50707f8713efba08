#!/bin/bash
# check.sh: popscope --check against Dovecot (pop3s, pop3 + STLS) and its failures.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_dovecot

# check_format DESC: every stdout line is "%-12s %-4s %7s  %s".
check_format()
{
	local bad
	bad=$(printf '%s\n' "$OUT" | LC_ALL=C awk '
		length($0) < 27 || substr($0, 13, 1) != " " ||
		substr($0, 1, 12) !~ /^[a-z]+ *$/ ||
		substr($0, 14, 4) !~ /^(OK  |FAIL|SKIP)$/ || substr($0, 18, 1) != " " ||
		substr($0, 19, 7) !~ /^( *[0-9]+ ms|       )$/ || substr($0, 26, 2) != "  " { print }')
	if [ -z "$bad" ]; then
		pass "$1"
	else
		fail "$1" "badly formatted lines:" "$bad"
	fi
}

# steps_ok DESC STEP...: each STEP has an OK line, in this order (other lines,
# such as a repeated capa, may come between), and no step failed.
steps_ok()
{
	local desc=$1 got want missing
	shift
	got=$(printf '%s\n' "$OUT" | awk '{ print $1 ":" $2 }' | tr '\n' ' ')
	want=$(printf '%s:OK ' "$@")
	missing=$(printf '%s\n' "$OUT" | awk -v want="$*" '
		BEGIN { n = split(want, w, " "); i = 1 }
		$2 != "OK" { bad = bad " " $1 ":" $2 }
		i <= n && $1 == w[i] && $2 == "OK" { i++ }
		END { for (; i <= n; i++) printf " %s", w[i]; if (bad != "") printf " (not OK:%s)", bad }')
	if [ -z "$missing" ]; then
		pass "$desc"
	else
		fail "$desc" "missing or out of order:$missing" "     got: $got" "expected: $want"
	fi
}

step_line()
{
	printf '%s\n' "$OUT" | grep -E "^$1 " | head -n 1
}

# --- pop3s ------------------------------------------------------------------
run_popscope --check "$POP3S_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "pop3s: no crash"
is_status 0 "pop3s: exit 0"
steps_ok "pop3s: every step OK, in order" \
	resolve connect tls certificate greeting capa login stat
check_format "pop3s: lines are '%-12s %-4s %7s  %s'"
like "$(step_line certificate)" "$CERT_SHA256" "pop3s: certificate shows the server's sha256"
like "$(step_line certificate)" "CN=localhost" "pop3s: certificate shows the subject"
like "$(step_line tls)" "TLSv1\.[23]" "pop3s: tls shows the protocol"
like "$(step_line login)" "$USER with " "pop3s: login names the user and mechanism"
like "$(step_line stat)" "$(wc -l <"$EXPECTED" | tr -d ' ') messages" \
	"pop3s: stat counts the messages"
# The mailbox's size in binary units, as the full-screen title shows it.
octets=$(probe stat | cut -d ' ' -f 2)
human=$("$PYTHON3" -c '
import sys
n = int(sys.argv[1])
v, units = n / 1024, ["KiB", "MiB", "GiB"]
while v >= 999.5 and len(units) > 1:
    v, units = v / 1024, units[1:]
print("%d B" % n if n < 1024 else ("%.1f %s" if v < 9.95 else "%.0f %s") % (v, units[0]))
' "$octets")
like "$(step_line stat)" "messages, ${human//./\\.}\$" "pop3s: stat gives the size in binary units ($human)"
unlike "$OUT" "$PASSWORD" "pop3s: the password is not printed"

# --- pop3 + STLS ------------------------------------------------------------
run_popscope --check "$POP3_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "pop3+STLS: no crash"
is_status 0 "pop3+STLS: exit 0"
steps_ok "pop3+STLS: every step OK, in order" \
	resolve connect greeting stls tls certificate capa login stat
check_format "pop3+STLS: lines are '%-12s %-4s %7s  %s'"
like "$(step_line certificate)" "$CERT_SHA256" "pop3+STLS: certificate shows the sha256"
is "$ERR" "" "pop3+STLS: nothing on stderr"

# --- password from ~/.netrc -------------------------------------------------
printf 'machine %s login %s password %s\n' "$HOST" "$USER" "$PASSWORD" >"$HOME/.netrc"
chmod 600 "$HOME/.netrc"
run_popscope --check "$POP3S_URL" --ca-file "$CA_FILE"
is_status 0 "password from ~/.netrc: exit 0"
rm -f "$HOME/.netrc"

# --- wrong password ---------------------------------------------------------
run_popscope --check "$POP3S_URL" --ca-file "$CA_FILE" --password-command "printf %s wrong-pw"
check_sane "wrong password: no crash"
is_status 77 "wrong password: exit 77"
like "$(printf '%s\n' "$OUT" | tail -n 1)" '^login +FAIL' "wrong password: login FAIL is the last line"
unlike "$OUT" '^stat ' "wrong password: no stat step"
one_error_line "wrong password: a 'popscope: ' error line"

# --- closed port ------------------------------------------------------------
closed_port=$("$PYTHON3" -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_popscope --check "pop3s://$USER@127.0.0.1:$closed_port" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD"
check_sane "closed port: no crash"
is_status 69 "closed port: exit 69"
like "$(printf '%s\n' "$OUT" | tail -n 1)" '^connect +FAIL' "closed port: connect FAIL"
one_error_line "closed port: a 'popscope: ' error line"

# --- unknown host -----------------------------------------------------------
run_popscope --check "pop3s://$USER@nonexistent.invalid" --password-command "$PW_CMD"
check_sane "unknown host: no crash"
is_status 68 "unknown host: exit 68"
like "$(printf '%s\n' "$OUT" | tail -n 1)" '^resolve +FAIL' "unknown host: resolve FAIL"
one_error_line "unknown host: a 'popscope: ' error line"

# --- usage ------------------------------------------------------------------
run_popscope --check "imap://$HOST:$POP3S_PORT"
is_status 64 "unsupported URL scheme: exit 64"
run_popscope --check --no-such-option "$POP3S_URL"
is_status 64 "unknown option: exit 64"

done_testing
