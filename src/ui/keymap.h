/* keymap.h: keys become named requests; the help screen lists the table. */
#ifndef POPSCOPE_KEYMAP_H
#define POPSCOPE_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	UIREQ_NONE,
	UIREQ_UP,
	UIREQ_DOWN,
	UIREQ_PAGE_UP,
	UIREQ_PAGE_DOWN,
	UIREQ_HOME,
	UIREQ_END,
	UIREQ_ENTER,
	UIREQ_FOCUS_NEXT,
	UIREQ_LAYOUT,
	UIREQ_SORT_NEXT,
	UIREQ_SORT_REVERSE,
	UIREQ_SORT_BIGGEST,
	UIREQ_SORT_PROBLEMS,
	UIREQ_SEARCH,
	UIREQ_SEARCH_NEXT,
	UIREQ_SEARCH_PREV,
	UIREQ_SAVE,
	UIREQ_DELETE,
	UIREQ_UNDO,
	UIREQ_QUIT,
	UIREQ_COMMAND,
	UIREQ_HELP,
	UIREQ_RAW_TOGGLE,
	UIREQ_SAVE_PART,
	UIREQ_FETCH,
	UIREQ_CANCEL,
	UIREQ_WRITE_LOG,
	UIREQ_WRITE_REPORT,
	UIREQ_RECONNECT,
	UIREQ_REDRAW,
	UIREQ_HALF_PAGE_UP,
	UIREQ_HALF_PAGE_DOWN,
	UIREQ_LEFT,  /* the log: scroll left; the preview: back to the list */
	UIREQ_RIGHT, /* the log: scroll right; the list: open the preview */
	UIREQ_LOG_WRAP,
	UIREQ_LOG_BRIEF,
	UIREQ_PAGER,
	UIREQ_OPEN_PAGER,
	UIREQ_EDIT,
	UIREQ_PIPE,
	UIREQ_LIMIT,
	UIREQ_SUMMARY,
} ui_request_t;

typedef struct {
	int key; /* a curses key code or a character */
	ui_request_t request;
	const char *label; /* key as shown in help ("PgDn", "j") */
	const char *help;  /* N_() text */
} keymap_entry_t;

/* keymap_lookup: the request bound to key, UIREQ_NONE when unbound. */
ui_request_t keymap_lookup(int key);
/* keymap_lookup_text: the request bound to key while the log pane or the
 * preview has focus, before keymap_lookup (h and l scroll there; l is
 * another key in the list); UIREQ_NONE when there is none. */
ui_request_t keymap_lookup_text(int key);
/* keymap_key_name: the key as the status line names it ("Left", "^D",
 * "F5", "x"), into out. */
void keymap_key_name(int key, bool function_key, char *out, size_t size);
/* keymap_entries: the table, for the help screen. */
const keymap_entry_t *keymap_entries(size_t *count);

#endif
