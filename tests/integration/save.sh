#!/bin/bash
# save.sh: popscope --save: exact bytes, 0600, no overwrite, no symlink following.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_dovecot

number_of()
{
	awk -F '\t' -v s="$1" '$5 ~ s { print $1; exit }' "$EXPECTED"
}
plain=$(number_of '^Plain ASCII')
dots=$(number_of '^Dot-stuffing')
escapes=$(number_of 'pwned')
big=$(number_of '^Big attachment')
stat_before=$(probe stat)
probe uidl >"$WORK/uidl" || bail_out "poplib UIDL failed"

mode_of()
{
	stat -c %a "$1"
}

# saved_path N: the path in the "saved N UIDL PATH OCTETS" line of $WORK/stdout.
saved_path()
{
	awk -v n="$1" '$1 == "saved" && $2 == n { $1 = ""; $2 = ""; $3 = ""; $NF = "";
		sub(/^   /, ""); sub(/ $/, ""); print }' "$WORK/stdout"
}

mkdir "$WORK/out"
run_popscope --save "$plain,$dots,$escapes,$big" --to "$WORK/out" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD" --trace "$WORK/save1.trace"
check_sane "--save: no crash"
is_status 0 "--save: exit 0"
is "$(grep -c '^saved ' "$WORK/stdout")" 4 "--save: four 'saved' lines"
cp "$WORK/stdout" "$WORK/save1.out"
# The file name's date and subject come from the RETR stream itself: no TOP.
commands=$(sed -n 's/^[^ ]* C: //p' "$WORK/save1.trace" | tr '\n' ' ')
unlike "$commands" '(^| )TOP ' "--save: the trace shows no TOP"
like "$commands" "STAT UIDL LIST RETR $plain RETR $dots RETR $escapes RETR $big QUIT" \
	"--save: UIDL, LIST, then one RETR a message"
like "$(saved_path "$plain")" '/2026-03-02_Plain_ASCII_message_[0-9a-f]+\.eml$' \
	"--save: the file is named by the date and subject RETR brought"

for n in $plain $dots $escapes $big; do
	path=$(saved_path "$n")
	size=$(expected_field "$n" 2)
	uidl=$(awk -v n="$n" '$1 == n { print $2 }' "$WORK/uidl")
	if [ -z "$path" ] || [ ! -f "$path" ]; then
		fail "message $n: saved file exists" "path: '$path'" "stdout: $OUT"
		skip "no file for message $n" 6
		continue
	fi
	pass "message $n: saved file exists"
	is "$(awk -v n="$n" '$1 == "saved" && $2 == n { print $NF }' "$WORK/stdout")" "$size" \
		"message $n: 'saved' line gives the POP3 size"
	is "$(mode_of "$path")" 600 "message $n: mode 0600"
	probe retr "$n" "$WORK/retr-$n" || bail_out "poplib RETR $n failed"
	if cmp -s "$path" "$WORK/retr-$n"; then
		pass "message $n: identical to poplib's RETR"
	else
		fail "message $n: identical to poplib's RETR" \
			"$(cmp "$path" "$WORK/retr-$n" 2>&1)" \
			"sizes: $(stat -c %s "$path") vs $(stat -c %s "$WORK/retr-$n")"
	fi
	crlf "$(maildir_file "$n")" >"$WORK/maildir-$n"
	cmp -s "$path" "$WORK/maildir-$n"
	ok $? "message $n: identical to the Maildir file with CRLF line ends"
	like "$(basename "$path")" "_$uidl\\.eml\$" "message $n: file name ends in _UIDL.eml"
	like "$(basename "$path")" '^[A-Za-z0-9._+-]+$' "message $n: file name is sanitized"
done
date_plain=$(expected_field "$plain" 3)
like "$(basename "$(saved_path "$plain")")" "^${date_plain%%T*}_" \
	"file name starts with the message's date"

# A second save of the same message gets a new name and leaves the first alone.
first=$(saved_path "$plain")
if [ -z "$first" ] || [ ! -f "$first" ]; then
	bail_out "no saved file to test overwriting and symlinks with"
fi
cp "$first" "$WORK/first.copy"
run_popscope --save "$plain" --to "$WORK/out" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
is_status 0 "second --save: exit 0"
second=$(saved_path "$plain")
isnt "$second" "$first" "second --save: another file name"
like "$second" '-1\.eml$' "second --save: suffix -1"
cmp -s "$first" "$WORK/first.copy"
ok $? "second --save: first file unchanged"
cmp -s "$second" "$WORK/first.copy"
ok $? "second --save: same content"

