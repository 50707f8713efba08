#include <config.h>

#include "ui/views.h"

#include "ui/draw.h"
#include "util/gettext.h"

int help_draw(int lines, int cols, int offset)
{
	size_t count;
	const keymap_entry_t *entries = keymap_entries(&count);
	draw_text(0, 0, cols, _("popscope help (j/k scroll, any other key closes)"), ROLE_TITLE,
		  true);
	int y = 2, skipped = 0, total = 0;
	for (size_t i = 0; i < count && y < lines; i++) {
		if (!entries[i].help || !entries[i].label)
			continue;
		total++;
		if (skipped < offset) {
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
		draw_text(y, 2, 16, keys, ROLE_SEND, false);
		draw_text(y, 20, cols - 21, _(entries[i].help), ROLE_NORMAL, false);
		y++;
	}
	y++;
	if (y < lines)
		draw_text(y++, 2, cols - 3,
			  _("Flags: S saved, D deletion pending, x deleted, ~ saving, "
			    "! size mismatch, E error."),
			  ROLE_DIM, false);
	if (y < lines)
		draw_text(y++, 2, cols - 3,
			  _("Digits then Enter jump to a message number. "
			    "Deletions happen at quit."),
			  ROLE_DIM, false);
	/* The most the help can scroll: every entry plus the notes must fit. */
	int max = total + 5 - lines;
	return max > 0 ? max : 0;
}
