/* Glob patterns for denyWrite and denyRead (landstrip.ini(5)).
 *
 * Patterns and paths are absolute and normalised (no "." or ".." component,
 * no double or trailing slash except "/" itself).  Both are read as lists of
 * components split at every '/':
 *
 *   *        any run of bytes within one component, possibly empty; a
 *            leading dot is matched like any other byte
 *   ?        exactly one byte (never '/')
 *   [abc] [a-z] [!abc] [^abc]
 *            one byte of (or not of) a class; ']' first in the class is
 *            literal, '-' first or last is literal, '\' escapes inside too
 *   \c       the byte c itself ('/' cannot be escaped)
 *   **       as a whole component: zero or more whole components
 *
 * Matching is byte-wise and case-sensitive; there is no brace expansion.
 * Every function but glob_expand is pure: no syscall, no allocation, so the
 * supervisor can call them from any thread on any request.  The matcher is
 * a set-of-states walk over (pattern component, path component): its cost
 * is bounded by (pattern components x path components x component lengths)
 * however the pattern is written, with no backtracking across components.
 *
 * The functions expect a pattern that glob_check accepted.  One that was not
 * checked still gives an answer: an unterminated '[' and a trailing '\' are
 * then literal bytes, a '**' inside a component acts as '*'; one with more
 * than GLOB_MAX_COMPONENTS components matches everything (fail closed: these
 * patterns deny). */
#ifndef LANDSTRIP_GLOB_H
#define LANDSTRIP_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* No path shorter than PATH_MAX (4096) has more components than this. */
#define GLOB_MAX_COMPONENTS 2048

/* Does TEXT contain an unescaped '*', '?' or '['? */
bool glob_is_pattern(const char *text);

/* Validate syntax: 0, or -1 with WHY ("'**' must be a whole path
 * component", "unterminated '['", "trailing '\\'", "'\\' cannot escape
 * '/'", "more than 2048 path components").  WHY may be NULL.  Call it on the
 * expanded (absolute) pattern: the component bound counts the whole path. */
int glob_check(const char *pattern, char *why, size_t whylen);

/* The leading components without wildcards, unescaped, e.g. "/a/b?" ->
 * "/a", "/a\*b/c?" -> "/a*b"; a "**" component ends the prefix too, so a
 * pattern starting with one has the prefix "/".  A pattern without
 * wildcards is its own prefix.  Writes into OUT (capacity OUTLEN); returns
 * 0, or -1 when it does not fit. */
int glob_fixed_prefix(const char *pattern, char *out, size_t outlen);

/* Does PATTERN match the whole of PATH? */
bool glob_match(const char *pattern, const char *path);

/* The deepest place PATTERN covers PATH: the length in bytes of the longest
 * ancestor-or-self prefix of PATH, cut at a component boundary, that
 * PATTERN matches ("/" counts 1), or -1 when none does.  E.g. the pattern of
 * components "p", "**", "?.pem" against "/p/a.pem/b.pem/x" ->
 * strlen("/p/a.pem/b.pem"). */
long glob_match_depth(const char *pattern, const char *path);

/* The highest place PATTERN covers PATH: the length of the shortest
 * ancestor-or-self prefix of PATH that PATTERN matches, or -1.  This is
 * where a deny pattern takes effect (it covers everything below a match),
 * so an allowWrite root inside that place is more specific than it:
 * the pattern of components "p", "secrets", "**" covers "/p/secrets/public/x"
 * from "/p/secrets". */
long glob_match_shallowest(const char *pattern, const char *path);

/* Could a path strictly below DIR match PATTERN?  Also true when DIR or an
 * ancestor of it matches (everything below is covered then).  It assumes
 * every component of the pattern can match some name: a safe
 * over-approximation, never a false "no". */
bool glob_may_match_below(const char *pattern, const char *dir);

/* Is PATTERN of the form FIXED, "**", ONE (FIXED: components without
 * wildcards; one or more "**" components; ONE: a single last component that
 * is not "**"), as the components "p", "**", ".env"?  Whether a path
 * matches then depends only on it being below FIXED and on its last
 * component, so moving a directory within FIXED never changes whether
 * anything inside it matches. */
bool glob_basename_only(const char *pattern);

/* Call FOUND(CTX, path) for every existing path that PATTERN matches, by
 * walking below its fixed prefix.  The prefix is opened as written
 * (symlinks in it are followed: it names where the author meant); below it
 * no symlink is followed (openat O_NOFOLLOW|O_DIRECTORY from the parent's
 * fd), a symlink whose own name matches is reported as itself, nothing
 * below a match is visited (the deny covers it), subtrees that cannot hold
 * a match are skipped and so are directories that cannot be opened.  PATH is
 * valid during the call only.
 *
 * Returns 0 (a missing prefix: 0 with no call), or -1 with errno: E2BIG
 * when more than LIMIT directory entries would be read (fail closed: the
 * caller refuses to run), EINVAL for a pattern glob_check refuses,
 * ENAMETOOLONG for a path of PATH_MAX bytes or more, EMFILE, ENFILE, ENOMEM
 * or EIO from the walk itself.  FOUND may have been called before a -1. */
int glob_expand(const char *pattern, size_t limit,
		void (*found)(void *ctx, const char *path), void *ctx);

#endif
