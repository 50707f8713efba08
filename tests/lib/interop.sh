# interop.sh: popscope against one real POP3 server from
# tests/fixture/servers/ (bash; sourced by tests/interop/*.sh, after which
# everything of tests/lib/common.sh is there too).
#
#   interop_start NAME        start tests/fixture/servers/NAME.sh in
#                             $WORK/server (skip_all when it cannot run here),
#                             source its env; sets URL, CONN (the options
#                             every run needs), RUN (the same for the list,
#                             save and delete runs), PROBE_COUNT
#   todo CHECK REASON         CHECK is a known gap: its results are TAP TODO
#                             ("not ok N - ... # TODO REASON")
#   interop_auth_refused MECH STATUS PATTERN
#                             auth:MECH must fail with exit STATUS and a login
#                             FAIL line matching PATTERN: a mechanism the server
#                             offers and cannot complete, named with --auth
#                             (Cyrus's -PLUS over TLS 1.3)
#   interop_save_args ARG...  more options for the --save and --delete runs
#                             (Twisted: --accept-line-end-count)
#   interop_checks            every check below, in this order:
#     mechs                   the server offers the mechanisms its fixture set up
#     check:pop3s check:stls check:plain check:no-stls
#                             --check over each way in the server offers
#     list:count list:sizes list:uidl list:subjects
#                             --list against the server's own LIST and UIDL
#                             (pop3probe.py) and make-mail.py's headers
#     auth:MECH               --check --auth MECH, for USER (when CAPA lists it,
#                             or there is no CAPA), APOP (when the greeting
#                             offers it) and each SASL mechanism in CAPA
#     save:KIND               --save of one message of each kind, byte-compared
#                             with a raw RETR (pop3probe.py rawretr)
#     ui                      the full-screen view in tmux: the list appears, q quits
#     delete                  --delete of one message, checked from a second session
#
# A check that fails because of a known server quirk keeps its results and
# gets a todo line in the server's script, with the issue it belongs to;
# nothing is skipped silently.

. "${TESTS_SRCDIR:-$(dirname "${BASH_SOURCE[0]}")/..}/lib/common.sh"
SERVER_FIXTURES=$TESTS_SRCDIR/fixture/servers
# The interpreter itself, not a wrapper that may take a second to start it
# (pop3probe.py runs often).
PROBE_PYTHON=$("$PYTHON3" -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -x "$PROBE_PYTHON" ] || PROBE_PYTHON=$PYTHON3
declare -A INTEROP_TODO=()
declare -A INTEROP_REFUSED=()
# The message kinds saved by save:KIND, by the Message-ID make-mail.py gave them.
SAVE_KINDS="plain attachment dots big raw-utf8 no-final-eol from-lines long-line"

interop_cleanup()
{
	[ -n "${TUI_SOCK:-}" ] && "$TUI_TMUX" -S "$TUI_SOCK" kill-server 2>/dev/null
	[ -n "${SERVER_NAME:-}" ] && [ -d "$WORK/server" ] &&
		bash "$SERVER_FIXTURES/$SERVER_NAME.sh" stop "$WORK/server" >/dev/null 2>&1
	cleanup
}
trap interop_cleanup EXIT

todo()
{
	INTEROP_TODO[$1]=$2
}

# begin CHECK: the results until the next begin belong to CHECK (a TODO
# when CHECK has one), except sane's.
begin()
{
	TAP_TODO=${INTEROP_TODO[$1]:-}
}

# sane DESC: check_sane outside any TODO: a crash, a hang or a sanitizer
# report is never a known quirk.
sane()
{
	local todo=$TAP_TODO
	TAP_TODO=
	check_sane "$1"
	TAP_TODO=$todo
}

