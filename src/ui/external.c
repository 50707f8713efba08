/* external.c: the message or a part in another program: $PAGER (P),
 * $VISUAL / $EDITOR (e), or a command it is piped to (|).
 *
 * The program gets a private copy (util/tempcopy.h: a 0700 directory, a
 * 0600 file, all removed afterwards) and the terminal: curses steps aside
 * (def_prog_mode, endwin) and comes back (reset_prog_mode, a full
 * redraw). The main loop keeps running meanwhile, without the terminal:
 * the engine answers the server, the keep-alive NOOP goes out, saves go
 * on, so a long read in the pager never lets the server log out (which
 * would drop the pending deletions). Ctrl-C and Ctrl-\ belong to the
 * program while it runs; Ctrl-Z stops both (curses' own handler would
 * redraw over the program when continued, so it is set aside too). */
#include <config.h>

#include "ui/views.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fdio.h"
#include "util/gettext.h"
#include "util/numparse.h"
#include "util/sanitize.h"
#include "util/spawn.h"
#include "util/tempcopy.h"
#include "util/xalloc.h"

/* How long popscope, when it ends, gives a program still running to stop. */
#define STOP_GRACE_MS 2000

struct external {
	external_kind_t kind;
	uint64_t number;
	bool whole;  /* the whole message, not a part */
	size_t part; /* else this part */
	char *command;
	bool waiting_fetch; /* the message is being fetched whole first */
	pid_t pid;          /* the program, while it runs */
	tempcopy_t *copy;
	int stdin_fd;
	bool press_key; /* its output stays until a key is pressed */
	struct sigaction old_int, old_quit, old_tstp;
};

static struct external *state(ui_t *ui)
{
	if (!ui->external) {
		ui->external = xcalloc(1, sizeof *ui->external);
		ui->external->stdin_fd = -1;
	}
	return ui->external;
}

bool external_owns_terminal(const ui_t *ui)
{
	return ui->external && (ui->external->pid > 0 || ui->external->press_key);
}

bool external_owns_keys(const ui_t *ui)
{
	return ui->external && ui->external->pid > 0;
}

/* program: the pager or the editor the user chose in the environment. */
static const char *program(external_kind_t kind)
{
	const char *name = NULL;
	if (kind == EXTERNAL_PAGER) {
		name = getenv("PAGER");
		if (!name || !*name)
			name = spawn_in_path("less") ? "less" : "more";
	} else {
		name = getenv("VISUAL");
		if (!name || !*name)
			name = getenv("EDITOR");
		if (!name || !*name)
			name = "vi";
	}
	return name;
}

/* make_copy: the bytes for the program in a private file; NULL with *err. */
static tempcopy_t *make_copy(ui_t *ui, struct external *ext, char **err)
{
	const char *tmp = getenv("TMPDIR");
	session_whole_t whole;
	if (!session_whole_message(ui->session, ext->number, &whole)) {
		*err = xasprintf(_("message %llu is not fetched whole"),
				 (unsigned long long)ext->number);
		return NULL;
	}
	if (ext->whole) {
		char *name = xasprintf("message-%llu.eml", (unsigned long long)ext->number);
		tempcopy_t *copy = whole.path
				       ? tempcopy_from_file(tmp, name, whole.path, whole.len, err)
				       : tempcopy_new(tmp, name, whole.data, whole.len, err);
		free(name);
		return copy;
	}
	if (!whole.parsed) {
		*err = xasprintf(_("message %llu is too large to take apart here; save it (s) and "
				   "open the file"),
				 (unsigned long long)ext->number);
		return NULL;
	}
	buf_t data;
	buf_init(&data);
	if (session_part_data(ui->session, ext->part, &data, err) < 0) {
		buf_free(&data);
		return NULL;
	}
	const session_preview_t *p = session_get_preview(ui->session);
	const mime_part_info_t *info = mime_part(p->mime, ext->part);
	char *name = info->filename ? sanitize_filename(info->filename, 120)
				    : xasprintf("part-%llu-%zu.bin",
						(unsigned long long)ext->number, ext->part);
	tempcopy_t *copy = tempcopy_new(tmp, name, data.data ? data.data : "", data.len, err);
	free(name);
	buf_free(&data);
	return copy;
}

