/* limit.c: the limit pattern language: a tokenizer, a table of term kinds
 * (each a parser for its argument and a test against a message), and the
 * matcher. Another term is one row in term_kinds plus its two functions. */
#include <config.h>

#include "session/limit.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/fold.h"
#include "util/gettext.h"
#include "util/xalloc.h"

/* What a term says about a message: a term that needs headers cannot tell
 * before they arrive. */
typedef enum {
	ANSWER_NO,
	ANSWER_YES,
	ANSWER_UNKNOWN
} answer_t;

typedef struct term term_t;

typedef struct {
	char letter;        /* after ~; 0: a plain word */
	bool needs_headers; /* sender, subject or date: unknown before TOP answered */
	const char *label;  /* for the help screen */
	const char *help;   /* N_() */
	/* parse: the argument (unquoted; exact: it began with an unquoted =)
	 * into term; NULL, or why not (translated; caller frees) */
	char *(*parse)(term_t *term, const char *arg, bool exact, long long now);
	bool (*match)(const term_t *term, const mailbox_msg_t *msg);
} term_kind_t;

struct term {
	const term_kind_t *kind;
	bool negate;
	char *text; /* text terms: folded */
	bool exact;
	uint64_t size_low, size_high; /* ~z: both included */
	long long date_from, date_to; /* ~d: [from, to) */
	size_t flag;                  /* ~F: index in flags */
	unsigned problem;             /* ~P: the problem's bit, 0: any problem */
};

struct limit {
	term_t *terms;
	size_t count;
	bool needs_headers;
};

/* ---- text ---- */

static char *parse_text(term_t *term, const char *arg, bool exact, long long now)
{
	(void)now;
	if (!*arg)
		return xstrdup(_("the text is empty"));
	term->text = fold_copy(arg);
	term->exact = exact;
	return NULL;
}

static bool match_sender(const term_t *term, const mailbox_msg_t *msg)
{
	return fold_has(msg->from, term->text, term->exact) ||
	       fold_has(msg->from_address, term->text, term->exact);
}

static bool match_subject(const term_t *term, const mailbox_msg_t *msg)
{
	return fold_has(msg->subject, term->text, term->exact);
}

static bool match_word(const term_t *term, const mailbox_msg_t *msg)
{
	return match_sender(term, msg) || match_subject(term, msg);
}

/* ---- sizes ---- */

/* parse_size: "5M", "1.5G", "100k", "1234" into octets. */
static bool parse_size(const char *s, size_t len, uint64_t *out)
{
	static const struct {
		const char *suffix;
		double factor;
	} units[] = {
	    {"", 1},
	    {"b", 1},
	    {"B", 1},
	    {"k", 1024.0},
	    {"K", 1024.0},
	    {"KiB", 1024.0},
	    {"kB", 1000.0},
	    {"KB", 1000.0},
	    {"m", 1048576.0},
	    {"M", 1048576.0},
	    {"MiB", 1048576.0},
	    {"MB", 1e6},
	    {"g", 1073741824.0},
	    {"G", 1073741824.0},
	    {"GiB", 1073741824.0},
	    {"GB", 1e9},
	};
	size_t i = 0;
	double value = 0, scale = 1;
	bool digits = false, point = false;
	for (; i < len && ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && !point)); i++) {
		if (s[i] == '.') {
			point = true;
			continue;
		}
		digits = true;
		if (point)
			value += (s[i] - '0') * (scale /= 10);
		else
			value = value * 10 + (s[i] - '0');
	}
	if (!digits)
		return false;
	for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
		if (strlen(units[u].suffix) == len - i &&
		    memcmp(units[u].suffix, s + i, len - i) == 0) {
			double octets = value * units[u].factor;
			if (octets >= 9.2e18 || (point && units[u].factor == 1))
				return false;
			*out = (uint64_t)octets;
			return true;
		}
	}
	return false;
}

static char *bad_size(void)
{
	/* TRANSLATORS: the examples are pattern syntax; keep them as they are. */
	return xstrdup(_("not a size (say >5M, <100k or 1M-5M)"));
}

