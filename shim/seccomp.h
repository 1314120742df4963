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
};

/* Build the program into PROG (capacity CAP); returns its length or -1. */
int seccomp_build_filter(const struct filter_options *opt,
			 struct sock_filter *prog, size_t cap);

/* Build and load the filter (no_new_privs must be set). */
int seccomp_install(const struct filter_options *opt);

/* Build the notify filter: bind, connect and listen go to the listener,
 * and with WRITES the calls that write through a path or change metadata
 * (open and openat only with a write flag, or always with READS). */
int seccomp_build_notify_filter(bool writes, bool reads,
				struct sock_filter *prog, size_t cap);

/* Load the notify filter with a new listener; returns the listener fd, or
 * -1 with errno (EBUSY or EPERM: an enclosing sandbox already mediates). */
int seccomp_install_listener(bool writes, bool reads);

#endif
