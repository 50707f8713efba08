/* views.h: what the UI files share: the UI state and the view table.
 * Each view (list, preview, log) fills a small table of operations, as
 * tig does; ui.c routes requests and clicks to the focused view. */
#ifndef POPSCOPE_VIEWS_H
#define POPSCOPE_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/options.h"
#include "pop3/engine.h"
#include "session.h"
#include "trace.h"
#include "ui/keymap.h"
#include "ui/layout.h"
#include "ui/prompt.h"

typedef struct ui ui_t;
typedef struct view view_t;

typedef struct {
	const char *name; /* N_() */
	/* draw: the content area (below the pane header) */
	void (*draw)(ui_t *ui, view_t *view, int y, int x, int h, int w);
	/* request: true when the view handled it */
	bool (*request)(ui_t *ui, view_t *view, ui_request_t request);
	/* click: a click on content line `line` (0-based from the top); NULL when
	 * a click only focuses the pane */
	void (*click)(ui_t *ui, view_t *view, int line);
	/* wheel: the mouse wheel, by delta lines */
	void (*wheel)(ui_t *ui, view_t *view, int delta);
} view_ops_t;

struct view {
	const view_ops_t *ops;
	int height;      /* content lines at the last draw */
	size_t offset;   /* first row or line shown */
	size_t selected; /* list: selected row */
	uint64_t selected_number;
	bool follow;       /* log: stay at the end */
	bool raw;          /* preview: raw source */
	size_t line_count; /* content lines (preview, log) */
};

struct ui {
	const cli_options_t *options;
	const pop3_config_t *config;
	trace_t *trace;
	pop3_t *pop3;
	bool kick;        /* go round the loop again without waiting (a key arrived) */
	bool engine_dead; /* free pop3 in the main loop (not from its callback) */
	bool connected;   /* reached READY at least once */
	int exit_status;
	char *fatal; /* why the first connection failed */
	session_t *session;
	layout_t layout;
	view_t views[PANE_COUNT];
	prompt_t prompt;
	bool help;
	int help_offset;
	int help_max;
	bool running;
	bool quitting;
	bool ascii;
	const char *save_dir;
	char jump[24];
	size_t jump_len;
	char *search;
	uint64_t preview_want;
	long long preview_due_ms;
	unsigned long raw_serial_seen;
	bool preview_raw_reply; /* the preview shows the last raw multi-line reply */
	char *message;          /* a UI-side status message, overrides the session's once */
	bool message_error;
};

extern const view_ops_t list_view_ops;
extern const view_ops_t preview_view_ops;
extern const view_ops_t log_view_ops;

/* ui.c */
void ui_message(ui_t *ui, bool is_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
long long ui_now_ms(void);
/* ui_selected: the message selected in the list, or NULL. */
const mailbox_msg_t *ui_selected(ui_t *ui);
/* ui_select_row: move the list selection (keeps it visible; schedules a preview). */
void ui_select_row(ui_t *ui, size_t row);
void ui_reconnect(ui_t *ui);

/* list_view.c */
void list_view_follow_selection(ui_t *ui);
/* preview_view.c */
void preview_view_reset(ui_t *ui);

/* help.c: draws the help scrolled by offset entries; returns the largest useful offset. */
int help_draw(int lines, int cols, int offset);

/* quit.c */
void quit_begin(ui_t *ui);
/* quit_finish_screen: what the status line says while QUIT is in flight. */
void quit_summary(ui_t *ui, FILE *out);

/* actions (ui.c): the keys that change the mailbox */
void ui_action_save(ui_t *ui);
void ui_action_delete(ui_t *ui);
void ui_action_undo(ui_t *ui);
void ui_action_command(ui_t *ui);
void ui_action_save_part(ui_t *ui);
void ui_action_fetch(ui_t *ui);
void ui_action_write_log(ui_t *ui);

#endif
