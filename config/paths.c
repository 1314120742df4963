#include "paths.h"
#include "deps.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>
#include <limits.h>
#include <stdlib.h>
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
		abs = xasprintf("%s/%s", home, raw + 1);
	} else if (raw[0] == '/') {
		abs = xstrdup(raw);
	} else {
		abs = xasprintf("%s/%s", cwd, raw);
	}
	path_normalize(abs);
	return abs;
}

/* Open PATH refusing every symlink: success proves that the lexically
 * normalised PATH is already canonical, in one syscall instead of the
 * readlink per component that realpath(3) costs. */
static int probe_no_symlinks(const char *path)
{
	deps_note_lookup(path);
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
	if (fd < 0)
		return -1;
	close((int)fd);
	return 0;
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
					    : xasprintf("%s%s", resolved, tail);
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
	if (strcmp(dir, "/") == 0)
		return xasprintf("/%s", name);
	return xasprintf("%s/%s", dir, name);
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
			char *out = xasprintf("%s%s", cur, p);
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
					     ? xasprintf("%s%s", target, p)
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