static char *parse_size_term(term_t *term, const char *arg, bool exact, long long now)
{
	(void)exact, (void)now;
	size_t len = strlen(arg);
	uint64_t a = 0, b = UINT64_MAX;
	const char *dots = strstr(arg, "..");
	const char *dash = strchr(arg, '-');
	const char *sep = dots ? dots : dash;
	size_t sep_len = dots ? 2 : 1;
	if (arg[0] == '<' || arg[0] == '>') {
		bool or_equal = arg[1] == '=';
		const char *v = arg + 1 + or_equal;
		uint64_t n;
		if (!parse_size(v, strlen(v), &n))
			return bad_size();
		if (arg[0] == '<') {
			if (!or_equal && n == 0)
				return bad_size();
			b = or_equal ? n : n - 1;
		} else {
			if (!or_equal && n == UINT64_MAX)
				return bad_size();
			a = or_equal ? n : n + 1;
		}
	} else if (sep) {
		size_t left = (size_t)(sep - arg), right = len - left - sep_len;
		if ((!left && !right) || (left && !parse_size(arg, left, &a)) ||
		    (right && !parse_size(sep + sep_len, right, &b)))
			return bad_size();
		if (a > b)
			return xstrdup(_("the range runs backwards: the smaller size comes first"));
	} else {
		if (!parse_size(arg, len, &a))
			return bad_size();
		b = a;
	}
	term->size_low = a;
	term->size_high = b;
	return NULL;
}

static bool match_size(const term_t *term, const mailbox_msg_t *msg)
{
	return msg->size >= term->size_low && msg->size <= term->size_high;
}

/* ---- dates ---- */

/* local_time: midnight of year-month-day in local time, normalizing an
 * overflowing month or day (month 13 is January of the next year). */
static long long local_time(int year, int month, int day)
{
	struct tm tm = {0};
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_isdst = -1;
	return (long long)mktime(&tm);
}

static bool take_number(const char **p, const char *end, int digits, int *out)
{
	int n = 0;
	for (int i = 0; i < digits; i++, (*p)++) {
		if (*p >= end || **p < '0' || **p > '9')
			return false;
		n = n * 10 + (**p - '0');
	}
	*out = n;
	return true;
}

/* parse_day: "2026", "2026-03" or "2026-03-14" into the interval it covers,
 * [*from, *to). */
static bool parse_day(const char *s, size_t len, long long *from, long long *to)
{
	const char *p = s, *end = s + len;
	int year, month = 0, day = 0;
	if (!take_number(&p, end, 4, &year) || year < 1970)
		return false;
	if (p < end && (*p++ != '-' || !take_number(&p, end, 2, &month) || month < 1 || month > 12))
		return false;
	if (p < end && (*p++ != '-' || !take_number(&p, end, 2, &day) || day < 1))
		return false;
	if (p != end)
		return false;
	if (day) {
		/* 2026-02-30 is no day: mktime would make it March 2. */
		if (local_time(year, month, day) >= local_time(year, month + 1, 1))
			return false;
		*from = local_time(year, month, day);
		*to = local_time(year, month, day + 1);
	} else if (month) {
		*from = local_time(year, month, 1);
		*to = local_time(year, month + 1, 1);
	} else {
		*from = local_time(year, 1, 1);
		*to = local_time(year + 1, 1, 1);
	}
	return *from != -1 && *to != -1;
}

/* parse_age: "30d" (h d w m y) into the time that long before now. */
static bool parse_age(const char *s, long long now, long long *when)
{
	size_t len = strlen(s);
	int n = 0;
	const char *p = s;
	if (len < 2 || len > 7 || !take_number(&p, s + len - 1, (int)len - 1, &n))
		return false;
	time_t t = (time_t)now;
	struct tm tm;
	switch (s[len - 1]) {
	case 'h': *when = now - 3600LL * n; return true;
	case 'd': *when = now - 86400LL * n; return true;
	case 'w': *when = now - 7 * 86400LL * n; return true;
	case 'm':
	case 'y':
		if (!localtime_r(&t, &tm))
			return false;
		if (s[len - 1] == 'm')
			tm.tm_mon -= n;
		else
			tm.tm_year -= n;
		tm.tm_isdst = -1;
		*when = (long long)mktime(&tm);
		return true;
	default: return false;
	}
}

