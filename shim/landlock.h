/* Landlock: the only file that talks to the Landlock syscalls. */
#ifndef LANDSTRIP_LANDLOCK_H
#define LANDSTRIP_LANDLOCK_H

#include "../config/lower.h"

#include <stdbool.h>
#include <stdint.h>

struct landlock {
	int abi;
	int ruleset_fd;
	uint64_t handled_fs;
	uint64_t handled_net;
	uint64_t scoped;
};

/* The kernel's Landlock ABI version, or -1 with errno (ENOSYS: not built
 * in; EOPNOTSUPP: built in but not enabled at boot). */
int landlock_abi(void);

/* The lowest ABI that can enforce a policy as written, and why. */
int landlock_abi_needed(bool allow_network, const char **why);

/* Create a ruleset handling what the policy restricts on this ABI. */
int landlock_begin(struct landlock *ll, int abi, bool restrict_read,
		   bool restrict_net);

/* Take over a ruleset built elsewhere (the session cache) for ABI. */
void landlock_adopt(struct landlock *ll, int abi, int ruleset_fd);

/* A rule_sink callback: add one path rule. */
int landlock_add_path(void *ll, int fd, const struct fs_rule *rule);

int landlock_allow_connect(struct landlock *ll, unsigned port);

/* Enforce on the calling thread (no_new_privs must be set). */
int landlock_enforce(struct landlock *ll);

/* The access bits for a grant on this ABI, as added (for debug output). */
uint64_t landlock_rights(const struct landlock *ll, unsigned grant,
			 bool is_dir);

/* Human names of access bits, space separated, into BUF. */
void landlock_describe(uint64_t access, char *buf, size_t len);

#endif
