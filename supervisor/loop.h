/* The supervisor process: its sandboxes and its event loop. */
#ifndef LANDSTRIP_LOOP_H
#define LANDSTRIP_LOOP_H

#include "protocol.h"
#include "sandbox.h"
#include "watch.h"

#include <stdbool.h>

#define SUPERVISOR_MAX_SANDBOXES 1024

#define SUPERVISOR_MAX_PENDING 64

struct supervisor {
	bool session;          /* serving an agent started by us */
	/* channels whose REGISTER is awaited: per-tool mode starts with the
	 * shim's socket here, session mode adds one per CONNECT */
	struct pending {
		int fd;
		long deadline; /* CLOCK_MONOTONIC ms */
	} pending[SUPERVISOR_MAX_PENDING];
	size_t pending_count;
	int session_fd;        /* session mode: shared socket, or -1 */
	int agent_pidfd;       /* session mode: the agent, until it exits */
	pid_t agent_pid;
	int exit_status;
	struct sandbox sandboxes[SUPERVISOR_MAX_SANDBOXES];
	size_t sandbox_count;
	struct watch watch;    /* every fd above, while supervisor_run runs */
	int children_fd;       /* session mode: SIGCHLD as a signalfd, or -1 */
};

/* Serve until no sandbox is left and none can register; returns the
 * agent's exit status in session mode, 0 otherwise. */
int supervisor_run(struct supervisor *sup);

#endif
