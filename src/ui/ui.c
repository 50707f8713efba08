#include <config.h>

#include "ui/ui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/exitcode.h"
#include "loop.h"
#include "mime.h"
#include "ui/draw.h"
#include "ui/views.h"
#include "util/gettext.h"
#include "util/numparse.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* Redraws are throttled while the network is busy. */
#define REDRAW_INTERVAL_MS 50
/* The preview follows the selection after it rests this long. */
#define PREVIEW_DELAY_MS 120
/* How long the quit flow waits for the server's answer to QUIT. */
#define QUIT_GRACE_MS 10000

static int signal_pipe[2] = {-1, -1};
static bool curses_active;

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;
	if (signal_pipe[1] >= 0 && write(signal_pipe[1], &b, 1) < 0) {
		/* The pipe is full: a wake-up is pending anyway. */
	}
	errno = saved;
}

/* restore_terminal: also runs from atexit, so an exit from deep inside
 * (out of memory) leaves a usable terminal. */
static void restore_terminal(void)
{
	if (curses_active) {
		curses_active = false;
		endwin();
	}
}

long long ui_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ui_message(ui_t *ui, bool is_error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(ui->message);
	ui->message = xvasprintf(fmt, ap);
	va_end(ap);
	ui->message_error = is_error;
}

const session_msg_t *ui_selected(ui_t *ui)
{
	view_t *list = &ui->views[PANE_LIST];
	return session_row(ui->session, list->selected);
}

void ui_select_row(ui_t *ui, size_t row)
{
	view_t *list = &ui->views[PANE_LIST];
	const session_msg_t *msg = session_row(ui->session, row);
	if (!msg)
		return;
	list->selected = row;
	list->selected_number = msg->number;
	ui->preview_raw_reply = false;
	ui->preview_want = msg->number;
	ui->preview_due_ms = ui_now_ms() + PREVIEW_DELAY_MS;
}

/* ---- engine ---- */

static void on_engine_event(void *ctx, pop3_event_t event, long elapsed_ms)
{
	ui_t *ui = ctx;
	switch (event) {
	case POP3_EVENT_READY:
		ui->connected = true;
		free(ui->message);
		ui->message = NULL;
		session_attach(ui->session, ui->pop3);
		break;
	case POP3_EVENT_FAILED:
	case POP3_EVENT_CLOSED: {
		const char *why = pop3_errstr(ui->pop3);
		if (!ui->connected && event == POP3_EVENT_FAILED) {
			const char *server = pop3_server_text(ui->pop3);
			free(ui->fatal);
			/* The engine's text usually quotes the server already. */
			ui->fatal = server && !strstr(why, server)
					? xasprintf("%s (%s)", why, server)
					: xstrdup(why);
			ui->exit_status = exitcode_for_engine(ui->pop3);
			ui->running = false;
		}
		session_detach(ui->session,
			       why && *why ? why : _("the server closed the connection"));
		ui->engine_dead = true;
		break;
	}
	default: break;
	}
}

static void connect_engine(ui_t *ui)
{
	ui->pop3 = pop3_new(ui->config, ui->trace);
	ui->engine_dead = false;
	pop3_open(ui->pop3, on_engine_event, ui);
}

void ui_reconnect(ui_t *ui)
{
	if (session_state(ui->session) != SESSION_DISCONNECTED) {
		ui_message(ui, false, "%s", _("Still connected."));
		return;
	}
	if (ui->pop3) {
		pop3_free(ui->pop3);
		ui->pop3 = NULL;
	}
	ui_message(ui, false, "%s", _("Reconnecting..."));
	ui->connected = true; /* a failure now keeps the screen up */
	connect_engine(ui);
}

/* ---- actions ---- */

static const session_msg_t *need_selection(ui_t *ui)
{
	const session_msg_t *msg = ui_selected(ui);
	if (!msg)
		ui_message(ui, true, "%s", _("No message selected."));
	return msg;
}

static char *default_dir(ui_t *ui)
{
	return xstrdup(ui->save_dir ? ui->save_dir : ".");
}

