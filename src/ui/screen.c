#include <config.h>

#include "ui/views.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "ui/draw.h"
#include "util/gettext.h"

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
	if (session_limit_pattern(s)) {
		char shown[16];
		draw_size(session_shown_octets(s), shown, sizeof shown);
		/* TRANSLATORS: messages the limit shows / all, their size / all. */
		snprintf(right, sizeof right, _("   %zu/%zu messages, %s/%s"), session_count(s),
			 session_total_count(s), shown, total);
	} else {
		snprintf(right, sizeof right, _("   %zu messages, %s"), session_count(s), total);
	}
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
