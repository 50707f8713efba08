#!/bin/bash
# retr-big.sh: popscope --save of a ~100 MB message: wall time, throughput, peak RSS,
# against curl and python poplib; peak RSS should stay near popscope's baseline (a
# tiny message), whatever the size. Run from anywhere: bash bench/retr-big.sh.
#
# Environment: POPSCOPE (binary, default src/popscope), BIG_SIZE (attachment bytes
# before base64; the default 73076923 makes a 100,000,000-octet message), RUNS (3,
# median), ALT_RUNS (5: popscope and curl + sync alternated), RSS_SLACK_MB (8: how far above the baseline popscope may go before the
# script says so), RUN_TIMEOUT (900 s per run).
set -u
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

# base64 turns 57 bytes into a 76-character line + CRLF: 78 octets on the wire.
export BIG_SIZE=${BIG_SIZE:-73076923}
RSS_SLACK_MB=${RSS_SLACK_MB:-8}
ALT_RUNS=${ALT_RUNS:-5}
SMALL=1	# the fixture's plain 319-octet message: the RSS baseline
BIG=11	# the fixture's big message

bench_init retr-big
DIR=$WORK/dovecot
bench_dovecot "$DIR" 11
URL="pop3s://$USER@$HOST:$POP3S_PORT"
printf 'machine %s login %s password %s\n' "$HOST" "$USER" "$PASSWORD" >"$DIR/netrc"
chmod 600 "$DIR/netrc"
SIZE=$(awk -F'\t' -v n=$BIG '$1 == n { print $2 }' "$EXPECTED")
SMALL_SIZE=$(awk -F'\t' -v n=$SMALL '$1 == n { print $2 }' "$EXPECTED")
OUT=$WORK/out
mkdir -p "$OUT"

# save_check N OCTETS: the last popscope --save (its line in $WORK/save.txt)
# wrote message N's OCTETS octets; SAVED is its file.
save_check()
{
	local saved octets
	read -r _ _ _ saved octets <"$WORK/save.txt"  # saved N UIDL PATH OCTETS
	[ "$octets" = "$2" ] && [ "$(stat -c %s "$saved" 2>/dev/null)" = "$2" ] ||
		{ bench_note "popscope saved '$saved' with $octets octets, expected $2"; return 1; }
	SAVED=$saved
}

# row LABEL SIZE WALL RSS OK: a table line.
row()
{
	local mbs
	mbs=$(awk -v s="$2" -v t="$3" 'BEGIN { if (t > 0) printf "%.1f", s / 1e6 / t;
		else print "-" }')
	bench_row "$1" "$3$([ "$5" = 0 ] || echo '!')" "$mbs" "$(mb "$4")"
}

echo "retr-big: one message of $SIZE octets over pop3s (loopback), Dovecot fixture"
echo "machine: $(machine_line)"
echo "median of $RUNS runs ($ALT_RUNS for popscope and curl + sync, alternated); MB = 10^6"
echo "octets; wall time includes TLS, login and the final fsync where the client does one;"
echo "! = a run failed or the file was wrong"

# Warm up: Dovecot's index and the page cache of the message file.
bench_measure /dev/null "$POPSCOPE" --list --ca-file "$CA_FILE" --password-command "$PW_CMD" \
	"$URL" || bench_die "popscope --list failed on the fixture"

echo
bench_row "client" "wall s" "MB/s" "peak RSS MiB"
bench_row "------" "------" "----" "------------"
SAVE=("$POPSCOPE" --to "$OUT/popscope" --ca-file "$CA_FILE" --password-command "$PW_CMD" \
	"$URL" --save)
FRESH_DIR="rm -rf '$OUT/popscope'; mkdir '$OUT/popscope'"
BEFORE_RUN=$FRESH_DIR bench_repeat "$RUNS" "$WORK/save.txt" "${SAVE[@]}" $SMALL
save_check $SMALL "$SMALL_SIZE" || R_OK=1
row "popscope --save $SMALL ($SMALL_SIZE octets: baseline)" "$SMALL_SIZE" "$R_WALL" "$R_RSS" "$R_OK"
BASE_RSS=$R_RSS

