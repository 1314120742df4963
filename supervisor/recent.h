/* A bounded set of fixed-size byte keys that forgets the least recently
 * put key when full: the supervisor's memory of what a sandbox created
 * (decide.h), looked up on every mediated call.
 *
 * Lookup and put are O(1) on average: the entries sit in one array,
 * chained oldest to newest by index (the LRU order), and an
 * open-addressing hash index (linear probing, at most half full) points
 * into them.  Arrays are allocated on the first put and grown
 * geometrically up to the capacity, so an idle sandbox costs nothing and
 * a busy one never reallocates once full: the oldest entry's slot is
 * reused in place.
 *
 * The hash is not keyed: a tool choosing keys that collide (abstract
 * names, say) can degrade lookups in its own sandbox's sets to scans of
 * at most the capacity, which is what every lookup cost before.
 *
 * Keys are compared whole with memcmp: callers memset a key before
 * filling it, so that padding bytes are defined.  A key the set hands
 * back is aligned as malloc aligns, so it can be read as the struct it
 * was made from.
 *
 * A zeroed struct recent is an empty set: recent_contains, recent_count,
 * recent_free and the iterator accept it; recent_put needs recent_init
 * first (recent_ready tells whether that happened). */
#ifndef LANDSTRIP_RECENT_H
#define LANDSTRIP_RECENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most a set can hold: entry indexes are 32-bit. */
#define RECENT_MAX_CAP (UINT32_MAX / 4)

struct recent {
	size_t key_size;
	size_t cap;        /* most keys kept */
	size_t count;      /* keys kept now */
	size_t allocated;  /* entries the array has room for (<= cap) */
	size_t stride;     /* bytes per entry: links, hash, key */
	unsigned char *entries;
	struct recent_slot {
		uint32_t entry; /* entry index + 1; 0: empty */
		uint32_t hash;  /* of that entry's key, to skip memcmp
				   and find its home slot when shifting */
	} *index;
	size_t index_size; /* power of two, >= 2 * allocated */
	uint32_t oldest, newest; /* entry indexes; RECENT_NONE when empty */
};

#define RECENT_NONE UINT32_MAX

/* An empty set of KEY_SIZE-byte keys keeping at most CAP of them
 * (clamped to RECENT_MAX_CAP).  Allocates nothing. */
void recent_init(struct recent *set, size_t key_size, size_t cap);
bool recent_ready(const struct recent *set);

/* Remember KEY as the newest.  A key already there is moved to the
 * newest end; a new one when the set is full replaces the oldest.
 * False when it could not be kept (out of memory, no recent_init, cap
 * 0): the caller treats that as never having seen it. */
bool recent_put(struct recent *set, const void *key);

/* recent_put, setting SET up first (KEY_SIZE, CAP) when it never was:
 * for sets inside structs that are zeroed, not initialised. */
bool recent_remember(struct recent *set, const void *key, size_t key_size,
		     size_t cap);

bool recent_contains(const struct recent *set, const void *key);
size_t recent_count(const struct recent *set);

/* Release the memory; SET stays initialised, empty, ready for puts. */
void recent_free(struct recent *set);

/* Walking the keys from the oldest to the newest:
 *
 *	struct recent_iter it;
 *	recent_iter_oldest(set, &it);
 *	for (const void *key; (key = recent_next(&it));)
 *		...
 *
 * The set must not change during the walk. */
struct recent_iter {
	const struct recent *set;
	uint32_t at;
};
void recent_iter_oldest(const struct recent *set, struct recent_iter *it);
const void *recent_next(struct recent_iter *it);

/* The newest key, or NULL when empty. */
const void *recent_newest(const struct recent *set);

/* The hash the index uses (FNV-1a, folded): exposed so that the tests can
 * build keys that collide. */
uint32_t recent_hash(const void *key, size_t size);

#endif
