/* Loading a generated filter.  Building one with libseccomp at run time
 * costs ~100 us per exec (MEASURED.md); the programs are made at build
 * time instead (shim/gen_filters.c), and what is left here is the
 * seccomp(2) call, whose flags (the listener) are not part of a program. */
#include "seccomp.h"
#include "filter_plan.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

int seccomp_install(const struct filter_options *opt)
{
	const struct filter_program *p =
		filter_program_find(seccomp_programs, seccomp_programs_count, opt);
	if (!p) {
		errno = ENOENT;
		return -1;
	}
	struct sock_fprog prog = {.len = p->len,
				  .filter = (struct sock_filter *)p->insns};
	/* Once the supervisor has received a call, only a fatal signal may
	 * cut the tool's wait short.  A handled signal would otherwise make
	 * the call fail with EINTR, or restart it after the supervisor had
	 * already bound or created: EINVAL, EEXIST.  The kernel does not
	 * interrupt these calls unconfined either.  (Linux 5.19+; before,
	 * the wait stays interruptible.) */
	unsigned long flags = 0;
	if (opt->listener)
		flags = SECCOMP_FILTER_FLAG_NEW_LISTENER |
			SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (rc < 0 && errno == EINVAL && opt->listener) /* before 5.19 */
		rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			     SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	return rc < 0 ? -1 : (int)rc;
}
