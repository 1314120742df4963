/* The static seccomp filter: closes the side doors Landlock leaves open
 * (THREATS.md #5-#8) without a supervisor. */
#ifndef LANDSTRIP_SECCOMP_H
#define LANDSTRIP_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

struct sock_filter;

struct filter_options {
	bool allow_network; /* allowNetwork = true: any IPv4/IPv6 socket */
};

/* Build the program into PROG (capacity CAP); returns its length or -1. */
int seccomp_build_filter(const struct filter_options *opt,
			 struct sock_filter *prog, size_t cap);

/* Build and load the filter (no_new_privs must be set). */
int seccomp_install(const struct filter_options *opt);

#endif
