/* lower_policy (config/lower.c): the deny-subtree walk over real temporary
 * trees, checked as the exact set of rules it records (env.sink = NULL).
 *
 * Rules are shown as "REL=GRANTS" relative to the tree, sorted, duplicates
 * dropped (the read walk revisits allowWrite roots, which is harmless):
 * R = GRANT_READ, L = GRANT_LIST, W = GRANT_WRITE, D = GRANT_DEVICE, and
 * "." is the tree itself. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "test.h"

#include "config.h"
#include "diag.h"
#include "lower.h"
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void grants(unsigned g, char *out)
{
	size_t n = 0;
	if (g & GRANT_READ)
		out[n++] = 'R';
	if (g & GRANT_LIST)
		out[n++] = 'L';
	if (g & GRANT_WRITE)
		out[n++] = 'W';
	if (g & GRANT_DEVICE)
		out[n++] = 'D';
	out[n] = '\0';
}

/* The rules at or below ROOT, as "REL=GRANTS REL=GRANTS ...". */
static char *rules_under(const struct lowered *l, const char *root)
{
	char **items = xcalloc(l->rule_count + 1, sizeof *items);
	size_t n = 0;
	for (size_t i = 0; i < l->rule_count; i++) {
		const char *p = l->rules[i].path;
		if (!path_within(p, root))
			continue;
		const char *rel = strcmp(p, root) == 0 ? "." : p + strlen(root) + 1;
		char g[8];
		grants(l->rules[i].grant, g);
		items[n++] = xasprintf("%s=%s", rel, g);
	}
	qsort(items, n, sizeof *items, cmp_str);
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(items[i]) + 1;
	char *out = xcalloc(len, 1);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(items[i], items[i - 1]) == 0)
			continue;
		if (out[0])
			strcat(out, " ");
		strcat(out, items[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
	return out;
}

#define CHECK_RULES(l, root, want)                                          \
	do {                                                                \
		char *got_ = rules_under((l), (root));                      \
		CHECK_STR(got_, (want));                                    \
		free(got_);                                                 \
	} while (0)

/* Every rule for PATH, or-ed; 0 when none. */
static unsigned grant_of(const struct lowered *l, const char *path)
{
	unsigned g = 0;
	for (size_t i = 0; i < l->rule_count; i++)
		if (strcmp(l->rules[i].path, path) == 0)
			g |= l->rules[i].grant;
	return g;
}

/* Does some write rule cover PATH (a rule at PATH or above it)? */
static const char *write_covers(const struct lowered *l, const char *path)
{
	for (size_t i = 0; i < l->rule_count; i++)
		if ((l->rules[i].grant & GRANT_WRITE) &&
		    path_within(path, l->rules[i].path))
			return l->rules[i].path;
	return NULL;
}

static const struct fs_rule *rule_for(const struct lowered *l, const char *path)
{
	for (size_t i = 0; i < l->rule_count; i++)
		if (strcmp(l->rules[i].path, path) == 0)
			return &l->rules[i];
	return NULL;
}

static bool carved(const struct lowered *l, const char *path, const char *key)
{
	for (size_t i = 0; i < l->carved_count; i++)
		if (strcmp(l->carved[i].path, path) == 0 &&
		    strcmp(l->carved[i].key, key) == 0)
			return true;
	return false;
}

static const struct skipped *skipped(const struct lowered *l, const char *path)
{
	for (size_t i = 0; i < l->skipped_count; i++)
		if (strcmp(l->skipped[i].path, path) == 0)
			return &l->skipped[i];
	return NULL;
}

/* Parse INI text (printf format, usually with the tree's path), merge for
 * no tool and lower it.  Returns lower_policy's rc; -2 when the text did not
 * parse (reported). */
__attribute__((format(printf, 4, 5)))
static int lower_ini(struct lowered *out, const struct lower_env *env,
		     char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = NULL;
	if (vasprintf(&text, fmt, ap) < 0)
		abort();
	va_end(ap);
	struct config cfg;
	struct policy p;
	memset(out, 0, sizeof *out);
	if (parse_str(&cfg, text, NULL, err, 1024) < 0) {
		test_fail(__FILE__, __LINE__, "parse: %s\n%s", err, text);
		config_release(&cfg);
		free(text);
		return -2;
	}
	free(text);
	config_merge(&cfg, &p);
	err[0] = '\0';
	int rc = lower_policy(&p, env, out, err, 1024);
	/* What lowering keeps points at string literals and ENV, not at the
	 * config, so the config can go now. */
	policy_release(&p);
	config_release(&cfg);
	return rc;
}

static struct lower_env env_for(const char *t)
{
	return (struct lower_env){.cwd = t, .home = t, .record = true};
}

static void write_root_without_denies(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_dir(t, "p/a/x"));
	REQUIRE(mk_file(t, "p/b", 0644));
	REQUIRE(mk_file(t, "f", 0644));
	struct lower_env env = env_for(t);
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err, "[sandbox]\nallowWrite = %s/p\n"
					  "allowWrite = %s/f\n", t, t);
	CHECK_INT(rc, 0);
	CHECK_STR(err, "");
	CHECK_RULES(&l, t, "f=W p=W");
	char *p = join(t, "p"), *f = join(t, "f");
	const struct fs_rule *r = rule_for(&l, p);
	if (CHECK(r)) {
		CHECK(r->is_dir);
		CHECK_STR(r->why, "allowWrite");
		CHECK_INT(r->src.line, 2);
		CHECK_STR(r->src.file, "t.ini");
	}
	r = rule_for(&l, f);
	if (CHECK(r)) {
		CHECK(!r->is_dir);
		CHECK_INT(r->src.line, 3);
	}
	CHECK(!l.restrict_read);
	CHECK_INT(l.write_deny_count, 0);
	CHECK_INT(l.carved_count, 0);
	CHECK_INT(l.skipped_count, 0);
	free(p);
	free(f);
	lowered_release(&l);
	tmp_tree_free(t);
}

