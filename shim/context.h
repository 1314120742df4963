/* What the shim learns about its surroundings before deciding anything:
 * where it runs, who it is, which config applies, and what must never be
 * writable from inside. */
#ifndef LANDSTRIP_CONTEXT_H
#define LANDSTRIP_CONTEXT_H

#include "../config/config.h"
#include "../config/lower.h"

#include <stdbool.h>
#include <sys/stat.h>

#define MAX_MANDATORY 16

struct context {
	char *cwd;                /* where the shim runs: -c paths */
	/* What "." and relative paths in the policy mean: the directory the
	 * outermost landstrip-exec of this process tree started in, handed
	 * down to nested ones in LANDSTRIP_PROJECT_DIR. */
	char *project_dir;
	bool project_inherited;   /* from LANDSTRIP_PROJECT_DIR (nested) */
	const char *home;
	char *self_path;          /* the shim binary, canonical */
	struct stat self;
	const char *config_path;  /* NULL: the embedded default */
	const char *config_why;   /* "-c", "LANDSTRIP_CONFIG", "default location" */
	struct mandatory_deny mandatory[MAX_MANDATORY];
	size_t mandatory_count;
};

/* The variable that carries the project directory to nested shims. */
#define PROJECT_DIR_ENV "LANDSTRIP_PROJECT_DIR"

/* Fill CTX; NESTED: inside a landstrip sandbox already.  Dies with a setup
 * error when the basics are missing. */
void context_init(struct context *ctx, const char *explicit_config,
		  bool nested);

/* Load the config CTX points at (or the embedded default) into CFG; dies
 * with "file:line: ..." on any error. */
void context_load_config(struct context *ctx, struct config *cfg,
			 const char *tool);

/* After the config is loaded: add [landstrip] paths to the mandatory
 * denies. */
void context_add_setting_denies(struct context *ctx, const struct config *cfg);

#endif
