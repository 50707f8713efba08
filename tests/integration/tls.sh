#!/bin/bash
# tls.sh: certificate verification, host names, pinning, --insecure, STLS policy.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_dovecot

# tls_refused DESC: exit 78 with a "popscope: " line, nothing logged in.
tls_refused()
{
	check_sane "$1: no crash"
	is_status 78 "$1: exit 78"
	one_error_line "$1: a 'popscope: ' error line"
	unlike "$OUT" '^login ' "$1: no login step"
}

run_popscope --check "$POP3S_URL" --ca-file "$WRONG_CA_FILE" --password-command "$PW_CMD"
tls_refused "unrelated CA"
like "$ERR" '[Cc]ertificate' "unrelated CA: the message says 'certificate'"

run_popscope --check "$POP3_URL" --ca-file "$WRONG_CA_FILE" --password-command "$PW_CMD"
tls_refused "unrelated CA over STLS"

run_popscope --check "pop3s://$USER@$WRONG_HOST:$POP3S_PORT" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD"
tls_refused "host name mismatch ($WRONG_HOST, cert for wronghost.example)"

run_popscope --check "pop3s://$USER@localhost:$POP3S_PORT" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD"
check_sane "name 'localhost' (DNS SAN): no crash"
is_status 0 "name 'localhost' (DNS SAN): exit 0"

run_popscope --check "$POP3S_URL" --fingerprint "$CERT_SHA256" --password-command "$PW_CMD"
check_sane "right --fingerprint, no CA: no crash"
is_status 0 "right --fingerprint, no CA: accepted"

run_popscope --check "$POP3S_URL" --fingerprint "$WRONG_HOST_CERT_SHA256" \
	--password-command "$PW_CMD"
tls_refused "wrong --fingerprint"

run_popscope --check "$POP3S_URL" --fingerprint "$WRONG_HOST_CERT_SHA256" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
tls_refused "wrong --fingerprint with a valid chain"

run_popscope --check "$POP3S_URL" --ca-file "$WRONG_CA_FILE" --insecure \
	--password-command "$PW_CMD"
check_sane "--insecure: no crash"
is_status 0 "--insecure: proceeds despite an unverifiable certificate"
like "$ERR" '^popscope: ' "--insecure: a warning on stderr"
like "$OUT" '^certificate +WARN +NOT VERIFIED \(--insecure; the check said: unable to get local issuer certificate\)' \
	"--insecure: the certificate step says it was not verified, never OK"
unlike "$OUT" '^certificate +OK' "--insecure: no 'certificate OK'"

run_popscope --check "pop3s://$USER@$HOST:$POP3_PORT" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD"
tls_refused "pop3s:// to a plain listener (handshake fails)"

run_popscope --check "pop3://$USER@$HOST:$POP3S_PORT" --ca-file "$CA_FILE" --timeout 2 \
	--password-command "$PW_CMD"
check_sane "pop3:// to an implicit-TLS listener: no crash"
is_status 76 "pop3:// to an implicit-TLS listener: 76, not a timeout"
like "$ERR" "speaks TLS: use pop3s://$HOST:$POP3S_PORT\$" \
	"pop3:// to an implicit-TLS listener: says to use pop3s://"

# STLS required but not offered: refused before any password is sent.
start_hostile stls_not_offered
run_popscope --check "pop3://$USER@127.0.0.1:$HOSTILE_PORT" --password-command "$PW_CMD"
stop_hostile
check_sane "no STLS offered: no crash"
is_status 76 "no STLS offered, no --plaintext: exit 76"
one_error_line "no STLS offered: a 'popscope: ' error line"
unlike "$(cat "$HOSTILE_LOG")" "USER|PASS|AUTH|APOP" "no STLS offered: no login attempted"

# --plaintext: a clear-text login works, with a warning.
start_hostile well_behaved
run_popscope --check --plaintext "pop3://$USER@127.0.0.1:$HOSTILE_PORT" \
	--password-command "$PW_CMD"
stop_hostile
check_sane "--plaintext: no crash"
is_status 0 "--plaintext without STLS: exit 0"
like "$ERR" '^popscope: ' "--plaintext: a warning on stderr"
like "$(cat "$HOSTILE_LOG")" "PASS" "--plaintext: logged in in clear text"

run_popscope --check --plaintext "$POP3_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--plaintext against Dovecot: no crash"
is_status 0 "--plaintext against Dovecot: exit 0"

done_testing
