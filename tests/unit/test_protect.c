/* config/protect.c: the built-in protected set, found in temporary trees;
 * and how lowering applies it (config/lower.c add_protected). */
#include "test.h"
#include "../../config/config.h"
#include "../../config/diag.h"
#include "../../config/lower.h"
#include "../../config/protect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool has(const struct protect_set *s, const char *dir, const char *rel)
{
	char *want = join(dir, rel);
	bool found = false;
	for (size_t i = 0; i < s->count; i++)
		found = found || strcmp(s->items[i].path, want) == 0;
	free(want);
	return found;
}

#define CHECK_HAS(s, dir, rel)                                              \
	do {                                                                \
		test_row("%s", rel);                                        \
		CHECK(has(s, dir, rel));                                    \
	} while (0)
#define CHECK_HASNT(s, dir, rel)                                            \
	do {                                                                \
		test_row("%s", rel);                                        \
		CHECK(!has(s, dir, rel));                                   \
	} while (0)

static bool write_text(const char *dir, const char *rel, const char *text)
{
	if (!mk_file(dir, rel, 0644))
		return false;
	char *path = join(dir, rel);
	FILE *f = fopen(path, "w");
	free(path);
	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

/* The project's repository, nested ones one and two levels down, not
 * three; agent files at the project whether they exist or not; home. */
static void project_and_nested_repos(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	mk_dir(t, "p/.git/hooks");
	mk_dir(t, "p/a/.git");
	mk_dir(t, "p/b/c/.git");
	mk_dir(t, "p/d/e/f/.git");          /* three levels: beyond the bound */
	mk_dir(t, "p/.git/x/.git");         /* inside .git: not scanned */
	mk_dir(t, "real/r/.git");
	mk_link(t, "p/link", "../real");    /* symlinks are not followed */
	mk_dir(t, "p/fresh");               /* no .git: the tool's own */
	mk_dir(t, "p/node_modules/pkg/.git"); /* node_modules: not entered */
	mk_dir(t, "p/vendor/pkg/.git");     /* any other directory is */
	mk_dir(t, "home");
	char *p = join(t, "p"), *home = join(t, "home");
	struct protect_set s;
	protect_discover(p, home, &s);
	CHECK_HAS(&s, p, ".git/hooks");
	CHECK_HAS(&s, p, ".git/config");
	CHECK_HAS(&s, p, ".git/config.worktree");
	CHECK_HAS(&s, p, "a/.git/hooks");
	CHECK_HAS(&s, p, "a/.git/config");
	CHECK_HAS(&s, p, "b/c/.git/hooks");
	CHECK_HAS(&s, p, "b/c/.git/config");
	CHECK_HASNT(&s, p, "d/e/f/.git/hooks");
	CHECK_HASNT(&s, p, ".git/x/.git/hooks");
	CHECK_HASNT(&s, p, "link/r/.git/hooks");
	CHECK_HASNT(&s, p, "fresh/.git/config");
	CHECK_HASNT(&s, p, "node_modules/pkg/.git/hooks");
	CHECK_HAS(&s, p, "vendor/pkg/.git/hooks");
	CHECK_HAS(&s, p, ".claude/settings.json");
	CHECK_HAS(&s, p, ".claude/settings.local.json");
	CHECK_HAS(&s, p, ".mcp.json");
	CHECK_HAS(&s, p, ".vscode");
	CHECK_HAS(&s, p, ".envrc");
	/* agent files only at the project and above, not at nested ones */
	CHECK_HASNT(&s, p, "a/.vscode");
	CHECK_HAS(&s, home, ".bashrc");
	CHECK_HAS(&s, home, ".gitconfig");
	CHECK_HAS(&s, home, ".config/git/config");
	CHECK_HAS(&s, home, ".zshenv");
	test_row(NULL);
	/* no duplicates */
	for (size_t i = 0; i < s.count; i++)
		for (size_t j = i + 1; j < s.count; j++)
			CHECK(strcmp(s.items[i].path, s.items[j].path) != 0);
	protect_free(&s);
	/* no HOME: no home entries */
	protect_discover(p, NULL, &s);
	CHECK_HASNT(&s, home, ".bashrc");
	protect_free(&s);
	free(p);
	free(home);
	tmp_tree_free(t);
}

/* A repository above the project: its git dir, and the agent files at its
 * top; a project with no repository anywhere gets only its agent files. */
static void repository_above(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	mk_dir(t, "top/.git/hooks");
	mk_dir(t, "top/sub/project");
	char *p = join(t, "top/sub/project"), *top = join(t, "top");
	struct protect_set s;
	protect_discover(p, NULL, &s);
	CHECK_HAS(&s, top, ".git/hooks");
	CHECK_HAS(&s, top, ".git/config");
	CHECK_HAS(&s, top, ".claude/settings.json");
	CHECK_HAS(&s, top, ".vscode");
	CHECK_HAS(&s, p, ".mcp.json");
	CHECK_HASNT(&s, p, ".git/hooks");
	CHECK_HASNT(&s, t, "top/sub/.vscode");
	test_row(NULL);
	protect_free(&s);
	free(p);
	free(top);
	tmp_tree_free(t);
}

/* A .git file (git worktree add, submodules): its git dir, and the common
 * dir named by commondir; submodule git dirs under modules/, nested one
 * level. */
static void git_files_and_modules(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	mk_dir(t, "main/.git/hooks");
	mk_dir(t, "main/.git/worktrees/wt");
	write_text(t, "main/.git/worktrees/wt/commondir", "../..\n");
	mk_dir(t, "main/.git/modules/sub/hooks");
	mk_dir(t, "main/.git/modules/sub/modules/inner/hooks");
	mk_dir(t, "wt");
	char *gitline = xasprintf("gitdir: %s/main/.git/worktrees/wt\n", t);
	write_text(t, "wt/.git", gitline);
	free(gitline);
	/* a submodule's .git file is relative */
	mk_dir(t, "main/sub");
	write_text(t, "main/sub/.git", "gitdir: ../.git/modules/sub\n");
	char *wt = join(t, "wt"), *main_ = join(t, "main");
	struct protect_set s;
	protect_discover(wt, NULL, &s);
	CHECK_HAS(&s, main_, ".git/worktrees/wt/hooks");
	CHECK_HAS(&s, main_, ".git/worktrees/wt/config");
	CHECK_HAS(&s, main_, ".git/worktrees/wt/config.worktree");
	CHECK_HAS(&s, main_, ".git/worktrees/wt/commondir");
	CHECK_HAS(&s, wt, ".git"); /* the .git file itself */
	CHECK_HAS(&s, main_, ".git/hooks");
	CHECK_HAS(&s, main_, ".git/config");
	test_row(NULL);
	protect_free(&s);
	protect_discover(main_, NULL, &s);
	CHECK_HAS(&s, main_, ".git/modules/sub/hooks");
	CHECK_HAS(&s, main_, ".git/modules/sub/config");
	CHECK_HAS(&s, main_, ".git/modules/sub/modules/inner/hooks");
	CHECK_HAS(&s, main_, ".git/modules/sub/modules/inner/config");
	/* from the main checkout, the worktrees it registers */
	CHECK_HAS(&s, main_, ".git/worktrees/wt/config.worktree");
	CHECK_HAS(&s, main_, ".git/worktrees/wt/commondir");
	CHECK_HAS(&s, main_, "sub/.git"); /* the submodule's .git file */
	test_row(NULL);
	protect_free(&s);
	free(wt);
	free(main_);
	tmp_tree_free(t);
}

/* The scan reads at most PROTECT_MAX_DIRS directories. */
static void scan_is_bounded(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	for (int i = 0; i < PROTECT_MAX_DIRS + 20; i++) {
		char rel[64];
		snprintf(rel, sizeof rel, "p/d%03d/x", i);
		mk_dir(t, rel);
	}
	char *p = join(t, "p");
	struct protect_set s;
	protect_discover(p, NULL, &s);
	CHECK(s.dirs_read <= PROTECT_MAX_DIRS);
	CHECK(s.dirs_read >= PROTECT_MAX_DIRS - 1);
	protect_free(&s);
	free(p);
	tmp_tree_free(t);
}

static const struct deny *find_deny(const struct lowered *l, const char *path)
{
	for (size_t i = 0; i < l->write_deny_count; i++)
		if (strcmp(l->write_denies[i].path, path) == 0)
			return &l->write_denies[i];
	return NULL;
}

/* Lowering: an entry inside a write root becomes a "built-in" deny that
 * makes the root mediated; one outside every write root is left out; an
 * allowWrite naming exactly its path relaxes it. */
static void lowering_applies_and_relaxes(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	mk_dir(t, "p/.git/hooks");
	mk_file(t, "p/.git/config", 0644);
	char *p = join(t, "p");
	struct protect_set s;
	protect_discover(p, "/nonexistent-home", &s);
	struct lower_env env = {.cwd = p, .home = "/nonexistent-home",
				.protect = s.items, .protect_count = s.count,
				.mediate_writes = true};
	char *text = "[sandbox]\nallowWrite = .\nallowWrite = .git/config\n";
	struct config cfg;
	struct policy pol;
	char err[1024];
	REQUIRE(parse_str(&cfg, text, NULL, err, sizeof err) == 0);
	config_merge(&cfg, &pol);
	struct lowered l;
	REQUIRE(lower_policy(&pol, &env, &l, err, sizeof err) == 0);
	char *hooks = join(p, ".git/hooks"), *config = join(p, ".git/config");
	char *bashrc = xstrdup("/nonexistent-home/.bashrc");
	CHECK(find_deny(&l, hooks) != NULL);
	CHECK(find_deny(&l, config) == NULL);
	CHECK(find_deny(&l, bashrc) == NULL);
	CHECK_INT(l.relaxed_count, 1);
	if (l.relaxed_count)
		CHECK_STR(l.relaxed[0].path, config);
	CHECK_INT(l.mediated_root_count, 1);
	for (size_t i = 0; i < l.write_deny_count; i++)
		if (l.write_denies[i].protect) {
			CHECK(!l.write_denies[i].mandatory);
			CHECK_STR(l.write_denies[i].key, "built-in");
		}
	lowered_release(&l);
	/* the config's own deny at the same path is the one kept (its line
	 * is what a refusal names) */
	{
		struct config c2;
		struct policy p2;
		struct lowered l2;
		REQUIRE(parse_str(&c2, "[sandbox]\nallowWrite = .\n"
				       "denyWrite = .git/hooks\n",
				  NULL, err, sizeof err) == 0);
		config_merge(&c2, &p2);
		REQUIRE(lower_policy(&p2, &env, &l2, err, sizeof err) == 0);
		const struct deny *d = find_deny(&l2, hooks);
		CHECK(d && !d->protect && strcmp(d->key, "denyWrite") == 0);
		size_t n = 0;
		for (size_t i = 0; i < l2.write_deny_count; i++)
			n += strcmp(l2.write_denies[i].path, hooks) == 0;
		CHECK_INT(n, 1);
		lowered_release(&l2);
		policy_release(&p2);
		config_release(&c2);
	}
	/* nested (no mediation): nothing applied */
	env.mediate_writes = false;
	REQUIRE(lower_policy(&pol, &env, &l, err, sizeof err) == 0);
	CHECK(find_deny(&l, hooks) == NULL);
	lowered_release(&l);
	policy_release(&pol);
	config_release(&cfg);
	free(hooks);
	free(config);
	free(bashrc);
	protect_free(&s);
	free(p);
	tmp_tree_free(t);
}

const struct test_case protect_tests[] = {
	TEST_CASE(project_and_nested_repos),
	TEST_CASE(repository_above),
	TEST_CASE(git_files_and_modules),
	TEST_CASE(scan_is_bounded),
	TEST_CASE(lowering_applies_and_relaxes),
	TEST_END,
};
