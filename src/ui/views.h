/* views.h: what the files of src/ui share: the UI state, the view
 * interface and what each file offers the others. Each view (list,
 * preview, log) fills a small table of operations, as tig does; ui.c
 * routes requests and clicks to the focused view. */
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

/* ui.c: the main loop, the terminal, request dispatch */
void ui_message(ui_t *ui, bool is_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
long long ui_now_ms(void);
/* ui_selected: the message selected in the list, or NULL. */
const session_msg_t *ui_selected(ui_t *ui);
/* ui_select_row: move the list selection (keeps it visible; schedules a preview). */
void ui_select_row(ui_t *ui, size_t row);

/* connection.c: the engine's life: connect, its events, reconnect */
void ui_connect(ui_t *ui);
/* ui_reconnect: a new connection after the last one ended (R). */
void ui_reconnect(ui_t *ui);

/* screen.c: the whole screen: title line, panes, status and key-hint lines, prompt */
void screen_draw(ui_t *ui);

/* list_view.c */
void list_view_follow_selection(ui_t *ui);
/* preview_view.c */
void preview_view_reset(ui_t *ui);

/* help.c: draws the help scrolled by offset entries; returns the largest useful offset. */
int help_draw(int lines, int cols, int offset);

/* quit.c */
void quit_begin(ui_t *ui);
/* quit_summary: what was saved where and what was deleted, after the screen closed. */
void quit_summary(ui_t *ui, FILE *out);

/* actions.c: the keys that save, fetch, delete, or send a raw command */
void ui_action_save(ui_t *ui);
void ui_action_delete(ui_t *ui);
void ui_action_undo(ui_t *ui);
void ui_action_command(ui_t *ui);
void ui_action_save_part(ui_t *ui);
void ui_action_fetch(ui_t *ui);
void ui_action_write_log(ui_t *ui);

/* navigate.c: the keys that find and order messages */
void ui_action_search(ui_t *ui);
/* ui_action_search_step: the next (forward) or previous match of the last search. */
void ui_action_search_step(ui_t *ui, bool forward);
/* ui_action_jump: select the message whose number was typed (ui->jump). */
void ui_action_jump(ui_t *ui);
void ui_action_sort_next(ui_t *ui);
void ui_action_sort_reverse(ui_t *ui);
void ui_action_sort_biggest(ui_t *ui);

#endif
