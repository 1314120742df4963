/* Lowering: from a merged policy to filesystem rules Landlock can enforce.
 *
 * Landlock grants rights to whole subtrees.  A write root with a deny
 * inside it becomes a mediated root when a supervisor can perform its
 * writes (lower_env.mediate_writes): Landlock grants it no write right,
 * and the rules and patterns go to the supervisor, which decides each
 * write when it happens.  Otherwise (reads, and writes in a nested
 * sandbox) a deny inside an allowed root is carved out by walking the tree
 * that exists now: every directory on the path to a denied entry gets no
 * rights of its own (for reads: listing only), and every sibling that
 * survives gets the full grant.  Both documented in landstrip.ini(5).
 *
 * The walk opens every entry with O_NOFOLLOW relative to its parent's fd, and
 * a symlink or a failed open means "skip", never "grant the parent"
 * (THREATS.md #12).  Each rule is handed with its fd to a sink as it is
 * found, so the shim adds it to the Landlock ruleset at once and a large
 * directory never holds hundreds of fds open. */
#ifndef LANDSTRIP_LOWER_H
#define LANDSTRIP_LOWER_H

#include "config.h"
#include "protect.h"

#include <stdbool.h>

/* Abstract grants; shim/landlock.c maps them to the ABI's access bits. */
enum {
	GRANT_READ = 1u << 0,   /* read and execute files */
	GRANT_LIST = 1u << 1,   /* list directories */
	GRANT_WRITE = 1u << 2,  /* every write right the ABI knows */
	GRANT_DEVICE = 1u << 3, /* write, truncate, ioctl on a device file */
};

struct fs_rule {
	char *path;
	unsigned grant;
	bool is_dir;
	const char *why;   /* "allowWrite", "allowRead", "read: /", "device" */
	struct source src;
};

/* A deny entry, canonical. */
struct deny {
	char *path;
	const char *key;   /* "denyWrite", "denyRead" or the mandatory reason */
	bool mandatory;    /* beats any allow root, even a more specific one */
	bool exists;
	struct source src;
	char *text;        /* as written in the config; NULL when built in */
	const char *protect; /* a built-in protected entry (key "built-in"):
				why it is protected; NULL otherwise */
};

/* A built-in protected entry removed by an allowWrite naming exactly its
 * path. */
struct relaxed {
	char *path;
	const char *protect;
	char *text;
	struct source src;
};

/* A pattern (config/glob.h), absolute, its fixed prefix canonical: a deny,
 * or an allowWrite exception inside a deny (decided by the supervisor
 * only: Landlock cannot grant by pattern). */
struct deny_glob {
	char *pattern;
	const char *key;
	char *text;
	struct source src;
	bool allow;
};

/* An allowWrite root as the supervisor decides with it: canonical, and
 * kept even when it does not exist yet (a mediated write may create it). */
struct allow_root {
	char *path;
	char *text;
	const char *key; /* "allowWrite" or "allowRead" */
	struct source src;
};

/* An allow entry that granted nothing, and why. */
struct skipped {
	char *path;
	const char *key;
	const char *why;
	struct source src;
};

struct rule_sink {
	/* Called with an fd the sink may use only during the call. */
	int (*add)(void *ctx, int fd, const struct fs_rule *rule);
	void *ctx;
};

#define LOWER_MAX_KEPT_FDS 256

struct lowered {
	bool restrict_read;      /* denyRead non-empty: reads are an allowlist */
	struct fs_rule *rules;
	size_t rule_count, rule_cap;
	struct deny *write_denies, *read_denies;
	size_t write_deny_count, read_deny_count;
	struct deny *carved;     /* deny entries the walk actually cut out */
	size_t carved_count;
	struct skipped *skipped;
	size_t skipped_count;
	/* network */
	bool allow_network;
	bool allow_local_binding;
	unsigned connect_ports[2];
	struct source port_src[2];
	size_t port_count;
	int kept_fds[LOWER_MAX_KEPT_FDS]; /* rule fds left for exec to close */
	size_t kept_fd_count;
	char **unix_sockets;     /* canonical allowUnixSockets */
	struct source *unix_socket_src;
	size_t unix_socket_count;
	/* Write mediation (lower_env.mediate_writes): roots with a deny
	 * inside get no Landlock write right; the supervisor performs their
	 * writes, deciding with the allow roots, denies and patterns. */
	char **mediated_roots;
	size_t mediated_root_count;
	/* What Landlock grants inside the mediated roots, as a snapshot: the
	 * existing directories that hold no deny, whole, beside the
	 * path to each deny (at most LOWER_MAX_GRANTED; the rest stays the
	 * supervisor's).  A call there is left to the kernel, which decides
	 * it under the ruleset however the target races (supervisor(8)). */
	struct granted *granted;
	size_t granted_count;
	struct allow_root *allow_roots;
	size_t allow_root_count;
	struct deny_glob *write_globs; /* denyRead patterns among them */
	size_t write_glob_count;
	/* A read deny inside a mediated root: files made there later are
	 * not in Landlock's read snapshot, so the supervisor decides opens
	 * for reading there too, with the allowRead entries (and the write
	 * roots, which are readable) against the read denies. */
	bool mediate_reads;
	struct allow_root *read_allows;
	size_t read_allow_count;
	struct relaxed *relaxed;
	size_t relaxed_count;
};

struct granted {
	char *path;
	bool dir; /* a whole directory, else one file */
};

/* Each rule costs a few microseconds per exec: past this many, the rest
 * of a mediated root is left to the supervisor alone. */
#define LOWER_MAX_GRANTED 128

struct mandatory_deny {
	const char *path; /* absolute; canonicalised by lowering */
	const char *why;  /* shown by --check: "config file", "landstrip-exec" */
};

struct lower_env {
	const char *cwd;
	const char *home;
	const struct mandatory_deny *mandatory;
	size_t mandatory_count;
	/* The built-in protected set (config/protect.h), applied as ordinary
	 * denies where it falls inside a write root, when writes are
	 * mediated (nested, the enclosing supervisor applies its own). */
	const struct protected_path *protect;
	size_t protect_count;
	const struct rule_sink *sink; /* NULL: record only (--check, tests) */
	bool record;                  /* keep out->rules for --check/--debug */
	bool record_write_dirs;       /* keep the write-granted directories
					 (a supervisor's unix binds) */
	/* A supervisor can perform writes: a write root with a deny inside
	 * becomes a mediated root instead of being carved as a snapshot. */
	bool mediate_writes;
};

/* How many directory entries the expansion of a read pattern may visit
 * before the tool is refused (it would be slow, and the walk is not
 * allowed to give up silently). */
#define LOWER_GLOB_LIMIT 20000

/* Returns 0, or -1 with ERR set ("file:line: ..." where a line is to blame). */
int lower_policy(const struct policy *policy, const struct lower_env *env,
		 struct lowered *out, char *err, size_t errlen);

/* Close the rule fds lowering left open (they are O_CLOEXEC; the shim lets
 * its exec close them). */
void lower_release_fds(struct lowered *out);

/* Everything lower_policy allocated in OUT, and its fds; OUT is zeroed.
 * (The shim never needs it: it execs.  Tests and the fuzzer do.) */
void lower_free(struct lowered *out);

/* The device files every sandbox may write to (and ioctl): /dev/null etc. */
extern const char *const always_writable_devices[];

#endif
