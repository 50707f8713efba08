#include <config.h>

#include "ui/views.h"

#include <stdlib.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/textlines.h"
#include "util/buf.h"
#include "util/gettext.h"
#include "util/size.h"
#include "util/xalloc.h"

/* The preview follows the selection after it rests this long. */
#define PREVIEW_DELAY_MS 120

/* The preview's own state. */
typedef struct {
	int height;        /* lines at the last draw */
	size_t offset;     /* first line shown */
	size_t line_count; /* screen lines of the text */
	bool raw;          /* v: the raw source instead of the decoded text */
	bool raw_reply;    /* the last raw multi-line reply instead of a message */
	unsigned long raw_serial_seen;
	uint64_t want; /* the message to load once the selection rests */
	long long due_ms;
	/* The text, built once per message / mode and split into lines. */
	struct {
		const void *key_raw, *key_text;
		uint64_t key_number;
		int key_state;
		bool key_rawmode, key_reply;
		unsigned long key_serial;
		int key_width;
		char *key_notes; /* the row's state notes: a failed save changes them */
		buf_t text;
		unsigned long generation;       /* grows whenever text is rebuilt */
		unsigned long lines_generation; /* the text lines was cut from */
		text_lines_t lines;             /* long lines are wrapped at the pane width */
	} cache;
} preview_t;

static preview_t *preview_of(ui_t *ui)
{
	return ui->views[PANE_PREVIEW].private;
}

void preview_view_follow(ui_t *ui, uint64_t number)
{
	preview_t *pv = preview_of(ui);
	pv->raw_reply = false;
	pv->want = number;
	pv->due_ms = ui_now_ms() + PREVIEW_DELAY_MS;
}

void preview_view_show(ui_t *ui, uint64_t number)
{
	preview_of(ui)->raw_reply = false;
	session_preview(ui->session, number);
}

static void preview_open(ui_t *ui, view_t *view)
{
	preview_t *pv = view->private;
	pv->cache.key_state = -1;
}

static void preview_close(ui_t *ui, view_t *view)
{
	preview_t *pv = view->private;
	buf_free(&pv->cache.text);
	text_lines_free(&pv->cache.lines);
	free(pv->cache.key_notes);
}

static void add_header(buf_t *out, const char *name, const char *value)
{
	if (value && *value)
		buf_printf(out, _("%s: %s\n"), name, value);
}

/* build_parts: the MIME structure with decoded sizes; of a preview that
 * holds only the first lines, the sizes are of what arrived. */
static void build_parts(buf_t *out, const mime_message_t *mime, bool partial)
{
	size_t n = mime_part_count(mime);
	if (n <= 1)
		return;
	buf_printf(out, "%s\n",
		   partial ? _("MIME structure (a saves a part; sizes so far, f fetches all):")
			   : _("MIME structure (a saves a part):"));
	for (size_t i = 0; i < n; i++) {
		const mime_part_info_t *part = mime_part(mime, i);
		char size[16];
		size_format(part->size, size, sizeof size);
		buf_printf(out, "  [%zu] %*s%s", i, part->depth * 2, "",
			   part->content_type ? part->content_type : "?");
		if (part->charset)
			buf_printf(out, " %s", part->charset);
		if (!part->is_multipart)
			buf_printf(out, "  %s", size);
		if (part->filename)
			buf_printf(out, "  \"%s\"", part->filename);
		if (part->is_attachment)
			buf_printf(out, "  %s", _("attachment"));
		buf_append_str(out, "\n");
	}
}

/* add_problems: what may make the message block a mailbox or a client,
 * one line: each code and why; for a broken MIME structure what GMime
 * found when the preview shows that message. */
static void add_problems(buf_t *out, const mailbox_msg_t *msg, const session_preview_t *p)
{
	unsigned problems = mailbox_problems(msg);
	if (!problems)
		return;
	buf_append_str(out, _("Problems:"));
	const char *sep = " ";
	for (size_t i = 0; i < MAILBOX_PROBLEM_KINDS; i++) {
		const char *code, *reason;
		unsigned bit = mailbox_problem_at(i, &code, &reason);
		if (!(problems & bit))
			continue;
		buf_printf(out, "%s%s (%s", sep, code, reason);
		const char *detail = bit == MIME_PROBLEM_BROKEN && p && p->number == msg->number &&
					     p->state == PREVIEW_READY && p->mime
					 ? mime_message_broken(p->mime, p->partial)
					 : NULL;
		if (detail)
			buf_printf(out, ": %s", detail);
		buf_append_str(out, ")");
		sep = "; ";
	}
	buf_append_str(out, "\n");
}

/* add_state_notes: what may block the message, why it cannot be deleted,
 * or what went wrong with it last, above its preview. */
