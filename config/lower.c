#include "lower.h"
#include "deps.h"
#include "diag.h"
#include "glob.h"
#include "paths.h"
#include "system.h"

#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *const always_writable_devices[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/tty", "/dev/ptmx",
	"/dev/pts",  NULL,
};

/* What one walk needs: the grant for surviving entries, the grant a
 * directory on the path to a deny keeps for itself, and the denies. */
struct walk {
	struct lowered *out;
	const struct lower_env *env;
	unsigned grant;
	unsigned path_grant;
	const struct deny *denies;
	size_t deny_count;
	bool mediate;       /* a root with a deny inside becomes mediated, and
			       out->write_globs apply (the write walk) */
	bool collect_allow; /* keep the roots as out->allow_roots */
	bool snapshot;      /* carving a mediated root: keep what is granted
			       as out->granted */
	bool collect_read;  /* keep the roots as out->read_allows */
	const char *why;
	struct source src;
	char *err;
	size_t errlen;
};

static int open_beneath_nothing(const char *canonical, int flags)
{
	deps_note_lookup(canonical);
	/* The path was canonicalised a moment ago; refusing symlinks here
	 * means a component swapped for a link since then grants nothing. */
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC | O_NOFOLLOW),
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, AT_FDCWD, canonical, &how, sizeof how);
}

static void record_rule(struct lowered *out, const char *path, unsigned grant,
			bool is_dir, const char *why, struct source src)
{
	if (out->rule_count == out->rule_cap) {
		out->rule_cap = out->rule_cap ? out->rule_cap * 2 : 32;
		out->rules = xrealloc(out->rules,
				      out->rule_cap * sizeof *out->rules);
	}
	out->rules[out->rule_count++] = (struct fs_rule){
		xstrdup(path), grant, is_dir, why, src,
	};
}

/* Rule fds are O_CLOEXEC and stay open until the exec closes them all at
 * once: a close(2) per rule is a measurable share of the shim's cost. */
static void keep_fd(struct lowered *out, int fd)
{
	if (out->kept_fd_count == LOWER_MAX_KEPT_FDS)
		lower_release_fds(out);
	out->kept_fds[out->kept_fd_count++] = fd;
}

void lower_release_fds(struct lowered *out)
{
	for (size_t i = 0; i < out->kept_fd_count; i++)
		close(out->kept_fds[i]);
	out->kept_fd_count = 0;
}

void lower_free(struct lowered *l)
{
	lower_release_fds(l);
	for (size_t i = 0; i < l->rule_count; i++)
		free(l->rules[i].path);
	free(l->rules);
	for (size_t i = 0; i < l->write_deny_count; i++) {
		free(l->write_denies[i].path);
		free(l->write_denies[i].text);
	}
	free(l->write_denies);
	for (size_t i = 0; i < l->read_deny_count; i++) {
		free(l->read_denies[i].path);
		free(l->read_denies[i].text);
	}
	free(l->read_denies);
	free(l->carved); /* its paths belong to the deny lists */
	for (size_t i = 0; i < l->skipped_count; i++)
		free(l->skipped[i].path);
	free(l->skipped);
	for (size_t i = 0; i < l->unix_socket_count; i++)
		free(l->unix_sockets[i]);
	free(l->unix_sockets);
	free(l->unix_socket_src);
	for (size_t i = 0; i < l->mediated_root_count; i++)
		free(l->mediated_roots[i]);
	free(l->mediated_roots);
	for (size_t i = 0; i < l->granted_count; i++)
		free(l->granted[i].path);
	free(l->granted);
	for (size_t i = 0; i < l->allow_root_count; i++) {
		free(l->allow_roots[i].path);
		free(l->allow_roots[i].text);
	}
	free(l->allow_roots);
	for (size_t i = 0; i < l->read_allow_count; i++) {
		free(l->read_allows[i].path);
		free(l->read_allows[i].text);
	}
	free(l->read_allows);
	for (size_t i = 0; i < l->relaxed_count; i++) {
		free(l->relaxed[i].path);
		free(l->relaxed[i].text);
	}
	free(l->relaxed);
	for (size_t i = 0; i < l->write_glob_count; i++) {
		free(l->write_globs[i].pattern);
		free(l->write_globs[i].text);
	}
	free(l->write_globs);
	memset(l, 0, sizeof *l);
}

