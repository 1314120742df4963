/* Deciding mediated writes: "the most specific rule wins".
 *
 * Pure functions over canonical paths, so that every rule has a unit test.
 * The caller (supervisor/fsmediate.c) resolves the path the target named
 * to a directory or file it holds open, and asks here about that object's
 * canonical path: never about the string the target passed.
 *
 * For a path X every rule "matches at" the place above X where it takes
 * effect: a concrete rule at its own path when that is X or above it, a
 * glob at the highest ancestor-or-self of X the pattern matches (it
 * covers everything below a match).  The rule
 * matching deepest decides; on a tie the deny wins; a mandatory deny
 * (landstrip's own files) wins wherever it matches.  X under no rule at
 * all is refused: writes are denied by default. */
#ifndef LANDSTRIP_DECIDE_WRITE_H
#define LANDSTRIP_DECIDE_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum write_rule_kind {
	WRITE_ALLOW = 1,     /* allowWrite */
	WRITE_DENY = 2,      /* denyWrite, denyRead */
	WRITE_MANDATORY = 3, /* landstrip's own files */
	READ_ALLOW = 4,      /* allowRead, or a write root */
	READ_DENY = 5,       /* denyRead */
};

struct write_rule {
	enum write_rule_kind kind;
	bool glob;
	int line;     /* config line, 0 for built-in rules */
	char *label;  /* "denyWrite = .git/hooks" as written */
	char *path;   /* canonical path, or absolute pattern */
};

/* What Landlock grants inside a mediated root (a snapshot taken by the
 * shim's walk), and the inode it was granted on: a directory removed and
 * made again by that name is not granted. */
struct write_granted {
	char *path;
	bool dir;
	dev_t dev;
	ino_t ino; /* 0: gone already when registered */
};

struct write_policy {
	struct write_rule *rules;
	size_t rule_count;
	char **mediated_roots; /* the supervisor performs writes below these */
	size_t mediated_root_count;
	struct write_granted *granted;
	size_t granted_count;
	/* granted[] by path, built by write_granted_index: slots hold an
	 * index + 1 (0: empty); none (0 slots) means a linear search. */
	size_t *granted_slots;
	uint64_t *granted_hashes; /* path_hash of each granted[].path */
	size_t granted_slot_count; /* a power of two, or 0 */
	/* A read deny lies inside a mediated root: Landlock's read rules are
	 * a snapshot there, which files the supervisor creates later are not
	 * in, so opens for reading there are decided here too. */
	bool mediate_reads;
};

struct write_decision {
	bool allowed;
	const struct write_rule *rule; /* the deciding rule; NULL: no grant */
	bool at_path; /* the rule matched PATH itself, not a place above it */
};

/* Is PATH at or below a mediated root? */
bool write_mediated(const struct write_policy *wp, const char *path);

/* The grant under which Landlock decides a call on PATH, or NULL: for an
 * ENTRY (a name made or removed) its directory must lie in a granted
 * directory; for an object (opened for writing, truncated) PATH must be a
 * granted file or lie in a granted directory.  The caller checks that the
 * grant's inode is still at its path. */
const struct write_granted *write_granted_for(const struct write_policy *wp,
					      const char *path, bool entry);

/* Index granted[] by path, once it is complete: every trapped write asks
 * write_granted_for, and a git checkout traps two calls a file. */
void write_granted_index(struct write_policy *wp);

void decide_write(const struct write_policy *wp, const char *path,
		  struct write_decision *out);

/* Reads, by the READ_* rules alone: the most specific wins, a tie goes
 * to the deny, and a path no rule covers is readable (reads are an
 * allowlist from "/" minus the denies). */
void decide_read(const struct write_policy *wp, const char *path,
		 struct write_decision *out);

/* mkdir(2) of exactly the path a (non-mandatory) deny names is allowed:
 * an empty directory plants nothing, everything below it stays denied,
 * and `git init` must be able to make .git/hooks under such a deny.  Not
 * for a pattern on names (a directory called .env is refused like a
 * file), only for a path or a pattern ending in a "**" component. */
bool write_mkdir_exempt(const struct write_decision *d);

/* Would renaming FROM to TO (either way: an exchange too) move denied
 * paths or plant a tree where a deny applies?  True when a deny lies
 * strictly below either, when a pattern could match strictly below
 * either, and, for a pattern on the last component alone (PREFIX / ** /
 * NAME, which a move inside PREFIX never changes), when the move crosses
 * PREFIX or moves it.  Asked whatever FROM is: a racer can swap a file
 * for a directory between a look at its type and the rename. */
bool write_move_unsafe(const struct write_policy *wp, const char *from,
		       const char *to);

/* The report's hint for a refusal of PATH: the rule and where it is, or
 * the allowWrite line that would grant it.  CONFIG is the config origin
 * (may be NULL). */
void write_hint(const struct write_decision *d, const char *path,
		const char *config, char *buf, size_t len);

void write_policy_free(struct write_policy *wp);

#endif
