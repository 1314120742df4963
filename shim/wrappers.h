/* --install-wrappers and --remove-wrappers. */
#ifndef LANDSTRIP_WRAPPERS_H
#define LANDSTRIP_WRAPPERS_H

#include "../config/config.h"

#include <stddef.h>
#include <sys/stat.h>

/* Create DIR and one symlink to SELF_PATH per [tool.NAME]; remove links to
 * the shim whose section is gone; leave every other file alone.  Prints
 * what it did and the PATH line, and warns about each tool REAL_PROGRAM
 * cannot resolve.  Exits on a setup error. */
int wrappers_install(const char *dir, const char *self_path,
		     const struct stat *self, const struct config *cfg,
		     char *(*real_program)(const char *name, char *err,
					   size_t errlen));

/* Remove every symlink to the shim in DIR, nothing else. */
int wrappers_remove(const char *dir, const struct stat *self,
		    const struct config *cfg);

#endif
