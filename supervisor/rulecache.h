/* The session supervisor's ruleset cache (landstrip-supervisor(8), "The
 * ruleset cache").  A shim that built a Landlock ruleset hands it over
 * with the key it was built from and the directories it looked at; a
 * later shim with the same key gets the ruleset back, while every one of
 * those directories is unchanged, and skips its own walk. */
#ifndef LANDSTRIP_RULECACHE_H
#define LANDSTRIP_RULECACHE_H

#include "protocol.h"

#include <stdbool.h>
#include <stddef.h>

#define RULECACHE_SLOTS 16

/* A directory whose ctime is this close to the moment it is offered
 * might change again within the filesystem's timestamp granularity
 * without its ctime moving: such a ruleset is not kept. */
#define RULECACHE_SETTLE_NS 50000000L

/* Answer a CACHE_GET (its payload is KEY) on CHANNEL: CACHE_HIT with the
 * blob and the ruleset, or CACHE_MISS. */
void rulecache_get(int channel, const unsigned char *key, size_t len);

/* Keep what a CACHE_PUT offers, with its ruleset fd (taken over: closed
 * when not kept).  Silently not kept when anything is off: a cache miss
 * costs a walk, a wrong entry would cost a sandbox. */
void rulecache_put(const unsigned char *payload, size_t len, int ruleset_fd);

#endif
