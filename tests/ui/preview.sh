#!/bin/bash
# The preview pane: decoded text and headers, MIME structure, raw toggle,
# saving an attachment, HTML reduced to text, the full RETR with progress.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 12
plan 14
tui_start

tui_wait 'Big attachment' 15 || bail_out "the list did not appear"
tui_wait 'C: TOP 1 200$'
ok $? "the preview uses TOP n 200, not RETR"

tui_keys j
tui_wait '^Subject: Größenänderung ✓ 日本語'
ok $? "UTF-8 message: the decoded subject"
like "$(tui_screen)" 'Grüße, ein UTF-8 Text mit Umlauten: äöü ß €\.' \
	"UTF-8 message: the body text"

tui_keys j j j
tui_wait '^The plain text part\.'
ok $? "multipart/alternative shows the text/plain part"

tui_keys j
tui_wait 'Please find the report attached\.'
screen=$(tui_screen)
like "$screen" '^  \[2\] +application/octet-stream +4\.0 KiB +"Bericht über Größe\.bin"' \
	"the MIME structure lists the attachment with its decoded RFC 2231 name"

tui_keys v
tui_wait '^Content-Transfer-Encoding: base64'
ok $? "v shows the raw source"
tui_keys v

tui_keys a
tui_wait '^Save which part'
tui_keys Enter
tui_wait '^Save the part to:'
tui_keys Enter
tui_wait '^Part 2 saved to '
ok $? "a saves the attachment"
# In a UTF-8 locale the part's name keeps its letters on disk.
part="$TUI_DIR/saves/Bericht über Größe.bin"
like "$(ls "$TUI_DIR/saves")" '^Bericht über Größe\.bin$' \
	"the attachment is saved under its Unicode name, unchanged"
"${PYTHON3:-python3}" - "$TUI_SRCDIR/fixture/make-mail.py" "$part" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location('make_mail', sys.argv[1])
mm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mm)
want = mm.pseudo_random_bytes(4096, b'attachment')
sys.exit(0 if open(sys.argv[2], 'rb').read() == want else 1)
PY
ok $? "the attachment file holds the decoded bytes"

tui_keys j
tui_wait '^Heading'
screen=$(tui_screen | cut -c 1-72)
like "$screen" 'Only HTML here & no text part\.' "text/html is reduced to text, entities decoded"
unlike "$screen" 'alert\(1\)|<p>' "no tags and no script in the HTML text"

tui_keys 1 1 Enter
tui_wait '^Message 11, 4\.1 MiB \(first 200 lines via TOP; f fetches all\)'
ok $? "a long message previews its first lines and says so"
tui_keys f
tui_wait 'Message 11 fetched whole \(4305180 octets\)' 30
ok $? "f fetches the whole message to a spool file"
tui_wait '^Message 11, 4\.1 MiB \(whole message\)'
ok $? "the preview then shows the whole message"

tui_keys q
tui_wait_exit >/dev/null
done_testing
