/* Handing a sandbox to landstrip-supervisor.
 *
 * Before confinement: reach the session supervisor (LANDSTRIP_SUPERVISOR_FD)
 * or start a per-tool one, double-forked so that it is never the tool's
 * child.  After Landlock: install the notify filter with a new listener,
 * send it with the policy, and wait for the acknowledgement.  No ack, no
 * exec. */
#ifndef LANDSTRIP_MEDIATION_H
#define LANDSTRIP_MEDIATION_H

#include "../config/config.h"
#include "../config/lower.h"
#include "../config/protocol.h"
#include "filter_plan.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct mediation {
	int channel;      /* our end of the private socketpair */
	bool session;     /* the session supervisor, not one of our own */
	int session_fd;   /* LANDSTRIP_SUPERVISOR_FD, in session mode */
	pid_t first_pid;  /* per-tool: the supervisor's first process, to reap */
	const char *fallback_path;
};

/* Does POLICY need decisions Landlock cannot make?  Loopback-only binds,
 * unix socket connections, and proxy ports (which Landlock allows on any
 * host: the supervisor keeps them to loopback). */
bool mediation_needed(const struct policy *policy);

/* Inside a landstrip sandbox already (our own static filter refuses new
 * listeners): a nested shim cannot mediate and narrows statically. */
bool mediation_nested(void);

/* Nested: does an enclosing supervisor decide our listen and connect, and
 * does it also perform writes (in mediated roots) for us? */
enum enclosing mediation_enclosing(void);

/* Find the supervisor binary: the libexec path fixed at build time, then
 * next to the shim, then `supervisor =`.  NULL with ERR listing where it
 * looked. */
const char *mediation_find_supervisor(const char *self_path,
				      const char *configured, char *err,
				      size_t errlen);

/* Is this process in a session, for --doctor?  1: LANDSTRIP_SUPERVISOR_FD
 * names the session socket and the supervisor answered a question on it
 * (*PID: the supervisor's, 0 if unknown).  0: it is unset, or names no
 * socket the shim would use (per-tool mode), with ERR saying which.  -1:
 * it names a session socket and no supervisor answers there: a mediated
 * tool would fail; ERR says why. */
int mediation_session_probe(pid_t *pid, char *err, size_t errlen);

/* Reach or start the supervisor.  0, or -1 with ERR. */
int mediation_start(struct mediation *m, const char *supervisor_path,
		    char *err, size_t errlen);

struct handover {
	const char *tool;
	const char *config;       /* origin, for hints */
	const char *report;       /* [landstrip] report =, or NULL */
	struct wire_policy *policy; /* from mediation_policy_of, or the cache */
};

/* What the supervisor needs of a lowered policy: flags, ports, unix
 * sockets, the directories Landlock lets the tool create files in (for
 * unix binds), the write rules and mediated roots.  The per-call fields
 * (tool, pid, config, report) are the handover's to fill in. */
void mediation_policy_of(const struct lowered *l, struct wire_policy *w);

/* Session mode: the private channel to the session supervisor, opened on
 * first use (the ruleset cache, then the registration), or -1.  The
 * supervisor learns of it from mediation_session_announce(), which the
 * first message's sender calls once that message is queued: one wake-up
 * then brings the supervisor the channel and the message, where a
 * CONNECT of its own would wake it twice. */
/* Is there a session supervisor to ask (LANDSTRIP_SUPERVISOR_FD names a
 * session socket)? */
bool mediation_in_session(void);

int mediation_session_channel(void);

/* Hand the channel to the session supervisor (CONNECT), once.  0, or -1
 * with errno and the channel closed: the supervisor is gone. */
int mediation_session_announce(void);

/* The channel if it is open and announced, else -1 (never opens one). */
int mediation_session_announced(void);

/* After Landlock and the filter: send LISTENER (closed here) with the
 * policy and the tool's stderr.  0, or -1 with ERR. */
int mediation_handover(struct mediation *m, const struct handover *h,
		       int listener, char *err, size_t errlen);

/* Then wait for the supervisor's ack.  0, or -1 with ERR (the
 * supervisor's own message when it refused). */
int mediation_handover_wait(struct mediation *m, char *err, size_t errlen);

/* Nested under a supervisor, after Landlock: start a witness inside our
 * domain and register our policy with the enclosing supervisor, which
 * then applies it to every call from our domain as well as its own.
 * PATH is the supervisor binary.  0, or -1 with ERR. */
int mediation_register_nested(const struct handover *h, const char *path,
			      char *err, size_t errlen);

/* Close LANDSTRIP_SUPERVISOR_FD before the exec: it is landstrip's, and
 * nothing in a sandbox can use it. */
void mediation_close_session(void);

#endif
