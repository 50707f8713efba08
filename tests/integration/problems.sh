#!/bin/bash
# problems.sh: --list and --list --json name each message's sender address
# and its problems (tests/fixture/make-mail.py --problems: one message of
# each kind), and --big sets the size threshold.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

export MAIL_OPTIONS=--problems
start_dovecot 22
count=$(wc -l <"$EXPECTED" | tr -d ' ')
# 4M: the fixture's big message (4.1 MiB) is over it, the rest under.
big=$((4 * 1024 * 1024))

# want.tsv: number, address, problems as --list --big 4M prints them.
awk -F '\t' -v OFS='\t' -v big="$big" \
	'{ print $1, $7, ($2 > big ? "big" ($8 != "" ? "," : "") : "") $8 }' "$EXPECTED" \
	>"$WORK/want.tsv"
is "$(awk -F '\t' '$3 != ""' "$WORK/want.tsv" | wc -l | tr -d ' ')" 10 \
	"the fixture has ten messages with problems --list can see"

run_popscope --list --big 4M "$POP3S_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--list --big 4M: no crash"
is_status 0 "--list --big 4M: exit 0"
cp "$WORK/stdout" "$WORK/list.tsv"
is "$(awk -F '\t' '{ print NF }' "$WORK/list.tsv" | sort -u)" 8 "--list: eight fields a line"
while IFS= read -r want; do
	n=${want%%$'\t'*}
	got=$(awk -F '\t' -v OFS='\t' -v n="$n" '$1 == n { print $1, $7, $8 }' "$WORK/list.tsv")
	is "$got" "$want" "--list: message $n: address and problems"
done <"$WORK/want.tsv"
like "$(awk -F '\t' '$8 == "big" { print $1 }' "$WORK/list.tsv")" '^11$' \
	"--big 4M: the 4.1 MiB message alone is big"

run_popscope --list --json --big 0 "$POP3S_URL" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD"
check_sane "--list --json --big 0: no crash"
is_status 0 "--list --json --big 0: exit 0"
cp "$WORK/stdout" "$WORK/list.json"
json_diff=$("$PYTHON3" - "$WORK/list.json" "$EXPECTED" <<'PY' 2>&1
import json, sys
rows = {row['number']: row for row in json.load(open(sys.argv[1], encoding='utf-8'))}
out = []
for line in open(sys.argv[2], encoding='utf-8'):
	f = line.rstrip('\n').split('\t')
	row = rows.get(int(f[0]), {})
	want = (f[6], f[7].split(',') if f[7] else [])
	got = (row.get('from_address'), row.get('problems'))
	if got != want:
		out.append('message %s: %r, expected %r' % (f[0], got, want))
print('\n'.join(out))
PY
)
is "$json_diff" "" "--json: from_address and problems (a list of codes) per message, none big"
like "$(grep -c '"problems": \[\]' "$WORK/list.json")" \
	"^$(awk -F '\t' '$8 == ""' "$EXPECTED" | wc -l | tr -d ' ')$" \
	"--json: an empty problems list for a message without problems"

run_popscope --list --big 10X "$POP3S_URL"
is_status 64 "--big 10X: a usage error"
like "$ERR" 'invalid --big "10X"' "--big 10X: says what is wrong"
run_popscope --check --big 1M "$POP3S_URL"
is_status 64 "--big with --check: a usage error"

# size-mismatch shows once a RETR delivered another size than LIST: the
# save of message 20 fails the size check (the message stays).
mkdir -p "$WORK/saves"
run_popscope --save 20 --to "$WORK/saves" "$POP3S_URL" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD"
is_status 65 "the size-mismatch message: its save fails the size check"
listed=$(expected_field 20 2)
like "$ERR" "LIST said $listed octets but $((listed + 7)) arrived" \
	"the size-mismatch message: LIST is 7 short"

done_testing
