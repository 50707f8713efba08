#!/bin/bash
# resolve.sh: host names looked up through a private, slow name server:
# --check times the resolve step, --timeout bounds a name server that never
# answers, /etc/hosts and numeric addresses need no query, unknown names exit 68.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$LIB_DIR/fakedns.sh"

DELAY=2
fakedns_require
start_dovecot
fakedns_start "$WORK/dns" "$DELAY"
trap 'fakedns_stop; cleanup' EXIT
REAL_POPSCOPE=$POPSCOPE

# resolving ARGS: popscope with the private resolv.conf and hosts.
resolving()
{
	POPSCOPE=$FAKEDNS_RUN run_popscope "$REAL_POPSCOPE" "$@"
}

step_field()
{
	printf '%s\n' "$OUT" | awk -v step="$1" -v field="$2" '$1 == step { print $field; exit }'
}

queries()
{
	grep -c "^query $1 " "$FAKEDNS_LOG"
}

# --- a slow answer ----------------------------------------------------------
resolving --check "pop3s://$USER@slow.popscope.test:$POP3S_PORT" \
	--fingerprint "$CERT_SHA256" --password-command "$PW_CMD"
check_sane "slow name server: no crash"
is_status 0 "slow name server: --check succeeds once the answer arrives"
like "$(step_field resolve 0)" "^resolve +OK +[0-9]+ ms +slow\.popscope\.test port $POP3S_PORT\$" \
	"slow name server: a resolve step names the host and port"
ms=$(step_field resolve 3)
if [ "${ms:-0}" -ge $((DELAY * 1000)) ]; then
	pass "slow name server: the resolve step took the server's delay ($ms ms)"
else
	fail "slow name server: the resolve step took the server's delay" \
		"resolve took ${ms:-?} ms, the name server waited $DELAY s" "$OUT"
fi
like "$(step_field connect 0)" "^connect +OK .* 127\.0\.0\.1 $POP3S_PORT\$" \
	"slow name server: connecting starts with the answer (127.0.0.1)"
like "$(printf '%s\n' "$OUT" | tail -n 1)" '^stat +OK' "slow name server: every step up to stat"
like "$(cat "$FAKEDNS_LOG")" '^query slow\.popscope\.test AAAA$' "IPv6 addresses are asked for too"

# --- no answer at all: --timeout ends it --------------------------------------
start=$(date +%s%N)
resolving --check --timeout 2 "pop3s://$USER@never.popscope.test:$POP3S_PORT" \
	--password-command "$PW_CMD"
elapsed=$((($(date +%s%N) - start) / 1000000))
check_sane "silent name server: no crash, no hang"
is_status 68 "silent name server: exit 68"
like "$(printf '%s\n' "$OUT" | tail -n 1)" \
	"^resolve +FAIL +cannot resolve never\.popscope\.test port $POP3S_PORT: no answer within 2 seconds\$" \
	"silent name server: resolve FAIL says the timeout ran out"
is "$ERR" "popscope: cannot resolve never.popscope.test port $POP3S_PORT: no answer within 2 seconds" \
	"silent name server: one error line"
if [ "$elapsed" -ge 2000 ] && [ "$elapsed" -lt 10000 ]; then
	pass "silent name server: --timeout 2 ended it after 2 s ($elapsed ms)"
else
	fail "silent name server: --timeout 2 ended it after 2 s" "it took $elapsed ms"
fi
resolving --list --timeout 1 "pop3s://$USER@never.popscope.test:$POP3S_PORT" \
	--password-command "$PW_CMD"
is_status 68 "silent name server, --list --timeout 1: exit 68"
like "$ERR" 'no answer within 1 second$' "silent name server, --list: one second, singular"

# --- NXDOMAIN ---------------------------------------------------------------
resolving --check "pop3s://$USER@nowhere.popscope.test" --password-command "$PW_CMD"
check_sane "unknown name: no crash"
is_status 68 "unknown name: exit 68"
like "$(printf '%s\n' "$OUT" | tail -n 1)" \
	'^resolve +FAIL +cannot resolve nowhere\.popscope\.test port 995: no such host$' \
	"unknown name: resolve FAIL, no such host"
one_error_line "unknown name: a 'popscope: ' error line"

# --- /etc/hosts and numeric addresses: no query -------------------------------
resolving --check "pop3s://$USER@hosts.popscope.test:$POP3S_PORT" \
	--fingerprint "$CERT_SHA256" --password-command "$PW_CMD"
is_status 0 "a name in /etc/hosts: --check succeeds"
is "$(queries hosts.popscope.test)" 0 "a name in /etc/hosts: no DNS query"
before=$(grep -c . "$FAKEDNS_LOG")
resolving --check "pop3s://$USER@127.0.0.1:$POP3S_PORT" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD"
is_status 0 "a numeric address: --check succeeds"
is "$(grep -c . "$FAKEDNS_LOG")" "$before" "a numeric address: no DNS query"
resolving --check "pop3s://$USER@[::1]:$POP3S_PORT" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD"
like "$(step_field resolve 0)" "^resolve +OK .* ::1 port $POP3S_PORT\$" \
	"a numeric IPv6 address: resolve OK"
is "$(grep -c . "$FAKEDNS_LOG")" "$before" "a numeric IPv6 address: no DNS query"

done_testing