interop_start()
{
	local status
	SERVER_NAME=$1
	FIXTURE_WATCH_PID=$$ bash "$SERVER_FIXTURES/$SERVER_NAME.sh" start "$WORK/server" \
		>"$WORK/server-start.log" 2>&1
	status=$?
	if [ $status = 77 ]; then
		skip_all "$(tail -n 1 "$WORK/server-start.log")"
	elif [ $status != 0 ]; then
		diag "$(cat "$WORK/server-start.log")"
		bail_out "cannot start the $SERVER_NAME fixture"
	fi
	. "$WORK/server/env"
	diag "$SERVER_VERSION: POP3 ${POP3_PORT:-none}, POP3S ${POP3S_PORT:-none}," \
		"STLS $STLS, SASL ${SASL:-none}, APOP $APOP"
	PW_CMD="printf %s $PASSWORD"
	CONN=(--ca-file "$CA_FILE" --password-command "$PW_CMD")
	UI_ARGS=()
	if [ -n "$POP3S_PORT" ]; then
		URL="pop3s://$USER@$HOST:$POP3S_PORT"
	elif [ "$STLS" = yes ]; then
		URL="pop3://$USER@$HOST:$POP3_PORT"
	else
		URL="pop3://$USER@$HOST:$POP3_PORT"
		CONN+=(--plaintext)
		UI_ARGS+=(--plaintext)
	fi
	RUN=("${CONN[@]}")
	SAVE_ARGS=()
	# The server's own view, before popscope changes anything; the raw RETRs
	# come from a session that sent no TOP.
	probe snapshot "$WORK/probe" $SAVE_KINDS >"$WORK/probe.log" 2>&1 ||
		{ diag "$(cat "$WORK/probe.log")"; bail_out "pop3probe.py snapshot failed"; }
	PROBE=$WORK/probe
	PROBE_COUNT=$(cut -d' ' -f1 "$PROBE/stat")
	# Message-ID to make-mail.py's file name (a server may have added flags
	# after the ':', never before).
	local file
	for file in "$MAILDIR"/cur/*; do
		printf '%s %s\n' "$(sed -n 's/^Message-ID: //p' "$file" | head -n 1)" "${file##*/}"
	done >"$WORK/basenames"
	# Does the server number the messages as make-mail.py did?
	local id n same=yes
	while read -r n id; do
		case $id in
		"<"*"@popscope.test>") ;;
		*) continue ;;
		esac
		id=${id#<}
		[ "$(expected_of "${id%@popscope.test>}" 1)" = "$n" ] || same=no
	done <"$PROBE/msgids"
	echo $same >"$WORK/same-order"
	# A message whose Message-ID the server hides: its RETR by number.
	local kind
	for kind in $SAVE_KINDS; do
		[ -f "$PROBE/retr-$kind.eml" ] && continue
		n=$(number_of "$kind")
		[ -n "$n" ] && probe rawretr "$n" "$PROBE/retr-$kind.eml"
	done
}

interop_auth_refused()
{
	INTEROP_REFUSED[$1]="$2 $3"
}

interop_save_args()
{
	SAVE_ARGS+=("$@")
	diag "--save and --delete run with $*"
}

probe()
{
	"$PROBE_PYTHON" "$LIB_DIR/pop3probe.py" "$WORK/server/env" "$@"
}

# number_of ID: the number of the message whose Message-ID is <ID@popscope.test>.
# A server that shows a message in another form (Courier's wrapper for raw
# UTF-8 headers) hides its Message-ID: when every other message has
# make-mail.py's number, that one has its number too.
number_of()
{
	local n
	n=$(awk -v id="<$1@popscope.test>" '$2 == id { print $1; exit }' "$PROBE/msgids")
	if [ -z "$n" ] && [ "$(cat "$WORK/same-order")" = yes ]; then
		n=$(expected_of "$1" 1)
	fi
	echo "$n"
}

# expected_of ID COLUMN: a column of make-mail.py's row for that message (see
# expected_field in common.sh); its numbers need not be the server's.
expected_of()
{
	local base
	base=$(awk -v id="<$1@popscope.test>" '$1 == id { print $2; exit }' "$WORK/basenames")
	awk -F '\t' -v b="${base%%:*}" -v c="$2" '$6 == b { print $c }' "$EXPECTED"
}

check_mechs()
{
	local offered configured mech
	begin mechs
	# Over TLS a server may add the -PLUS variants (channel binding).
	offered=$(tr ' ' '\n' <"$PROBE/mechs" | sed 's/-PLUS$//' | grep . | sort -u | tr '\n' ' ')
	configured=$(for mech in $SASL; do echo "$mech"; done | sort -u | tr '\n' ' ')
	is "$offered" "$configured" "CAPA's SASL line is what the fixture set up (${SASL:-none})"
}

