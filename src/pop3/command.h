/* command.h: the POP3 commands popscope knows, as data. Each verb has its
 * name, the shape of its reply, whether it goes alone (a barrier), whether
 * its arguments are secret, and whether the save-before-delete gate
 * applies. The engine builds, sends, traces and dispatches commands from
 * this table; only a line the user typed is looked up by its verb. */
#ifndef POPSCOPE_POP3_COMMAND_H
#define POPSCOPE_POP3_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	POP3_CMD_RAW, /* a line as the user typed it: its verb is looked up */
	POP3_CMD_USER,
	POP3_CMD_PASS,
	POP3_CMD_APOP,
	POP3_CMD_AUTH,
	POP3_CMD_STLS,
	POP3_CMD_CAPA,
	POP3_CMD_UTF8,
	POP3_CMD_STAT,
	POP3_CMD_LIST,
	POP3_CMD_UIDL,
	POP3_CMD_TOP,
	POP3_CMD_RETR,
	POP3_CMD_DELE,
	POP3_CMD_RSET,
	POP3_CMD_NOOP,
	POP3_CMD_QUIT,
	POP3_CMD_COUNT,
} pop3_verb_t;

typedef enum {
	POP3_SHAPE_SINGLE,            /* one status line */
	POP3_SHAPE_MULTI,             /* a multi-line body after +OK */
	POP3_SHAPE_MULTI_WITHOUT_ARG, /* multi-line only without an argument (LIST, UIDL, AUTH) */
} pop3_shape_rule_t;

typedef struct {
	pop3_verb_t verb;
	const char *name;
	pop3_shape_rule_t shape;
	bool barrier; /* changes the session state: sent alone, nothing after it until answered */
	bool secret;  /* its arguments never reach a log */
	bool gated;   /* DELE: sent only after gate_delete_begin (gate.h) agreed */
	bool login;   /* part of login; the transaction state does not send it */
} pop3_command_t;

/* pop3_command: the table entry of a verb (POP3_CMD_RAW has name NULL). */
const pop3_command_t *pop3_command(pop3_verb_t verb);
/* pop3_command_typed: the entry for the first word of a line the user
 * typed (case-insensitive), or the POP3_CMD_RAW entry when the verb is not
 * one popscope knows. *has_argument tells whether anything follows it. */
const pop3_command_t *pop3_command_typed(const char *line, bool *has_argument);
/* pop3_command_multiline: whether the reply has a body. */
bool pop3_command_multiline(const pop3_command_t *command, bool has_argument);

#endif
