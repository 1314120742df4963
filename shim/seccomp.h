/* The static seccomp filter: closes the side doors Landlock leaves open
 * (THREATS.md #5-#8) without a supervisor. */
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
	 * lets through then goes on to the notify part (below), as if the
	 * two were stacked, for one attach instead of two. */
	bool listener;
	bool listener_writes, listener_reads; /* as seccomp_build_notify_filter */
};

/* Build the program into PROG (capacity CAP); returns its length or -1. */
int seccomp_build_filter(const struct filter_options *opt,
			 struct sock_filter *prog, size_t cap);

/* Build and load the filter (no_new_privs must be set).  Returns the
 * listener fd with opt->listener, else 0; -1 with errno. */
int seccomp_install(const struct filter_options *opt);

/* The listener's part as a filter of its own: bind, connect and listen go
 * to the listener, and with WRITES the calls that write through a path or
 * change metadata (open and openat only with a write flag, or always with
 * READS).  Stacked under the static filter, it decides as the combined
 * program does (opt->listener): the unit tests hold one to the other. */
int seccomp_build_notify_filter(bool writes, bool reads,
				struct sock_filter *prog, size_t cap);

#endif
