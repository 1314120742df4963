/* Capabilities a root-run tool must not keep inside the sandbox. */
#ifndef LANDSTRIP_CAPS_H
#define LANDSTRIP_CAPS_H

/* Drop CAP_SYS_ADMIN, CAP_PERFMON and CAP_SYS_PTRACE from every set.
 * With either of the first two, the kernel lets a process read
 * /proc/PID/environ, maps and auxv of processes outside its Landlock domain
 * (the agent's environment holds API keys); the third would let a root
 * tool take a non-dumpable witness's socket.
 * A no-op for an unprivileged caller.  Returns 0 or -1 with errno. */
int caps_drop_dangerous(void);

#endif
