#include <config.h>

#include "ui/prompt.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "ui/draw.h"
#include "util/xalloc.h"

#define HISTORY_MAX 100

typedef struct {
	char *items[HISTORY_MAX];
	int count;
} history_t;

static history_t histories[HISTORY_COUNT];

static void history_add(prompt_history_t which, const char *line)
{
	history_t *h = &histories[which];
	if (!*line || (h->count && strcmp(h->items[h->count - 1], line) == 0))
		return;
	if (h->count == HISTORY_MAX) {
		free(h->items[0]);
		memmove(h->items, h->items + 1, (HISTORY_MAX - 1) * sizeof *h->items);
		h->count--;
	}
	h->items[h->count++] = xstrdup(line);
}

void prompt_history_free(void)
{
	for (int i = 0; i < HISTORY_COUNT; i++) {
		for (int j = 0; j < histories[i].count; j++)
			free(histories[i].items[j]);
		histories[i].count = 0;
	}
}

void prompt_clear(prompt_t *prompt)
{
	free(prompt->question);
	for (size_t i = 0; i < prompt->line_count; i++)
		free(prompt->lines[i]);
	free(prompt->keys);
	secret_wipe(prompt->input, sizeof prompt->input);
	memset(prompt, 0, sizeof *prompt);
}

static void set_input(prompt_t *prompt, const char *text)
{
	size_t n = strlen(text);
	if (n >= PROMPT_MAX_INPUT)
		n = PROMPT_MAX_INPUT - 1;
	memcpy(prompt->input, text, n);
	prompt->input[n] = '\0';
	prompt->len = n;
}

void prompt_line(prompt_t *prompt, const char *question, const char *initial,
		 prompt_history_t history, prompt_done_fn done, uint64_t arg)
{
	prompt_clear(prompt);
	prompt->kind = PROMPT_LINE;
	prompt->question = xstrdup(question);
	set_input(prompt, initial ? initial : "");
	prompt->history = history;
	prompt->history_pos = -1;
	prompt->mask_secrets = history == HISTORY_COMMAND;
	prompt->done = done;
	prompt->arg = arg;
}

void prompt_dialog(prompt_t *prompt, const char *question, const char *keys, int default_key,
		   prompt_done_fn done, uint64_t arg)
{
	prompt_clear(prompt);
	prompt->kind = PROMPT_DIALOG;
	prompt->question = xstrdup(question);
	prompt->keys = xstrdup(keys);
	prompt->default_key = default_key;
	prompt->done = done;
	prompt->arg = arg;
}

void prompt_add_line(prompt_t *prompt, const char *line)
{
	if (prompt->line_count < PROMPT_MAX_LINES)
		prompt->lines[prompt->line_count++] = xstrdup(line);
}

bool prompt_active(const prompt_t *prompt)
{
	return prompt->kind != PROMPT_OFF;
}

/* is_secret_command: commands whose arguments must never be shown or kept. */
static bool is_secret_command(const char *line, size_t *visible)
{
	static const char *const verbs[] = {"PASS ", "APOP ", "AUTH "};
	while (*line == ' ')
		line++;
	for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++) {
		if (strncasecmp(line, verbs[i], 5) == 0) {
			*visible = 5;
			/* APOP user digest / AUTH MECH initial-response: the first word stays. */
			if (i > 0) {
				const char *sp = strchr(line + 5, ' ');
				*visible = sp ? (size_t)(sp - line) + 1 : strlen(line);
			}
			return true;
		}
	}
	return false;
}

char *prompt_mask_command(const char *line)
{
	size_t visible;
	if (!is_secret_command(line, &visible))
		return xstrdup(line);
	while (*line == ' ')
		line++;
	size_t n = strlen(line);
	char *out = xstrdup(line);
	for (size_t i = visible; i < n; i++)
		out[i] = '*';
	return out;
}

static void finish(struct ui *ui, prompt_t *prompt, const char *answer, int key)
{
	prompt_done_fn done = prompt->done;
	uint64_t arg = prompt->arg;
	char *copy = answer ? xstrdup(answer) : NULL;
	if (answer && prompt->kind == PROMPT_LINE) {
		size_t visible;
		if (!(prompt->history == HISTORY_COMMAND && is_secret_command(answer, &visible)))
			history_add(prompt->history, answer);
	}
	prompt_clear(prompt);
	if (done)
		done(ui, copy, key, arg);
	if (copy) {
		secret_wipe(copy, strlen(copy));
		free(copy);
	}
}

static void delete_last_char(prompt_t *prompt)
{
	while (prompt->len) {
		unsigned char c = (unsigned char)prompt->input[--prompt->len];
		prompt->input[prompt->len] = '\0';
		if ((c & 0xC0) != 0x80)
			break;
	}
}

