/* Finding the real program behind a wrapper name. */
#ifndef LANDSTRIP_PROGRAM_H
#define LANDSTRIP_PROGRAM_H

#include <stddef.h>
#include <sys/stat.h>

/* Resolve NAME the way execvp(3) would, over PATH_ENV (NULL: the default
 * path), skipping any candidate that is the file SELF (the shim: the wrapper
 * directory may appear twice in PATH, or as "." or an empty entry).
 * Returns a malloc'd path, or NULL with *STATUS set to 127 (not found) or
 * 126 (found but not executable) and ERR set. */
char *program_resolve(const char *name, const char *path_env,
		      const struct stat *self, int *status, char *err,
		      size_t errlen);

/* Check an explicit program path (`program =`, or a COMMAND with a '/').
 * SELF may be NULL: explicit mode may run landstrip-exec itself (nesting). */
char *program_check(const char *path, const struct stat *self, int *status,
		    char *err, size_t errlen);

#endif
