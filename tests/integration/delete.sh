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
uidl_of() { awk -v n="$1" '$1 == n { print $2 }' "$WORK/uidl-before"; }
is "$(grep -E '^deleted ' "$WORK/stdout" | sort)" \
	"$(printf 'deleted 2 %s\ndeleted 5 %s' "$(uidl_of 2)" "$(uidl_of 5)")" \
	"--delete 2,5: prints 'deleted 2 UIDL' and 'deleted 5 UIDL'"
is "$(awk '$1 == "saved" { print $2, $3 }' "$WORK/stdout" | sort)" \
	"$(printf '2 %s\n5 %s' "$(uidl_of 2)" "$(uidl_of 5)")" "the 'saved' lines name the UIDL"
for n in 2 5; do
	path=$(awk -v n="$n" '$1 == "saved" && $2 == n { print $4 }' "$WORK/stdout")
	[ -n "$path" ] && cmp -s "$path" "$WORK/retr-$n"
	ok $? "message $n: saved, identical to poplib's RETR"
done

probe uidl >"$WORK/uidl-after" || bail_out "poplib UIDL failed"
is "$(probe stat | cut -d ' ' -f 1)" "$((count - 2))" "two messages fewer"

# Durability in a batch: every file is fsynced (together, after the last
# save; its write-back began as it was saved), the directory once after
# them, and only then is DELE sent.
if command -v strace >/dev/null; then
	mkdir "$WORK/out-sync"
	strace -f -qq -y -e trace=fsync,fdatasync,sync_file_range,write -o "$WORK/strace.log" \
		env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		"$POPSCOPE" --delete 1-3 --to "$WORK/out-sync" "$POP3S_URL" \
		--ca-file "$CA_FILE" --password-command "$PW_CMD" >"$WORK/stdout" 2>"$WORK/stderr"
	ok $? "--delete 1-3 under strace: exit 0"
	is "$(grep -c '^deleted ' "$WORK/stdout")" 3 "--delete 1-3 under strace: three deleted"
	# A file's descriptor shows the temporary name it was created under,
	# "(deleted)" since the file was linked to its final name.
	is "$(grep -cE "fsync\\([0-9]+<$WORK/out-sync/[^>]+>(\\(deleted\\))?\\)" "$WORK/strace.log")" 3 \
		"--delete 1-3: each of the three files fsynced"
	is "$(grep -cE "sync_file_range\\([0-9]+<$WORK/out-sync/[^>]+>(\\(deleted\\))?, 0, 0, SYNC_FILE_RANGE_WRITE\\)" \
		"$WORK/strace.log")" 3 "--delete 1-3: each file's write-back started as it was saved"
	order=$(awk -v dir="<$WORK/out-sync/" 'index($0, dir) && /sync_file_range\(/ { last = NR }
		index($0, dir) && / fsync\(/ && !first { first = NR }
		END { print (first > last) ? "together" : "one by one" }' "$WORK/strace.log")
	is "$order" together "--delete 1-3: the files are fsynced after the last save, together"
	is "$(grep -cE "fsync\\([0-9]+<$WORK/out-sync>\\)" "$WORK/strace.log")" 1 \
		"--delete 1-3: the directory fsynced once"
	# After the directory's fsync: no more file syncs, and the socket writes
	# (DELE 1, 2, 3 and QUIT) still to come.
	after=$(awk -v dir="<$WORK/out-sync>)" 'index($0, dir) { seen = 1; next }
		seen && /fsync\(/ { f++ } seen && /write\([0-9]+<socket:/ { w++ }
		END { printf "%d %d", f, w }' "$WORK/strace.log")
	like "$after" '^0 [1-9]' "--delete 1-3: DELE goes out after the directory sync, no file sync after it"
else
	skip "strace is not installed (tests/install-deps.sh installs it)" 7
fi
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
is_status 64 "--delete to an unwritable place: refused before connecting (64)"
is "$(probe stat)" "$stat_before" "--delete to an unwritable place: nothing deleted"

# By UIDL, after the mailbox changed: --list, then another client deletes
# a message before ours, so the numbers shift; --delete uidl: still removes
# the message the helpdesk picked, and no other.
run_popscope --list "$POP3S_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
target=$(awk -F '\t' '$1 == 4 { print $3 }' "$WORK/stdout")
[ -n "$target" ] || bail_out "--list gave no UIDL for message 4"
probe dele 1 || bail_out "poplib DELE 1 failed"
probe uidl >"$WORK/uidl-shifted" || bail_out "poplib UIDL failed"
now=$(awk -v u="$target" '$2 == u { print $1 }' "$WORK/uidl-shifted")
is "$now" 3 "after another client's deletion the picked message is number 3"
mkdir "$WORK/out3"
run_popscope --delete "uidl:$target" --to "$WORK/out3" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--delete uidl:ID: no crash"
is_status 0 "--delete uidl:ID: exit 0"
like "$OUT" "^saved 3 $target " "--delete uidl:ID: saved as number 3, the UIDL named"
like "$OUT" "^deleted 3 $target\$" "--delete uidl:ID: 'deleted 3 UIDL'"
probe uidl >"$WORK/uidl-end" || bail_out "poplib UIDL failed"
is "$(cut -d ' ' -f 2 "$WORK/uidl-end" | tr '\n' ' ')" \
	"$(awk -v u="$target" '$2 != u { print $2 }' "$WORK/uidl-shifted" | tr '\n' ' ')" \
	"--delete uidl:ID: exactly that UIDL is gone"

stat_before=$(probe stat)
run_popscope --delete uidl:no-such-uidl --delete 1 --to "$WORK/out3" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
is_status 65 "--delete of an unknown UIDL: exit 65"
like "$ERR" '^popscope: no message has the UIDL no-such-uidl' "--delete unknown UIDL: says so"
unlike "$OUT" '^(saved|deleted) ' "--delete unknown UIDL: nothing saved or deleted, not even 1"
is "$(probe stat)" "$stat_before" "--delete unknown UIDL: nothing deleted"

run_popscope --delete uidl:bad\ uidl --to "$WORK/out3" "$POP3S_URL"
is_status 64 "--delete uidl: with a space: usage error"

done_testing
