#include "paths.h"
#include "deps.h"
#include "diag.h"
#include "system.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

const char *path_next_component(const char **cursor, size_t *len)
{
	const char *in = *cursor;
	while (*in == '/')
		in++;
	const char *comp = in;
	while (*in && *in != '/')
		in++;
	*len = (size_t)(in - comp);
	*cursor = in;
	return comp;
}

void path_normalize(char *path)
{
	/* out is a write cursor behind the read cursor in; components are
	 * copied one at a time so ".." can rewind to the previous '/'. */
	char *out = path;
	const char *in = path;
	while (*in) {
		size_t len;
		const char *comp = path_next_component(&in, &len);
		if (len == 0 || (len == 1 && comp[0] == '.'))
			continue;
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, comp, len);
		out += len;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

char *path_expand(const char *raw, const char *cwd, const char *home,
		  char *err, size_t errlen)
{
	char *abs;
	if (raw[0] == '~' && (raw[1] == '\0' || raw[1] == '/')) {
		if (!home || home[0] != '/') {
			format_error(err, errlen,
				     "'%s' uses ~ but HOME is not set to an "
				     "absolute path",
				     raw);
			return NULL;
		}
		abs = xconcat(home, "/", raw + 1);
	} else if (raw[0] == '/') {
		abs = xstrdup(raw);
	} else {
		abs = xconcat(cwd, "/", raw);
	}
	path_normalize(abs);
	return abs;
}

/* What each probe found during one lowering: the protected set, the
 * denies and the roots probe the same few directories again and again
 * (each missing entry up to its existing ancestor), 231 probes of 76
 * paths for the embedded default.  The lowering is one snapshot anyway. */
#define PROBE_MEMO_MAX 256
#define PROBE_MEMO_SLOTS 512 /* a power of two, twice the entries */
static struct probe_memo {
	char *path;
	int error; /* 0: no symlink on the way */
} probe_memo[PROBE_MEMO_MAX];
static size_t probe_memo_count;
static bool probe_memo_on;
/* probe_memo by path: index + 1, 0 for empty (searched linearly, the
 * memo cost the shim more than its probes: a tenth of its time in strcmp) */
static unsigned short probe_memo_slots[PROBE_MEMO_SLOTS];

/* Directories listed once per lowering, so that a probe of a name that
 * is not there costs no path walk: the embedded default looks up some
 * forty names in the home and project directories that mostly do not
 * exist (credentials, agents' and shells' files), and each missing one
 * up to its existing ancestor.  Only absence is answered from a listing:
 * a name that is there is probed as before. */
#define LISTING_MAX 4
#define LISTING_NAMES_MAX 2048 /* more: not listed */
static struct listing {
	char *dir;      /* canonical and searchable when listed */
	size_t dir_len;
	char *names;    /* each NUL-terminated */
	uint32_t *slots; /* offset + 1 into names, by path_hash */
	size_t slot_count; /* a power of two */
} listings[LISTING_MAX];
static size_t listing_count;

static void forget_listings(void)
{
	for (size_t i = 0; i < listing_count; i++) {
		free(listings[i].dir);
		free(listings[i].names);
		free(listings[i].slots);
	}
	listing_count = 0;
}

void path_probes_remember(bool on)
{
	for (size_t i = 0; i < probe_memo_count; i++)
		free(probe_memo[i].path);
	probe_memo_count = 0;
	memset(probe_memo_slots, 0, sizeof probe_memo_slots);
	forget_listings();
	probe_memo_on = on;
}

/* The slot NAME (LEN bytes) has or would have in L. */
static size_t listing_slot(const struct listing *l, const char *name,
			   size_t len)
{
	size_t mask = l->slot_count - 1;
	size_t at = path_hash(name, len) & mask;
	while (l->slots[at]) {
		const char *have = l->names + l->slots[at] - 1;
		if (strncmp(have, name, len) == 0 && have[len] == '\0')
			break;
		at = (at + 1) & mask;
	}
	return at;
}

/* Read DIR's names into L; false when it cannot be read whole. */
static bool read_listing(int fd, struct listing *l)
{
	size_t cap = 4096, used = 0, count = 0;
	l->names = xrealloc(NULL, cap);
	char buf[16384] __attribute__((aligned(8)));
	long n;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);
			off += d->d_reclen;
			size_t len = strlen(d->d_name);
			if (++count > LISTING_NAMES_MAX)
				return false;
			if (used + len + 1 > cap) {
				cap = 2 * cap + len + 1;
				l->names = xrealloc(l->names, cap);
			}
			memcpy(l->names + used, d->d_name, len + 1);
			used += len + 1;
		}
	}
	if (n < 0)
		return false;
	for (l->slot_count = 16; l->slot_count < 2 * count;)
		l->slot_count *= 2;
	l->slots = xcalloc(l->slot_count, sizeof *l->slots);
	for (size_t off = 0; off < used; off += strlen(l->names + off) + 1)
		l->slots[listing_slot(l, l->names + off,
				      strlen(l->names + off))] =
			(uint32_t)off + 1;
	return true;
}

