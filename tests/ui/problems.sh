#!/bin/bash
# Sender addresses and problem messages in the full-screen view: name and
# address in the list, / by address, ! sorting, the problems line of the
# preview, the marks a preview (mime-broken) and a save (size-mismatch)
# add. The mailbox: make-mail.py --problems, one message of each kind.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

export MAIL_OPTIONS=--problems
tui_setup 22
plan 16
tui_start --big 4M

tui_wait 'Generic message 22' 15 || bail_out "the list did not appear"
like "$(tui_screen)" '^ +2 +392 B 2026-03-03 09:15 juergen@exampl Größenänderung' \
	"a narrow From column shows the address alone"
tui_keys L
tui_wait '^ +2 +392 B 2026-03-03 09:15 Jürgen Müller <juergen@example\.org> +Größenänderung'
ok $? "a wide one shows the name and the address"
like "$(tui_screen)" '^ +!1 +7 +362 B +html-only@example\.org +HTML only' \
	"the problem column: ! and the count (no Date)"

tui_keys /
tui_type 'big@example.org'
tui_keys Enter
tui_wait '^Subject: Big attachment'
ok $? "/ finds a message by its sender's address"
tui_wait '^Problems: big \(larger than the --big threshold\)'
ok $? "the preview names the problem: big past --big 4M"

tui_keys '!'
tui_wait 'sorted by problems\)'
ok $? "! sorts by problems"
like "$(tui_row 4)" '^> +!1 +11 +4\.1 MiB .*Big attachment' "the big message comes first"
like "$(tui_row 5)" '^ +!1 +19 +' "then the one whose TOP the server refused"
like "$(tui_row 6)" '^ +!1 +17 +72 KiB .*header block over 64' "then the huge header block"
tui_keys j
tui_wait '^Problems: top-refused \(the server refused TOP for it\)'
ok $? "the preview of a refused message names the problem"

tui_keys 1 8 Enter
tui_wait '^Problems: mime-broken \(GMime reports a broken MIME structure: a multipart without a boundary\)'
ok $? "a preview GMime finds broken names the problem and what is broken"
tui_wait '^> +!1 +18 '
ok $? "and its row is marked"

tui_keys 2 0 Enter
tui_wait '^Message 20, '
tui_keys s
tui_wait '^Save message 20 to'
tui_keys Enter
tui_wait '^>.{4}!1 +20 '
ok $? "a save whose RETR size differs from LIST marks the row"
tui_wait '^Problems: size-mismatch \(RETR delivered another size than LIST\)'
ok $? "and the preview names it"

tui_keys o
tui_wait 'sorted by number\)'
ok $? "o goes on from problems to number: problems is in the cycle"

tui_keys q
status=$(tui_wait_exit)
is "$status" 0 "q exits 0"

done_testing
