/* The unit-test driver: runs every test of every suite, or those whose
 * "suite/name" contains one of the arguments.
 *
 *   build/unit-tests               all tests
 *   build/unit-tests lower/ parse_bool
 *
 * Output: "FAIL suite/name" with one line per failed check, "skip ..." for
 * tests the machine cannot run, and a last line "unit: N passed, N failed".
 * Exit status 1 when any test failed.
 *
 * Leak detection stays on: the tests free what the code under test
 * allocates (util.c), so LeakSanitizer reports a leak in the code itself. */
#include "test.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct suite {
	const char *name;
	const struct test_case *cases;
};

/* config/protocol.c (test_protocol.c); belongs with the others in
 * test.h. */
extern const struct test_case protocol_tests[];
/* supervisor/decide.c (test_decide.c) */
extern const struct test_case decide_tests[];
/* config/glob.c (test_glob.c) */
extern const struct test_case glob_tests[];
/* supervisor/decide_write.c (test_decide_write.c) */
extern const struct test_case decide_write_tests[];
/* config/cache_wire.c, config/deps.c (test_cache.c) */
extern const struct test_case cache_tests[];
/* supervisor/recent.c (test_recent.c) */
extern const struct test_case recent_tests[];
/* supervisor/watch.c (test_watch.c) */
extern const struct test_case watch_tests[];
/* config/system.c (test_system.c) */
extern const struct test_case system_tests[];
/* supervisor/notify.c (test_notify.c) */
extern const struct test_case notify_tests[];
/* config/locate.c (test_locate.c) */
extern const struct test_case locate_tests[];
/* config/protect.c (test_protect.c) */
extern const struct test_case protect_tests[];

static const struct suite suites[] = {
	{"parse", parse_tests},     {"merge", merge_tests},
	{"paths", paths_tests},     {"lower", lower_tests},
	{"seccomp", seccomp_tests}, {"program", program_tests},
	{"protocol", protocol_tests}, {"decide", decide_tests},
	{"glob", glob_tests},       {"decide_write", decide_write_tests},
	{"cache", cache_tests},     {"recent", recent_tests},
	{"watch", watch_tests},     {"system", system_tests},
	{"notify", notify_tests},   {"locate", locate_tests},
	{"protect", protect_tests},
};

static const char *current_test;
static bool current_failed;
static bool current_skipped;
static char current_row[512];

void test_row(const char *fmt, ...)
{
	current_row[0] = '\0';
	if (!fmt)
		return;
	char raw[sizeof current_row];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* Rows are often INI text: show control bytes as C escapes so that
	 * each failure stays on one line. */
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)raw;
	     *p && n + 5 < sizeof current_row; p++) {
		if (*p == '\n')
			n += (size_t)snprintf(current_row + n, 3, "\\n");
		else if (*p == '\r')
			n += (size_t)snprintf(current_row + n, 3, "\\r");
		else if (*p == '\t')
			n += (size_t)snprintf(current_row + n, 3, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			n += (size_t)snprintf(current_row + n, 5, "\\x%02x", *p);
		else
			current_row[n++] = (char)*p;
	}
	current_row[n] = '\0';
}

static void fail_header(void)
{
	if (!current_failed)
		printf("FAIL %s\n", current_test);
	current_failed = true;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	fail_header();
	printf("    %s:%d: ", file, line);
	if (current_row[0])
		printf("[%s] ", current_row);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void test_skip(const char *fmt, ...)
{
	printf("skip %s: ", current_test);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	current_skipped = true;
}

bool test_failed_now(void)
{
	return current_failed;
}

static const char *show(const char *s)
{
	return s ? s : "(null)";
}

bool check_str_eq(const char *file, int line, const char *expr_a,
		  const char *expr_b, const char *a, const char *b)
{
	if ((!a && !b) || (a && b && strcmp(a, b) == 0))
		return true;
	test_fail(file, line, "%s == %s:\n        got  \"%s\"\n        want \"%s\"",
		  expr_a, expr_b, show(a), show(b));
	return false;
}

bool check_contains(const char *file, int line, const char *expr,
		    const char *hay, const char *needle)
{
	if (hay && strstr(hay, needle))
		return true;
	test_fail(file, line, "%s does not contain \"%s\":\n        got \"%s\"",
		  expr, needle, show(hay));
	return false;
}

bool check_not_contains(const char *file, int line, const char *expr,
			const char *hay, const char *needle)
{
	if (!hay || !strstr(hay, needle))
		return true;
	test_fail(file, line, "%s contains \"%s\":\n        got \"%s\"", expr,
		  needle, hay);
	return false;
}

static bool selected(const char *full, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strstr(full, argv[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	/* Tests print the shim's own messages nowhere: config code only
	 * formats into buffers.  Keep stdout line-buffered for CI logs. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	unsetenv("LANDSTRIP_DEBUG");
	int passed = 0, failed = 0, skipped = 0;
	for (size_t s = 0; s < COUNT_OF(suites); s++) {
		for (const struct test_case *t = suites[s].cases; t->name; t++) {
			char full[256];
			snprintf(full, sizeof full, "%s/%s", suites[s].name,
				 t->name);
			if (!selected(full, argc, argv))
				continue;
			current_test = full;
			current_failed = false;
			current_skipped = false;
			current_row[0] = '\0';
			t->fn();
			current_row[0] = '\0';
			if (current_failed)
				failed++;
			else if (current_skipped)
				skipped++;
			else
				passed++;
		}
	}
	if (skipped)
		printf("(%d skipped)\n", skipped);
	printf("unit: %d passed, %d failed\n", passed, failed);
	fflush(stdout);
	return failed ? 1 : 0;
}
