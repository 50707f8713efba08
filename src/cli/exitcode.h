/* exitcode.h: process exit statuses (sysexits style), one per kind of failure. */
#ifndef POPSCOPE_EXITCODE_H
#define POPSCOPE_EXITCODE_H

#include "pop3/engine.h"

enum {
	EXIT_OK = 0,
	EXIT_USAGE = 64,       /* bad option or URL */
	EXIT_DATAERR = 65,     /* a message failed its save check or does not exist */
	EXIT_NOHOST = 68,      /* host name did not resolve */
	EXIT_UNAVAILABLE = 69, /* connection refused or closed, greeting refused */
	EXIT_SOFTWARE = 70,    /* internal error */
	EXIT_IOERR = 74,       /* local file error */
	EXIT_TEMPFAIL = 75,    /* timeout, [IN-USE], [LOGIN-DELAY], [SYS/TEMP] */
	EXIT_PROTOCOL = 76,    /* the server broke the protocol (STLS injection, no STLS...) */
	EXIT_NOPERM = 77,      /* authentication failed, or a clear-text password refused */
	EXIT_TLS = 78,         /* TLS failure: certificate, host name, fingerprint, handshake */
};

/* exitcode_for_engine: the exit status for the way the engine failed. */
int exitcode_for_engine(const pop3_t *pop3);
/* exitcode_for_error: the exit status for one engine error. */
int exitcode_for_error(pop3_error_t error);

#endif
