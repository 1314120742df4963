#include "caps.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif

/* CAP_SYS_PTRACE too: with it a root tool could read or take the fds of
 * the non-dumpable witness of its own domain (shim/mediation.c). */
static const int dropped[] = {CAP_SYS_ADMIN, CAP_PERFMON, CAP_SYS_PTRACE};

int caps_drop_dangerous(void)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	unsigned held = 0;
	for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++) {
		unsigned word = (unsigned)dropped[i] / 32;
		unsigned bit = 1u << ((unsigned)dropped[i] % 32);
		held |= (data[word].permitted | data[word].inheritable) & bit;
		data[word].effective &= ~bit;
		data[word].permitted &= ~bit;
		data[word].inheritable &= ~bit;
	}
	if (!held)
		return 0; /* the common, unprivileged case: one syscall */
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -1;
	/* Out of the bounding set too, where CAP_SETPCAP allows it; with
	 * no_new_privs nothing could raise them again anyway. */
	for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
		prctl(PR_CAPBSET_DROP, dropped[i], 0, 0, 0);
	return 0;
}