static char *bad_date(void)
{
	/* TRANSLATORS: the examples are pattern syntax; keep them as they are. */
	return xstrdup(_("not a date (say 2026-03-14, 2026-01..2026-03 or <30d)"));
}

static char *parse_date_term(term_t *term, const char *arg, bool exact, long long now)
{
	(void)exact;
	long long from = LLONG_MIN, to = LLONG_MAX, a, b;
	size_t len = strlen(arg);
	const char *dots = strstr(arg, "..");
	if (arg[0] == '<' || arg[0] == '>') {
		bool or_equal = arg[1] == '=';
		const char *v = arg + 1 + or_equal;
		if (parse_age(v, now, &a)) {
			/* <30d: newer than 30 days; >30d: older. */
			if (arg[0] == '<')
				from = a;
			else
				to = a;
		} else if (parse_day(v, strlen(v), &a, &b)) {
			if (arg[0] == '<')
				to = or_equal ? b : a;
			else
				from = or_equal ? a : b;
		} else {
			return bad_date();
		}
	} else if (dots) {
		size_t left = (size_t)(dots - arg), right = len - left - 2;
		if ((!left && !right) || (left && !parse_day(arg, left, &from, &b)) ||
		    (right && !parse_day(dots + 2, right, &a, &to)))
			return bad_date();
		if (from >= to)
			return xstrdup(_("the range runs backwards: the earlier date comes first"));
	} else if (!parse_day(arg, len, &from, &to)) {
		return bad_date();
	}
	term->date_from = from;
	term->date_to = to;
	return NULL;
}

static bool match_date(const term_t *term, const mailbox_msg_t *msg)
{
	return msg->date != 0 && msg->date >= term->date_from && msg->date < term->date_to;
}

/* ---- flags ---- */

static bool deletion_pending(const mailbox_msg_t *msg)
{
	return msg->state == MSG_DELETE_SENT || msg->state == MSG_DELETE_PENDING;
}

static bool flag_saved(const mailbox_msg_t *msg)
{
	return msg->saved_path != NULL;
}

static bool flag_saving(const mailbox_msg_t *msg)
{
	return msg->state == MSG_SAVING;
}

static bool flag_deleted(const mailbox_msg_t *msg)
{
	return deletion_pending(msg) || msg->state == MSG_DELETED ||
	       msg->state == MSG_DELETE_UNCERTAIN;
}

static bool flag_uncertain(const mailbox_msg_t *msg)
{
	return msg->state == MSG_DELETE_UNCERTAIN;
}

static bool flag_mismatch(const mailbox_msg_t *msg)
{
	return msg->size_mismatch;
}

static bool flag_nouidl(const mailbox_msg_t *msg)
{
	return msg->uidl_status > UIDL_OK;
}

static bool flag_error(const mailbox_msg_t *msg)
{
	return msg->error || msg->note;
}

static bool flag_noheaders(const mailbox_msg_t *msg)
{
	return !msg->headers;
}

static bool flag_problem(const mailbox_msg_t *msg)
{
	return mailbox_problems(msg) != 0;
}

/* The names are pattern syntax, not translated. */
static const struct {
	const char *name;
	bool (*test)(const mailbox_msg_t *msg);
} flags[] = {
    {"saved", flag_saved},     {"saving", flag_saving},       {"pending", deletion_pending},
    {"deleted", flag_deleted}, {"uncertain", flag_uncertain}, {"mismatch", flag_mismatch},
    {"nouidl", flag_nouidl},   {"error", flag_error},         {"noheaders", flag_noheaders},
    {"problem", flag_problem},
};

static char *parse_flag(term_t *term, const char *arg, bool exact, long long now)
{
	(void)exact, (void)now;
	buf_t names;
	buf_init(&names);
	for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
		if (strcmp(arg, flags[i].name) == 0) {
			term->flag = i;
			buf_free(&names);
			return NULL;
		}
		buf_printf(&names, "%s%s", i ? ", " : "", flags[i].name);
	}
	char *why = xasprintf(_("no such flag (%s)"), names.data ? names.data : "");
	buf_free(&names);
	return why;
}

