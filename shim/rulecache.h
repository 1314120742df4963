/* Session mode: reuse a Landlock ruleset the session supervisor keeps
 * (supervisor/rulecache.h), or offer it ours.
 *
 * The key is the shim's mount namespace (device and inode of
 * /proc/self/ns/mnt, the first 16 bytes, which the supervisor compares with
 * its own), then everything lowering reads but the filesystem: the merged
 * policy with each entry's file and line, the directory the shim started
 * in, $HOME, landstrip's own protected paths, the Landlock ABI.  The
 * filesystem part is the recording of config/deps.h, which the supervisor
 * checks before every reuse.  What travels with the ruleset (the blob) is
 * the policy the supervisor needs for mediation, as REGISTER encodes it:
 * a hit gives the shim everything a walk would have. */
#ifndef LANDSTRIP_SHIM_RULECACHE_H
#define LANDSTRIP_SHIM_RULECACHE_H

#include "../config/config.h"
#include "../config/lower.h"
#include "../config/protocol.h"

#include <stdbool.h>
#include <stddef.h>

struct rulecache_key {
	unsigned char *bytes;
	size_t len;
};

/* False when the key would be over WIRE_MAX_CACHE_KEY: no caching. */
bool rulecache_key_of(const struct policy *p, const struct lower_env *env,
		      int abi, struct rulecache_key *out);

/* CACHE_GET: the kept ruleset's fd with *POLICY filled from its blob, or
 * -1 (a miss, or anything unexpected: the caller walks instead). */
int rulecache_fetch(int channel, const struct rulecache_key *key,
		    struct wire_policy *policy);

/* CACHE_PUT of RULESET_FD, built by the recording in lowering_deps, with
 * POLICY as the blob; nothing when the recording is tainted. */
void rulecache_offer(int channel, const struct rulecache_key *key,
		     int ruleset_fd, const struct wire_policy *policy);

#endif