static void browse_history(prompt_t *prompt, int direction)
{
	history_t *h = &histories[prompt->history];
	if (!h->count)
		return;
	int pos = prompt->history_pos;
	if (direction < 0)
		pos = pos < 0 ? h->count - 1 : (pos > 0 ? pos - 1 : 0);
	else if (pos >= 0)
		pos = pos + 1 < h->count ? pos + 1 : -1;
	prompt->history_pos = pos;
	set_input(prompt, pos < 0 ? "" : h->items[pos]);
}

bool prompt_key(struct ui *ui, prompt_t *prompt, int key, bool is_function_key)
{
	if (prompt->kind == PROMPT_DIALOG) {
		if (!is_function_key && key == 27) {
			finish(ui, prompt, NULL, 0);
			return true;
		}
		if ((!is_function_key && (key == '\r' || key == '\n')) ||
		    (is_function_key && key == KEY_ENTER)) {
			finish(ui, prompt, "", prompt->default_key);
			return true;
		}
		if (!is_function_key && key > 0 && key < 128) {
			int lower = key >= 'A' && key <= 'Z' ? key - 'A' + 'a' : key;
			if (strchr(prompt->keys, lower)) {
				finish(ui, prompt, "", lower);
				return true;
			}
		}
		return false;
	}
	if (is_function_key) {
		switch (key) {
		case KEY_ENTER: finish(ui, prompt, prompt->input, '\r'); return true;
		case KEY_BACKSPACE: delete_last_char(prompt); break;
		case KEY_UP: browse_history(prompt, -1); break;
		case KEY_DOWN: browse_history(prompt, 1); break;
		default: break;
		}
		return false;
	}
	switch (key) {
	case 27: finish(ui, prompt, NULL, 0); return true;
	case '\r':
	case '\n': finish(ui, prompt, prompt->input, '\r'); return true;
	case 127:
	case 8: delete_last_char(prompt); return false;
	case 21: /* ^U */ set_input(prompt, ""); return false;
	default: break;
	}
	if (key < 32)
		return false;
	char mb[MB_LEN_MAX];
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1 || prompt->len + n >= PROMPT_MAX_INPUT)
		return false;
	memcpy(prompt->input + prompt->len, mb, n);
	prompt->len += n;
	prompt->input[prompt->len] = '\0';
	return false;
}

/* draw_dialog: a band across the screen, its text in the middle. Every line wraps at the
 * box's width, so a long path shows whole; when the box is taller than
 * the screen, the blank rows go first, then the detail lines before the
 * last are cut to one row each, then the bottom. */
static void draw_dialog(const prompt_t *prompt, int cols, int lines)
{
	int w = cols - 8 < 76 ? cols - 8 : 76;
	int pad = 2;
	if (cols < 60) {
		w = cols - 2;
		pad = 1;
	}
	if (w < 12) {
		w = cols;
		pad = 0;
	}
	int qw = w - 2 * pad, dw = w - 3 * pad;
	int rows[PROMPT_MAX_LINES] = {0};
	int body = draw_wrap_count(prompt->question, qw);
	for (size_t i = 0; i < prompt->line_count; i++) {
		rows[i] = draw_wrap_count(prompt->lines[i], dw);
		body += rows[i];
	}
	int room = lines - 2 > 1 ? lines - 2 : 1;
	int blank = body + 2 <= room ? 1 : 0;
	for (size_t i = 0; body > room && i + 1 < prompt->line_count; i++) {
		body -= rows[i] - 1;
		rows[i] = 1;
	}
	int h = body + 2 * blank;
	if (h > room)
		h = room;
	int y0 = (lines - h) / 2, x0 = (cols - w) / 2;
	if (y0 < 0)
		y0 = 0;
	if (x0 < 0)
		x0 = 0;
	/* The band spans the screen: no piece of a line behind it shows beside it. */
	for (int y = 0; y < h; y++)
		draw_fill(y0 + y, 0, cols, ROLE_FOCUS);
	int y = y0 + blank, end = y0 + h;
	y += draw_text_wrap(y, x0 + pad, qw, end - y, prompt->question, ROLE_FOCUS);
	for (size_t i = 0; i < prompt->line_count && y < end; i++) {
		int max = rows[i] < end - y ? rows[i] : end - y;
		y += draw_text_wrap(y, x0 + 2 * pad, dw, max, prompt->lines[i], ROLE_FOCUS);
	}
}

void prompt_draw(const prompt_t *prompt, int status_y, int cols, int lines)
{
	if (prompt->kind == PROMPT_LINE) {
		char *shown = prompt->mask_secrets ? prompt_mask_command(prompt->input)
						   : xstrdup(prompt->input);
		int qw = draw_text(status_y, 0, cols, prompt->question, ROLE_NORMAL, false);
		/* Keep the end of a long input in view. */
		int iw = draw_text_end(status_y, qw, cols - qw, shown, ROLE_NORMAL);
		move(status_y, qw + iw < cols ? qw + iw : cols - 1);
		secret_wipe(shown, strlen(shown));
		free(shown);
		return;
	}
	if (prompt->kind == PROMPT_DIALOG)
		draw_dialog(prompt, cols, lines);
}