static void split_path(const char *path, char **dir, char **name)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		*dir = xstrdup(".");
		*name = xstrdup(path);
	} else {
		*dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
		*name = xstrdup(slash + 1);
	}
}

static void on_save_path(ui_t *ui, const char *answer, int key, uint64_t number)
{
	if (!answer || !*answer)
		return;
	char *err = NULL;
	int rc;
	/* "mbox:PATH" or a name ending in .mbox appends to an mbox. */
	bool mbox = strncmp(answer, "mbox:", 5) == 0;
	const char *path = mbox ? answer + 5 : answer;
	size_t len = strlen(path);
	if (len > 5 && strcmp(path + len - 5, ".mbox") == 0)
		mbox = true;
	if (mbox) {
		rc = session_save(ui->session, number, NULL, path, true, &err);
	} else {
		char *dir, *name;
		split_path(path, &dir, &name);
		if (!*name)
			rc = -1, err = xstrdup(_("no file name given"));
		else
			rc = session_save(ui->session, number, dir, name, false, &err);
		free(dir);
		free(name);
	}
	if (rc < 0)
		ui_message(ui, true, _("Cannot save: %s"), err ? err : "");
	free(err);
}

void ui_action_save(ui_t *ui)
{
	const session_msg_t *msg = need_selection(ui);
	if (!msg)
		return;
	char *dir = default_dir(ui);
	char *name = session_default_name(ui->session, msg->number);
	char *initial = strcmp(dir, ".") == 0 ? xstrdup(name) : xasprintf("%s/%s", dir, name);
	char *question = xasprintf(_("Save message %llu to (mbox:PATH appends): "),
				   (unsigned long long)msg->number);
	prompt_line(&ui->prompt, question, initial, HISTORY_PATH, on_save_path, msg->number);
	free(question);
	free(initial);
	free(name);
	free(dir);
}

static void on_delete_answer(ui_t *ui, const char *answer, int key, uint64_t number)
{
	if (key != 'y') {
		ui_message(ui, false, "%s", _("Not deleted."));
		return;
	}
	char *err = NULL;
	if (session_delete(ui->session, number, &err) < 0)
		ui_message(ui, true, "%s", err);
	free(err);
}

static void add_detail(ui_t *ui, const char *label, const char *value)
{
	char *line = xasprintf("%s: %s", label, value ? value : "");
	prompt_add_line(&ui->prompt, line);
	free(line);
}

void ui_action_delete(ui_t *ui)
{
	const session_msg_t *msg = need_selection(ui);
	if (!msg)
		return;
	char *why = NULL;
	if (!session_may_delete(ui->session, msg->number, &why)) {
		ui_message(ui, true, _("Refused: %s"), why);
		trace_emitf(ui->trace, TRACE_WARN, "DELE %llu refused: %s",
			    (unsigned long long)msg->number, why);
		free(why);
		return;
	}
	char *question = xasprintf(_("Delete message %llu from the server at quit? [y/N]"),
				   (unsigned long long)msg->number);
	prompt_dialog(&ui->prompt, question, "yn", 'n', on_delete_answer, msg->number);
	free(question);
	char size[16], octets[32];
	draw_size(msg->size, size, sizeof size);
	snprintf(octets, sizeof octets, "%s (%llu octets)", size, (unsigned long long)msg->size);
	add_detail(ui, _("Size"), octets);
	add_detail(ui, _("From"), msg->from);
	add_detail(ui, _("Subject"), msg->subject);
	add_detail(ui, _("Saved to"), msg->saved_path);
}

static void on_undo_answer(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	if (key != 'y')
		return;
	char *err = NULL;
	if (session_undelete_all(ui->session, &err) < 0)
		ui_message(ui, true, "%s", err);
	free(err);
}

void ui_action_undo(ui_t *ui)
{
	size_t pending = session_pending_count(ui->session);
	char *question =
	    xasprintf(_("Send RSET? It restores EVERY pending deletion (%zu). [y/N]"), pending);
	prompt_dialog(&ui->prompt, question, "yn", 'n', on_undo_answer, 0);
	free(question);
}

