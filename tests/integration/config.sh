#!/bin/bash
# config.sh: the config file with accounts against Dovecot: popscope NAME in
# every batch mode, --config FILE, --accounts, the command line over the
# file, errors with FILE:LINE, the rule for a file with a password, and the
# password in no output.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_dovecot

XDG_CONFIG_HOME=$WORK/xdg
export XDG_CONFIG_HOME
mkdir -p "$XDG_CONFIG_HOME/popscope"
CONFIG=$XDG_CONFIG_HOME/popscope/config
ALL_OUTPUT=$WORK/all-output
: >"$ALL_OUTPUT"

# run: run_popscope, keeping everything printed for the password check at the end.
run()
{
	run_popscope "$@"
	cat "$WORK/stdout" "$WORK/stderr" >>"$ALL_OUTPUT"
}

# The STLS account takes the mail account's values and adds a password
# command, which comes before the inherited password.
cat >"$CONFIG" <<EOF
# popscope accounts for the test Dovecot
defaults
ca-file $CA_FILE
timeout 20

account mail
url pop3s://$USER@$HOST:$POP3S_PORT
password $PASSWORD

account stls : mail
url pop3://$USER@$HOST:$POP3_PORT
password-command $PW_CMD

account wrongca : mail
ca-file $WRONG_CA_FILE
EOF
chmod 600 "$CONFIG"

# --- every batch mode takes an account name -----------------------------------
run --list mail
check_sane "--list NAME: no crash"
is_status 0 "--list NAME: exit 0"
listed=$OUT
run --list "$POP3S_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
is "$listed" "$OUT" "--list NAME prints what --list URL prints"
is "$(printf '%s\n' "$listed" | wc -l)" "$(wc -l <"$EXPECTED")" "--list NAME: every message"

run --check stls
check_sane "--check NAME: no crash"
is_status 0 "--check NAME (pop3:// with STLS): exit 0"
like "$OUT" '^stls +OK ' "--check NAME: the account's pop3:// URL, upgraded with STLS"
like "$OUT" '^login +OK ' "--check NAME: logged in with the account's password command"

mkdir "$WORK/saves"
run --save 1 --to "$WORK/saves" mail
check_sane "--save NAME: no crash"
is_status 0 "--save 1 --to DIR NAME: exit 0"
# "saved N UIDL PATH OCTETS"; PATH may hold spaces.
saved=$(awk '$1 == "saved" && $2 == 1 { $1 = ""; $2 = ""; $3 = ""; $NF = "";
	sub(/^   /, ""); sub(/ $/, ""); print }' "$WORK/stdout")
[ -n "$saved" ] && [ -f "$saved" ] && [ "$(dirname "$saved")" = "$WORK/saves" ]
ok $? "--save NAME: the file exists in DIR ($saved)"
probe retr 1 "$WORK/retr1" || bail_out "poplib RETR failed"
cmp -s "$saved" "$WORK/retr1"
ok $? "--save NAME: the file holds message 1 byte for byte"

# --- the command line overrides the file ----------------------------------------
run --check wrongca
is_status 78 "the account's ca-file is used: the wrong CA fails TLS (78)"
run --check --ca-file "$CA_FILE" wrongca
is_status 0 "--ca-file on the command line overrides the account's ca-file"
run --list --password-command 'printf %s wrong-password' mail
is_status 77 "--password-command on the command line overrides the account's password"

# --- --config FILE and --accounts -------------------------------------------------
OTHER=$WORK/other.conf
printf 'account other\nurl pop3s://%s@%s:%s\nca-file %s\npassword-command %s\n' \
	"$USER2" "$HOST" "$POP3S_PORT" "$CA_FILE" "printf %s $PASSWORD2" >"$OTHER"
chmod 600 "$OTHER"
run --check --config "$OTHER" other
is_status 0 "--config FILE NAME: the account comes from FILE"
like "$OUT" '^login +OK ' "--config FILE NAME: logged in as the account's user"
run --check --config "$OTHER" mail
is_status 64 "--config FILE: the default file is not read"
is "$ERR" "popscope: no account \"mail\" in $OTHER; the accounts are: other" \
	"an unknown account lists the known ones"

