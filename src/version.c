/* version.c: the --version text. It sits beside main.c, above both front
 * ends, because the libraries it names live in every layer: each layer
 * reports its own library through a one-line function, so the headers of
 * OpenSSL, GNU SASL, GMime, libxml2, curses and c-ares stay where they are. */
#include <config.h>

#include "version.h"

#include <stdlib.h>

#include "mime.h"
#include "net/conn.h"
#include "sasl.h"
#include "ui/ui.h"
#include "util/gettext.h"

typedef char *(*library_version_fn)(void);

/* From the bottom up: transport, login, messages, screen, name lookup. */
static const library_version_fn library_versions[] = {
    conn_tls_library_version,  sasl_library_version, mime_library_version,
    mime_html_library_version, ui_curses_version,    conn_resolver_library_version,
};

void version_print(FILE *stream)
{
	fprintf(stream, "popscope %s\n", PACKAGE_VERSION);
	fputs(_("Libraries in use:\n"), stream);
	for (size_t i = 0; i < sizeof library_versions / sizeof library_versions[0]; i++) {
		char *version = library_versions[i]();
		fprintf(stream, "  %s\n", version);
		free(version);
	}
	fputs("\n", stream);
	fputs(_("Copyright (C) 2026 the popscope authors.\n"), stream);
	/* TRANSLATORS: keep "GPL-3.0-or-later" and the address as they are. */
	fputs(_("License GPL-3.0-or-later: GNU GPL version 3 or later "
		"<https://gnu.org/licenses/gpl.html>.\n"
		"This is free software: you are free to change and redistribute it.\n"
		"There is NO WARRANTY, to the extent permitted by law.\n"),
	      stream);
}