static void on_command(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	if (!answer)
		return;
	char *err = NULL;
	switch (session_raw(ui->session, answer, &err)) {
	case SESSION_RAW_QUIT: quit_begin(ui); break;
	case SESSION_RAW_REFUSED: ui_message(ui, true, _("Not sent: %s"), err ? err : ""); break;
	default: break;
	}
	free(err);
}

void ui_action_command(ui_t *ui)
{
	prompt_line(&ui->prompt, "POP3> ", "", HISTORY_COMMAND, on_command, 0);
}

static void on_part_path(ui_t *ui, const char *answer, int key, uint64_t index)
{
	if (!answer || !*answer)
		return;
	char *dir, *name, *path = NULL, *err = NULL;
	split_path(answer, &dir, &name);
	if (session_save_part(ui->session, (size_t)index, dir, name, &path, &err) == 0)
		ui_message(ui, false, _("Part %llu saved to %s"), (unsigned long long)index, path);
	else
		ui_message(ui, true, _("Cannot save the part: %s"), err ? err : "");
	free(dir);
	free(name);
	free(path);
	free(err);
}

static void on_part_number(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	const session_preview_t *p = session_get_preview(ui->session);
	uint64_t index;
	if (!answer || !p->mime)
		return;
	if (!parse_u64_str(answer, mime_part_count(p->mime), &index) ||
	    index >= mime_part_count(p->mime)) {
		ui_message(ui, true, "%s", _("No such part."));
		return;
	}
	const mime_part_info_t *part = mime_part(p->mime, (size_t)index);
	char *name = part->filename ? sanitize_filename(part->filename, 120)
				    : xasprintf("part-%llu-%llu.bin", (unsigned long long)p->number,
						(unsigned long long)index);
	char *dir = default_dir(ui);
	char *initial = strcmp(dir, ".") == 0 ? xstrdup(name) : xasprintf("%s/%s", dir, name);
	prompt_line(&ui->prompt, _("Save the part to: "), initial, HISTORY_PATH, on_part_path,
		    index);
	free(initial);
	free(dir);
	free(name);
}

void ui_action_save_part(ui_t *ui)
{
	const session_preview_t *p = session_get_preview(ui->session);
	if (p->state != PREVIEW_READY || !p->mime) {
		ui_message(ui, true, "%s", _("No parsed message in the preview."));
		return;
	}
	char initial[24] = "";
	for (size_t i = 0; i < mime_part_count(p->mime); i++) {
		if (mime_part(p->mime, i)->is_attachment) {
			snprintf(initial, sizeof initial, "%zu", i);
			break;
		}
	}
	prompt_line(&ui->prompt, _("Save which part (number in [ ]): "), initial, HISTORY_PATH,
		    on_part_number, 0);
}

void ui_action_fetch(ui_t *ui)
{
	const session_msg_t *msg = need_selection(ui);
	if (!msg)
		return;
	const char *tmp = getenv("TMPDIR");
	char *err = NULL;
	if (session_fetch(ui->session, msg->number, tmp && *tmp ? tmp : "/tmp", &err) < 0)
		ui_message(ui, true, _("Cannot fetch: %s"), err);
	free(err);
}

static void on_log_path(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	if (!answer || !*answer)
		return;
	char *err = NULL;
	if (trace_save(ui->trace, answer, &err) == 0)
		ui_message(ui, false, _("Protocol log written to %s"), answer);
	else
		ui_message(ui, true, _("Cannot write the log: %s"), err ? err : "");
	free(err);
}

void ui_action_write_log(ui_t *ui)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	char *dir = default_dir(ui);
	char *initial = xasprintf("%s/popscope-log-%s.txt", dir, stamp);
	prompt_line(&ui->prompt, _("Write the protocol log to: "), initial, HISTORY_PATH,
		    on_log_path, 0);
	free(initial);
	free(dir);
}

static void on_search(ui_t *ui, const char *answer, int key, uint64_t arg);

static void search_step(ui_t *ui, bool forward)
{
	size_t row;
	if (!ui->search) {
		ui_message(ui, true, "%s", _("No search yet: press /"));
		return;
	}
	if (session_search(ui->session, ui->search, ui->views[PANE_LIST].selected, forward, &row))
		ui_select_row(ui, row);
	else
		ui_message(ui, true, _("Not found: %s"), ui->search);
}