static int emit_rule(struct walk *w, int fd, const char *path, unsigned grant,
		     bool is_dir)
{
	struct fs_rule rule = {(char *)path, grant, is_dir, w->why, w->src};
	if (w->env->record ||
	    (w->env->record_write_dirs && is_dir && (grant & GRANT_WRITE)))
		record_rule(w->out, path, grant, is_dir, w->why, w->src);
	const struct rule_sink *sink = w->env->sink;
	if (sink && sink->add(sink->ctx, fd, &rule) < 0) {
		format_error(w->err, w->errlen, "cannot add a rule for %s: %s",
			     path, strerror(errno));
		return -1;
	}
	return 0;
}

static void record_skip(struct lowered *out, const char *path, const char *key,
			const char *why, struct source src)
{
	/* The read walk revisits allowWrite roots: report each once. */
	for (size_t i = 0; i < out->skipped_count; i++)
		if (strcmp(out->skipped[i].path, path) == 0 &&
		    out->skipped[i].src.line == src.line &&
		    out->skipped[i].src.file == src.file)
			return;
	out->skipped = xrealloc(out->skipped, (out->skipped_count + 1) *
						      sizeof *out->skipped);
	out->skipped[out->skipped_count++] =
		(struct skipped){xstrdup(path), key, why, src};
}

static void record_carve(struct lowered *out, const struct deny *d)
{
	for (size_t i = 0; i < out->carved_count; i++)
		if (strcmp(out->carved[i].path, d->path) == 0 &&
		    strcmp(out->carved[i].key, d->key) == 0)
			return;
	out->carved = xrealloc(out->carved,
			       (out->carved_count + 1) * sizeof *out->carved);
	out->carved[out->carved_count++] = *d;
}

static const struct deny *deny_equal(const struct walk *w, const char *path)
{
	for (size_t i = 0; i < w->deny_count; i++)
		if (strcmp(w->denies[i].path, path) == 0)
			return &w->denies[i];
	return NULL;
}

static bool deny_below(const struct walk *w, const char *path)
{
	for (size_t i = 0; i < w->deny_count; i++)
		if (path_strictly_within(w->denies[i].path, path))
			return true;
	return false;
}

static int walk_dir(struct walk *w, int dirfd, const char *path);

/* The entry's type, trusting getdents' d_type (saving an fstat per entry).
 * The O_NOFOLLOW open pinned an inode; if the name was swapped for another
 * type since, Landlock refuses directory rights on a file (EINVAL) and the
 * caller asks again with fstat.  A stale "directory" can only lose rights,
 * a stale "file" only get file rights: never more than the inode allows. */
static int entry_type(int fd, unsigned char d_type)
{
	if (d_type != DT_UNKNOWN)
		return d_type;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
}

static void record_granted(struct lowered *out, const char *path, bool dir)
{
	out->granted = xrealloc(out->granted,
				(out->granted_count + 1) * sizeof *out->granted);
	out->granted[out->granted_count++] = (struct granted){xstrdup(path), dir};
}

/* One directory entry of a directory on the path to a deny.  CHILD is the
 * entry's full path. */