static bool match_flag(const term_t *term, const mailbox_msg_t *msg)
{
	return flags[term->flag].test(msg);
}

/* parse_problem: a problem code ("big", "no-date"; as --list prints them). */
static char *parse_problem(term_t *term, const char *arg, bool exact, long long now)
{
	(void)exact, (void)now;
	buf_t codes;
	buf_init(&codes);
	for (size_t i = 0; i < MAILBOX_PROBLEM_KINDS; i++) {
		const char *code;
		unsigned bit = mailbox_problem_at(i, &code, NULL);
		if (strcmp(arg, code) == 0) {
			term->problem = bit;
			buf_free(&codes);
			return NULL;
		}
		buf_printf(&codes, "%s%s", i ? ", " : "", code);
	}
	char *why = xasprintf(_("no such problem (%s)"), codes.data ? codes.data : "");
	buf_free(&codes);
	return why;
}

static bool match_problem(const term_t *term, const mailbox_msg_t *msg)
{
	return (mailbox_problems(msg) & term->problem) != 0;
}

/* ---- the terms ---- */

static const term_kind_t term_kinds[] = {
    {'f', true, "~f TEXT", N_("sender (name or address) contains TEXT; ~f =TEXT: is TEXT"),
     parse_text, match_sender},
    {'s', true, "~s TEXT", N_("subject contains TEXT"), parse_text, match_subject},
    {'z', false, "~z SIZE", N_("size: >5M, <100k, 1M-5M (k M G: 1024; kB MB GB: 1000)"),
     parse_size_term, match_size},
    {'d', true, "~d DATE", N_("date: 2026-03-14, 2026-03, 2026-01..2026-03, <30d, >1y"),
     parse_date_term, match_date},
    {'F', false, "~F FLAG", N_("flag: saved pending deleted problem error (all: man page)"),
     parse_flag, match_flag},
    {'P', false, "~P CODE", N_("a problem: big, size-mismatch, no-date... (as --list names them)"),
     parse_problem, match_problem},
    {0, true, "WORD", N_("sender or subject contains WORD; !TERM: TERM does not hold"), parse_text,
     match_word},
};

static const term_kind_t *kind_for(char letter)
{
	for (size_t i = 0; i < sizeof term_kinds / sizeof *term_kinds; i++)
		if (term_kinds[i].letter == letter)
			return &term_kinds[i];
	return NULL;
}

/* next_token: one argument from *p: up to a space outside quotes, quotes
 * removed, a backslash taking the next byte. *exact: it began with an
 * unquoted =, which is dropped. NULL with *why when a quote is not closed. */
static char *next_token(const char **p, bool *exact, char **why)
{
	buf_t out;
	buf_init(&out);
	const char *s = *p;
	char quote = 0;
	*exact = false;
	if (*s == '=') {
		*exact = true;
		s++;
	}
	for (; *s && (quote || (*s != ' ' && *s != '\t')); s++) {
		if (*s == '\\' && s[1]) {
			buf_append(&out, ++s, 1);
		} else if (quote && *s == quote) {
			quote = 0;
		} else if (!quote && (*s == '"' || *s == '\'')) {
			quote = *s;
		} else {
			buf_append(&out, s, 1);
		}
	}
	*p = s;
	if (quote) {
		buf_free(&out);
		*why = xstrdup(_("a quote is not closed"));
		return NULL;
	}
	return buf_steal(&out);
}

