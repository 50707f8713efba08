#!/bin/bash
# oauth.sh: XOAUTH2 and OAUTHBEARER end to end against the scripted server
# (Dovecot needs an OAuth2 introspection service to offer them).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

TOKEN_CMD="printf %s hostile-token"

for mech in XOAUTH2 OAUTHBEARER; do
	start_hostile oauth_accept
	run_popscope --check --plaintext --auth "$mech" --oauth-token-command "$TOKEN_CMD" \
		--trace "$WORK/trace-$mech" "pop3://alice@127.0.0.1:$HOSTILE_PORT"
	stop_hostile
	check_sane "$mech: no crash"
	is_status 0 "$mech: a correct token logs in"
	like "$OUT" "login +OK .*alice with $mech" "$mech: the login line names the mechanism"
	unlike "$(cat "$WORK/trace-$mech")" "hostile-token" "$mech: the token is not in the trace"
	like "$(cat "$WORK/trace-$mech")" "C: AUTH $mech \\*\\*\\*\\*" \
		"$mech: the trace shows the AUTH line masked"
	b64=$(printf 'user=alice\001auth=Bearer hostile-token\001\001' | base64 -w0)
	unlike "$(cat "$WORK/trace-$mech")" "$b64" "$mech: the encoded token is not in the trace"
done

start_hostile oauth_accept
run_popscope --check --plaintext --oauth-token-command "$TOKEN_CMD" \
	"pop3://alice@127.0.0.1:$HOSTILE_PORT"
stop_hostile
is_status 0 "automatic choice with a token logs in"
like "$OUT" "login +OK .*alice with OAUTHBEARER" "automatic choice prefers OAUTHBEARER"

for mech in XOAUTH2 OAUTHBEARER; do
	start_hostile oauth_refuse
	run_popscope --check --plaintext --auth "$mech" --oauth-token-command "$TOKEN_CMD" \
		"pop3://alice@127.0.0.1:$HOSTILE_PORT"
	stop_hostile
	check_sane "$mech refused: no crash"
	is_status 77 "$mech refused: exit 77"
	like "$ERR" "invalid token" "$mech refused: the server's reason is shown"
	case $mech in
	OAUTHBEARER) want="b'AQ==" ;;
	XOAUTH2) want="b'\\\\r\\\\n'" ;;
	esac
	like "$(cat "$HOSTILE_LOG")" "^$want" "$mech refused: the client answered the error continuation"
done

start_hostile oauth_accept
run_popscope --check --auth XOAUTH2 --oauth-token-command "$TOKEN_CMD" \
	"pop3://alice@127.0.0.1:$HOSTILE_PORT"
stop_hostile
is_status 76 "without --plaintext, a server without STLS is refused before the token is sent"
unlike "$(cat "$HOSTILE_LOG")" "AUTH" "no AUTH line was sent without TLS"

done_testing
