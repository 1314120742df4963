/* --install-wrappers, --remove-wrappers and --doctor. */
#ifndef LANDSTRIP_ADMIN_H
#define LANDSTRIP_ADMIN_H

#include "../config/config.h"
#include "cli.h"
#include "context.h"

/* The kernel's Landlock ABI, or the older one LANDSTRIP_TEST_ABI asks to
 * pretend, for --doctor and --check only. */
int diagnostic_abi(void);

/* Run an administrative action of CLI; returns the exit status. */
int administer(const struct cli *cli, const struct context *ctx,
	       const struct config *cfg, const struct policy *policy);

#endif
