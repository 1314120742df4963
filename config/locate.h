/* Which config file landstrip reads, and where the wrapper set lives.
 *
 * Shared by landstrip-exec and landstrip-supervisor: a session puts in the
 * agent's PATH the very directory the wrappers were installed in, as the
 * shim's own parser and search order find it, not a second reading of the
 * INI text that could disagree with the first. */
#ifndef LANDSTRIP_LOCATE_H
#define LANDSTRIP_LOCATE_H

#include "config.h"

#include <stddef.h>

/* The default places, in order: $XDG_CONFIG_HOME/landstrip/config.ini
 * (when absolute) and ~/.config/landstrip/config.ini (when HOME is
 * absolute).  Either may be NULL; each is allocated. */
void config_default_paths(const char *home, char *out[2]);

/* The config file to read: EXPLICIT (-c), else $LANDSTRIP_CONFIG when not
 * empty, else the first default place that exists (or cannot be checked),
 * else NULL, the embedded default.  *WHY says which ("-c",
 * "LANDSTRIP_CONFIG", "default location", or why there is none). */
const char *config_choose(const char *explicit_config, const char *home,
			  const char **why);

/* Load PATH, or the embedded default when PATH is NULL, as config_parse
 * does, and set cfg->embedded. */
int config_load(struct config *cfg, const char *path, const char *tool,
		char *err, size_t errlen);

/* The wrapper directory: wrapperDir from [landstrip], expanded against CWD
 * and HOME, else ~/.local/share/landstrip/bin.  NULL with ERR when neither
 * can be made (HOME unset). */
char *config_wrapper_dir(const struct config *cfg, const char *cwd,
			 const char *home, char *err, size_t errlen);

/* The search path execvp(3) and landstrip-exec use when PATH is unset. */
#define LANDSTRIP_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* PATH (NULL: unset, then LANDSTRIP_DEFAULT_PATH) with DIR (absolute,
 * normalised) first and nowhere else: every entry that names DIR, once
 * normalised ("/a//b/", "/a/./b"), is dropped, the others keep their
 * order, empty ones included.  Allocated. */
char *path_put_first(const char *path, const char *dir);

#endif
