/* Mediated writes: one trapped filesystem call (open for writing, create,
 * remove, rename, link, metadata) from a sandbox whose policy has a deny
 * inside a write root (issue: "denies that hold at access time").
 *
 * Inside a mediated root Landlock grants no write right at all, so the
 * supervisor is the only way to write there: it resolves the path itself
 * from the target's directory fd or working directory (openat2 with
 * RESOLVE_NO_MAGICLINKS, every step pinned as an fd), decides on the
 * canonical path of what it holds (supervisor/decide_write.c), and performs
 * the call on those fds; an opened file goes back with NOTIF_ADDFD.
 *
 * A call whose path resolves outside every mediated root is left to the
 * kernel (CONTINUE): Landlock decides it there, and since Landlock grants
 * nothing inside a mediated root, a target that swaps the path after our
 * look only meets Landlock's refusal.  Metadata calls (chmod, chown,
 * xattrs, utimes), which Landlock does not check at all, are never left
 * to the kernel: they are decided by the write policy wherever they point
 * and performed on our own fds. */
#ifndef LANDSTRIP_FSMEDIATE_H
#define LANDSTRIP_FSMEDIATE_H

#include "sandbox.h"

#include <linux/seccomp.h>
#include <stdbool.h>

/* Is NR one of the calls the write filter traps? */
bool fs_call_trapped(int nr);

/* Decide and answer REQ.  The write rules of the nested sandboxes the
 * caller is in apply as well (sandbox_narrowings, asked when needed). */
void mediate_fs(struct sandbox *sb, const struct seccomp_notif *req);

#endif
