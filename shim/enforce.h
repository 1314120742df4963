/* Whether this kernel can enforce a policy as written. */
#ifndef LANDSTRIP_ENFORCE_H
#define LANDSTRIP_ENFORCE_H

#include "../config/config.h"

#include <stddef.h>

/* Why this kernel (Landlock ABI ABI, or -1 with ABI_ERRNO) cannot enforce
 * P as written, or NULL.  The message may be built in BUF. */
const char *unenforceable(const struct policy *p, int abi, int abi_errno,
			  char *buf, size_t len);

#endif
