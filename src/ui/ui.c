#include <config.h>

#include "ui/ui.h"

#include <curses.h>
#include <errno.h>
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
#include "report.h"
#include "ui/draw.h"
#include "ui/keytime.h"
#include "ui/views.h"
#include "util/gettext.h"
#include "util/signal_pipe.h"
#include "util/xalloc.h"

/* Redraws are throttled while the network is busy. */
#define REDRAW_INTERVAL_MS 50
/* While another program runs, how often the loop looks whether it ended. */
#define CHILD_POLL_MS 100
/* How long the quit flow waits for the server's answer to QUIT. */
#define QUIT_GRACE_MS 10000

static int signal_fd = -1;
static bool curses_active;

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

/* ---- requests ---- */

/* say_no_action: a key that means nothing where it was pressed says so,
 * instead of doing nothing. */
static void say_no_action(ui_t *ui, const view_t *focus, bool bound, const char *key)
{
	/* The view's words hold one %s, for the key (not a format: the
	 * compiler cannot check a string from a table). */
	const char *words = focus->ops->no_action ? _(focus->ops->no_action) : NULL;
	const char *slot = words ? strstr(words, "%s") : NULL;
	if (!bound)
		ui_message(ui, true, _("%s: not a key; ? shows help"), key);
	else if (slot)
		ui_message(ui, true, "%.*s%s%s", (int)(slot - words), words, key, slot + 2);
	else
		ui_message(ui, true, _("%s: no action here"), key);
}

/* handle_request: key names the key that asked for it (for "no action"). */
static void handle_request(ui_t *ui, ui_request_t request, const char *key)
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
	case UIREQ_SORT_NEXT: ui_action_sort_next(ui); return;
	case UIREQ_SORT_REVERSE: ui_action_sort_reverse(ui); return;
	case UIREQ_SORT_BIGGEST: ui_action_sort_biggest(ui); return;
	case UIREQ_SORT_PROBLEMS: ui_action_sort_problems(ui); return;
	/* The log pane searches itself. */
	case UIREQ_SEARCH:
		if (ui->layout.focus == PANE_LOG)
			break;
		ui_action_search(ui);
		return;
	case UIREQ_SEARCH_NEXT:
	case UIREQ_SEARCH_PREV:
		if (ui->layout.focus == PANE_LOG)
			break;
		ui_action_search_step(ui, request == UIREQ_SEARCH_NEXT);
		return;
	case UIREQ_SAVE: ui_action_save(ui); return;
	case UIREQ_DELETE: ui_action_delete(ui); return;
	case UIREQ_UNDO: ui_action_undo(ui); return;
	case UIREQ_QUIT: quit_begin(ui); return;
	case UIREQ_COMMAND: ui_action_command(ui); return;
	case UIREQ_HELP: view_open(ui, &ui->overlay, &help_view_ops); return;
	case UIREQ_SUMMARY: view_open(ui, &ui->overlay, &summary_view_ops); return;
	case UIREQ_RAW_TOGGLE: {
		/* v switches the preview from any pane. */
		view_t *preview = &ui->views[PANE_PREVIEW];
		preview->ops->request(ui, preview, request);
		return;
	}
	case UIREQ_LOG_WRAP:
	case UIREQ_LOG_BRIEF: {
		/* W and F switch the log from any pane. */
		view_t *log = &ui->views[PANE_LOG];
		log->ops->request(ui, log, request);
		return;
	}
	case UIREQ_SAVE_PART: ui_action_save_part(ui); return;
	case UIREQ_FETCH: ui_action_fetch(ui); return;
	case UIREQ_CANCEL: {
		uint64_t n, got, total;
		size_t others;
		bool cancelling;
		bool fetching = session_fetch_active(ui->session, &n, &got, &total, &cancelling);
		bool saving =
		    session_save_active(ui->session, &n, &got, &total, &others, &cancelling);
		/* Esc stops every transfer it can see: the fetch and the saves. */
		if (ui->jump_len)
			ui->jump_len = 0;
		else if (fetching || saving) {
			session_fetch_cancel(ui->session);
			session_save_cancel(ui->session);
		} else
			ui_cancel_connect(ui);
		return;
	}
	case UIREQ_WRITE_LOG: ui_action_write_log(ui); return;
	case UIREQ_WRITE_REPORT: ui_action_write_report(ui); return;
	case UIREQ_PAGER: view_open(ui, &ui->overlay, &pager_view_ops); return;
	case UIREQ_OPEN_PAGER: ui_action_external(ui, EXTERNAL_PAGER); return;
	case UIREQ_EDIT: ui_action_external(ui, EXTERNAL_EDITOR); return;
	case UIREQ_PIPE: ui_action_external(ui, EXTERNAL_PIPE); return;
	case UIREQ_RECONNECT: ui_reconnect(ui); return;
	case UIREQ_REDRAW: clearok(curscr, TRUE); return;
	case UIREQ_ENTER:
		if (ui->jump_len) {
			ui_action_jump(ui);
			return;
		}
		break;
	default: break;
	}
	if (request == UIREQ_NONE || !focus->ops->request ||
	    !focus->ops->request(ui, focus, request))
		say_no_action(ui, focus, request != UIREQ_NONE, key);
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
	/* A prompt opened over the overlay (the pager's search) comes first. */
	if (prompt_active(&ui->prompt)) {
		prompt_key(ui, &ui->prompt, key, function_key);
		return;
	}
	if (ui->overlay.ops) {
		/* A request the overlay does not handle closes it. */
		ui_request_t r = function_key || key < 0x80 ? keymap_lookup(key) : UIREQ_NONE;
		if (function_key && key == KEY_RESIZE)
			return;
		if (function_key && key == KEY_MOUSE) {
			MEVENT ev;
			if (getmouse(&ev) == OK && ui->overlay.ops->wheel &&
			    (ev.bstate & BUTTON4_PRESSED))
				ui->overlay.ops->wheel(ui, &ui->overlay, -3);
#ifdef BUTTON5_PRESSED
			else if (ui->overlay.ops->wheel && (ev.bstate & BUTTON5_PRESSED))
				ui->overlay.ops->wheel(ui, &ui->overlay, 3);
#endif
			return;
		}
		if (!ui->overlay.ops->request(ui, &ui->overlay, r))
			view_close(ui, &ui->overlay);
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
	char name[32];
	keymap_key_name(key, function_key, name, sizeof name);
	if (!function_key && key >= '0' && key <= '9') {
		/* Digits type a message number, in the list only. */
		say_no_action(ui, &ui->views[ui->layout.focus], true, name);
		return;
	}
	ui_request_t request = UIREQ_NONE;
	if (ui->layout.focus == PANE_LOG || ui->layout.focus == PANE_PREVIEW)
		request = keymap_lookup_text(key);
	if (request == UIREQ_NONE && (function_key || key <= 0x7f))
		request = keymap_lookup(key);
	handle_request(ui, request, name);
}

