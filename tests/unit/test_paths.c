/* config/paths.c: lexical normalisation, expansion, canonical forms and the
 * "within" tests the deny walk is built on. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "test.h"

#include "diag.h"
#include "paths.h"

#include <stdlib.h>
#include <string.h>

static void normalize(void)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
		{"/", "/"},
		{"//", "/"},
		{"///", "/"},
		{"/a", "/a"},
		{"/a/", "/a"},
		{"/a//b", "/a/b"},
		{"//a///b//", "/a/b"},
		{"/./a/./b/.", "/a/b"},
		{"/a/b/..", "/a"},
		{"/a/b/../..", "/"},
		{"/a/b/../../..", "/"},
		{"/..", "/"},
		{"/../..", "/"},
		{"/../a", "/a"},
		{"/a/../b/./c/../d", "/b/d"},
		{"/.", "/"},
		{"/./", "/"},
		{"/...", "/..."},
		{"/a/..b/c", "/a/..b/c"},
		{"/a/.b", "/a/.b"},
		{"/a/b./", "/a/b."},
		{"/.hidden/..", "/"},
		{"/home/u/.cache/../.npm/", "/home/u/.npm"},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("path_normalize(\"%s\")", rows[i].in);
		char *p = xstrdup(rows[i].in);
		path_normalize(p);
		CHECK_STR(p, rows[i].want);
		/* Idempotent. */
		path_normalize(p);
		CHECK_STR(p, rows[i].want);
		free(p);
	}
}

static void expand(void)
{
	static const struct {
		const char *raw, *cwd, *home, *want; /* want NULL: error */
	} rows[] = {
		{"~", "/w", "/home/u", "/home/u"},
		{"~/", "/w", "/home/u", "/home/u"},
		{"~/x", "/w", "/home/u", "/home/u/x"},
		{"~/x/../y/", "/w", "/home/u/", "/home/u/y"},
		{"~/..", "/w", "/home/u", "/home"},
		{"~/x", "/w", "/", "/x"},
		{".", "/w/p", "/home/u", "/w/p"},
		{"./a", "/w/p", "/home/u", "/w/p/a"},
		{"a/b", "/w/p", "/home/u", "/w/p/a/b"},
		{"..", "/w/p", "/home/u", "/w"},
		{"../../../..", "/w/p", "/home/u", "/"},
		{"a", "/", "/home/u", "/a"},
		{"/abs//x/", "/w", NULL, "/abs/x"},
		{"/abs", "/w", "relative-home", "/abs"},
		{"rel", "/w", NULL, "/w/rel"},
		/* "~user" is refused by the parser; here it is just a name. */
		{"~x", "/w", "/home/u", "/w/~x"},
		{"~", "/w", NULL, NULL},
		{"~/x", "/w", NULL, NULL},
		{"~/x", "/w", "", NULL},
		{"~/x", "/w", "home/u", NULL},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("path_expand(\"%s\", cwd=%s, home=%s)", rows[i].raw,
			 rows[i].cwd, rows[i].home ? rows[i].home : "(unset)");
		char err[256] = "";
		char *got = path_expand(rows[i].raw, rows[i].cwd, rows[i].home,
					err, sizeof err);
		CHECK_STR(got, rows[i].want);
		if (!rows[i].want)
			CHECK_CONTAINS(err, "HOME is not set to an absolute path");
		free(got);
	}
}

/* tmp/real/dir/file, tmp/link -> real, tmp/dangling -> nowhere,
 * tmp/rel -> real/dir (relative target), tmp/loop -> loop.  Twice: each
 * row's probes are answered the second time from what lowering remembers
 * (path_probes_remember), which must give the same. */
static void canonical_rows(bool listed)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_dir(t, "real/dir"));
	REQUIRE(mk_file(t, "real/dir/file", 0644));
	REQUIRE(mk_link(t, "link", "real"));
	REQUIRE(mk_link(t, "rel", "real/dir"));
	REQUIRE(mk_link(t, "dangling", "nowhere"));
	REQUIRE(mk_link(t, "loop", "loop"));
	if (listed) {
		char *dir = join(t, "real/dir");
		path_probes_list(t);
		path_probes_list(dir);
		free(dir);
	}
	static const struct {
		const char *rel;  /* under t */
		const char *want; /* under t; "/..." is absolute */
		bool exists;
	} rows[] = {
		{"real/dir", "real/dir", true},
		{"real/dir/file", "real/dir/file", true},
		{"link", "real", true},
		{"link/dir", "real/dir", true},
		{"link/dir/file", "real/dir/file", true},
		{"rel/file", "real/dir/file", true},
		{"link/missing", "real/missing", false},
		{"link/missing/deeper/still", "real/missing/deeper/still", false},
		{"rel/missing", "real/dir/missing", false},
		{"missing/a/b", "missing/a/b", false},
		/* a file in the middle: keep the tail as written */
		{"real/dir/file/x", "real/dir/file/x", false},
		/* a dangling link is its own path; its target is not looked at */
		{"dangling", "dangling", false},
		{"dangling/x", "dangling/x", false},
		{"loop/x", "loop/x", false},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("path_canonical(%s)", rows[i].rel);
		char *abs = join(t, rows[i].rel);
		char *want = join(t, rows[i].want);
		bool exists = !rows[i].exists;
		char *got = path_canonical(abs, &exists);
		CHECK_STR(got, want);
		CHECK_INT(exists, rows[i].exists);
		free(got);
		free(want);
		free(abs);
	}
	static const struct {
		const char *in, *want;
		bool exists;
	} abs_rows[] = {
		{"/", "/", true},
		{"/landstrip-unit-no-such-dir", "/landstrip-unit-no-such-dir", false},
		{"/landstrip-unit-no-such-dir/a/b", "/landstrip-unit-no-such-dir/a/b",
		 false},
	};
	for (size_t i = 0; i < COUNT_OF(abs_rows); i++) {
		test_row("path_canonical(%s)", abs_rows[i].in);
		bool exists = !abs_rows[i].exists;
		char *got = path_canonical(abs_rows[i].in, &exists);
		CHECK_STR(got, abs_rows[i].want);
		CHECK_INT(exists, abs_rows[i].exists);
		free(got);
	}
	tmp_tree_free(t);
}