# check_one NAME DESC ARGS...: one --check run.
check_one()
{
	begin "check:$1"
	shift
	local desc=$1
	shift
	run_popscope --check "$@"
	sane "$desc: no crash, no sanitizer report"
	is_status 0 "$desc: exit 0"
	like "$OUT" "^stat +OK .* $PROBE_COUNT messages" "$desc: stat shows the $PROBE_COUNT messages"
}

check_ways_in()
{
	local base=(--ca-file "$CA_FILE" --password-command "$PW_CMD")
	if [ -n "$POP3S_PORT" ]; then
		check_one pop3s "--check pop3s://" "${base[@]}" "pop3s://$USER@$HOST:$POP3S_PORT"
	fi
	if [ "$STLS" = yes ]; then
		check_one stls "--check pop3:// with STLS" "${base[@]}" "pop3://$USER@$HOST:$POP3_PORT"
		begin check:stls-step
		like "$OUT" '^stls +OK' "--check pop3:// with STLS: the stls step passed"
	elif [ -n "$POP3_PORT" ]; then
		begin check:no-stls
		run_popscope --check "${base[@]}" "pop3://$USER@$HOST:$POP3_PORT"
		sane "--check pop3:// without STLS: no crash"
		is_status 76 "--check pop3:// without STLS on offer: refused (exit 76), no clear-text login"
		check_one plain "--check --plaintext pop3://" "${base[@]}" --plaintext \
			"pop3://$USER@$HOST:$POP3_PORT"
	fi
}

check_list()
{
	local got want
	begin list:count
	run_popscope --list "${RUN[@]}" "$URL"
	sane "--list: no crash, no sanitizer report"
	is_status 0 "--list: exit 0"
	cp "$WORK/stdout" "$WORK/list.tsv"
	is "$(wc -l <"$WORK/list.tsv" | tr -d ' ')" "$PROBE_COUNT" \
		"--list: as many lines as the server's STAT ($PROBE_COUNT)"
	# The server's own LIST and UIDL, asked right after.
	probe list >"$WORK/probe-list" 2>&1
	probe uidl >"$WORK/probe-uidl" 2>&1
	begin list:sizes
	got=$(cut -f1,2 "$WORK/list.tsv" | tr '\t' ' ')
	want=$(cat "$WORK/probe-list")
	is "$got" "$want" "--list: numbers and sizes are the server's LIST"
	begin list:uidl
	got=$(cut -f1,3 "$WORK/list.tsv" | tr '\t' ' ')
	want=$(cat "$WORK/probe-uidl")
	is "$got" "$want" "--list: UIDLs are the server's UIDL"
	begin list:subjects
	local id n bad=
	for id in plain utf8-b utf8-q latin1 attachment raw-utf8 no-final-eol from-lines \
		long-line generic-20; do
		n=$(number_of "$id")
		got=$(awk -F '\t' -v n="$n" '$1 == n { print $5 "|" $6 }' "$WORK/list.tsv")
		want="$(expected_of "$id" 4)|$(expected_of "$id" 5)"
		[ "$got" = "$want" ] || bad="$bad${bad:+; }$id: got '$got', expected '$want'"
	done
	is "$bad" "" "--list: from and subject decoded (RFC 2047, Latin-1, raw UTF-8, generic)"
}

check_auth()
{
	local mechs mech refused
	mechs=$(awk '$1 == "USER" { print "USER" }' "$PROBE/capa")
	# No CAPA at all (popa3d): USER/PASS is RFC 1939's login.
	[ -s "$PROBE/capa" ] || mechs=USER
	begin auth:apop-offer
	[ "$APOP" = yes ] && like "$(cat "$PROBE/greeting")" '<[^>]*@[^>]*>' \
		"the greeting has an APOP timestamp" && mechs="$mechs APOP"
	mechs="$mechs $(cat "$PROBE/mechs")"
	for mech in $mechs; do
		begin "auth:$mech"
		run_popscope --check "${CONN[@]}" --auth "$mech" "$URL"
		sane "--auth $mech: no crash"
		refused=${INTEROP_REFUSED[$mech]:-}
		if [ -n "$refused" ]; then
			is_status "${refused%% *}" "--auth $mech: refused with exit ${refused%% *}"
			like "$OUT" "^login +FAIL +${refused#* }" "--auth $mech: the login line says why"
			continue
		fi
		is_status 0 "--auth $mech: exit 0"
		like "$OUT" "^login +OK .* with $mech\$" "--auth $mech: logged in with $mech"
	done
}

