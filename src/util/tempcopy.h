/* tempcopy.h: a private temporary copy of some bytes for another program
 * (a pager, an editor, a command): a directory of its own (mkdtemp, 0700)
 * holding one file (0600, created exclusively, never through a symlink).
 * Removing the copy removes the whole directory, with whatever the other
 * program left there (an editor's swap or backup files). */
#ifndef POPSCOPE_TEMPCOPY_H
#define POPSCOPE_TEMPCOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tempcopy tempcopy_t;

/* tempcopy_new: a copy of len bytes of data named name (one path
 * component, made safe by the caller) in a new directory under tmpdir.
 * Returns NULL with *errstr (translated; caller frees); nothing is left
 * behind then. */
tempcopy_t *tempcopy_new(const char *tmpdir, const char *name, const void *data, size_t len,
			 char **errstr);
/* tempcopy_from_file: the same with the bytes of the regular file source,
 * which must hold exactly expect octets. */
tempcopy_t *tempcopy_from_file(const char *tmpdir, const char *name, const char *source,
			       uint64_t expect, char **errstr);
/* tempcopy_path: the copy's absolute path (or as absolute as tmpdir). */
const char *tempcopy_path(const tempcopy_t *copy);
/* tempcopy_changed: the file is no longer as written (size or time). */
bool tempcopy_changed(const tempcopy_t *copy);
/* tempcopy_remove: the directory and everything in it go; copy is freed.
 * NULL is allowed. */
void tempcopy_remove(tempcopy_t *copy);

#endif