static void always_writable_devices_granted(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	struct lower_env env = env_for(t);
	struct lowered l;
	char err[1024];
	CHECK_INT(lower_ini(&l, &env, err, "[sandbox]\n"), 0);
	struct stat st;
	if (stat("/dev/null", &st) == 0) {
		const struct fs_rule *r = rule_for(&l, "/dev/null");
		if (CHECK(r)) {
			CHECK_INT(r->grant, GRANT_DEVICE);
			CHECK_STR(r->why, "device");
		}
	}
	for (size_t i = 0; i < l.rule_count; i++)
		CHECK_INT(l.rules[i].grant, GRANT_DEVICE);
	lowered_release(&l);
	tmp_tree_free(t);
}

static void deny_write_carves_root(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_dir(t, "p/a/y/z"));
	REQUIRE(mk_file(t, "p/a/x", 0644));
	REQUIRE(mk_dir(t, "p/b"));
	REQUIRE(mk_file(t, "p/c.txt", 0644));
	REQUIRE(mk_file(t, "p/.git/hooks/pre-commit", 0755));
	REQUIRE(mk_file(t, "p/.git/config", 0644));
	REQUIRE(mk_dir(t, "p/.git/objects/ab"));
	REQUIRE(mk_file(t, "outside", 0644));
	struct lower_env env = env_for(t);
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\nallowWrite = %s/p\n"
			   "denyWrite = %s/p/.git/hooks\n",
			   t, t);
	CHECK_INT(rc, 0);
	/* p and p/.git: no rule of their own; hooks: absent. */
	CHECK_RULES(&l, t, "p/.git/config=W p/.git/objects=W p/a=W p/b=W "
			   "p/c.txt=W");
	char *hooks = join(t, "p/.git/hooks");
	CHECK(carved(&l, hooks, "denyWrite"));
	CHECK_INT(l.carved_count, 1);
	CHECK_INT(l.write_deny_count, 1);
	if (l.write_deny_count == 1) {
		CHECK_STR(l.write_denies[0].path, hooks);
		CHECK(l.write_denies[0].exists);
		CHECK(!l.write_denies[0].mandatory);
		CHECK_INT(l.write_denies[0].src.line, 3);
	}
	free(hooks);
	lowered_release(&l);

	/* Two denies in different branches, one deep. */
	rc = lower_ini(&l, &env, err,
		       "[sandbox]\nallowWrite = %s/p\n"
		       "denyWrite = %s/p/a/y/z\n"
		       "denyWrite = %s/p/c.txt\n",
		       t, t, t);
	CHECK_INT(rc, 0);
	CHECK_RULES(&l, t, "p/.git=W p/a/x=W p/b=W");
	CHECK_INT(l.carved_count, 2);
	lowered_release(&l);
	tmp_tree_free(t);
}

