/* version.h: what popscope --version prints. */
#ifndef POPSCOPE_VERSION_H
#define POPSCOPE_VERSION_H

#include <stdio.h>

/* version_print: popscope's version, the library versions it runs with (as
 * loaded, not as built against), one a line, and the copyright and licence
 * lines. Needs no initialization of any library. */
void version_print(FILE *stream);

#endif