static void restore_signals(struct external *ext)
{
	sigaction(SIGINT, &ext->old_int, NULL);
	sigaction(SIGQUIT, &ext->old_quit, NULL);
	sigaction(SIGTSTP, &ext->old_tstp, NULL);
}

/* back_to_screen: curses takes the terminal again and redraws it all, at
 * the size the terminal has now. */
static void back_to_screen(ui_t *ui)
{
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	layout_compute(&ui->layout, LINES, COLS);
	ui->kick = true;
}

static void clear_request(struct external *ext)
{
	free(ext->command);
	ext->command = NULL;
	ext->waiting_fetch = false;
}

/* launch: the copy, the terminal handed over, the program started. */
static void launch(ui_t *ui, struct external *ext)
{
	char *err = NULL;
	ext->copy = make_copy(ui, ext, &err);
	if (!ext->copy) {
		ui_message(ui, true, _("Not opened: %s"), err);
		free(err);
		clear_request(ext);
		return;
	}
	const char *path = tempcopy_path(ext->copy);
	/* The file name is "$1" (and $POPSCOPE_FILE), never part of the string. */
	if (ext->kind != EXTERNAL_PIPE)
		ext->command = xstrdup(program(ext->kind));
	char *command = ext->kind == EXTERNAL_PIPE ? xstrdup(ext->command)
						   : xasprintf("%s \"$1\"", ext->command);
	if (ext->kind == EXTERNAL_PIPE) {
		ext->stdin_fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (ext->stdin_fd < 0) {
			ui_message(ui, true, _("Not opened: %s: %s"), path, strerror(errno));
			free(command);
			tempcopy_remove(ext->copy);
			ext->copy = NULL;
			clear_request(ext);
			return;
		}
	}
	struct sigaction ignore, dfl;
	memset(&ignore, 0, sizeof ignore);
	sigemptyset(&ignore.sa_mask);
	dfl = ignore;
	ignore.sa_handler = SIG_IGN;
	dfl.sa_handler = SIG_DFL;
	def_prog_mode();
	endwin();
	sigaction(SIGINT, &ignore, &ext->old_int);
	sigaction(SIGQUIT, &ignore, &ext->old_quit);
	sigaction(SIGTSTP, &dfl, &ext->old_tstp);
	fflush(stdout);
	ext->pid = spawn_shell(command, path, ext->stdin_fd, &err);
	free(command);
	if (ext->pid < 0) {
		ext->pid = 0;
		restore_signals(ext);
		back_to_screen(ui);
		ui_message(ui, true, _("Not opened: %s"), err);
		free(err);
		if (ext->stdin_fd >= 0)
			close(ext->stdin_fd);
		ext->stdin_fd = -1;
		tempcopy_remove(ext->copy);
		ext->copy = NULL;
		clear_request(ext);
	}
}

/* finished: the program ended with status: the copy goes, the screen
 * comes back (after a key when there is output to read), and the status
 * line says how it went. */
