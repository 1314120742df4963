#include "protect.h"
#include "deps.h"
#include "diag.h"
#include "paths.h"

#include <dirent.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char WHY_HOOK[] = "git runs it outside the sandbox";
static const char WHY_GIT[] = "git reads it outside the sandbox";
static const char WHY_AGENT[] =
	"agents and editors run what it names outside the sandbox";
static const char WHY_HOME[] =
	"shells and git read it outside the sandbox";

/* Named at the project directory and at the top of each repository above
 * it, whether they exist or not: Claude Code's settings (hooks,
 * permissions), commands, subagents and hooks; MCP servers (.mcp.json);
 * Codex, Cursor (rules, mcp.json), VS Code (tasks, launch, settings) and
 * JetBrains project directories; direnv's .envrc, which a shell runs on
 * cd. */
static const char *const agent_names[] = {
	".claude/settings.json", ".claude/settings.local.json",
	".claude/commands", ".claude/agents", ".claude/hooks", ".mcp.json",
	".codex", ".cursor", ".vscode", ".idea", ".envrc", NULL,
};

static const char *const home_names[] = {
	".gitconfig", ".config/git/config", ".bashrc", ".bash_profile",
	".bash_login", ".profile", ".zshrc", ".zshenv", ".zprofile",
	".zlogin", ".ripgreprc", NULL,
};

