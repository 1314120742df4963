#include "program.h"
#include "../config/diag.h"
#include "../config/locate.h"

#include <errno.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>


static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

char *program_check(const char *path, const struct stat *self, int *status,
		    char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		*status = errno == ENOENT || errno == ENOTDIR ? 127 : 126;
		format_error(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (self && same_file(&st, self)) {
		*status = 126;
		format_error(err, errlen,
			     "%s is landstrip-exec itself; name the real "
			     "program",
			     path);
		return NULL;
	}
	if (S_ISDIR(st.st_mode) || access(path, X_OK) < 0) {
		*status = 126;
		format_error(err, errlen, "%s: %s", path,
			     S_ISDIR(st.st_mode) ? "Is a directory"
						 : strerror(errno));
		return NULL;
	}
	return xstrdup(path);
}

char *program_resolve(const char *name, const char *path_env,
		      const struct stat *self, int *status, char *err,
		      size_t errlen)
{
	if (strchr(name, '/'))
		return program_check(name, self, status, err, errlen);
	if (!*name) {
		*status = 127;
		format_error(err, errlen, "empty command name");
		return NULL;
	}
	const char *p = path_env ? path_env : LANDSTRIP_DEFAULT_PATH;
	char *not_executable = NULL;
	bool skipped_self = false;
	for (;;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		/* An empty entry means the current directory, as for execvp. */
		char *candidate = len ? xasprintf("%.*s/%s", (int)len, p, name)
				      : xasprintf("./%s", name);
		struct stat st;
		if (stat(candidate, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (self && same_file(&st, self)) {
				skipped_self = true;
			} else if (access(candidate, X_OK) == 0) {
				free(not_executable);
				return candidate;
			} else if (!not_executable) {
				not_executable = candidate;
				candidate = NULL;
			}
		}
		free(candidate);
		if (!colon)
			break;
		p = colon + 1;
	}
	if (not_executable) {
		*status = 126;
		format_error(err, errlen, "%s: Permission denied", not_executable);
		free(not_executable);
		return NULL;
	}
	*status = 127;
	format_error(err, errlen,
		     "%s: command not found in PATH%s", name,
		     skipped_self ? " (only the landstrip wrapper itself was "
				    "found; install the real tool or set "
				    "'program =' in its [tool] section)"
				  : "");
	return NULL;
}