static void skip_space(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

bool limit_blank(const char *pattern)
{
	if (!pattern)
		return true;
	skip_space(&pattern);
	return *pattern == '\0';
}

/* parse_term: one term at *p; NULL on success, else why not. */
static char *parse_term(term_t *term, const char **p, long long now)
{
	const char *s = *p;
	if (*s == '!') {
		term->negate = true;
		s++;
		if (!*s || *s == ' ' || *s == '\t') {
			*p = s;
			return xstrdup(_("! must be followed by a term (as in !~F saved)"));
		}
	}
	const term_kind_t *kind = kind_for(0);
	if (*s == '~') {
		char letter = s[1];
		kind = letter ? kind_for(letter) : NULL;
		if (!kind) {
			buf_t letters;
			buf_init(&letters);
			for (size_t i = 0; i < sizeof term_kinds / sizeof *term_kinds; i++)
				if (term_kinds[i].letter)
					buf_printf(&letters, " ~%c", term_kinds[i].letter);
			*p = s + (letter ? 2 : 1);
			char *why =
			    xasprintf(_("no such term (%s)"), letters.data ? letters.data + 1 : "");
			buf_free(&letters);
			return why;
		}
		s += 2;
		skip_space(&s);
		if (!*s) {
			*p = s;
			return xasprintf(_("needs an argument: %s"), kind->label);
		}
	}
	term->kind = kind;
	char *why = NULL;
	bool exact;
	char *arg = next_token(&s, &exact, &why);
	*p = s;
	if (!arg)
		return why;
	if (!kind->letter && exact) {
		/* A plain word keeps its leading =. */
		char *word = xasprintf("=%s", arg);
		free(arg);
		arg = word;
		exact = false;
	}
	why = kind->parse(term, arg, exact, now);
	free(arg);
	return why;
}

static void terms_free(term_t *terms, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(terms[i].text);
	free(terms);
}

limit_t *limit_compile(const char *pattern, long long now, limit_error_t *error)
{
	memset(error, 0, sizeof *error);
	if (limit_blank(pattern)) {
		error->message = xstrdup(_("the pattern is empty"));
		return NULL;
	}
	term_t *terms = NULL;
	size_t count = 0;
	const char *p = pattern;
	skip_space(&p);
	while (*p) {
		terms = xreallocarray(terms, count + 1, sizeof *terms);
		term_t *term = &terms[count++];
		memset(term, 0, sizeof *term);
		const char *start = p;
		char *why = parse_term(term, &p, now);
		if (why) {
			/* The bad term runs to the next space at least. */
			while (*p && *p != ' ' && *p != '\t')
				p++;
			error->offset = (size_t)(start - pattern);
			error->length = (size_t)(p - start);
			/* TRANSLATORS: the bad term of a limit pattern, then why it is bad. */
			error->message =
			    xasprintf(_("\"%.*s\": %s"), (int)error->length, start, why);
			free(why);
			terms_free(terms, count);
			return NULL;
		}
		skip_space(&p);
	}
	limit_t *limit = xcalloc(1, sizeof *limit);
	limit->terms = terms;
	limit->count = count;
	for (size_t i = 0; i < count; i++)
		limit->needs_headers |= terms[i].kind->needs_headers;
	return limit;
}

void limit_free(limit_t *limit)
{
	if (!limit)
		return;
	terms_free(limit->terms, limit->count);
	free(limit);
}

static answer_t term_answer(const term_t *term, const mailbox_msg_t *msg)
{
	if (term->kind->needs_headers && !msg->headers)
		return ANSWER_UNKNOWN;
	return term->kind->match(term, msg) != term->negate ? ANSWER_YES : ANSWER_NO;
}

bool limit_match(const limit_t *limit, const mailbox_msg_t *msg)
{
	bool unknown = false;
	for (size_t i = 0; i < limit->count; i++) {
		answer_t a = term_answer(&limit->terms[i], msg);
		if (a == ANSWER_NO)
			return false;
		unknown |= a == ANSWER_UNKNOWN;
	}
	return !unknown;
}

bool limit_needs_headers(const limit_t *limit)
{
	return limit->needs_headers;
}

char *limit_quote(const char *text)
{
	bool plain = *text && *text != '=' && *text != '!' && *text != '~';
	for (const char *p = text; *p && plain; p++)
		plain = *p != ' ' && *p != '\t' && *p != '"' && *p != '\'' && *p != '\\';
	if (plain)
		return xstrdup(text);
	buf_t out;
	buf_init(&out);
	buf_append(&out, "\"", 1);
	for (const char *p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_append(&out, "\\", 1);
		buf_append(&out, p, 1);
	}
	buf_append(&out, "\"", 1);
	return buf_steal(&out);
}

bool limit_help(size_t index, const char **label, const char **text)
{
	if (index >= sizeof term_kinds / sizeof *term_kinds)
		return false;
	*label = term_kinds[index].label;
	*text = _(term_kinds[index].help);
	return true;
}
