#!/bin/bash
# popscope in German and French, as installed: a build into a scratch
# prefix (configure --prefix, make install), locales made with localedef
# (no root), then --help, an error, the --check report and the full-screen
# view at 80x24 in each language. The expected text comes from the
# installed catalog itself (gettext -d popscope), so the test checks that
# popscope shows its translations, in display cells that fit the screen.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

languages="de fr"
tui_setup 12
plan 27

top_srcdir=$(cd "$TUI_SRCDIR/.." && pwd)
prefix=$TUI_DIR/prefix
build=$TUI_DIR/build
mkdir -p "$build"
if ! (cd "$build" && "$top_srcdir/configure" --quiet --prefix="$prefix" CFLAGS=-O0 &&
	make -j2 && make install) >"$TUI_DIR/build.log" 2>&1; then
	tail -n 40 "$TUI_DIR/build.log" >&2
	bail_out "the scratch build or its make install failed"
fi
installed=$prefix/bin/popscope
[ -x "$installed" ]
ok $? "make install put popscope in the scratch prefix"

# Locales without root: compiled into a directory of our own.
locales=$TUI_DIR/locales
mkdir -p "$locales"
for lang in $languages; do
	locale=${lang}_$(echo "$lang" | tr a-z A-Z).UTF-8
	localedef -i "${locale%.UTF-8}" -f UTF-8 "$locales/$locale" >"$TUI_DIR/localedef.log" 2>&1 ||
		bail_out "localedef $locale failed (the locales package is needed): $(cat "$TUI_DIR/localedef.log")"
done

# in_lang LANG CMD...: CMD under LANG's locale, with popscope's catalogs.
in_lang()
{
	local lang=$1 locale=${1}_$(echo "$1" | tr a-z A-Z).UTF-8
	shift
	env LOCPATH="$locales" LANG="$locale" LC_ALL="$locale" LANGUAGE= \
		TEXTDOMAINDIR="$prefix/share/locale" "$@"
}

# tr_of LANG MSGID: the catalog's translation of MSGID.
tr_of()
{
	in_lang "$1" gettext -d popscope -- "$2"
}

# cells TEXT: the display cells of TEXT (no wide characters in these).
cells()
{
	local text=$1
	LC_ALL=C.UTF-8 bash -c 'printf %s "${#1}"' _ "$text"
}

english_help=$(LC_ALL=C LANG=C "$installed" --help)
# The message ends in a newline, which $(...) took away.
usage_msgid="$english_help"$'\n'
for lang in $languages; do
	[ -s "$prefix/share/locale/$lang/LC_MESSAGES/popscope.mo" ]
	ok $? "$lang: the catalog is installed under share/locale"
	help=$(in_lang "$lang" "$installed" --help)
	isnt "$help" "$english_help" "$lang: --help is translated"
	is "$help" "$(tr_of "$lang" "$usage_msgid")" "$lang: --help is the catalog's text"
	long=$(printf '%s\n' "$help" | while IFS= read -r line; do
		[ "$(cells "$line")" -gt 80 ] && printf '%s\n' "$line"
	done)
	is "$long" "" "$lang: every --help line fits 80 columns"

	error=$(in_lang "$lang" "$installed" --check ftp://x 2>&1)
	format=$(tr_of "$lang" 'unsupported scheme "%s" in %s (expected pop3 or pop3s)')
	# shellcheck disable=SC2059 # the format is the catalog's
	is "$error" "popscope: $(printf "$format" ftp ftp://x)" "$lang: an error message is translated"

	report=$(in_lang "$lang" "$installed" --check --ca-file "$CA_FILE" \
		--password-command "cat $TUI_DIR/pw" "$TUI_URL" 2>&1)
	format=$(in_lang "$lang" ngettext -d popscope '%llu message, %s' '%llu messages, %s' 12)
	count=$(printf '%s' "$format" | sed 's/%llu/12/; s/%s.*//')
	like "$report" "^stat +OK .* ${count}" "$lang: the --check report counts in $lang ($count)"
done

for lang in $languages; do
	TUI_COLS=80 TUI_ROWS=24
	TUI_LANG=${lang}_$(echo "$lang" | tr a-z A-Z).UTF-8
	TUI_ENV="LOCPATH='$locales' LANGUAGE="
	POPSCOPE=$installed tui_start
	tui_wait '^> +1 ' 15 || diag "$lang: the list did not appear"
	screen=$(tui_screen)
	like "$(tui_row 1)" '^ popscope  alice@' "$lang 80x24: the title is on the first line"
	# shellcheck disable=SC2059 # the format is the catalog's
	header=" $(tr_of "$lang" Messages)$(printf "$(tr_of "$lang" ' (sorted by %s)')" \
		"$(tr_of "$lang" number)")"
	is "$(tui_row 2)" "$header" "$lang 80x24: the list pane's header"
	headings=$(tui_row 3)
	like "$headings" "$(tr_of "$lang" Subject)" "$lang 80x24: the column headings are translated"
	first=$(tui_row 4)
	size=$(tr_of "$lang" Size)
	# The heading ends one cell before the sizes do: that cell is the sort arrow's.
	size_end=$(($(cells "${headings%%"$size"*}") + $(cells "$size") + 1))
	row_end=$(($(cells "${first%%" B "*}") + 2))
	is "$size_end" "$row_end" "$lang 80x24: the size heading ends over the sizes (display cells)"
	hints=$(tr_of "$lang" 'q quit s save d delete u undo :cmd /search o sort Tab pane L layout ? help')
	last=$(tui_row 24)
	like "$hints" "^$(printf '%s' "${last%% }" | sed 's/[][\\.*^$?+(){}|/]/\\&/g')" \
		"$lang 80x24: the key hints are on the last line"
	tui_keys '?'
	tui_wait "$(tr_of "$lang" 'popscope help (j/k scroll, any other key closes)' |
		sed 's/[][\\.*^$?+(){}|/]/\\&/g')" 5
	ok $? "$lang 80x24: the help screen is translated"
	tui_keys x
	tui_keys q
	status=$(tui_wait_exit)
	is "$status" 0 "$lang: q ends the view"
done
printf '%s\n' "$screen" >"$TUI_DIR/last-screen.txt"
