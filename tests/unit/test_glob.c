/* config/glob.c: one table per function of (pattern, input, expected),
 * every syntax element, escapes, classes and "**" at the start, middle and
 * end; then a random comparison against a reference built on fnmatch(3),
 * pathological patterns against a clock, and glob_expand on a temporary
 * tree (symlinks, unreadable directories, the limit, pruning). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "test.h"

#include "diag.h"
#include "glob.h"

#include <errno.h>
#include <fnmatch.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void is_pattern(void)
{
	static const struct {
		const char *text;
		bool want;
	} rows[] = {
		{"/a/b", false},     {"/a/*", true},     {"/a?", true},
		{"/[a]", true},      {"/a[", true},      {"/**", true},
		{"/a\\*", false},    {"/a\\?b", false},  {"/a\\[b]", false},
		{"/a\\\\*", true},   {"/a\\", false},    {"", false},
		{"/a]b", false},     {"/a!^-", false},   {"/\\*/x*", true},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("glob_is_pattern(\"%s\")", rows[i].text);
		CHECK_INT(glob_is_pattern(rows[i].text), rows[i].want);
	}
}

static void check_syntax(void)
{
	static const struct {
		const char *pattern;
		const char *why; /* NULL: valid */
	} rows[] = {
		{"/a/b", NULL},
		{"/**", NULL},
		{"/a/**/b/**", NULL},
		{"/**/**/x", NULL},
		{"/a/*b*/?", NULL},
		{"/[]]", NULL},
		{"/[!]]", NULL},
		{"/[^a-z]x", NULL},
		{"/[a-]", NULL},
		{"/[\\]]", NULL},
		{"/[*][*]", NULL},
		{"/[*]*", NULL},
		{"/a\\*\\*", NULL},
		{"/\\**", NULL},
		{"/*\\*", NULL},
		{"/a\\\\", NULL},
		{"/a**", "'**' must be a whole path component"},
		{"/**a", "'**' must be a whole path component"},
		{"/***", "'**' must be a whole path component"},
		{"/a/b**/c", "'**' must be a whole path component"},
		{"/a/*?**", "'**' must be a whole path component"},
		{"/[abc", "unterminated '['"},
		{"/a[", "unterminated '['"},
		{"/[]", "unterminated '['"},
		{"/[!]", "unterminated '['"},
		{"/[a/b]", "unterminated '['"},
		{"/[a\\]", "unterminated '['"},
		{"/ok/x[/y", "unterminated '['"},
		{"/a\\", "trailing '\\'"},
		{"/a/b\\", "trailing '\\'"},
		{"/a\\/b", "'\\' cannot escape '/'"},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("glob_check(\"%s\")", rows[i].pattern);
		char why[128] = "";
		int rc = glob_check(rows[i].pattern, why, sizeof why);
		CHECK_INT(rc, rows[i].why ? -1 : 0);
		CHECK_STR(why, rows[i].why ? rows[i].why : "");
	}
	test_row("WHY NULL, and a buffer too short for the message");
	CHECK_INT(glob_check("/a**", NULL, 0), -1);
	char tiny[6] = "xxxxx";
	CHECK_INT(glob_check("/a**", tiny, sizeof tiny), -1);
	CHECK_STR(tiny, "'**' ");

	/* One more component than any real path can have. */
	char *deep = xstrdup("");
	for (int i = 0; i < GLOB_MAX_COMPONENTS; i++) {
		char *longer = xasprintf("%s/a", deep);
		free(deep);
		deep = longer;
	}
	test_row("%d components", GLOB_MAX_COMPONENTS);
	CHECK_INT(glob_check(deep, NULL, 0), 0);
	char *deeper = xasprintf("%s/*", deep);
	test_row("%d components", GLOB_MAX_COMPONENTS + 1);
	char why[128] = "";
	CHECK_INT(glob_check(deeper, why, sizeof why), -1);
	CHECK_STR(why, "more than 2048 path components");
	/* Unchecked, it denies everything rather than nothing. */
	CHECK(glob_match(deeper, "/x"));
	CHECK(glob_may_match_below(deeper, "/x"));
	free(deep);
	free(deeper);
}

