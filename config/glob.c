/* Glob patterns over absolute paths; the syntax and contracts are in
 * glob.h.
 *
 * A pattern is matched one path component at a time.  The state of a match
 * is the set of pattern components that could come next (a bitmap, at most
 * GLOB_MAX_COMPONENTS + 1 bits, on the stack): a path component moves each
 * state past a matching pattern component, a "**" state may stay where it
 * is (it took the component) or be skipped (it took none).  Keeping a set
 * instead of backtracking is what makes a pattern of many "**" components
 * against a deep path cost (pattern x path) component tests rather than an
 * exponential number.  Within one component, '*' is matched with the usual two cursors
 * that retry only the last '*', so a component costs at most (pattern
 * bytes x name bytes) steps however many '*' it has. */
#include "glob.h"
#include "paths.h"
#include "system.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* --- components -------------------------------------------------------- */

static bool is_dstar(const char *comp, size_t len)
{
	return len == 2 && comp[0] == '*' && comp[1] == '*';
}

static size_t count_components(const char *text)
{
	size_t n = 0, len;
	const char *cursor = text;
	while (path_next_component(&cursor, &len), len)
		n++;
	return n;
}

/* An unescaped '*', '?' or '[' in TEXT[0..LEN)? */
static bool has_wildcard(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\\')
			i++;
		else if (text[i] == '*' || text[i] == '?' || text[i] == '[')
			return true;
	}
	return false;
}

/* --- tokens within one component --------------------------------------- */

enum tok_kind { TOK_BYTE, TOK_ANY, TOK_STAR, TOK_CLASS };

struct tok {
	enum tok_kind kind;
	unsigned char byte; /* TOK_BYTE */
	size_t len;         /* bytes of pattern it takes */
};

/* The length of the class at P (P[0] == '[', LEN bytes left in the
 * component), its closing ']' included; 0 when it is not closed.  A ']'
 * right after "[", "[!" or "[^" is a member, not the end. */
static size_t class_len(const char *p, size_t len)
{
	size_t i = 1;
	if (i < len && (p[i] == '!' || p[i] == '^'))
		i++;
	if (i < len && p[i] == ']')
		i++;
	while (i < len) {
		if (p[i] == ']')
			return i + 1;
		i += p[i] == '\\' ? 2 : 1;
	}
	return 0;
}

/* One member byte of a class at P[*I], an escape resolved. */
static unsigned char class_byte(const char *p, size_t *i)
{
	if (p[*i] == '\\')
		(*i)++;
	return (unsigned char)p[(*i)++];
}

/* Is C in the class P[0..LEN) that class_len measured?  A '-' between two
 * members makes a range (empty when they are in the wrong order); first or
 * last it is a member. */
static bool class_has(const char *p, size_t len, unsigned char c)
{
	size_t i = 1, end = len - 1;
	bool negate = p[i] == '!' || p[i] == '^';
	if (negate)
		i++;
	bool in = false;
	while (i < end) {
		unsigned char lo = class_byte(p, &i), hi = lo;
		if (p[i] == '-' && i + 1 < end) {
			i++;
			hi = class_byte(p, &i);
		}
		if (lo <= c && c <= hi)
			in = true;
	}
	return in != negate;
}

/* The token at P, LEN > 0 bytes left in the component.  What glob_check
 * refuses (an unclosed '[', a '\' with nothing after it) reads as a literal
 * byte. */
static struct tok token_at(const char *p, size_t len)
{
	switch (p[0]) {
	case '*':
		return (struct tok){TOK_STAR, 0, 1};
	case '?':
		return (struct tok){TOK_ANY, 0, 1};
	case '[': {
		size_t n = class_len(p, len);
		if (n)
			return (struct tok){TOK_CLASS, 0, n};
		break;
	}
	case '\\':
		if (len > 1)
			return (struct tok){TOK_BYTE, (unsigned char)p[1], 2};
		break;
	}
	return (struct tok){TOK_BYTE, (unsigned char)p[0], 1};
}

/* Does the one-byte token K (at P) accept C? */
static bool tok_accepts(const struct tok *k, const char *p, unsigned char c)
{
	switch (k->kind) {
	case TOK_ANY:
		return true;
	case TOK_CLASS:
		return class_has(p, k->len, c);
	case TOK_BYTE:
		return k->byte == c;
	case TOK_STAR:
		break;
	}
	return false;
}

