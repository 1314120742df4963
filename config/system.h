/* Facts about the running system that both programs need. */
#ifndef LANDSTRIP_SYSTEM_H
#define LANDSTRIP_SYSTEM_H

/* /proc/sys/kernel/yama/ptrace_scope: 0..3, or -1 without Yama.  An
 * unreadable value counts as 1: assume the restriction. */
int yama_ptrace_scope(void);

#endif
