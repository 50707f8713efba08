#!/bin/bash
# delete.sh: popscope --delete saves, deletes exactly what it saved, and nothing else.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_dovecot

count=$(wc -l <"$EXPECTED" | tr -d ' ')
probe uidl >"$WORK/uidl-before" || bail_out "poplib UIDL failed"
for n in 2 5; do
	probe retr "$n" "$WORK/retr-$n" || bail_out "poplib RETR $n failed"
done

mkdir "$WORK/out"
run_popscope --delete 2,5 --to "$WORK/out" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--delete 2,5: no crash"
is_status 0 "--delete 2,5: exit 0"
is "$(grep -E '^deleted ' "$WORK/stdout" | sort)" "$(printf 'deleted 2\ndeleted 5')" \
	"--delete 2,5: prints 'deleted 2' and 'deleted 5'"
for n in 2 5; do
	path=$(awk -v n="$n" '$1 == "saved" && $2 == n { print $3 }' "$WORK/stdout")
	[ -n "$path" ] && cmp -s "$path" "$WORK/retr-$n"
	ok $? "message $n: saved, identical to poplib's RETR"
done

probe uidl >"$WORK/uidl-after" || bail_out "poplib UIDL failed"
is "$(probe stat | cut -d ' ' -f 1)" "$((count - 2))" "two messages fewer"
is "$(cut -d ' ' -f 2 "$WORK/uidl-after" | tr '\n' ' ')" \
	"$(awk '$1 != 2 && $1 != 5 { print $2 }' "$WORK/uidl-before" | tr '\n' ' ')" \
	"exactly the UIDLs of 2 and 5 are gone"

stat_before=$(probe stat)
mkdir "$WORK/out2"
run_popscope --delete 999 --to "$WORK/out2" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--delete 999: no crash"
is_status 65 "--delete of a message that does not exist: exit 65"
unlike "$OUT" '^deleted ' "--delete 999: no 'deleted' line"
one_error_line "--delete 999: a 'popscope: ' error line"
is "$(probe stat)" "$stat_before" "--delete 999: nothing deleted"
is "$(ls -A "$WORK/out2")" "" "--delete 999: no file left behind"

# The destination cannot be written: nothing may be deleted.
mkdir -m 500 "$WORK/read-only"
if [ "$(id -u)" -eq 0 ]; then
	# root writes anyway: make the destination a regular file instead.
	rmdir "$WORK/read-only"
	: >"$WORK/read-only"
fi
run_popscope --delete 1 --to "$WORK/read-only" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--delete to an unwritable place: no crash"
is_status 74 "--delete to an unwritable place: exit 74"
is "$(probe stat)" "$stat_before" "--delete to an unwritable place: nothing deleted"

done_testing