static void add(struct protect_set *s, const char *dir, const char *name,
		const char *why)
{
	char *path = name ? path_join(dir, name) : xstrdup(dir);
	path_normalize(path);
	uint64_t hash = path_hash(path, strlen(path));
	for (size_t i = 0; i < s->count; i++)
		if (s->hashes[i] == hash && strcmp(s->items[i].path, path) == 0) {
			free(path);
			return;
		}
	s->items = xrealloc(s->items, (s->count + 1) * sizeof *s->items);
	s->hashes = xrealloc(s->hashes, (s->count + 1) * sizeof *s->hashes);
	s->hashes[s->count] = hash;
	s->items[s->count++] = (struct protected_path){path, why};
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The first line of FILE with the trailing newline removed, at most
 * PATH_MAX; NULL when unreadable. */
static char *read_line(const char *file)
{
	deps_note_file(file);
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct stat st;
	char buf[4096];
	ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
			    ? read(fd, buf, sizeof buf - 1)
			    : -1;
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf[0] ? xstrdup(buf) : NULL;
}

/* REL as git reads it relative to BASE. */
static char *resolve(const char *base, const char *rel)
{
	char *p = rel[0] == '/' ? xstrdup(rel) : path_join(base, rel);
	path_normalize(p);
	return p;
}

typedef void subdir_fn(struct protect_set *s, const char *sub, int levels);

/* FN for each directory in GITDIR/NAME, which is watched with the walk. */
static void each_subdir(struct protect_set *s, const char *gitdir,
			const char *name, subdir_fn *fn, int levels)
{
	char *parent = path_join(gitdir, name);
	deps_note_dir(parent);
	DIR *d = opendir(parent);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' &&
		    (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		char *sub = path_join(parent, e->d_name);
		if (is_dir(sub))
			fn(s, sub, levels);
		free(sub);
	}
	if (d)
		closedir(d);
	free(parent);
}

/* A submodule's git dir (GITDIR/modules/NAME): its hooks and config, and
 * LEVELS - 1 levels of modules nested in it. */
static void add_module(struct protect_set *s, const char *sub, int levels)
{
	add(s, sub, "hooks", WHY_HOOK);
	add(s, sub, "config", WHY_GIT);
	if (levels > 1)
		each_subdir(s, sub, "modules", add_module, levels - 1);
}

/* A worktree's git dir (GITDIR/worktrees/NAME, of a checkout elsewhere):
 * the config git reads there, and the commondir that says which
 * repository's hooks and config apply. */
static void add_worktree(struct protect_set *s, const char *wt, int levels)
{
	(void)levels;
	add(s, wt, "config.worktree", WHY_GIT);
	add(s, wt, "commondir", WHY_GIT);
}

static void add_gitdir(struct protect_set *s, const char *gitdir)
{
	add(s, gitdir, "hooks", WHY_HOOK);
	add(s, gitdir, "config", WHY_GIT);
	add(s, gitdir, "config.worktree", WHY_GIT);
	each_subdir(s, gitdir, "modules", add_module, 2);
	each_subdir(s, gitdir, "worktrees", add_worktree, 0);
}

/* DIR/.git exists: protect the repository's git directory (a directory,
 * or a file saying "gitdir: PATH" as worktrees and submodules make it). */
static bool add_repo(struct protect_set *s, const char *dir)
{
	char *dotgit = path_join(dir, ".git");
	deps_note_lookup(dotgit);
	struct stat st;
	bool found = stat(dotgit, &st) == 0;
	if (found && S_ISDIR(st.st_mode)) {
		add_gitdir(s, dotgit);
	} else if (found && S_ISREG(st.st_mode)) {
		char *line = read_line(dotgit);
		if (line && strncmp(line, "gitdir:", 7) == 0) {
			const char *rel = line + 7;
			while (*rel == ' ' || *rel == '\t')
				rel++;
			char *gitdir = resolve(dir, rel);
			/* The file itself names the git dir: rewritten, it
			 * could send git to one whose hooks the tool wrote. */
			add(s, dotgit, NULL, WHY_GIT);
			add_gitdir(s, gitdir);
			add(s, gitdir, "commondir", WHY_GIT);
			char *commondir_file = path_join(gitdir, "commondir");
			char *common = read_line(commondir_file);
			if (common) {
				char *c = resolve(gitdir, common);
				add(s, c, "hooks", WHY_HOOK);
				add(s, c, "config", WHY_GIT);
				free(c);
			}
			free(common);
			free(commondir_file);
			free(gitdir);
		}
		free(line);
	}
	free(dotgit);
	return found;
}

static void add_agents(struct protect_set *s, const char *dir)
{
	for (size_t i = 0; agent_names[i]; i++)
		add(s, dir, agent_names[i], WHY_AGENT);
}

static void scan_below(struct protect_set *s, int fd, const char *dir,
		       int levels);

/* One entry of a directory scan_below lists. */
static void scan_entry(struct protect_set *s, int fd, const char *dir,
		       const char *n, unsigned char d_type, int levels)
{
	if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 ||
	    strcmp(n, ".git") == 0)
		return;
	if (d_type != DT_DIR) {
		struct stat st;
		if (d_type != DT_UNKNOWN ||
		    fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			return;
	}
	struct stat st;
	char probe[NAME_MAX + 8];
	int len = snprintf(probe, sizeof probe, "%s/.git", n);
	if (len < 0 || (size_t)len >= sizeof probe)
		return;
	char *child = path_join(dir, n);
	/* Past PROTECT_WATCH_MAX, watching costs more than the scan it would
	 * save (an lstat and a search of the list for each directory): the
	 * recording is given up, and the ruleset keyed on what the scan
	 * finds (shim/main.c). */
	if (lowering_deps.on && lowering_deps.count >= PROTECT_WATCH_MAX)
		deps_taint("the protected set's scan is too wide to watch");
	char *probe_abs = path_join(child, ".git");
	deps_note_lookup(probe_abs); /* CHILD, listed or not */
	free(probe_abs);
	if (fstatat(fd, probe, &st, AT_SYMLINK_NOFOLLOW) == 0)
		add_repo(s, child);
	/* Not into node_modules: package managers leave no repository
	 * there (npm, yarn and pnpm pack git dependencies), and looking into
	 * each of its hundreds of packages for a .git would cost every call
	 * hundreds of system calls, and the session's cache its watch. */
	if (levels > 1 && s->dirs_read < PROTECT_MAX_DIRS &&
	    strcmp(n, "node_modules") != 0) {
		int cfd = openat(fd, n,
				 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd >= 0) {
			scan_below(s, cfd, child, levels - 1);
			close(cfd);
		}
	}
	free(child);
}

/* Repositories below DIR (open as FD, which the caller closes), LEVELS
 * deep, without following symlinks or entering .git, within the cap on
 * directories read.  getdents64 on FD itself: a DIR would cost an open,
 * an fcntl and an fstat more for each directory, which on a project of 50
 * directories was half the scan's system calls. */
static void scan_below(struct protect_set *s, int fd, const char *dir,
		       int levels)
{
	if (s->dirs_read >= PROTECT_MAX_DIRS)
		return;
	s->dirs_read++;
	deps_note_dir(dir);
	char buf[8192] __attribute__((aligned(8)));
	long n;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		/* A listing wider than what is left to watch: give the
		 * recording up before the first lstat it would waste. */
		long dirs = 0;
		for (long off = 0; off < n;) {
			struct dirent64 *e = (struct dirent64 *)(buf + off);
			off += e->d_reclen;
			dirs += e->d_type == DT_DIR || e->d_type == DT_UNKNOWN;
		}
		if (lowering_deps.on &&
		    lowering_deps.count + (size_t)dirs > PROTECT_WATCH_MAX)
			deps_taint("the protected set's scan is too wide to watch");
		for (long off = 0; off < n;) {
			struct dirent64 *e = (struct dirent64 *)(buf + off);
			off += e->d_reclen;
			scan_entry(s, fd, dir, e->d_name, e->d_type, levels);
		}
	}
}

void protect_discover(const char *project, const char *home,
		      struct protect_set *out)
{
	memset(out, 0, sizeof *out);
	if (!project || project[0] != '/')
		return;
	char *dir = xstrdup(project);
	path_normalize(dir);
	add_agents(out, dir);
	/* The project's own repository, and each one it is inside. */
	for (;;) {
		if (add_repo(out, dir))
			add_agents(out, dir);
		if (strcmp(dir, "/") == 0)
			break;
		char *slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	free(dir);
	int fd = open(project, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		scan_below(out, fd, project, PROTECT_DEPTH);
		close(fd);
	}
	if (home && home[0] == '/' && strcmp(home, "/") != 0)
		for (size_t i = 0; home_names[i]; i++)
			add(out, home, home_names[i], WHY_HOME);
}

void protect_free(struct protect_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		free(set->items[i].path);
	free(set->items);
	free(set->hashes);
	memset(set, 0, sizeof *set);
}
