#include "decide_write.h"
#include "diag.h"
#include "glob.h"
#include "paths.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void write_granted_index(struct write_policy *wp)
{
	free(wp->granted_slots);
	free(wp->granted_hashes);
	wp->granted_slots = NULL;
	wp->granted_hashes = NULL;
	wp->granted_slot_count = 0;
	if (!wp->granted_count)
		return;
	wp->granted_hashes = xcalloc(wp->granted_count, sizeof *wp->granted_hashes);
	size_t slots = 8;
	while (slots < 2 * wp->granted_count)
		slots *= 2;
	wp->granted_slots = xcalloc(slots, sizeof *wp->granted_slots);
	wp->granted_slot_count = slots;
	for (size_t i = 0; i < wp->granted_count; i++) {
		const char *p = wp->granted[i].path;
		wp->granted_hashes[i] = path_hash(p, strlen(p));
		size_t at = wp->granted_hashes[i] & (slots - 1);
		while (wp->granted_slots[at])
			at = (at + 1) & (slots - 1);
		wp->granted_slots[at] = i + 1;
	}
}

/* The grant whose path is PATH's first LEN bytes, or NULL. */
static const struct write_granted *granted_at(const struct write_policy *wp,
					      const char *path, size_t len,
					      uint64_t hash)
{
	size_t mask = wp->granted_slot_count - 1;
	for (size_t at = hash & mask; wp->granted_slots[at];
	     at = (at + 1) & mask) {
		size_t i = wp->granted_slots[at] - 1;
		const struct write_granted *g = &wp->granted[i];
		if (wp->granted_hashes[i] == hash &&
		    strncmp(g->path, path, len) == 0 && g->path[len] == '\0')
			return g;
	}
	return NULL;
}

/* What the index answers: a directory strictly above PATH (its own entry
 * is made and removed in its parent, which is not granted), or, for an
 * object, PATH itself.  The granted paths are never nested (each lies
 * beside the path to a deny, and holds none), so there is one at most. */
static const struct write_granted *
granted_indexed(const struct write_policy *wp, const char *path, bool entry)
{
	uint64_t h = PATH_HASH_START;
	size_t i = 0;
	for (; path[i]; h = path_hash_step(h, (unsigned char)path[i]), i++) {
		if (path[i] != '/' || i == 0 || (entry && !path[i + 1]))
			continue;
		const struct write_granted *g = granted_at(wp, path, i, h);
		if (g && g->dir)
			return g;
	}
	return entry ? NULL : granted_at(wp, path, i, h);
}

const struct write_granted *write_granted_for(const struct write_policy *wp,
					      const char *path, bool entry)
{
	if (wp->granted_slot_count)
		return granted_indexed(wp, path, entry);
	for (size_t i = 0; i < wp->granted_count; i++) {
		const struct write_granted *g = &wp->granted[i];
		if (!g->dir) {
			if (!entry && strcmp(path, g->path) == 0)
				return g;
			continue;
		}
		/* Strictly below the directory: its own entry is made and
		 * removed in its parent, which is not granted. */
		size_t len = strlen(g->path);
		if (strncmp(path, g->path, len) == 0 && path[len] == '/' &&
		    (!entry || path[len + 1] != '\0'))
			return g;
		if (!entry && strcmp(path, g->path) == 0)
			return g;
	}
	return NULL;
}

bool write_mediated(const struct write_policy *wp, const char *path)
{
	for (size_t i = 0; i < wp->mediated_root_count; i++)
		if (path_within(path, wp->mediated_roots[i]))
			return true;
	return false;
}

/* Where RULE takes effect above PATH: the length of the ancestor-or-self
 * of PATH it names (longer is deeper, as all are prefixes of PATH), or -1.
 * A pattern takes effect at its highest match: it covers everything below
 * that, so a pattern ending in "secrets", "**" sits at secrets/ and an allowWrite root inside
 * secrets/ is more specific. */
static long match_depth(const struct write_rule *rule, const char *path)
{
	if (rule->glob)
		return glob_match_shallowest(rule->path, path);
	return path_within(path, rule->path) ? (long)strlen(rule->path) : -1;
}

void decide_write(const struct write_policy *wp, const char *path,
		  struct write_decision *out)
{
	const struct write_rule *best = NULL;
	long best_depth = -1;
	for (size_t i = 0; i < wp->rule_count; i++) {
		const struct write_rule *r = &wp->rules[i];
		if (r->kind == READ_ALLOW || r->kind == READ_DENY)
			continue;
		long depth = match_depth(r, path);
		if (depth < 0)
			continue;
		if (r->kind == WRITE_MANDATORY) {
			*out = (struct write_decision){false, r, false};
			return;
		}
		if (depth > best_depth ||
		    (depth == best_depth && r->kind == WRITE_DENY)) {
			best = r;
			best_depth = depth;
		}
	}
	*out = (struct write_decision){best && best->kind == WRITE_ALLOW, best,
				       best_depth == (long)strlen(path)};
}

