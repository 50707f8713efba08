/* command.c: the table of POP3 commands (RFC 1939, 2449, 2595, 5034, 6856). */
#include <config.h>

#include "pop3/command.h"

#include <string.h>
#include <strings.h>

#define SINGLE POP3_SHAPE_SINGLE
#define MULTI POP3_SHAPE_MULTI
#define MULTI_BARE POP3_SHAPE_MULTI_WITHOUT_ARG

static const pop3_command_t commands[POP3_CMD_COUNT] = {
    /* verb            name    shape       barrier secret gated  login */
    {POP3_CMD_RAW, NULL, SINGLE, false, false, false, false},
    {POP3_CMD_USER, "USER", SINGLE, true, false, false, true},
    {POP3_CMD_PASS, "PASS", SINGLE, true, true, false, true},
    {POP3_CMD_APOP, "APOP", SINGLE, true, true, false, true},
    {POP3_CMD_AUTH, "AUTH", MULTI_BARE, true, true, false, true},
    {POP3_CMD_STLS, "STLS", SINGLE, true, false, false, true},
    {POP3_CMD_CAPA, "CAPA", MULTI, false, false, false, false},
    {POP3_CMD_UTF8, "UTF8", SINGLE, true, false, false, true},
    {POP3_CMD_STAT, "STAT", SINGLE, false, false, false, false},
    {POP3_CMD_LIST, "LIST", MULTI_BARE, false, false, false, false},
    {POP3_CMD_UIDL, "UIDL", MULTI_BARE, false, false, false, false},
    {POP3_CMD_TOP, "TOP", MULTI, false, false, false, false},
    {POP3_CMD_RETR, "RETR", MULTI, false, false, false, false},
    {POP3_CMD_DELE, "DELE", SINGLE, false, false, true, false},
    {POP3_CMD_RSET, "RSET", SINGLE, false, false, false, false},
    {POP3_CMD_NOOP, "NOOP", SINGLE, false, false, false, false},
    {POP3_CMD_QUIT, "QUIT", SINGLE, true, false, false, false},
};

const pop3_command_t *pop3_command(pop3_verb_t verb)
{
	return &commands[verb < POP3_CMD_COUNT ? verb : POP3_CMD_RAW];
}

const pop3_command_t *pop3_command_typed(const char *line, bool *has_argument)
{
	while (*line == ' ' || *line == '\t')
		line++;
	size_t len = strcspn(line, " \t");
	const char *rest = line + len;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (has_argument)
		*has_argument = *rest != '\0';
	for (size_t i = 1; i < POP3_CMD_COUNT; i++)
		if (strlen(commands[i].name) == len &&
		    strncasecmp(commands[i].name, line, len) == 0)
			return &commands[i];
	return &commands[POP3_CMD_RAW];
}

bool pop3_command_multiline(const pop3_command_t *command, bool has_argument)
{
	switch (command->shape) {
	case POP3_SHAPE_MULTI: return true;
	case POP3_SHAPE_MULTI_WITHOUT_ARG: return !has_argument;
	case POP3_SHAPE_SINGLE: break;
	}
	return false;
}
