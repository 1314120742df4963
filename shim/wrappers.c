/* The wrapper set: one symlink to landstrip-exec per [tool.NAME], in a
 * directory put first in the agent's PATH.
 *
 * Sync is idempotent and careful: it adds the missing links, removes links
 * to landstrip-exec whose section is gone, and never touches any other
 * file, so a wrapper directory shared with other things stays intact. */
#include "wrappers.h"
#include "../config/diag.h"
#include "../config/paths.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Is PATH a symlink whose target is the shim itself? */
static bool is_our_link(const char *path, const struct stat *self)
{
	struct stat lst, st;
	return lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) &&
	       stat(path, &st) == 0 && st.st_dev == self->st_dev &&
	       st.st_ino == self->st_ino;
}

static bool tool_listed(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->tool_count; i++)
		if (strcmp(cfg->tool_names[i], name) == 0)
			return true;
	return false;
}

static int make_dirs(const char *dir)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

/* Remove links to the shim in DIR for which KEEP says no. */
static int prune(const char *dir, const struct stat *self,
		 const struct config *cfg, bool keep_listed, int *removed)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *path = path_join(dir, de->d_name);
		if (is_our_link(path, self) &&
		    !(keep_listed && tool_listed(cfg, de->d_name))) {
			if (unlink(path) == 0) {
				printf("removed %s\n", path);
				(*removed)++;
			}
		}
		free(path);
	}
	closedir(d);
	return 0;
}

int wrappers_install(const char *dir, const char *self_path,
		     const struct stat *self, const struct config *cfg,
		     char *(*real_program)(const char *name, char *err,
					   size_t errlen))
{
	if (make_dirs(dir) < 0)
		die_errno(EXIT_SETUP_ERROR, "cannot create %s", dir);
	int added = 0, removed = 0, kept = 0;
	if (prune(dir, self, cfg, true, &removed) < 0)
		die_errno(EXIT_SETUP_ERROR, "cannot read %s", dir);
	for (size_t i = 0; i < cfg->tool_count; i++) {
		const char *name = cfg->tool_names[i];
		char *path = path_join(dir, name);
		struct stat lst;
		if (is_our_link(path, self)) {
			kept++;
		} else if (lstat(path, &lst) == 0) {
			warn("%s exists and is not a landstrip wrapper: left alone",
			     path);
		} else if (symlink(self_path, path) == 0) {
			printf("added %s -> %s\n", path, self_path);
			added++;
		} else {
			die_errno(EXIT_SETUP_ERROR, "cannot create %s", path);
		}
		free(path);
		char err[1024];
		char *real = real_program(name, err, sizeof err);
		if (real)
			free(real);
		else
			warn("%s: %s: the wrapper will fail until the real tool "
			     "is installed (or program = is set in [tool.%s])",
			     name, err, name);
	}
	if (!cfg->tool_count)
		printf("%s has no [tool.NAME] section: no wrapper to create\n",
		       cfg->origin);
	printf("%d added, %d removed, %d already there\n", added, removed, kept);
	printf("Put this first in the agent's PATH:\n  export PATH=%s:$PATH\n",
	       dir);
	return 0;
}

int wrappers_remove(const char *dir, const struct stat *self,
		    const struct config *cfg)
{
	int removed = 0;
	if (prune(dir, self, cfg, false, &removed) < 0)
		die_errno(EXIT_SETUP_ERROR, "cannot read %s", dir);
	printf("%d removed\n", removed);
	return 0;
}