static void missing_deny_write_withholds_parent(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_file(t, "p/a/f", 0644));
	REQUIRE(mk_dir(t, "p/b"));
	struct lower_env env = env_for(t);
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\nallowWrite = %s/p\n"
			   "denyWrite = %s/p/new.txt\n"
			   "denyWrite = %s/p/a/missing/deep\n",
			   t, t, t);
	CHECK_INT(rc, 0);
	/* Nothing can be created in p (new.txt) nor in p/a (missing/). */
	CHECK_RULES(&l, t, "p/a/f=W p/b=W");
	CHECK_INT(l.write_deny_count, 2);
	for (size_t i = 0; i < l.write_deny_count; i++)
		CHECK(!l.write_denies[i].exists);
	lowered_release(&l);
	tmp_tree_free(t);
}

static void symlinks_on_the_path_are_skipped(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_file(t, "p/real/x", 0644));
	REQUIRE(mk_file(t, "p/real/y", 0644));
	REQUIRE(mk_link(t, "p/link", "real"));
	REQUIRE(mk_link(t, "p/abs", "/etc"));
	REQUIRE(mk_link(t, "p/dlink", "missing-dir"));
	REQUIRE(mk_link(t, "p/flink", "real/y"));
	REQUIRE(mk_dir(t, "p/d"));
	struct lower_env env = env_for(t);
	struct lowered l;
	char err[1024];

	/* A deny below a dangling link covers the link itself (it must not
	 * be replaced) and where it points (the target must not be
	 * created); p keeps no rule of its own. */
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\nallowWrite = %s/p\n"
			   "denyWrite = %s/p/dlink/x\n",
			   t, t);
	CHECK_INT(rc, 0);
	CHECK_RULES(&l, t, "p/d=W p/real=W");
	char *dl = join(t, "p/dlink");
	char *target = join(t, "p/missing-dir/x");
	if (CHECK_INT(l.write_deny_count, 2)) {
		CHECK_STR(l.write_denies[0].path, dl);
		CHECK_STR(l.write_denies[1].path, target);
	}
	free(dl);
	free(target);
	lowered_release(&l);

	/* A deny written through a link resolves to the real directory; the
	 * links in the carved directory are never granted. */
	rc = lower_ini(&l, &env, err,
		       "[sandbox]\nallowWrite = %s/p\n"
		       "denyWrite = %s/p/link/x\n",
		       t, t);
	CHECK_INT(rc, 0);
	CHECK_RULES(&l, t, "p/d=W p/real/y=W");
	char *rx = join(t, "p/real/x");
	CHECK(carved(&l, rx, "denyWrite"));
	free(rx);
	for (size_t i = 0; i < l.rule_count; i++) {
		struct stat st;
		test_row("rule %s", l.rules[i].path);
		CHECK(lstat(l.rules[i].path, &st) == 0 && !S_ISLNK(st.st_mode));
	}
	test_row(NULL);
	lowered_release(&l);

	/* An allow root that is a link is granted as its target. */
	rc = lower_ini(&l, &env, err, "[sandbox]\nallowWrite = %s/p/link\n", t);
	CHECK_INT(rc, 0);
	CHECK_RULES(&l, t, "p/real=W");
	lowered_release(&l);
	tmp_tree_free(t);
}

static void allow_inside_deny_is_granted(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_file(t, "p/d/sub/f", 0644));
	REQUIRE(mk_file(t, "p/d/other", 0644));
	REQUIRE(mk_file(t, "p/e", 0644));
	struct lower_env env = env_for(t);
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\nallowWrite = %s/p\n"
			   "denyWrite = %s/p/d\n"
			   "allowWrite = %s/p/d/sub\n",
			   t, t, t);
	CHECK_INT(rc, 0);
	CHECK_RULES(&l, t, "p/d/sub=W p/e=W");
	char *d = join(t, "p/d");
	CHECK(carved(&l, d, "denyWrite"));
	free(d);
	lowered_release(&l);

	/* Order does not matter. */
	rc = lower_ini(&l, &env, err,
		       "[sandbox]\nallowWrite = %s/p/d/sub\n"
		       "allowWrite = %s/p\n"
		       "denyWrite = %s/p/d\n",
		       t, t, t);
	CHECK_INT(rc, 0);
	CHECK_RULES(&l, t, "p/d/sub=W p/e=W");
	lowered_release(&l);
	tmp_tree_free(t);
}

static void deny_equal_to_root_drops_it(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_file(t, "p/a/f", 0644));
	REQUIRE(mk_file(t, "p/b", 0644));
	struct lower_env env = env_for(t);
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\nallowWrite = %s/p/a\n"
			   "allowWrite = %s/p/b\n"
			   "denyWrite = %s/p/a/\n",
			   t, t, t);
	CHECK_INT(rc, 0);
	CHECK_RULES(&l, t, "p/b=W");
	char *a = join(t, "p/a");
	CHECK(carved(&l, a, "denyWrite"));
	const struct skipped *s = skipped(&l, a);
	if (CHECK(s)) {
		CHECK_STR(s->key, "allowWrite");
		CHECK_STR(s->why, "denied");
		CHECK_INT(s->src.line, 2);
	}
	free(a);
	lowered_release(&l);
	tmp_tree_free(t);
}