void decide_read(const struct write_policy *wp, const char *path,
		 struct write_decision *out)
{
	const struct write_rule *best = NULL;
	long best_depth = -1;
	for (size_t i = 0; i < wp->rule_count; i++) {
		const struct write_rule *r = &wp->rules[i];
		if (r->kind != READ_ALLOW && r->kind != READ_DENY)
			continue;
		long depth = match_depth(r, path);
		if (depth > best_depth ||
		    (depth >= 0 && depth == best_depth && r->kind == READ_DENY)) {
			best = r;
			best_depth = depth;
		}
	}
	*out = (struct write_decision){!best || best->kind == READ_ALLOW, best,
				       best_depth == (long)strlen(path)};
}

bool write_mkdir_exempt(const struct write_decision *d)
{
	const struct write_rule *r = d->rule;
	if (d->allowed || !r || r->kind != WRITE_DENY || !d->at_path)
		return false;
	/* A path, or a pattern ending in a "**" component (a directory
	 * and everything in it); not a pattern on names such as the .env
	 * one, where a directory of that name is as unwanted as a file. */
	size_t len = strlen(r->path);
	return !r->glob ||
	       (len >= 3 && strcmp(r->path + len - 3, "/**") == 0);
}

/* Does a deny lie strictly below DIR, or could a pattern (other than one
 * on the last component alone) match strictly below it? */
static bool holds_deny(const struct write_rule *r, const char *dir)
{
	if (!r->glob)
		return path_strictly_within(r->path, dir);
	return !glob_basename_only(r->path) && glob_may_match_below(r->path, dir);
}

/* A pattern on the last component alone (PREFIX / ** / NAME) matches by
 * name below PREFIX: a move changes that only when it crosses PREFIX, or
 * moves PREFIX itself. */
static bool crosses_prefix(const struct write_rule *r, const char *from,
			   const char *to)
{
	char prefix[4096];
	if (!r->glob || !glob_basename_only(r->path) ||
	    glob_fixed_prefix(r->path, prefix, sizeof prefix) < 0)
		return false;
	return path_strictly_within(prefix, from) ||
	       path_strictly_within(prefix, to) ||
	       path_within(from, prefix) != path_within(to, prefix);
}

bool write_move_unsafe(const struct write_policy *wp, const char *from,
		       const char *to)
{
	for (size_t i = 0; i < wp->rule_count; i++) {
		const struct write_rule *r = &wp->rules[i];
		if (r->kind != WRITE_DENY && r->kind != WRITE_MANDATORY &&
		    r->kind != READ_DENY)
			continue;
		if (holds_deny(r, from) || holds_deny(r, to) ||
		    crosses_prefix(r, from, to))
			return true;
	}
	return false;
}

void write_hint(const struct write_decision *d, const char *path,
		const char *config, char *buf, size_t len)
{
	const struct write_rule *r = d->rule;
	if (r && r->kind == WRITE_MANDATORY) {
		snprintf(buf, len, "%s", r->label);
	} else if (r && (r->kind == WRITE_DENY || r->kind == READ_DENY)) {
		if (r->line > 0 && config)
			snprintf(buf, len, "%s at %s:%d", r->label, config,
				 r->line);
		else
			snprintf(buf, len, "%s", r->label);
	} else {
		/* The directory the entry is in: granting the file alone
		 * would not let a tool replace it (rename into place). */
		const char *slash = strrchr(path, '/');
		int dir_len = slash && slash != path ? (int)(slash - path) : 1;
		snprintf(buf, len,
			 "not under any allowWrite root; to allow it: "
			 "allowWrite = %.*s",
			 dir_len, path);
	}
}

void write_policy_free(struct write_policy *wp)
{
	for (size_t i = 0; i < wp->rule_count; i++) {
		free(wp->rules[i].label);
		free(wp->rules[i].path);
	}
	free(wp->rules);
	for (size_t i = 0; i < wp->mediated_root_count; i++)
		free(wp->mediated_roots[i]);
	free(wp->mediated_roots);
	for (size_t i = 0; i < wp->granted_count; i++)
		free(wp->granted[i].path);
	free(wp->granted);
	free(wp->granted_slots);
	free(wp->granted_hashes);
	memset(wp, 0, sizeof *wp);
}
