/* account.h: the config file's accounts on the command line. popscope NAME
 * takes its settings from the account NAME under the options given;
 * --accounts lists the accounts. */
#ifndef POPSCOPE_ACCOUNT_H
#define POPSCOPE_ACCOUNT_H

#include <stdio.h>

#include "cli/options.h"

/* account_load: read the config file (--config FILE, which must exist, else
 * the default path, which may be missing) into options->config, then check
 * every value of every account as the command line would. Returns 0, or an
 * exit status after printing one line naming FILE:LINE: EXIT_USAGE for the
 * file's content or rights, EXIT_IOERR when it cannot be read. */
int account_load(cli_options_t *options);

/* account_apply: account_load, then set options from the account called
 * name, except options given on the command line (a --password-command or
 * --oauth-token-command given there drops the account's password,
 * password-command and oauth-token-command alike) and settings that do not
 * go with the mode (to and accept-line-end-count outside --save and
 * --delete, big outside --list and the view). The account's secrets are
 * wiped from options->config; its password is options->password. Returns 0
 * or an exit status after printing one line: EXIT_USAGE for an unknown
 * account (the message lists the known ones) or one without a url. */
int account_apply(cli_options_t *options, const char *name);

/* account_list: --accounts: a line per account, its name, a TAB and its url
 * (empty for an account without one). Returns 0 or EXIT_IOERR. */
int account_list(const cli_options_t *options, FILE *out);

#endif