check_save()
{
	local kind n path
	mkdir -p "$WORK/saves"
	for kind in $SAVE_KINDS; do
		n=$(number_of "$kind")
		begin "save:$kind"
		if [ -z "$n" ]; then
			fail "--save of the $kind message: it is on the server" "no Message-ID <$kind@popscope.test>"
			continue
		fi
		run_popscope --save "$n" --to "$WORK/saves" "${SAVE_ARGS[@]}" "${RUN[@]}" "$URL"
		sane "--save $n ($kind): no crash"
		is_status 0 "--save $n ($kind): exit 0"
		path=$(awk -v n="$n" '$1 == "saved" && $2 == n { print $4 }' "$WORK/stdout")
		if [ -n "$path" ] && cmp -s "$path" "$PROBE/retr-$kind.eml"; then
			pass "--save $n ($kind): the file is byte for byte what RETR sends"
		else
			fail "--save $n ($kind): the file is byte for byte what RETR sends" \
				"saved: ${path:-nothing} ($(wc -c <"${path:-/dev/null}") octets)," \
				"RETR: $(wc -c <"$PROBE/retr-$kind.eml") octets," \
				"LIST: $(awk -v n="$n" '$1 == n { print $2 }' "$PROBE/list")"
		fi
	done
}

check_ui()
{
	begin ui
	if ! command -v "${TMUX_BIN:-tmux}" >/dev/null 2>&1; then
		skip "tmux not installed" 2
		return
	fi
	. "$TESTS_SRCDIR/ui/tui.sh"
	TUI_DIR=$WORK/ui
	mkdir -p "$TUI_DIR/saves"
	chmod 755 "$TUI_DIR"
	TUI_SOCK=$TUI_DIR/tmux.sock
	TUI_ALL_SCREENS=$TUI_DIR/all-screens.txt
	: >"$TUI_ALL_SCREENS"
	printf '%s\n' "$PASSWORD" >"$TUI_DIR/pw"
	chmod 600 "$TUI_DIR/pw"
	TUI_URL=$URL
	tui_start "${UI_ARGS[@]}"
	local subject
	subject=$(expected_of plain 5 | cut -c1-12)
	tui_wait " $PROBE_COUNT messages" 20 && tui_wait "^[ >] +$(number_of plain) .*$subject" 5
	ok $? "full-screen view: the list appears ($PROBE_COUNT messages, '$subject' in its row)"
	tui_keys q
	is "$(tui_wait_exit 10)" 0 "full-screen view: q quits with exit status 0"
}

check_delete()
{
	local n uidl
	begin delete
	n=$(number_of generic-20)
	uidl=$(awk -v n="$n" '$1 == n { print $2 }' "$PROBE/uidl")
	mkdir -p "$WORK/deleted"
	run_popscope --delete "$n" --to "$WORK/deleted" "${SAVE_ARGS[@]}" "${RUN[@]}" "$URL"
	sane "--delete $n: no crash"
	is_status 0 "--delete $n: exit 0"
	like "$OUT" "^deleted $n $uidl\$" "--delete $n: reports 'deleted $n $uidl'"
	probe uidl >"$WORK/uidl-after" 2>&1
	is "$(wc -l <"$WORK/uidl-after" | tr -d ' ')" "$((PROBE_COUNT - 1))" \
		"--delete $n: a second session counts one message less"
	unlike "$(cut -d' ' -f2 "$WORK/uidl-after")" "^$uidl\$" \
		"--delete $n: a second session no longer has UIDL $uidl"
}

interop_checks()
{
	check_mechs
	check_ways_in
	check_list
	check_auth
	check_save
	check_ui
	check_delete
	TAP_TODO=
}
