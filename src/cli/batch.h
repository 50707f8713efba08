/* batch.h: the non-interactive modes, run on the same engine and loop as
 * the full-screen view. Each returns a process exit status (cli/exitcode.h)
 * and prints results on stdout, one-line errors on stderr. */
#ifndef POPSCOPE_BATCH_H
#define POPSCOPE_BATCH_H

#include <stdbool.h>

#include "cli/options.h"
#include "mailbox.h"
#include "pop3/engine.h"
#include "trace.h"

int batch_check(const cli_options_t *options, const pop3_config_t *config, trace_t *trace);
int batch_list(const cli_options_t *options, const pop3_config_t *config, trace_t *trace);
/* batch_save: --save, and with delete --delete (DELE only for verified saves). */
int batch_save(const cli_options_t *options, const pop3_config_t *config, trace_t *trace,
	       bool delete);

/* batch_signals_install: SIGINT, SIGTERM and SIGHUP stop the loops below
 * (nothing more is sent) instead of killing the process; the mode then
 * cleans up, reports and exits 128 + the signal. */
void batch_signals_install(void);
/* batch_interrupted: the signal that stopped the loops, or 0. */
int batch_interrupted(void);
/* batch_signal_name: "SIGINT", "SIGTERM", "SIGHUP". */
const char *batch_signal_name(int signo);

/* batch_open: open the engine and run the loop until it is ready (returns
 * 0) or failed or interrupted (prints the error, returns the exit status).
 * With a mailbox, UIDL then LIST (so that LIST gives the sizes of messages
 * a server changed when it assigned their UIDLs) are queued as the login
 * succeeds, behind CAPA and STAT (in one flight with PIPELINING), and
 * taken into the model as LIST's reply comes; batch_load waits for it. */
int batch_open(pop3_t *pop3, mailbox_t *mailbox);
/* batch_drain: run the loop until no command is queued or in flight, the
 * engine stopped, or a signal came. */
void batch_drain(pop3_t *pop3);
/* batch_drain_quitting: batch_drain for a session that changes nothing:
 * once the feeder has given its last command, QUIT is queued right behind
 * those in flight (pop3_quit_behind), so that its answer comes with theirs
 * rather than a round trip later. batch_quit then waits for that QUIT. */
void batch_drain_quitting(pop3_t *pop3);
/* batch_still_good: the session is ready, or ended with the answer to the
 * QUIT batch_drain_quitting queued. */
bool batch_still_good(const pop3_t *pop3);
/* batch_load: run the loop until batch_open's mailbox holds LIST and UIDL
 * under the model's one policy. Returns 0 (then *problem may describe a
 * UIDL problem: the rows concerned cannot be deleted), an exit status with
 * *problem when LIST cannot be trusted, or -1 when the engine failed or a
 * signal came. Commands queued before (a header scan) go on meanwhile. */
int batch_load(pop3_t *pop3, char **problem);
/* batch_quit: QUIT and wait for the reply, telling the gate (mailbox may
 * be NULL when nothing was deleted). Returns the outcome; *why (unless why
 * is NULL; caller frees) says why QUIT was not confirmed, "" when it was. */
mailbox_quit_t batch_quit(pop3_t *pop3, mailbox_t *mailbox, char **why);
/* batch_report_failure: "popscope: <why>" on stderr; returns the exit status. */
int batch_report_failure(const pop3_t *pop3);
/* batch_write_report: with --report FILE, the ticket report of this run
 * (ticket.h), once the session is over and before pop3 is freed; mailbox
 * is NULL when none was loaded; why is the reason the session failed or
 * ended early (NULL: the engine's error, if any). Returns status as it
 * was, or EXIT_IOERR when the report could not be written and status was
 * 0 (the failure is said on stderr either way): a status that already
 * says something about the session keeps its meaning. */
int batch_write_report(const cli_options_t *options, const pop3_config_t *config,
		       const pop3_t *pop3, const mailbox_t *mailbox, const char *why, int status);

#endif
