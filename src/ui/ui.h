/* ui.h: the full-screen inspector (the default mode). */
#ifndef POPSCOPE_UI_H
#define POPSCOPE_UI_H

#include "cli/options.h"
#include "pop3/engine.h"
#include "trace.h"

/* ui_run: open the screen, connect with config (and again on reconnect),
 * run until the user quits, restore the terminal (on every path, signals
 * included), print what was saved where and what was deleted, and return
 * the exit status (0, or the failure's status when the first connection
 * failed; see cli/exitcode.h). */
int ui_run(const cli_options_t *options, const pop3_config_t *config, trace_t *trace);

/* ui_curses_version: the curses library the view runs with, as it names
 * itself ("ncurses 6.4.20221231"); no screen needed. A newly allocated
 * string. */
char *ui_curses_version(void);

#endif
