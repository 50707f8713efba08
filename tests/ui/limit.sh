#!/bin/bash
# The limit (l) and the mailbox summary (M): the list narrowed by sender,
# size, date and flags, shown/total in the title, a bad pattern refused,
# search, jump, save and delete on the narrowed list, and a summary bar
# applied as a limit; at 120x40, 80x24 and 40x12.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 40
plan 36

# shown_numbers: the message numbers of the list rows on screen, one a line.
shown_numbers()
{
	tui_screen | grep -E '^[ >].{6} +[0-9]+ +[0-9.]+ ([KMG]i)?B ' |
		sed -E 's/^[ >].{6} +([0-9]+) .*/\1/'
}

# expect: the numbers of $EXPECTED's messages an awk condition selects.
expect()
{
	awk -F '\t' "$1 { print \$1 }" "$EXPECTED"
}

# limit PATTERN: l, the pattern, Enter.
limit()
{
	tui_keys l
	tui_wait '^Limit \(empty: all\):' || return 1
	[ -z "$1" ] || tui_type "$1"
	tui_keys Enter
}

tui_start
tui_wait '^ +14 .*Generic message' 15 || bail_out "the list did not appear"

carol=$(expect 'tolower($4) ~ /carol/')
limit '~f carol'
tui_wait "^ popscope .* $(echo "$carol" | grep -c .)/40 messages, "
ok $? "~f: the title shows shown/total ($(echo "$carol" | grep -c .)/40)"
like "$(tui_row 2)" '^ Messages 4/40, limit ~f carol \(sorted by number\)' \
	"the list header names the limit"
is "$(shown_numbers)" "$carol" "~f carol: exactly Carol's messages on screen"

limit '~z >2M'
tui_wait "1/40 messages, 4\.1 MiB/4\.2 MiB"
ok $? "~z >2M: one message, its size of the total"
is "$(shown_numbers)" "$(expect '$2 > 2 * 1048576')" "~z >2M: the big message only"

january=$(expect '$3 >= "2026-01-01" && $3 < "2026-01-06"')
limit '~d 2026-01-01..2026-01-05'
tui_wait "$(echo "$january" | grep -c .)/40 messages"
ok $? "~d FROM..TO: the count of messages in those days"
is "$(shown_numbers)" "$january" "~d 2026-01-01..2026-01-05: those days' messages, ends included"

limit '~d 2026-01 ~z >5Q'
tui_wait 'Limit unchanged: "~z >5Q": not a size'
ok $? "a bad term: the message names it and says why"
like "$(tui_screen)" "$(echo "$january" | grep -c .)/40 messages" "a bad pattern leaves the limit as it was"
is "$(shown_numbers)" "$january" "... and the rows"
limit '~x y'
tui_wait 'Limit unchanged: "~x": no such term \(~f ~s ~z ~d ~F ~P\)'
ok $? "an unknown term: the terms there are"

# Search and jump see the narrowed list only.
tui_keys /
tui_type 'Plain ASCII'
tui_keys Enter
tui_wait 'Not found among the messages the limit shows: Plain ASCII'
ok $? "/ searches the narrowed list only"
tui_keys 1 Enter
tui_wait 'Message 1 is hidden by the limit'
ok $? "a typed number of a hidden message says so"
tui_keys G
last=$(echo "$january" | tail -n 1)
tui_wait "^Message $last, "
ok $? "G goes to the last row of the narrowed list (message $last)"

limit ''
tui_wait 'No limit: all 40 messages shown'
ok $? "l with an empty pattern shows all"
like "$(tui_row 1)" ' 40 messages, 4\.2 MiB' "the title shows the whole mailbox again"
like "$(tui_row 2)" '^ Messages \(sorted by number\)' "the header names no limit"

# Save and delete on the narrowed list; the limit follows the flags.
limit '~f carol !~F saved'
tui_wait '4/40 messages'
first=$(echo "$carol" | head -n 1)
second=$(echo "$carol" | sed -n 2p)
tui_wait "^Message $first, "
tui_keys s
tui_wait "^Save message $first to"
ok $? "s on the first row of the narrowed list saves message $first"
tui_keys Enter
tui_wait '3/40 messages'
ok $? "once saved, it leaves a list limited to unsaved messages"
tui_wait "^Message $second, "
ok $? "the selection moves to the next row ($second)"
limit '~F saved'
tui_wait '1/40 messages'
is "$(shown_numbers)" "$first" "~F saved: the saved message"
tui_keys d
tui_wait "Delete message $first from the server at quit"
ok $? "d on the narrowed list asks about that message"
tui_keys y
tui_wait "Message $first marked for deletion"
limit '~F pending'
tui_wait '1/40 messages'
like "$(tui_screen)" "^>DS  +$first " "~F pending: the row, flagged D (and S)"

# The summary: by sender, by month, Enter applies a bar.
limit ''
tui_keys M
tui_wait '^ Mailbox by sender: 40 messages, 4\.2 MiB'
ok $? "M shows the summary by sender"
like "$(tui_row 3)" '^>big@example\.org +#+ +4\.1 MiB +1$' \
	"the largest sender first, a bar, its size and count"
tui_keys Tab
tui_wait '^ Mailbox by month: 40 messages'
march=$(expect '$3 ~ /^2026-03/' | grep -c .)
like "$(tui_row 3)" "^>2026-03 +#+ +4\.1 MiB +$march\$" "Tab: by month, the largest month first"
tui_keys Enter
tui_wait "^ Messages $march/40, limit ~d 2026-03 "
ok $? "Enter applies the month as a limit and returns to the list"
is "$(shown_numbers)" "$(expect '$3 ~ /^2026-03/' | head -n 15)" "the rows of March"
tui_keys M
tui_wait '^ Mailbox by sender'
tui_keys Escape
tui_wait "^ Messages $march/40, limit ~d 2026-03 "
ok $? "Esc closes the summary and keeps the limit"

tui_keys '?'
tui_wait 'popscope help'
for i in 1 2 3 4 5 6; do tui_keys Space; done
tui_wait 'Limit patterns \(l\)'
like "$(tui_screen)" '~z SIZE +size: >5M, <100k, 1M-5M' "? lists the limit's pattern language"
tui_keys Escape

tui_keys q
tui_wait 'will be DELETED from the server at quit'
tui_keys c
is "$(tui_wait_exit)" 0 "commit and quit exits 0"
list=$(tui_list)
is "$(printf '%s\n' "$list" | grep -c .)" 39 "a second session sees one message fewer"
unlike "$list" "Generic message $first\$" "the message deleted from the narrowed list is gone"

# Small screens: the count and the limit stay readable.
TUI_COLS=40 TUI_ROWS=12 tui_start
tui_wait 'Plain ASC' 15
limit '~z >2M'
tui_wait '^ Messages 1/39, limit ~z >2M'
ok $? "40x12: the list header shows shown/total and the limit"
tui_keys M
tui_wait '^ Mailbox by sender: 39 messages'
like "$(tui_row 3)" '^>big@example\.org +#+ +4\.1 MiB +1$' "40x12: a summary bar fits"
tui_keys q q
tui_wait_exit >/dev/null

TUI_COLS=80 TUI_ROWS=24 tui_start
tui_wait 'Plain ASCII' 15
limit '~s generic ~z <2k'
small=$(expect "\$5 ~ /Generic/ && \$2 < 2048 && \$1 != $first" | grep -c .)
tui_wait "$small/39 messages"
ok $? "80x24: ~s and ~z together ($small/39)"
tui_keys q
tui_wait_exit >/dev/null

done_testing
