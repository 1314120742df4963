/* Printing the resolved policy: --check on stdout, --debug on stderr. */
#ifndef LANDSTRIP_REPORT_H
#define LANDSTRIP_REPORT_H

#include "../config/config.h"
#include "../config/lower.h"
#include "context.h"
#include "landlock.h"

#include <stdio.h>

struct report {
	const struct context *ctx;
	const struct config *cfg;
	const struct policy *policy;
	const struct lowered *lowered;
	const struct landlock *ll;   /* NULL: rights not resolved (--check) */
	const char *tool;            /* NULL: [sandbox] only */
	const char *program;         /* resolved program, if any */
	int abi;                     /* kernel ABI, -1 if none */
	int abi_needed;
	const char *abi_needed_why;
	const char *mediation;       /* NULL: none; else how it is done */
};

void report_policy(FILE *out, const struct report *r);

#endif
