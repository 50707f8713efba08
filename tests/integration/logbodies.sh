#!/bin/bash
# logbodies.sh: --log-body-lines (20 by default, N, or all: whole bodies in
# the trace, byte for byte what was saved) and the dates of every trace line
# (ISO 8601, local time with its offset), with PASS still masked.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_dovecot

number_of()
{
	awk -F '\t' -v s="$1" '$5 ~ s { print $1; exit }' "$EXPECTED"
}
report=$(number_of '^Report with attachment')
dots=$(number_of '^Dot-stuffing')

# body_of N TRACE: the body lines the trace holds for RETR N, without their
# time and "S| " prefix. Replies come in the order of the commands, which
# may be pipelined: each status line answers the oldest command unanswered.
body_of()
{
	awk -v want="RETR $1" '
		/^[^ ]* C: / { sub(/^[^ ]* C: /, ""); sent[n++] = $0; next }
		/^[^ ]* S: / { cur = (n > answered) ? sent[answered++] : ""; next }
		/^[^ ]* S\| / { if (cur == want) { sub(/^[^ ]* S\| /, ""); print } }' "$2"
}

# saved_file N: the file named by the "saved N ..." line.
saved_file()
{
	awk -v n="$1" '$1 == "saved" && $2 == n { print $4 }' "$WORK/stdout"
}

mkdir "$WORK/all" "$WORK/default" "$WORK/three" "$WORK/none"
run_popscope --save "$report,$dots" --to "$WORK/all" --auth USER --log-body-lines all \
	--trace "$WORK/all.trace" "$POP3S_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--log-body-lines all: no crash"
is_status 0 "--log-body-lines all: exit 0"
for n in "$report" "$dots"; do
	file=$(saved_file "$n")
	if [ -f "$file" ]; then
		# The log shows a tab as its control picture, like any control.
		is "$(body_of "$n" "$WORK/all.trace")" "$(tr -d '\r' <"$file" | sed 's/\t/␉/g')" \
			"--log-body-lines all: the trace holds message $n whole, as saved"
	else
		fail "--log-body-lines all: message $n saved" "no file in: $OUT"
	fi
done
unlike "$(cat "$WORK/all.trace")" 'more lines; body' "--log-body-lines all: no summary line"

# Every line dated: 2026-11-30T19:34:56.123+00:00 (local time, its offset).
dated='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} '
is "$(grep -cvE "$dated" "$WORK/all.trace")" 0 "every trace line starts with an ISO 8601 date"
like "$(head -n 1 "$WORK/all.trace")" "^$(date +%Y-%m-%d)T" "the date is today's"
like "$(cat "$WORK/all.trace")" "${dated}C: PASS \\*{4}\$" "PASS is still masked"
is "$(grep -cF "$PASSWORD" "$WORK/all.trace")" 0 "the password is in no line"
TZ=EST5 run_popscope --list --trace "$WORK/est.trace" "$POP3S_URL" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD"
like "$(head -n 1 "$WORK/est.trace")" '^[0-9-]{10}T[0-9:.]{12}-05:00 ' \
	"the offset is the local time zone's (TZ=EST5: -05:00)"

run_popscope --save "$report" --to "$WORK/default" --trace "$WORK/default.trace" \
	"$POP3S_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
is_status 0 "default: exit 0"
is "$(body_of "$report" "$WORK/default.trace" | wc -l)" 20 "default: 20 body lines"
lines=$(tr -d '\r' <"$(saved_file "$report")" | wc -l)
like "$(cat "$WORK/default.trace")" "\\($((lines - 20)) more lines; body $lines lines, 6194 octets\\)" \
	"default: then a summary of the rest"

run_popscope --save "$report" --to "$WORK/three" --log-body-lines 3 -v \
	"$POP3S_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
is_status 0 "--log-body-lines 3 -v: exit 0"
printf '%s\n' "$ERR" >"$WORK/three.err"
is "$(body_of "$report" "$WORK/three.err" | wc -l)" 3 "--log-body-lines 3: three body lines on stderr"
like "$ERR" "$dated" "-v: dated lines too"

run_popscope --save "$report" --to "$WORK/none" --log-body-lines 0 --trace "$WORK/none.trace" \
	"$POP3S_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
is_status 0 "--log-body-lines 0: exit 0"
is "$(grep -c ' S| ' "$WORK/none.trace")" 0 "--log-body-lines 0: no body line"
like "$(cat "$WORK/none.trace")" "\\($lines more lines; body $lines lines" "--log-body-lines 0: the summary"

for bad in -1 x 1000000001 ''; do
	run_popscope --list --log-body-lines "$bad" "$POP3S_URL"
	is_status 64 "--log-body-lines '$bad': usage error (64)"
done

done_testing
