#!/bin/bash
# retr-big.sh: popscope --save of a ~100 MB message: wall time, throughput, peak RSS,
# against curl and python poplib; peak RSS should stay near popscope's baseline (a
# tiny message), whatever the size. Run from anywhere: bash bench/retr-big.sh.
#
# Environment: POPSCOPE (binary, default src/popscope), BIG_SIZE (attachment bytes
# before base64; the default 73076923 makes a 100,000,000-octet message), RUNS (3,
# median), RSS_SLACK_MB (8: how far above the baseline popscope may go before the
# script says so), RUN_TIMEOUT (900 s per run).
set -u
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

# base64 turns 57 bytes into a 76-character line + CRLF: 78 octets on the wire.
export BIG_SIZE=${BIG_SIZE:-73076923}
RSS_SLACK_MB=${RSS_SLACK_MB:-8}
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

# popscope_save N: one --save into an empty $OUT/popscope.
popscope_save()
{
	BEFORE_RUN="rm -rf '$OUT/popscope'; mkdir '$OUT/popscope'" \
		bench_repeat "$RUNS" "$WORK/save.txt" "$POPSCOPE" --save "$1" --to "$OUT/popscope" \
		--ca-file "$CA_FILE" --password-command "$PW_CMD" "$URL"
	local saved octets
	read -r _ _ _ saved octets <"$WORK/save.txt"  # saved N UIDL PATH OCTETS
	[ "$octets" = "$2" ] && [ "$(stat -c %s "$saved" 2>/dev/null)" = "$2" ] ||
		{ bench_note "popscope saved '$saved' with $octets octets, expected $2"; R_OK=1; }
	SAVED=$saved
}

# row LABEL SIZE: a table line from R_WALL, R_RSS, R_OK.
row()
{
	local mbs
	mbs=$(awk -v s="$2" -v t="$R_WALL" 'BEGIN { if (t > 0) printf "%.1f", s / 1e6 / t;
		else print "-" }')
	bench_row "$1" "$R_WALL$([ "$R_OK" = 0 ] || echo '!')" "$mbs" "$(mb "$R_RSS")"
}

echo "retr-big: one message of $SIZE octets over pop3s (loopback), Dovecot fixture"
echo "machine: $(machine_line)"
echo "median of $RUNS runs; MB = 10^6 octets; wall time includes TLS, login and the"
echo "final fsync where the client does one; ! = a run failed or the file was wrong"

# Warm up: Dovecot's index and the page cache of the message file.
bench_measure /dev/null "$POPSCOPE" --list --ca-file "$CA_FILE" --password-command "$PW_CMD" \
	"$URL" || bench_die "popscope --list failed on the fixture"

echo
bench_row "client" "wall s" "MB/s" "peak RSS MiB"
bench_row "------" "------" "----" "------------"
popscope_save $SMALL "$SMALL_SIZE"
row "popscope --save $SMALL ($SMALL_SIZE octets: baseline)" "$SMALL_SIZE"
BASE_RSS=$R_RSS
popscope_save $BIG "$SIZE"
row "popscope --save $BIG" "$SIZE"
BIG_RSS=$R_RSS
POPSCOPE_FILE=$SAVED

if [ "$HAVE_CURL" = 1 ]; then
	CURL=(curl -s -S --cacert "$CA_FILE" --netrc-file "$DIR/netrc")
	BEFORE_RUN="rm -f '$OUT/curl.eml'" bench_repeat "$RUNS" /dev/null "${CURL[@]}" \
		"pop3s://$HOST:$POP3S_PORT/$BIG" -o "$OUT/curl.eml"
	cmp -s "$OUT/curl.eml" "$POPSCOPE_FILE" ||
		{ bench_note "curl's file differs from popscope's"; R_OK=1; }
	row "curl -o FILE" "$SIZE"
	# popscope fsyncs what it saved; this is curl with the same durability.
	# shellcheck disable=SC2016
	BEFORE_RUN="rm -f '$OUT/curl.eml'" bench_repeat "$RUNS" /dev/null sh -c \
		'"$@" && sync "$0"' "$OUT/curl.eml" "${CURL[@]}" "pop3s://$HOST:$POP3S_PORT/$BIG" \
		-o "$OUT/curl.eml"
	row "curl -o FILE, then sync FILE" "$SIZE"
	rm -f "$OUT/curl.eml"
fi

BEFORE_RUN="rm -f '$OUT/poplib.eml'" bench_repeat "$RUNS" /dev/null "$PYTHON3" \
	"$BENCH_DIR/poplib_scan.py" retr "$HOST" "$POP3S_PORT" "$CA_FILE" "$USER" "$DIR/pw" $BIG \
	"$OUT/poplib.eml"
cmp -s "$OUT/poplib.eml" "$POPSCOPE_FILE" || { bench_note "poplib's file differs from popscope's"; R_OK=1; }
row "python poplib retr (all in RAM)" "$SIZE"

echo
delta=$(awk -v b="$BIG_RSS" -v s="$BASE_RSS" 'BEGIN { printf "%+.1f", (b - s) / 1024 }')
if awk -v d="$delta" -v m="$RSS_SLACK_MB" 'BEGIN { exit !(d <= m) }'; then
	echo "popscope peak RSS: $(mb "$BIG_RSS") MiB for $SIZE octets vs $(mb "$BASE_RSS") MiB" \
		"for $SMALL_SIZE: $delta MiB (flat: within $RSS_SLACK_MB MiB)"
else
	echo "popscope peak RSS: $(mb "$BIG_RSS") MiB for $SIZE octets vs $(mb "$BASE_RSS") MiB" \
		"for $SMALL_SIZE: $delta MiB: NOT FLAT (more than $RSS_SLACK_MB MiB above the baseline)"
fi
