/* Capabilities a root-run tool must not keep inside the sandbox. */
#ifndef LANDSTRIP_CAPS_H
#define LANDSTRIP_CAPS_H

/* Drop CAP_SYS_ADMIN and CAP_PERFMON from every set.  With either, the
 * kernel lets a process read /proc/PID/environ, maps and auxv of processes
 * outside its Landlock domain (the agent's environment holds API keys).
 * A no-op for an unprivileged caller.  Returns 0 or -1 with errno. */
int caps_drop_dangerous(void);

#endif