static void mandatory_deny_beats_more_specific_root(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_file(t, "wrap/sub/f", 0644));
	REQUIRE(mk_file(t, "wrap/g", 0644));
	REQUIRE(mk_file(t, "proj/src/main.c", 0644));
	REQUIRE(mk_file(t, "proj/landstrip.ini", 0644));
	char *wrap = join(t, "wrap"), *sub = join(t, "wrap/sub");
	char *cfgfile = join(t, "proj/landstrip.ini");
	char *planted = join(t, "proj/.config/landstrip/config.ini");
	const struct mandatory_deny mandatory[] = {
		{wrap, "default wrapper directory"},
		{cfgfile, "config file"},
		{planted, "config directory"},
	};
	struct lower_env env = env_for(t);
	env.mandatory = mandatory;
	env.mandatory_count = COUNT_OF(mandatory);
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\nallowWrite = %s/wrap/sub\n"
			   "allowWrite = %s/wrap\n"
			   "allowWrite = %s/proj\n",
			   t, t, t);
	CHECK_INT(rc, 0);
	/* wrap/sub is more specific than the mandatory deny on wrap, and is
	 * dropped all the same; proj loses the config file and the right to
	 * create .config. */
	CHECK_RULES(&l, t, "proj/src=W");
	const struct skipped *s = skipped(&l, sub);
	if (CHECK(s))
		CHECK_STR(s->why, "default wrapper directory");
	s = skipped(&l, wrap);
	if (CHECK(s))
		CHECK_STR(s->why, "default wrapper directory");
	CHECK(carved(&l, wrap, "default wrapper directory"));
	CHECK(carved(&l, cfgfile, "config file"));
	CHECK_INT(l.write_deny_count, 3);
	for (size_t i = 0; i < l.write_deny_count; i++) {
		CHECK(l.write_denies[i].mandatory);
		CHECK_INT(l.write_denies[i].exists,
			  strcmp(l.write_denies[i].path, planted) != 0);
	}
	/* A user deny does not win over a more specific allow root; a
	 * mandatory one does (above). */
	lowered_release(&l);
	free(wrap);
	free(sub);
	free(cfgfile);
	free(planted);
	tmp_tree_free(t);
}

/* THREATS.md #2: the config directory must stay unwritable.  When it is a
 * symlink (dotfile managers such as stow link ~/.config/landstrip into a
 * dotfiles repository), the deny is canonicalised to the link's target:
 * the target is carved out, but the link itself lives in a directory that
 * is then granted whole, so the tool can delete the link and plant a
 * directory with a config of its own for the next call.  The same holds
 * for .git/hooks as a link.  The link's own directory must be carved too
 * (no rule for it, the link not granted). */
static void deny_on_a_symlink_protects_the_link(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_file(t, "home/dot/landstrip/config.ini", 0644));
	REQUIRE(mk_link(t, "home/.config/landstrip", "../dot/landstrip"));
	REQUIRE(mk_file(t, "home/.config/other/x", 0644));
	REQUIRE(mk_file(t, "home/proj/.git/config", 0644));
	REQUIRE(mk_dir(t, "home/shared-hooks"));
	REQUIRE(mk_link(t, "home/proj/.git/hooks", "../../shared-hooks"));
	char *cfgdir = join(t, "home/.config/landstrip");
	const struct mandatory_deny mandatory[] = {{cfgdir, "config directory"}};
	struct lower_env env = env_for(t);
	env.mandatory = mandatory;
	env.mandatory_count = 1;
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\nallowWrite = %s/home\n"
			   "denyWrite = %s/home/proj/.git/hooks\n",
			   t, t);
	CHECK_INT(rc, 0);
	char *dotconfig = join(t, "home/.config");
	char *git = join(t, "home/proj/.git");
	/* Replacing the link needs write rights on the directory that holds
	 * it: no write rule may cover that directory. */
	char *cfg_target = join(t, "home/dot/landstrip");
	char *hooks_target = join(t, "home/shared-hooks");
	test_row("the link targets are carved");
	CHECK_STR(write_covers(&l, cfg_target), NULL);
	CHECK_STR(write_covers(&l, hooks_target), NULL);
	free(cfg_target);
	free(hooks_target);
	test_row("mandatory deny on a linked config directory");
	CHECK_STR(write_covers(&l, dotconfig), NULL);
	test_row("denyWrite on a linked .git/hooks");
	CHECK_STR(write_covers(&l, git), NULL);
	test_row(NULL);
	free(dotconfig);
	free(git);
	free(cfgdir);
	lowered_release(&l);
	tmp_tree_free(t);
}

