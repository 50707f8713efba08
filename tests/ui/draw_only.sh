#!/bin/bash
# Text reaches the screen only through src/ui/draw.c, which sanitizes it:
# no other file calls curses to output text, and only src/ui includes curses.
# Reads the sources; needs neither tmux nor Dovecot.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"

top=$(cd "${TESTS_SRCDIR:-$(dirname "$0")/..}/.." && pwd)
command -v perl >/dev/null 2>&1 || skip_all "perl not installed"
[ -f "$top/src/ui/draw.c" ] || bail_out "no src/ui/draw.c under $top"

plan 4

# curses_text_calls FILE...: "file:line: call" for every curses call that
# outputs characters (the add*, ins*, printw, echochar and line-drawing
# families, with their w, mv and mvw forms), comments and strings left out.
curses_text_calls()
{
	perl -e '
		my $call = qr{\b(?:
			(?:mv)?w?(?:add|ins)(?:ch|chn?str|n?str|n?wstr|_wch|_wchn?str|_n?wstr)
			| (?:mv)?w?(?:printw|hline|vline|hline_set|vline_set)
			| v_?w_?printw | w?border(?:_set)? | box(?:_set)?
			| w?echochar | w?echo_wchar | pechochar | pecho_wchar
		)\s*\(}x;
		for my $file (@ARGV) {
			open(my $fh, "<", $file) or die "$file: $!";
			local $/;
			my $src = <$fh>;
			# Blank comments, strings and character constants, keeping newlines.
			$src =~ s{(/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|'"'"'(?:\\.|[^'"'"'\\\n])*'"'"')}
				 { (my $m = $1) =~ s/[^\n]/ /g; $m }gse;
			my $line = 1;
			for (split /\n/, $src, -1) {
				print "$file:$line: $1\n" while /($call)/g;
				$line++;
			}
		}' "$@"
}

found=$(curses_text_calls "$top"/src/ui/draw.c)
like "$found" 'addnwstr' "the check finds draw.c's own curses text calls"

others=()
for f in "$top"/src/ui/*.[ch]; do
	[ "$(basename "$f")" = draw.c ] || others+=("$f")
done
found=$(curses_text_calls "${others[@]}")
is "$found" "" "no file in src/ui but draw.c calls curses to output text"

probe=$(mktemp) || bail_out "mktemp"
printf 'static void f(void)\n{\n\t/* mvaddstr(0, 0, "x") */\n\tmvwprintw(w, 0, 0, "%%s", s);\n}\n' \
	>"$probe"
found=$(curses_text_calls "$probe")
rm -f "$probe"
like "$found" ':4: mvwprintw' "the check sees through comments and strings"

found=$(cd "$top" && grep -rlE '#[[:space:]]*include[[:space:]]*<[^>]*curses[^>]*>' src |
	grep -v '^src/ui/')
is "$found" "" "only files in src/ui include curses"

done_testing
