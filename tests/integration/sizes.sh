#!/bin/bash
# sizes.sh: a size that differs from LIST's, judged: one CRLF more at the
# end is a complete copy (saved, with a note); one octet more a line is a
# server counting line ends as one octet (saved only with
# --accept-line-end-count); anything else is never saved.
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

hostile_save retr_short --accept-line-end-count
is_status 65 "another size entirely: never accepted, even with --accept-line-end-count"
like "$ERR" 'LIST said 5000 octets but [0-9]+ arrived: possibly another message' \
	"another size entirely: says it may be another message"

run_popscope --list --accept-line-end-count "pop3://alice@127.0.0.1:1"
is_status 64 "--accept-line-end-count without --save or --delete: usage error"

done_testing