/* The same with a config file that is a dangling link into a writable
 * directory (the dotfiles repository has not got the file yet): the link is
 * carved, but the directory its target will be created in is granted, so
 * the tool can create the target, which the next call reads as its config
 * ("even when they do not exist yet"). */
static void deny_on_a_dangling_symlink_protects_the_target(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_dir(t, "home/dot"));
	REQUIRE(mk_file(t, "home/dot/README", 0644));
	REQUIRE(mk_link(t, "home/.config/landstrip/config.ini",
			"../../dot/landstrip.ini"));
	char *cfgfile = join(t, "home/.config/landstrip/config.ini");
	const struct mandatory_deny mandatory[] = {{cfgfile, "config file"}};
	struct lower_env env = env_for(t);
	env.mandatory = mandatory;
	env.mandatory_count = 1;
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err, "[sandbox]\nallowWrite = %s/home\n", t);
	CHECK_INT(rc, 0);
	char *target = join(t, "home/dot/landstrip.ini");
	CHECK_STR(write_covers(&l, cfgfile), NULL);
	/* Creating the target needs write rights on home/dot. */
	CHECK_STR(write_covers(&l, target), NULL);
	free(target);
	free(cfgfile);
	lowered_release(&l);
	tmp_tree_free(t);
}

static void nonexistent_allow_roots_are_skipped(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	struct lower_env env = env_for(t);
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\n\nallowWrite = %s/missing\n"
			   "allowRead = %s/also-missing\n"
			   "denyRead = %s/nothing-here\n",
			   t, t, t);
	CHECK_INT(rc, 0);
	CHECK_RULES(&l, t, "");
	char *m = join(t, "missing"), *am = join(t, "also-missing");
	const struct skipped *s = skipped(&l, m);
	if (CHECK(s)) {
		CHECK_STR(s->key, "allowWrite");
		CHECK_STR(s->why, "does not exist");
		CHECK_INT(s->src.line, 3);
	}
	s = skipped(&l, am);
	if (CHECK(s))
		CHECK_STR(s->key, "allowRead");
	/* Reported once, although the read walk revisits allowWrite roots. */
	CHECK_INT(l.skipped_count, 2);
	free(m);
	free(am);
	lowered_release(&l);
	tmp_tree_free(t);
}

/* Every proper ancestor of T, "/" included, has exactly GRANT_LIST. */
static void check_ancestors_list_only(const struct lowered *l, const char *t)
{
	char *a = xstrdup(t);
	for (;;) {
		char *slash = strrchr(a, '/');
		if (slash == a)
			a[1] = '\0';
		else
			*slash = '\0';
		test_row("ancestor %s", a);
		CHECK_INT(grant_of(l, a), GRANT_LIST);
		if (strcmp(a, "/") == 0)
			break;
	}
	test_row(NULL);
	free(a);
}

/* A directory in "/" that is not on the path to T. */
static const char *root_sibling(const char *t)
{
	static const char *const candidates[] = {"/usr", "/etc", "/bin", "/var"};
	for (size_t i = 0; i < COUNT_OF(candidates); i++) {
		struct stat st;
		if (!path_within(t, candidates[i]) &&
		    lstat(candidates[i], &st) == 0 && !S_ISLNK(st.st_mode))
			return candidates[i];
	}
	return NULL;
}

