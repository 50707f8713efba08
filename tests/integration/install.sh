#!/bin/bash
# install.sh: "make install DESTDIR=..." from the build tree puts the
# binary, the man page, the catalogs and both shell completions where
# configure said; the installed popscope's --version names every library
# and the licence; the bash completion (and the zsh one, where zsh is
# installed) really completes; and no long option of src/cli/options.c is
# missing from either completion or from --help.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

TOP_SRCDIR=$(cd "$TESTS_SRCDIR/.." && pwd)
TOP_BUILDDIR=$(cd "$(dirname "$POPSCOPE")/.." && pwd)
MAKE=${MAKE:-make}
# A make of its own, not part of the make check running this test: the
# outer make's flags would print "Entering directory" into make_var's value.
unset MAKEFLAGS MFLAGS MAKELEVEL
[ -f "$TOP_BUILDDIR/Makefile" ] || skip_all "no configured build tree at $TOP_BUILDDIR"

# make_var NAME: the value of NAME in the build tree's top Makefile, expanded.
make_var()
{
	printf 'print-make-var:\n\t@echo $(%s)\n' "$1" |
		"$MAKE" -s --no-print-directory -C "$TOP_BUILDDIR" -f Makefile -f - print-make-var
}

DEST=$WORK/dest
if "$MAKE" -C "$TOP_BUILDDIR" install DESTDIR="$DEST" >"$WORK/install.log" 2>&1; then
	pass "make install DESTDIR=... from the build tree"
else
	fail "make install DESTDIR=... from the build tree" "$(tail -n 20 "$WORK/install.log")"
	done_testing
	exit 0
fi

bindir=$(make_var bindir)
man1dir=$(make_var mandir)/man1
localedir=$(make_var localedir)
bashcompletiondir=$(make_var bashcompletiondir)
zshcompletiondir=$(make_var zshcompletiondir)
version=$(make_var PACKAGE_VERSION)
pkg_config=$(make_var PKG_CONFIG)
diag "bindir=$bindir man1dir=$man1dir" \
	"bashcompletiondir=$bashcompletiondir zshcompletiondir=$zshcompletiondir"

# --- the installed files --------------------------------------------------
installed=$DEST$bindir/popscope
[ -x "$installed" ]
ok $? "the binary is installed in bindir ($bindir)"
[ -f "$DEST$man1dir/popscope.1" ]
ok $? "the man page is installed in man1dir ($man1dir)"
grep -q 'completion' "$DEST$man1dir/popscope.1"
ok $? "the installed man page names the completions"
for lang in $(sed 's/#.*//' "$TOP_SRCDIR/po/LINGUAS"); do
	[ -f "$DEST$localedir/$lang/LC_MESSAGES/popscope.mo" ]
	ok $? "the $lang catalog is installed in localedir"
done
if [ -n "$bashcompletiondir" ]; then
	cmp -s "$TOP_SRCDIR/completion/popscope.bash" "$DEST$bashcompletiondir/popscope"
	ok $? "the bash completion is installed as $bashcompletiondir/popscope"
else
	skip "configured --with-bash-completion-dir=no"
fi
if [ -n "$zshcompletiondir" ]; then
	cmp -s "$TOP_SRCDIR/completion/_popscope" "$DEST$zshcompletiondir/_popscope"
	ok $? "the zsh completion is installed as $zshcompletiondir/_popscope"
else
	skip "configured --with-zsh-completion-dir=no"
fi

# --- --version of the installed binary -------------------------------------
"$installed" --version >"$WORK/version" 2>"$WORK/version.err"
ok $? "installed popscope --version: exit 0"
is "$(cat "$WORK/version.err")" "" "--version: nothing on stderr"
is "$(head -n 1 "$WORK/version")" "popscope $version" "--version: first line is the version"
# library_line NAME PKG: a line "  NAME VERSION", VERSION the one pkg-config
# knows (the runtime library of the -dev package the build used).
library_line()
{
	local want
	want=$("$pkg_config" --modversion "$2" 2>/dev/null)
	if [ -z "$want" ]; then
		like "$(cat "$WORK/version")" "^  $1 [0-9]" "--version names $1"
	else
		like "$(cat "$WORK/version")" "^  $1 $(printf '%s' "$want" | sed 's/[.]/[.]/g')( |\$)" \
			"--version names $1 $want"
	fi
}
library_line OpenSSL openssl
library_line "GNU SASL" libgsasl
library_line GMime gmime-3.0
library_line libxml2 libxml-2.0
library_line ncurses ncursesw
library_line c-ares libcares
like "$(cat "$WORK/version")" '^Copyright \(C\) [0-9]{4} ' "--version: a copyright line"
like "$(cat "$WORK/version")" \
	'^License GPL-3.0-or-later: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>\.$' \
	"--version: the licence line"
