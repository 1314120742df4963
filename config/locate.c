#include "locate.h"
#include "diag.h"
#include "paths.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void config_default_paths(const char *home, char *out[2])
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	out[0] = xdg && xdg[0] == '/'
			 ? xasprintf("%s/landstrip/config.ini", xdg)
			 : NULL;
	out[1] = home && home[0] == '/'
			 ? xasprintf("%s/.config/landstrip/config.ini", home)
			 : NULL;
}

const char *config_choose(const char *explicit_config, const char *home,
			  const char **why)
{
	const char *env = getenv("LANDSTRIP_CONFIG");
	if (explicit_config) {
		*why = "-c";
		return explicit_config;
	}
	if (env && *env) {
		*why = "LANDSTRIP_CONFIG";
		return env;
	}
	char *defaults[2];
	config_default_paths(home, defaults);
	const char *chosen = NULL;
	for (int i = 0; i < 2; i++) {
		if (!chosen && defaults[i] &&
		    (access(defaults[i], F_OK) == 0 || errno != ENOENT))
			chosen = defaults[i];
		else
			free(defaults[i]);
	}
	*why = chosen ? "default location"
		      : "no config file at the default locations";
	return chosen;
}

int config_load(struct config *cfg, const char *path, const char *tool,
		char *err, size_t errlen)
{
	int rc = path ? config_load_file(cfg, path, tool, err, errlen)
		      : config_parse(cfg, "<embedded default>",
				     embedded_default_config,
				     strlen(embedded_default_config), tool, err,
				     errlen);
	if (rc == 0)
		cfg->embedded = !path;
	return rc;
}

char *config_wrapper_dir(const struct config *cfg, const char *cwd,
			 const char *home, char *err, size_t errlen)
{
	if (cfg->settings.wrapper_dir)
		return path_expand(cfg->settings.wrapper_dir, cwd, home, err,
				   errlen);
	if (!home || home[0] != '/') {
		format_error(err, errlen,
			     "HOME is not set: name the wrapper directory");
		return NULL;
	}
	return xasprintf("%s/.local/share/landstrip/bin", home);
}

char *path_put_first(const char *path, const char *dir)
{
	if (!path)
		path = LANDSTRIP_DEFAULT_PATH;
	size_t cap = strlen(dir) + 1 + strlen(path) + 1;
	char *out = xcalloc(cap, 1);
	strcpy(out, dir);
	size_t used = strlen(dir);
	for (const char *p = path;;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		char *entry = xasprintf("%.*s", (int)len, p);
		if (entry[0] == '/')
			path_normalize(entry);
		if (strcmp(entry, dir) != 0) {
			out[used++] = ':';
			memcpy(out + used, p, len);
			used += len;
		}
		free(entry);
		if (!colon)
			break;
		p = colon + 1;
	}
	out[used] = '\0';
	return out;
}