static void fixed_prefix(void)
{
	static const struct {
		const char *pattern, *want;
	} rows[] = {
		{"/p/**/.env", "/p"},
		{"/**", "/"},
		{"/**/x", "/"},
		{"/a/b*", "/a"},
		{"/a/b", "/a/b"},
		{"/", "/"},
		{"/*", "/"},
		{"/a/b/c?/d", "/a/b"},
		{"/a/[bc]/d", "/a"},
		{"/a/b/**", "/a/b"},
		{"/a\\*b/c*", "/a*b"},
		{"/a\\\\b/*", "/a\\b"},
		{"/\\[x]/y/*", "/[x]/y"},
		{"/a\\?/b", "/a?/b"},
		{"/home/u/.ssh/id_*", "/home/u/.ssh"},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("glob_fixed_prefix(\"%s\")", rows[i].pattern);
		char out[64];
		CHECK_INT(glob_fixed_prefix(rows[i].pattern, out, sizeof out),
			  0);
		CHECK_STR(out, rows[i].want);
	}
	/* "/abc/de" is 7 bytes: it fits in 8, not in 7. */
	test_row("output capacity");
	char out[8];
	CHECK_INT(glob_fixed_prefix("/abc/de/*", out, 8), 0);
	CHECK_STR(out, "/abc/de");
	CHECK_INT(glob_fixed_prefix("/abc/de/*", out, 7), -1);
	/* The escape is not copied: "/a*b" is 4 bytes. */
	CHECK_INT(glob_fixed_prefix("/a\\*b/*", out, 5), 0);
	CHECK_STR(out, "/a*b");
	CHECK_INT(glob_fixed_prefix("/**", out, 2), 0);
	CHECK_STR(out, "/");
	CHECK_INT(glob_fixed_prefix("/**", out, 1), -1);
}

