/* prompt.h: line input (with history) on the status line, and dialogs
 * (a question with a few lines of detail and one-key answers). Neither
 * blocks: the main loop feeds keys and the network keeps running. */
#ifndef POPSCOPE_PROMPT_H
#define POPSCOPE_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ui;

typedef enum {
	PROMPT_OFF,
	PROMPT_LINE,   /* typed text, Enter accepts, Esc cancels */
	PROMPT_DIALOG, /* one key of `keys` answers; Esc / Enter = the default */
} prompt_kind_t;

typedef enum {
	HISTORY_COMMAND,
	HISTORY_SEARCH,
	HISTORY_PATH,
	HISTORY_PIPE, /* commands for | */
	HISTORY_LIMIT,
	HISTORY_COUNT,
} prompt_history_t;

/* answer: the line (PROMPT_LINE) or NULL when cancelled; key: the key
 * chosen in a dialog (0 when cancelled). */
typedef void (*prompt_done_fn)(struct ui *ui, const char *answer, int key, uint64_t arg);

#define PROMPT_MAX_INPUT 1024
#define PROMPT_MAX_LINES 32

typedef struct {
	prompt_kind_t kind;
	char *question;
	char input[PROMPT_MAX_INPUT];
	size_t len;
	prompt_history_t history;
	int history_pos;               /* -1 = editing a new line */
	bool mask_secrets;             /* PASS / AUTH / APOP arguments shown as stars */
	char *lines[PROMPT_MAX_LINES]; /* dialog detail, as given (drawing makes it safe) */
	size_t line_count;
	char *keys; /* dialog answers, e.g. "yn" */
	int default_key;
	prompt_done_fn done;
	uint64_t arg;
} prompt_t;

void prompt_line(prompt_t *prompt, const char *question, const char *initial,
		 prompt_history_t history, prompt_done_fn done, uint64_t arg);
/* prompt_dialog: question plus detail lines (added with prompt_add_line). */
void prompt_dialog(prompt_t *prompt, const char *question, const char *keys, int default_key,
		   prompt_done_fn done, uint64_t arg);
/* prompt_add_line: a detail line; drawing wraps it at the dialog's width
 * (at spaces where it can), so a long path or a paragraph shows whole. */
void prompt_add_line(prompt_t *prompt, const char *line);
bool prompt_active(const prompt_t *prompt);
/* prompt_key: a key (wide char or curses KEY_ code, is_function_key says
 * which). Returns true when the prompt finished (done was called). */
bool prompt_key(struct ui *ui, prompt_t *prompt, int key, bool is_function_key);
void prompt_draw(const prompt_t *prompt, int status_y, int cols, int lines);
void prompt_clear(prompt_t *prompt);
/* prompt_mask_command: a raw command line as shown on screen (secrets as
 * stars). Caller frees. */
char *prompt_mask_command(const char *line);
void prompt_history_free(void);

#endif