/* Does pattern component P[0..PLEN) match the name T[0..TLEN)?
 *
 * On a mismatch the last '*' seen takes one more byte and matching resumes
 * right after it.  Retrying only the last '*' is enough: whatever an
 * earlier one could take instead, the last one can take too. */
static bool component_match(const char *p, size_t plen, const char *t,
			    size_t tlen)
{
	size_t pi = 0, ti = 0, star_p = SIZE_MAX, star_t = 0;
	while (ti < tlen) {
		if (pi < plen) {
			struct tok k = token_at(p + pi, plen - pi);
			if (k.kind == TOK_STAR) {
				pi += k.len;
				star_p = pi;
				star_t = ti;
				continue;
			}
			if (tok_accepts(&k, p + pi, (unsigned char)t[ti])) {
				pi += k.len;
				ti++;
				continue;
			}
		}
		if (star_p == SIZE_MAX)
			return false;
		pi = star_p;
		ti = ++star_t;
	}
	/* The name is used up: only '*'s may be left. */
	while (pi < plen) {
		struct tok k = token_at(p + pi, plen - pi);
		if (k.kind != TOK_STAR)
			return false;
		pi += k.len;
	}
	return true;
}

/* --- sets of states ---------------------------------------------------- */

/* State I: the next path component is tested against pattern component I;
 * state N (the number of components): the pattern is used up. */
struct states {
	uint64_t w[(GLOB_MAX_COMPONENTS + 1 + 63) / 64];
};

static void st_set(struct states *s, size_t i)
{
	s->w[i / 64] |= UINT64_C(1) << (i % 64);
}

static bool st_has(const struct states *s, size_t i)
{
	return s->w[i / 64] >> (i % 64) & 1;
}

static bool st_empty(const struct states *s)
{
	for (size_t i = 0; i < sizeof s->w / sizeof s->w[0]; i++)
		if (s->w[i])
			return false;
	return true;
}

/* Before any path component: state 0, and past each leading "**" (it may
 * take no component). */
static void st_start(const char *pattern, struct states *s)
{
	memset(s, 0, sizeof *s);
	st_set(s, 0);
	const char *cursor = pattern, *comp;
	size_t len, i = 0;
	while ((comp = path_next_component(&cursor, &len), len) &&
	       is_dstar(comp, len))
		st_set(s, ++i);
}

/* NEXT: the states after the path component NAME from CUR.  A "**" state
 * stays (it took NAME); another state whose component matches NAME
 * advances; a "**" reached may also be skipped.  One pass in pattern order
 * does it all, as a state is only ever reached from itself or an earlier
 * one. */
static void st_step(const char *pattern, const struct states *cur,
		    struct states *next, const char *name, size_t nlen)
{
	memset(next, 0, sizeof *next);
	const char *cursor = pattern, *comp;
	size_t len;
	for (size_t i = 0; (comp = path_next_component(&cursor, &len), len); i++) {
		bool dstar = is_dstar(comp, len);
		if (st_has(cur, i)) {
			if (dstar)
				st_set(next, i);
			else if (component_match(comp, len, name, nlen))
				st_set(next, i + 1);
		}
		if (dstar && st_has(next, i))
			st_set(next, i + 1);
	}
}

/* --- one pass of a pattern over a path ---------------------------------- */

struct run {
	long deepest; /* length of the deepest matching prefix, or -1 */
	bool full;    /* the whole path matches */
	bool alive;   /* states are left: some path below could match */
};

static struct run run(const char *pattern, const char *path)
{
	size_t n = count_components(pattern);
	/* Unchecked, and deeper than any real path: cover everything rather
	 * than nothing, since patterns deny. */
	if (n > GLOB_MAX_COMPONENTS)
		return (struct run){(long)strlen(path), true, true};
	struct run r = {-1, false, false};
	struct states cur, next;
	st_start(pattern, &cur);
	if (st_has(&cur, n))
		r.deepest = path[0] == '/';
	const char *cursor = path, *name;
	size_t len;
	while ((name = path_next_component(&cursor, &len), len)) {
		st_step(pattern, &cur, &next, name, len);
		cur = next;
		if (st_empty(&cur))
			return r;
		if (st_has(&cur, n))
			r.deepest = cursor - path;
	}
	r.full = st_has(&cur, n);
	r.alive = true;
	return r;
}

/* --- the pure API ------------------------------------------------------ */

