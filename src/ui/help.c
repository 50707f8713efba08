#include <config.h>

#include "ui/views.h"

#include <curses.h>

#include "ui/draw.h"
#include "util/gettext.h"

void help_draw(int lines, int cols)
{
	size_t count;
	const keymap_entry_t *entries = keymap_entries(&count);
	erase();
	draw_text(0, 0, cols, _("popscope help (any key closes)"), ROLE_TITLE, true);
	int y = 2;
	for (size_t i = 0; i < count && y < lines - 3; i++) {
		if (!entries[i].help || !entries[i].label)
			continue;
		/* Show every key bound to the same request on one line. */
		char keys[64];
		int n = snprintf(keys, sizeof keys, "%s", entries[i].label);
		for (size_t j = i + 1; j < count && n > 0 && (size_t)n < sizeof keys; j++)
			if (entries[j].request == entries[i].request && entries[j].label && !entries[j].help)
				n += snprintf(keys + n, sizeof keys - (size_t)n, " %s", entries[j].label);
		draw_text(y, 2, 16, keys, ROLE_SEND, false);
		draw_text(y, 20, cols - 21, _(entries[i].help), ROLE_NORMAL, false);
		y++;
	}
	y++;
	if (y < lines - 2)
		draw_text(y++, 2, cols - 3,
			  _("Flags: S saved, D deletion pending, x deleted, ~ saving, ! size mismatch, "
			    "E error."),
			  ROLE_DIM, false);
	if (y < lines - 2)
		draw_text(y++, 2, cols - 3,
			  _("Digits then Enter jump to a message number. Deletions happen at quit."),
			  ROLE_DIM, false);
}
