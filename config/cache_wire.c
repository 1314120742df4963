/* CACHE_PUT on the wire (protocol.h): what a shim hands the session
 * supervisor so that later shims with the same policy, in the same place,
 * can skip building their Landlock ruleset.
 *
 * Like REGISTER, decoding validates everything before it allocates
 * anything, and the encoder refuses what the decoder would. */
#include "protocol.h"

#include "diag.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct cursor {
	const unsigned char *p;
	size_t left;
};

static bool take(struct cursor *c, void *out, size_t n)
{
	if (c->left < n)
		return false;
	memcpy(out, c->p, n);
	c->p += n;
	c->left -= n;
	return true;
}

static bool take_bytes(struct cursor *c, size_t n, const unsigned char **out)
{
	if (c->left < n)
		return false;
	*out = c->p;
	c->p += n;
	c->left -= n;
	return true;
}

struct raw_dep {
	uint64_t dev, ino;
	int64_t sec;
	uint32_t nsec;
	uint16_t path_len;
	const unsigned char *path;
};

static bool dep_path_ok(const unsigned char *p, size_t len)
{
	return len >= 1 && len <= WIRE_MAX_PATH && p[0] == '/' &&
	       !memchr(p, '\0', len);
}

/* One dep at C into *D, or the reason it is not one in ERR. */
static int take_dep(struct cursor *c, size_t i, struct raw_dep *d, char *err,
		    size_t errlen)
{
	if (!take(c, &d->dev, 8) || !take(c, &d->ino, 8) ||
	    !take(c, &d->sec, 8) || !take(c, &d->nsec, 4) ||
	    !take(c, &d->path_len, 2) ||
	    !take_bytes(c, d->path_len, &d->path)) {
		format_error(err, errlen, "dep %zu: truncated", i);
		return -1;
	}
	if (d->nsec >= 1000000000u) {
		format_error(err, errlen, "dep %zu: nanoseconds %" PRIu32
					  " not below 10^9", i, d->nsec);
		return -1;
	}
	if (!dep_path_ok(d->path, d->path_len)) {
		format_error(err, errlen, "dep %zu: path not absolute, empty, "
					  "too long or with a NUL byte", i);
		return -1;
	}
	return 0;
}

struct raw_put {
	uint32_t key_len, blob_len, dep_count;
	const unsigned char *key, *blob, *deps;
};

static int validate_put(const unsigned char *payload, size_t len,
			struct raw_put *r, char *err, size_t errlen)
{
	struct cursor c = {payload, len};
	if (!take(&c, &r->key_len, 4) || r->key_len < 1 ||
	    r->key_len > WIRE_MAX_CACHE_KEY ||
	    !take_bytes(&c, r->key_len, &r->key)) {
		format_error(err, errlen, "key: missing, empty, over %d bytes "
					  "or truncated", WIRE_MAX_CACHE_KEY);
		return -1;
	}
	if (!take(&c, &r->blob_len, 4) || r->blob_len < 1 ||
	    r->blob_len > WIRE_MAX_PAYLOAD ||
	    !take_bytes(&c, r->blob_len, &r->blob)) {
		format_error(err, errlen, "blob: missing, empty or truncated");
		return -1;
	}
	if (!take(&c, &r->dep_count, 4) || r->dep_count > WIRE_MAX_DEPS) {
		format_error(err, errlen, "dep count: missing or over %d",
			     WIRE_MAX_DEPS);
		return -1;
	}
	r->deps = c.p;
	for (size_t i = 0; i < r->dep_count; i++) {
		struct raw_dep d;
		if (take_dep(&c, i, &d, err, errlen) < 0)
			return -1;
	}
	if (c.left) {
		format_error(err, errlen, "%zu bytes after the last dep", c.left);
		return -1;
	}
	return 0;
}

static unsigned char *copy(const unsigned char *p, size_t n, bool nul)
{
	unsigned char *out = malloc(n + (nul ? 1 : 0));
	if (out) {
		memcpy(out, p, n);
		if (nul)
			out[n] = '\0';
	}
	return out;
}

int wire_decode_cache_put(const unsigned char *payload, size_t len,
			  struct wire_cache_put *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct raw_put r;
	if (validate_put(payload, len, &r, err, errlen) < 0) {
		errno = EPROTO;
		return -1;
	}
	out->key = copy(r.key, r.key_len, false);
	out->blob = copy(r.blob, r.blob_len, false);
	out->deps = calloc(r.dep_count ? r.dep_count : 1, sizeof *out->deps);
	bool ok = out->key && out->blob && out->deps;
	out->key_len = r.key_len;
	out->blob_len = r.blob_len;
	struct cursor c = {r.deps, len - (size_t)(r.deps - payload)};
	for (size_t i = 0; ok && i < r.dep_count; i++) {
		struct raw_dep d;
		take_dep(&c, i, &d, NULL, 0);
		char *path = (char *)copy(d.path, d.path_len, true);
		out->deps[i] = (struct wire_dep){d.dev, d.ino, d.sec, d.nsec,
						 path};
		out->dep_count = i + 1;
		ok = path != NULL;
	}
	if (!ok) {
		wire_cache_put_free(out);
		format_error(err, errlen, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void wire_cache_put_free(struct wire_cache_put *p)
{
	free(p->key);
	free(p->blob);
	for (size_t i = 0; i < p->dep_count; i++)
		free(p->deps[i].path);
	free(p->deps);
	memset(p, 0, sizeof *p);
}

struct sink {
	unsigned char *p;
	size_t cap, len;
};

static void put(struct sink *s, const void *v, size_t n)
{
	if (s->len <= s->cap && n <= s->cap - s->len)
		memcpy(s->p + s->len, v, n);
	s->len += n;
}

int wire_encode_cache_put(const struct wire_cache_put *p, unsigned char *buf,
			  size_t cap)
{
	if (p->key_len < 1 || p->key_len > WIRE_MAX_CACHE_KEY ||
	    p->blob_len < 1 || p->blob_len > WIRE_MAX_PAYLOAD ||
	    p->dep_count > WIRE_MAX_DEPS) {
		errno = EINVAL;
		return -1;
	}
	struct sink s = {buf, cap, 0};
	uint32_t n = (uint32_t)p->key_len;
	put(&s, &n, 4);
	put(&s, p->key, p->key_len);
	n = (uint32_t)p->blob_len;
	put(&s, &n, 4);
	put(&s, p->blob, p->blob_len);
	n = (uint32_t)p->dep_count;
	put(&s, &n, 4);
	for (size_t i = 0; i < p->dep_count; i++) {
		const struct wire_dep *d = &p->deps[i];
		size_t plen = d->path ? strlen(d->path) : 0;
		if (d->ctime_nsec >= 1000000000u ||
		    !dep_path_ok((const unsigned char *)d->path, plen)) {
			errno = EINVAL;
			return -1;
		}
		uint16_t len16 = (uint16_t)plen;
		put(&s, &d->dev, 8);
		put(&s, &d->ino, 8);
		put(&s, &d->ctime_sec, 8);
		put(&s, &d->ctime_nsec, 4);
		put(&s, &len16, 2);
		put(&s, d->path, plen);
	}
	if (s.len > cap || s.len > WIRE_MAX_PAYLOAD) {
		errno = E2BIG;
		return -1;
	}
	return (int)s.len;
}
