#include <config.h>

#include "ui/keymap.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "util/gettext.h"

#define CTRL(c) ((c)&0x1f)

static const keymap_entry_t entries[] = {
    {KEY_UP, UIREQ_UP, "Up", N_("move up / scroll up")},
    {'k', UIREQ_UP, "k", NULL},
    {KEY_DOWN, UIREQ_DOWN, "Down", N_("move down / scroll down")},
    {'j', UIREQ_DOWN, "j", NULL},
    {KEY_PPAGE, UIREQ_PAGE_UP, "PgUp", N_("page up")},
    {KEY_NPAGE, UIREQ_PAGE_DOWN, "PgDn", N_("page down")},
    {' ', UIREQ_PAGE_DOWN, "Space", NULL},
    {KEY_HOME, UIREQ_HOME, "Home", N_("first row")},
    {'g', UIREQ_HOME, "g", NULL},
    {KEY_END, UIREQ_END, "End", N_("last row")},
    {'G', UIREQ_END, "G", NULL},
    {'\r', UIREQ_ENTER, "Enter", N_("open the preview / jump to the typed number")},
    {'\n', UIREQ_ENTER, NULL, NULL},
    {KEY_ENTER, UIREQ_ENTER, NULL, NULL},
    {'\t', UIREQ_FOCUS_NEXT, "Tab", N_("next pane")},
    {'L', UIREQ_LAYOUT, "L", N_("layout: log right / below / hidden / full")},
    {'o', UIREQ_SORT_NEXT, "o", N_("sort by number, size, date, from, subject, problems")},
    {'O', UIREQ_SORT_REVERSE, "O", N_("reverse the sort")},
    {'Z', UIREQ_SORT_BIGGEST, "Z", N_("biggest messages first")},
    {'!', UIREQ_SORT_PROBLEMS, "!", N_("problem messages first (the preview says why)")},
    {'/', UIREQ_SEARCH, "/", N_("search sender name and address, subject, UIDL")},
    {'n', UIREQ_SEARCH_NEXT, "n", N_("next match")},
    {'N', UIREQ_SEARCH_PREV, "N", N_("previous match")},
    {'s', UIREQ_SAVE, "s", N_("save the message to a file (.eml, or an mbox)")},
    {'d', UIREQ_DELETE, "d", N_("delete (only after a verified save; at quit)")},
    {'u', UIREQ_UNDO, "u", N_("undo every pending deletion (RSET)")},
    {'q', UIREQ_QUIT, "q", N_("quit (lists pending deletions first)")},
    {':', UIREQ_COMMAND, ":", N_("raw POP3 command line")},
    {'?', UIREQ_HELP, "?", N_("this help")},
    {KEY_F(1), UIREQ_HELP, NULL, NULL},
    {'v', UIREQ_RAW_TOGGLE, "v", N_("preview: decoded / raw source")},
    {'a', UIREQ_SAVE_PART, "a", N_("save a MIME part (attachment), decoded")},
    {'f', UIREQ_FETCH, "f", N_("fetch the whole message (RETR to a spool file)")},
    {27, UIREQ_CANCEL, "Esc",
     N_("cancel connecting, a fetch or the saves / clear the typed number")},
    {'w', UIREQ_WRITE_LOG, "w", N_("write the protocol log to a file")},
    {'T', UIREQ_WRITE_REPORT, "T", N_("write the ticket report (server, TLS, saves, deletions)")},
    {'R', UIREQ_RECONNECT, "R", N_("reconnect after the connection dropped")},
    {CTRL('l'), UIREQ_REDRAW, "^L", N_("redraw the screen")},
    {CTRL('f'), UIREQ_PAGE_DOWN, "^F", NULL},
    {CTRL('b'), UIREQ_PAGE_UP, "^B", NULL},
    {CTRL('d'), UIREQ_HALF_PAGE_DOWN, "^D", N_("half a page down")},
    {CTRL('u'), UIREQ_HALF_PAGE_UP, "^U", N_("half a page up")},
    {KEY_F(10), UIREQ_QUIT, "F10", NULL},
    {KEY_LEFT, UIREQ_LEFT, "Left", N_("log: scroll left (h too); preview: back to the list")},
    {KEY_RIGHT, UIREQ_RIGHT, "Right", N_("log: scroll right (l too); list: open the preview")},
    {'W', UIREQ_LOG_WRAP, "W", N_("log: wrap long lines / cut them (Left, Right scroll)")},
    {'F', UIREQ_LOG_BRIEF, "F", N_("log: commands and status lines only / everything")},
    {'p', UIREQ_PAGER, "p", N_("the preview full screen (q closes, / searches)")},
    {'P', UIREQ_OPEN_PAGER, "P", N_("open the message (or a part) in $PAGER")},
    {'e', UIREQ_EDIT, "e", N_("open a throwaway copy in $VISUAL / $EDITOR")},
    {'|', UIREQ_PIPE, "|", N_("pipe the message (or a part) to a command")},
    {'l', UIREQ_LIMIT, "l", N_("list: show only messages matching a pattern (empty: all)")},
    {'M', UIREQ_SUMMARY, "M", N_("mailbox summary: size by sender and by month")},
};

