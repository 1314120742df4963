/* Path expansion and canonicalisation for policy entries. */
#ifndef LANDSTRIP_PATHS_H
#define LANDSTRIP_PATHS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* Lexically normalise an absolute path in place: collapse "//", drop ".",
 * resolve ".." against the previous component, drop a trailing '/'. */
void path_normalize(char *path);

/* The next component of a path at *CURSOR, skipping the slashes before it;
 * *LEN is 0 at the end.  *CURSOR is left just past the component.  Every
 * '/' splits (a glob pattern's components too: none can match a '/'). */
const char *path_next_component(const char **cursor, size_t *len);

/* Expand "~", "~/x" (from HOME) and relative paths (against CWD) into a
 * normalised absolute path.  Returns NULL with ERR set when "~" is used and
 * HOME is unset or not absolute. */
char *path_expand(const char *raw, const char *cwd, const char *home,
		  char *err, size_t errlen);

/* Canonical form of an absolute path: the longest existing prefix resolved
 * with realpath(3), the rest appended as written.  *EXISTS tells whether
 * the whole path exists. */
/* Between path_probes_remember(true) and (false), path_canonical and
 * path_deny_locations probe each path once and remember what they found
 * (config/lower.c, for one lowering). */
void path_probes_remember(bool on);

/* Nested in a sandbox, probe without openat2 (the enclosing filter may
 * trap every openat2; paths.c). */
void path_probes_avoid_openat2(bool avoid);

char *path_canonical(const char *abs, bool *exists);

/* Every place a deny entry at ABS (absolute, normalised) must cover: its
 * canonical location, and each symlink on the way to it, named by its
 * canonical parent, so that no link can be replaced to point elsewhere.  A
 * dangling link's target counts as the location.  ADD is called once per
 * place. */
void path_deny_locations(const char *abs,
			 void (*add)(void *ctx, const char *path, bool exists),
			 void *ctx);

/* FNV-1a over a path's bytes, fed one at a time so that one pass over a
 * path hashes each of its ancestors too: the lookups that run on every
 * call (a probe's memo, the protected set, the supervisor's granted
 * snapshot) are by hash. */
#define PATH_HASH_START 14695981039346656037ULL
static inline uint64_t path_hash_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 1099511628211ULL;
}
uint64_t path_hash(const char *s, size_t len);

/* While a lowering remembers its probes (path_probes_remember), list DIR
 * once, so that probes of names missing from it cost no syscall. */
void path_probes_list(const char *dir);

/* Is S (LEN bytes, absolute or relative) made of plain components only:
 * none empty, ".", or "..", and no trailing '/' ("/" itself is plain)?
 * As path_normalize leaves a path; the supervisor relies on it. */
bool path_components_plain(const char *s, size_t len);

/* Is PATH equal to DIR or below it?  Both canonical. */
bool path_within(const char *path, const char *dir);

/* Is PATH strictly below DIR? */
bool path_strictly_within(const char *path, const char *dir);

char *path_join(const char *dir, const char *name);

#endif
