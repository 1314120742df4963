/* Helpers shared by the unit tests: temporary trees and freeing what the
 * code under test allocates (it has no free functions of its own: the shim
 * execs or exits right after using it). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "test.h"

#include "config.h"
#include "diag.h"
#include "lower.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *join(const char *dir, const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

char *tmp_tree(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/landstrip-unit.XXXXXX",
			       base && base[0] == '/' ? base : "/tmp");
	if (!mkdtemp(tmpl)) {
		test_fail(__FILE__, __LINE__, "mkdtemp(%s): %s", tmpl,
			  strerror(errno));
		free(tmpl);
		return NULL;
	}
	/* Rules are compared against canonical paths. */
	char *canon = realpath(tmpl, NULL);
	free(tmpl);
	if (!canon)
		test_fail(__FILE__, __LINE__, "realpath: %s", strerror(errno));
	return canon;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void tmp_tree_free(char *dir)
{
	if (!dir)
		return;
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static bool mk_parents(const char *path)
{
	char *copy = xstrdup(path);
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
			test_fail(__FILE__, __LINE__, "mkdir(%s): %s", copy,
				  strerror(errno));
			free(copy);
			return false;
		}
		*p = '/';
	}
	free(copy);
	return true;
}

bool mk_dir(const char *dir, const char *rel)
{
	char *path = join(dir, rel);
	bool ok = mk_parents(path);
	if (ok && mkdir(path, 0755) < 0 && errno != EEXIST) {
		test_fail(__FILE__, __LINE__, "mkdir(%s): %s", path,
			  strerror(errno));
		ok = false;
	}
	free(path);
	return ok;
}

bool mk_file(const char *dir, const char *rel, unsigned mode)
{
	char *path = join(dir, rel);
	bool ok = mk_parents(path);
	if (ok) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      mode);
		if (fd < 0 || fchmod(fd, mode) < 0) {
			test_fail(__FILE__, __LINE__, "create %s: %s", path,
				  strerror(errno));
			ok = false;
		}
		if (fd >= 0)
			close(fd);
	}
	free(path);
	return ok;
}

bool mk_link(const char *dir, const char *rel, const char *target)
{
	char *path = join(dir, rel);
	bool ok = mk_parents(path);
	if (ok && symlink(target, path) < 0) {
		test_fail(__FILE__, __LINE__, "symlink(%s, %s): %s", target,
			  path, strerror(errno));
		ok = false;
	}
	free(path);
	return ok;
}

int parse_str(struct config *cfg, const char *text, const char *tool,
	      char *err, size_t errlen)
{
	err[0] = '\0';
	return config_parse(cfg, "t.ini", text, strlen(text), tool, err,
			    errlen);
}

static void layer_release(struct policy_layer *l)
{
	for (int k = 0; k < LIST_KEY_COUNT; k++) {
		for (size_t i = 0; i < l->lists[k].len; i++)
			free(l->lists[k].items[i].text);
		free(l->lists[k].items);
	}
	free(l->program);
}

void config_release(struct config *cfg)
{
	layer_release(&cfg->sandbox);
	layer_release(&cfg->tool);
	free(cfg->settings.wrapper_dir);
	free(cfg->settings.supervisor);
	free(cfg->settings.report);
	for (size_t i = 0; i < cfg->tool_count; i++)
		free(cfg->tool_names[i]);
	free(cfg->tool_names);
	memset(cfg, 0, sizeof *cfg);
}

void policy_release(struct policy *p)
{
	/* The merged lists share their strings with the config. */
	for (int k = 0; k < LIST_KEY_COUNT; k++)
		free(p->lists[k].items);
	memset(p, 0, sizeof *p);
}

void lowered_release(struct lowered *l)
{
	lower_free(l);
}
