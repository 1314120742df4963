#include "fsmediate.h"
#include "notify.h"
#include "../config/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif
#ifndef __O_TMPFILE
#define __O_TMPFILE 020000000
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
#define XATTR_VALUE_MAX 65536
#ifndef XATTR_NAME_MAX
#define XATTR_NAME_MAX 255
#endif
#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)
/* The status flags F_SETFL can set, of those the target asked for. */
#define SETFL_FLAGS (O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME)

/* How a trapped call names its target, and what it does there. */
enum fs_kind {
	K_OPEN,       /* open for writing, or create */
	K_ENTRY,      /* makes or removes a directory entry */
	K_TRUNCATE,   /* changes a file's content by path */
	K_META,       /* chmod, chown, xattrs, utimes: Landlock never checks */
};

struct fscall {
	struct sandbox *sb;
	const struct seccomp_notif *req;
	pid_t tid;
	/* the nested sandboxes the caller is in, asked of their witnesses
	 * only when a decision needs them (narrowings()) */
	struct narrowing *narrowed[MAX_NARROWINGS];
	size_t narrowed_count;
	bool narrowed_known;
	const char *op; /* for reports: "create", "rename"... */
	uint64_t resolve; /* openat2's RESOLVE_* flags, honoured here too */
	bool left_to_landlock; /* continued where the snapshot grants */
};

/* A directory entry: the pinned directory it is in, and its name. */
struct entry {
	int dir;
	char name[NAME_MAX + 1];
	char path[PATH_MAX];
	bool trailing_slash;
};

/* An existing object, pinned by an O_PATH fd. */
struct object {
	int fd;
	struct stat st;
	bool has_path;
	char path[PATH_MAX];
};

static int root_fd = -1;

/* openat(2) itself: musl's open() follows an O_CLOEXEC open with an
 * fcntl(F_SETFD) for kernels that ignored the flag, a syscall more on
 * every mediated write. */
static int sys_openat(int dfd, const char *path, int flags, mode_t mode)
{
	return (int)syscall(SYS_openat, dfd, path, flags, mode);
}

bool fs_call_trapped(int nr)
{
	switch (nr) {
	case __NR_open: case __NR_openat: case __NR_openat2: case __NR_creat:
	case __NR_mkdir: case __NR_mkdirat: case __NR_mknod: case __NR_mknodat:
	case __NR_symlink: case __NR_symlinkat: case __NR_link: case __NR_linkat:
	case __NR_rename: case __NR_renameat: case __NR_renameat2:
	case __NR_unlink: case __NR_unlinkat: case __NR_rmdir:
	case __NR_truncate:
	case __NR_chmod: case __NR_fchmod: case __NR_fchmodat:
	case __NR_fchmodat2:
	case __NR_chown: case __NR_fchown: case __NR_lchown: case __NR_fchownat:
	case __NR_setxattr: case __NR_lsetxattr: case __NR_fsetxattr:
	case __NR_removexattr: case __NR_lremovexattr: case __NR_fremovexattr:
	case __NR_setxattrat: case __NR_removexattrat:
	case __NR_utime: case __NR_utimes: case __NR_futimesat:
	case __NR_utimensat:
	case __NR_umask:
		return true;
	}
	return false;
}

/* ---- answers ----------------------------------------------------------- */

static uint64_t arg(const struct fscall *c, int i)
{
	return c->req->data.args[i];
}

static int arg_int(const struct fscall *c, int i)
{
	return (int)(uint32_t)c->req->data.args[i];
}

static void answer(struct fscall *c, int rc_or_errno)
{
	notify_answer(c->sb->listener, c->req->id, 0,
		      rc_or_errno < 0 ? -rc_or_errno : 0);
}

static void answer_errno_of(struct fscall *c, int rc)
{
	answer(c, rc < 0 ? -errno : 0);
}

static void carry_on(struct fscall *c)
{
	notify_continue(c->sb->listener, c->req->id);
}

/* A path that did not resolve into a mediated root.  A resolution error
 * is answered as it is (ENOENT, ENOTDIR...): continued, the call could
 * meet a parent another thread made meanwhile, inside a mediated root,
 * where Landlock would answer EACCES for what was a plain race.  Only
 * what we do not resolve ourselves goes to the kernel: magic links
 * (ELOOP from RESOLVE_NO_MAGICLINKS, or a real loop the kernel will
 * report the same), "." and ".." names (RC 1), and paths outside. */
static void not_ours(struct fscall *c, int rc)
{
	if (rc < 0 && rc != -ELOOP && rc != -EXDEV)
		answer(c, rc);
	else
		carry_on(c);
}

/* A report line must stay one line whatever a file name holds. */
static void escape_path(char *out, size_t cap, const char *s)
{
	size_t n = 0;
	for (; *s && n + 5 < cap; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			out[n++] = (char)ch;
		else
			n += (size_t)snprintf(out + n, cap - n, "\\x%02x", ch);
	}
	if (*s && n + 4 < cap)
		n += (size_t)snprintf(out + n, cap - n, "...");
	out[n] = '\0';
}

static void report(struct fscall *c, const char *path, const char *hint,
		   const struct narrowing *by)
{
	char what[320], escaped[256], hint_escaped[512];
	escape_path(escaped, sizeof escaped, path);
	snprintf(what, sizeof what, "%s %s", c->op, escaped);
	escape_path(hint_escaped, sizeof hint_escaped, hint);
	reporter_refusal(&c->sb->reporter, by ? by->tool : c->sb->tool,
			 (int)target_tgid(c->tid), what, hint_escaped, NULL);
}

static void refuse(struct fscall *c, const char *path,
		   const struct write_decision *d, const struct narrowing *by,
		   int error)
{
	char hint[PATH_MAX + 256];
	write_hint(d, path, by ? by->config : c->sb->config, hint, sizeof hint);
	report(c, path, hint, by);
	answer(c, -error);
}

/* RESOLVE_NO_MAGICLINKS said ELOOP where the call must be decided here:
 * a /proc magic link would resolve in our /proc, not the target's. */
static void refuse_unresolved(struct fscall *c, const char *path)
{
	report(c, path,
	       "landstrip-supervisor does not follow /proc magic links (or "
	       "the path loops)",
	       NULL);
	answer(c, -EACCES);
}

static bool allows(const struct write_policy *wp, const char *path,
		   bool mkdir, bool *exempted, struct write_decision *d)
{
	decide_write(wp, path, d);
	if (!d->allowed && mkdir && write_mkdir_exempt(d))
		*exempted = true;
	return d->allowed || *exempted;
}

/* How many nested sandboxes the caller is in: each costs a question to its
 * witness, so asked once a call needs it, not for every trapped call (an
 * O_PATH openat2, the nested shim's own probes, never does). */
static size_t narrowings(struct fscall *c)
{
	if (!c->narrowed_known) {
		c->narrowed_count = sandbox_narrowings(c->sb, c->tid, c->narrowed);
		c->narrowed_known = true;
	}
	return c->narrowed_count;
}

/* Allowed by our policy and by every nested one the caller is in?  On a
 * refusal the call is answered with ERROR and reported.  *EXEMPTED (may
 * be NULL unless MKDIR) says a deny named the directory itself. */
