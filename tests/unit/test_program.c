/* program_resolve / program_check (shim/program.c): find the real tool
 * behind a wrapper name without ever finding the shim itself (THREATS.md
 * #13).  The "shim" here is a file in a fake wrapper directory; `self` is
 * its stat. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "test.h"

#include "program.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fixture {
	char *t;
	char *wrap, *real, *other, *noexec, *empty;
	struct stat self;
};

/* t/wrap/tool (the shim), t/wrap/landstrip-exec (hard link to it),
 * t/real/tool (executable), t/other/tool -> ../wrap/tool (link to the shim),
 * t/noexec/tool (mode 0644), t/empty/, t/real/dir-tool/ (a directory). */
static bool setup(struct fixture *fx)
{
	memset(fx, 0, sizeof *fx);
	fx->t = tmp_tree();
	if (!fx->t)
		return false;
	fx->wrap = join(fx->t, "wrap");
	fx->real = join(fx->t, "real");
	fx->other = join(fx->t, "other");
	fx->noexec = join(fx->t, "noexec");
	fx->empty = join(fx->t, "empty");
	if (!mk_file(fx->t, "wrap/tool", 0755) ||
	    !mk_file(fx->t, "real/tool", 0755) ||
	    !mk_link(fx->t, "other/tool", "../wrap/tool") ||
	    !mk_file(fx->t, "noexec/tool", 0644) || !mk_dir(fx->t, "empty") ||
	    !mk_dir(fx->t, "real/dir-tool") || !mk_dir(fx->t, "wrap/dir-tool"))
		return false;
	char *shim = join(fx->wrap, "tool"), *hard = join(fx->wrap, "landstrip-exec");
	bool ok = stat(shim, &fx->self) == 0 && link(shim, hard) == 0;
	if (!ok)
		test_fail(__FILE__, __LINE__, "stat/link %s: %s", shim,
			  strerror(errno));
	free(shim);
	free(hard);
	return ok;
}

static void teardown(struct fixture *fx)
{
	free(fx->wrap);
	free(fx->real);
	free(fx->other);
	free(fx->noexec);
	free(fx->empty);
	tmp_tree_free(fx->t);
}

/* Path lists are written with W R O N E for the fixture's directories. */
static char *path_env(const struct fixture *fx, const char *spec)
{
	size_t cap = strlen(spec) * (strlen(fx->t) + 16) + 1;
	char *out = calloc(1, cap);
	for (const char *p = spec; *p; p++) {
		const char *dir = NULL;
		switch (*p) {
		case 'W': dir = fx->wrap; break;
		case 'R': dir = fx->real; break;
		case 'O': dir = fx->other; break;
		case 'N': dir = fx->noexec; break;
		case 'E': dir = fx->empty; break;
		}
		if (dir)
			strcat(out, dir);
		else
			strncat(out, p, 1);
	}
	return out;
}

static void resolve_skips_self(void)
{
	struct fixture fx;
	if (!setup(&fx)) {
		teardown(&fx);
		return;
	}
	static const struct {
		const char *path;
		const char *name;
		const char *want; /* R: real/NAME; NULL: error */
		int status;
		const char *msg;
	} rows[] = {
		{"W:R", "tool", "R", 0, NULL},
		{"W:W:R", "tool", "R", 0, NULL},
		{"W:O:W:R", "tool", "R", 0, NULL},
		{"E:W::W:R", "tool", "R", 0, NULL},
		{"R:W", "tool", "R", 0, NULL},
		{"N:R", "tool", "R", 0, NULL},
		{"W:N:R:N", "tool", "R", 0, NULL},
		/* a directory of that name is not a candidate */
		{"W:R", "dir-tool", NULL, 127,
		 "dir-tool: command not found in PATH"},
		/* only the wrapper itself: never loop, never run it */
		{"W", "tool", NULL, 127,
		 "tool: command not found in PATH (only the landstrip wrapper "
		 "itself was found"},
		{"W:W:O:W", "tool", NULL, 127, "only the landstrip wrapper"},
		{"W", "landstrip-exec", NULL, 127, "only the landstrip wrapper"},
		/* found but not executable */
		{"W:N", "tool", NULL, 126, "/noexec/tool: Permission denied"},
		{"N:E", "tool", NULL, 126, "Permission denied"},
		/* nothing */
		{"E", "tool", NULL, 127, "tool: command not found in PATH"},
		{"", "tool", NULL, 127, "command not found"},
		{"E:R", "no-such-tool", NULL, 127,
		 "no-such-tool: command not found in PATH"},
		{"W:R", "", NULL, 127, "empty command name"},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		char *env = path_env(&fx, rows[i].path);
		test_row("PATH=%s name=%s", rows[i].path, rows[i].name);
		char err[1024] = "";
		int status = -1;
		char *got = program_resolve(rows[i].name, env, &fx.self, &status,
					    err, sizeof err);
		if (rows[i].want) {
			char *want = join(fx.real, rows[i].name);
			CHECK_STR(got, want);
			free(want);
		} else {
			CHECK(got == NULL);
			CHECK_INT(status, rows[i].status);
			CHECK_CONTAINS(err, rows[i].msg);
			if (rows[i].status == 127 &&
			    !strstr(rows[i].msg, "only the landstrip"))
				CHECK_NOT_CONTAINS(err, "only the landstrip");
		}
		free(got);
		free(env);
	}
	teardown(&fx);
}

