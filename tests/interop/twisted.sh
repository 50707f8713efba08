#!/bin/bash
# twisted.sh: popscope against Twisted 22.4's POP3 server over Maildir
# (tests/fixture/servers/twisted.sh): plain POP3 without STLS, POP3S, USER,
# APOP, CRAM-MD5. Twisted's LIST counts a stored LF line end as one octet
# (RFC 1939: two), so saves need --accept-line-end-count.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/interop.sh"

interop_start twisted

# Without the option the save is refused, and the refusal says why.
begin twisted:line-ends
mkdir -p "$WORK/refused"
run_popscope --save "$(number_of plain)" --to "$WORK/refused" "${RUN[@]}" "$URL"
sane "--save without --accept-line-end-count: no crash"
is_status 65 "--save without --accept-line-end-count: refused (exit 65)"
like "$ERR" 'counts a line end as one octet.*--accept-line-end-count' \
	"--save without --accept-line-end-count: says the server counts a line end as one octet"
is "$(ls "$WORK/refused" | wc -l | tr -d ' ')" 0 "--save without --accept-line-end-count: no file"

interop_save_args --accept-line-end-count
interop_checks

# The full-screen view: the message without final line end (LIST + one octet
# a line + 1) asks a second time; y saves what RETR sent, and it counts.
begin twisted:view-line-ends
if command -v "${TMUX_BIN:-tmux}" >/dev/null 2>&1; then
	listed=$(awk -v n="$(number_of no-final-eol)" '$1 == n { print $2 }' "$PROBE/list")
	received=$(wc -c <"$PROBE/retr-no-final-eol.eml" | tr -d ' ')
	tui_start "${UI_ARGS[@]}"
	tui_wait '^[ >] +[0-9]+ .*No final line end' 20
	tui_keys /
	tui_type 'No final line end'
	tui_keys Enter
	tui_wait '^> +[0-9]+ .*No final line end'
	tui_keys s
	tui_wait '^Save message [0-9]+ to'
	tui_keys Enter
	tui_wait "Keep message [0-9]+ as it arrived\? Its size is not LIST's" 20
	ok $? "view: the message without final line end asks a second time"
	screen=$(tui_screen)
	like "$screen" "LIST size: $listed octets" "view: the dialog shows LIST's $listed octets"
	like "$screen" "Received: $received octets in [0-9]+ lines" \
		"view: the dialog shows the $received octets that arrived"
	like "$screen" 'ended the last of its [0-9]+ lines' "view: the dialog explains the open last line"
	tui_keys y
	tui_wait '^>? *S +[0-9]+ .*No final line end' 20
	ok $? "view: y saves it"
	tui_keys q
	is "$(tui_wait_exit 10)" 0 "view: q quits with exit status 0"
	saved=$(ls "$TUI_DIR/saves" | grep -i 'no_final_line_end\|no-final-line-end' | head -n 1)
	cmp -s "$TUI_DIR/saves/$saved" "$PROBE/retr-no-final-eol.eml"
	ok $? "view: the file ($saved) is byte for byte what RETR sends"
else
	skip "tmux not installed" 7
fi
done_testing