static void on_search(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	if (!answer || !*answer)
		return;
	free(ui->search);
	ui->search = xstrdup(answer);
	search_step(ui, true);
}

static void jump_to_number(ui_t *ui)
{
	uint64_t number;
	size_t row;
	ui->jump[ui->jump_len] = '\0';
	if (parse_u64_str(ui->jump, UINT64_MAX, &number) &&
	    session_row_of(ui->session, number, &row))
		ui_select_row(ui, row);
	else
		ui_message(ui, true, _("No message %s"), ui->jump);
	ui->jump_len = 0;
}

/* ---- requests ---- */

static void handle_request(ui_t *ui, ui_request_t request)
{
	view_t *focus = &ui->views[ui->layout.focus];
	if (request != UIREQ_ENTER && request != UIREQ_CANCEL)
		ui->jump_len = 0;
	switch (request) {
	case UIREQ_FOCUS_NEXT: layout_next_focus(&ui->layout); return;
	case UIREQ_LAYOUT:
		layout_next_mode(&ui->layout);
		layout_compute(&ui->layout, LINES, COLS);
		ui_message(ui, false, _("Layout: %s"), layout_mode_name(ui->layout.mode));
		return;
	case UIREQ_SORT_NEXT:
		session_sort(
		    ui->session,
		    (session_sort_t)((session_sort_key(ui->session) + 1) % SESSION_SORT_COUNT),
		    session_sort_reverse(ui->session));
		ui_message(ui, false, _("Sorted by %s"),
			   session_sort_name(session_sort_key(ui->session)));
		return;
	case UIREQ_SORT_REVERSE:
		session_sort(ui->session, session_sort_key(ui->session),
			     !session_sort_reverse(ui->session));
		return;
	case UIREQ_SORT_BIGGEST:
		session_sort(ui->session, SESSION_SORT_SIZE, true);
		ui_select_row(ui, 0);
		ui_message(ui, false, "%s", _("Sorted by size, biggest first"));
		return;
	case UIREQ_SEARCH: prompt_line(&ui->prompt, "/", "", HISTORY_SEARCH, on_search, 0); return;
	case UIREQ_SEARCH_NEXT: search_step(ui, true); return;
	case UIREQ_SEARCH_PREV: search_step(ui, false); return;
	case UIREQ_SAVE: ui_action_save(ui); return;
	case UIREQ_DELETE: ui_action_delete(ui); return;
	case UIREQ_UNDO: ui_action_undo(ui); return;
	case UIREQ_QUIT: quit_begin(ui); return;
	case UIREQ_COMMAND: ui_action_command(ui); return;
	case UIREQ_HELP:
		ui->help = true;
		ui->help_offset = 0;
		return;
	case UIREQ_RAW_TOGGLE: ui->views[PANE_PREVIEW].raw = !ui->views[PANE_PREVIEW].raw; return;
	case UIREQ_SAVE_PART: ui_action_save_part(ui); return;
	case UIREQ_FETCH: ui_action_fetch(ui); return;
	case UIREQ_CANCEL: {
		uint64_t n, got, total;
		bool cancelling;
		if (ui->jump_len)
			ui->jump_len = 0;
		else if (session_fetch_active(ui->session, &n, &got, &total, &cancelling))
			session_fetch_cancel(ui->session);
		return;
	}
	case UIREQ_WRITE_LOG: ui_action_write_log(ui); return;
	case UIREQ_RECONNECT: ui_reconnect(ui); return;
	case UIREQ_REDRAW: clearok(curscr, TRUE); return;
	case UIREQ_ENTER:
		if (ui->jump_len) {
			jump_to_number(ui);
			return;
		}
		if (ui->layout.focus == PANE_LIST) {
			const session_msg_t *msg = ui_selected(ui);
			if (msg) {
				ui->preview_raw_reply = false;
				session_preview(ui->session, msg->number);
				if (ui->layout.visible[PANE_PREVIEW])
					ui->layout.focus = PANE_PREVIEW;
			}
		}
		return;
	default: break;
	}
	if (focus->ops->request)
		focus->ops->request(ui, focus, request);
}

