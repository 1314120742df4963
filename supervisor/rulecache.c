#include "rulecache.h"
#include "../config/system.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct slot {
	struct wire_cache_put entry; /* key, blob, deps */
	int ruleset_fd;              /* -1: free */
	unsigned long used;          /* for least-recently-used eviction */
};

static struct slot slots[RULECACHE_SLOTS];
static unsigned long clock_ticks;
static bool initialised;

static void init(void)
{
	if (initialised)
		return;
	for (size_t i = 0; i < RULECACHE_SLOTS; i++)
		slots[i].ruleset_fd = -1;
	initialised = true;
}

static void drop(struct slot *s)
{
	if (s->ruleset_fd >= 0)
		close(s->ruleset_fd);
	wire_cache_put_free(&s->entry);
	s->ruleset_fd = -1;
}

/* The key starts with the shim's mount namespace (device and inode of
 * /proc/self/ns/mnt, 16 bytes: shim/rulecache.c).  The directories are
 * checked here, in ours: a shim in another one gets nothing, and gives
 * nothing. */
static bool in_our_namespace(const unsigned char *key, size_t len)
{
	static unsigned char ours[16];
	static int known = -1;
	if (known < 0) {
		struct stat st;
		known = stat("/proc/self/ns/mnt", &st) == 0;
		if (known) {
			uint64_t id[2] = {(uint64_t)st.st_dev,
					  (uint64_t)st.st_ino};
			memcpy(ours, id, sizeof ours);
		}
	}
	return known && len >= sizeof ours && memcmp(key, ours, sizeof ours) == 0;
}

static bool dep_unchanged(const struct wire_dep *d)
{
	struct stat st;
	/* A directory looked up in or listed, or a file read (a .git
	 * file the protected set followed: shim/rulecache.h). */
	return lstat(d->path, &st) == 0 &&
	       (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) &&
	       (uint64_t)st.st_dev == d->dev && (uint64_t)st.st_ino == d->ino &&
	       (int64_t)st.st_ctim.tv_sec == d->ctime_sec &&
	       (uint32_t)st.st_ctim.tv_nsec == d->ctime_nsec;
}

static bool still_good(const struct slot *s)
{
	for (size_t i = 0; i < s->entry.dep_count; i++)
		if (!dep_unchanged(&s->entry.deps[i]))
			return false;
	return true;
}

static struct slot *find(const unsigned char *key, size_t len)
{
	for (size_t i = 0; i < RULECACHE_SLOTS; i++) {
		struct slot *s = &slots[i];
		if (s->ruleset_fd >= 0 && s->entry.key_len == len &&
		    memcmp(s->entry.key, key, len) == 0)
			return s;
	}
	return NULL;
}

void rulecache_get(int channel, const unsigned char *key, size_t len)
{
	init();
	struct slot *s = find(key, len);
	if (s && !still_good(s)) {
		drop(s);
		s = NULL;
	}
	if (!s || !in_our_namespace(key, len)) {
		wire_send(channel, WIRE_CACHE_MISS, NULL, 0, NULL, 0);
		return;
	}
	s->used = ++clock_ticks;
	if (wire_send(channel, WIRE_CACHE_HIT, s->entry.blob, s->entry.blob_len,
		      &s->ruleset_fd, 1) < 0)
		wire_send(channel, WIRE_CACHE_MISS, NULL, 0, NULL, 0);
}

/* Every dep as it is now, and settled (see RULECACHE_SETTLE_NS). */
static bool deps_settled(const struct wire_cache_put *e)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	for (size_t i = 0; i < e->dep_count; i++) {
		const struct wire_dep *d = &e->deps[i];
		long long age = ((long long)now.tv_sec - d->ctime_sec) *
					1000000000LL +
				(now.tv_nsec - (long long)d->ctime_nsec);
		if (age < RULECACHE_SETTLE_NS || !dep_unchanged(d))
			return false;
	}
	return true;
}

static struct slot *slot_for(const unsigned char *key, size_t len)
{
	struct slot *s = find(key, len);
	if (s)
		return s;
	struct slot *oldest = &slots[0];
	for (size_t i = 0; i < RULECACHE_SLOTS; i++) {
		if (slots[i].ruleset_fd < 0)
			return &slots[i];
		if (slots[i].used < oldest->used)
			oldest = &slots[i];
	}
	return oldest;
}

void rulecache_put(const unsigned char *payload, size_t len, int ruleset_fd)
{
	init();
	struct wire_cache_put e;
	char err[256];
	if (wire_decode_cache_put(payload, len, &e, err, sizeof err) < 0 ||
	    !fd_is_anon_inode(ruleset_fd, "landlock-ruleset") ||
	    !in_our_namespace(e.key, e.key_len) ||
	    !deps_settled(&e)) {
		wire_cache_put_free(&e);
		close(ruleset_fd);
		return;
	}
	struct slot *s = slot_for(e.key, e.key_len);
	drop(s);
	s->entry = e;
	s->ruleset_fd = ruleset_fd;
	s->used = ++clock_ticks;
}
