/* Inherited file descriptors: the caller's pass through, side doors do not. */
#ifndef LANDSTRIP_FDS_H
#define LANDSTRIP_FDS_H

#include <stdbool.h>

/* Close every inherited io_uring fd: a ring submitted to through shared
 * memory bypasses seccomp and Landlock's socket rules (THREATS.md #6, #9).
 * Returns how many were closed, or -1 if /proc/self/fd cannot be read. */
int fds_close_io_uring(void);

#endif