static const struct match_row {
	const char *pattern, *path;
	bool want;
} match_rows[] = {
	/* literal */
	{"/a/b", "/a/b", true},
	{"/a/b", "/a/bc", false},
	{"/a/b", "/a", false},
	{"/a", "/a/b", false},
	{"/", "/", true},
	{"/", "/a", false},
	{"/a", "/", false},
	{"/A", "/a", false},
	{"/a.B", "/a.B", true},
	/* * */
	{"/a/*", "/a/b", true},
	{"/a/*", "/a/.hidden", true},
	{"/*", "/.git", true},
	{"/a/*", "/a", false},
	{"/a/*", "/a/b/c", false},
	{"/a*", "/ab/c", false},
	{"/a/*b", "/a/b", true},
	{"/a/b*", "/a/b", true},
	{"/a/b*c", "/a/bxyzc", true},
	{"/a/b*c", "/a/bxyzcd", false},
	{"/a/*.pem", "/a/x.pem", true},
	{"/a/*.pem", "/a/.pem", true},
	{"/a/*.pem", "/a/x.pem.bak", false},
	{"/a/*.*", "/a/x", false},
	{"/a/*a*b*", "/a/xxaxxbxx", true},
	{"/a/*a*b*", "/a/xxbxxaxx", false},
	{"/A*", "/abc", false},
	/* ? */
	{"/a/?", "/a/b", true},
	{"/a/?", "/a/bc", false},
	{"/a/?", "/a", false},
	{"/a?b", "/a/b", false},
	{"/a/.?", "/a/.x", true},
	{"/a/??", "/a/x", false},
	{"/a/?*", "/a/x", true},
	{"/?/?", "/a/b", true},
	/* classes */
	{"/[abc]", "/b", true},
	{"/[abc]", "/d", false},
	{"/[abc]", "/ab", false},
	{"/[a-c]x", "/bx", true},
	{"/[a-c]x", "/dx", false},
	{"/[!a-c]", "/d", true},
	{"/[!a-c]", "/a", false},
	{"/[^a]", "/b", true},
	{"/[^a]", "/a", false},
	{"/[]]", "/]", true},
	{"/[]a]", "/a", true},
	{"/[]a]", "/]", true},
	{"/[!]]", "/]", false},
	{"/[!]]", "/x", true},
	{"/[]-a]", "/^", true},
	{"/[a-]", "/-", true},
	{"/[a-]", "/b", false},
	{"/[-a]", "/-", true},
	{"/[z-a]", "/z", false},
	{"/[z-a]", "/a", false},
	{"/[\\]]", "/]", true},
	{"/[a\\-c]", "/-", true},
	{"/[a\\-c]", "/b", false},
	{"/[.]env", "/.env", true},
	{"/[*]", "/*", true},
	{"/[*]", "/x", false},
	{"/[?]", "/?", true},
	{"/[!.]*", "/.git", false},
	{"/[!.]*", "/git", true},
	{"/[\x80-\xff]", "/\xe9", true},
	{"/[a-z]", "/\xe9", false},
	{"/[!a]", "/\xe9", true},
	/* escapes */
	{"/a\\*b", "/a*b", true},
	{"/a\\*b", "/axb", false},
	{"/\\?", "/?", true},
	{"/\\?", "/x", false},
	{"/\\[a]", "/[a]", true},
	{"/\\[a]", "/a", false},
	{"/a\\\\b", "/a\\b", true},
	{"/\\a", "/a", true},
	{"/\\*\\*", "/**", true},
	{"/\\*\\*", "/x", false},
	{"/\\**", "/*x", true},
	{"/\\**", "/x*", false},
	/* ** */
	{"/**", "/", true},
	{"/**", "/a", true},
	{"/**", "/a/b/c", true},
	{"/**/x", "/x", true},
	{"/**/x", "/a/b/x", true},
	{"/**/x", "/a/x/b", false},
	{"/a/**", "/a", true},
	{"/a/**", "/a/b/c", true},
	{"/a/**", "/ab", false},
	{"/a/**", "/", false},
	{"/a/**/b", "/a/b", true},
	{"/a/**/b", "/a/x/y/b", true},
	{"/a/**/b", "/a/x/y/c", false},
	{"/a/**/b", "/a/b/c", false},
	{"/a/**/b/**/c", "/a/b/c", true},
	{"/a/**/b/**/c", "/a/x/b/y/c", true},
	{"/a/**/b/**/c", "/a/c", false},
	{"/**/**", "/", true},
	{"/a/**/**/b", "/a/b", true},
	{"/a/**/**/b", "/a/x/y/b", true},
	{"/**/.env", "/p/.env", true},
	{"/p/**/.env", "/p/.env", true},
	{"/p/**/.env", "/q/.env", false},
	{"/p/**/*.pem", "/p/a.pem/c", false},
	{"/a/**/b*/c", "/a/x/bb/c", true},
	{"/**/a/**", "/x/a", true},
	{"/**/a/**", "/x/a/y/z", true},
	{"/**/a/**", "/x/b/y/z", false},
	{"/*/**/?", "/a/b", true},
	{"/*/**/?", "/a", false},
};

static void match(void)
{
	for (size_t i = 0; i < COUNT_OF(match_rows); i++) {
		const struct match_row *r = &match_rows[i];
		test_row("glob_match(\"%s\", \"%s\")", r->pattern, r->path);
		CHECK_INT(glob_match(r->pattern, r->path), r->want);
		/* A full match is the deepest place the pattern covers. */
		if (r->want)
			CHECK_INT(glob_match_depth(r->pattern, r->path),
				  strlen(r->path));
	}
}

