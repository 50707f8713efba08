/* views.h: what the files of src/ui share: the UI state, the view
 * interface and what each file offers the others. Each view (list,
 * preview, log, help) is one file that fills a table of operations and
 * keeps its state behind it, as tig does; views.c puts a view in each
 * pane, ui.c routes keys, requests and clicks to the focused view or to
 * the overlay. */
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

/* A view keeps its own state in view->private: ops->private_size bytes,
 * zeroed, allocated and freed by view_open / view_close (views.c). Other
 * files reach that state only through the functions the view offers below. */
typedef struct {
	const char *name; /* N_(): the pane header unless header is set */
	/* no_action: N_() "%s: no action in the log pane", the status line's
	 * words for a key (%s) the view does not handle; NULL: a general one */
	const char *no_action;
	size_t private_size;
	/* open: set up the private state (NULL when zero is the start) */
	void (*open)(ui_t *ui, view_t *view);
	/* close: free what the private state points to (NULL when nothing) */
	void (*close)(ui_t *ui, view_t *view);
	/* header: the pane's header line into out (NULL: the view's name) */
	void (*header)(ui_t *ui, view_t *view, char *out, size_t size);
	/* draw: the content area (below the pane header) */
	void (*draw)(ui_t *ui, view_t *view, int y, int x, int h, int w);
	/* request: true when the view handled it */
	bool (*request)(ui_t *ui, view_t *view, ui_request_t request);
	/* click: a click on content line `line` (0-based from the top); NULL when
	 * a click only focuses the pane */
	void (*click)(ui_t *ui, view_t *view, int line);
	/* wheel: the mouse wheel, by delta lines */
	void (*wheel)(ui_t *ui, view_t *view, int delta);
	/* tick: after each round of the main loop (NULL when not needed); returns
	 * how soon, in ms, the view wants the next round, or -1 */
	int (*tick)(ui_t *ui, view_t *view);
} view_ops_t;

struct view {
	const view_ops_t *ops; /* NULL while the view is closed */
	void *private;
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
	char *fatal;     /* why the first connection failed */
	tls_info_t *tls; /* the last handshake's details, kept past its engine (the report) */
	session_t *session;
	layout_t layout;
	view_t views[PANE_COUNT]; /* one per pane, as registered in views.c */
	view_t overlay;           /* a full-screen view over the panes (help) while open */
	prompt_t prompt;
	bool running;
	bool quitting;
	bool ascii;
	const char *save_dir;
	char jump[24];
	size_t jump_len;
	char *search;
	char *message; /* a UI-side status message, overrides the session's once */
	bool message_error;
	struct external *external; /* external.c's state: a program and its copy */
};

extern const view_ops_t list_view_ops;
extern const view_ops_t preview_view_ops;
extern const view_ops_t log_view_ops;
extern const view_ops_t help_view_ops;
extern const view_ops_t pager_view_ops;
extern const view_ops_t summary_view_ops;

/* views.c: the registered views and their life */
/* views_open: a view for each pane, as registered. */
void views_open(ui_t *ui);
/* views_close: close the pane views and the overlay. */
void views_close(ui_t *ui);
/* views_tick: every open view's tick; the soonest next round any of them
 * wants (ms), or -1. */
int views_tick(ui_t *ui);
void view_open(ui_t *ui, view_t *view, const view_ops_t *ops);
void view_close(ui_t *ui, view_t *view);

/* list_view.c */
/* list_view_selected: the message selected in the list, or NULL. */
const mailbox_msg_t *list_view_selected(ui_t *ui);
size_t list_view_selected_row(ui_t *ui);
/* list_view_select_row: move the list selection (kept visible; the preview follows). */
void list_view_select_row(ui_t *ui, size_t row);

/* preview_view.c */
/* preview_view_follow: the list selection moved to message number; the
 * preview loads it once the selection rests. */
void preview_view_follow(ui_t *ui, uint64_t number);
/* preview_view_show: load message number now (Enter). */
void preview_view_show(ui_t *ui, uint64_t number);
/* preview_view_text: the preview's text as the pane shows it (decoded or
 * raw, unsanitized), rebuilt when the preview changed; generation grows
 * with each rebuild; raw: the raw source is shown. Valid until the next
 * draw. */