static void add_state_notes(buf_t *out, const mailbox_msg_t *msg, const session_preview_t *p)
{
	if (!msg)
		return;
	add_problems(out, msg, p);
	if (msg->note)
		buf_printf(out, _("Not saved: %s\n"), msg->note);
	if (msg->error)
		buf_printf(out, _("Last error: %s\n"), msg->error);
	switch (msg->uidl_status) {
	case UIDL_MISSING:
		buf_printf(out, "%s\n",
			   _("No UIDL: popscope can save this message but not delete it."));
		break;
	case UIDL_DUPLICATE:
		buf_printf(out, "%s\n",
			   _("Its UIDL is shared with another message: popscope can save it but "
			     "not delete it."));
		break;
	case UIDL_MALFORMED:
		buf_printf(out, "%s\n",
			   _("Its UIDL is malformed: popscope can save it but not delete it."));
		break;
	case UIDL_UNKNOWN:
	case UIDL_OK: break;
	}
}

static void build(ui_t *ui, preview_t *pv, const session_preview_t *p)
{
	buf_t *out = &pv->cache.text;
	bool rawmode = pv->raw;
	buf_clear(out);
	if (pv->raw_reply) {
		size_t len;
		unsigned long serial;
		const char *reply = session_raw_reply(ui->session, &len, &serial);
		buf_printf(out, "%s\n",
			   _("Reply to the last raw command (Enter on a row shows mail):"));
		buf_append(out, reply, len);
		return;
	}
	switch (p->state) {
	case PREVIEW_NONE: buf_append_str(out, _("No message selected.")); return;
	case PREVIEW_LOADING:
		buf_printf(out, _("Loading message %llu..."), (unsigned long long)p->number);
		return;
	case PREVIEW_FAILED: {
		buf_printf(out, _("Message %llu: %s\n"), (unsigned long long)p->number,
			   p->error ? p->error : "");
		const mailbox_msg_t *failed = session_by_number(ui->session, p->number);
		if (failed)
			add_problems(out, failed, p);
		return;
	}
	case PREVIEW_READY: break;
	}
	const mailbox_msg_t *msg = session_by_number(ui->session, p->number);
	char size[16];
	size_format(msg ? msg->size : p->raw_len, size, sizeof size);
	buf_printf(out, _("Message %llu, %s"), (unsigned long long)p->number, size);
	if (p->from_spool)
		buf_printf(out, " (%s)", _("whole message"));
	else if (p->via_retr && p->partial) {
		char cut[16];
		size_format(p->raw_len, cut, sizeof cut);
		buf_printf(out,
			   _(" (this server has no TOP: fetched with RETR, preview cut at %s; f "
			     "fetches all)"),
			   cut);
	} else if (p->via_retr)
		buf_printf(out, " (%s)", _("this server has no TOP: fetched with RETR"));
	else if (p->partial) {
		unsigned lines = ui->options ? ui->options->preview_lines : 200;
		buf_printf(out,
			   ngettext(" (first %u line via TOP; f fetches all)",
				    " (first %u lines via TOP; f fetches all)", lines),
			   lines);
	}
	buf_printf(out, "  [%s]\n", rawmode ? _("raw source, v: decoded") : _("v: raw source"));
	add_state_notes(out, msg, p);
	if (rawmode || !p->mime) {
		if (p->error)
			buf_printf(out, "(%s)\n", p->error);
		buf_append(out, p->raw ? p->raw : "", p->raw_len);
		return;
	}
	const mime_summary_t *sum = mime_message_summary(p->mime);
	if (sum->from_address && sum->from && strcmp(sum->from, sum->from_address) != 0)
		/* TRANSLATORS: "From", the sender's name, address. */
		buf_printf(out, _("%s: %s <%s>\n"), _("From"), sum->from, sum->from_address);
	else
		add_header(out, _("From"), sum->from ? sum->from : sum->from_address);
	add_header(out, _("To"), sum->to);
	add_header(out, _("Cc"), sum->cc);
	add_header(out, _("Date"), sum->date_text);
	add_header(out, _("Subject"), sum->subject);
	build_parts(out, p->mime, p->partial && !p->from_spool);
	buf_append_str(out, "\n");
	buf_append_str(out, p->text ? p->text : "");
}

/* refresh_text: rebuild the text when what it shows changed; true when it did. */
static bool refresh_text(ui_t *ui, preview_t *pv)
{
	const session_preview_t *p = session_get_preview(ui->session);
	size_t len;
	unsigned long serial;
	session_raw_reply(ui->session, &len, &serial);
	buf_t notes;
	buf_init(&notes);
	add_state_notes(&notes, session_by_number(ui->session, p->number), p);
	const char *notes_text = notes.data ? notes.data : "";
	bool same_notes = pv->cache.key_notes && strcmp(pv->cache.key_notes, notes_text) == 0;
	if (same_notes && pv->cache.key_raw == p->raw && pv->cache.key_text == p->text &&
	    pv->cache.key_number == p->number && pv->cache.key_state == (int)p->state &&
	    pv->cache.key_rawmode == pv->raw && pv->cache.key_reply == pv->raw_reply &&
	    pv->cache.key_serial == serial) {
		buf_free(&notes);
		return false;
	}
	free(pv->cache.key_notes);
	pv->cache.key_notes = xstrdup(notes_text);
	buf_free(&notes);
	bool same_message =
	    pv->cache.key_number == p->number && pv->cache.key_reply == pv->raw_reply;
	pv->cache.key_raw = p->raw;
	pv->cache.key_text = p->text;
	pv->cache.key_number = p->number;
	pv->cache.key_state = (int)p->state;
	pv->cache.key_rawmode = pv->raw;
	pv->cache.key_reply = pv->raw_reply;
	pv->cache.key_serial = serial;
	pv->cache.generation++;
	build(ui, pv, p);
	if (!same_message)
		pv->offset = 0;
	return true;
}

