#include <config.h>

#include "ui/views.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "ui/draw.h"
#include "util/gettext.h"
#include "util/size.h"

/* draw_title: name, account, security, counts and the pending deletions.
 * The pending count shows at any width: when the line is too narrow the
 * program's name goes first, then the counts, then the account is cut,
 * then dropped, and the security word last. */
static void draw_title(ui_t *ui)
{
	int y = ui->layout.title_y, cols = COLS;
	session_t *s = ui->session;
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
	const char *name = " popscope ";
	char where[512], counts[256], total[16], pending_text[64] = "";
	const char *user = ui->config->user ? ui->config->user : "";
	snprintf(where, sizeof where, " %s@%s:%s  ", user, ui->config->host, ui->config->port);
	size_format(session_total_octets(s), total, sizeof total);
	if (session_limit_pattern(s)) {
		char shown[16];
		size_format(session_shown_octets(s), shown, sizeof shown);
		/* TRANSLATORS: messages the limit shows / all, their size / all. */
		snprintf(counts, sizeof counts,
			 ngettext("   %zu/%zu message, %s/%s", "   %zu/%zu messages, %s/%s",
				  session_total_count(s)),
			 session_count(s), session_total_count(s), shown, total);
	} else {
		snprintf(counts, sizeof counts,
			 ngettext("   %zu message, %s", "   %zu messages, %s", session_count(s)),
			 session_count(s), total);
	}
	size_t pending = session_pending_count(s);
	if (pending)
		snprintf(pending_text, sizeof pending_text, _("  %zu PENDING DELETION"), pending);
	int w_name = draw_width(name), w_where = draw_width(where), w_sec = draw_width(sec);
	int w_counts = draw_width(counts), w_pending = draw_width(pending_text);
	if (w_name + w_where + w_sec + w_counts + w_pending > cols)
		w_name = 0;
	if (w_name + w_where + w_sec + w_counts + w_pending > cols)
		w_counts = 0;
	/* The account gets what is left, when that is worth showing. */
	if (w_where + w_sec + w_pending > cols)
		w_where = cols - w_sec - w_pending - 1;
	if (w_where < 8)
		w_where = 0;
	if (w_sec + w_pending > cols)
		w_sec = 0;
	int x = 0;
	if (w_name)
		x += draw_text(y, x, w_name, name, ROLE_TITLE, false);
	if (w_where) {
		x += draw_text(y, x, w_where, where, ROLE_TITLE, false);
		if (draw_width(where) > w_where)
			x += draw_text(y, x, 1, " ", ROLE_TITLE, false);
	}
	if (w_sec)
		x += draw_text(y, x, cols - x, sec, role, false);
	if (w_counts)
		x += draw_text(y, x, cols - x, counts, ROLE_TITLE, false);
	int right = pending ? cols - w_pending : cols;
	if (right < x)
		right = x;
	draw_fill(y, x, right - x, ROLE_TITLE);
	if (pending)
		draw_text(y, right, cols - right, pending_text, ROLE_WARN, true);
}

/* transfer_pct: got of total in percent, at most 100. */
static int transfer_pct(uint64_t got, uint64_t total)
{
	int pct = total ? (int)(got * 100 / total) : 0;
	return pct > 100 ? 100 : pct;
}

/* draw_transfer: a RETR's progress (head: its text) and a bar, or the
 * note that its rest is being discarded after Esc. */
static void draw_transfer(int y, int cols, const char *head, uint64_t n, uint64_t got,
			  uint64_t total, bool cancelling)
{
	if (cancelling) {
		char text[128];
		snprintf(text, sizeof text,
			 _("Cancelling RETR %llu: reading and discarding the rest "
			   "(POP3 cannot stop a transfer)..."),
			 (unsigned long long)n);
		draw_text(y, 0, cols, text, ROLE_NORMAL, true);
		return;
	}
	int x = draw_text(y, 0, cols, head, ROLE_NORMAL, false);
	int pct = transfer_pct(got, total);
	int bar = cols - x - 2;
	if (bar > 0) {
		int filled = bar * pct / 100;
		draw_fill(y, x, filled, ROLE_FOCUS);
		draw_fill(y, x + filled, bar - filled, ROLE_DIM);
	}
}

static void draw_status(ui_t *ui)
{
	int y = ui->layout.status_y, cols = COLS;
	if (prompt_active(&ui->prompt) && ui->prompt.kind == PROMPT_LINE)
		return;
	uint64_t n, got, total;
	size_t others;
	bool cancelling;
	char head[160], gs[16], ts[16];
	if (session_fetch_active(ui->session, &n, &got, &total, &cancelling)) {
		size_format(got, gs, sizeof gs);
		size_format(total, ts, sizeof ts);
		snprintf(head, sizeof head, _("RETR %llu %3d%% %s/%s (Esc cancels) "),
			 (unsigned long long)n, transfer_pct(got, total), gs, ts);
		draw_transfer(y, cols, head, n, got, total, cancelling);
		return;
	}
	if (session_save_active(ui->session, &n, &got, &total, &others, &cancelling)) {
		size_format(got, gs, sizeof gs);
		size_format(total, ts, sizeof ts);
		if (others)
			snprintf(head, sizeof head,
				 ngettext("Saving %llu %3d%% %s/%s (+%zu queued; Esc cancels) ",
					  "Saving %llu %3d%% %s/%s (+%zu queued; Esc cancels) ",
					  others),
				 (unsigned long long)n, transfer_pct(got, total), gs, ts, others);
		else
			snprintf(head, sizeof head, _("Saving %llu %3d%% %s/%s (Esc cancels) "),
				 (unsigned long long)n, transfer_pct(got, total), gs, ts);
		draw_transfer(y, cols, head, n, got, total, cancelling);
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
		int w = draw_width(prog);
		if (cols - w > x)
			draw_text(y, cols - w, w, prog, ROLE_DIM, false);
	}
}

static void draw_hints(ui_t *ui)
{
	/* TRANSLATORS: keep it short: it must fit 80 columns. */
	const char *hints =
	    _("q quit s save d delete u undo :cmd /search o sort Tab pane L layout ? help");
	draw_text(ui->layout.hints_y, 0, COLS, hints, ROLE_DIM, true);
}

static void draw_pane_header(ui_t *ui, pane_t pane)
{
	const rect_t *r = &ui->layout.pane[pane];
	char text[256];
	view_t *view = &ui->views[pane];
	draw_role_t role = ui->layout.focus == pane ? ROLE_FOCUS : ROLE_HEADER;
	if (view->ops->header)
		view->ops->header(ui, view, text, sizeof text);
	else
		snprintf(text, sizeof text, " %s", _(view->ops->name));
	draw_text(r->y, r->x, r->w, text, role, true);
}

void screen_draw(ui_t *ui)
{
	erase();
	if (ui->overlay.ops) {
		ui->overlay.ops->draw(ui, &ui->overlay, 0, 0, LINES, COLS);
		/* A prompt over the overlay: on its last line, or a dialog box. */
		if (prompt_active(&ui->prompt)) {
			prompt_draw(&ui->prompt, LINES - 1, COLS, LINES);
			curs_set(ui->prompt.kind == PROMPT_LINE ? 1 : 0);
		} else if (ui->message) {
			draw_text(LINES - 1, 0, COLS, ui->message,
				  ui->message_error ? ROLE_ERROR : ROLE_NORMAL, true);
			curs_set(0);
		} else {
			curs_set(0);
		}
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