static bool permitted_as(struct fscall *c, const char *path, bool mkdir,
			 int error, bool *exempted)
{
	bool ignored = false;
	if (!exempted)
		exempted = &ignored;
	*exempted = false;
	struct write_decision d;
	if (!allows(&c->sb->policy.writes, path, mkdir, exempted, &d)) {
		refuse(c, path, &d, NULL, error);
		return false;
	}
	for (size_t i = 0; i < narrowings(c); i++) {
		const struct narrowing *n = c->narrowed[i];
		if (!allows(&n->policy.writes, path, mkdir, exempted, &d)) {
			refuse(c, path, &d, n, error);
			return false;
		}
	}
	return true;
}

static bool permitted(struct fscall *c, const char *path, int error)
{
	return permitted_as(c, path, false, error, NULL);
}

static bool move_unsafe(struct fscall *c, const char *from,
			const char *to)
{
	if (write_move_unsafe(&c->sb->policy.writes, from, to))
		return true;
	for (size_t i = 0; i < narrowings(c); i++)
		if (write_move_unsafe(&c->narrowed[i]->policy.writes, from, to))
			return true;
	return false;
}

static bool mediated(const struct fscall *c, const char *path)
{
	return write_mediated(&c->sb->policy.writes, path);
}

/* Does Landlock decide a write-class call on PATH by itself?  Inside a
 * mediated root, the shim's walk granted a snapshot: the whole
 * directories beside the path to each deny.  There the call is left to
 * the kernel (CONTINUE), which resolves the path again under the ruleset:
 * whatever a racing thread swaps into it, the ruleset grants nothing the
 * policy denies (landstrip-supervisor(8), "Writes in mediated roots").
 * Only as long as the granted inode is still at its path: one removed and
 * made again is not in the ruleset, and the call there is performed here.
 * ENTRY: PATH is a name made or removed (its directory decides), else an
 * object written.
 *
 * Not while the caller is in a registered nested sandbox: its own Landlock
 * layer is a snapshot of its policy, which refuses new entries beside its
 * denies and does not see its patterns' new matches; performed here, the
 * call is decided by both policies as they are now. */
static bool kernel_decides(struct fscall *c, const char *path,
			   bool entry, int dir)
{
	if (narrowings(c))
		return false;
	const struct write_granted *g =
		write_granted_for(&c->sb->policy.writes, path, entry);
	if (!g || !g->ino)
		return false;
	/* Most calls are in a granted directory itself: DIR, the entry's
	 * directory as resolved, is then the inode to check, with no walk
	 * of its path. */
	const char *slash = strrchr(path, '/');
	size_t len = strlen(g->path);
	struct stat st;
	bool there = dir >= 0 && slash && (size_t)(slash - path) == len &&
				     strncmp(path, g->path, len) == 0
			     ? fstat(dir, &st) == 0
			     : lstat(g->path, &st) == 0;
	bool granted = there && st.st_dev == g->dev && st.st_ino == g->ino;
	c->left_to_landlock |= granted;
	return granted;
}

/* Must a write-class call on PATH be decided and performed here? */
static bool ours_to_write(struct fscall *c, const char *path,
			  bool entry)
{
	return mediated(c, path) && !kernel_decides(c, path, entry, -1);
}

/* The same for an entry made or removed: its directory is resolved. */
static bool ours_to_make(struct fscall *c, const struct entry *e)
{
	return mediated(c, e->path) && !kernel_decides(c, e->path, true, e->dir);
}

/* ---- looking into the target ------------------------------------------- */

/* A NUL-terminated string at ADDR, read page by page so that a string
 * ending just before an unmapped page is still read.  0 or -errno. */
static int read_string(const struct fscall *c, uint64_t addr, char *buf,
		       size_t cap)
{
	if (!addr)
		return -EFAULT;
	size_t off = 0;
	while (off < cap) {
		size_t page_left = 4096 - ((addr + off) & 4095);
		size_t chunk = cap - off < page_left ? cap - off : page_left;
		if (target_read(c->tid, addr + off, buf + off, chunk) < 0)
			return -EFAULT;
		if (memchr(buf + off, '\0', chunk))
			return 0;
		off += chunk;
	}
	return -ENAMETOOLONG;
}

/* The one check after every look into the target (its memory, read
 * before, and its cwd or a descriptor, taken just now): still pending
 * means they came from the caller, not from a process that took over its
 * tid (THREATS.md #11).  FD back, or -ESRCH with FD closed. */
static int still_pending(const struct fscall *c, int fd)
{
	if (notify_still_valid(c->sb->listener, c->req->id))
		return fd;
	close(fd);
	return -ESRCH;
}

static int take_fd(struct fscall *c, int fd)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		int pidfd = sandbox_pidfd(c->sb, c->tid, attempt > 0);
		if (pidfd < 0)
			return -EACCES;
		int ours = target_take_fd(pidfd, fd);
		if (ours >= 0)
			return ours;
		if (errno != ESRCH)
			return errno == EBADF ? -EBADF : -EACCES;
	}
	return -EACCES;
}

/* The directory a path is resolved from: our root for an absolute path
 * (a target in another root would only have its writes done in ours,
 * still checked), the target's cwd, or its DFD.  An fd we own, or -errno. */
