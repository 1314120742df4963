/* Which seccomp filter a tool gets.  Every program the shim may install is
 * generated at build time with libseccomp (shim/gen_filters.c), so the
 * choice must be a pure function of the policy's flags and of how the tool
 * is nested: the generator enumerates its inputs, and the shim looks the
 * result up.  No libseccomp code runs per exec. */
#ifndef LANDSTRIP_FILTER_PLAN_H
#define LANDSTRIP_FILTER_PLAN_H

#include "seccomp.h"

#include <stdbool.h>
#include <stddef.h>

/* Nested: does an enclosing supervisor decide our listen and connect, and
 * does it also perform writes (in mediated roots) for us? */
enum enclosing {
	ENCLOSING_NONE,
	ENCLOSING_SOCKETS,
	ENCLOSING_WRITES, /* and sockets */
};

struct filter_inputs {
	bool allow_network;       /* allowNetwork = true */
	bool allow_local_binding; /* allowLocalBinding = true */
	bool has_proxy_ports;     /* httpProxyPort or socksProxyPort */
	bool has_unix_sockets;    /* allowUnixSockets entries */
	bool has_mediated_roots;  /* write roots the supervisor performs in */
	bool mediate_reads;       /* ... and opens for reading there too */
	bool wants_supervisor;    /* the policy needs decisions Landlock
				     cannot make (mediation_needed) */
	bool nested;              /* inside a landstrip sandbox already */
	enum enclosing enclosing; /* nested: what decides for us outside */
};

/* Every input filter_options_for() can be given: the Nth of
 * FILTER_INPUTS_COUNT (eight flags and three kinds of enclosing).  The
 * generator makes a program for each result, and the tests check that the
 * shim finds one for each. */
#define FILTER_INPUTS_COUNT (256 * 3)
struct filter_inputs filter_inputs_nth(unsigned n);

/* The filter for IN (what confine() in shim/main.c installs). */
struct filter_options filter_options_for(const struct filter_inputs *in);

/* OPT with every flag that changes nothing set to one fixed value, so that
 * two options that give the same program compare equal. */
struct filter_options filter_canonical(struct filter_options opt);

bool filter_options_equal(const struct filter_options *a,
			  const struct filter_options *b);

/* The generated program for OPT in TABLE[0..N), or NULL: a combination
 * the generator did not make must not run (fail closed). */
const struct filter_program *filter_program_find(
	const struct filter_program *table, size_t n,
	const struct filter_options *opt);

#endif
