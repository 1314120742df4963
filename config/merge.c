/* [sandbox] + [tool.NAME] -> the policy for one tool.
 *
 * Lists append, so a tool section extends the base policy; an empty
 * assignment in the tool section ("allowWrite =") drops what [sandbox] gave.
 * Scalars: the tool's value wins when set. */
#include "config.h"
#include "diag.h"

#include <string.h>

static void append_all(struct path_list *dst, const struct path_list *src)
{
	if (!src->len)
		return;
	dst->items = xrealloc(dst->items,
			      (dst->len + src->len) * sizeof *dst->items);
	memcpy(dst->items + dst->len, src->items,
	       src->len * sizeof *src->items);
	dst->len += src->len;
	dst->cap = dst->len;
}

void config_merge(const struct config *cfg, struct policy *out)
{
	memset(out, 0, sizeof *out);
	const struct policy_layer *base = &cfg->sandbox, *tool = &cfg->tool;
	for (int k = 0; k < LIST_KEY_COUNT; k++) {
		if (!tool->cleared[k])
			append_all(&out->lists[k], &base->lists[k]);
		append_all(&out->lists[k], &tool->lists[k]);
	}
	for (int k = 0; k < SCALAR_KEY_COUNT; k++)
		out->scalars[k] = tool->scalars[k].set ? tool->scalars[k]
						       : base->scalars[k];
	out->program = tool->program;
	out->program_src = tool->program_src;
}

bool policy_flag(const struct policy *p, enum scalar_key key)
{
	return p->scalars[key].set && p->scalars[key].value;
}
