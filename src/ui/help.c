#include <config.h>

#include "ui/views.h"

#include <stdio.h>

#include "session/limit.h"
#include "ui/draw.h"
#include "util/gettext.h"

/* The help's own state. */
typedef struct {
	int offset; /* entries scrolled off the top */
	int max;    /* the largest useful offset, at the last draw */
	int height; /* lines at the last draw */
} help_t;

static void help_draw(ui_t *ui, view_t *view, int top, int left, int lines, int cols)
{
	help_t *help = view->private;
	size_t count;
	const keymap_entry_t *entries = keymap_entries(&count);
	help->height = lines;
	draw_text(top, left, cols, _("popscope help (j/k scroll, any other key closes)"),
		  ROLE_TITLE, true);
	int y = 2, skipped = 0, total = 0;
	for (size_t i = 0; i < count && y < lines; i++) {
		if (!entries[i].help || !entries[i].label)
			continue;
		total++;
		if (skipped < help->offset) {
			skipped++;
			continue;
		}
		/* Show every key bound to the same request on one line. */
		char keys[64];
		int n = snprintf(keys, sizeof keys, "%s", entries[i].label);
		for (size_t j = i + 1; j < count && n > 0 && (size_t)n < sizeof keys; j++)
			if (entries[j].request == entries[i].request && entries[j].label &&
			    !entries[j].help)
				n += snprintf(keys + n, sizeof keys - (size_t)n, " %s",
					      entries[j].label);
		draw_text(top + y, left + 2, 16, keys, ROLE_SEND, false);
		draw_text(top + y, left + 20, cols - 21, _(entries[i].help), ROLE_NORMAL, false);
		y++;
	}
	/* The notes wrap: a translation may be longer than the line. */
	const char *const notes_text[] = {
	    _("Flags: S saved, D deletion pending, x deleted, ~ saving, "
	      "U UIDL unusable, E error; !N: N problems (! sorts, the preview names "
	      "them)."),
	    _("Digits then Enter jump to a message number. "
	      "Deletions happen at quit."),
	    _("In the focused log pane / n N search the log, h l scroll it sideways."),
	};
	int notes = 3; /* the title, the blank line under it and the one after the keys */
	y++;
	for (size_t i = 0; i < sizeof notes_text / sizeof *notes_text; i++) {
		notes += draw_wrap_count(notes_text[i], cols - 3);
		if (y < lines)
			y += draw_text_wrap(top + y, left + 2, cols - 3, lines - y, notes_text[i],
					    ROLE_DIM);
	}
	/* The limit's pattern language (l), from its own table. */
	y++;
	if (y < lines)
		draw_text(top + y++, left + 2, cols - 3,
			  _("Limit patterns (l): every term must hold."), ROLE_DIM, false);
	notes += 2;
	const char *label, *text;
	for (size_t i = 0; limit_help(i, &label, &text); i++, notes++) {
		if (y >= lines)
			continue;
		draw_text(top + y, left + 2, 16, label, ROLE_SEND, false);
		draw_text(top + y++, left + 20, cols - 21, text, ROLE_NORMAL, false);
	}
	/* The most the help can scroll: every entry plus the notes must fit. */
	int max = total + notes - lines;
	help->max = max > 0 ? max : 0;
}

/* help_request: scrolling keys scroll; any other request is not handled,
 * which closes the help. */
static bool help_request(ui_t *ui, view_t *view, ui_request_t request)
{
	help_t *help = view->private;
	switch (request) {
	case UIREQ_DOWN: help->offset += 1; break;
	case UIREQ_PAGE_DOWN:
	case UIREQ_HALF_PAGE_DOWN: help->offset += help->height / 2; break;
	case UIREQ_UP: help->offset -= 1; break;
	case UIREQ_PAGE_UP:
	case UIREQ_HALF_PAGE_UP: help->offset -= help->height / 2; break;
	default: return false;
	}
	if (help->offset > help->max)
		help->offset = help->max;
	if (help->offset < 0)
		help->offset = 0;
	return true;
}

const view_ops_t help_view_ops = {
    .private_size = sizeof(help_t),
    .draw = help_draw,
    .request = help_request,
};
