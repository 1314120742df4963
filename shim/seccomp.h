/* The static seccomp filter: closes the side doors Landlock leaves open
 * (THREATS.md #5-#8) without a supervisor, and with one, traps what it
 * decides.  The programs are generated at build time with libseccomp
 * (shim/gen_filters.c into build/filters.c); the shim only picks one and
 * loads it. */
#ifndef LANDSTRIP_SECCOMP_H
#define LANDSTRIP_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

struct sock_filter;

struct filter_options {
	bool allow_network; /* allowNetwork = true: any IPv4/IPv6 socket */
	bool unix_streams;  /* unix stream/seqpacket sockets may be created:
			       a supervisor decides their bind and connect */
	bool pass_listen;   /* listen(2) is left to Landlock's bind rule and a
			       supervisor (else refused: it could auto-bind
			       0.0.0.0 past Landlock) */
	bool deny_bind;     /* nested under a sandbox whose supervisor would
			       perform binds unconfined: refuse bind here */
	bool deny_connect;  /* likewise connect, for a policy with no network */
	/* A supervisor's listener in the same program: what the static part
	 * lets through then goes on to the notify part, as if the two were
	 * stacked, for one attach instead of two. */
	bool listener;
	/* The listener also gets the calls that write through a path or
	 * change metadata (open and openat only with a write flag), and with
	 * READS every open. */
	bool listener_writes, listener_reads;
};

/* One generated program and the (canonical) options it was made for. */
struct filter_program {
	struct filter_options opt;
	unsigned short len;
	const struct sock_filter *insns;
};

/* build/filters.c: every program confine() can ask for. */
extern const struct filter_program seccomp_programs[];
extern const size_t seccomp_programs_count;
extern const char seccomp_generated_with[]; /* "libseccomp 2.5.4" */

/* Load the program for OPT (no_new_privs must be set).  Returns the
 * listener fd with opt->listener, else 0; -1 with errno (ENOENT: no
 * program was generated for OPT). */
int seccomp_install(const struct filter_options *opt);

#endif
