/* The supervisor process: its sandboxes and its event loop. */
#ifndef LANDSTRIP_LOOP_H
#define LANDSTRIP_LOOP_H

#include "protocol.h"
#include "sandbox.h"

#include <stdbool.h>

#define SUPERVISOR_MAX_SANDBOXES 1024

struct supervisor {
	bool session;          /* serving an agent started by us */
	int channel;           /* per-tool mode: the shim's socket, or -1 */
	int session_fd;        /* session mode: shared socket, or -1 */
	int agent_pidfd;       /* session mode: the agent, until it exits */
	int exit_status;
	struct sandbox sandboxes[SUPERVISOR_MAX_SANDBOXES];
	size_t sandbox_count;
};

/* Serve until no sandbox is left and none can register; returns the
 * agent's exit status in session mode, 0 otherwise. */
int supervisor_run(struct supervisor *sup);

#endif