static int walk_entry(struct walk *w, int dirfd, const char *child,
		      const char *name, unsigned char d_type)
{
	const struct deny *d = deny_equal(w, child);
	if (d) {
		record_carve(w->out, d);
		return 0;
	}
	if (deny_below(w, child)) {
		/* Only a real directory can lead to the deny (denies are
		 * canonical, so never through a symlink). */
		int fd = openat(dirfd, name,
				O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return 0;
		int rc = walk_dir(w, fd, child);
		close(fd);
		return rc;
	}
	if (d_type == DT_LNK ||
	    (w->snapshot && w->out->granted_count == LOWER_MAX_GRANTED))
		return 0;
	/* The snapshot grants whole directories only: a file beside the path
	 * to a deny is seldom rewritten in place (git, npm and editors replace
	 * files by a rename, an entry of the directory on the path, which the
	 * supervisor performs anyway), and every rule costs every exec. */
	if (w->snapshot && d_type != DT_DIR && d_type != DT_UNKNOWN)
		return 0;
	int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int type = entry_type(fd, d_type);
	if (w->snapshot && type != DT_DIR) {
		close(fd);
		return 0;
	}
	int rc = 0;
	if (type != DT_LNK && type != DT_UNKNOWN)
		rc = emit_rule(w, fd, child, w->grant, type == DT_DIR);
	if (rc < 0 && errno == EINVAL && d_type != DT_UNKNOWN) {
		/* The name was replaced by another type since getdents
		 * (other processes churn /tmp): ask the inode itself. */
		type = entry_type(fd, DT_UNKNOWN);
		rc = type == DT_LNK || type == DT_UNKNOWN
			     ? 0
			     : emit_rule(w, fd, child, w->grant, type == DT_DIR);
	}
	if (rc == 0 && w->snapshot && type != DT_LNK && type != DT_UNKNOWN)
		record_granted(w->out, child, type == DT_DIR);
	keep_fd(w->out, fd);
	return rc;
}

static int walk_dir(struct walk *w, int dirfd, const char *path)
{
	if (w->path_grant && emit_rule(w, dirfd, path, w->path_grant, true) < 0)
		return -1;
	char child[PATH_MAX];
	size_t plen = strcmp(path, "/") == 0 ? 0 : strlen(path);
	if (plen + 2 >= sizeof child)
		return 0;
	memcpy(child, path, plen);
	child[plen] = '/';
	deps_note_dir(path);
	char buf[2048] __attribute__((aligned(8)));
	for (;;) {
		long n = syscall(SYS_getdents64, dirfd, buf, sizeof buf);
		if (n <= 0)
			return 0; /* unreadable: nothing below is granted */
		for (long off = 0; off < n;) {
			struct linux_dirent64 *de = (void *)(buf + off);
			off += de->d_reclen;
			const char *name = de->d_name;
			if (name[0] == '.' && (name[1] == '\0' ||
					       (name[1] == '.' && name[2] == '\0')))
				continue;
			size_t nlen = strlen(name);
			if (plen + 1 + nlen >= sizeof child)
				continue; /* too long to grant by name: skip */
			memcpy(child + plen + 1, name, nlen + 1);
			if (walk_entry(w, dirfd, child, name, de->d_type) < 0)
				return -1;
		}
		/* A reply with room left for the longest entry was the last:
		 * skip the call that would return 0.  Were it not, the entries
		 * missed would only be granted nothing. */
		if (n + 512 < (long)sizeof buf)
			return 0;
	}
}

/* The patterns live in out->write_globs, which allowWrite patterns grow
 * during the walk: always read them from there. */
static bool glob_below(const struct walk *w, const char *path)
{
	const struct deny_glob *g = w->out->write_globs;
	for (size_t i = 0; w->mediate && i < w->out->write_glob_count; i++)
		if (!g[i].allow && glob_may_match_below(g[i].pattern, path))
			return true;
	return false;
}

static void record_mediated(struct lowered *out, const char *root)
{
	for (size_t i = 0; i < out->mediated_root_count; i++)
		if (strcmp(out->mediated_roots[i], root) == 0)
			return;
	out->mediated_roots = xrealloc(out->mediated_roots,
				       (out->mediated_root_count + 1) *
					       sizeof *out->mediated_roots);
	out->mediated_roots[out->mediated_root_count++] = xstrdup(root);
}

/* Grant ROOT (canonical, existing) minus the denies below it.  With a
 * supervisor to perform writes, a root with a deny inside is mediated:
 * Landlock grants a snapshot of what lies beside the path to each deny
 * (the carve), and the supervisor decides and performs the rest when it
 * happens.  Where a pattern could match below the root, anything may
 * become denied later: it gets no write right at all. */
static int grant_root(struct walk *w, const char *root)
{
	bool carve = deny_below(w, root);
	if (w->mediate && (carve || glob_below(w, root))) {
		record_mediated(w->out, root);
		if (!carve || glob_below(w, root))
			return 0;
		int fd = open_beneath_nothing(root, O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			return 0; /* the supervisor decides everything */
		w->snapshot = true;
		int rc = walk_dir(w, fd, root);
		w->snapshot = false;
		close(fd);
		return rc;
	}
	int fd = open_beneath_nothing(root, carve ? O_RDONLY | O_DIRECTORY
						  : O_PATH);
	if (fd < 0) {
		record_skip(w->out, root, w->why, strerror(errno), w->src);
		return 0;
	}
	int rc = 0;
	struct stat st;
	if (carve)
		rc = walk_dir(w, fd, root);
	else if (fstat(fd, &st) == 0)
		rc = emit_rule(w, fd, root, w->grant, S_ISDIR(st.st_mode));
	keep_fd(w->out, fd);
	return rc;
}

/* The deny that decides ROOT's fate: a mandatory deny at or above it, or any
 * deny equal to it (a tie goes to the deny).  A deny above a more specific
 * allow root does not reach it. */
static const struct deny *deny_covering(const struct walk *w, const char *root)
{
	for (size_t i = 0; i < w->deny_count; i++) {
		const struct deny *d = &w->denies[i];
		if (strcmp(d->path, root) == 0 ||
		    (d->mandatory && path_within(root, d->path)))
			return d;
	}
	return NULL;
}

/* A pattern whose highest match on ROOT is ROOT itself denies it (a tie
 * goes to the deny); one matching above ROOT is less specific. */
static const struct deny_glob *glob_covering(const struct walk *w,
					     const char *root)
{
	const struct deny_glob *g = w->out->write_globs;
	for (size_t i = 0; w->mediate && i < w->out->write_glob_count; i++)
		if (!g[i].allow &&
		    glob_match_shallowest(g[i].pattern, root) ==
			    (long)strlen(root))
			return &g[i];
	return NULL;
}

static void push_allow_root(struct allow_root **list, size_t *count,
			    const char *root, const char *key,
			    const struct path_entry *e)
{
	*list = xrealloc(*list, (*count + 1) * sizeof **list);
	(*list)[(*count)++] = (struct allow_root){xstrdup(root),
						  xstrdup(e->text), key, e->src};
}

static void collect_allow_root(struct walk *w, const char *root,
			       const struct path_entry *e)
{
	struct lowered *out = w->out;
	if (w->collect_allow)
		push_allow_root(&out->allow_roots, &out->allow_root_count, root,
				w->why, e);
	if (w->collect_read)
		push_allow_root(&out->read_allows, &out->read_allow_count, root,
				w->why, e);
}

static char *canonical_pattern(const char *abs);
static void keep_glob(struct lowered *out, char *pattern, const char *key,
		      const struct path_entry *e);

/* An allowWrite pattern grants nothing Landlock can hold: it is an
 * exception to a deny, which the supervisor applies in mediated roots. */
static int grant_pattern(struct walk *w, const struct path_entry *e,
			 const char *key)
{
	if (strcmp(key, "allowRead") == 0) {
		/* Reads are granted by Landlock alone: no pattern there. */
		format_error(w->err, w->errlen,
			     "%s:%d: allowRead does not take patterns: name "
			     "the paths",
			     e->src.file, e->src.line);
		return -1;
	}
	if (!w->collect_allow)
		return 0; /* the read walk: inside a write root anyway */
	char why[256];
	char *abs = path_expand(e->text, w->env->cwd, w->env->home, why,
				sizeof why);
	char *pattern = abs ? canonical_pattern(abs) : NULL;
	if (!pattern || glob_check(pattern, why, sizeof why) < 0) {
		format_error(w->err, w->errlen, "%s:%d: %s", e->src.file,
			     e->src.line,
			     !abs || pattern ? why : "pattern too long");
		free(abs);
		free(pattern);
		return -1;
	}
	free(abs);
	/* Kept either way: nested, an enclosing supervisor applies it to
	 * the writes it performs for us. */
	if (!w->mediate)
		record_skip(w->out, pattern, key,
			    "a pattern applies only where a supervisor "
			    "mediates writes",
			    e->src);
	keep_glob(w->out, pattern, key, e);
	return 0;
}

static char *resolve_entry(const struct path_entry *e,
			   const struct lower_env *env, bool *exists,
			   char *err, size_t errlen)
{
	char why[256];
	char *abs = path_expand(e->text, env->cwd, env->home, why, sizeof why);
	if (!abs) {
		format_error(err, errlen, "%s:%d: %s", e->src.file, e->src.line,
			     why);
		return NULL;
	}
	char *canon = path_canonical(abs, exists);
	free(abs);
	return canon;
}

static int grant_list(struct walk *w, const struct path_list *list,
		      const char *key)
{
	for (size_t i = 0; i < list->len; i++) {
		const struct path_entry *e = &list->items[i];
		if (glob_is_pattern(e->text)) {
			if (grant_pattern(w, e, key) < 0)
				return -1;
			continue;
		}
		bool exists;
		char *root = resolve_entry(e, w->env, &exists, w->err, w->errlen);
		if (!root)
			return -1;
		w->why = key;
		w->src = e->src;
		collect_allow_root(w, root, e);
		const struct deny *d = deny_covering(w, root);
		int rc = 0;
		if (!exists)
			record_skip(w->out, root, key, "does not exist", e->src);
		else if (!d && glob_covering(w, root))
			record_skip(w->out, root, key, "denied by a pattern",
				    e->src);
		else if (d) {
			record_carve(w->out, d);
			record_skip(w->out, root, key,
				    d->mandatory ? d->key : "denied", e->src);
		} else
			rc = grant_root(w, root);
		free(root);
		if (rc < 0)
			return -1;
	}
	return 0;
}

struct deny_set {
	struct deny **denies;
	size_t *count;
	const char *key;
	bool mandatory;
	bool keep_missing;
	struct source src;
	const char *text;
};

static void add_deny_location(void *ctx, const char *path, bool exists)
{
	struct deny_set *set = ctx;
	if (!exists && !set->keep_missing)
		return;
	*set->denies = xrealloc(*set->denies,
				(*set->count + 1) * sizeof **set->denies);
	(*set->denies)[(*set->count)++] = (struct deny){
		xstrdup(path), set->key, set->mandatory, exists, set->src,
		set->text ? xstrdup(set->text) : NULL, NULL,
	};
}

/* A match of a read pattern, found by the expansion walk: it exists. */
static void add_glob_match(void *ctx, const char *path)
{
	path_deny_locations(path, add_deny_location, ctx);
}

/* ABS with its fixed prefix made canonical (a symlinked $HOME or project
 * must match as the kernel sees paths), wildcards in the prefix escaped. */
static char *canonical_pattern(const char *abs)
{
	char prefix[PATH_MAX];
	if (glob_fixed_prefix(abs, prefix, sizeof prefix) < 0)
		return NULL;
	size_t depth = 0; /* components in the prefix */
	for (const char *p = prefix; *p; p++)
		depth += *p == '/' && p[1] != '\0';
	const char *rest = abs;
	for (size_t n = 0; n < depth && rest; n++)
		rest = strchr(rest + 1, '/');
	bool exists;
	char *canon = path_canonical(prefix, &exists);
	size_t cap = 2 * strlen(canon) + (rest ? strlen(rest) : 0) + 2;
	char *out = xcalloc(cap, 1);
	size_t n = 0;
	for (const char *p = strcmp(canon, "/") == 0 ? "" : canon; *p; p++) {
		if (strchr("*?[\\", *p))
			out[n++] = '\\';
		out[n++] = *p;
	}
	snprintf(out + n, cap - n, "%s", rest ? rest : "");
	if (!out[0])
		strcpy(out, "/");
	free(canon);
	return out;
}

static void keep_glob(struct lowered *out, char *pattern, const char *key,
		      const struct path_entry *e)
{
	out->write_globs = xrealloc(out->write_globs,
				    (out->write_glob_count + 1) *
					    sizeof *out->write_globs);
	out->write_globs[out->write_glob_count++] = (struct deny_glob){
		pattern, key, xstrdup(e->text), e->src,
		strcmp(key, "allowWrite") == 0,
	};
}

/* A pattern entry: kept whole in GLOBS_OUT (a supervisor matches it when
 * a write happens: ours, or an enclosing one that writes for a nested
 * sandbox), and with EXPAND also expanded now into the denies it matches,
 * for Landlock, with a bound on the walk that fails closed. */
static int add_pattern(struct deny_set *set, const char *abs,
		       const struct path_entry *e, struct lowered *globs_out,
		       bool expand, char *err, size_t errlen)
{
	char why[128];
	char *pattern = canonical_pattern(abs);
	if (!pattern || glob_check(pattern, why, sizeof why) < 0) {
		format_error(err, errlen, "%s:%d: %s", e->src.file, e->src.line,
			     pattern ? why : "pattern too long");
		free(pattern);
		return -1;
	}
	if (globs_out && !expand) {
		keep_glob(globs_out, pattern, set->key, e);
		return 0;
	}
	deps_taint("a read pattern, expanded by walking");
	int rc = glob_expand(pattern, LOWER_GLOB_LIMIT, add_glob_match, set);
	if (globs_out) {
		keep_glob(globs_out, pattern, set->key, e);
		pattern = NULL;
	}
	if (rc < 0 && errno == E2BIG)
		format_error(err, errlen,
			     "%s:%d: %s matches below a tree of over %d "
			     "entries, too many to expand when a tool starts: "
			     "narrow the pattern",
			     e->src.file, e->src.line, e->text,
			     LOWER_GLOB_LIMIT);
	else if (rc < 0)
		format_error(err, errlen, "%s:%d: cannot expand %s: %s",
			     e->src.file, e->src.line, e->text,
			     strerror(errno));
	free(pattern);
	return rc;
}

static int add_denies(struct deny **denies, size_t *count,
		      const struct path_list *list, const char *key,
		      const struct lower_env *env, bool keep_missing,
		      struct lowered *globs_out, bool expand, char *err,
		      size_t errlen)
{
	for (size_t i = 0; i < list->len; i++) {
		char why[256];
		const struct path_entry *e = &list->items[i];
		char *abs = path_expand(e->text, env->cwd, env->home, why,
					sizeof why);
		if (!abs) {
			format_error(err, errlen, "%s:%d: %s", e->src.file,
				     e->src.line, why);
			return -1;
		}
		struct deny_set set = {denies, count, key, false, keep_missing,
				       e->src, e->text};
		int rc = 0;
		if (glob_is_pattern(e->text))
			rc = add_pattern(&set, abs, e, globs_out, expand, err,
					 errlen);
		else
			path_deny_locations(abs, add_deny_location, &set);
		free(abs);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void add_mandatory(struct lowered *out, const struct lower_env *env)
{
	for (size_t i = 0; i < env->mandatory_count; i++) {
		char *abs = xstrdup(env->mandatory[i].path);
		path_normalize(abs);
		struct deny_set set = {&out->write_denies, &out->write_deny_count,
				       env->mandatory[i].why, true, true,
				       {"built-in", 0}, NULL};
		path_deny_locations(abs, add_deny_location, &set);
		free(abs);
	}
}

/* The built-in protected set (config/protect.h): ordinary denies with key
 * "built-in", only where they fall inside a write root (elsewhere nothing
 * may write them anyway).  An allowWrite naming exactly an entry's path
 * removes it: the user relaxed that one entry; an allowWrite deeper inside
 * a protected directory wins by specificity as for any deny. */
static void add_protected(struct lowered *out, const struct policy *p,
			  const struct lower_env *env)
{
	if (!env->mediate_writes || !env->protect_count)
		return;
	const struct path_list *allow = &p->lists[LIST_ALLOW_WRITE];
	char **roots = xcalloc(allow->len + 1, sizeof *roots);
	for (size_t i = 0; i < allow->len; i++) {
		char why[256];
		bool exists;
		if (glob_is_pattern(allow->items[i].text))
			continue;
		char *abs = path_expand(allow->items[i].text, env->cwd,
					env->home, why, sizeof why);
		if (abs)
			roots[i] = path_canonical(abs, &exists);
		free(abs);
	}
	for (size_t j = 0; j < env->protect_count; j++) {
		const struct protected_path *pp = &env->protect[j];
		bool exists;
		char *abs = xstrdup(pp->path);
		path_normalize(abs);
		char *canon = path_canonical(abs, &exists);
		const struct path_entry *relax = NULL;
		bool inside = false;
		for (size_t i = 0; i < allow->len; i++) {
			if (!roots[i] || !path_within(canon, roots[i]))
				continue;
			inside = true;
			if (strcmp(canon, roots[i]) == 0)
				relax = &allow->items[i];
		}
		/* The config denies it already: its own line is what a
		 * refusal should name. */
		for (size_t k = 0; !relax && inside && k < out->write_deny_count;
		     k++)
			if (strcmp(out->write_denies[k].path, canon) == 0)
				inside = false;
		if (relax) {
			out->relaxed = xrealloc(out->relaxed,
						(out->relaxed_count + 1) *
							sizeof *out->relaxed);
			out->relaxed[out->relaxed_count++] = (struct relaxed){
				xstrdup(canon), pp->why, xstrdup(relax->text),
				relax->src};
		} else if (inside) {
			size_t first = out->write_deny_count;
			struct deny_set set = {&out->write_denies,
					       &out->write_deny_count,
					       "built-in", false, true,
					       {"built-in", 0}, NULL};
			path_deny_locations(abs, add_deny_location, &set);
			for (size_t k = first; k < out->write_deny_count; k++)
				out->write_denies[k].protect = pp->why;
		}
		free(canon);
		free(abs);
	}
	for (size_t i = 0; i < allow->len; i++)
		free(roots[i]);
	free(roots);
}

static int lower_writes(const struct policy *p, const struct lower_env *env,
			struct lowered *out, char *err, size_t errlen)
{
	/* Denied writes that do not exist yet still matter: the directories on
	 * their path lose create rights, so nothing can be planted there. */
	/* Patterns are kept for a supervisor either way; without one of our
	 * own (nested) they are also expanded now for Landlock. */
	bool expand = !env->mediate_writes;
	if (add_denies(&out->write_denies, &out->write_deny_count,
		       &p->lists[LIST_DENY_WRITE], "denyWrite", env, true, out,
		       expand, err, errlen) < 0)
		return -1;
	/* What may not be read may not be written either: an allowWrite
	 * root above ~/.ssh must not let a tool plant authorized_keys, nor
	 * create files it could then not read back. */
	if (add_denies(&out->write_denies, &out->write_deny_count,
		       &p->lists[LIST_DENY_READ], "denyRead", env, false, out,
		       expand, err, errlen) < 0)
		return -1;
	add_protected(out, p, env);
	add_mandatory(out, env);
	struct walk w = {
		.out = out, .env = env, .grant = GRANT_WRITE, .path_grant = 0,
		.denies = out->write_denies,
		.deny_count = out->write_deny_count,
		.mediate = env->mediate_writes, .collect_allow = true,
		.err = err, .errlen = errlen,
	};
	return grant_list(&w, &p->lists[LIST_ALLOW_WRITE], "allowWrite");
}

static int lower_reads(const struct policy *p, const struct lower_env *env,
		       struct lowered *out, char *err, size_t errlen)
{
	/* A read deny that does not exist protects nothing now; skipping it
	 * spares walking its parents on every call. */
	if (add_denies(&out->read_denies, &out->read_deny_count,
		       &p->lists[LIST_DENY_READ], "denyRead", env, false, NULL,
		       true, err, errlen) < 0)
		return -1;
	out->restrict_read = p->lists[LIST_DENY_READ].len > 0;
	if (!out->restrict_read)
		return 0;
	struct walk w = {
		.out = out, .env = env, .grant = GRANT_READ | GRANT_LIST,
		.path_grant = GRANT_LIST,
		.denies = out->read_denies, .deny_count = out->read_deny_count,
		.collect_read = true,
		.why = "read: /", .src = {"built-in", 0},
		.err = err, .errlen = errlen,
	};
	/* "denyRead = /" with allowRead entries is a read allowlist: the
	 * root itself obeys the same tie rule as any other root. */
	const struct deny *root_deny = deny_covering(&w, "/");
	if (root_deny)
		record_carve(out, root_deny);
	else if (grant_root(&w, "/") < 0)
		return -1;
	/* Write roots are readable too: a project you may edit but not read
	 * is never what a policy means. */
	if (grant_list(&w, &p->lists[LIST_ALLOW_WRITE], "allowWrite") < 0)
		return -1;
	return grant_list(&w, &p->lists[LIST_ALLOW_READ], "allowRead");
}

static int lower_devices(const struct lower_env *env, struct lowered *out,
			 char *err, size_t errlen)
{
	struct walk w = {
		.out = out, .env = env, .grant = GRANT_DEVICE, .why = "device",
		.src = {"built-in", 0}, .err = err, .errlen = errlen,
	};
	for (size_t i = 0; always_writable_devices[i]; i++) {
		int fd = open_beneath_nothing(always_writable_devices[i], O_PATH);
		if (fd < 0)
			continue; /* e.g. no /dev/tty in a container */
		/* Device rights are valid on files and directories alike, so
		 * the type (and an fstat) does not matter here. */
		int rc = emit_rule(&w, fd, always_writable_devices[i],
				   GRANT_DEVICE, false);
		keep_fd(out, fd);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void lower_network(const struct policy *p, struct lowered *out)
{
	out->allow_network = policy_flag(p, SCALAR_ALLOW_NETWORK);
	out->allow_local_binding = policy_flag(p, SCALAR_ALLOW_LOCAL_BINDING);
	const enum scalar_key ports[] = {SCALAR_HTTP_PROXY_PORT,
					 SCALAR_SOCKS_PROXY_PORT};
	for (size_t i = 0; i < 2; i++) {
		const struct scalar *s = &p->scalars[ports[i]];
		if (!s->set)
			continue;
		if (out->port_count == 1 &&
		    out->connect_ports[0] == (unsigned)s->value)
			continue;
		out->port_src[out->port_count] = s->src;
		out->connect_ports[out->port_count++] = (unsigned)s->value;
	}
}

static int lower_unix_sockets(const struct policy *p,
			      const struct lower_env *env, struct lowered *out,
			      char *err, size_t errlen)
{
	const struct path_list *list = &p->lists[LIST_ALLOW_UNIX_SOCKETS];
	out->unix_sockets = xcalloc(list->len, sizeof *out->unix_sockets);
	out->unix_socket_src = xcalloc(list->len, sizeof *out->unix_socket_src);
	for (size_t i = 0; i < list->len; i++) {
		bool exists;
		char *path = resolve_entry(&list->items[i], env, &exists, err,
					   errlen);
		if (!path)
			return -1;
		out->unix_socket_src[out->unix_socket_count] = list->items[i].src;
		out->unix_sockets[out->unix_socket_count++] = path;
	}
	return 0;
}

/* Does a read deny lie strictly inside a mediated root? */
static bool reads_need_mediation(const struct lowered *out)
{
	for (size_t i = 0; i < out->read_deny_count; i++)
		for (size_t j = 0; j < out->mediated_root_count; j++)
			if (path_strictly_within(out->read_denies[i].path,
						 out->mediated_roots[j]))
				return true;
	return false;
}

int lower_policy(const struct policy *policy, const struct lower_env *env,
		 struct lowered *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	lower_network(policy, out);
	path_probes_remember(true);
	/* Most names a lowering probes are in these two. */
	if (env->home)
		path_probes_list(env->home);
	path_probes_list(env->cwd);
	int rc = lower_unix_sockets(policy, env, out, err, errlen) < 0 ||
			 lower_writes(policy, env, out, err, errlen) < 0 ||
			 lower_devices(env, out, err, errlen) < 0 ||
			 lower_reads(policy, env, out, err, errlen) < 0
		 ? -1
		 : 0;
	path_probes_remember(false);
	if (rc < 0)
		return -1;
	out->mediate_reads = out->restrict_read && reads_need_mediation(out);
	return 0;
}