bool glob_is_pattern(const char *text)
{
	return has_wildcard(text, strlen(text));
}

/* What is wrong with the component C[0..LEN), or NULL.  C[LEN] tells
 * whether a '\' at its end is the pattern's last byte or precedes a '/'. */
static const char *check_component(const char *c, size_t len)
{
	if (is_dstar(c, len))
		return NULL;
	bool after_star = false;
	for (size_t i = 0; i < len;) {
		if (c[i] == '[' && !class_len(c + i, len - i))
			return "unterminated '['";
		if (c[i] == '\\' && i + 1 == len)
			return c[len] ? "'\\' cannot escape '/'"
				      : "trailing '\\'";
		struct tok k = token_at(c + i, len - i);
		if (k.kind == TOK_STAR && after_star)
			return "'**' must be a whole path component";
		after_star = k.kind == TOK_STAR;
		i += k.len;
	}
	return NULL;
}

int glob_check(const char *pattern, char *why, size_t whylen)
{
	const char *problem = NULL;
	char many[64];
	if (count_components(pattern) > GLOB_MAX_COMPONENTS) {
		snprintf(many, sizeof many, "more than %d path components",
			 GLOB_MAX_COMPONENTS);
		problem = many;
	}
	const char *cursor = pattern, *comp;
	size_t len;
	while (!problem && (comp = path_next_component(&cursor, &len), len))
		problem = check_component(comp, len);
	if (!problem)
		return 0;
	if (why && whylen)
		snprintf(why, whylen, "%s", problem);
	return -1;
}

/* Copy C[0..LEN) to OUT (when not NULL) without its escapes; returns the
 * length.  A '\' with nothing after it stays, as the matcher reads it. */
static size_t unescape(const char *c, size_t len, char *out)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++, n++) {
		if (c[i] == '\\' && i + 1 < len)
			i++;
		if (out)
			out[n] = c[i];
	}
	return n;
}

int glob_fixed_prefix(const char *pattern, char *out, size_t outlen)
{
	size_t used = 0, len;
	const char *cursor = pattern, *comp;
	while ((comp = path_next_component(&cursor, &len), len) &&
	       !has_wildcard(comp, len)) {
		size_t n = unescape(comp, len, NULL);
		if (used + 1 + n + 1 > outlen)
			return -1;
		out[used++] = '/';
		used += unescape(comp, len, out + used);
	}
	if (used == 0) {
		if (outlen < 2)
			return -1;
		out[used++] = '/';
	}
	out[used] = '\0';
	return 0;
}

bool glob_match(const char *pattern, const char *path)
{
	return run(pattern, path).full;
}

long glob_match_depth(const char *pattern, const char *path)
{
	return run(pattern, path).deepest;
}

/* Live states after DIR mean a pattern component is waiting for the next
 * name, and the bound assumes some name satisfies each one. */
bool glob_may_match_below(const char *pattern, const char *dir)
{
	struct run r = run(pattern, dir);
	return r.deepest >= 0 || r.alive;
}

bool glob_basename_only(const char *pattern)
{
	enum { FIXED, DSTARS, LAST } phase = FIXED;
	const char *cursor = pattern, *comp;
	size_t len;
	while ((comp = path_next_component(&cursor, &len), len)) {
		bool dstar = is_dstar(comp, len);
		switch (phase) {
		case FIXED:
			if (dstar)
				phase = DSTARS;
			else if (has_wildcard(comp, len))
				return false;
			break;
		case DSTARS:
			if (!dstar)
				phase = LAST;
			break;
		case LAST:
			return false;
		}
	}
	return phase == LAST;
}

/* --- glob_expand ------------------------------------------------------- */

struct expand {
	const char *pattern;
	size_t limit, visited;
	void (*found)(void *ctx, const char *path);
	void *ctx;
	char path[PATH_MAX]; /* the entry being looked at */
};

/* Errors after which the walk cannot be trusted to have seen everything;
 * a directory gone meanwhile is skipped. */
static bool fatal_errno(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOMEM;
}

