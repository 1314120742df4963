/* --doctor: can this machine and setup enforce the config? */
#ifndef LANDSTRIP_DOCTOR_H
#define LANDSTRIP_DOCTOR_H

#include "../config/config.h"
#include "context.h"

#include <stdbool.h>
#include <stddef.h>

struct doctor_input {
	const struct context *ctx;
	const struct config *cfg;
	const struct policy *policy; /* [sandbox], or + [tool.NAME] with -p */
	int abi;                     /* kernel ABI, or -1 */
	int abi_errno;
	bool any_mediation;          /* some section needs the supervisor */
	const char *(*unenforceable)(const struct policy *p, char *buf,
				     size_t len);
	char *(*real_program)(const char *name, char *err, size_t errlen);
};

/* Print the report; 0 when healthy, 1 otherwise. */
int doctor_run(const struct doctor_input *in);

#endif
