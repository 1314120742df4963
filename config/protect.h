/* The built-in protected set (issue 15): files in and around a project that
 * other software runs or reads later, outside any sandbox, and that a
 * sandboxed tool must therefore not write even where it may write the
 * project (THREATS.md #16).  Found by the shim at each start, by reading
 * the tree only:
 *
 *  - git: the hooks directory and config files of every repository whose
 *    git directory exists now, at the project directory, above it (up to
 *    /) and below it down to PROTECT_DEPTH levels (symlinks are not
 *    followed, .git and node_modules are not descended into, at most
 *    PROTECT_MAX_DIRS directories are read); submodule git dirs (<gitdir>/modules/x and one
 *    level of nested modules); the config.worktree and commondir of each
 *    registered worktree (<gitdir>/worktrees/x); a .git file itself, its
 *    git dir, and its commondir.
 *  - agents, editors, shells: named files and directories at the project
 *    directory and at the top of each repository above it, whether they
 *    exist or not.
 *  - home: the shells' and git's start-up files.
 *
 * A repository whose git directory did not exist at start is the tool's own
 * (git init, git clone of a new one): nothing of it is protected.
 * Lowering applies an entry as an ordinary deny (key "built-in") where it
 * falls inside a write root; an allowWrite naming exactly the entry's path
 * removes it (config/lower.c). */
#ifndef LANDSTRIP_PROTECT_H
#define LANDSTRIP_PROTECT_H

#include <stddef.h>
#include <stdint.h>

/* Levels of directories below the project whose .git is looked for. */
#define PROTECT_DEPTH 2
/* Directories listed by the scan below the project, at most. */
#define PROTECT_MAX_DIRS 256
/* In a session, the directories the scan may add to what the ruleset
 * cache watches (config/deps.h) before it stops watching. */
#define PROTECT_WATCH_MAX 96

struct protected_path {
	char *path;      /* absolute, normalised (not canonical) */
	const char *why; /* "git runs it outside the sandbox", ... */
};

struct protect_set {
	struct protected_path *items;
	uint64_t *hashes; /* of each item's path (path_hash): found anew at
			     every call, the set is searched for each entry */
	size_t count;
	size_t dirs_read; /* directories the scan below the project listed */
};

/* Fill OUT for PROJECT (absolute) and HOME (NULL or not absolute: no home
 * entries). */
void protect_discover(const char *project, const char *home,
		      struct protect_set *out);

void protect_free(struct protect_set *set);

#endif
