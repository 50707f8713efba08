#!/bin/bash
# sizes.sh: a size that differs from LIST's, judged: one CRLF more at the
# end is a complete copy (saved, with a note); one octet more a line is a
# server counting line ends as one octet (saved only with
# --accept-line-end-count), also when the server ended a last line its copy
# left open (Twisted: one octet more a line, plus one); anything else is
# never saved.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

hostile_save()
{
	local name=$1
	shift
	start_hostile "$name"
	rm -rf "$WORK/to" && mkdir "$WORK/to"
	run_popscope --save 1 --to "$WORK/to" --plaintext --password-command "printf %s pw" \
		"$@" "pop3://alice@127.0.0.1:$HOSTILE_PORT"
	stop_hostile
}

hostile_save size_line_ends_as_one --accept-line-end-count
check_sane "line ends counted as one octet, accepted: no crash"
is_status 0 "--accept-line-end-count: exit 0"
like "$OUT" '^saved 1 uidl-one .* 187$' "--accept-line-end-count: saved with every octet"
like "$ERR" '^popscope: note: message 1: LIST said 1[0-9]{2} octets and 187 arrived, [0-9]+ more, one for each of its [0-9]+ lines' \
	"--accept-line-end-count: a note says why the size differs"
saved=$(ls "$WORK/to")
is "$(wc -c <"$WORK/to/$saved" | tr -d ' ')" 187 "--accept-line-end-count: the file holds all 187 octets"

hostile_save size_line_ends_as_one
is_status 65 "without --accept-line-end-count: exit 65"
is "$(ls -A "$WORK/to")" "" "without --accept-line-end-count: nothing saved"

# The message as the scripted server holds it, CRLF line ends.
message_one()
{
	"${PYTHON3:-python3}" -c 'import sys; sys.path.insert(0, sys.argv[1]); import hostile_server
sys.stdout.buffer.write(hostile_server.MESSAGES[0][:int(sys.argv[2])])' \
		"$TESTS_SRCDIR/fixture" "$1"
}

hostile_save size_line_ends_open_last_line --accept-line-end-count
check_sane "line ends as one octet and an open last line, accepted: no crash"
is_status 0 "open last line, --accept-line-end-count: exit 0"
like "$OUT" '^saved 1 uidl-one .* 187$' "open last line, --accept-line-end-count: saved with every octet"
like "$ERR" '^popscope: note: message 1: LIST said 178 octets and 187 arrived, 9 more: the server counts a line end as one octet \(one more for each of the 7 line ends it stored\) and ended the last of its 8 lines, which its copy left open \(2 more\)$' \
	"open last line, --accept-line-end-count: the note explains both"
saved=$(ls "$WORK/to")
message_one 185 >"$WORK/expected"
printf '\r\n' >>"$WORK/expected"
cmp -s "$WORK/expected" "$WORK/to/$saved"
ok $? "open last line, --accept-line-end-count: the file holds the message as it arrived"

hostile_save size_line_ends_open_last_line
is_status 65 "open last line, without --accept-line-end-count: exit 65"
is "$(ls -A "$WORK/to")" "" "open last line, without --accept-line-end-count: nothing saved"

hostile_save size_other_amount --accept-line-end-count
is_status 65 "3 octets more: never accepted, even with --accept-line-end-count"
like "$ERR" 'LIST said 184 octets but 187 arrived: possibly another message' \
	"3 octets more: says it may be another message"
is "$(ls -A "$WORK/to")" "" "3 octets more: nothing saved"

hostile_save retr_short --accept-line-end-count
is_status 65 "another size entirely: never accepted, even with --accept-line-end-count"
like "$ERR" 'LIST said 5000 octets but [0-9]+ arrived: possibly another message' \
	"another size entirely: says it may be another message"

run_popscope --list --accept-line-end-count "pop3://alice@127.0.0.1:1"
is_status 64 "--accept-line-end-count without --save or --delete: usage error"

done_testing
