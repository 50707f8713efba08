/* batch.h: the non-interactive modes, run on the same engine and loop as
 * the full-screen view. Each returns a process exit status (cli/exitcode.h)
 * and prints results on stdout, one-line errors on stderr. */
#ifndef POPSCOPE_BATCH_H
#define POPSCOPE_BATCH_H

#include <stdbool.h>

#include "cli/options.h"
#include "pop3/engine.h"
#include "trace.h"

int batch_check(const cli_options_t *options, const pop3_config_t *config, trace_t *trace);
int batch_list(const cli_options_t *options, const pop3_config_t *config, trace_t *trace);
/* batch_save: --save, and with delete --delete (DELE only for verified saves). */
int batch_save(const cli_options_t *options, const pop3_config_t *config, trace_t *trace,
	       bool delete);

/* batch_open: open the engine and run the loop until it is ready (returns
 * 0) or failed (prints the error, returns the exit status). */
int batch_open(pop3_t *pop3);
/* batch_drain: run the loop until no command is queued or in flight, or the
 * engine stopped. */
void batch_drain(pop3_t *pop3);
/* batch_quit: QUIT and wait for the reply; returns true when the server
 * confirmed it (deletions committed). */
bool batch_quit(pop3_t *pop3);
/* batch_report_failure: "popscope: <why>" on stderr; returns the exit status. */
int batch_report_failure(const pop3_t *pop3);

/* format_size: "3.4 MB" style (decimal units) into buf. */
const char *format_size(unsigned long long octets, char *buf, size_t size);

#endif