static void finished(ui_t *ui, struct external *ext, int status)
{
	ext->pid = 0;
	restore_signals(ext);
	if (ext->stdin_fd >= 0)
		close(ext->stdin_fd);
	ext->stdin_fd = -1;
	bool changed = ext->kind == EXTERNAL_EDITOR && tempcopy_changed(ext->copy);
	tempcopy_remove(ext->copy);
	ext->copy = NULL;
	char *how = spawn_status_text(status);
	if (how)
		ui_message(ui, true, _("%s: %s (the temporary copy was removed)"), ext->command,
			   how);
	else if (changed)
		ui_message(ui, false, "%s",
			   _("The editor changed its copy: the changes were thrown away (the "
			     "temporary copy was removed; popscope never changes a message)."));
	else
		ui_message(ui, false, _("%s: done (the temporary copy was removed)"), ext->command);
	if (ext->kind == EXTERNAL_PIPE || how) {
		/* Leave the program's output (or its complaint) on the screen. */
		char *line = how ? xasprintf(_("[popscope] %s: %s. Press a key to return."),
					     ext->command, how)
				 : xstrdup(_("[popscope] Press a key to return."));
		char *out = xasprintf("\r\n%s", line);
		if (fd_write_all(STDOUT_FILENO, out, strlen(out)) != 0)
			ui_message(ui, true, "%s", _("Cannot write to the terminal."));
		free(out);
		free(line);
		reset_prog_mode(); /* keys one at a time, no echo, until the screen returns */
		ext->press_key = true;
	} else {
		back_to_screen(ui);
	}
	free(how);
	clear_request(ext);
}

void external_key(ui_t *ui)
{
	struct external *ext = state(ui);
	char bytes[64];
	while (read(STDIN_FILENO, bytes, sizeof bytes) < 0 && errno == EINTR) {
	}
	ext->press_key = false;
	back_to_screen(ui);
}

/* start: the message whole at hand, or its fetch started first. */
static void start(ui_t *ui, external_kind_t kind, uint64_t number, bool whole, size_t part,
		  const char *command)
{
	struct external *ext = state(ui);
	clear_request(ext);
	ext->kind = kind;
	ext->number = number;
	ext->whole = whole;
	ext->part = part;
	ext->command = command ? xstrdup(command) : NULL;
	session_whole_t held;
	if (session_whole_message(ui->session, number, &held)) {
		launch(ui, ext);
		return;
	}
	/* Never hand over the first lines of a TOP preview: the whole message first. */
	uint64_t n, got, total;
	bool cancelling;
	if (session_fetch_active(ui->session, &n, &got, &total, &cancelling) && n == number &&
	    !cancelling) {
		ext->waiting_fetch = true;
		return;
	}
	const char *tmp = getenv("TMPDIR");
	char *err = NULL;
	if (session_fetch(ui->session, number, tmp && *tmp ? tmp : "/tmp", &err) < 0) {
		ui_message(ui, true, _("Cannot fetch: %s"), err);
		free(err);
		clear_request(ext);
		return;
	}
	ext->waiting_fetch = true;
}

void external_tick(ui_t *ui)
{
	struct external *ext = ui->external;
	if (!ext)
		return;
	if (ext->pid > 0) {
		int status;
		pid_t done = waitpid(ext->pid, &status, WNOHANG);
		if (done == ext->pid)
			finished(ui, ext, status);
		else if (done < 0 && errno != EINTR)
			finished(ui, ext, 0);
		return;
	}
	uint64_t n, got, total;
	bool cancelling;
	if (!ext->waiting_fetch || session_fetch_active(ui->session, &n, &got, &total, &cancelling))
		return;
	session_whole_t held;
	if (session_whole_message(ui->session, ext->number, &held)) {
		launch(ui, ext);
	} else {
		ui_message(ui, true, _("Not opened: message %llu was not fetched whole."),
			   (unsigned long long)ext->number);
		clear_request(ext);
	}
}

/* Prompt answers carry the kind and, after the part question, the part
 * (0: the whole message, else the part's index + 1). */
#define ARG(kind, part) ((uint64_t)(kind) | ((uint64_t)(part) << 8))
#define ARG_KIND(arg) ((external_kind_t)((arg)&0xff))
#define ARG_PART(arg) ((arg) >> 8)

/* target: the message the keys act on: the one the preview or the pager
 * shows when it has the focus, else the list's selection. */