static int probe_no_symlinks(const char *path);

void path_probes_list(const char *dir)
{
	if (!probe_memo_on || listing_count == LISTING_MAX || dir[0] != '/' ||
	    probe_no_symlinks(dir) != 0)
		return;
	/* A directory we may read but not search would say "missing" where
	 * a probe says EACCES. */
	if (faccessat(AT_FDCWD, dir, X_OK, AT_EACCESS) != 0)
		return;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	struct listing *l = &listings[listing_count];
	*l = (struct listing){.dir = xstrdup(dir), .dir_len = strlen(dir)};
	if (read_listing(fd, l))
		listing_count++;
	else {
		free(l->dir);
		free(l->names);
		free(l->slots);
	}
	close(fd);
}

/* Does a listing show that PATH cannot exist: the name it takes from a
 * listed directory is not there? */
static bool listed_absent(const char *path)
{
	for (size_t i = 0; i < listing_count; i++) {
		const struct listing *l = &listings[i];
		size_t at = strcmp(l->dir, "/") == 0 ? 1 : l->dir_len + 1;
		if (at > 1 && (strncmp(path, l->dir, l->dir_len) != 0 ||
			       path[l->dir_len] != '/'))
			continue;
		const char *name = path + at;
		size_t len = strcspn(name, "/");
		if (len == 0 || (name[0] == '.' && (len == 1 ||
						    (len == 2 && name[1] == '.'))))
			continue;
		if (!l->slots[listing_slot(l, name, len)])
			return true;
	}
	return false;
}

uint64_t path_hash(const char *s, size_t len)
{
	uint64_t h = PATH_HASH_START;
	for (size_t i = 0; i < len; i++)
		h = path_hash_step(h, (unsigned char)s[i]);
	return h;
}

static size_t probe_memo_slot(const char *path)
{
	size_t at = path_hash(path, strlen(path)) & (PROBE_MEMO_SLOTS - 1);
	while (probe_memo_slots[at] &&
	       strcmp(probe_memo[probe_memo_slots[at] - 1].path, path) != 0)
		at = (at + 1) & (PROBE_MEMO_SLOTS - 1);
	return at;
}

static bool avoid_openat2;

void path_probes_avoid_openat2(bool avoid)
{
	avoid_openat2 = avoid;
}

/* The same answer without openat2, which a filter cannot look into and
 * so traps whenever an enclosing supervisor mediates writes (a round trip
 * per probe for a nested shim): open the path without following a final
 * symlink, and compare the kernel's name for what it reached.  -1 when
 * the kernel will not name it (no /proc): ask openat2 then. */
static int probe_by_name(const char *path)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	char proc[32], name[PATH_MAX];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, name, sizeof name - 1);
	struct stat st;
	bool link = fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);
	close(fd);
	if (n < 0)
		return -1;
	name[n] = '\0';
	return link || strcmp(name, path) != 0 ? ELOOP : 0;
}

static int probe_openat2(const char *path)
{
	int by_name = avoid_openat2 ? probe_by_name(path) : -1;
	if (by_name >= 0)
		return by_name;
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
	if (fd < 0)
		return errno;
	close((int)fd);
	return 0;
}

/* Open PATH refusing every symlink: success proves that the lexically
 * normalised PATH is already canonical, in one syscall instead of the
 * readlink per component that realpath(3) costs. */
static int probe_no_symlinks(const char *path)
{
	deps_note_lookup(path);
	size_t slot = probe_memo_on ? probe_memo_slot(path) : 0;
	int error = probe_memo_on && probe_memo_slots[slot]
			    ? probe_memo[probe_memo_slots[slot] - 1].error
			    : -1;
	if (error < 0) {
		error = listed_absent(path) ? ENOENT : probe_openat2(path);
		if (probe_memo_on && probe_memo_count < PROBE_MEMO_MAX) {
			probe_memo[probe_memo_count++] =
				(struct probe_memo){xstrdup(path), error};
			probe_memo_slots[slot] = (unsigned short)probe_memo_count;
		}
	}
	errno = error;
	return error ? -1 : 0;
}

/* The slow path, for paths with a symlink somewhere. */
static char *canonical_via_realpath(const char *abs, bool *exists)
{
	deps_taint("a symlink on the way");
	char resolved[PATH_MAX];
	if (realpath(abs, resolved)) {
		*exists = true;
		return xstrdup(resolved);
	}
	*exists = false;
	/* Find the deepest existing ancestor; keep the missing tail as is. */
	char *head = xstrdup(abs);
	for (;;) {
		char *slash = strrchr(head, '/');
		if (!slash || slash == head) {
			free(head);
			return xstrdup(abs);
		}
		*slash = '\0';
		if (realpath(head, resolved)) {
			const char *tail = abs + (slash - head);
			char *out = strcmp(resolved, "/") == 0
					    ? xstrdup(tail)
					    : xconcat(resolved, tail, "");
			free(head);
			return out;
		}
		if (errno != ENOENT && errno != ENOTDIR) {
			/* Unreadable ancestor: keep the lexical form. */
			free(head);
			return xstrdup(abs);
		}
	}
}

