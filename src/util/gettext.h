/* gettext.h: the translation macros every user-facing string goes through. */
#ifndef POPSCOPE_GETTEXT_H
#define POPSCOPE_GETTEXT_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

#endif