static void deny_read_walk_from_root(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_file(t, "home/.ssh/id", 0600));
	REQUIRE(mk_file(t, "home/proj/src", 0644));
	REQUIRE(mk_file(t, "home/.bashrc", 0644));
	REQUIRE(mk_file(t, "pub/f", 0644));
	struct lower_env env = env_for(t);
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\ndenyRead = %s/home/.ssh\n", t);
	CHECK_INT(rc, 0);
	CHECK(l.restrict_read);
	CHECK_RULES(&l, t, ".=L home/.bashrc=RL home/proj=RL home=L pub=RL");
	check_ancestors_list_only(&l, t);
	const char *sib = root_sibling(t);
	if (sib)
		CHECK_INT(grant_of(&l, sib), GRANT_READ | GRANT_LIST);
	const struct fs_rule *r = rule_for(&l, "/");
	if (CHECK(r))
		CHECK_STR(r->why, "read: /");
	char *ssh = join(t, "home/.ssh");
	CHECK(carved(&l, ssh, "denyRead"));
	free(ssh);
	CHECK_INT(l.read_deny_count, 1);
	lowered_release(&l);

	/* allowRead and allowWrite inside a denyRead are readable again;
	 * allowWrite roots are readable even without allowRead. */
	rc = lower_ini(&l, &env, err,
		       "[sandbox]\ndenyRead = %s/home\n"
		       "allowRead = %s/home/proj/src\n"
		       "allowWrite = %s/home/proj\n",
		       t, t, t);
	CHECK_INT(rc, 0);
	CHECK_RULES(&l, t, ".=L home/proj/src=RL home/proj=RL home/proj=W pub=RL");
	lowered_release(&l);

	/* A read deny inside a write root is carved from the read grant of
	 * that root, and from its write grant too: nothing may be planted in
	 * ~/.ssh (authorized_keys), nor created there unreadable. */
	rc = lower_ini(&l, &env, err,
		       "[sandbox]\nallowWrite = %s/home\n"
		       "denyRead = %s/home/.ssh\n",
		       t, t);
	CHECK_INT(rc, 0);
	CHECK_RULES(&l, t,
		    ".=L home/.bashrc=RL home/.bashrc=W home/proj=RL "
		    "home/proj=W home=L pub=RL");
	char *ssh2 = join(t, "home/.ssh");
	CHECK(carved(&l, ssh2, "denyRead"));
	bool in_writes = false;
	for (size_t i = 0; i < l.write_deny_count; i++)
		if (strcmp(l.write_denies[i].path, ssh2) == 0 &&
		    strcmp(l.write_denies[i].key, "denyRead") == 0)
			in_writes = true;
	CHECK(in_writes);
	free(ssh2);
	lowered_release(&l);
	tmp_tree_free(t);
}

static void nonexistent_deny_read_is_ignored(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_file(t, "a", 0644));
	struct lower_env env = env_for(t);
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\ndenyRead = %s/nope\ndenyRead = ~/.nope\n", t);
	CHECK_INT(rc, 0);
	CHECK(l.restrict_read);
	CHECK_INT(l.read_deny_count, 0);
	CHECK_INT(grant_of(&l, "/"), GRANT_READ | GRANT_LIST);
	CHECK_RULES(&l, t, "");
	lowered_release(&l);
	tmp_tree_free(t);
}

/* "denyRead = /" with allowRead entries is the natural way to write a read
 * allowlist.  The read walk starts at "/" with grant_root(), which only
 * carves denies strictly below its root and never checks a deny equal to
 * it, so "/" is granted READ|LIST whole: every file is readable. */
static void deny_read_of_root_is_not_ignored(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_file(t, "pub/f", 0644));
	REQUIRE(mk_file(t, "secret", 0644));
	struct lower_env env = env_for(t);
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\ndenyRead = /\nallowRead = %s/pub\n", t);
	CHECK_INT(rc, 0);
	CHECK(l.restrict_read);
	CHECK_INT(grant_of(&l, "/") & GRANT_READ, 0);
	char *pub = join(t, "pub");
	CHECK_INT(grant_of(&l, pub), GRANT_READ | GRANT_LIST);
	free(pub);
	lowered_release(&l);
	tmp_tree_free(t);
}

static void relative_and_home_paths(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_file(t, "p/q/f", 0644));
	REQUIRE(mk_file(t, "p/r", 0644));
	REQUIRE(mk_file(t, "h/x", 0644));
	REQUIRE(mk_dir(t, "h/y"));
	REQUIRE(mk_file(t, "h/run/agent.sock", 0644));
	char *cwd = join(t, "p"), *home = join(t, "h");
	struct lower_env env = {.cwd = cwd, .home = home, .record = true};
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\nallowWrite = .\n"
			   "denyWrite = q\n"
			   "allowWrite = ~\n"
			   "denyWrite = ~/x\n"
			   "allowWrite = ../h/y/\n"
			   "allowUnixSockets = ~/run/agent.sock\n"
			   "allowUnixSockets = ../h/run/./new.sock\n");
	CHECK_INT(rc, 0);
	CHECK_RULES(&l, t, "h/run=W h/y=W p/r=W");
	if (CHECK_INT(l.unix_socket_count, 2)) {
		char *s0 = join(t, "h/run/agent.sock"),
		     *s1 = join(t, "h/run/new.sock");
		CHECK_STR(l.unix_sockets[0], s0);
		CHECK_STR(l.unix_sockets[1], s1);
		CHECK_INT(l.unix_socket_src[0].line, 7);
		CHECK_INT(l.unix_socket_src[1].line, 8);
		free(s0);
		free(s1);
	}
	lowered_release(&l);

	/* '~' without HOME is an error naming the line. */
	env.home = NULL;
	rc = lower_ini(&l, &env, err,
		       "[sandbox]\nallowWrite = .\n\ndenyWrite = ~/x\n");
	CHECK_INT(rc, -1);
	CHECK_STR(err, "t.ini:4: '~/x' uses ~ but HOME is not set to an "
		       "absolute path");
	lowered_release(&l);
	env.home = "relative/home";
	rc = lower_ini(&l, &env, err, "[sandbox]\ndenyRead = ~\n");
	CHECK_INT(rc, -1);
	CHECK_CONTAINS(err, "t.ini:2: '~' uses ~ but HOME");
	lowered_release(&l);
	free(cwd);
	free(home);
	tmp_tree_free(t);
}