run --accounts
is_status 0 "--accounts: exit 0"
is "$OUT" "$(printf 'mail\tpop3s://%s@%s:%s\nstls\tpop3://%s@%s:%s\nwrongca\tpop3s://%s@%s:%s' \
	"$USER" "$HOST" "$POP3S_PORT" "$USER" "$HOST" "$POP3_PORT" "$USER" "$HOST" "$POP3S_PORT")" \
	"--accounts: NAME, a tab, URL, one line each"
is "$ERR" "" "--accounts: nothing on stderr"
run --accounts --config "$OTHER"
is "$OUT" "$(printf 'other\tpop3s://%s@%s:%s' "$USER2" "$HOST" "$POP3S_PORT")" \
	"--accounts --config FILE lists FILE's accounts"
XDG_CONFIG_HOME=$WORK/empty run --accounts
is_status 0 "--accounts without a config file: exit 0"
is "$OUT$ERR" "" "--accounts without a config file: prints nothing"
XDG_CONFIG_HOME=$WORK/empty run --list mail
is_status 64 "an account name without a config file: exit 64"
is "$ERR" "popscope: no account \"mail\": there is no config file $WORK/empty/popscope/config \
(a URL has \"://\", e.g. pop3s://user@host)" "an account name without a config file: says so"
run --check --config "$WORK/missing.conf" mail
is_status 74 "--config with a missing file: exit 74"
is "$ERR" "popscope: cannot read the config file $WORK/missing.conf: No such file or directory" \
	"--config with a missing file: says so"

# --- errors name FILE:LINE ---------------------------------------------------------
BAD=$WORK/bad.conf
printf 'account mail\nurl %s\ncolour red\n' "$POP3S_URL" >"$BAD"
run --check --config "$BAD" mail
check_sane "unknown key: no crash"
is_status 64 "unknown key: exit 64"
is "$ERR" "popscope: $BAD:3: unknown key \"colour\"" "unknown key: FILE:LINE and the key"
printf 'account mail\nurl %s\n\ntimeout soon\n' "$POP3S_URL" >"$BAD"
run --check --config "$BAD" mail
is_status 64 "bad value: exit 64"
is "$ERR" "popscope: $BAD:4: invalid --timeout \"soon\": expected a whole number from 1 to 86400" \
	"bad value: FILE:LINE and the words of --timeout"
run --check nobody
is_status 64 "unknown account: exit 64"
is "$ERR" "popscope: no account \"nobody\" in $CONFIG; the accounts are: mail, stls, wrongca" \
	"unknown account: names the file and the known accounts"

# --- a file with a password must be private ------------------------------------------
chmod 644 "$CONFIG"
run --list mail --trace "$WORK/refused.trace"
check_sane "world-readable file with a password: no crash"
is_status 64 "world-readable file with a password: refused, exit 64"
is "$ERR" "popscope: $CONFIG holds a password but its mode 0644 lets others read or change it: \
run chmod 600 $CONFIG" "world-readable file with a password: names the file, the mode and the fix"
[ ! -e "$WORK/refused.trace" ]
ok $? "world-readable file with a password: refused before connecting"
chmod 600 "$CONFIG"
run --check -v mail --trace "$WORK/accepted.trace"
is_status 0 "the same file with mode 0600: accepted"
cat "$WORK/accepted.trace" >>"$ALL_OUTPUT"

# --- --delete takes an account too ------------------------------------------------------
count=$(probe stat | cut -d ' ' -f 1)
run --delete 2 --to "$WORK/saves" mail
check_sane "--delete NAME: no crash"
is_status 0 "--delete 2 --to DIR NAME: exit 0"
like "$OUT" '^deleted 2' "--delete NAME: says message 2 was deleted"
is "$(probe stat | cut -d ' ' -f 1)" "$((count - 1))" "--delete NAME: one message fewer on the server"

# --- the password is in no output -----------------------------------------------------
grep -qF -- "$PASSWORD" "$ALL_OUTPUT"
[ $? = 1 ]
ok $? "the account's password appears in no output, trace or error ($(wc -l <"$ALL_OUTPUT") lines)"
like "$(cat "$WORK/accepted.trace")" 'C: (PASS \*\*\*\*|AUTH [A-Z0-9-]+)' \
	"the trace shows the login masked"

done_testing