like "$(cat "$WORK/version")" '^There is NO WARRANTY, to the extent permitted by law\.$' \
	"--version: the warranty line"

# --- the bash completion ---------------------------------------------------
BASH_COMPLETION=$DEST$bashcompletiondir/popscope
[ -n "$bashcompletiondir" ] || BASH_COMPLETION=$TOP_SRCDIR/completion/popscope.bash
STUBS=$WORK/stubs
mkdir -p "$STUBS" "$WORK/cwd/inbox" "$WORK/cwd/tickets 4711"
: >"$WORK/cwd/notes.txt"

# complete_bash [PATH] -- WORD...: what the completion offers for the last
# WORD of the command line WORD..., one a line, sorted; the words as bash
# splits them (at "=" too). The completion's stderr goes to $WORK/bash.err.
complete_bash()
{
	local path=$PATH
	if [ "$1" != -- ]; then
		path=$1
		shift
	fi
	shift
	(cd "$WORK/cwd" && PATH=$path bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		function=$(complete -p popscope | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
		[ -n "$function" ] || exit 1
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		"$function" popscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' complete_bash "$BASH_COMPLETION" "$@" \
		2>"$WORK/bash.err") | sed '/^$/d' | sort
}

bash --norc --noprofile -c '. "$1" && complete -p popscope' _ "$BASH_COMPLETION" \
	>"$WORK/complete-p" 2>&1
like "$(cat "$WORK/complete-p")" '^complete -F [_a-z]+ popscope$' \
	"bash: sourcing the completion registers a function for popscope"
is "$(complete_bash -- popscope --li)" "--list" "bash: popscope --li<TAB> gives --list"
scram='SCRAM-SHA-1
SCRAM-SHA-1-PLUS
SCRAM-SHA-256
SCRAM-SHA-256-PLUS'
is "$(complete_bash -- popscope --auth S)" "$scram" \
	"bash: popscope --auth S<TAB> gives the SCRAM mechanisms"
is "$(complete_bash -- popscope --auth = SCRAM-SHA-256-)" "SCRAM-SHA-256-PLUS" \
	"bash: popscope --auth=SCRAM-SHA-256-<TAB> (split at =) gives SCRAM-SHA-256-PLUS"
is "$(complete_bash -- popscope --auth=cram)" "--auth=cram-md5" \
	"bash: popscope --auth=cram<TAB> (not split) gives --auth=cram-md5"
is "$(complete_bash -- popscope --save 3 --to '')" "inbox
tickets 4711" "bash: popscope --save 3 --to <TAB> gives the directories, not the file"
is "$(complete_bash -- popscope --ca-file n)" "notes.txt" "bash: --ca-file n<TAB> gives the file"
is "$(complete_bash -- popscope --log-body-lines '')" "all" "bash: --log-body-lines <TAB> gives all"
is "$(complete_bash -- popscope --save '')" "" "bash: --save <TAB> offers nothing"
offered=$(complete_bash -- popscope --check --)
unlike "$offered" '^--(list|save|delete)$' "bash: after --check the other modes are not offered"
like "$offered" '^--to$' "bash: after --check the other options still are"
is "$(complete_bash -- popscope --acc)" "--accept-line-end-count
--accounts" "bash: popscope --acc<TAB> gives --accept-line-end-count and --accounts"
is "$(complete_bash -- popscope --conf)" "--config" "bash: popscope --conf<TAB> gives --config"

# Account names where the URL goes: a stand-in popscope prints the
# agreed format (NAME, a TAB, the URL) and records its arguments.
cat >"$STUBS/popscope" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >"$WORK/stub-args"
[ "\$*" = "--accounts" ] || [ "\$*" = "--config $WORK/other.conf --accounts" ] || exit 64
printf 'work\tpop3s://alice@mail.example.org:995\n'
printf 'home\tpop3://bob@192.0.2.1\n'
printf 'wiki\tpop3s://carol@pop.example.net\n'
printf 'w\$(touch $WORK/expanded)\tpop3://eve@192.0.2.66\n'
printf 'w x\tpop3://eve@192.0.2.66\n'
EOF
chmod +x "$STUBS/popscope"
is "$(complete_bash "$STUBS:$PATH" -- popscope w)" "wiki
work" "bash: popscope w<TAB> gives the account names from popscope --accounts"
[ ! -e "$WORK/expanded" ]
ok $? "bash: an account name is never expanded (nor one with a space offered)"
is "$(complete_bash "$STUBS:$PATH" -- popscope --list '')" "home
pop3://
pop3s://
wiki
work" "bash: popscope --list <TAB> gives the accounts and the URL schemes"
is "$(complete_bash "$STUBS:$PATH" -- popscope --config "$WORK/other.conf" --check h)" "home" \
	"bash: --config FILE is passed on to popscope --accounts"
is "$(cat "$WORK/stub-args")" "--config $WORK/other.conf --accounts" \
	"bash: the stand-in saw --config FILE --accounts"
is "$(complete_bash "$STUBS:$PATH" -- popscope --config "$WORK/missing.conf" w)" "" \
	"bash: popscope --accounts failing: no account offered"
is "$(cat "$WORK/bash.err")" "" "bash: ... and nothing on stderr"
# The real popscope (with or without --accounts, and no config file here).
is "$(complete_bash "$DEST$bindir:$PATH" -- popscope w)" "" \
	"bash: the installed popscope offers no account without a config file"
is "$(cat "$WORK/bash.err")" "" "bash: ... and the completion is quiet"

# --- the zsh completion -----------------------------------------------------
ZSH_COMPLETION=$DEST$zshcompletiondir/_popscope
[ -n "$zshcompletiondir" ] || ZSH_COMPLETION=$TOP_SRCDIR/completion/_popscope
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$ZSH_COMPLETION" 2>"$WORK/zsh-n.err"
	ok $? "zsh -n: the zsh completion parses" || diag "$(cat "$WORK/zsh-n.err")"
else
	skip "zsh is not installed (tests/install-deps.sh installs it)"
fi
# A real zsh completes: an interactive zsh in tmux with the installed
# _popscope in $fpath and compinit (no system-wide start-up files), keys
# in, the screen out.
TMUX_CMD=${TMUX_BIN:-tmux}
[ -n "$TMUX_CMD" ] || TMUX_CMD=tmux
ZSOCK=$WORK/tmux.sock
zsh_screen()
{
	"$TMUX_CMD" -S "$ZSOCK" capture-pane -p -t zsh
}
# zsh_wait REGEX DESC: one test, passes once a screen line matches.
zsh_wait()
{
	local i=0
	while [ "$i" -lt 200 ]; do
		if zsh_screen | grep -Eq -- "$1"; then
			pass "$2"
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	fail "$2" "timed out waiting for /$1/; the screen:" "$(zsh_screen)"
}
# zsh_complete TEXT: a fresh line and screen, TEXT typed, then Tab.
zsh_complete()
{
	"$TMUX_CMD" -S "$ZSOCK" send-keys -t zsh C-u C-l
	"$TMUX_CMD" -S "$ZSOCK" send-keys -t zsh -l "$1"
	"$TMUX_CMD" -S "$ZSOCK" send-keys -t zsh Tab
}
zsh_checks=10
if ! command -v zsh >/dev/null 2>&1; then
	skip "zsh is not installed (tests/install-deps.sh installs it)" $zsh_checks
elif ! command -v "$TMUX_CMD" >/dev/null 2>&1; then
	skip "tmux is not installed" $zsh_checks
else
	mkdir -p "$WORK/zdot"
	cat >"$WORK/zdot/.zshrc" <<EOF
fpath=('${ZSH_COMPLETION%/*}' \$fpath)
path=('$STUBS' \$path)
bindkey -e
autoload -Uz compinit && compinit -u -D
PS1='zsh> '
EOF
	"$TMUX_CMD" -S "$ZSOCK" -f /dev/null new-session -d -s zsh -x 120 -y 30 \
		"cd '$WORK/cwd' && exec env TERM=screen ZDOTDIR='$WORK/zdot' zsh -d -i"
	trap '"$TMUX_CMD" -S "$ZSOCK" kill-server 2>/dev/null; cleanup' EXIT
	# (capture-pane drops the spaces at the end of a line)
	zsh_wait '^zsh>$' "zsh: an interactive zsh with compinit starts"
	zsh_complete 'popscope --li'
	zsh_wait '^zsh> popscope --list$' "zsh: popscope --li<TAB> gives --list"
	zsh_complete 'popscope --auth S'
	zsh_wait '^zsh> popscope --auth SCRAM-SHA-$' "zsh: popscope --auth S<TAB> gives SCRAM-SHA-"
	# A second Tab lists what the common prefix left open.
	"$TMUX_CMD" -S "$ZSOCK" send-keys -t zsh Tab
	zsh_wait 'SCRAM-SHA-1 +SCRAM-SHA-1-PLUS +SCRAM-SHA-256 +SCRAM-SHA-256-PLUS' \
		"zsh: ... and lists the four SCRAM mechanisms"
	zsh_complete 'popscope --save 3 --to '
	zsh_wait '^inbox/ +tickets\\ 4711/' "zsh: --to <TAB> lists the directories"
	unlike "$(zsh_screen)" 'notes' "zsh: ... and not the file"
	zsh_complete 'popscope --list w'
	# compadd quotes what the shell would take specially: names are listed as
	# the stand-in printed them, never expanded.
	zsh_wait '(^| )work$' "zsh: popscope --list w<TAB> lists the accounts from popscope --accounts"
	like "$(zsh_screen)" '(^| )wiki( |$)' "zsh: ... all of them"
	[ ! -e "$WORK/expanded" ]
	ok $? "zsh: an account name is never expanded"
	zsh_complete 'popscope --check --l'
	zsh_wait '^zsh> popscope --check --log' "zsh: after --check, --l<TAB> gives --log, not --list"
	"$TMUX_CMD" -S "$ZSOCK" kill-server 2>/dev/null
fi

# --- no option drifts ------------------------------------------------------
# Every long option in options.c's table: NAME and whether it takes a value.
sed -n '/^static const struct option long_options\[\] = {/,/^};/p' \
	"$TOP_SRCDIR/src/cli/options.c" |
	sed -n 's/^ *{"\([a-z0-9-]*\)", *\([a-z]*\)_argument,.*/\1 \2/p' >"$WORK/options"
like "$(cat "$WORK/options")" '^check no$' "options.c's table read (--check found)"
like "$(cat "$WORK/options")" '^to required$' "options.c's table read (--to takes a value)"
"$POPSCOPE" --help >"$WORK/help" 2>&1
all_offered=$(complete_bash -- popscope --)
missing_help="" missing_bash="" missing_zsh="" wrong_bash="" wrong_zsh=""
while read -r name argument; do
	option=--$name
	grep -Eq -- "(^|[ ,])$option([ =]|\$)" "$WORK/help" || missing_help="$missing_help $option"
	printf '%s\n' "$all_offered" | grep -qx -- "$option" || missing_bash="$missing_bash $option"
	# After an option with a value, its value is completed, not options.
	after=$(complete_bash -- popscope "$option" --no-c)
	if [ "$argument" = required ]; then
		[ -z "$after" ] || wrong_bash="$wrong_bash $option"
		grep -Eq -- "'?$option=-?\[" "$ZSH_COMPLETION" || wrong_zsh="$wrong_zsh $option"
	else
		[ "$after" = --no-color ] || wrong_bash="$wrong_bash $option"
		! grep -Eq -- "$option=" "$ZSH_COMPLETION" || wrong_zsh="$wrong_zsh $option"
	fi
	grep -Eq -- "$option(=-?)?(\[|\})" "$ZSH_COMPLETION" || missing_zsh="$missing_zsh $option"
done <"$WORK/options"
is "$missing_help" "" "every long option of options.c is in --help"
is "$missing_bash" "" "every long option of options.c is offered by the bash completion"
is "$wrong_bash" "" "bash: exactly the options of options.c that take a value complete one"
is "$missing_zsh" "" "every long option of options.c is in the zsh completion"
is "$wrong_zsh" "" "zsh: exactly the options of options.c that take a value end in ="

done_testing