static void network_and_ports(void)
{
	static const struct {
		const char *ini;
		bool net, local;
		size_t count;
		unsigned ports[2];
		int lines[2];
	} rows[] = {
		{"[sandbox]\n", false, false, 0, {0, 0}, {0, 0}},
		{"[sandbox]\nallowNetwork = true\n", true, false, 0, {0, 0}, {0, 0}},
		{"[sandbox]\nallowNetwork = no\nallowLocalBinding = yes\n", false,
		 true, 0, {0, 0}, {0, 0}},
		{"[sandbox]\nhttpProxyPort = 3128\nsocksProxyPort = 1080\n", false,
		 false, 2, {3128, 1080}, {2, 3}},
		{"[sandbox]\nsocksProxyPort = 1080\nhttpProxyPort = 3128\n", false,
		 false, 2, {3128, 1080}, {3, 2}},
		{"[sandbox]\nhttpProxyPort = 8080\nsocksProxyPort = 8080\n", false,
		 false, 1, {8080, 0}, {2, 0}},
		{"[sandbox]\nsocksProxyPort = 9050\n", false, false, 1, {9050, 0},
		 {2, 0}},
	};
	char *t = tmp_tree();
	REQUIRE(t);
	struct lower_env env = env_for(t);
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].ini);
		struct lowered l;
		char err[1024];
		CHECK_INT(lower_ini(&l, &env, err, "%s", rows[i].ini), 0);
		CHECK_INT(l.allow_network, rows[i].net);
		CHECK_INT(l.allow_local_binding, rows[i].local);
		if (CHECK_INT(l.port_count, rows[i].count)) {
			for (size_t k = 0; k < l.port_count; k++) {
				CHECK_INT(l.connect_ports[k], rows[i].ports[k]);
				CHECK_INT(l.port_src[k].line, rows[i].lines[k]);
			}
		}
		lowered_release(&l);
	}
	tmp_tree_free(t);
}

/* What a sink is handed: the fd must be the rule's own inode, never a
 * symlink, and valid during the call. */
struct sink_log {
	char *text;  /* "REL=GRANTS ..." in call order */
	const char *root;
	int calls;
	int fail_at; /* make the Nth call fail (1-based), 0: never */
	bool bad_fd;
};

