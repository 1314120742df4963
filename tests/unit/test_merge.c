/* config_merge (config/merge.c): [sandbox] then [tool.NAME]. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "test.h"

#include "config.h"

#include <stdio.h>
#include <string.h>

static const char *list_str(const struct path_list *l)
{
	static char buf[2][1024];
	static int which;
	char *out = buf[which++ % 2];
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < l->len && used < sizeof buf[0]; i++)
		used += (size_t)snprintf(out + used, sizeof buf[0] - used,
					 "%s%s@%d", i ? "|" : "",
					 l->items[i].text, l->items[i].src.line);
	return out;
}

/* Parse TEXT for TOOL and merge; returns false (reported) on a parse
 * error. */
static bool merged(struct config *cfg, struct policy *p, const char *text,
		   const char *tool)
{
	char err[512];
	if (parse_str(cfg, text, tool, err, sizeof err) < 0) {
		test_fail(__FILE__, __LINE__, "parse failed: %s", err);
		config_release(cfg);
		return false;
	}
	config_merge(cfg, p);
	return true;
}

static void tool_lists_append(void)
{
	static const char text[] = "[sandbox]\n"          /* 1 */
				   "allowWrite = /s1\n"   /* 2 */
				   "allowWrite = /s2\n"   /* 3 */
				   "denyRead = /dr\n"     /* 4 */
				   "[tool.git]\n"         /* 5 */
				   "allowWrite = /t1\n"   /* 6 */
				   "allowUnixSockets = /u\n"; /* 7 */
	struct config cfg;
	struct policy p;
	if (!merged(&cfg, &p, text, "git"))
		return;
	CHECK_STR(list_str(&p.lists[LIST_ALLOW_WRITE]), "/s1@2|/s2@3|/t1@6");
	CHECK_STR(list_str(&p.lists[LIST_DENY_READ]), "/dr@4");
	CHECK_STR(list_str(&p.lists[LIST_ALLOW_UNIX_SOCKETS]), "/u@7");
	CHECK_STR(list_str(&p.lists[LIST_DENY_WRITE]), "");
	CHECK(p.program == NULL);
	policy_release(&p);

	/* Another tool gets [sandbox] alone. */
	config_release(&cfg);
	if (!merged(&cfg, &p, text, "npm"))
		return;
	CHECK_STR(list_str(&p.lists[LIST_ALLOW_WRITE]), "/s1@2|/s2@3");
	CHECK_STR(list_str(&p.lists[LIST_ALLOW_UNIX_SOCKETS]), "");
	policy_release(&p);
	config_release(&cfg);
}

static void empty_assignment_in_tool_drops_sandbox_list(void)
{
	static const char text[] = "[sandbox]\n"         /* 1 */
				   "allowWrite = /s1\n"  /* 2 */
				   "denyWrite = /d1\n"   /* 3 */
				   "allowRead = /r1\n"   /* 4 */
				   "[tool.git]\n"        /* 5 */
				   "allowWrite =\n"      /* 6 */
				   "allowWrite = /t1\n"  /* 7 */
				   "denyWrite =\n";      /* 8 */
	struct config cfg;
	struct policy p;
	if (!merged(&cfg, &p, text, "git"))
		return;
	CHECK_STR(list_str(&p.lists[LIST_ALLOW_WRITE]), "/t1@7");
	CHECK_STR(list_str(&p.lists[LIST_DENY_WRITE]), "");
	CHECK_STR(list_str(&p.lists[LIST_ALLOW_READ]), "/r1@4");
	policy_release(&p);
	config_release(&cfg);

	/* An empty assignment in [sandbox] clears only what came before it
	 * there; the tool still appends. */
	static const char text2[] = "[sandbox]\n"
				    "allowWrite = /s1\n"
				    "allowWrite =\n"
				    "allowWrite = /s2\n"
				    "[tool.git]\n"
				    "allowWrite = /t1\n";
	if (!merged(&cfg, &p, text2, "git"))
		return;
	CHECK_STR(list_str(&p.lists[LIST_ALLOW_WRITE]), "/s2@4|/t1@6");
	policy_release(&p);
	config_release(&cfg);
}