CMD_A=("${SAVE[@]}" $BIG)
if [ "$HAVE_CURL" = 1 ]; then
	CURL=(curl -s -S --cacert "$CA_FILE" --netrc-file "$DIR/netrc")
	# popscope fsyncs what it saved; this is curl with the same durability.
	# shellcheck disable=SC2016
	CMD_B=(sh -c '"$@" && sync "$0"' "$OUT/curl.eml" "${CURL[@]}"
		"pop3s://$HOST:$POP3S_PORT/$BIG" -o "$OUT/curl.eml")
	BEFORE_A=$FRESH_DIR BEFORE_B="rm -f '$OUT/curl.eml'" \
		bench_alternate "$ALT_RUNS" "$WORK/save.txt" /dev/null
	save_check $BIG "$SIZE" || A_OK=1
	cmp -s "$OUT/curl.eml" "$SAVED" || { bench_note "curl's file differs from popscope's"; B_OK=1; }
	row "popscope --save $BIG" "$SIZE" "$A_WALL" "$A_RSS" "$A_OK"
	BIG_RSS=$A_RSS
	POPSCOPE_FILE=$SAVED
	BEFORE_RUN="rm -f '$OUT/curl.eml'" bench_repeat "$RUNS" /dev/null "${CURL[@]}" \
		"pop3s://$HOST:$POP3S_PORT/$BIG" -o "$OUT/curl.eml"
	cmp -s "$OUT/curl.eml" "$POPSCOPE_FILE" ||
		{ bench_note "curl's file differs from popscope's"; R_OK=1; }
	row "curl -o FILE" "$SIZE" "$R_WALL" "$R_RSS" "$R_OK"
	row "curl -o FILE, then sync FILE" "$SIZE" "$B_WALL" "$B_RSS" "$B_OK"
	rm -f "$OUT/curl.eml"
else
	BEFORE_RUN=$FRESH_DIR bench_repeat "$ALT_RUNS" "$WORK/save.txt" "${CMD_A[@]}"
	save_check $BIG "$SIZE" || R_OK=1
	row "popscope --save $BIG" "$SIZE" "$R_WALL" "$R_RSS" "$R_OK"
	BIG_RSS=$R_RSS
	POPSCOPE_FILE=$SAVED
fi

BEFORE_RUN="rm -f '$OUT/poplib.eml'" bench_repeat "$RUNS" /dev/null "$PYTHON3" \
	"$BENCH_DIR/poplib_scan.py" retr "$HOST" "$POP3S_PORT" "$CA_FILE" "$USER" "$DIR/pw" $BIG \
	"$OUT/poplib.eml"
cmp -s "$OUT/poplib.eml" "$POPSCOPE_FILE" || { bench_note "poplib's file differs from popscope's"; R_OK=1; }
row "python poplib retr (all in RAM)" "$SIZE" "$R_WALL" "$R_RSS" "$R_OK"
if [ "$HAVE_CURL" = 1 ]; then
	echo "    runs in turn (s): popscope $A_WALLS"
	echo "                 curl + sync $B_WALLS"
	echo "    popscope against curl + sync: $(ratio "$A_WALL" "$B_WALL")"
fi

echo
delta=$(awk -v b="$BIG_RSS" -v s="$BASE_RSS" 'BEGIN { printf "%+.1f", (b - s) / 1024 }')
if awk -v d="$delta" -v m="$RSS_SLACK_MB" 'BEGIN { exit !(d <= m) }'; then
	echo "popscope peak RSS: $(mb "$BIG_RSS") MiB for $SIZE octets vs $(mb "$BASE_RSS") MiB" \
		"for $SMALL_SIZE: $delta MiB (flat: within $RSS_SLACK_MB MiB)"
else
	echo "popscope peak RSS: $(mb "$BIG_RSS") MiB for $SIZE octets vs $(mb "$BASE_RSS") MiB" \
		"for $SMALL_SIZE: $delta MiB: NOT FLAT (more than $RSS_SLACK_MB MiB above the baseline)"
fi