static int sink_add(void *ctx, int fd, const struct fs_rule *rule)
{
	struct sink_log *log = ctx;
	log->calls++;
	struct stat by_fd, by_path;
	if (fstat(fd, &by_fd) < 0 || lstat(rule->path, &by_path) < 0 ||
	    by_fd.st_ino != by_path.st_ino || by_fd.st_dev != by_path.st_dev ||
	    S_ISLNK(by_fd.st_mode))
		log->bad_fd = true;
	if (path_within(rule->path, log->root)) {
		char g[8];
		grants(rule->grant, g);
		const char *rel = strcmp(rule->path, log->root) == 0
					  ? "."
					  : rule->path + strlen(log->root) + 1;
		char *old = log->text;
		log->text = xasprintf("%s%s%s=%s", old ? old : "", old ? " " : "",
				      rel, g);
		free(old);
	}
	if (log->fail_at && log->calls == log->fail_at) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

static int count_open_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 4096; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static void sink_gets_each_rule_with_its_fd(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_file(t, "p/a/x", 0644));
	REQUIRE(mk_file(t, "p/b", 0644));
	REQUIRE(mk_link(t, "p/l", "b"));
	REQUIRE(mk_file(t, "p/.git/hooks/h", 0755));
	int fds_before = count_open_fds();
	struct sink_log log = {.root = t};
	struct rule_sink sink = {sink_add, &log};
	struct lower_env env = {.cwd = t, .home = t, .sink = &sink};
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\nallowWrite = %s/p\n"
			   "denyWrite = %s/p/.git/hooks\n",
			   t, t);
	CHECK_INT(rc, 0);
	/* record = false: the sink sees the rules, out->rules stays empty */
	CHECK_INT(l.rule_count, 0);
	CHECK(log.calls > 0);
	CHECK(!log.bad_fd);
	/* the order of a directory's entries is the file system's */
	char *sorted = NULL;
	{
		char *copy = xstrdup(log.text ? log.text : "");
		char *items[64];
		size_t n = 0;
		for (char *tok = strtok(copy, " "); tok && n < 64;
		     tok = strtok(NULL, " "))
			items[n++] = tok;
		qsort(items, n, sizeof *items, cmp_str);
		size_t len = 1;
		for (size_t i = 0; i < n; i++)
			len += strlen(items[i]) + 1;
		sorted = xcalloc(len, 1);
		for (size_t i = 0; i < n; i++) {
			if (i)
				strcat(sorted, " ");
			strcat(sorted, items[i]);
		}
		free(copy);
	}
	/* .git holds nothing but the denied hooks: no rule at all */
	CHECK_STR(sorted, "p/a=W p/b=W");
	free(sorted);
	free(log.text);
	lowered_release(&l);
	/* Every rule fd is closed by lower_release_fds(). */
	CHECK_INT(count_open_fds(), fds_before);

	/* A sink error stops lowering with the path in the message. */
	struct sink_log fail = {.root = t, .fail_at = 1};
	sink.ctx = &fail;
	rc = lower_ini(&l, &env, err, "[sandbox]\nallowWrite = %s/p/b\n", t);
	CHECK_INT(rc, -1);
	char *b = join(t, "p/b");
	CHECK_CONTAINS(err, "cannot add a rule for ");
	CHECK_CONTAINS(err, b);
	free(b);
	free(fail.text);
	lowered_release(&l);
	CHECK_INT(count_open_fds(), fds_before);
	tmp_tree_free(t);
}

/* More rule fds than lowering keeps at once (LOWER_MAX_KEPT_FDS). */
static void many_rules_do_not_exhaust_fds(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	const int n = LOWER_MAX_KEPT_FDS + 44;
	for (int i = 0; i < n; i++) {
		char rel[32];
		snprintf(rel, sizeof rel, "p/f%03d", i);
		REQUIRE(mk_file(t, rel, 0644));
	}
	REQUIRE(mk_file(t, "p/deny", 0644));
	int fds_before = count_open_fds();
	struct lower_env env = env_for(t);
	struct lowered l;
	char err[1024];
	int rc = lower_ini(&l, &env, err,
			   "[sandbox]\nallowWrite = %s/p\ndenyWrite = %s/p/deny\n",
			   t, t);
	CHECK_INT(rc, 0);
	size_t under = 0;
	for (size_t i = 0; i < l.rule_count; i++)
		if (path_within(l.rules[i].path, t))
			under++;
	CHECK_INT(under, n);
	CHECK(l.kept_fd_count <= LOWER_MAX_KEPT_FDS);
	lowered_release(&l);
	CHECK_INT(count_open_fds(), fds_before);
	tmp_tree_free(t);
}

const struct test_case lower_tests[] = {
	TEST_CASE(write_root_without_denies),
	TEST_CASE(always_writable_devices_granted),
	TEST_CASE(deny_write_carves_root),
	TEST_CASE(missing_deny_write_withholds_parent),
	TEST_CASE(symlinks_on_the_path_are_skipped),
	TEST_CASE(allow_inside_deny_is_granted),
	TEST_CASE(deny_equal_to_root_drops_it),
	TEST_CASE(mandatory_deny_beats_more_specific_root),
	TEST_CASE(deny_on_a_symlink_protects_the_link),
	TEST_CASE(deny_on_a_dangling_symlink_protects_the_target),
	TEST_CASE(nonexistent_allow_roots_are_skipped),
	TEST_CASE(deny_read_walk_from_root),
	TEST_CASE(nonexistent_deny_read_is_ignored),
	TEST_CASE(deny_read_of_root_is_not_ignored),
	TEST_CASE(relative_and_home_paths),
	TEST_CASE(network_and_ports),
	TEST_CASE(sink_gets_each_rule_with_its_fd),
	TEST_CASE(many_rules_do_not_exhaust_fds),
	TEST_END,
};
