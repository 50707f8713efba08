/* preflight.h: the local checks made before any connection, so that a
 * mistyped path is reported at once, not after a login and a download. */
#ifndef POPSCOPE_PREFLIGHT_H
#define POPSCOPE_PREFLIGHT_H

#include "cli/options.h"

/* preflight_check: --to (for --save and --delete) and --save-dir (for the
 * full-screen view) must name an existing directory this user can create
 * files in (EXIT_USAGE otherwise); --ca-file must be a readable file
 * (EXIT_IOERR otherwise: a local file, not a TLS failure). Prints one
 * "popscope: " line on stderr and returns the exit status, or 0. */
int preflight_check(const cli_options_t *options);

#endif