static void tool_scalars_override(void)
{
	static const char text[] = "[sandbox]\n"             /* 1 */
				   "allowNetwork = true\n"   /* 2 */
				   "httpProxyPort = 3128\n"  /* 3 */
				   "socksProxyPort = 1080\n" /* 4 */
				   "[tool.git]\n"            /* 5 */
				   "allowNetwork = false\n"  /* 6 */
				   "socksProxyPort = 9050\n" /* 7 */
				   "allowLocalBinding = yes\n" /* 8 */
				   "program = /opt/git/bin/git\n"; /* 9 */
	struct config cfg;
	struct policy p;
	if (!merged(&cfg, &p, text, "git"))
		return;
	CHECK(p.scalars[SCALAR_ALLOW_NETWORK].set);
	CHECK_INT(p.scalars[SCALAR_ALLOW_NETWORK].value, 0);
	CHECK_INT(p.scalars[SCALAR_ALLOW_NETWORK].src.line, 6);
	CHECK(!policy_flag(&p, SCALAR_ALLOW_NETWORK));
	CHECK_INT(p.scalars[SCALAR_HTTP_PROXY_PORT].value, 3128);
	CHECK_INT(p.scalars[SCALAR_HTTP_PROXY_PORT].src.line, 3);
	CHECK_INT(p.scalars[SCALAR_SOCKS_PROXY_PORT].value, 9050);
	CHECK_INT(p.scalars[SCALAR_SOCKS_PROXY_PORT].src.line, 7);
	CHECK(policy_flag(&p, SCALAR_ALLOW_LOCAL_BINDING));
	CHECK_STR(p.program, "/opt/git/bin/git");
	CHECK_INT(p.program_src.line, 9);
	policy_release(&p);
	config_release(&cfg);

	/* Unset everywhere: policy_flag is false, ports unset. */
	if (!merged(&cfg, &p, "[sandbox]\n", NULL))
		return;
	for (int k = 0; k < SCALAR_KEY_COUNT; k++)
		CHECK(!p.scalars[k].set);
	CHECK(!policy_flag(&p, SCALAR_ALLOW_NETWORK));
	CHECK(!policy_flag(&p, SCALAR_ALLOW_LOCAL_BINDING));
	policy_release(&p);
	config_release(&cfg);
}

static void tool_section_before_sandbox_still_layers_over_it(void)
{
	static const char text[] = "[tool.git]\n"           /* 1 */
				   "allowNetwork = true\n"  /* 2 */
				   "allowWrite = /t1\n"     /* 3 */
				   "denyRead =\n"           /* 4 */
				   "[sandbox]\n"            /* 5 */
				   "allowNetwork = false\n" /* 6 */
				   "allowWrite = /s1\n"     /* 7 */
				   "denyRead = /secret\n"   /* 8 */
				   "[tool.git]\n"           /* 9 */
				   "allowWrite = /t2\n";    /* 10 */
	struct config cfg;
	struct policy p;
	if (!merged(&cfg, &p, text, "git"))
		return;
	CHECK(policy_flag(&p, SCALAR_ALLOW_NETWORK));
	CHECK_INT(p.scalars[SCALAR_ALLOW_NETWORK].src.line, 2);
	CHECK_STR(list_str(&p.lists[LIST_ALLOW_WRITE]), "/s1@7|/t1@3|/t2@10");
	CHECK_STR(list_str(&p.lists[LIST_DENY_READ]), "");
	policy_release(&p);
	config_release(&cfg);
}

const struct test_case merge_tests[] = {
	TEST_CASE(tool_lists_append),
	TEST_CASE(empty_assignment_in_tool_drops_sandbox_list),
	TEST_CASE(tool_scalars_override),
	TEST_CASE(tool_section_before_sandbox_still_layers_over_it),
	TEST_END,
};