static void depth(void)
{
	static const struct {
		const char *pattern, *path;
		const char *want; /* the prefix; NULL: -1 */
	} rows[] = {
		{"/p/**/*.pem", "/p/a.pem/b.pem/x", "/p/a.pem/b.pem"},
		{"/p/**/*.pem", "/p/a.pem/x", "/p/a.pem"},
		{"/p/**/*.pem", "/p/a/b", NULL},
		{"/p/**/.env", "/p/a/.env/x/y", "/p/a/.env"},
		{"/p/**/.env", "/p/.env/.env", "/p/.env/.env"},
		{"/p/.git/hooks", "/p/.git/hooks/pre-commit", "/p/.git/hooks"},
		{"/p/.git/hooks", "/p/.git", NULL},
		{"/p/.git/hooks", "/p/.git/hooksx", NULL},
		{"/**", "/a/b", "/a/b"},
		{"/**", "/", "/"},
		{"/", "/a/b", "/"},
		{"/a/*", "/a/b/c", "/a/b"},
		{"/a/**", "/a/b", "/a/b"},
		{"/a/**", "/a", "/a"},
		{"/a/**", "/b", NULL},
		{"/a/b", "/a/b", "/a/b"},
		{"/a/b", "/a/bc", NULL},
		{"/a/*/c", "/a/b/c/d/c", "/a/b/c"},
		{"/*/b", "/a/b/a/b", "/a/b"},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("glob_match_depth(\"%s\", \"%s\")", rows[i].pattern,
			 rows[i].path);
		long want = rows[i].want ? (long)strlen(rows[i].want) : -1;
		if (rows[i].want)
			CHECK(strncmp(rows[i].path, rows[i].want,
				      strlen(rows[i].want)) == 0);
		CHECK_INT(glob_match_depth(rows[i].pattern, rows[i].path),
			  want);
	}
}

static void may_match_below(void)
{
	static const struct {
		const char *pattern, *dir;
		bool want;
	} rows[] = {
		{"/p/**/.env", "/p/a", true},
		{"/p/**/.env", "/p", true},
		{"/p/**/.env", "/q", false},
		{"/p/**/.env", "/", true},
		{"/p/**/.env", "/pp", false},
		{"/p/x/*.pem", "/p", true},
		{"/p/x/*.pem", "/p/x", true},
		{"/p/x/*.pem", "/p/y", false},
		{"/p/x/*.pem", "/", true},
		/* DIR or an ancestor matches: all below is covered. */
		{"/p/x/*.pem", "/p/x/a.pem", true},
		{"/p/x/*.pem", "/p/x/a.pem/deep", true},
		{"/p/x/*.pem", "/p/x/a.txt", false},
		{"/p/x", "/p", true},
		{"/p/x", "/p/x", true},
		{"/p/x", "/p/x/y", true},
		{"/p/x", "/p/y", false},
		{"/p/x", "/", true},
		{"/p/*/q", "/p/anything", true},
		{"/p/*/q", "/p/a/r", false},
		{"/p/*/q", "/p/a/q/z", true},
		{"/**", "/", true},
		{"/**", "/a/b", true},
		{"/", "/", true},
		{"/", "/a", true},
		{"/*.pem", "/a", false},
		{"/*.pem", "/a.pem", true},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("glob_may_match_below(\"%s\", \"%s\")",
			 rows[i].pattern, rows[i].dir);
		CHECK_INT(glob_may_match_below(rows[i].pattern, rows[i].dir),
			  rows[i].want);
	}
}

static void basename_only(void)
{
	static const struct {
		const char *pattern;
		bool want;
	} rows[] = {
		{"/p/**/.env", true},
		{"/p/**/*.pem", true},
		{"/**/x", true},
		{"/p/**/**/x", true},
		{"/a\\*b/**/x", true},
		{"/p/q/**/[ab]?", true},
		{"/p/**", false},
		{"/**", false},
		{"/p/*/x", false},
		{"/p/**/a/b", false},
		{"/p/**/a/**/b", false},
		{"/p*/**/x", false},
		{"/p/x", false},
		{"/p/*.pem", false},
		{"/", false},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("glob_basename_only(\"%s\")", rows[i].pattern);
		CHECK_INT(glob_basename_only(rows[i].pattern), rows[i].want);
	}
}

/* --- a reference matcher: "**" by recursion, components by fnmatch(3) --- */

