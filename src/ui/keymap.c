#include <config.h>

#include "ui/keymap.h"

#include <curses.h>

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
    {'o', UIREQ_SORT_NEXT, "o", N_("sort by number, size, date, from, subject")},
    {'O', UIREQ_SORT_REVERSE, "O", N_("reverse the sort")},
    {'Z', UIREQ_SORT_BIGGEST, "Z", N_("biggest messages first")},
    {'/', UIREQ_SEARCH, "/", N_("search from, subject, UIDL")},
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
    {27, UIREQ_CANCEL, "Esc", N_("cancel connecting or a fetch / clear the typed number")},
    {'w', UIREQ_WRITE_LOG, "w", N_("write the protocol log to a file")},
    {'R', UIREQ_RECONNECT, "R", N_("reconnect after the connection dropped")},
    {CTRL('l'), UIREQ_REDRAW, "^L", N_("redraw the screen")},
    {'l', UIREQ_LIMIT, "l", N_("list: show only messages matching a pattern (empty: all)")},
    {'M', UIREQ_SUMMARY, "M", N_("mailbox summary: size by sender and by month")},
};

ui_request_t keymap_lookup(int key)
{
	for (size_t i = 0; i < sizeof entries / sizeof *entries; i++)
		if (entries[i].key == key)
			return entries[i].request;
	return UIREQ_NONE;
}

const keymap_entry_t *keymap_entries(size_t *count)
{
	*count = sizeof entries / sizeof *entries;
	return entries;
}
