/* config/locate.c: the agent's PATH in session mode.  landstrip-supervisor
 * puts the wrapper directory first: a real tool ahead of it would run
 * unconfined, and a second copy of it further on would only make each
 * wrapper look at itself again. */
#include "test.h"
#include "../../config/locate.h"

#include <stdlib.h>

static void wrapper_dir_goes_first_once(void)
{
	static const struct {
		const char *path; /* NULL: unset */
		const char *want;
	} rows[] = {
		/* added in front */
		{"/usr/bin:/bin", "/w:/usr/bin:/bin"},
		/* already first: unchanged */
		{"/w:/usr/bin:/bin", "/w:/usr/bin:/bin"},
		/* later in PATH: moved to the front */
		{"/usr/bin:/w:/bin", "/w:/usr/bin:/bin"},
		{"/usr/bin:/bin:/w", "/w:/usr/bin:/bin"},
		/* every copy, under any spelling */
		{"/w:/usr/bin:/w/:/w//:/./w:/x/../w", "/w:/usr/bin"},
		/* other entries keep their order and spelling, empty ones
		 * (the current directory) included */
		{"/bin//:.::/usr/bin", "/w:/bin//:.::/usr/bin"},
		{":/bin", "/w::/bin"},
		{"/bin:", "/w:/bin:"},
		{"", "/w:"},
		/* a relative entry is never the directory */
		{"w:/bin", "/w:w:/bin"},
		/* a longer or shorter name is another directory */
		{"/w2:/ww:/:/w/x", "/w:/w2:/ww:/:/w/x"},
		/* unset: the default search path */
		{NULL, "/w:" LANDSTRIP_DEFAULT_PATH},
		{"/w", "/w"},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("PATH=%s", rows[i].path ? rows[i].path : "(unset)");
		char *got = path_put_first(rows[i].path, "/w");
		CHECK_STR(got, rows[i].want);
		free(got);
	}
	test_row(NULL);
}

const struct test_case locate_tests[] = {
	TEST_CASE(wrapper_dir_goes_first_once),
	TEST_END,
};
