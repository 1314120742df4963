/* A tiny unit-test framework: one driver (main.c) runs every test.
 *
 * Each test file exports a table of test cases ending in {NULL, NULL}; the
 * driver's table of suites names every such table.  CHECK macros never stop
 * a test: they report file:line, the expression and the values, count the
 * failure, and go on.  REQUIRE stops the current test when what follows
 * would make no sense (a NULL pointer, a missing temporary tree).
 *
 * Table-driven tests call test_row() before each row so that a failure says
 * which row it came from.  The driver's last line is exactly
 * "unit: N passed, N failed" (CI parses it). */
#ifndef LANDSTRIP_UNIT_TEST_H
#define LANDSTRIP_UNIT_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct config;
struct policy;
struct lowered;

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST_CASE(fn) {#fn, fn}
#define TEST_END {NULL, NULL}

/* One table per file, named in main.c's suite table. */
extern const struct test_case parse_tests[];
extern const struct test_case merge_tests[];
extern const struct test_case paths_tests[];
extern const struct test_case lower_tests[];
extern const struct test_case seccomp_tests[];
extern const struct test_case program_tests[];

/* --- reporting (main.c) ------------------------------------------------ */

/* Name the row (or other context) that following failures belong to;
 * NULL clears it.  printf-style. */
__attribute__((format(printf, 1, 2)))
void test_row(const char *fmt, ...);

__attribute__((format(printf, 3, 4)))
void test_fail(const char *file, int line, const char *fmt, ...);

/* A test that cannot run here (no kernel feature): reported, not failed. */
__attribute__((format(printf, 1, 2)))
void test_skip(const char *fmt, ...);

bool test_failed_now(void); /* has the current test failed so far? */

bool check_str_eq(const char *file, int line, const char *expr_a,
		  const char *expr_b, const char *a, const char *b);
bool check_contains(const char *file, int line, const char *expr,
		    const char *hay, const char *needle);
bool check_not_contains(const char *file, int line, const char *expr,
			const char *hay, const char *needle);

#define CHECK(cond)                                                         \
	((cond) ? true                                                      \
		: (test_fail(__FILE__, __LINE__, "CHECK(%s) is false",      \
			     #cond),                                         \
		   false))

#define CHECK_INT(a, b)                                                     \
	__extension__({                                                     \
		long long a_ = (long long)(a), b_ = (long long)(b);         \
		bool ok_ = a_ == b_;                                        \
		if (!ok_)                                                   \
			test_fail(__FILE__, __LINE__,                       \
				  "%s == %s: got %lld, want %lld", #a, #b,  \
				  a_, b_);                                  \
		ok_;                                                        \
	})

#define CHECK_HEX(a, b)                                                     \
	__extension__({                                                     \
		unsigned long long a_ = (unsigned long long)(a),            \
				   b_ = (unsigned long long)(b);            \
		bool ok_ = a_ == b_;                                        \
		if (!ok_)                                                   \
			test_fail(__FILE__, __LINE__,                       \
				  "%s == %s: got %#llx, want %#llx", #a, #b, \
				  a_, b_);                                  \
		ok_;                                                        \
	})

#define CHECK_STR(a, b) check_str_eq(__FILE__, __LINE__, #a, #b, (a), (b))
#define CHECK_CONTAINS(hay, needle)                                         \
	check_contains(__FILE__, __LINE__, #hay, (hay), (needle))
#define CHECK_NOT_CONTAINS(hay, needle)                                     \
	check_not_contains(__FILE__, __LINE__, #hay, (hay), (needle))

/* Stop the current test when COND is false. */
#define REQUIRE(cond)                                                       \
	do {                                                                \
		if (!CHECK(cond))                                           \
			return;                                             \
	} while (0)

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* --- helpers (util.c) -------------------------------------------------- */

/* A fresh canonical temporary directory; NULL on failure (reported). */
char *tmp_tree(void);
/* rm -rf DIR (no symlink is followed) and free it. */
void tmp_tree_free(char *dir);
/* Create DIR/REL and its parents as directories; reports failure. */
bool mk_dir(const char *dir, const char *rel);
/* Create DIR/REL as a file with MODE (parents created). */
bool mk_file(const char *dir, const char *rel, unsigned mode);
/* Create DIR/REL as a symlink to TARGET (parents created). */
bool mk_link(const char *dir, const char *rel, const char *target);
/* xasprintf("%s/%s") */
char *join(const char *dir, const char *rel);

/* Parse TEXT (strlen) as "t.ini" for TOOL; returns config_parse's rc. */
int parse_str(struct config *cfg, const char *text, const char *tool,
	      char *err, size_t errlen);

/* Free everything config_parse, config_merge and lower_policy allocate. */
void config_release(struct config *cfg);
void policy_release(struct policy *p);
void lowered_release(struct lowered *l);

#endif
