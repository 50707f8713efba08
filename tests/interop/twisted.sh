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
done_testing
