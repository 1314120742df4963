#include "keys.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum key_kind {
	KIND_LIST,     /* path list: append, empty value clears */
	KIND_BOOL,
	KIND_PORT,
	KIND_PROGRAM,  /* [tool.NAME] program = /abs/path */
	KIND_SETTING,  /* [landstrip] */
	KIND_REFUSED,  /* recognised, deliberately unsupported */
};

struct key_def {
	const char *name;
	enum key_kind kind;
	int index; /* enum list_key / enum scalar_key */
	const char *why_refused;
};

static const struct key_def policy_keys[] = {
	{"allowWrite", KIND_LIST, LIST_ALLOW_WRITE, NULL},
	{"denyWrite", KIND_LIST, LIST_DENY_WRITE, NULL},
	{"allowRead", KIND_LIST, LIST_ALLOW_READ, NULL},
	{"denyRead", KIND_LIST, LIST_DENY_READ, NULL},
	{"allowUnixSockets", KIND_LIST, LIST_ALLOW_UNIX_SOCKETS, NULL},
	{"allowNetwork", KIND_BOOL, SCALAR_ALLOW_NETWORK, NULL},
	{"allowLocalBinding", KIND_BOOL, SCALAR_ALLOW_LOCAL_BINDING, NULL},
	{"httpProxyPort", KIND_PORT, SCALAR_HTTP_PROXY_PORT, NULL},
	{"socksProxyPort", KIND_PORT, SCALAR_SOCKS_PROXY_PORT, NULL},
	{"program", KIND_PROGRAM, 0, NULL},
	{"allowedDomains", KIND_REFUSED, 0,
	 "domain filtering is not supported: use httpProxyPort/socksProxyPort "
	 "with a filtering proxy"},
	{"deniedDomains", KIND_REFUSED, 0,
	 "domain filtering is not supported: use httpProxyPort/socksProxyPort "
	 "with a filtering proxy"},
};

enum setting_index { SETTING_WRAPPER_DIR, SETTING_SUPERVISOR, SETTING_REPORT };

