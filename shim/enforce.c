/* Can this kernel enforce a policy as written?  Shared by the run path,
 * --check and --doctor, so that they never disagree. */
#include "enforce.h"
#include "landlock.h"
#include "../config/diag.h"

#include <errno.h>

/* Why this kernel cannot enforce POLICY as written, or NULL.  Refusing
 * beats running the tool with a rule silently dropped. */
const char *unenforceable(const struct policy *p, int abi,
				 int abi_errno, char *buf, size_t len)
{
	const char *why;
	int needed = landlock_abi_needed(policy_flag(p, SCALAR_ALLOW_NETWORK),
					 &why);
	if (abi < 0 && abi_errno == EOPNOTSUPP)
		return "Landlock is built into this kernel but not enabled; add "
		       "'landlock' to the lsm= kernel parameter. Refusing to "
		       "run unconfined";
	if (abi < 0)
		return "this kernel has no Landlock (Linux 5.13+ with "
		       "CONFIG_SECURITY_LANDLOCK is needed). Refusing to run "
		       "unconfined";
	if (abi < needed) {
		format_error(buf, len,
			     "this policy needs Landlock ABI %d for %s, but the "
			     "kernel offers ABI %d; upgrade the kernel (ABI 4 is "
			     "Linux 6.7). Refusing to run less confined than the "
			     "policy says",
			     needed, why, abi);
		return buf;
	}
	return NULL;
}

