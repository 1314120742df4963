#include "context.h"
#include "../config/diag.h"
#include "../config/locate.h"
#include "../config/paths.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LANDSTRIP_LIBEXECDIR
#define LANDSTRIP_LIBEXECDIR "/usr/local/libexec/landstrip"
#endif

static void add_mandatory(struct context *ctx, const char *path,
			  const char *why)
{
	if (!path || path[0] != '/' || ctx->mandatory_count == MAX_MANDATORY)
		return;
	ctx->mandatory[ctx->mandatory_count++] =
		(struct mandatory_deny){xstrdup(path), why};
}

static char *dir_of(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	return dir;
}

static void choose_config(struct context *ctx, const char *explicit_config)
{
	char *defaults[2];
	config_default_paths(ctx->home, defaults);
	/* Both default places stay write-protected even when unused: a tool
	 * must not plant a config that the next call would pick up. */
	for (int i = 0; i < 2; i++) {
		if (!defaults[i])
			continue;
		char *dir = dir_of(defaults[i]);
		add_mandatory(ctx, dir, "config directory");
		free(dir);
		free(defaults[i]);
	}
	ctx->config_path = config_choose(explicit_config, ctx->home,
					 &ctx->config_why);
	if (ctx->config_path) {
		char *abs = ctx->config_path[0] == '/'
				    ? xstrdup(ctx->config_path)
				    : path_join(ctx->cwd, ctx->config_path);
		path_normalize(abs);
		/* The file itself, not its directory: a config beside the
		 * project (-c ./landstrip.ini) must not make the project
		 * read-only.  Inside a write root this is a deny like any
		 * other: the file cannot be written, replaced, removed or
		 * linked to a writable name, and the rest of the root stays
		 * writable (lowering carves or mediates it).  The default
		 * config directories are protected whole, above. */
		add_mandatory(ctx, abs, "config file");
		free(abs);
	}
}

static void find_self(struct context *ctx)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n < 0 || stat("/proc/self/exe", &ctx->self) < 0)
		die_errno(EXIT_SETUP_ERROR,
			  "cannot find my own binary through /proc/self/exe "
			  "(is /proc mounted?)");
	buf[n] = '\0';
	ctx->self_path = xstrdup(buf);
	add_mandatory(ctx, ctx->self_path, "landstrip-exec binary");
	/* The supervisor is looked up next to the shim: nothing may plant
	 * one there. */
	char *dir = dir_of(ctx->self_path);
	char *sup = path_join(dir, "landstrip-supervisor");
	add_mandatory(ctx, sup, "landstrip-supervisor binary");
	free(sup);
	add_mandatory(ctx, LANDSTRIP_LIBEXECDIR "/landstrip-supervisor",
		      "landstrip-supervisor binary");
	free(dir);
	if (ctx->home && ctx->home[0] == '/') {
		char *wrappers =
			xasprintf("%s/.local/share/landstrip/bin", ctx->home);
		add_mandatory(ctx, wrappers, "default wrapper directory");
		free(wrappers);
	}
}

/* The project directory: our own directory at the top of a process tree;
 * nested, the one the outermost shim recorded.  A tool may rewrite the
 * variable for its children, but a nested sandbox is a Landlock layer on
 * top of the enclosing one, and an enclosing supervisor applies both
 * policies: a wrong project directory can only narrow what the nested
 * tool may do, never widen it. */
static void choose_project_dir(struct context *ctx, bool nested)
{
	const char *inherited = getenv(PROJECT_DIR_ENV);
	struct stat st;
	if (!nested || !inherited || !*inherited) {
		ctx->project_dir = ctx->cwd;
		return;
	}
	if (inherited[0] != '/' || stat(inherited, &st) < 0 ||
	    !S_ISDIR(st.st_mode))
		die(EXIT_SETUP_ERROR,
		    "%s=%s: not an absolute path to a directory (it says what "
		    "\".\" means in a nested sandbox; unset it to use the "
		    "current directory)", PROJECT_DIR_ENV, inherited);
	ctx->project_dir = xstrdup(inherited);
	path_normalize(ctx->project_dir);
	ctx->project_inherited = true;
}

void context_init(struct context *ctx, const char *explicit_config,
		  bool nested)
{
	memset(ctx, 0, sizeof *ctx);
	char buf[PATH_MAX];
	if (!getcwd(buf, sizeof buf))
		die_errno(EXIT_SETUP_ERROR,
			  "cannot determine the current directory, which "
			  "relative policy paths are resolved against");
	ctx->cwd = xstrdup(buf);
	choose_project_dir(ctx, nested);
	ctx->home = getenv("HOME");
	find_self(ctx);
	choose_config(ctx, explicit_config);
}

void context_load_config(struct context *ctx, struct config *cfg,
			 const char *tool)
{
	char err[1024];
	if (config_load(cfg, ctx->config_path, tool, err, sizeof err) < 0)
		die(EXIT_SETUP_ERROR, "%s", err);
}

void context_add_setting_denies(struct context *ctx, const struct config *cfg)
{
	const struct program_settings *s = &cfg->settings;
	/* The report file is written by the unconfined supervisor: the tool
	 * must not replace it with a link to a file of its choosing. */
	const char *report = s->report && strcmp(s->report, "stderr") != 0 &&
					     strcmp(s->report, "none") != 0
				     ? s->report
				     : NULL;
	const char *paths[] = {s->wrapper_dir, s->supervisor, report};
	const char *why[] = {"wrapperDir", "supervisor", "report file"};
	for (int i = 0; i < 3; i++) {
		if (!paths[i])
			continue;
		char err[256];
		char *abs = path_expand(paths[i], ctx->project_dir, ctx->home,
					err, sizeof err);
		if (!abs)
			die(EXIT_SETUP_ERROR, "%s: %s", cfg->origin, err);
		add_mandatory(ctx, abs, why[i]);
		free(abs);
	}
}
