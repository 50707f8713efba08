#include <config.h>

#include "cli/exitcode.h"

int exitcode_for_engine(const pop3_t *pop3)
{
	pop3_code_t code = pop3_server_code(pop3);
	if (code == POP3_CODE_IN_USE || code == POP3_CODE_LOGIN_DELAY || code == POP3_CODE_SYS_TEMP)
		return EXIT_TEMPFAIL;
	return exitcode_for_error(pop3_error(pop3));
}

int exitcode_for_error(pop3_error_t error)
{
	switch (error) {
	case POP3_OK: return EXIT_OK;
	case POP3_E_RESOLVE: return EXIT_NOHOST;
	case POP3_E_CONNECT:
	case POP3_E_GREETING:
	case POP3_E_CLOSED: return EXIT_UNAVAILABLE;
	case POP3_E_TLS:
	case POP3_E_VERIFY: return EXIT_TLS;
	case POP3_E_NO_STLS:
	case POP3_E_INJECTION:
	case POP3_E_PROTOCOL:
	case POP3_E_OVERSIZE: return EXIT_PROTOCOL;
	case POP3_E_AUTH:
	case POP3_E_INSECURE: return EXIT_NOPERM;
	case POP3_E_TIMEOUT: return EXIT_TEMPFAIL;
	case POP3_E_SINK: return EXIT_IOERR;
	case POP3_E_CANCELLED: return EXIT_SOFTWARE;
	}
	return EXIT_SOFTWARE;
}