static size_t split(char *text, char **out, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *c = strtok_r(text, "/", &save); c && n < max;
	     c = strtok_r(NULL, "/", &save))
		out[n++] = c;
	return n;
}

static bool ref_match(char **pc, size_t np, char **tc, size_t nt)
{
	if (np == 0)
		return nt == 0;
	if (strcmp(pc[0], "**") == 0)
		return ref_match(pc + 1, np - 1, tc, nt) ||
		       (nt > 0 && ref_match(pc, np, tc + 1, nt - 1));
	return nt > 0 && fnmatch(pc[0], tc[0], 0) == 0 &&
	       ref_match(pc + 1, np - 1, tc + 1, nt - 1);
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void random_pattern(char *out, size_t cap)
{
	static const char *const toks[] = {
		"a", "b", ".", "-", "]", "*", "?", "[ab]", "[!a]", "[a-b]",
		"[]a]", "[^.]", "[-a]", "\\*", "\\a", "[\\]]",
	};
	size_t used = 0;
	unsigned ncomp = 1 + rnd(4);
	for (unsigned c = 0; c < ncomp; c++) {
		used += (size_t)snprintf(out + used, cap - used, "/");
		if (rnd(4) == 0) {
			used += (size_t)snprintf(out + used, cap - used, "**");
			continue;
		}
		unsigned ntok = 1 + rnd(4);
		bool star = false;
		for (unsigned t = 0; t < ntok; t++) {
			const char *tok = toks[rnd(COUNT_OF(toks))];
			if (star && strcmp(tok, "*") == 0)
				tok = "a"; /* "**" inside a component */
			star = strcmp(tok, "*") == 0;
			used += (size_t)snprintf(out + used, cap - used, "%s",
						 tok);
		}
	}
}

static void random_path(char *out, size_t cap)
{
	static const char alphabet[] = "ab.-]*";
	size_t used = 0;
	unsigned ncomp = rnd(5);
	for (unsigned c = 0; c < ncomp; c++) {
		char name[4];
		do {
			unsigned len = 1 + rnd(3);
			for (unsigned i = 0; i < len; i++)
				name[i] = alphabet[rnd(sizeof alphabet - 1)];
			name[len] = '\0';
		} while (strcmp(name, ".") == 0 || strcmp(name, "..") == 0);
		used += (size_t)snprintf(out + used, cap - used, "/%s", name);
	}
	if (used == 0)
		snprintf(out, cap, "/");
}

/* Length of "/" + the first K components of PATH. */
static long prefix_len(const char *path, size_t k)
{
	if (k == 0)
		return 1;
	const char *p = path;
	for (size_t i = 0; i < k; i++) {
		p++;
		while (*p && *p != '/')
			p++;
	}
	return p - path;
}

static void random_vs_reference(void)
{
	for (int iter = 0; iter < 30000 && !test_failed_now(); iter++) {
		char pattern[128], path[64];
		random_pattern(pattern, sizeof pattern);
		random_path(path, sizeof path);
		test_row("#%d pattern \"%s\" path \"%s\"", iter, pattern, path);
		CHECK_INT(glob_check(pattern, NULL, 0), 0);

		char pcopy[sizeof pattern], tcopy[sizeof path];
		char *pc[16], *tc[16];
		strcpy(pcopy, pattern);
		strcpy(tcopy, path);
		size_t np = split(pcopy, pc, 16), nt = split(tcopy, tc, 16);

		bool at[17];
		long want_depth = -1;
		for (size_t k = 0; k <= nt; k++) {
			at[k] = ref_match(pc, np, tc, k);
			if (at[k])
				want_depth = prefix_len(path, k);
		}
		CHECK_INT(glob_match(pattern, path), at[nt]);
		CHECK_INT(glob_match_depth(pattern, path), want_depth);
		/* No false "no": when any ancestor-or-self of the path
		 * matches, every proper ancestor of it is either covered or
		 * has a match below it. */
		bool any = false;
		for (size_t j = 0; j <= nt; j++)
			any = any || at[j];
		for (size_t k = 0; any && k < nt; k++) {
			char dir[64];
			snprintf(dir, sizeof dir, "%.*s",
				 (int)prefix_len(path, k), path);
			if (!glob_may_match_below(pattern, dir))
				test_fail(__FILE__, __LINE__,
					  "may_match_below(\"%s\") is false",
					  dir);
		}
	}
}

/* --- hostile patterns against the clock --------------------------------- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* S repeated N times, into a fresh string. */
static char *repeat(const char *head, const char *s, size_t n,
		    const char *tail)
{
	size_t hl = strlen(head), sl = strlen(s), tl = strlen(tail);
	char *out = xcalloc(1, hl + sl * n + tl + 1);
	memcpy(out, head, hl);
	for (size_t i = 0; i < n; i++)
		memcpy(out + hl + i * sl, s, sl);
	memcpy(out + hl + sl * n, tail, tl);
	return out;
}

static void pathological(void)
{
	/* A backtracking matcher takes exponential time on each of
	 * these; ours takes milliseconds (tens under ASan). */
	double start = now();

	test_row("1000 '**' components against 2000 components");
	char *stars = repeat("", "/**", 1000, "/z");
	char *deep = repeat("", "/a", 2000, "");
	CHECK_INT(glob_check(stars, NULL, 0), 0);
	CHECK(!glob_match(stars, deep));
	CHECK_INT(glob_match_depth(stars, deep), -1);
	CHECK(glob_may_match_below(stars, deep));
	char *deep_z = repeat("", "/a", 2000, "/z");
	CHECK(glob_match(stars, deep_z));

	test_row("'*a' x 12 + 'b' against a 100000-byte name");
	char *many = repeat("/", "*a", 12, "*b");
	char *name = repeat("/", "a", 100000, "");
	CHECK(!glob_match(many, name));
	char *name_b = repeat("/", "a", 100000, "b");
	CHECK(glob_match(many, name_b));

	test_row("'**' and '*a*a*a*a*b' alternating, 1000 components");
	char *mixed = xstrdup("/**/*a*a*a*a*b/**/*a*a*a*a*b/**/*a*a*a*a*b/**/z");
	char *aaa = repeat("", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1000, "");
	CHECK(!glob_match(mixed, aaa));
	CHECK_INT(glob_match_depth(mixed, aaa), -1);

	double took = now() - start;
	test_row("took %.3f s", took);
	CHECK(took < 2.0);
	free(stars);
	free(deep);
	free(deep_z);
	free(many);
	free(name);
	free(name_b);
	free(mixed);
	free(aaa);
}

/* --- glob_expand --------------------------------------------------------- */

struct found {
	const char *root; /* stripped from what is recorded */
	char *got[64];
	size_t n;
};

static void record(void *ctx, const char *path)
{
	struct found *f = ctx;
	size_t rl = strlen(f->root);
	if (rl && strncmp(path, f->root, rl) == 0 && path[rl] == '/')
		path += rl + 1;
	if (f->n < COUNT_OF(f->got))
		f->got[f->n++] = xstrdup(path);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What was found, sorted and joined by ' ', freed. */
static char *found_list(struct found *f)
{
	qsort(f->got, f->n, sizeof f->got[0], by_name);
	char *out = xstrdup("");
	for (size_t i = 0; i < f->n; i++) {
		char *longer = xasprintf("%s%s%s", out, i ? " " : "",
					 f->got[i]);
		free(out);
		free(f->got[i]);
		out = longer;
	}
	f->n = 0;
	return out;
}

/* Expand T/REL_PATTERN and check its return, errno (when -1) and finds
 * (names relative to T, sorted, joined by ' '; NULL: not checked). */
static void expand_row(const char *t, const char *rel_pattern, size_t limit,
		       int want_rc, int want_errno, const char *want)
{
	char *pattern = join(t, rel_pattern);
	test_row("glob_expand(\"%s\", %zu)", rel_pattern, limit);
	struct found f = {.root = t};
	errno = 0;
	int rc = glob_expand(pattern, limit, record, &f);
	int err = errno;
	CHECK_INT(rc, want_rc);
	if (want_rc < 0)
		CHECK_INT(err, want_errno);
	char *got = found_list(&f);
	if (want)
		CHECK_STR(got, want);
	free(got);
	free(pattern);
}

/* Expand T/p/(two stars)/.env in a child without capabilities, for which
 * t/p/locked (mode 000) is unreadable even when the tests run as root: it
 * could hide a match, so it is reported (denied whole), not an error. */
static void expand_unreadable(const char *t)
{
	test_row("p/**/.env without CAP_DAC_OVERRIDE");
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		struct __user_cap_header_struct hdr = {
			_LINUX_CAPABILITY_VERSION_3, 0};
		struct __user_cap_data_struct none[2] = {{0, 0, 0}, {0, 0, 0}};
		if (syscall(SYS_capset, &hdr, none) < 0)
			_exit(2);
		char *pattern = join(t, "p/**/.env");
		struct found f = {.root = t};
		int rc = glob_expand(pattern, 1000, record, &f);
		char *got = found_list(&f);
		dprintf(fds[1], "%d %s", rc, got);
		_exit(0);
	}
	close(fds[1]);
	char got[512] = "";
	ssize_t n = read(fds[0], got, sizeof got - 1);
	got[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
		test_skip("capset: cannot drop capabilities here");
		return;
	}
	/* The unreadable directory could hide a match: denied whole. */
	CHECK_STR(got,
		  "0 p/.env p/a/.env p/a/b/c/.env p/d/.env p/e/.env p/locked");
}

/* t/p/.env                  match
 * t/p/x.env                 no match
 * t/p/a/.env                match
 * t/p/a/b/c/.env            match, three levels down
 * t/p/a/b/other
 * t/p/d/.env/inner/.env     a matching directory: nothing below it
 * t/p/e/.env -> nowhere     a dangling symlink that matches: itself
 * t/p/link -> ../q          never followed below the prefix
 * t/q/.env
 * t/p/locked/.env           in a directory mode 000: skipped */
static void expand_tree(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	bool ok = mk_file(t, "p/.env", 0644) && mk_file(t, "p/x.env", 0644) &&
		  mk_file(t, "p/a/.env", 0644) &&
		  mk_file(t, "p/a/b/c/.env", 0644) &&
		  mk_file(t, "p/a/b/other", 0644) &&
		  mk_file(t, "p/d/.env/inner/.env", 0644) &&
		  mk_link(t, "p/e/.env", "/nonexistent-landstrip-unit") &&
		  mk_link(t, "p/link", "../q") && mk_file(t, "q/.env", 0644) &&
		  mk_file(t, "p/locked/.env", 0644);
	char *locked = join(t, "p/locked");
	if (ok)
		ok = chmod(locked, 0) == 0;
	if (!ok) {
		test_fail(__FILE__, __LINE__, "cannot build the tree");
		free(locked);
		tmp_tree_free(t);
		return;
	}
	/* root reads a mode-000 directory all the same. */
	bool root = geteuid() == 0;

	expand_row(t, "p/**/.env", 1000, 0, 0,
		   root ? "p/.env p/a/.env p/a/b/c/.env p/d/.env p/e/.env "
			  "p/locked/.env"
			: "p/.env p/a/.env p/a/b/c/.env p/d/.env p/e/.env");
	expand_row(t, "p/*", 1000, 0, 0,
		   "p/.env p/a p/d p/e p/link p/locked p/x.env");
	expand_row(t, "p/*/.env", 1000, 0, 0,
		   root ? "p/a/.env p/d/.env p/e/.env p/locked/.env"
			: "p/a/.env p/d/.env p/e/.env");
	expand_row(t, "p/?.env", 1000, 0, 0, "p/x.env");
	/* The prefix is followed as written. */
	expand_row(t, "p/link/**/.env", 1000, 0, 0, "p/link/.env");
	/* The prefix is the match: reported, not walked (limit 0). */
	expand_row(t, "p/a/**", 0, 0, 0, "p/a");
	expand_row(t, "p/a/.env", 0, 0, 0, "p/a/.env");
	expand_row(t, "p/e/.env", 0, 0, 0, "p/e/.env");
	expand_row(t, "p/zzz", 0, 0, 0, "");
	/* A missing or non-directory prefix: nothing, no error. */
	expand_row(t, "nope/**/.env", 0, 0, 0, "");
	expand_row(t, "p/x.env/*", 0, 0, 0, "");
	/* Refused patterns. */
	expand_row(t, "p/a**", 1000, -1, EINVAL, "");
	expand_row(t, "p/[x", 1000, -1, EINVAL, "");
	test_row("relative pattern");
	struct found f = {.root = t};
	errno = 0;
	CHECK_INT(glob_expand("p/**/.env", 1000, record, &f), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(f.n, 0);

	expand_unreadable(t);
	chmod(locked, 0755);
	free(locked);
	tmp_tree_free(t);
}

/* "/" as the directory walked: children are "/name", not "//name". */
static void expand_root(void)
{
	struct found f = {.root = ""};
	test_row("glob_expand(\"/[p]roc\")");
	CHECK_INT(glob_expand("/[p]roc", 100000, record, &f), 0);
	char *got = found_list(&f);
	CHECK_STR(got, "/proc");
	free(got);
	test_row("glob_expand(\"/\")");
	CHECK_INT(glob_expand("/", 0, record, &f), 0);
	got = found_list(&f);
	CHECK_STR(got, "/");
	free(got);
}

/* t/w/f0..f9 and t/w/f3.x: eleven entries read, whatever matches. */
static void expand_limit(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	for (int i = 0; i < 10; i++) {
		char rel[16];
		snprintf(rel, sizeof rel, "w/f%d", i);
		if (!mk_file(t, rel, 0644))
			break;
	}
	mk_file(t, "w/f3.x", 0644);
	expand_row(t, "w/*.x", 11, 0, 0, "w/f3.x");
	expand_row(t, "w/*.x", 10, -1, E2BIG, NULL);
	expand_row(t, "w/*.x", 0, -1, E2BIG, NULL);
	REQUIRE(mk_dir(t, "empty"));
	expand_row(t, "empty/*", 0, 0, 0, "");
	tmp_tree_free(t);
}

/* t/s/d1/keep/a.pem, t/s/d2/keep/a.pem and 100 files in t/s/d1/junk:
 * "s/" "*" "/keep/" "*.pem" reads s (2), d1 (2), d2 (1), both keeps (1+1)
 * and never junk, so 7 entries are enough and 6 are not. */
static void expand_prunes(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_file(t, "s/d1/keep/a.pem", 0644));
	REQUIRE(mk_file(t, "s/d2/keep/a.pem", 0644));
	for (int i = 0; i < 100; i++) {
		char rel[32];
		snprintf(rel, sizeof rel, "s/d1/junk/j%d.pem", i);
		if (!mk_file(t, rel, 0644))
			break;
	}
	expand_row(t, "s/*/keep/*.pem", 7, 0, 0,
		   "s/d1/keep/a.pem s/d2/keep/a.pem");
	expand_row(t, "s/*/keep/*.pem", 6, -1, E2BIG, NULL);
	tmp_tree_free(t);
}

const struct test_case glob_tests[] = {
	TEST_CASE(is_pattern),
	TEST_CASE(check_syntax),
	TEST_CASE(fixed_prefix),
	TEST_CASE(match),
	TEST_CASE(depth),
	TEST_CASE(may_match_below),
	TEST_CASE(basename_only),
	TEST_CASE(random_vs_reference),
	TEST_CASE(pathological),
	TEST_CASE(expand_tree),
	TEST_CASE(expand_root),
	TEST_CASE(expand_limit),
	TEST_CASE(expand_prunes),
	TEST_END,
};
