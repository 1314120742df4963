/* A bounded, least-recently-put-forgetting set of byte keys (recent.h).
 *
 * Invariants, relied on throughout:
 *  - the live entries are exactly indexes [0, count): an entry leaves only
 *    when the set is full, and its index is reused at once for the key
 *    that pushed it out;
 *  - every live entry has exactly one index slot, reachable from its home
 *    slot (hash & mask) through occupied slots only;
 *  - the index is at most half full (index_size >= 2 * allocated), so a
 *    probe always meets an empty slot. */
#include "recent.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Entries the first put allocates: enough for a sandbox that binds a few
 * sockets, small enough that one that binds none would not notice. */
#define RECENT_FIRST 16

struct recent_entry {
	uint32_t older, newer; /* LRU neighbours; RECENT_NONE at the ends */
	uint32_t hash;
	/* aligned as malloc aligns: callers read keys as their structs */
	_Alignas(max_align_t) unsigned char key[];
};

uint32_t recent_hash(const void *key, size_t size)
{
	const unsigned char *p = key;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	/* A product's low bits depend only on its factors' low bits: without
	 * this fold, keys differing in the high bits of their bytes would
	 * share a home slot in a small index. */
	return h ^ (h >> 16);
}

void recent_init(struct recent *set, size_t key_size, size_t cap)
{
	size_t align = _Alignof(struct recent_entry);
	memset(set, 0, sizeof *set);
	set->key_size = key_size;
	set->cap = cap < RECENT_MAX_CAP ? cap : RECENT_MAX_CAP;
	set->stride = (sizeof(struct recent_entry) + key_size + align - 1) /
		      align * align;
	set->oldest = set->newest = RECENT_NONE;
}

bool recent_ready(const struct recent *set)
{
	return set->key_size > 0;
}

size_t recent_count(const struct recent *set)
{
	return set->count;
}

static struct recent_entry *entry_at(const struct recent *set, uint32_t i)
{
	return (struct recent_entry *)(set->entries + (size_t)i * set->stride);
}

static size_t home_of(const struct recent *set, uint32_t hash)
{
	return hash & (set->index_size - 1);
}

static size_t next_slot(const struct recent *set, size_t slot)
{
	return (slot + 1) & (set->index_size - 1);
}

/* The index slot holding KEY, or SIZE_MAX. */
static size_t find_slot(const struct recent *set, const void *key,
			uint32_t hash)
{
	if (!set->count)
		return SIZE_MAX;
	for (size_t s = home_of(set, hash); set->index[s].entry;
	     s = next_slot(set, s)) {
		const struct recent_slot *slot = &set->index[s];
		if (slot->hash == hash &&
		    memcmp(entry_at(set, slot->entry - 1)->key, key,
			   set->key_size) == 0)
			return s;
	}
	return SIZE_MAX;
}

/* The index slot of live entry E (which is certainly there). */
static size_t slot_of_entry(const struct recent *set, uint32_t e)
{
	size_t s = home_of(set, entry_at(set, e)->hash);
	while (set->index[s].entry != e + 1)
		s = next_slot(set, s);
	return s;
}

static void index_insert(struct recent *set, uint32_t e, uint32_t hash)
{
	size_t s = home_of(set, hash);
	while (set->index[s].entry)
		s = next_slot(set, s);
	set->index[s] = (struct recent_slot){.entry = e + 1, .hash = hash};
}

/* Empty slot HOLE without tombstones: walk the cluster after it and move
 * back every slot whose home does not lie between the hole and itself
 * (probing from its home would cross the hole and stop there). */
static void index_remove(struct recent *set, size_t hole)
{
	size_t mask = set->index_size - 1;
	for (size_t s = next_slot(set, hole); set->index[s].entry;
	     s = next_slot(set, s)) {
		size_t displaced = (s - home_of(set, set->index[s].hash)) & mask;
		size_t gap = (s - hole) & mask;
		if (displaced >= gap) {
			set->index[hole] = set->index[s];
			hole = s;
		}
	}
	set->index[hole] = (struct recent_slot){0};
}