/* "." and empty PATH entries mean the current directory, which may be the
 * wrapper directory. */
static void resolve_dot_and_empty_entries(void)
{
	struct fixture fx;
	if (!setup(&fx)) {
		teardown(&fx);
		return;
	}
	char cwd[PATH_MAX];
	REQUIRE(getcwd(cwd, sizeof cwd));
	if (!CHECK(chdir(fx.wrap) == 0)) {
		teardown(&fx);
		return;
	}
	static const struct {
		const char *path;
		bool found;
	} rows[] = {
		{".:R", true},   {":R", true},  {"R:", true},   {"::.:R", true},
		{".", false},    {"", false},   {":", false},   {".:.::", false},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		char *env = path_env(&fx, rows[i].path);
		test_row("PATH=%s in the wrapper directory", rows[i].path);
		char err[1024] = "";
		int status = -1;
		char *got = program_resolve("tool", env, &fx.self, &status, err,
					    sizeof err);
		if (rows[i].found) {
			char *want = join(fx.real, "tool");
			CHECK_STR(got, want);
			free(want);
		} else {
			CHECK(got == NULL);
			CHECK_INT(status, 127);
			CHECK_CONTAINS(err, "only the landstrip wrapper itself");
		}
		free(got);
		free(env);
	}
	/* From the real directory, "." finds the real tool. */
	CHECK(chdir(fx.real) == 0);
	test_row("PATH=W:. in the real directory");
	char err[1024] = "";
	int status = -1;
	char *env = path_env(&fx, "W:.");
	char *got = program_resolve("tool", env, &fx.self, &status, err,
				    sizeof err);
	CHECK_STR(got, "./tool");
	free(got);
	free(env);
	CHECK(chdir(cwd) == 0);
	teardown(&fx);
}

static void resolve_default_path(void)
{
	struct stat self = {0};
	self.st_ino = (ino_t)-1; /* matches nothing */
	char err[1024] = "";
	int status = -1;
	char *got = program_resolve("sh", NULL, &self, &status, err, sizeof err);
	if (CHECK(got != NULL))
		CHECK(strcmp(got, "/usr/local/bin/sh") == 0 ||
		      strcmp(got, "/usr/bin/sh") == 0 || strcmp(got, "/bin/sh") == 0);
	free(got);
	got = program_resolve("landstrip-unit-no-such-tool", NULL, &self,
			      &status, err, sizeof err);
	CHECK(got == NULL);
	CHECK_INT(status, 127);
}

static void check_explicit_paths(void)
{
	struct fixture fx;
	if (!setup(&fx)) {
		teardown(&fx);
		return;
	}
	static const struct {
		const char *rel;
		int status; /* 0: accepted */
		const char *msg;
	} rows[] = {
		{"real/tool", 0, NULL},
		{"real/../real/tool", 0, NULL},
		{"wrap/tool", 126, "is landstrip-exec itself; name the real program"},
		{"wrap/landstrip-exec", 126, "is landstrip-exec itself"},
		{"other/tool", 126, "is landstrip-exec itself"},
		{"noexec/tool", 126, "Permission denied"},
		{"real/dir-tool", 126, "Is a directory"},
		{"real/missing", 127, "No such file or directory"},
		{"real/tool/x", 127, "Not a directory"},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].rel);
		char *path = join(fx.t, rows[i].rel);
		char err[1024] = "";
		int status = -1;
		char *got = program_check(path, &fx.self, &status, err, sizeof err);
		if (rows[i].status == 0) {
			CHECK_STR(got, path);
		} else {
			CHECK(got == NULL);
			CHECK_INT(status, rows[i].status);
			CHECK_CONTAINS(err, path);
			CHECK_CONTAINS(err, rows[i].msg);
		}
		free(got);

		/* A name with a '/' goes the same way through resolve. */
		status = -1;
		got = program_resolve(path, fx.real, &fx.self, &status, err,
				      sizeof err);
		if (rows[i].status == 0)
			CHECK_STR(got, path);
		else
			CHECK_INT(status, rows[i].status);
		free(got);
		free(path);
	}

	/* Explicit mode may run landstrip-exec itself (nesting): SELF NULL. */
	char *shim = join(fx.wrap, "tool");
	char err[1024] = "";
	int status = -1;
	char *got = program_check(shim, NULL, &status, err, sizeof err);
	CHECK_STR(got, shim);
	free(got);
	got = program_resolve("tool", fx.wrap, NULL, &status, err, sizeof err);
	CHECK_STR(got, shim);
	free(got);
	free(shim);
	teardown(&fx);
}

const struct test_case program_tests[] = {
	TEST_CASE(resolve_skips_self),
	TEST_CASE(resolve_dot_and_empty_entries),
	TEST_CASE(resolve_default_path),
	TEST_CASE(check_explicit_paths),
	TEST_END,
};
