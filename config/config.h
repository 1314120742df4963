/* The INI configuration: parsing into policy layers and merging them.
 *
 * Nothing here makes a syscall beyond reading the file: the parser is pure so
 * that each bad line has its own unit test.  A config either parses whole or
 * not at all ("nothing half-applied"): on error the caller gets one line that
 * names file:line, and the struct must not be used. */
#ifndef LANDSTRIP_CONFIG_H
#define LANDSTRIP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Where a setting came from, for --check, debug output and denial hints. */
struct source {
	const char *file; /* config path, or "<embedded default>" */
	int line;         /* 0 for built-in entries */
};

struct path_entry {
	char *text;        /* as written in the config (after comment removal) */
	struct source src;
};

struct path_list {
	struct path_entry *items;
	size_t len, cap;
};

enum list_key {
	LIST_ALLOW_WRITE,
	LIST_DENY_WRITE,
	LIST_ALLOW_READ,
	LIST_DENY_READ,
	LIST_ALLOW_UNIX_SOCKETS,
	LIST_KEY_COUNT
};

enum scalar_key {
	SCALAR_ALLOW_NETWORK,
	SCALAR_HTTP_PROXY_PORT,
	SCALAR_SOCKS_PROXY_PORT,
	SCALAR_ALLOW_LOCAL_BINDING,
	SCALAR_KEY_COUNT
};

struct scalar {
	bool set;
	long value; /* booleans are 0/1, ports 1..65535 */
	struct source src;
};

/* What one section ([sandbox] or [tool.NAME]) says.  `cleared[k]` records an
 * empty assignment: the layer then replaces, not extends, what lies below. */
struct policy_layer {
	struct path_list lists[LIST_KEY_COUNT];
	bool cleared[LIST_KEY_COUNT];
	struct source cleared_src[LIST_KEY_COUNT];
	struct scalar scalars[SCALAR_KEY_COUNT];
	char *program; /* [tool.NAME] only */
	struct source program_src;
};

/* [landstrip]: settings of the programs themselves. */
struct program_settings {
	char *wrapper_dir;
	struct source wrapper_dir_src;
	char *supervisor;
	struct source supervisor_src;
	char *report;
	struct source report_src;
};

struct config {
	const char *origin; /* file path, or "<embedded default>" */
	bool embedded;
	struct program_settings settings;
	struct policy_layer sandbox;
	struct policy_layer tool; /* the [tool.NAME] asked for, if any */
	bool tool_found;
	char **tool_names; /* every [tool.NAME] in the file, in order */
	size_t tool_count;
};

/* The merged policy for one tool: [sandbox] then [tool.NAME]. */
struct policy {
	struct path_list lists[LIST_KEY_COUNT];
	struct scalar scalars[SCALAR_KEY_COUNT];
	char *program;
	struct source program_src;
};

/* The INI text used when no config file exists at the default places. */
extern const char embedded_default_config[];

/* The line length libinih is run with; longer lines are refused. */
#define CONFIG_MAX_LINE 4096

/* Parse TEXT (LEN bytes, may contain NULs, which are refused) that came from
 * ORIGIN.  TOOL may be NULL.  Returns 0, or -1 with ERR set to
 * "ORIGIN:LINE: what is wrong". */
int config_parse(struct config *cfg, const char *origin, const char *text,
		 size_t len, const char *tool, char *err, size_t errlen);

/* Read PATH and parse it.  Returns 0, or -1 with ERR set; a missing file is
 * reported with errno ENOENT preserved so callers can fall back. */
int config_load_file(struct config *cfg, const char *path, const char *tool,
		     char *err, size_t errlen);

void config_merge(const struct config *cfg, struct policy *out);

/* A boolean scalar of the merged policy; unset means false. */
bool policy_flag(const struct policy *p, enum scalar_key key);

const char *list_key_name(enum list_key key);
const char *scalar_key_name(enum scalar_key key);

#endif