static void canonical(void)
{
	canonical_rows(false);
}

static void canonical_remembered(void)
{
	path_probes_remember(true);
	canonical_rows(false);
	canonical_rows(false);
	path_probes_remember(false);
}

/* Names missing from a listed directory are answered from its listing:
 * the same answers, and (a snapshot, as the walk is) a name made after
 * the listing is still missing for the rest of the lowering. */
static void canonical_listed(void)
{
	path_probes_remember(true);
	canonical_rows(true);
	path_probes_remember(false);
	char *t = tmp_tree();
	REQUIRE(t);
	path_probes_remember(true);
	path_probes_list(t);
	REQUIRE(mk_file(t, "late", 0644));
	char *late = join(t, "late");
	bool exists = true;
	free(path_canonical(late, &exists));
	CHECK_INT(exists, false);
	path_probes_remember(false); /* forgets the listing too */
	free(path_canonical(late, &exists));
	CHECK_INT(exists, true);
	free(late);
	tmp_tree_free(t);
}

/* Nested, a shim probes by the kernel's name for what it opened instead
 * of with openat2 (which an enclosing filter traps): the same answers. */
static void canonical_without_openat2(void)
{
	path_probes_avoid_openat2(true);
	canonical_rows(false);
	path_probes_avoid_openat2(false);
}

/* What the protocol requires of a path, and what the supervisor's
 * naming of a relative entry relies on. */
static void plain_components(void)
{
	static const struct {
		const char *s;
		bool plain;
	} rows[] = {
		{"/", true}, {"/a", true}, {"/a/b", true}, {"a", true},
		{"a/b.c/..d", true}, {"...", true},
		{"", false}, {"//", false}, {"/a/", false}, {"a/", false},
		{"/a//b", false}, {"a//b", false}, {".", false}, {"..", false},
		{"/.", false}, {"/a/./b", false}, {"a/..", false},
		{"../a", false}, {"/a/../b", false},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("path_components_plain(%s)", rows[i].s);
		CHECK_INT(path_components_plain(rows[i].s, strlen(rows[i].s)),
			  rows[i].plain);
	}
}

static void within(void)
{
	static const struct {
		const char *path, *dir;
		bool within, strictly;
	} rows[] = {
		{"/a", "/a", true, false},
		{"/a/b", "/a", true, true},
		{"/a/b/c", "/a", true, true},
		{"/ab", "/a", false, false},
		{"/a", "/ab", false, false},
		{"/a", "/a/b", false, false},
		{"/", "/", true, false},
		{"/a", "/", true, true},
		{"/a/b", "/", true, true},
		{"/", "/a", false, false},
		{"/a.b", "/a", false, false},
		{"/a-b/c", "/a", false, false},
		{"/home/user2", "/home/user", false, false},
		{"/home/user/.ssh", "/home/user", true, true},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s within %s", rows[i].path, rows[i].dir);
		CHECK_INT(path_within(rows[i].path, rows[i].dir), rows[i].within);
		CHECK_INT(path_strictly_within(rows[i].path, rows[i].dir),
			  rows[i].strictly);
	}
}

static void join_paths(void)
{
	char *p = path_join("/", "a");
	CHECK_STR(p, "/a");
	free(p);
	p = path_join("/x/y", "a");
	CHECK_STR(p, "/x/y/a");
	free(p);
}

const struct test_case paths_tests[] = {
	TEST_CASE(normalize),
	TEST_CASE(expand),
	TEST_CASE(canonical),
	TEST_CASE(canonical_remembered),
	TEST_CASE(canonical_listed),
	TEST_CASE(canonical_without_openat2),
	TEST_CASE(plain_components),
	TEST_CASE(within),
	TEST_CASE(join_paths),
	TEST_END,
};
