/* The INI keys landstrip knows, and how each value is checked and stored. */
#ifndef LANDSTRIP_KEYS_H
#define LANDSTRIP_KEYS_H

#include "config.h"

struct key_context {
	struct config *cfg;
	bool keep_tool;     /* this [tool.NAME] is the one being loaded */
	struct source src;
	char *err;
	size_t errlen;
};

/* Check VALUE for key NAME in SECTION and store it in CTX->cfg when the
 * section is one we keep.  Returns 0, or -1 with ctx->err set to
 * "file:line: ...". */
int apply_key(struct key_context *ctx, const char *section, const char *name,
	      const char *value);

/* Parse a boolean or a port the way the config does; exposed for tests. */
int parse_bool(const char *value, long *out);
int parse_port(const char *value, long *out);

#endif