static const struct key_def setting_keys[] = {
	{"wrapperDir", KIND_SETTING, SETTING_WRAPPER_DIR, NULL},
	{"supervisor", KIND_SETTING, SETTING_SUPERVISOR, NULL},
	{"report", KIND_SETTING, SETTING_REPORT, NULL},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *list_key_name(enum list_key key)
{
	for (size_t i = 0; i < COUNT(policy_keys); i++)
		if (policy_keys[i].kind == KIND_LIST &&
		    policy_keys[i].index == (int)key)
			return policy_keys[i].name;
	return "?";
}

const char *scalar_key_name(enum scalar_key key)
{
	for (size_t i = 0; i < COUNT(policy_keys); i++)
		if ((policy_keys[i].kind == KIND_BOOL ||
		     policy_keys[i].kind == KIND_PORT) &&
		    policy_keys[i].index == (int)key)
			return policy_keys[i].name;
	return "?";
}

static int fail(struct key_context *ctx, const char *fmt, const char *a,
		const char *b)
{
	char what[768];
	format_error(what, sizeof what, fmt, a, b);
	format_error(ctx->err, ctx->errlen, "%s:%d: %s", ctx->src.file,
		     ctx->src.line, what);
	return -1;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return 99;
	size_t row[41];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static const char *closest_key(const char *name, const struct key_def *defs,
			       size_t n)
{
	const char *best = NULL;
	size_t best_dist = 3; /* suggest only near misses */
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(name, defs[i].name);
		if (strcasecmp(name, defs[i].name) == 0)
			d = 0;
		if (d < best_dist) {
			best_dist = d;
			best = defs[i].name;
		}
	}
	return best;
}

static int unknown_key(struct key_context *ctx, const char *section,
		       const char *name, const struct key_def *defs, size_t n)
{
	const char *hint = closest_key(name, defs, n);
	char what[256];
	if (hint)
		format_error(what, sizeof what, "[%s] (did you mean '%s'?)",
			     section, hint);
	else
		format_error(what, sizeof what, "[%s]", section);
	return fail(ctx, "unknown key '%s' in %s", name, what);
}

int parse_bool(const char *value, long *out)
{
	static const char *const yes[] = {"true", "yes", "1"};
	static const char *const no[] = {"false", "no", "0"};
	for (size_t i = 0; i < COUNT(yes); i++) {
		if (strcasecmp(value, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(value, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

int parse_port(const char *value, long *out)
{
	long port = 0;
	if (!*value || strlen(value) > 5)
		return -1;
	for (const char *p = value; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		port = port * 10 + (*p - '0');
	}
	if (port < 1 || port > 65535)
		return -1;
	*out = port;
	return 0;
}

/* Paths: absolute, relative to the starting directory, "~" or "~/...".
 * "~user" is refused: expanding another user's home is never what a
 * per-user policy means. */
static int check_path(struct key_context *ctx, const char *name,
		      const char *value, bool must_be_absolute)
{
	if (value[0] == '~' && value[1] != '\0' && value[1] != '/')
		return fail(ctx,
			    "%s = %s: '~user' paths are not supported, write "
			    "the absolute path",
			    name, value);
	if (must_be_absolute && value[0] != '/' && value[0] != '~')
		return fail(ctx, "%s = %s: must be an absolute path (or ~/...)",
			    name, value);
	return 0;
}

static struct path_list *layer_list(struct policy_layer *layer, int index)
{
	return layer ? &layer->lists[index] : NULL;
}

static void list_append(struct path_list *list, const char *text,
			struct source src)
{
	if (list->len == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 8;
		list->items = xrealloc(list->items,
				       list->cap * sizeof *list->items);
	}
	list->items[list->len++] = (struct path_entry){xstrdup(text), src};
}

static void list_clear(struct path_list *list)
{
	for (size_t i = 0; i < list->len; i++)
		free(list->items[i].text);
	list->len = 0;
}

static int apply_policy_key(struct key_context *ctx, const char *section,
			    struct policy_layer *layer, bool is_tool,
			    const char *name, const char *value)
{
	const struct key_def *def = NULL;
	for (size_t i = 0; i < COUNT(policy_keys) && !def; i++)
		if (strcmp(policy_keys[i].name, name) == 0)
			def = &policy_keys[i];
	if (!def)
		return unknown_key(ctx, section, name, policy_keys,
				   COUNT(policy_keys));

	long number = 0;
	switch (def->kind) {
	case KIND_REFUSED:
		return fail(ctx, "%s: %s", name, def->why_refused);
	case KIND_LIST:
		if (!*value) {
			if (layer) {
				list_clear(&layer->lists[def->index]);
				layer->cleared[def->index] = true;
				layer->cleared_src[def->index] = ctx->src;
			}
			return 0;
		}
		if (check_path(ctx, name, value, false) < 0)
			return -1;
		if (layer)
			list_append(layer_list(layer, def->index), value,
				    ctx->src);
		return 0;
	case KIND_BOOL:
		if (parse_bool(value, &number) < 0)
			return fail(ctx,
				    "%s = %s: expected true, false, yes, no, "
				    "1 or 0",
				    name, value);
		break;
	case KIND_PORT:
		if (parse_port(value, &number) < 0)
			return fail(ctx,
				    "%s = %s: expected a port number from 1 "
				    "to 65535",
				    name, value);
		break;
	case KIND_PROGRAM:
		if (!is_tool)
			return fail(ctx,
				    "%s: 'program' belongs in a [tool.NAME] "
				    "section%s",
				    name, "");
		if (!*value)
			return fail(ctx, "%s needs a value%s", name, "");
		if (check_path(ctx, name, value, true) < 0)
			return -1;
		if (layer) {
			free(layer->program);
			layer->program = xstrdup(value);
			layer->program_src = ctx->src;
		}
		return 0;
	case KIND_SETTING:
		break;
	}
	if (layer)
		layer->scalars[def->index] =
			(struct scalar){true, number, ctx->src};
	return 0;
}

static int apply_setting(struct key_context *ctx, const char *name,
			 const char *value)
{
	const struct key_def *def = NULL;
	for (size_t i = 0; i < COUNT(setting_keys) && !def; i++)
		if (strcmp(setting_keys[i].name, name) == 0)
			def = &setting_keys[i];
	if (!def)
		return unknown_key(ctx, "landstrip", name, setting_keys,
				   COUNT(setting_keys));
	if (!*value)
		return fail(ctx, "%s needs a value%s", name, "");

	struct program_settings *s = &ctx->cfg->settings;
	char **slot;
	struct source *src;
	switch ((enum setting_index)def->index) {
	case SETTING_WRAPPER_DIR:
		slot = &s->wrapper_dir, src = &s->wrapper_dir_src;
		if (check_path(ctx, name, value, true) < 0)
			return -1;
		break;
	case SETTING_SUPERVISOR:
		slot = &s->supervisor, src = &s->supervisor_src;
		if (check_path(ctx, name, value, true) < 0)
			return -1;
		break;
	case SETTING_REPORT:
	default:
		slot = &s->report, src = &s->report_src;
		if (strcmp(value, "stderr") != 0 && strcmp(value, "none") != 0 &&
		    check_path(ctx, name, value, true) < 0)
			return fail(ctx,
				    "%s = %s: expected stderr, none or an "
				    "absolute file path",
				    name, value);
		break;
	}
	free(*slot);
	*slot = xstrdup(value);
	*src = ctx->src;
	return 0;
}

int apply_key(struct key_context *ctx, const char *section, const char *name,
	      const char *value)
{
	if (strcmp(section, "landstrip") == 0)
		return apply_setting(ctx, name, value);
	if (strcmp(section, "sandbox") == 0)
		return apply_policy_key(ctx, section, &ctx->cfg->sandbox, false,
					name, value);
	/* [tool.NAME]: every tool section is checked, only ours is kept. */
	return apply_policy_key(ctx, section,
				ctx->keep_tool ? &ctx->cfg->tool : NULL, true,
				name, value);
}