static void handle_mouse(ui_t *ui)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	int pane = layout_pane_at(&ui->layout, ev.y, ev.x);
	if (pane < 0)
		return;
	view_t *view = &ui->views[pane];
	if (ev.bstate & BUTTON4_PRESSED) {
		view->ops->wheel(ui, view, -3);
		return;
	}
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED) {
		view->ops->wheel(ui, view, 3);
		return;
	}
#endif
	if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)) {
		ui->layout.focus = (pane_t)pane;
		int line = ev.y - ui->layout.pane[pane].y - 1;
		if (line >= 0 && view->ops->click)
			view->ops->click(ui, view, line);
	}
}

static void handle_key(ui_t *ui, int key, bool function_key)
{
	free(ui->message);
	ui->message = NULL;
	if (ui->help) {
		ui_request_t r = function_key || key < 0x80 ? keymap_lookup(key) : UIREQ_NONE;
		if (r == UIREQ_DOWN || r == UIREQ_PAGE_DOWN)
			ui->help_offset += r == UIREQ_DOWN ? 1 : LINES / 2;
		else if (r == UIREQ_UP || r == UIREQ_PAGE_UP)
			ui->help_offset -= r == UIREQ_UP ? 1 : LINES / 2;
		else
			ui->help = false;
		if (ui->help_offset > ui->help_max)
			ui->help_offset = ui->help_max;
		if (ui->help_offset < 0)
			ui->help_offset = 0;
		return;
	}
	if (prompt_active(&ui->prompt)) {
		prompt_key(ui, &ui->prompt, key, function_key);
		return;
	}
	if (function_key && key == KEY_RESIZE)
		return;
	if (function_key && key == KEY_MOUSE) {
		handle_mouse(ui);
		return;
	}
	if (!function_key && key >= '0' && key <= '9' && ui->layout.focus == PANE_LIST &&
	    ui->jump_len < sizeof ui->jump - 1) {
		ui->jump[ui->jump_len++] = (char)key;
		return;
	}
	if (!function_key && (key == 127 || key == 8) && ui->jump_len) {
		ui->jump_len--;
		return;
	}
	if (!function_key && key > 0x7f)
		return;
	handle_request(ui, keymap_lookup(key));
}

static void on_terminal(void *ctx, short revents)
{
	ui_t *ui = ctx;
	wint_t wch;
	int rc;
	/* Everything the terminal has sent, without blocking (nodelay). */
	while ((rc = get_wch(&wch)) != ERR) {
		ui->kick = true;
		handle_key(ui, (int)wch, rc == KEY_CODE_YES);
		if (!ui->running)
			break;
	}
	if (revents & (POLLHUP | POLLERR | POLLNVAL))
		ui->running = false;
}

static void on_signal_pipe(void *ctx, short revents)
{
	ui_t *ui = ctx;
	unsigned char sig[16];
	ssize_t n = read(signal_pipe[0], sig, sizeof sig);
	for (ssize_t i = 0; i < n; i++) {
		if (sig[i] == SIGWINCH) {
			endwin();
			refresh();
			layout_compute(&ui->layout, LINES, COLS);
		} else {
			/* INT, TERM, HUP: leave cleanly (no QUIT: nothing pending is deleted). */
			ui->running = false;
			ui->exit_status = 128 + sig[i];
		}
	}
}

/* ---- drawing ---- */