char *path_canonical(const char *abs, bool *exists)
{
	if (probe_no_symlinks(abs) == 0) {
		*exists = true;
		return xstrdup(abs);
	}
	if (errno == ENOENT) {
		/* Missing: canonical if the deepest existing ancestor is. */
		char *head = xstrdup(abs);
		char *slash;
		while ((slash = strrchr(head, '/')) && slash != head) {
			*slash = '\0';
			if (probe_no_symlinks(head) == 0) {
				free(head);
				*exists = false;
				return xstrdup(abs);
			}
			if (errno != ENOENT)
				break;
		}
		free(head);
	}
	return canonical_via_realpath(abs, exists);
}

bool path_components_plain(const char *s, size_t len)
{
	if (len == 1 && s[0] == '/')
		return true;
	size_t start = len && s[0] == '/' ? 1 : 0;
	if (len == start)
		return false;
	for (size_t i = start; i <= len; i++) {
		if (i < len && s[i] != '/')
			continue;
		size_t n = i - start;
		if (n == 0 || (n == 1 && s[start] == '.') ||
		    (n == 2 && s[start] == '.' && s[start + 1] == '.'))
			return false;
		start = i + 1;
	}
	return true;
}

bool path_within(const char *path, const char *dir)
{
	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool path_strictly_within(const char *path, const char *dir)
{
	return path_within(path, dir) && strcmp(path, dir) != 0;
}

char *path_join(const char *dir, const char *name)
{
	return xconcat(strcmp(dir, "/") == 0 ? "" : dir, "/", name);
}

/* Resolve ABS one component at a time, reporting every symlink met as
 * "canonical parent/name" before following it.  PREFIX-free recursion: each
 * followed link restarts on "target/rest", whose already-resolved part is
 * symlink-free, so ".." in a target is resolved physically. */
static void resolve_links(const char *abs, int depth,
			  void (*add)(void *ctx, const char *path, bool exists),
			  void *ctx)
{
	deps_taint("a symlink on the way");
	char prefix[PATH_MAX];
	prefix[0] = '\0'; /* not zero-filled: 4 KB each time */
	size_t plen = 0;
	const char *p = abs;
	while (*p) {
		size_t clen;
		const char *comp = path_next_component(&p, &clen);
		if (!clen)
			break;
		if (plen + 1 + clen >= sizeof prefix)
			return add(ctx, abs, false);
		char cur[PATH_MAX];
		memcpy(cur, prefix, plen);
		cur[plen] = '/';
		memcpy(cur + plen + 1, comp, clen);
		cur[plen + 1 + clen] = '\0';
		struct stat st;
		if (lstat(cur, &st) < 0) {
			/* Missing (or unreadable): the rest is taken as written. */
			char *out = xconcat(cur, p, "");
			add(ctx, out, false);
			free(out);
			return;
		}
		if (S_ISLNK(st.st_mode)) {
			/* The link itself must not be replaceable. */
			add(ctx, cur, true);
			char target[PATH_MAX];
			ssize_t n = readlink(cur, target, sizeof target - 1);
			if (n < 0 || depth >= 40)
				return;
			target[n] = '\0';
			char *next = target[0] == '/'
					     ? xconcat(target, p, "")
					     : xasprintf("%.*s/%s%s", (int)plen, prefix,
							 target, p);
			path_normalize(next);
			resolve_links(next, depth + 1, add, ctx);
			free(next);
			return;
		}
		memcpy(prefix, cur, plen + 1 + clen + 1);
		plen += 1 + clen;
	}
	add(ctx, plen ? prefix : "/", true);
}

void path_deny_locations(const char *abs,
			 void (*add)(void *ctx, const char *path, bool exists),
			 void *ctx)
{
	/* The common case, no symlink anywhere: one probe (or a few, up the
	 * missing tail). */
	if (probe_no_symlinks(abs) == 0)
		return add(ctx, abs, true);
	if (errno == ENOENT) {
		char *head = xstrdup(abs);
		char *slash;
		bool clean = false;
		while (!clean && (slash = strrchr(head, '/')) && slash != head) {
			*slash = '\0';
			if (probe_no_symlinks(head) == 0)
				clean = true;
			else if (errno != ENOENT)
				break;
		}
		free(head);
		if (clean)
			return add(ctx, abs, false);
	}
	resolve_links(abs, 0, add, ctx);
}