static bool target(ui_t *ui, uint64_t *number, bool *in_preview)
{
	const session_preview_t *p = session_get_preview(ui->session);
	*in_preview = (ui->overlay.ops == &pager_view_ops || ui->layout.focus == PANE_PREVIEW) &&
		      p->state == PREVIEW_READY;
	if (*in_preview) {
		*number = p->number;
		return true;
	}
	const mailbox_msg_t *msg = list_view_selected(ui);
	if (!msg) {
		ui_message(ui, true, "%s", _("No message selected."));
		return false;
	}
	*number = msg->number;
	return true;
}

static void on_pipe_command(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	uint64_t number;
	bool in_preview;
	if (!answer || !*answer || !target(ui, &number, &in_preview))
		return;
	uint64_t part = ARG_PART(arg);
	start(ui, EXTERNAL_PIPE, number, part == 0, part ? (size_t)part - 1 : 0, answer);
}

/* go_on: the part is known (part: index + 1, 0 for the whole message):
 * ask for the command to pipe to, or start. */
static void go_on(ui_t *ui, external_kind_t kind, uint64_t number, uint64_t part)
{
	if (kind != EXTERNAL_PIPE) {
		start(ui, kind, number, part == 0, part ? (size_t)part - 1 : 0, NULL);
		return;
	}
	char *question =
	    part ? xasprintf(_("Pipe part %llu of message %llu to (sh -c; the copy is \"$1\"): "),
			     (unsigned long long)(part - 1), (unsigned long long)number)
		 : xasprintf(_("Pipe message %llu to (sh -c; the copy is \"$1\"): "),
			     (unsigned long long)number);
	prompt_line(&ui->prompt, question, "", HISTORY_PIPE, on_pipe_command, ARG(kind, part));
	free(question);
}

static void on_part(ui_t *ui, const char *answer, int key, uint64_t arg)
{
	uint64_t number, index;
	bool in_preview;
	if (!answer || !target(ui, &number, &in_preview))
		return;
	const session_preview_t *p = session_get_preview(ui->session);
	if (!*answer) {
		go_on(ui, ARG_KIND(arg), number, 0);
		return;
	}
	if (!p->mime || !parse_u64_str(answer, mime_part_count(p->mime), &index) ||
	    index >= mime_part_count(p->mime)) {
		ui_message(ui, true, "%s", _("No such part."));
		return;
	}
	if (mime_part(p->mime, (size_t)index)->is_multipart) {
		ui_message(ui, true, "%s", _("That part is a container; pick one of its parts."));
		return;
	}
	go_on(ui, ARG_KIND(arg), number, index + 1);
}

void ui_action_external(ui_t *ui, external_kind_t kind)
{
	uint64_t number;
	bool in_preview;
	if (ui->external && ui->external->waiting_fetch) {
		ui_message(ui, true, _("Still fetching message %llu to open it (Esc cancels)."),
			   (unsigned long long)ui->external->number);
		return;
	}
	if (!target(ui, &number, &in_preview))
		return;
	const session_preview_t *p = session_get_preview(ui->session);
	if (in_preview && p->mime && mime_part_count(p->mime) > 1) {
		prompt_line(&ui->prompt,
			    _("Which part (number in [ ]; empty: the whole message): "), "",
			    HISTORY_PATH, on_part, ARG(kind, 0));
		return;
	}
	go_on(ui, kind, number, 0);
}

void external_end(ui_t *ui)
{
	struct external *ext = ui->external;
	if (!ext)
		return;
	if (ext->pid > 0) {
		kill(ext->pid, SIGTERM);
		int status;
		for (int waited = 0; waitpid(ext->pid, &status, WNOHANG) == 0; waited += 50) {
			if (waited >= STOP_GRACE_MS) {
				kill(ext->pid, SIGKILL);
				waitpid(ext->pid, &status, 0);
				break;
			}
			nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL);
		}
		restore_signals(ext);
	}
	if (ext->stdin_fd >= 0)
		close(ext->stdin_fd);
	tempcopy_remove(ext->copy);
	free(ext->command);
	free(ext);
	ui->external = NULL;
}