static int base_dir(struct fscall *c, int dfd, const char *path)
{
	bool scoped = c->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT);
	int fd;
	if (path[0] == '/' && !scoped) {
		if (root_fd < 0)
			root_fd = sys_openat(AT_FDCWD, "/",
					     O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
		fd = root_fd < 0 ? -1 : fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return -EACCES;
	} else if (dfd == AT_FDCWD) {
		char link[PROC_FILE_MAX];
		fd = sys_openat(AT_FDCWD, proc_file(link, c->tid, "cwd"),
				O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
		if (fd < 0)
			return -EACCES;
	} else if ((fd = take_fd(c, dfd)) < 0) {
		return fd;
	}
	return still_pending(c, fd);
}

static int open_beneath(const struct fscall *c, int base, const char *path,
			int flags)
{
	/* Magic links would resolve in our /proc, not the target's: the
	 * kernel answers ELOOP and the caller leaves the call to Landlock
	 * (or refuses it, for metadata).  An openat2 caller's own resolve
	 * flags narrow our walk the same way they would narrow the kernel's. */
	struct open_how how = {
		.flags = (uint64_t)(flags | O_PATH | O_CLOEXEC),
		.resolve = RESOLVE_NO_MAGICLINKS |
			   (c->resolve & ~(uint64_t)RESOLVE_CACHED),
	};
	int fd = (int)syscall(SYS_openat2, base, path, &how, sizeof how);
	return fd < 0 ? -errno : fd;
}

static int path_of_fd(int fd, char *buf, size_t len)
{
	char link[PROC_FILE_MAX];
	ssize_t n = readlink(proc_fd(link, fd), buf, len - 1);
	if (n <= 0 || (size_t)n >= len - 1 || buf[0] != '/')
		return -1;
	buf[n] = '\0';
	/* An unlinked file reads "/dir/name (deleted)": not a place. */
	if (n > 10 && strcmp(buf + n - 10, " (deleted)") == 0)
		return -1;
	return 0;
}

static bool dot_or_dotdot(const char *name)
{
	return name[0] == '.' &&
	       (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

/* Split PATH into the directory part and its last name.  0, 1 when PATH
 * names no entry we can make or remove ("/", "." or ".." last: the kernel
 * answers those), or -errno.  PARENT is a buffer of PATH_MAX. */
static int split_entry(const char *path, char *parent, struct entry *e)
{
	size_t len = strlen(path);
	if (len == 0)
		return -ENOENT;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(parent, path, len + 1);
	e->trailing_slash = false;
	while (len > 1 && parent[len - 1] == '/') {
		parent[--len] = '\0';
		e->trailing_slash = true;
	}
	char *slash = strrchr(parent, '/');
	const char *name = slash ? slash + 1 : parent;
	if (strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	if (!*name || dot_or_dotdot(name))
		return 1;
	memmove(e->name, name, strlen(name) + 1);
	if (slash == parent)
		strcpy(parent, "/");
	else if (slash)
		*slash = '\0';
	else
		strcpy(parent, ".");
	return 0;
}

/* The entry PATH names, resolved from BASE (our fd, left open). */
static int entry_from(const struct fscall *c, int base, const char *path,
		      struct entry *e)
{
	char parent[PATH_MAX];
	e->dir = -1;
	int rc = split_entry(path, parent, e);
	if (rc != 0)
		return rc;
	e->dir = open_beneath(c, base, parent, O_DIRECTORY);
	if (e->dir < 0)
		return e->dir;
	/* "name/" names a directory: the kernel refuses anything else
	 * (mkdir says the name exists). */
	struct stat st;
	if (e->trailing_slash &&
	    fstatat(e->dir, e->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISDIR(st.st_mode))
		return strcmp(c->op, "mkdir") == 0 ? -EEXIST : -ENOTDIR;
	char dir[PATH_MAX];
	if (path_of_fd(e->dir, dir, sizeof dir) < 0)
		return -ENOENT;
	int n = snprintf(e->path, sizeof e->path, "%s/%s",
			 strcmp(dir, "/") == 0 ? "" : dir, e->name);
	return n < 0 || (size_t)n >= sizeof e->path ? -ENAMETOOLONG : 0;
}

static void entry_close(struct entry *e);

/* Does PARENT name a place by its components alone (a bare name's "."
 * aside)?  Only then is the string, joined to the cwd, the canonical name
 * of where it leads when no symlink is on the way: "src/../.git/hooks"
 * leads elsewhere. */
static bool plain_components(const char *parent)
{
	return strcmp(parent, ".") == 0 ||
	       path_components_plain(parent, strlen(parent));
}

/* The cheap way to the same entry, for what nearly every trapped call
 * names: a plain path relative to the cwd (or an absolute one), without
 * openat2 resolve flags.  The cwd's name comes from one readlink of
 * /proc/TID/cwd (the kernel's name for it, from our root) instead of an
 * open of it and a readlink of the directory reached; opening the joined
 * name with no symlink allowed then proves that it is the directory the
 * target's walk reaches, and canonical.  0 with E ready, else 1 for the
 * general way (a symlink, a removed cwd, a race: any doubt), or -ESRCH. */
static int entry_by_name(struct fscall *c, int dfd, const char *path,
			 struct entry *e)
{
	char parent[PATH_MAX], dir[PATH_MAX];
	if (c->resolve || (dfd != AT_FDCWD && path[0] != '/') ||
	    split_entry(path, parent, e) != 0 || e->trailing_slash ||
	    !plain_components(parent))
		return 1;
	size_t len = 0;
	if (path[0] != '/') {
		if (target_cwd(c->tid, dir, sizeof dir) < 0)
			return 1;
		len = strlen(dir);
		if (len > 10 && strcmp(dir + len - 10, " (deleted)") == 0)
			return 1;
		if (!notify_still_valid(c->sb->listener, c->req->id))
			return -ESRCH; /* the cwd was another process's */
		if (strcmp(parent, ".") != 0) {
			size_t more = strlen(parent);
			if (len + 1 + more >= sizeof dir)
				return 1;
			if (len > 1)
				dir[len++] = '/';
			memcpy(dir + len, parent, more + 1);
			len += more;
		}
	} else {
		if (!notify_still_valid(c->sb->listener, c->req->id))
			return -ESRCH; /* the path was another process's */
		len = strlen(parent);
		memcpy(dir, parent, len + 1);
	}
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	e->dir = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof how);
	size_t name_len = strlen(e->name);
	if (e->dir < 0 || len + 1 + name_len >= sizeof e->path) {
		entry_close(e);
		return 1;
	}
	memcpy(e->path, dir, len);
	if (len > 1)
		e->path[len++] = '/';
	memcpy(e->path + len, e->name, name_len + 1);
	return 0;
}

/* Resolve the directory PATH's entry is in, from the target's DFD. */
static int resolve_entry(struct fscall *c, int dfd, const char *path,
			 struct entry *e)
{
	e->dir = -1;
	if (!*path)
		return -ENOENT;
	int fast = entry_by_name(c, dfd, path, e);
	if (fast <= 0)
		return fast;
	int base = base_dir(c, dfd, path);
	if (base < 0)
		return base;
	int rc = entry_from(c, base, path, e);
	close(base);
	return rc;
}

/* An existing object PATH names, from BASE (our fd, left open). */
static int object_from(const struct fscall *c, int base, const char *path,
		       bool follow, struct object *o)
{
	o->has_path = false;
	o->fd = open_beneath(c, base, path, follow ? 0 : O_NOFOLLOW);
	if (o->fd < 0)
		return o->fd;
	if (fstat(o->fd, &o->st) < 0)
		return -errno;
	o->has_path = path_of_fd(o->fd, o->path, sizeof o->path) == 0;
	return 0;
}

/* Resolve an existing object from the target's DFD; an empty PATH is DFD
 * itself when EMPTY_OK (AT_EMPTY_PATH).  0 or -errno. */
static int resolve_object(struct fscall *c, int dfd, const char *path,
			  bool follow, bool empty_ok, struct object *o)
{
	o->fd = -1;
	o->has_path = false;
	if (*path) {
		int base = base_dir(c, dfd, path);
		if (base < 0)
			return base;
		int rc = object_from(c, base, path, follow, o);
		close(base);
		return rc;
	}
	if (!empty_ok)
		return -ENOENT;
	o->fd = dfd == AT_FDCWD ? base_dir(c, dfd, ".")
				: take_fd(c, dfd);
	if (o->fd >= 0 && dfd != AT_FDCWD)
		o->fd = still_pending(c, o->fd);
	if (o->fd < 0)
		return o->fd;
	if (fstat(o->fd, &o->st) < 0)
		return -errno;
	o->has_path = path_of_fd(o->fd, o->path, sizeof o->path) == 0;
	return 0;
}

static void entry_close(struct entry *e)
{
	if (e->dir >= 0)
		close(e->dir);
	e->dir = -1;
}

static void object_close(struct object *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
}

static int read_umask(pid_t tid)
{
	char path[PROC_FILE_MAX], buf[1024];
	int fd = sys_openat(AT_FDCWD, proc_file(path, tid, "status"),
			    O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *u = strstr(buf, "\nUmask:\t");
	return u ? (int)strtol(u + 8, NULL, 8) & 0777 : -1;
}

/* The target's umask, which the kernel would have applied to what it
 * creates.  Reading /proc/TID/status costs more than the rest of a create,
 * so it is kept per thread until the sandbox calls umask(2) (trapped for
 * this) or the thread exits.  -1 when it cannot be read: refuse. */
int sandbox_umask(struct sandbox *sb, pid_t tid)
{
	struct cached_pidfd *slot = sandbox_thread(sb, tid);
	if (slot && slot->umask >= 0 && !sb->umask_changes)
		return slot->umask;
	int um = read_umask(tid);
	if (slot)
		slot->umask = um;
	return um;
}

/* Make our umask the target's for what we create next.  Left so: every
 * file the supervisor creates is created for a target, and one umask(2)
 * call is saved on every create from the same umask. */
bool sandbox_use_umask(struct sandbox *sb, pid_t tid)
{
	static int ours = -1;
	int um = sandbox_umask(sb, tid);
	if (um < 0)
		return false;
	if (um != ours) {
		umask((mode_t)um);
		ours = um;
	}
	return true;
}

/* ---- performing ------------------------------------------------------- */

static const char *magic_path(int fd, char *buf, size_t len)
{
	_Static_assert(PROC_FILE_MAX <= 64, "callers' buffers are 64 bytes");
	(void)len;
	return proc_fd(buf, fd);
}

static void send_fd(struct fscall *c, int fd, int flags)
{
	if (fd < 0) {
		answer(c, -errno);
		return;
	}
	if (notify_send_fd(c->sb->listener, c->req->id, fd,
			   (flags & O_CLOEXEC) != 0) < 0 &&
	    errno != ENOENT)
		answer(c, -errno); /* e.g. EMFILE in the target */
}

struct fifo_job {
	int listener;
	uint64_t id;
	int dir;  /* the directory NAME is in, or with NAME "" the object */
	char name[NAME_MAX + 1];
	int flags;
	bool writer_fifo; /* a FIFO for writing: wait for a reader by polling */
};

/* Opens that wait (a FIFO for its peer, a file for its lease to be
 * broken) run on threads of their own; a tool could leave many waiting
 * for a peer that never comes: at most this many wait at once. */
#define MAX_FIFO_WORKERS 64
static atomic_int fifo_workers;

/* An open that waits, on a thread of its own, so that one target cannot
 * stall every sandbox. */
static int job_open(const struct fifo_job *job, int extra)
{
	char magic[64];
	return job->name[0]
		       ? sys_openat(job->dir, job->name,
				    (job->flags & ~O_CREAT) | O_NOFOLLOW |
					    O_CLOEXEC | extra,
				    0)
		       : sys_openat(AT_FDCWD,
				    magic_path(job->dir, magic, sizeof magic),
				    (job->flags & ~(O_CREAT | O_NOFOLLOW)) |
					    O_CLOEXEC | extra,
				    0);
}

/* A FIFO opened for writing waits for a reader: polled non-blocking, so
 * that a caller that died or gave up frees its worker. */
static int wait_for_reader(const struct fifo_job *job)
{
	for (;;) {
		int fd = job_open(job, O_NONBLOCK);
		if (fd >= 0) {
			fcntl(fd, F_SETFL, job->flags & SETFL_FLAGS);
			return fd;
		}
		if (errno != ENXIO)
			return -1;
		if (!notify_still_valid(job->listener, job->id)) {
			errno = ESRCH;
			return -1;
		}
		struct timespec tick = {0, 20 * 1000 * 1000};
		nanosleep(&tick, NULL);
	}
}

static void *fifo_worker(void *arg)
{
	struct fifo_job *job = arg;
	int fd = job->writer_fifo ? wait_for_reader(job) : job_open(job, 0);
	if (fd < 0 || notify_send_fd(job->listener, job->id, fd,
				     (job->flags & O_CLOEXEC) != 0) < 0)
		notify_answer(job->listener, job->id, 0, fd < 0 ? errno : EIO);
	close(job->dir);
	close(job->listener);
	free(job);
	atomic_fetch_sub(&fifo_workers, 1);
	return NULL;
}

/* Open NAME in DIR (or, with NAME "", the object DIR holds) for the
 * target on a worker thread, which answers.  EAGAIN when too many wait. */
static void open_fifo_later(struct fscall *c, int dir, const char *name,
			    int flags, bool writer_fifo)
{
	struct fifo_job *job = NULL;
	pthread_t t;
	pthread_attr_t attr;
	if (atomic_fetch_add(&fifo_workers, 1) >= MAX_FIFO_WORKERS ||
	    !(job = malloc(sizeof *job))) {
		atomic_fetch_sub(&fifo_workers, 1);
		return answer(c, -EAGAIN);
	}
	*job = (struct fifo_job){
		fcntl(c->sb->listener, F_DUPFD_CLOEXEC, 0), c->req->id,
		fcntl(dir, F_DUPFD_CLOEXEC, 0), "", flags, writer_fifo,
	};
	snprintf(job->name, sizeof job->name, "%s", name);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (job->listener < 0 || job->dir < 0 ||
	    pthread_create(&t, &attr, fifo_worker, job) != 0) {
		if (job->listener >= 0)
			close(job->listener);
		if (job->dir >= 0)
			close(job->dir);
		free(job);
		atomic_fetch_sub(&fifo_workers, 1);
		answer(c, -EAGAIN);
	}
	pthread_attr_destroy(&attr);
}

/* Would opening a FIFO with FLAGS wait for a peer?  A blocking open for
 * reading always may; one for writing when no reader is there (ENXIO from
 * a non-blocking try says so). */
static bool fifo_waits(int flags)
{
	return !(flags & O_NONBLOCK) && (flags & O_ACCMODE) != O_RDWR;
}


/* Open NAME in DIR (with NAME "", the object DIR holds) for the target
 * and answer with the new descriptor, never blocking the supervisor: a
 * FIFO that waits for its peer, or a file whose lease must first be
 * broken (EWOULDBLOCK from a non-blocking try), is opened on a worker. */
static void open_and_send(struct fscall *c, int dir, const char *name,
			  int flags, mode_t mode, bool fifo)
{
	if (fifo && fifo_waits(flags))
		return open_fifo_later(c, dir, name, flags,
				       (flags & O_ACCMODE) == O_WRONLY);
	char magic[64];
	int ours = flags | O_CLOEXEC | O_NONBLOCK;
	int fd = name[0] ? sys_openat(dir, name, ours | O_NOFOLLOW, mode)
			 : sys_openat(AT_FDCWD,
				      magic_path(dir, magic, sizeof magic),
				      ours & ~(O_CREAT | O_EXCL | O_NOFOLLOW),
				      0);
	if (fd < 0 && errno == EWOULDBLOCK && !(flags & O_NONBLOCK))
		return open_fifo_later(c, dir, name, flags & ~O_EXCL, false);
	if (fd >= 0 && !(flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, flags & SETFL_FLAGS);
	send_fd(c, fd, flags);
}

/* Open the existing entry E for the target with FLAGS (never following a
 * link that appeared since we looked: that is ELOOP). */
static void open_existing(struct fscall *c, const struct entry *e,
			  const struct stat *st, int flags)
{
	open_and_send(c, e->dir, e->name, flags & ~(O_CREAT | O_EXCL), 0,
		      S_ISFIFO(st->st_mode));
}

static void create_file(struct fscall *c, const struct entry *e, int flags,
			mode_t mode)
{
	if (!sandbox_use_umask(c->sb, c->tid))
		return answer(c, -EACCES);
	/* O_NOFOLLOW: a symlink planted at the name since we looked is not
	 * followed out of the place we checked. */
	open_and_send(c, e->dir, e->name, flags, mode, false);
}

/* ---- open, openat, openat2, creat ------------------------------------- */

/* Allowed to read PATH, by our read rules and every nested policy's? */
static bool readable(struct fscall *c, const char *path)
{
	struct write_decision d;
	decide_read(&c->sb->policy.writes, path, &d);
	const struct narrowing *by = NULL;
	for (size_t i = 0; d.allowed && i < narrowings(c); i++) {
		by = c->narrowed[i];
		decide_read(&by->policy.writes, path, &d);
	}
	if (!d.allowed)
		refuse(c, path, &d, by, EACCES);
	return d.allowed;
}

/* Open the existing object O for the target, for writing (the write
 * rules decide) or, where reads are mediated, for reading (the read
 * rules do). */
static void open_checked(struct fscall *c, struct object *o, int flags)
{
	bool reading = !(flags & WRITE_FLAGS);
	if (!o->has_path || !(reading ? mediated(c, o->path)
				      : ours_to_write(c, o->path, false)))
		return carry_on(c);
	if (S_ISLNK(o->st.st_mode))
		return answer(c, -ELOOP);
	if (!(reading ? readable(c, o->path) : permitted(c, o->path, EACCES)))
		return;
	/* Reopened through our pinned descriptor, never through the name
	 * again, so it cannot have moved. */
	open_and_send(c, o->fd, "", flags, 0, S_ISFIFO(o->st.st_mode));
}

static void open_object(struct fscall *c, int dfd, const char *path,
			int flags)
{
	struct object o;
	int rc = resolve_object(c, dfd, path, !(flags & O_NOFOLLOW), false, &o);
	if (rc < 0)
		not_ours(c, rc);
	else
		open_checked(c, &o, flags);
	object_close(&o);
}

/* O_CREAT on a name that is a symbolic link: the kernel follows it, and
 * creates the target of a dangling one.  Followed one link deep here
 * (a dangling link to another link is ELOOP). */
static void open_through_link(struct fscall *c, const struct entry *e,
			      int flags, mode_t mode)
{
	if (c->resolve & RESOLVE_NO_SYMLINKS)
		return answer(c, -ELOOP);
	struct object o;
	int rc = object_from(c, e->dir, e->name, true, &o);
	if (rc == 0)
		open_checked(c, &o, flags & ~O_CREAT);
	object_close(&o);
	if (rc != -ENOENT)
		return rc < 0 ? not_ours(c, rc) : (void)0;
	char target[PATH_MAX];
	ssize_t n = readlinkat(e->dir, e->name, target, sizeof target - 1);
	if (n <= 0)
		return answer(c, -ENOENT);
	target[n] = '\0';
	bool scoped = c->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT);
	if (target[0] == '/' && scoped)
		return answer(c, -EXDEV);
	if (target[0] == '/' && root_fd < 0)
		root_fd = sys_openat(AT_FDCWD, "/",
				     O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	struct entry t;
	rc = entry_from(c, target[0] == '/' ? root_fd : e->dir, target, &t);
	struct stat st;
	if (rc != 0 || !ours_to_make(c, &t))
		not_ours(c, rc);
	else if (fstatat(t.dir, t.name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		 S_ISLNK(st.st_mode))
		answer(c, -ELOOP);
	else if (permitted(c, t.path, EACCES))
		create_file(c, &t, flags, mode);
	entry_close(&t);
}

static void open_tmpfile(struct fscall *c, int dfd, const char *path,
			 int flags, mode_t mode)
{
	struct object o;
	int rc = resolve_object(c, dfd, path, true, false, &o);
	if (rc < 0 || !o.has_path || !ours_to_write(c, o.path, false)) {
		object_close(&o);
		return not_ours(c, rc);
	}
	/* An unnamed file gets a name only through linkat, which is
	 * decided then: here the directory must take new files. */
	if (permitted(c, o.path, EACCES)) {
		if (!sandbox_use_umask(c->sb, c->tid))
			answer(c, -EACCES);
		else
			send_fd(c, sys_openat(o.fd, ".", flags | O_CLOEXEC,
					      mode),
				flags);
	}
	object_close(&o);
}

static void fs_open(struct fscall *c, int dfd, uint64_t path_addr, int flags,
		    mode_t mode)
{
	/* An O_PATH open neither reads nor writes (the kernel ignores the
	 * other flags): the kernel's.  For reading: Landlock's, unless reads
	 * are mediated. */
	bool reading = !(flags & WRITE_FLAGS);
	if ((flags & O_PATH) == O_PATH ||
	    (reading && !c->sb->policy.writes.mediate_reads))
		return carry_on(c);
	char path[PATH_MAX];
	int rc = read_string(c, path_addr, path, sizeof path);
	if (rc < 0)
		return answer(c, rc);
	if (reading) {
		/* Landlock's read rules are a snapshot in a mediated root
		 * with a read deny inside: files made since are opened here. */
		c->op = "read";
		return open_object(c, dfd, path, flags);
	}
	c->op = flags & O_CREAT ? "create" : "open";
	if ((flags & __O_TMPFILE) == __O_TMPFILE)
		return open_tmpfile(c, dfd, path, flags, mode);
	if (!(flags & O_CREAT))
		return open_object(c, dfd, path, flags);
	struct entry e;
	rc = resolve_entry(c, dfd, path, &e);
	if (rc != 0 || !ours_to_make(c, &e)) {
		entry_close(&e);
		return not_ours(c, rc);
	}
	struct stat st;
	if (fstatat(e.dir, e.name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (flags & O_EXCL)
			answer(c, -EEXIST);
		else if (S_ISDIR(st.st_mode))
			answer(c, -EISDIR);
		else if (S_ISLNK(st.st_mode) && !(flags & O_NOFOLLOW))
			open_through_link(c, &e, flags, mode);
		else if (S_ISLNK(st.st_mode))
			answer(c, -ELOOP);
		else if (permitted(c, e.path, EACCES))
			open_existing(c, &e, &st, flags);
	} else if (errno != ENOENT) {
		answer(c, -errno);
	} else if (e.trailing_slash) {
		answer(c, -EISDIR);
	} else if (permitted(c, e.path, EACCES)) {
		create_file(c, &e, flags, mode);
	}
	entry_close(&e);
}

static void fs_openat2(struct fscall *c)
{
	struct open_how how = {0};
	size_t size = (size_t)arg(c, 3);
	if (size < sizeof how || size > 4096)
		return carry_on(c); /* the kernel answers EINVAL or E2BIG */
	if (target_read(c->tid, arg(c, 2), &how, sizeof how) < 0)
		return answer(c, -EFAULT);
	/* What the kernel refuses (flags past 32 bits: EINVAL; non-zero
	 * bytes past the struct we know: E2BIG) it refuses itself. */
	unsigned char tail[256] = {0};
	size_t extra = size - sizeof how;
	if (extra > sizeof tail)
		return carry_on(c);
	if (extra && target_read(c->tid, arg(c, 2) + sizeof how, tail, extra) < 0)
		return answer(c, -EFAULT);
	for (size_t i = 0; i < extra; i++)
		if (tail[i])
			return carry_on(c);
	if (how.flags >> 32)
		return carry_on(c);
	/* Resolve flags are honoured in our own walk (RESOLVE_CACHED only
	 * asks the kernel not to block, which ours may). */
	const uint64_t known = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS |
			       RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH |
			       RESOLVE_IN_ROOT | RESOLVE_CACHED;
	if (how.resolve & ~known)
		return carry_on(c); /* the kernel answers EINVAL */
	c->resolve = how.resolve;
	fs_open(c, arg_int(c, 0), arg(c, 1), (int)how.flags,
		(mode_t)how.mode);
}

/* ---- entries: mkdir, mknod, symlink, unlink, rmdir -------------------- */

/* Read the path argument and resolve its entry.  Returns 0 with E ready to
 * decide, or 1 when the call was answered (or left to the kernel). */
static int entry_arg(struct fscall *c, int dfd, uint64_t addr, struct entry *e)
{
	char path[PATH_MAX];
	e->dir = -1;
	int rc = read_string(c, addr, path, sizeof path);
	if (rc < 0) {
		answer(c, rc);
		return 1;
	}
	rc = resolve_entry(c, dfd, path, e);
	if (rc != 0 || !ours_to_make(c, e)) {
		entry_close(e);
		not_ours(c, rc);
		return 1;
	}
	return 0;
}

static void fs_mkdir(struct fscall *c, int dfd, uint64_t addr, mode_t mode)
{
	struct entry e;
	c->op = "mkdir";
	if (entry_arg(c, dfd, addr, &e))
		return;
	bool exempted;
	if (permitted_as(c, e.path, true, EACCES, &exempted)) {
		/* A denied directory made empty must not be one that other
		 * users could fill: never group- or world-writable. */
		if (exempted)
			mode &= ~(mode_t)022;
		if (!sandbox_use_umask(c->sb, c->tid))
			answer(c, -EACCES);
		else
			answer_errno_of(c, mkdirat(e.dir, e.name, mode));
	}
	entry_close(&e);
}

static void fs_mknod(struct fscall *c, int dfd, uint64_t addr, mode_t mode,
		     dev_t dev)
{
	/* Device nodes are never made through the broker, whoever asks. */
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return answer(c, -EPERM);
	struct entry e;
	c->op = "mknod";
	if (entry_arg(c, dfd, addr, &e))
		return;
	if (permitted(c, e.path, EACCES)) {
		if (!sandbox_use_umask(c->sb, c->tid))
			answer(c, -EACCES);
		else
			answer_errno_of(c, mknodat(e.dir, e.name, mode, dev));
	}
	entry_close(&e);
}

static void fs_symlink(struct fscall *c, uint64_t target_addr, int dfd,
		       uint64_t addr)
{
	/* What the link says is only text: following it later is decided
	 * then, by Landlock or by us. */
	char target[PATH_MAX];
	int rc = read_string(c, target_addr, target, sizeof target);
	if (rc < 0)
		return answer(c, rc);
	struct entry e;
	c->op = "symlink";
	if (entry_arg(c, dfd, addr, &e))
		return;
	if (permitted(c, e.path, EACCES))
		answer_errno_of(c, symlinkat(target, e.dir, e.name));
	entry_close(&e);
}

static void fs_unlink(struct fscall *c, int dfd, uint64_t addr, int flags)
{
	struct entry e;
	c->op = flags & AT_REMOVEDIR ? "rmdir" : "unlink";
	if (entry_arg(c, dfd, addr, &e))
		return;
	if (permitted(c, e.path, EACCES))
		answer_errno_of(c, unlinkat(e.dir, e.name,
					    flags & AT_REMOVEDIR));
	entry_close(&e);
}

/* ---- two names: rename and link --------------------------------------- */

static int read_two(struct fscall *c, uint64_t a, char *pa, uint64_t b,
		    char *pb)
{
	int rc = read_string(c, a, pa, PATH_MAX);
	if (rc == 0)
		rc = read_string(c, b, pb, PATH_MAX);
	if (rc < 0) {
		answer(c, rc);
		return -1;
	}
	return 0;
}

static void fs_rename(struct fscall *c, int olddfd, uint64_t oldaddr,
		      int newdfd, uint64_t newaddr, unsigned flags)
{
	char oldpath[PATH_MAX], newpath[PATH_MAX];
	if (read_two(c, oldaddr, oldpath, newaddr, newpath) < 0)
		return;
	c->op = "rename";
	struct entry from, to;
	int rc_from = resolve_entry(c, olddfd, oldpath, &from);
	int rc_to = resolve_entry(c, newdfd, newpath, &to);
	bool ours = (rc_from == 0 && ours_to_make(c, &from)) ||
		    (rc_to == 0 && ours_to_make(c, &to));
	if (!ours)
		not_ours(c, rc_from < 0 ? rc_from : rc_to);
	else if (rc_from != 0 || rc_to != 0)
		answer(c, rc_from < 0 ? rc_from : rc_to < 0 ? rc_to : -EBUSY);
	else if (!permitted(c, from.path, EACCES) ||
		 !permitted(c, to.path, EACCES))
		; /* answered */
	else if (move_unsafe(c, from.path, to.path)) {
		/* EXDEV, as Landlock says for a move it cannot allow: mv and
		 * friends then copy and delete, file by file, each decided.
		 * Whatever the entry is now: a racer could make it a
		 * directory between a look and the rename. */
		report(c, from.path,
		       "the move could carry a denied path out of its deny "
		       "or plant one (tools then copy instead)",
		       NULL);
		answer(c, -EXDEV);
	} else {
		answer_errno_of(c, (int)syscall(SYS_renameat2, from.dir,
						from.name, to.dir, to.name,
						flags));
	}
	entry_close(&from);
	entry_close(&to);
}

/* May the file O get another name?  Only if it may be written: else a
 * hard link would be a writable alias of a read-only or denied file.  An
 * unnamed O_TMPFILE file opened for writing has been decided already. */
static bool linkable(struct fscall *c, const struct object *o)
{
	if (!o->has_path) {
		int fl = fcntl(o->fd, F_GETFL);
		if (o->st.st_nlink == 0 && fl >= 0 &&
		    (fl & O_ACCMODE) != O_RDONLY)
			return true;
		answer(c, -EXDEV);
		return false;
	}
	return permitted(c, o->path, EXDEV);
}

static void fs_link(struct fscall *c, int olddfd, uint64_t oldaddr,
		    int newdfd, uint64_t newaddr, int flags)
{
	char oldpath[PATH_MAX], newpath[PATH_MAX];
	if (read_two(c, oldaddr, oldpath, newaddr, newpath) < 0)
		return;
	c->op = "link";
	struct object from;
	struct entry to;
	int rc_from = resolve_object(c, olddfd, oldpath,
				     flags & AT_SYMLINK_FOLLOW,
				     flags & AT_EMPTY_PATH, &from);
	int rc_to = resolve_entry(c, newdfd, newpath, &to);
	bool ours = (rc_from == 0 &&
		     (!from.has_path || ours_to_write(c, from.path, false))) ||
		    (rc_to == 0 && ours_to_make(c, &to));
	char magic[64];
	if (!ours)
		not_ours(c, rc_from < 0 ? rc_from : rc_to);
	else if (rc_from == -ELOOP)
		refuse_unresolved(c, oldpath);
	else if (rc_from != 0 || rc_to != 0)
		answer(c, rc_from < 0 ? rc_from : rc_to < 0 ? rc_to : -EEXIST);
	else if (linkable(c, &from) && permitted(c, to.path, EACCES))
		answer_errno_of(c, linkat(AT_FDCWD,
					  magic_path(from.fd, magic, sizeof magic),
					  to.dir, to.name, AT_SYMLINK_FOLLOW));
	object_close(&from);
	entry_close(&to);
}

/* ---- truncate --------------------------------------------------------- */

static void fs_truncate(struct fscall *c, uint64_t addr, off_t length)
{
	char path[PATH_MAX];
	int rc = read_string(c, addr, path, sizeof path);
	if (rc < 0)
		return answer(c, rc);
	c->op = "truncate";
	struct object o;
	rc = resolve_object(c, AT_FDCWD, path, true, false, &o);
	if (rc < 0 || !o.has_path || !ours_to_write(c, o.path, false)) {
		object_close(&o);
		return not_ours(c, rc);
	}
	if (S_ISDIR(o.st.st_mode))
		answer(c, -EISDIR);
	else if (!S_ISREG(o.st.st_mode))
		answer(c, -EINVAL);
	else if (permitted(c, o.path, EACCES)) {
		char magic[64];
		int fd = sys_openat(AT_FDCWD,
				    magic_path(o.fd, magic, sizeof magic),
				    O_WRONLY | O_CLOEXEC | O_NONBLOCK, 0);
		rc = fd < 0 ? -1 : ftruncate(fd, length);
		answer_errno_of(c, rc);
		if (fd >= 0)
			close(fd);
	}
	object_close(&o);
}

/* ---- metadata: chmod, chown, xattrs, utimes ---------------------------- */

/* The object a metadata call names: by path (FOLLOW as the call says) or,
 * with PATH_ADDR 0, the fd DFD itself.  Decided wherever it is, since
 * Landlock does not check these calls.  0 with O ready, or 1 answered. */
static int meta_object(struct fscall *c, int dfd, uint64_t path_addr,
		       bool follow, bool empty_ok, struct object *o)
{
	char path[PATH_MAX];
	path[0] = '\0'; /* not zero-filled: 4 KB on every call */
	o->fd = -1;
	if (path_addr) {
		int rc = read_string(c, path_addr, path, sizeof path);
		if (rc < 0) {
			answer(c, rc);
			return 1;
		}
	} else {
		empty_ok = true;
	}
	int rc = resolve_object(c, dfd, path, follow, empty_ok, o);
	if (rc < 0) {
		object_close(o);
		if (rc == -ELOOP)
			refuse_unresolved(c, path);
		else
			answer(c, rc);
		return 1;
	}
	/* Pipes, sockets, unlinked files: no place a rule could name.  A
	 * linked file or directory whose path we cannot read (deeper than
	 * PATH_MAX from /) could be a denied one: refused. */
	bool named = S_ISREG(o->st.st_mode) || S_ISDIR(o->st.st_mode) ||
		     S_ISLNK(o->st.st_mode);
	if (!o->has_path && named && o->st.st_nlink > 0) {
		report(c, "(a path longer than PATH_MAX)",
		       "landstrip-supervisor decides by path, and cannot "
		       "name this one",
		       NULL);
		object_close(o);
		answer(c, -EACCES);
		return 1;
	}
	if (o->has_path && !permitted(c, o->path, EACCES)) {
		object_close(o);
		return 1;
	}
	return 0;
}

/* Act on O: through /proc/self/fd when following (an O_PATH fd cannot be
 * fchmod'ed), or on the fd itself for a link or a real fd. */
static void fs_chmod(struct fscall *c, int dfd, uint64_t addr, mode_t mode,
		     int flags)
{
	struct object o;
	c->op = "chmod";
	if (meta_object(c, dfd, addr, !(flags & AT_SYMLINK_NOFOLLOW),
			flags & AT_EMPTY_PATH, &o))
		return;
	char magic[64];
	if (S_ISLNK(o.st.st_mode))
		answer(c, -EOPNOTSUPP);
	else
		answer_errno_of(c, fchmodat(AT_FDCWD, magic_path(o.fd, magic,
								 sizeof magic),
					    mode, 0));
	object_close(&o);
}

static void fs_chown(struct fscall *c, int dfd, uint64_t addr, uid_t uid,
		     gid_t gid, int flags)
{
	struct object o;
	c->op = "chown";
	if (meta_object(c, dfd, addr, !(flags & AT_SYMLINK_NOFOLLOW),
			flags & AT_EMPTY_PATH, &o))
		return;
	answer_errno_of(c, fchownat(o.fd, "", uid, gid, AT_EMPTY_PATH));
	object_close(&o);
}

static void fs_xattr(struct fscall *c, int dfd, uint64_t path_addr,
		     bool follow, uint64_t name_addr, uint64_t value_addr,
		     size_t size, int xflags, bool remove)
{
	char name[XATTR_NAME_MAX + 1];
	static char value[XATTR_VALUE_MAX];
	int rc = read_string(c, name_addr, name, sizeof name);
	if (rc < 0)
		return answer(c, rc == -ENAMETOOLONG ? -ERANGE : rc);
	if (!remove && size > sizeof value)
		return answer(c, -E2BIG);
	if (!remove && size && target_read(c->tid, value_addr, value, size) < 0)
		return answer(c, -EFAULT);
	struct object o;
	c->op = remove ? "removexattr" : "setxattr";
	if (meta_object(c, dfd, path_addr, follow, false, &o))
		return;
	char magic[64];
	if (S_ISLNK(o.st.st_mode))
		rc = (errno = EPERM, -1);
	else if (remove)
		rc = removexattr(magic_path(o.fd, magic, sizeof magic), name);
	else
		rc = setxattr(magic_path(o.fd, magic, sizeof magic), name,
			      value, size, xflags);
	answer_errno_of(c, rc);
	object_close(&o);
}

static void fs_utimes(struct fscall *c, int dfd, uint64_t path_addr,
		      const struct timespec *times, int flags)
{
	struct object o;
	c->op = "utimes";
	if (meta_object(c, dfd, path_addr, !(flags & AT_SYMLINK_NOFOLLOW),
			flags & AT_EMPTY_PATH, &o))
		return;
	char magic[64];
	int rc = S_ISLNK(o.st.st_mode)
			 ? utimensat(o.fd, "", times, AT_EMPTY_PATH)
			 : utimensat(AT_FDCWD,
				     magic_path(o.fd, magic, sizeof magic),
				     times, 0);
	answer_errno_of(c, rc);
	object_close(&o);
}

/* utime(2)/utimes(2)/futimesat(2) take seconds or timevals: as
 * utimensat's timespecs, or NULL for "now". */
static void fs_old_utimes(struct fscall *c, int dfd, uint64_t path_addr,
			  uint64_t times_addr, bool utimbuf)
{
	struct timespec ts[2];
	if (times_addr && utimbuf) {
		long secs[2];
		if (target_read(c->tid, times_addr, secs, sizeof secs) < 0)
			return answer(c, -EFAULT);
		ts[0] = (struct timespec){secs[0], 0};
		ts[1] = (struct timespec){secs[1], 0};
	} else if (times_addr) {
		struct timeval tv[2];
		if (target_read(c->tid, times_addr, tv, sizeof tv) < 0)
			return answer(c, -EFAULT);
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return answer(c, -EINVAL);
			ts[i] = (struct timespec){tv[i].tv_sec,
						  tv[i].tv_usec * 1000};
		}
	}
	fs_utimes(c, dfd, path_addr, times_addr ? ts : NULL, 0);
}

static void fs_utimensat(struct fscall *c)
{
	struct timespec ts[2];
	uint64_t times_addr = arg(c, 2);
	if (times_addr &&
	    target_read(c->tid, times_addr, ts, sizeof ts) < 0)
		return answer(c, -EFAULT);
	/* A NULL path is futimens(2): the fd itself (not the cwd). */
	if (!arg(c, 1) && arg_int(c, 0) == AT_FDCWD)
		return answer(c, -EFAULT);
	fs_utimes(c, arg_int(c, 0), arg(c, 1), times_addr ? ts : NULL,
		  arg_int(c, 3));
}

/* ---- dispatch ---------------------------------------------------------- */

static void dispatch_fs(struct fscall *c)
{
	const struct seccomp_notif *req = c->req;
	switch (req->data.nr) {
	case __NR_umask:
		/* Only noted: the call itself is the kernel's to make. */
		c->sb->umask_changes = true;
		return carry_on(c);
	case __NR_open:
		return fs_open(c, AT_FDCWD, arg(c, 0), arg_int(c, 1),
			       (mode_t)arg(c, 2));
	case __NR_openat:
		return fs_open(c, arg_int(c, 0), arg(c, 1), arg_int(c, 2),
			       (mode_t)arg(c, 3));
	case __NR_creat:
		return fs_open(c, AT_FDCWD, arg(c, 0),
			       O_CREAT | O_WRONLY | O_TRUNC, (mode_t)arg(c, 1));
	case __NR_openat2:
		return fs_openat2(c);
	case __NR_mkdir:
		return fs_mkdir(c, AT_FDCWD, arg(c, 0), (mode_t)arg(c, 1));
	case __NR_mkdirat:
		return fs_mkdir(c, arg_int(c, 0), arg(c, 1), (mode_t)arg(c, 2));
	case __NR_mknod:
		return fs_mknod(c, AT_FDCWD, arg(c, 0), (mode_t)arg(c, 1),
				(dev_t)arg(c, 2));
	case __NR_mknodat:
		return fs_mknod(c, arg_int(c, 0), arg(c, 1), (mode_t)arg(c, 2),
				(dev_t)arg(c, 3));
	case __NR_symlink:
		return fs_symlink(c, arg(c, 0), AT_FDCWD, arg(c, 1));
	case __NR_symlinkat:
		return fs_symlink(c, arg(c, 0), arg_int(c, 1), arg(c, 2));
	case __NR_unlink:
		return fs_unlink(c, AT_FDCWD, arg(c, 0), 0);
	case __NR_rmdir:
		return fs_unlink(c, AT_FDCWD, arg(c, 0), AT_REMOVEDIR);
	case __NR_unlinkat:
		return fs_unlink(c, arg_int(c, 0), arg(c, 1), arg_int(c, 2));
	case __NR_rename:
		return fs_rename(c, AT_FDCWD, arg(c, 0), AT_FDCWD, arg(c, 1), 0);
	case __NR_renameat:
		return fs_rename(c, arg_int(c, 0), arg(c, 1), arg_int(c, 2),
				 arg(c, 3), 0);
	case __NR_renameat2:
		return fs_rename(c, arg_int(c, 0), arg(c, 1), arg_int(c, 2),
				 arg(c, 3), (unsigned)arg(c, 4));
	case __NR_link:
		return fs_link(c, AT_FDCWD, arg(c, 0), AT_FDCWD, arg(c, 1), 0);
	case __NR_linkat:
		return fs_link(c, arg_int(c, 0), arg(c, 1), arg_int(c, 2),
			       arg(c, 3), arg_int(c, 4));
	case __NR_truncate:
		return fs_truncate(c, arg(c, 0), (off_t)arg(c, 1));
	case __NR_chmod:
		return fs_chmod(c, AT_FDCWD, arg(c, 0), (mode_t)arg(c, 1), 0);
	case __NR_fchmod:
		return fs_chmod(c, arg_int(c, 0), 0, (mode_t)arg(c, 1), 0);
	case __NR_fchmodat:
		return fs_chmod(c, arg_int(c, 0), arg(c, 1), (mode_t)arg(c, 2),
				0);
	case __NR_fchmodat2:
		return fs_chmod(c, arg_int(c, 0), arg(c, 1), (mode_t)arg(c, 2),
				arg_int(c, 3));
	case __NR_chown:
		return fs_chown(c, AT_FDCWD, arg(c, 0), (uid_t)arg(c, 1),
				(gid_t)arg(c, 2), 0);
	case __NR_lchown:
		return fs_chown(c, AT_FDCWD, arg(c, 0), (uid_t)arg(c, 1),
				(gid_t)arg(c, 2), AT_SYMLINK_NOFOLLOW);
	case __NR_fchown:
		return fs_chown(c, arg_int(c, 0), 0, (uid_t)arg(c, 1),
				(gid_t)arg(c, 2), 0);
	case __NR_fchownat:
		return fs_chown(c, arg_int(c, 0), arg(c, 1), (uid_t)arg(c, 2),
				(gid_t)arg(c, 3), arg_int(c, 4));
	case __NR_setxattr:
	case __NR_lsetxattr:
		return fs_xattr(c, AT_FDCWD, arg(c, 0),
				req->data.nr == __NR_setxattr, arg(c, 1),
				arg(c, 2), (size_t)arg(c, 3), arg_int(c, 4),
				false);
	case __NR_fsetxattr:
		return fs_xattr(c, arg_int(c, 0), 0, true, arg(c, 1),
				arg(c, 2), (size_t)arg(c, 3), arg_int(c, 4),
				false);
	case __NR_removexattr:
	case __NR_lremovexattr:
		return fs_xattr(c, AT_FDCWD, arg(c, 0),
				req->data.nr == __NR_removexattr, arg(c, 1), 0,
				0, 0, true);
	case __NR_fremovexattr:
		return fs_xattr(c, arg_int(c, 0), 0, true, arg(c, 1), 0, 0, 0,
				true);
	case __NR_utime:
		return fs_old_utimes(c, AT_FDCWD, arg(c, 0), arg(c, 1), true);
	case __NR_utimes:
		return fs_old_utimes(c, AT_FDCWD, arg(c, 0), arg(c, 1), false);
	case __NR_futimesat:
		return fs_old_utimes(c, arg_int(c, 0), arg(c, 1), arg(c, 2),
				     false);
	case __NR_utimensat:
		return fs_utimensat(c);
	}
	/* setxattrat and removexattrat (Linux 6.13): too new for anything
	 * to depend on; refused rather than half-understood. */
	answer(c, -ENOSYS);
}

void mediate_fs(struct sandbox *sb, const struct seccomp_notif *req)
{
	struct fscall c = {.sb = sb, .req = req, .tid = (pid_t)req->pid,
			   .op = "write"};
	dispatch_fs(&c);
	sb->stats.fs_calls++;
	sb->stats.left_to_landlock += c.left_to_landlock;
}
