/* keymap.h: keys become named requests; the help screen lists the table. */
#ifndef POPSCOPE_KEYMAP_H
#define POPSCOPE_KEYMAP_H

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
	UIREQ_RECONNECT,
	UIREQ_REDRAW,
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
/* keymap_entries: the table, for the help screen. */
const keymap_entry_t *keymap_entries(size_t *count);

#endif