static void draw_title(ui_t *ui)
{
	int y = ui->layout.title_y, cols = COLS;
	session_t *s = ui->session;
	char left[512];
	const char *user = ui->config->user ? ui->config->user : "";
	snprintf(left, sizeof left, " popscope  %s@%s:%s  ", user, ui->config->host,
		 ui->config->port);
	int x = draw_text(y, 0, cols, left, ROLE_TITLE, false);
	const char *sec;
	draw_role_t role = ROLE_TITLE;
	if (!ui->pop3 || session_state(s) == SESSION_DISCONNECTED) {
		sec = _("DISCONNECTED");
		role = ROLE_WARN;
	} else if (!pop3_is_tls(ui->pop3)) {
		sec = ui->config->tls_mode == POP3_TLS_NONE ? _("PLAINTEXT") : _("connecting");
		role = ui->config->tls_mode == POP3_TLS_NONE ? ROLE_WARN : ROLE_TITLE;
	} else {
		const tls_info_t *info = pop3_tls_info(ui->pop3);
		if (info && info->verified && !info->insecure) {
			sec = _("TLS verified");
		} else {
			sec = _("TLS NOT VERIFIED");
			role = ROLE_WARN;
		}
	}
	x += draw_text(y, x, cols - x, sec, role, false);
	char right[256], total[16];
	draw_size(session_total_octets(s), total, sizeof total);
	size_t pending = session_pending_count(s);
	snprintf(right, sizeof right, _("   %zu messages, %s"), session_count(s), total);
	x += draw_text(y, x, cols - x, right, ROLE_TITLE, false);
	if (pending) {
		snprintf(right, sizeof right, _("  %zu PENDING DELETION"), pending);
		x += draw_text(y, x, cols - x, right, ROLE_WARN, false);
	}
	draw_fill(y, x, cols - x, ROLE_TITLE);
}

static void draw_status(ui_t *ui)
{
	int y = ui->layout.status_y, cols = COLS;
	if (prompt_active(&ui->prompt) && ui->prompt.kind == PROMPT_LINE)
		return;
	uint64_t n, got, total;
	bool cancelling;
	if (session_fetch_active(ui->session, &n, &got, &total, &cancelling) && cancelling) {
		char text[128];
		snprintf(text, sizeof text,
			 _("Cancelling RETR %llu: reading and discarding the rest "
			   "(POP3 cannot stop a transfer)..."),
			 (unsigned long long)n);
		draw_text(y, 0, cols, text, ROLE_NORMAL, true);
		return;
	}
	if (session_fetch_active(ui->session, &n, &got, &total, &cancelling)) {
		char head[96];
		int pct = total ? (int)(got * 100 / total) : 0;
		if (pct > 100)
			pct = 100;
		char gs[16], ts[16];
		draw_size(got, gs, sizeof gs);
		draw_size(total, ts, sizeof ts);
		snprintf(head, sizeof head, _("RETR %llu %3d%% %s/%s (Esc cancels) "),
			 (unsigned long long)n, pct, gs, ts);
		int x = draw_text(y, 0, cols, head, ROLE_NORMAL, false);
		int bar = cols - x - 2;
		if (bar > 0) {
			int filled = bar * pct / 100;
			draw_fill(y, x, filled, ROLE_FOCUS);
			draw_fill(y, x + filled, bar - filled, ROLE_DIM);
		}
		return;
	}
	if (ui->jump_len) {
		char text[64];
		ui->jump[ui->jump_len] = '\0';
		snprintf(text, sizeof text, _("Go to message: %s (Enter)"), ui->jump);
		draw_text(y, 0, cols, text, ROLE_NORMAL, true);
		return;
	}
	bool is_error = ui->message_error;
	const char *text = ui->message;
	if (!text)
		text = session_status(ui->session, &is_error);
	int x = draw_text(y, 0, cols, text, is_error ? ROLE_ERROR : ROLE_NORMAL, true);
	size_t known, all;
	session_header_progress(ui->session, &known, &all);
	if (known < all && session_state(ui->session) == SESSION_READY) {
		char prog[64];
		snprintf(prog, sizeof prog, _(" headers %zu/%zu "), known, all);
		int w = (int)strlen(prog);
		if (cols - w > x)
			draw_text(y, cols - w, w, prog, ROLE_DIM, false);
	}
}

static void draw_hints(ui_t *ui)
{
	/* TRANSLATORS: keep it short: it must fit 80 columns. */
	const char *hints = _("q quit s save d delete u undo :cmd /search o sort Z biggest "
			      "Tab pane L layout ? help");
	draw_text(ui->layout.hints_y, 0, COLS, hints, ROLE_DIM, true);
}

