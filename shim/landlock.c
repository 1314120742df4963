#include "landlock.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The system linux/landlock.h is older than the kernel: every constant up
 * to ABI 7 is defined here, with the ABI that introduced it. */
#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2

#define LL_FS_EXECUTE (1ULL << 0)      /* ABI 1 */
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_REMOVE_DIR (1ULL << 4)
#define LL_FS_REMOVE_FILE (1ULL << 5)
#define LL_FS_MAKE_CHAR (1ULL << 6)
#define LL_FS_MAKE_DIR (1ULL << 7)
#define LL_FS_MAKE_REG (1ULL << 8)
#define LL_FS_MAKE_SOCK (1ULL << 9)
#define LL_FS_MAKE_FIFO (1ULL << 10)
#define LL_FS_MAKE_BLOCK (1ULL << 11)
#define LL_FS_MAKE_SYM (1ULL << 12)
#define LL_FS_REFER (1ULL << 13)       /* ABI 2 */
#define LL_FS_TRUNCATE (1ULL << 14)    /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15)   /* ABI 5 */

#define LL_NET_BIND_TCP (1ULL << 0)    /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ULL << 1)

#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL (1ULL << 1)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

#define READ_RIGHTS (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)
#define FILE_RIGHTS                                                       \
	(LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE |             \
	 LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)

/* Write rights by ABI: a table, so a newer right is never silently left
 * unhandled on the kernel that knows it. */
static uint64_t write_rights(int abi)
{
	uint64_t rights = LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR |
			  LL_FS_REMOVE_FILE | LL_FS_MAKE_CHAR | LL_FS_MAKE_DIR |
			  LL_FS_MAKE_REG | LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO |
			  LL_FS_MAKE_BLOCK | LL_FS_MAKE_SYM;
	if (abi >= 2)
		rights |= LL_FS_REFER;
	if (abi >= 3)
		rights |= LL_FS_TRUNCATE;
	if (abi >= 5)
		rights |= LL_FS_IOCTL_DEV;
	return rights;
}

int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LL_CREATE_RULESET_VERSION);
	return abi < 0 ? -1 : (int)abi;
}

int landlock_abi_needed(bool allow_network, const char **why)
{
	if (!allow_network) {
		*why = "TCP port rules (allowNetwork = false)";
		return 4;
	}
	/* Before ABI 3 truncate(2) escapes every write rule. */
	*why = "truncation control for write rules";
	return 3;
}

int landlock_begin(struct landlock *ll, int abi, bool restrict_read,
		   bool restrict_net)
{
	memset(ll, 0, sizeof *ll);
	ll->abi = abi;
	ll->handled_fs = write_rights(abi) | (restrict_read ? READ_RIGHTS : 0);
	if (restrict_net && abi >= 4)
		ll->handled_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
	if (abi >= 6)
		ll->scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
	struct ll_ruleset_attr attr = {
		.handled_access_fs = ll->handled_fs,
		.handled_access_net = ll->handled_net,
		.scoped = ll->scoped,
	};
	/* Older kernels reject a struct larger than they know unless the tail
	 * is zero, so pass only the fields this ABI has. */
	size_t size = abi >= 6 ? sizeof attr
		      : abi >= 4 ? offsetof(struct ll_ruleset_attr, scoped)
				 : offsetof(struct ll_ruleset_attr,
					    handled_access_net);
	long fd = syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (fd < 0)
		return -1;
	ll->ruleset_fd = (int)fd;
	return 0;
}

uint64_t landlock_rights(const struct landlock *ll, unsigned grant,
			 bool is_dir)
{
	uint64_t rights = 0;
	if (grant & GRANT_READ)
		rights |= LL_FS_EXECUTE | LL_FS_READ_FILE;
	if (grant & GRANT_LIST)
		rights |= LL_FS_READ_DIR;
	if (grant & GRANT_WRITE)
		rights |= write_rights(ll->abi);
	if (grant & GRANT_DEVICE)
		rights |= LL_FS_WRITE_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV;
	rights &= ll->handled_fs;
	if (!is_dir)
		rights &= FILE_RIGHTS;
	return rights;
}

int landlock_add_path(void *ctx, int fd, const struct fs_rule *rule)
{
	struct landlock *ll = ctx;
	struct ll_path_beneath_attr attr = {
		.allowed_access = landlock_rights(ll, rule->grant, rule->is_dir),
		.parent_fd = fd,
	};
	if (!attr.allowed_access)
		return 0; /* e.g. a read grant while reads are not restricted */
	return (int)syscall(SYS_landlock_add_rule, ll->ruleset_fd,
			    LL_RULE_PATH_BENEATH, &attr, 0);
}

int landlock_allow_connect(struct landlock *ll, unsigned port)
{
	if (!ll->handled_net)
		return 0;
	struct ll_net_port_attr attr = {
		.allowed_access = LL_NET_CONNECT_TCP,
		.port = port,
	};
	return (int)syscall(SYS_landlock_add_rule, ll->ruleset_fd,
			    LL_RULE_NET_PORT, &attr, 0);
}

void landlock_adopt(struct landlock *ll, int abi, int ruleset_fd)
{
	memset(ll, 0, sizeof *ll);
	ll->abi = abi;
	ll->ruleset_fd = ruleset_fd;
}

int landlock_enforce(struct landlock *ll)
{
	long rc = syscall(SYS_landlock_restrict_self, ll->ruleset_fd, 0);
	int saved = errno;
	close(ll->ruleset_fd);
	ll->ruleset_fd = -1;
	errno = saved;
	return rc < 0 ? -1 : 0;
}

void landlock_describe(uint64_t access, char *buf, size_t len)
{
	static const char *const names[] = {
		"execute",   "write_file", "read_file",  "read_dir",
		"remove_dir", "remove_file", "make_char", "make_dir",
		"make_reg",  "make_sock",  "make_fifo",  "make_block",
		"make_sym",  "refer",      "truncate",   "ioctl_dev",
	};
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(access & (1ULL << i)))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s",
				 used ? "," : "", names[i]);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
}
