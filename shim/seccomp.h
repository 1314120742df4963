/* The static seccomp filter: closes the side doors Landlock leaves open
 * (THREATS.md #5-#8) without a supervisor. */
#ifndef LANDSTRIP_SECCOMP_H
#define LANDSTRIP_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

struct sock_filter;

struct filter_options {
	bool allow_network; /* allowNetwork = true: any IPv4/IPv6 socket */
	bool mediated;      /* a supervisor decides bind/connect/listen: unix
			       stream sockets may be created, listen passes */
	bool deny_bind;     /* nested under a mediating sandbox without a
			       listener of our own: refuse bind and listen */
	bool deny_connect;  /* likewise, for a policy with no network at all */
};

/* Build the program into PROG (capacity CAP); returns its length or -1. */
int seccomp_build_filter(const struct filter_options *opt,
			 struct sock_filter *prog, size_t cap);

/* Build and load the filter (no_new_privs must be set). */
int seccomp_install(const struct filter_options *opt);

/* Build the notify filter: bind, connect and listen go to the listener. */
int seccomp_build_notify_filter(struct sock_filter *prog, size_t cap);

/* Load the notify filter with a new listener; returns the listener fd, or
 * -1 with errno (EBUSY or EPERM: an enclosing sandbox already mediates). */
int seccomp_install_listener(void);

#endif