static void draw_pane_header(ui_t *ui, pane_t pane)
{
	const rect_t *r = &ui->layout.pane[pane];
	char text[256];
	view_t *view = &ui->views[pane];
	draw_role_t role = ui->layout.focus == pane ? ROLE_FOCUS : ROLE_HEADER;
	if (pane == PANE_LIST)
		snprintf(text, sizeof text, " %s (%s %s%s)", _(view->ops->name), _("sorted by"),
			 session_sort_name(session_sort_key(ui->session)),
			 session_sort_reverse(ui->session) ? _(", reversed") : "");
	else if (pane == PANE_LOG)
		snprintf(text, sizeof text, " %s%s", _(view->ops->name),
			 view->follow ? "" : _(" (scrolled; End follows)"));
	else
		snprintf(text, sizeof text, " %s", _(view->ops->name));
	draw_text(r->y, r->x, r->w, text, role, true);
}

static void draw_screen(ui_t *ui)
{
	erase();
	if (ui->help) {
		ui->help_max = help_draw(LINES, COLS, ui->help_offset);
		refresh();
		return;
	}
	if (LINES < 5 || COLS < 20) {
		draw_text(0, 0, COLS, _("Terminal too small"), ROLE_WARN, true);
		refresh();
		return;
	}
	draw_title(ui);
	for (int p = 0; p < PANE_COUNT; p++) {
		const rect_t *r = &ui->layout.pane[p];
		if (!ui->layout.visible[p])
			continue;
		draw_pane_header(ui, (pane_t)p);
		int x = r->x, w = r->w;
		if (p == PANE_LOG && x > 0) {
			/* A separator column left of a log on the right. */
			draw_vline(r->y + 1, x, r->h - 1);
			x++;
			w--;
		}
		ui->views[p].ops->draw(ui, &ui->views[p], r->y + 1, x, r->h - 1, w);
	}
	draw_status(ui);
	draw_hints(ui);
	if (prompt_active(&ui->prompt)) {
		prompt_draw(&ui->prompt, ui->layout.status_y, COLS, LINES);
		curs_set(ui->prompt.kind == PROMPT_LINE ? 1 : 0);
	} else {
		curs_set(0);
	}
	refresh();
}

/* ---- setup and the loop ---- */

