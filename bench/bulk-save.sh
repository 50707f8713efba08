#!/bin/bash
# bulk-save.sh: popscope --save all of a 10,000-message mailbox against mpop
# fetching the same mailbox into a Maildir, alternated, on loopback over TLS.
# Both keep the messages on the server; both fsync every file they write
# (popscope together, a few hundred at a time, with each file's write-back
# started as it was saved; then its directory once before any DELE).
# Run from anywhere: bash bench/bulk-save.sh. See bench/README.md.
#
# Environment: POPSCOPE (binary, default src/popscope), MESSAGES (10000),
# RUNS (3, median), RUN_TIMEOUT (900 s per run).
set -u
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

MESSAGES=${MESSAGES:-10000}

bench_init bulk-save
bench_need mpop
DIR=$WORK/dovecot
BIG_SIZE=4096 bench_dovecot "$DIR" "$MESSAGES"
URL="pop3s://$USER@$HOST:$POP3S_PORT"
OUT=$WORK/out

cat >"$WORK/mpoprc" <<MPOPRC
account bench
host $HOST
port $POP3S_PORT
tls on
tls_starttls off
tls_trust_file $CA_FILE
user $USER
passwordeval cat $DIR/pw
delivery maildir $OUT/mpop
keep on
only_new off
uidls_file $WORK/mpop.uidls
MPOPRC
chmod 600 "$WORK/mpoprc"

echo "bulk-save: all $MESSAGES messages (about 3 KB each) over pop3s (loopback), Dovecot fixture"
echo "machine: $(machine_line)"
echo "median of $RUNS alternated runs; ! = a run failed or files are missing"

# Warm up: Dovecot's index and the page cache.
bench_measure /dev/null "$POPSCOPE" --list --ca-file "$CA_FILE" --password-command "$PW_CMD" \
	"$URL" || bench_die "popscope --list failed on the fixture"

CMD_A=("$POPSCOPE" --save all --to "$OUT/popscope" --ca-file "$CA_FILE"
	--password-command "$PW_CMD" "$URL")
CMD_B=(mpop -C "$WORK/mpoprc" bench)
walls_a=() walls_b=() rss_a=0 rss_b=0 ok_a=0 ok_b=0
for ((i = 0; i < RUNS; i++)); do
	rm -rf "$OUT" && mkdir -p "$OUT/popscope" "$OUT/mpop/new" "$OUT/mpop/cur" "$OUT/mpop/tmp"
	rm -f "$WORK/mpop.uidls"
	sync
	bench_measure "$WORK/save.txt" "${CMD_A[@]}" || ok_a=1
	walls_a+=("$M_WALL")
	[ "${M_RSS%%.*}" -gt "$rss_a" ] && rss_a=${M_RSS%%.*}
	[ "$(find "$OUT/popscope" -name '*.eml' | wc -l)" -eq "$MESSAGES" ] || ok_a=1
	sync
	bench_measure /dev/null "${CMD_B[@]}" || ok_b=1
	walls_b+=("$M_WALL")
	[ "${M_RSS%%.*}" -gt "$rss_b" ] && rss_b=${M_RSS%%.*}
	[ "$(find "$OUT/mpop/new" -type f | wc -l)" -eq "$MESSAGES" ] || ok_b=1
done
wall_a=$(median "${walls_a[@]}") wall_b=$(median "${walls_b[@]}")

echo
bench_row "client" "wall s" "msg/s" "peak RSS MiB" "of mpop"
bench_row "------" "------" "-----" "------------" "-------"
rate()
{
	awk -v n="$MESSAGES" -v t="$1" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print "-" }'
}
bench_row "popscope --save all" "$wall_a$([ $ok_a = 0 ] || echo '!')" "$(rate "$wall_a")" \
	"$(mb "$rss_a")" "$(ratio "$wall_a" "$wall_b")"
bench_row "mpop (keep, Maildir)" "$wall_b$([ $ok_b = 0 ] || echo '!')" "$(rate "$wall_b")" \
	"$(mb "$rss_b")" "x1.00"
