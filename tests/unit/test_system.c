/* config/system.c: facts about the running kernel.  kernel_release_at_least
 * decides whether the supervisor may wait in a blocking receive, which
 * before Linux 6.11 never returned once the sandbox was gone: a release it
 * misreads as newer leaves supervisors behind. */
#include "test.h"
#include "../../config/system.h"

#include <sys/utsname.h>

static void release_compares_major_then_minor(void)
{
	static const struct {
		const char *release;
		bool at_least_6_11;
	} rows[] = {
		{"6.11.0", true},
		{"6.11", true},
		{"6.18.44-fc-v657", true},
		{"6.12.9-amd64", true},
		{"7.0.1", true},
		{"10.0", true},
		{"6.10.14-arch1", false},
		{"6.1.0-28-amd64", false}, /* Debian 12: minor 1, not 10 */
		{"6.6.63", false},
		{"5.15.0-126-generic", false},
		{"6.9", false},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		test_row("%s", rows[i].release);
		CHECK_INT(kernel_release_at_least(rows[i].release, 6, 11),
			  rows[i].at_least_6_11);
	}
	test_row(NULL);
}

static void release_that_is_not_a_version_is_old(void)
{
	static const char *const rows[] = {
		"", "6", "6.", "linux-6.12", "six.twelve", ".12", "6.x",
		"99999999999999999999.1",
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		test_row("'%s'", rows[i]);
		CHECK(!kernel_release_at_least(rows[i], 6, 11));
	}
	test_row(NULL);
}

static void running_kernel_agrees_with_uname(void)
{
	struct utsname u;
	REQUIRE(uname(&u) == 0);
	CHECK_INT(kernel_at_least(6, 11), kernel_release_at_least(u.release, 6, 11));
	CHECK(kernel_at_least(3, 0)); /* pidfd and Landlock need far more */
}

const struct test_case system_tests[] = {
	TEST_CASE(release_compares_major_then_minor),
	TEST_CASE(release_that_is_not_a_version_is_old),
	TEST_CASE(running_kernel_agrees_with_uname),
	TEST_END,
};
