#include "rulecache.h"
#include "mediation.h"
#include "../config/deps.h"
#include "../config/diag.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FETCH_TIMEOUT_MS 5000

struct keybuf {
	unsigned char *p;
	size_t len, cap;
};

static void put_bytes(struct keybuf *k, const void *v, size_t n)
{
	if (k->len + n > k->cap) {
		k->cap = (k->len + n) * 2;
		k->p = xrealloc(k->p, k->cap);
	}
	memcpy(k->p + k->len, v, n);
	k->len += n;
}

static void put_u32(struct keybuf *k, uint32_t v)
{
	put_bytes(k, &v, sizeof v);
}

/* Length-prefixed, so that no two different sequences of strings encode
 * alike; NULL is its own length. */
static void put_str(struct keybuf *k, const char *s)
{
	if (!s)
		return put_u32(k, UINT32_MAX);
	size_t n = strlen(s);
	put_u32(k, (uint32_t)n);
	put_bytes(k, s, n);
}

static void put_source(struct keybuf *k, struct source src)
{
	put_str(k, src.file);
	put_u32(k, (uint32_t)src.line);
}

bool rulecache_key_of(const struct policy *p, const struct lower_env *env,
		      int abi, struct rulecache_key *out)
{
	/* First, the mount namespace: the supervisor serves only its own
	 * (supervisor/rulecache.c). */
	struct stat ns;
	if (stat("/proc/self/ns/mnt", &ns) < 0)
		return false;
	uint64_t ns_id[2] = {(uint64_t)ns.st_dev, (uint64_t)ns.st_ino};
	struct keybuf k = {0};
	put_bytes(&k, ns_id, sizeof ns_id);
	put_bytes(&k, "landstrip-ruleset-1", 19);
	put_u32(&k, (uint32_t)abi);
	put_u32(&k, env->mediate_writes);
	put_str(&k, env->cwd);
	put_str(&k, env->home);
	put_u32(&k, (uint32_t)env->mandatory_count);
	for (size_t i = 0; i < env->mandatory_count; i++) {
		put_str(&k, env->mandatory[i].path);
		put_str(&k, env->mandatory[i].why);
	}
	put_u32(&k, (uint32_t)env->protect_count);
	for (size_t i = 0; i < env->protect_count; i++)
		put_str(&k, env->protect[i].path);
	for (int l = 0; l < LIST_KEY_COUNT; l++) {
		put_u32(&k, (uint32_t)p->lists[l].len);
		for (size_t i = 0; i < p->lists[l].len; i++) {
			put_str(&k, p->lists[l].items[i].text);
			put_source(&k, p->lists[l].items[i].src);
		}
	}
	for (int s = 0; s < SCALAR_KEY_COUNT; s++) {
		put_u32(&k, p->scalars[s].set);
		put_u32(&k, (uint32_t)p->scalars[s].value);
		put_source(&k, p->scalars[s].src);
	}
	if (k.len > WIRE_MAX_CACHE_KEY) {
		free(k.p);
		return false;
	}
	*out = (struct rulecache_key){k.p, k.len};
	return true;
}

int rulecache_fetch(int channel, const struct rulecache_key *key,
		    struct wire_policy *policy)
{
	static unsigned char buf[WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD];
	struct wire_header hdr;
	int fds[1];
	size_t nfds = 0;
	char err[256];
	if (wire_send(channel, WIRE_CACHE_GET, key->bytes, key->len, NULL, 0) < 0 ||
	    mediation_session_announce() < 0 ||
	    wire_recv(channel, buf, sizeof buf, &hdr, fds, 1, &nfds,
		      FETCH_TIMEOUT_MS, err, sizeof err) < 0)
		return -1;
	if (hdr.type != WIRE_CACHE_HIT || nfds != 1 ||
	    wire_decode_register(buf + WIRE_HEADER_SIZE, hdr.length, policy,
				 err, sizeof err) < 0) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		return -1;
	}
	return fds[0];
}

void rulecache_offer(int channel, const struct rulecache_key *key,
		     int ruleset_fd, const struct wire_policy *policy)
{
	if (lowering_deps.tainted) {
		debug("ruleset not offered to the cache: %s",
		      lowering_deps.tainted);
		return;
	}
	static unsigned char blob[WIRE_MAX_PAYLOAD];
	static unsigned char payload[WIRE_MAX_PAYLOAD];
	/* The per-call fields are the shim's to fill in at each use. */
	struct wire_policy kept = *policy;
	kept.tool = (char *)"-";
	kept.pid = 1;
	kept.config = kept.report = NULL;
	int blob_len = wire_encode_register(&kept, blob, sizeof blob);
	if (blob_len < 0)
		return;
	struct wire_dep deps[DEPS_MAX];
	for (size_t i = 0; i < lowering_deps.count; i++) {
		const struct dep *d = &lowering_deps.items[i];
		deps[i] = (struct wire_dep){d->dev, d->ino, d->ctime_sec,
					    d->ctime_nsec, d->path};
	}
	struct wire_cache_put put = {key->bytes, key->len, blob,
				     (size_t)blob_len, deps,
				     lowering_deps.count};
	int n = wire_encode_cache_put(&put, payload, sizeof payload);
	if (n >= 0 && wire_send(channel, WIRE_CACHE_PUT, payload, (size_t)n,
				&ruleset_fd, 1) == 0)
		debug("ruleset offered to the session supervisor's cache "
		      "(%zu directories to watch)", lowering_deps.count);
}