static bool is_dir_at(int dirfd, const char *name, unsigned char d_type)
{
	if (d_type != DT_UNKNOWN)
		return d_type == DT_DIR;
	struct stat st;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

static int expand_dir(struct expand *e, int dirfd, size_t plen);

/* A directory that could hold a match but cannot be listed: denied whole
 * (a tool could make a directory unreadable to hide a match from the
 * next walk, then make it readable again).  One gone meanwhile is
 * skipped; running out of fds or memory ends the walk. */
static int unlistable(struct expand *e, const char *dir)
{
	if (fatal_errno(errno))
		return -1;
	if (errno != ENOENT && errno != ENOTDIR)
		e->found(e->ctx, dir);
	return 0;
}

/* The entry NAME of the directory open at DIRFD, whose path is
 * e->path[0..PLEN). */
static int expand_entry(struct expand *e, int dirfd, size_t plen,
			const char *name, unsigned char d_type)
{
	size_t base = plen == 1 ? 0 : plen; /* below "/": no second slash */
	size_t nlen = strlen(name);
	if (base + 1 + nlen >= sizeof e->path) {
		errno = ENAMETOOLONG; /* a match we cannot name: fail closed */
		return -1;
	}
	e->path[base] = '/';
	memcpy(e->path + base + 1, name, nlen + 1);
	struct run r = run(e->pattern, e->path);
	if (r.full) {
		e->found(e->ctx, e->path); /* and nothing below: it is covered */
		return 0;
	}
	if (!r.alive || !is_dir_at(dirfd, name, d_type))
		return 0;
	int fd = openat(dirfd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return unlistable(e, e->path);
	int rc = expand_dir(e, fd, base + 1 + nlen);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* Every entry of the directory open at DIRFD, whose path is
 * e->path[0..PLEN); each one read counts against the limit. */
static int expand_dir(struct expand *e, int dirfd, size_t plen)
{
	enum { BUFSIZE = 4096 };
	/* On the heap: this recursion goes as deep as the tree. */
	char *buf = malloc(BUFSIZE);
	if (!buf)
		return -1;
	int rc = 0;
	while (rc == 0) {
		long n = syscall(SYS_getdents64, dirfd, buf, BUFSIZE);
		if (n == 0)
			break;
		if (n < 0) {
			/* Removed while being read (skipped), or unreadable
			 * after all (denied whole). */
			char dir[PATH_MAX];
			memcpy(dir, e->path, plen);
			dir[plen] = '\0';
			rc = unlistable(e, dir);
			break;
		}
		for (long off = 0; off < n && rc == 0;) {
			struct linux_dirent64 *de = (void *)(buf + off);
			off += de->d_reclen;
			const char *name = de->d_name;
			if (name[0] == '.' &&
			    (name[1] == '\0' ||
			     (name[1] == '.' && name[2] == '\0')))
				continue;
			if (++e->visited > e->limit) {
				errno = E2BIG;
				rc = -1;
			} else {
				rc = expand_entry(e, dirfd, plen, name,
						  de->d_type);
			}
		}
	}
	int saved = errno;
	free(buf);
	errno = saved;
	return rc;
}

int glob_expand(const char *pattern, size_t limit,
		void (*found)(void *ctx, const char *path), void *ctx)
{
	if (pattern[0] != '/' || glob_check(pattern, NULL, 0) < 0) {
		errno = EINVAL;
		return -1;
	}
	struct expand e = {pattern, limit, 0, found, ctx, ""};
	if (glob_fixed_prefix(pattern, e.path, sizeof e.path) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	struct run r = run(pattern, e.path);
	if (r.full) {
		/* No wildcard below the prefix, or only "**": the prefix
		 * itself is the one match. */
		struct stat st;
		if (fstatat(AT_FDCWD, e.path, &st, AT_SYMLINK_NOFOLLOW) == 0)
			found(ctx, e.path);
		return 0;
	}
	if (!r.alive)
		return 0;
	int fd = open(e.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return unlistable(&e, e.path);
	int rc = expand_dir(&e, fd, strlen(e.path));
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

long glob_match_shallowest(const char *pattern, const char *path)
{
	if (glob_match_depth(pattern, path) < 0)
		return -1;
	if (glob_match(pattern, "/"))
		return 1;
	char prefix[4096];
	size_t len = strlen(path);
	if (len >= sizeof prefix)
		return glob_match_depth(pattern, path);
	/* Each ancestor, shortest first ("/a", "/a/b", ...), then PATH. */
	for (size_t end = 1; end <= len; end++) {
		if (end < len && path[end] != '/')
			continue;
		memcpy(prefix, path, end);
		prefix[end] = '\0';
		if (glob_match(pattern, prefix))
			return (long)end;
	}
	return glob_match_depth(pattern, path);
}