/* Keys of the log pane and the preview only (keymap_lookup_text). */
static const keymap_entry_t text_entries[] = {
    {'h', UIREQ_LEFT, "h", NULL},
    {'l', UIREQ_RIGHT, "l", NULL},
};

ui_request_t keymap_lookup(int key)
{
	for (size_t i = 0; i < sizeof entries / sizeof *entries; i++)
		if (entries[i].key == key)
			return entries[i].request;
	return UIREQ_NONE;
}

ui_request_t keymap_lookup_text(int key)
{
	for (size_t i = 0; i < sizeof text_entries / sizeof *text_entries; i++)
		if (text_entries[i].key == key)
			return text_entries[i].request;
	return UIREQ_NONE;
}

/* function_key_name: a curses key code's name: "F5", "Insert", or what
 * curses calls it without its KEY_ prefix. */
static void function_key_name(int key, char *out, size_t size)
{
	static const struct {
		int key;
		const char *name;
	} names[] = {
	    {KEY_IC, "Insert"},
	    {KEY_DC, "Delete"},
	    {KEY_BACKSPACE, "Backspace"},
	    {KEY_BTAB, "S-Tab"},
	};
	for (int f = 0; f <= 63; f++)
		if (key == KEY_F(f)) {
			snprintf(out, size, "F%d", f);
			return;
		}
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (names[i].key == key) {
			snprintf(out, size, "%s", names[i].name);
			return;
		}
	const char *name = keyname(key);
	if (name && strncmp(name, "KEY_", 4) == 0)
		name += 4;
	snprintf(out, size, "%s", name ? name : "?");
}

void keymap_key_name(int key, bool function_key, char *out, size_t size)
{
	for (size_t i = 0; i < sizeof entries / sizeof *entries; i++)
		if (entries[i].key == key && entries[i].label &&
		    (function_key ? key > 0xff : key <= 0xff)) {
			snprintf(out, size, "%s", entries[i].label);
			return;
		}
	if (function_key) {
		function_key_name(key, out, size);
	} else if (key == 127 || key == 8) {
		snprintf(out, size, "%s", "Backspace");
	} else if (key >= 0 && key < 0x20) {
		snprintf(out, size, "^%c", key + '@');
	} else {
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		memset(&st, 0, sizeof st);
		size_t n = wcrtomb(mb, (wchar_t)key, &st);
		mb[n == (size_t)-1 ? 0 : n] = '\0';
		snprintf(out, size, "%s", mb);
	}
}

const keymap_entry_t *keymap_entries(size_t *count)
{
	*count = sizeof entries / sizeof *entries;
	return entries;
}
