/* One mediated sandbox: a seccomp listener, its policy and what it created. */
#ifndef LANDSTRIP_SANDBOX_H
#define LANDSTRIP_SANDBOX_H

#include "decide.h"
#include "report.h"

#include <linux/seccomp.h>
#include <stdint.h>
#include <sys/types.h>

/* A nested sandbox's own, narrower policy (THREATS.md #13).  A nested
 * landstrip-exec cannot have a listener of its own; it registers its policy
 * here together with a witness: a process inside its Landlock domain that
 * answers whether a pid may be signalled from there, which under Landlock's
 * signal scope means "is in the nested domain or below it". */
struct narrowing {
	int witness;          /* socket to the witness; -1 once it is gone */
	pid_t witness_pid;    /* from its hello: it is in its own domain */
	bool empty;           /* the witness said its domain emptied for good */
	char *tool;
	char *config;
	struct mediation_policy policy;
};

#define MAX_NARROWINGS 64

/* The witness's first message, sent before it makes any call the enclosing
 * filter could trap: its pid.  The supervisor must never ask a witness
 * about the witness itself, since a witness stopped in one of our traps
 * cannot answer (it would cost the whole sandbox a second's stall and the
 * witness).  Eight bytes, so that it is never taken for an answer (four). */
struct witness_hello {
	uint32_t magic;
	int32_t pid;
};
#define WITNESS_HELLO_MAGIC 0x6c737768u /* "hwsl" */
#define WITNESS_HELLO_WAIT_MS 1000

struct sandbox {
	int listener;
	char *tool;
	pid_t pid;            /* the tool's pid at registration */
	char *config;         /* config origin, for hints */
	struct mediation_policy policy;
	struct reporter reporter;
	/* What the file-system calls cost: said at the end with --debug. */
	struct {
		unsigned long fs_calls;         /* trapped and decided */
		unsigned long left_to_landlock; /* continued: granted by the
						   snapshot (fsmediate.c) */
		unsigned long witness_questions; /* asked of nested sandboxes'
						    witnesses (mediate.c) */
	} stats;
	bool debug;           /* the shim ran with --debug */
	unsigned pending;     /* connects being performed by worker threads */
	/* pidfds of the threads that called last: pidfd_open and close cost
	 * two syscalls a call otherwise.  A stale entry (the thread died and
	 * its tid was reused) fails with ESRCH and is reopened. */
	struct cached_pidfd {
		pid_t tid;
		int pidfd;
		int umask;    /* the thread's umask, -1 until read */
	} pidfds[8];
	/* A umask(2) call was seen: umasks are read afresh on every create
	 * from then on (a cached one could be older than the call). */
	bool umask_changes;
	unsigned next_pidfd;
	/* sockfs inodes (ino_t keys) of the TCP sockets bound inside: a
	 * connect to an address bound inside must still reach one of them,
	 * not a host service that took the port after the tool let it go.
	 * At most MEDIATION_MAX_RECORDS, the least recently recorded
	 * forgotten first: a connect to a listener whose inode was
	 * forgotten is refused (fail closed). */
	struct recent tcp_inodes;
	struct narrowing narrowings[MAX_NARROWINGS];
	size_t narrowing_count;
	bool hung_up;         /* listener reported POLLHUP */
	/* The listener takes synchronous wake-ups (Linux 6.6 and later):
	 * the one case where a blocking receive beats poll (serve_alone in
	 * loop.c). */
	bool sync_wakeup;
};

/* The nested sandboxes registered in SB whose domain TID is in (their
 * witnesses say), into OUT (room for MAX_NARROWINGS); how many. */
size_t sandbox_narrowings(struct sandbox *sb, pid_t tid,
			  struct narrowing **out);

/* Handle one notification pending on SB's listener.  Never fails the
 * supervisor: whatever goes wrong is an errno for the target. */
void mediate_one(struct sandbox *sb);

/* The same for REQ, already received from SB's listener. */
void mediate_request(struct sandbox *sb, const struct seccomp_notif *req);

void sandbox_free(struct sandbox *sb);

/* A pidfd for TID from SB's cache (FRESH: reopen it, the cached one was
 * stale).  Owned by the cache; -1 with errno. */
int sandbox_pidfd(struct sandbox *sb, pid_t tid, bool fresh);

/* TID's umask (cached per thread, supervisor/fsmediate.c), or -1; and
 * making it ours for what the supervisor creates next for TID. */
int sandbox_umask(struct sandbox *sb, pid_t tid);
bool sandbox_use_umask(struct sandbox *sb, pid_t tid);

/* TID's slot in that cache, made live (a slot whose thread has exited is
 * reopened for the thread now holding the tid); NULL with errno. */
struct cached_pidfd *sandbox_thread(struct sandbox *sb, pid_t tid);

struct wire_policy;
/* The decision policy a REGISTER describes (supervisor/loop.c). */
void policy_from_wire(struct mediation_policy *pol, const struct wire_policy *w);

#endif
