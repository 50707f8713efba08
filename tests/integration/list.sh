#!/bin/bash
# list.sh: popscope --list and --list --json against the Dovecot fixture.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_dovecot

probe uidl >"$WORK/uidl" || bail_out "poplib UIDL failed"
# The rows --list must print: number, size, uidl, date, from, subject,
# address, problems (big past the default 10 MiB comes first).
awk -F '\t' -v OFS='\t' 'NR == FNR { uidl[$1] = $2; next }
	{ codes = ($2 > 10485760 ? "big" ($8 != "" ? "," : "") : "") $8
	  print $1, $2, uidl[$1], $3, $4, $5, $7, codes }' FS=' ' "$WORK/uidl" FS='\t' "$EXPECTED" \
	>"$WORK/want.tsv"
count=$(wc -l <"$EXPECTED" | tr -d ' ')

run_popscope --list "$POP3S_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--list: no crash"
is_status 0 "--list: exit 0"
cp "$WORK/stdout" "$WORK/list.out"
is "$(wc -l <"$WORK/list.out" | tr -d ' ')" "$count" "--list: one line per message"
n=0
while IFS= read -r want; do
	n=$((n + 1))
	got=$(sed -n "${n}p" "$WORK/list.out")
	is "$got" "$want" "--list: row $n"
done <"$WORK/want.tsv"
no_esc "--list: no raw ESC byte on stdout or stderr" "$WORK/list.out" "$WORK/stderr"
escape_n=$(awk -F '\t' '$5 ~ /pwned/ { print $1 }' "$EXPECTED")
like "$(sed -n "${escape_n}p" "$WORK/list.out")" 'pwned.*RED' \
	"--list: the escape subject's text is kept, made visible"

run_popscope --list --json "$POP3S_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
check_sane "--list --json: no crash"
is_status 0 "--list --json: exit 0"
cp "$WORK/stdout" "$WORK/list.json"
no_esc "--list --json: no raw ESC byte" "$WORK/list.json"
json_diff=$("$PYTHON3" - "$WORK/list.json" "$WORK/want.tsv" <<'EOF' 2>&1
import json, sys
rows = json.load(open(sys.argv[1], encoding='utf-8'))
want = [line.rstrip('\n').split('\t') for line in open(sys.argv[2], encoding='utf-8')]
problems = []
if not isinstance(rows, list):
	sys.exit('not a JSON array')
if len(rows) != len(want):
	problems.append('%d objects, expected %d' % (len(rows), len(want)))
keys = ['number', 'size', 'uidl', 'date', 'from', 'subject', 'from_address', 'problems']
for obj, w in zip(rows, want):
	exp = dict(zip(keys, w))
	exp['number'], exp['size'] = int(exp['number']), int(exp['size'])
	exp['problems'] = exp['problems'].split(',') if exp['problems'] else []
	for key in keys:
		got = obj.get(key)
		ok = got == exp[key]
		if not ok and key in ('from', 'subject'):
			# Raw controls are fine inside JSON (escaped as \u001b).
			raw = ''.join(chr(ord(c) - 0x2400) if 0x2400 <= ord(c) < 0x2420 else c
				      for c in exp[key])
			ok = got == raw
		if not ok:
			problems.append('message %s: %s = %r, expected %r' % (w[0], key, got, exp[key]))
print('\n'.join(problems))
EOF
)
is "$json_diff" "" "--list --json: parses, same rows as expected"

is "$(probe stat)" "$count $(awk -F '\t' '{ s += $2 } END { print s }' "$EXPECTED")" \
	"--list changed nothing on the server"

done_testing