/* key_label: a key's name for the timings file ("o", "^F", "KEY_NPAGE"). */
static const char *key_label(int key, bool function_key)
{
	static char text[16];
	if (function_key || key < 0x80) {
		const char *name = keyname(key);
		return name ? name : "?";
	}
	snprintf(text, sizeof text, "U+%04X", (unsigned)key);
	return text;
}

static void on_terminal(void *ctx, short revents)
{
	ui_t *ui = ctx;
	wint_t wch;
	int rc;
	if (external_owns_terminal(ui)) {
		external_key(ui);
		return;
	}
	/* Everything the terminal has sent, without blocking (nodelay). */
	while ((rc = get_wch(&wch)) != ERR) {
		ui->kick = true;
		long long started = keytime_on() ? keytime_now_us() : 0;
		unsigned long asked = session_timing(ui->session)->asked;
		handle_key(ui, (int)wch, rc == KEY_CODE_YES);
		if (started) {
			keytime_key(key_label((int)wch, rc == KEY_CODE_YES),
				    keytime_now_us() - started);
			keytime_request(session_timing(ui->session), asked, started);
		}
		if (!ui->running)
			break;
	}
	if (revents & (POLLHUP | POLLERR | POLLNVAL))
		ui->running = false;
}

static void on_signal_pipe(void *ctx, short revents)
{
	ui_t *ui = ctx;
	int sig[16];
	size_t n = signal_pipe_read(sig, sizeof sig / sizeof *sig);
	for (size_t i = 0; i < n; i++) {
		if (sig[i] == SIGWINCH) {
			/* A program has the terminal: the size is read when it gives it back. */
			if (external_owns_terminal(ui))
				continue;
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

/* ---- setup and the loop ---- */

static int setup_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
	signal_fd = signal_pipe_open(sigs, sizeof sigs / sizeof *sigs);
	return signal_fd < 0 ? -1 : 0;
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
	/* The loop reads every pending key before it draws: ncurses need not
	 * look for typeahead during an update, which made it flush its output
	 * and poll the terminal every few lines. */
	typeahead(-1);
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
	/* Until the screen has once been left and resumed, ncurses flushes
	 * its output after every cursor movement: a redraw went out in a
	 * hundred small writes. Leave and resume once, before anything shows. */
	endwin();
	refresh();
	layout_compute(&ui->layout, LINES, COLS);
}

static void run_loop(ui_t *ui)
{
	loop_watch_t watches[2] = {
	    {.fd = STDIN_FILENO, .events = POLLIN, .on_ready = on_terminal, .ctx = ui},
	    {.fd = signal_fd, .events = POLLIN, .on_ready = on_signal_pipe, .ctx = ui},
	};
	long long last_draw = 0, quit_started = 0;
	unsigned long seen_serial = (unsigned long)-1, seen_trace = (unsigned long)-1;
	unsigned long kick_serial = 0;
	int view_wait = -1; /* how soon a view wants the next round (its timer) */
	bool dirty = true;
	while (ui->running) {
		long long now = ui_now_ms();
		unsigned long serial = session_serial(ui->session);
		unsigned long tserial = trace_serial(ui->trace);
		/* While another program has the terminal nothing is drawn, and
		 * its keys are its own; the loop still serves the connection. */
		bool away = external_owns_terminal(ui);
		bool keys_away = external_owns_keys(ui);
		if (serial != seen_serial || tserial != seen_trace)
			dirty = true;
		if (!away && dirty && now - last_draw >= REDRAW_INTERVAL_MS) {
			long long started = keytime_on() ? keytime_now_us() : 0;
			screen_draw(ui);
			if (started) {
				long long drawn = keytime_now_us();
				keytime_drawn(drawn - started);
				keytime_answered(session_timing(ui->session), drawn);
			}
			last_draw = now;
			seen_serial = serial;
			seen_trace = tserial;
			dirty = false;
		}
		int wait = dirty && !away ? REDRAW_INTERVAL_MS : 1000;
		/* external_tick looks for the end of a program this often. */
		if (keys_away)
			wait = CHILD_POLL_MS;
		if (view_wait >= 0)
			wait = view_wait;
		/* After a key or a change of the model, go round again at once:
		 * the screen is redrawn without waiting for the next event. */
		if (!away && (ui->kick || serial != kick_serial))
			wait = 0;
		ui->kick = false;
		kick_serial = serial;
		if (loop_iterate(ui->engine_dead ? NULL : ui->pop3,
				 keys_away ? &watches[1] : watches, keys_away ? 1 : 2, wait) < 0)
			break;
		dirty = true; /* a key or a byte arrived, or a timer ran out */
		if (ui->engine_dead && ui->pop3 && session_state(ui->session) != SESSION_QUITTING) {
			/* Freed here, outside the engine's own callback. */
			pop3_free(ui->pop3);
			ui->pop3 = NULL;
		}
		session_tick(ui->session);
		if (!ui->kick && session_serial(ui->session) == serial)
			session_prepare_orders(ui->session);
		external_tick(ui);
		view_wait = views_tick(ui);
		ui_ask_size(ui);
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
	ui.session = session_new(trace, options->preview_lines);
	session_set_big(ui.session, options->big);
	ui.layout.mode = LAYOUT_LOG_RIGHT;
	ui.layout.focus = PANE_LIST;
	views_open(&ui);
	keytime_open();
	start_curses(&ui);
	char *connecting = xasprintf(_("Connecting to %s:%s..."), config->host, config->port);
	session_set_status(ui.session, false, "%s", connecting);
	free(connecting);
	screen_draw(&ui);
	ui_connect(&ui);
	run_loop(&ui);
	external_end(&ui);
	restore_terminal();
	keytime_close();
	prompt_clear(&ui.prompt);
	prompt_history_free();
	/* A QUIT still unanswered may have reached the server: the gate makes
	 * its deletions uncertain, and the summary says so. */
	if (session_state(ui.session) == SESSION_QUITTING)
		session_detach(ui.session, _("the server did not answer QUIT in time"));
	/* --report: now that the session is over. */
	char *report_error = NULL;
	bool reported = options->report_file &&
			ui_write_report(&ui, options->report_file, ui.fatal, &report_error) == 0;
	if (ui.pop3) {
		pop3_free(ui.pop3); /* without QUIT when we did not get that far: nothing deleted */
		ui.pop3 = NULL;
	}
	if (ui.fatal) {
		fprintf(stderr, "popscope: %s\n", ui.fatal);
	} else {
		quit_summary(&ui, stdout);
		if (report_outcome(session_mailbox(ui.session)) == OUTCOME_UNCERTAIN &&
		    ui.exit_status == 0)
			ui.exit_status = EXIT_TEMPFAIL;
	}
	if (reported)
		printf(_("Report written to %s\n"), options->report_file);
	if (report_error) {
		/* A status that says something about the session keeps its meaning. */
		fprintf(stderr, "popscope: %s\n", report_error);
		free(report_error);
		if (ui.exit_status == 0)
			ui.exit_status = EXIT_IOERR;
	}
	views_close(&ui);
	conn_tls_info_free(ui.tls);
	session_free(ui.session);
	free(ui.fatal);
	free(ui.search);
	free(ui.message);
	signal_pipe_close();
	signal_fd = -1;
	return ui.exit_status;
}

char *ui_curses_version(void)
{
	return xstrdup(curses_version());
}