static int setup_signals(void)
{
	if (pipe(signal_pipe) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		fcntl(signal_pipe[i], F_SETFL, fcntl(signal_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(signal_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void start_curses(ui_t *ui)
{
	initscr();
	curses_active = true;
	atexit(restore_terminal);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
#ifdef NCURSES_MOUSE_VERSION
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
		      | BUTTON5_PRESSED
#endif
		  ,
		  NULL);
	mouseinterval(0);
#endif
	draw_init(ui->options->no_color || getenv("NO_COLOR"), ui->ascii);
	layout_compute(&ui->layout, LINES, COLS);
}

static void maybe_preview(ui_t *ui)
{
	if (!ui->preview_want || ui_now_ms() < ui->preview_due_ms)
		return;
	if (ui->layout.visible[PANE_PREVIEW] && session_state(ui->session) == SESSION_READY)
		session_preview(ui->session, ui->preview_want);
	ui->preview_want = 0;
}

static void first_selection(ui_t *ui)
{
	view_t *list = &ui->views[PANE_LIST];
	if (!list->selected_number && session_count(ui->session))
		ui_select_row(ui, 0);
}

static void run_loop(ui_t *ui)
{
	loop_watch_t watches[2] = {
	    {.fd = STDIN_FILENO, .events = POLLIN, .on_ready = on_terminal, .ctx = ui},
	    {.fd = signal_pipe[0], .events = POLLIN, .on_ready = on_signal_pipe, .ctx = ui},
	};
	long long last_draw = 0, quit_started = 0;
	unsigned long seen_serial = (unsigned long)-1, seen_trace = (unsigned long)-1;
	unsigned long kick_serial = 0;
	bool dirty = true;
	while (ui->running) {
		long long now = ui_now_ms();
		unsigned long serial = session_serial(ui->session);
		unsigned long tserial = trace_serial(ui->trace);
		if (serial != seen_serial || tserial != seen_trace)
			dirty = true;
		if (dirty && now - last_draw >= REDRAW_INTERVAL_MS) {
			draw_screen(ui);
			last_draw = now;
			seen_serial = serial;
			seen_trace = tserial;
			dirty = false;
		}
		int wait = dirty ? REDRAW_INTERVAL_MS : 1000;
		if (ui->preview_want)
			wait = PREVIEW_DELAY_MS;
		/* After a key or a change of the model, go round again at once:
		 * the screen is redrawn without waiting for the next event. */
		if (ui->kick || serial != kick_serial)
			wait = 0;
		ui->kick = false;
		kick_serial = serial;
		if (loop_iterate(ui->engine_dead ? NULL : ui->pop3, watches, 2, wait) < 0)
			break;
		dirty = true; /* a key or a byte arrived, or a timer ran out */
		if (ui->engine_dead && ui->pop3 && session_state(ui->session) != SESSION_QUITTING) {
			/* Freed here, outside the engine's own callback. */
			pop3_free(ui->pop3);
			ui->pop3 = NULL;
		}
		session_tick(ui->session);
		first_selection(ui);
		maybe_preview(ui);
		size_t len;
		unsigned long raw_serial;
		session_raw_reply(ui->session, &len, &raw_serial);
		if (raw_serial != ui->raw_serial_seen) {
			ui->raw_serial_seen = raw_serial;
			ui->preview_raw_reply = true;
		}
		if (ui->quitting) {
			if (!quit_started)
				quit_started = ui_now_ms();
			session_state_t st = session_state(ui->session);
			if (st == SESSION_CLOSED || st == SESSION_DISCONNECTED ||
			    ui_now_ms() - quit_started > QUIT_GRACE_MS)
				ui->running = false;
		}
	}
}

int ui_run(const cli_options_t *options, const pop3_config_t *config, trace_t *trace)
{
	ui_t ui;
	memset(&ui, 0, sizeof ui);
	ui.options = options;
	ui.config = config;
	ui.trace = trace;
	ui.running = true;
	ui.save_dir = options->save_dir;
	ui.ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
	trace_set_ascii(trace, ui.ascii);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "popscope: %s\n",
			_("the full-screen mode needs a terminal; see --list, --save, --check"));
		return EXIT_USAGE;
	}
	/* --log FILE: main opened it on the trace, which streams every event there. */
	if (setup_signals() < 0) {
		fprintf(stderr, "popscope: %s\n", strerror(errno));
		return EXIT_SOFTWARE;
	}
	ui.session = session_new(trace, options->preview_lines,
				 options->pipeline_window ? options->pipeline_window : 32);
	ui.views[PANE_LIST].ops = &list_view_ops;
	ui.views[PANE_PREVIEW].ops = &preview_view_ops;
	ui.views[PANE_LOG].ops = &log_view_ops;
	ui.views[PANE_LOG].follow = true;
	ui.layout.mode = LAYOUT_LOG_RIGHT;
	ui.layout.focus = PANE_LIST;
	preview_view_reset(&ui);
	start_curses(&ui);
	char *connecting = xasprintf(_("Connecting to %s:%s..."), config->host, config->port);
	session_set_status(ui.session, false, "%s", connecting);
	free(connecting);
	draw_screen(&ui);
	connect_engine(&ui);
	run_loop(&ui);
	restore_terminal();
	prompt_clear(&ui.prompt);
	prompt_history_free();
	if (ui.pop3) {
		pop3_free(ui.pop3); /* without QUIT when we did not get that far: nothing deleted */
		ui.pop3 = NULL;
	}
	if (ui.fatal) {
		fprintf(stderr, "popscope: %s\n", ui.fatal);
	} else {
		quit_summary(&ui, stdout);
		if (ui.quitting && session_state(ui.session) != SESSION_CLOSED)
			fprintf(stdout, "%s\n",
				_("The server did not answer QUIT in time; check with --list what "
				  "it deleted."));
	}
	preview_view_reset(&ui);
	session_free(ui.session);
	free(ui.fatal);
	free(ui.search);
	free(ui.message);
	close(signal_pipe[0]);
	close(signal_pipe[1]);
	signal_pipe[0] = signal_pipe[1] = -1;
	return ui.exit_status;
}