# The target name is a symlink (to an existing file, to a missing one).
target=$(basename "$first")
for kind in existing dangling; do
	mkdir "$WORK/sym-$kind"
	victim=$WORK/victim-$kind
	[ $kind = existing ] && echo "do not touch" >"$victim"
	ln -s "$victim" "$WORK/sym-$kind/$target"
	run_popscope --save "$plain" --to "$WORK/sym-$kind" "$POP3S_URL" \
		--ca-file "$CA_FILE" --password-command "$PW_CMD"
	check_sane "symlink ($kind): no crash"
	if [ $kind = existing ]; then
		is "$(cat "$victim")" "do not touch" "symlink ($kind): its target is unchanged"
	else
		[ ! -e "$victim" ]
		ok $? "symlink ($kind): no file created through it"
	fi
	[ -L "$WORK/sym-$kind/$target" ]
	ok $? "symlink ($kind): still a symlink"
	saved=$(saved_path "$plain")
	if [ "$STATUS" = 0 ]; then
		[ -f "$saved" ] && [ ! -L "$saved" ] && cmp -s "$saved" "$WORK/first.copy"
		ok $? "symlink ($kind): saved to another regular file"
	else
		like "$ERR" '^popscope: ' "symlink ($kind): refused with an error"
	fi
done

# Local errors.
: >"$WORK/not-a-dir"
run_popscope --save "$plain" --to "$WORK/not-a-dir" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--to a regular file: no crash"
is_status 64 "--to a regular file: exit 64, before connecting"
one_error_line "--to a regular file: a 'popscope: ' error line"

mkdir "$WORK/out-missing"
run_popscope --save 999 --to "$WORK/out-missing" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--save 999: no crash"
is_status 65 "--save of a message that does not exist: exit 65"
is "$(ls -A "$WORK/out-missing")" "" "--save 999: no file left behind"

# Ranges and all: every message once, in the order named.
count=$(probe stat | cut -d' ' -f1)
mkdir "$WORK/out-all"
run_popscope --save "2-3,1,all,3" --to "$WORK/out-all" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--save 2-3,1,all,3: no crash"
is_status 0 "--save 2-3,1,all,3: exit 0"
is "$(awk '$1 == "saved" { printf "%s ", $2 }' "$WORK/stdout")" \
	"2 3 1 $(seq -s ' ' 4 "$count") " "--save 2-3,1,all,3: each message once, in the order named"
is "$(find "$WORK/out-all" -type f | wc -l)" "$count" "--save all: one file a message"

mkdir "$WORK/out-range"
run_popscope --save "1-$((count + 1))" --to "$WORK/out-range" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
is_status 65 "--save of a range past the last message: exit 65"
like "$ERR" "there is no message $((count + 1)) \\(in 1-$((count + 1))\\)" \
	"--save of a range past the last message: names the missing number and the range"
is "$(ls -A "$WORK/out-range")" "" "--save of a range past the last message: nothing saved"

for bad in 0 3-2 1- -4 1-2-3 al,1 "1,,2"; do
	run_popscope --save "$bad" --to "$WORK/out-range" "$POP3S_URL"
	is_status 64 "--save '$bad': a usage error"
	like "$ERR" "invalid message list" "--save '$bad': says the list is invalid"
done

# File names on disk: in a UTF-8 locale the subject keeps its letters of
# any script (the symbol and the spaces around it become one '_'); in the C
# locale only ASCII letters and digits stay.
utf8=$(number_of '^Größenänderung')
uidl_utf8=$(awk -v n="$utf8" '$1 == n { print $2 }' "$WORK/uidl")
day=$(expected_field "$utf8" 3)
mkdir "$WORK/out-utf8" "$WORK/out-c"
run_popscope --save "$utf8" --to "$WORK/out-utf8" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
is_status 0 "--save in a UTF-8 locale: exit 0"
is "$(ls -A "$WORK/out-utf8")" "${day%%T*}_Größenänderung_日本語_$uidl_utf8.eml" \
	"UTF-8 locale: the name on disk keeps the subject's letters of any script"
is "$(saved_path "$utf8")" "$WORK/out-utf8/${day%%T*}_Größenänderung_日本語_$uidl_utf8.eml" \
	"UTF-8 locale: the 'saved' line names that file"
LC_ALL=C run_popscope --save "$utf8" --to "$WORK/out-c" "$POP3S_URL" \
	--ca-file "$CA_FILE" --password-command "$PW_CMD"
is_status 0 "--save in the C locale: exit 0"
is "$(ls -A "$WORK/out-c")" "${day%%T*}_Gr_en_nderung__$uidl_utf8.eml" \
	"C locale: the name on disk is ASCII"

is "$(probe stat)" "$stat_before" "--save deleted nothing (STAT unchanged)"

done_testing