static void refresh_cache(ui_t *ui, preview_t *pv, int width)
{
	/* The pager may have rebuilt the text since the lines were cut. */
	if (refresh_text(ui, pv) || pv->cache.key_width != width ||
	    pv->cache.lines_generation != pv->cache.generation) {
		pv->cache.key_width = width;
		pv->cache.lines_generation = pv->cache.generation;
		text_lines_split(&pv->cache.lines, pv->cache.text.data, pv->cache.text.len, width);
	}
}

const char *preview_view_text(ui_t *ui, size_t *len, unsigned long *generation, bool *raw)
{
	preview_t *pv = preview_of(ui);
	refresh_text(ui, pv);
	*len = pv->cache.text.len;
	*generation = pv->cache.generation;
	*raw = pv->raw;
	return pv->cache.text.data ? pv->cache.text.data : "";
}

void preview_view_toggle_raw(ui_t *ui)
{
	preview_of(ui)->raw = !preview_of(ui)->raw;
}

static void preview_draw(ui_t *ui, view_t *view, int y, int x, int h, int w)
{
	preview_t *pv = view->private;
	refresh_cache(ui, pv, w);
	pv->height = h;
	size_t count = pv->cache.lines.count;
	pv->line_count = count;
	if (pv->offset + (size_t)h > count)
		pv->offset = count > (size_t)h ? count - (size_t)h : 0;
	const char *d = pv->cache.text.data ? pv->cache.text.data : "";
	for (int i = 0; i < h; i++) {
		size_t line = pv->offset + (size_t)i;
		if (line >= count)
			break;
		draw_role_t role = (line == 0 && !pv->raw_reply) ? ROLE_HEADER : ROLE_NORMAL;
		draw_text_len(y + i, x, w, d + pv->cache.lines.lines[line].start,
			      pv->cache.lines.lines[line].len, role, false);
	}
}

static void scroll_by(preview_t *pv, long delta)
{
	long max = (long)pv->line_count - pv->height;
	long target = (long)pv->offset + delta;
	if (target > max)
		target = max;
	if (target < 0)
		target = 0;
	pv->offset = (size_t)target;
}

static bool preview_request(ui_t *ui, view_t *view, ui_request_t request)
{
	preview_t *pv = view->private;
	long page = pv->height > 1 ? pv->height - 1 : 1;
	switch (request) {
	case UIREQ_UP: scroll_by(pv, -1); return true;
	case UIREQ_DOWN: scroll_by(pv, 1); return true;
	case UIREQ_PAGE_UP: scroll_by(pv, -page); return true;
	case UIREQ_PAGE_DOWN: scroll_by(pv, page); return true;
	case UIREQ_HALF_PAGE_UP: scroll_by(pv, -(page + 1) / 2); return true;
	case UIREQ_HALF_PAGE_DOWN: scroll_by(pv, (page + 1) / 2); return true;
	case UIREQ_LEFT:
		/* Long lines wrap here: Left goes back to the list instead. */
		ui->layout.focus = PANE_LIST;
		return true;
	case UIREQ_HOME: pv->offset = 0; return true;
	case UIREQ_END: scroll_by(pv, (long)pv->line_count); return true;
	case UIREQ_RAW_TOGGLE: preview_view_toggle_raw(ui); return true;
	default: return false;
	}
}

static void preview_scroll(ui_t *ui, view_t *view, int delta)
{
	scroll_by(view->private, delta);
}

/* preview_tick: load the followed message once the selection rested (when
 * the pane shows), and switch to a new raw multi-line reply. */
static int preview_tick(ui_t *ui, view_t *view)
{
	preview_t *pv = view->private;
	if (pv->want && ui_now_ms() >= pv->due_ms) {
		if (ui->layout.visible[PANE_PREVIEW] && session_state(ui->session) == SESSION_READY)
			session_preview(ui->session, pv->want);
		pv->want = 0;
	}
	size_t len;
	unsigned long raw_serial;
	session_raw_reply(ui->session, &len, &raw_serial);
	if (raw_serial != pv->raw_serial_seen) {
		pv->raw_serial_seen = raw_serial;
		pv->raw_reply = true;
	}
	return pv->want ? PREVIEW_DELAY_MS : -1;
}

const view_ops_t preview_view_ops = {
    .name = N_("Preview"),
    .no_action = N_("%s: no action in the preview"),
    .private_size = sizeof(preview_t),
    .open = preview_open,
    .close = preview_close,
    .draw = preview_draw,
    .request = preview_request,
    .wheel = preview_scroll,
    .tick = preview_tick,
};