const char *preview_view_text(ui_t *ui, size_t *len, unsigned long *generation, bool *raw);
/* preview_view_toggle_raw: v: decoded text / raw source. */
void preview_view_toggle_raw(ui_t *ui);

/* ui.c: the main loop, the terminal, request dispatch */
void ui_message(ui_t *ui, bool is_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
long long ui_now_ms(void);

/* connection.c: the engine's life: connect, its events, reconnect */
void ui_connect(ui_t *ui);
/* ui_cancel_connect: Esc while the engine resolves, connects or logs in
 * gives the attempt up instead of waiting for it (no QUIT was possible
 * yet, so the server deletes nothing); R tries again. */
void ui_cancel_connect(ui_t *ui);
/* ui_reconnect: a new connection after the last one ended (R). */
void ui_reconnect(ui_t *ui);

/* screen.c: the whole screen: title line, panes, status and key-hint lines, prompt */
void screen_draw(ui_t *ui);

/* quit.c */
void quit_begin(ui_t *ui);
/* quit_summary: what was saved where and what was deleted, after the screen closed. */
void quit_summary(ui_t *ui, FILE *out);

/* actions.c: the keys that save, fetch, delete, send a raw command, or write a file */
void ui_action_save(ui_t *ui);
void ui_action_delete(ui_t *ui);
void ui_action_undo(ui_t *ui);
void ui_action_command(ui_t *ui);
void ui_action_save_part(ui_t *ui);
void ui_action_fetch(ui_t *ui);
void ui_action_write_log(ui_t *ui);
/* ui_action_write_report: T: ask for a path (a new name in the save
 * directory), write the ticket report there, say where on the status line. */
void ui_action_write_report(ui_t *ui);
/* ui_write_report: the ticket report of the session so far (ticket.h) to
 * path; problem: why the session failed, or NULL. 0, or -1 with *errstr. */
int ui_write_report(ui_t *ui, const char *path, const char *problem, char **errstr);
/* ui_ask_size: once a round: a save waiting for the user's word on its
 * size (session_size_question) gets its dialog when no other prompt is
 * open; a dialog whose question went away with the connection closes. */
void ui_ask_size(ui_t *ui);

/* external.c: another program on a message or a part: $PAGER (P),
 * $EDITOR (e), a command it is piped to (|). The message is fetched
 * whole first when it is not; the program gets a private 0600 copy,
 * removed afterwards, and the terminal while it runs, while the loop goes
 * on serving the connection. */
typedef enum {
	EXTERNAL_PAGER,
	EXTERNAL_EDITOR,
	EXTERNAL_PIPE,
} external_kind_t;
/* ui_action_external: the key: the selected message, or, from the
 * preview or the pager of a message with parts, a part asked for first. */
void ui_action_external(ui_t *ui, external_kind_t kind);
/* external_owns_terminal: a program runs or its "press a key" waits: no
 * drawing. external_owns_keys: a program runs: the terminal's input is
 * its own. */
bool external_owns_terminal(const ui_t *ui);
bool external_owns_keys(const ui_t *ui);
/* external_key: the key that ends "press a key" arrived on the terminal. */
void external_key(ui_t *ui);
/* external_tick: once a round: a finished program is reaped (the screen
 * comes back, its status reported), a fetch it waited for is checked. */
void external_tick(ui_t *ui);
/* external_end: popscope ends: a program still running is stopped and
 * its copy removed. */
void external_end(ui_t *ui);

/* navigate.c: the keys that find and order messages */
void ui_action_search(ui_t *ui);
/* ui_action_search_step: the next (forward) or previous match of the last search. */
void ui_action_search_step(ui_t *ui, bool forward);
/* ui_action_jump: select the message whose number was typed (ui->jump). */
void ui_action_jump(ui_t *ui);
void ui_action_sort_next(ui_t *ui);
void ui_action_sort_reverse(ui_t *ui);
void ui_action_sort_biggest(ui_t *ui);
void ui_action_sort_problems(ui_t *ui);
/* ui_action_limit: ask for a limit pattern (l in the list). */
void ui_action_limit(ui_t *ui);
/* ui_apply_limit: narrow the list to pattern (blank: show all) and say
 * how many messages it shows; a bad pattern leaves the limit as it was
 * and the message names the bad term. Returns whether it was applied. */
bool ui_apply_limit(ui_t *ui, const char *pattern);

#endif
