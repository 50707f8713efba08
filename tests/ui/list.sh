#!/bin/bash
# The list pane: rows, sorting, search, jumping, clean exit.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 40
plan 10
tui_start

tui_wait '^ +14 .*Generic message' 15
ok $? "the list shows rows once LIST and the headers arrived"

screen=$(tui_screen)
like "$screen" '^ popscope  alice@127\.0\.0\.1:[0-9]+  TLS verified +40 messages' \
	"title: account, server, TLS verified, message count"
row_ok=0
for n in 1 2 3 4 6 8 11; do
	subject=$(awk -F '\t' -v n="$n" '$1 == n { print substr($5, 1, 12) }' "$EXPECTED")
	if ! printf '%s\n' "$screen" | grep -F -- "$subject" |
		grep -Eq "^[ >][ DSx~!E]{4} +$n "; then
		row_ok=1
		diag "row $n does not show '$subject'"
	fi
done
ok $row_ok "rows show number and the decoded subject (UTF-8, Q, Latin-1)"
like "$screen" '^ +2 +392 B 2026-03-03 09:15 juergen@exampl.* Größenänderung' \
	"row 2: size, local date (TZ=UTC), the address (no room for the name), subject"

tui_keys Z
tui_wait 'sorted by size, reversed'
ok $? "Z sorts by size, biggest first"
first=$(tui_row 4)
like "$first" '^> +11 +4\.1 MiB .*Big attachment' "the biggest message (11) is the first row"

tui_keys o
tui_wait 'sorted by date, reversed'
ok $? "o moves on to the next sort key"

tui_keys /
tui_type 'köln'
tui_keys Enter
tui_wait '^Subject: Grüße aus Köln'
ok $? "search (/) finds a decoded subject and the preview follows"

tui_keys 1 2 Enter
tui_wait '^Message 12, '
ok $? "a typed number and Enter jump to that message"

tui_keys q
status=$(tui_wait_exit)
is "$status" 0 "q without pending deletions exits 0"

done_testing
