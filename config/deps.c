#include "deps.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct deps lowering_deps;

/* The noted paths by hash (index + 1; 0 is free): every lookup notes each
 * prefix of its path, and a linear search of the list for each made the
 * recording quadratic (a scan of 96 directories spent a millisecond in
 * strncmp). */
#define KNOWN_SLOTS (4 * DEPS_MAX)
static uint16_t known_slots[KNOWN_SLOTS];

void deps_start(void)
{
	deps_stop();
	lowering_deps.on = true;
}

void deps_stop(void)
{
	/* Field by field: the 10 KB of items stay untouched (and unfaulted)
	 * in a shim that never recorded. */
	for (size_t i = 0; i < lowering_deps.count; i++)
		free(lowering_deps.items[i].path);
	if (lowering_deps.count)
		memset(known_slots, 0, sizeof known_slots);
	lowering_deps.count = 0;
	lowering_deps.on = false;
	lowering_deps.tainted = NULL;
}

void deps_taint(const char *why)
{
	if (lowering_deps.on && !lowering_deps.tainted)
		lowering_deps.tainted = why;
}

static uint32_t path_hash(const char *path, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)path[i]) * 16777619u;
	return h;
}

/* Is PATH[0..LEN) noted?  Else *SLOT is where it would go. */
static bool known(const char *path, size_t len, size_t *slot)
{
	size_t i = path_hash(path, len) % KNOWN_SLOTS;
	for (; known_slots[i]; i = (i + 1) % KNOWN_SLOTS) {
		const char *p = lowering_deps.items[known_slots[i] - 1].path;
		if (strncmp(p, path, len) == 0 && p[len] == '\0')
			return true;
	}
	*slot = i;
	return false;
}

/* Stat the directory PATH[0..LEN) now, before anything is looked up in
 * it: a change after this point shows as a different ctime.  FILE: PATH
 * is a regular file whose content was read (a change to it moves its
 * ctime too). */
static void note_as(const char *path, size_t len, bool file)
{
	size_t slot = 0;
	if (!lowering_deps.on || lowering_deps.tainted || known(path, len, &slot))
		return;
	if (lowering_deps.count == DEPS_MAX)
		return deps_taint("more directories than the cache follows");
	char *copy = xstrndup(path, len);
	struct stat st;
	if (lstat(copy, &st) < 0) {
		/* Missing: its parent, noted before it, covers its creation. */
		free(copy);
		return;
	}
	if (!(file ? S_ISREG(st.st_mode) : S_ISDIR(st.st_mode))) {
		free(copy);
		return deps_taint(S_ISLNK(st.st_mode) ? "a symlink on the way"
				  : file	      ? "not a regular file"
						      : "a non-directory on "
							"the way");
	}
	/* A change within the filesystem's timestamp granularity after this
	 * stat might leave the ctime as it is: only a directory that has not
	 * changed for a while can vouch for what the walk sees in it. */
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	long long age = ((long long)now.tv_sec - st.st_ctim.tv_sec) * 1000000000LL +
			(now.tv_nsec - st.st_ctim.tv_nsec);
	if (age < DEPS_SETTLE_NS) {
		free(copy);
		return deps_taint("a directory changed in the last 50 ms");
	}
	known_slots[slot] = (uint16_t)(lowering_deps.count + 1);
	lowering_deps.items[lowering_deps.count++] = (struct dep){
		copy, (uint64_t)st.st_dev, (uint64_t)st.st_ino,
		(int64_t)st.st_ctim.tv_sec, (uint32_t)st.st_ctim.tv_nsec};
}

static void note(const char *path, size_t len)
{
	note_as(path, len, false);
}

void deps_note_lookup(const char *abs)
{
	if (!lowering_deps.on || abs[0] != '/')
		return;
	note("/", 1);
	/* Every proper prefix ending before a '/': "/a", "/a/b" of "/a/b/c". */
	for (const char *p = abs + 1; (p = strchr(p, '/')); p++)
		note(abs, (size_t)(p - abs));
}

void deps_note_dir(const char *abs)
{
	if (!lowering_deps.on || abs[0] != '/')
		return;
	deps_note_lookup(abs);
	note(abs, strlen(abs));
}

void deps_note_file(const char *abs)
{
	if (!lowering_deps.on || abs[0] != '/')
		return;
	deps_note_lookup(abs);
	note_as(abs, strlen(abs), true);
}