static void unlink_entry(struct recent *set, uint32_t e)
{
	struct recent_entry *x = entry_at(set, e);
	if (x->older != RECENT_NONE)
		entry_at(set, x->older)->newer = x->newer;
	else
		set->oldest = x->newer;
	if (x->newer != RECENT_NONE)
		entry_at(set, x->newer)->older = x->older;
	else
		set->newest = x->older;
}

static void link_newest(struct recent *set, uint32_t e)
{
	struct recent_entry *x = entry_at(set, e);
	x->older = set->newest;
	x->newer = RECENT_NONE;
	if (set->newest != RECENT_NONE)
		entry_at(set, set->newest)->newer = e;
	else
		set->oldest = e;
	set->newest = e;
}

/* Room for twice the entries (at most cap), and an index rebuilt for
 * them.  On failure the set is unchanged (the entry array may have grown
 * without being used: harmless, the next try reallocates it). */
static bool grow(struct recent *set)
{
	size_t want = set->allocated ? set->allocated * 2 : RECENT_FIRST;
	if (want > set->cap)
		want = set->cap;
	if (want > SIZE_MAX / set->stride)
		return false;
	size_t slots = 1;
	while (slots < 2 * want)
		slots <<= 1;
	unsigned char *entries = realloc(set->entries, want * set->stride);
	if (!entries)
		return false;
	set->entries = entries;
	struct recent_slot *index = calloc(slots, sizeof *index);
	if (!index)
		return false;
	free(set->index);
	set->index = index;
	set->index_size = slots;
	set->allocated = want;
	for (uint32_t e = 0; e < set->count; e++)
		index_insert(set, e, entry_at(set, e)->hash);
	return true;
}

/* The entry index a new key goes to: a fresh one, or the oldest's. */
static bool take_entry(struct recent *set, uint32_t *e)
{
	if (set->count == set->cap) {
		*e = set->oldest;
		index_remove(set, slot_of_entry(set, *e));
		unlink_entry(set, *e);
		set->count--;
		return true;
	}
	if (set->count == set->allocated && !grow(set))
		return false;
	*e = (uint32_t)set->count;
	return true;
}

bool recent_put(struct recent *set, const void *key)
{
	if (!recent_ready(set) || !set->cap)
		return false;
	uint32_t hash = recent_hash(key, set->key_size);
	size_t found = find_slot(set, key, hash);
	if (found != SIZE_MAX) {
		uint32_t e = set->index[found].entry - 1;
		unlink_entry(set, e);
		link_newest(set, e);
		return true;
	}
	uint32_t e;
	if (!take_entry(set, &e))
		return false;
	struct recent_entry *x = entry_at(set, e);
	x->hash = hash;
	memcpy(x->key, key, set->key_size);
	index_insert(set, e, hash);
	link_newest(set, e);
	set->count++;
	return true;
}

bool recent_remember(struct recent *set, const void *key, size_t key_size,
		     size_t cap)
{
	if (!recent_ready(set))
		recent_init(set, key_size, cap);
	return recent_put(set, key);
}

bool recent_contains(const struct recent *set, const void *key)
{
	if (!set->count)
		return false;
	return find_slot(set, key, recent_hash(key, set->key_size)) != SIZE_MAX;
}

void recent_free(struct recent *set)
{
	free(set->entries);
	free(set->index);
	recent_init(set, set->key_size, set->cap);
}

void recent_iter_oldest(const struct recent *set, struct recent_iter *it)
{
	it->set = set;
	it->at = set->count ? set->oldest : RECENT_NONE;
}

const void *recent_next(struct recent_iter *it)
{
	if (it->at == RECENT_NONE)
		return NULL;
	const struct recent_entry *x = entry_at(it->set, it->at);
	it->at = x->newer;
	return x->key;
}

const void *recent_newest(const struct recent *set)
{
	return set->count ? entry_at(set, set->newest)->key : NULL;
}
