/* The ruleset cache's two halves that need no kernel: CACHE_PUT on the
 * wire (config/cache_wire.c) and the recording of what lowering looked
 * at (config/deps.c). */
#include "test.h"

#include "../../config/deps.h"
#include "../../config/protocol.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char buf[WIRE_MAX_PAYLOAD];

static int encode_sample(struct wire_dep *deps, size_t n)
{
	struct wire_cache_put p = {(unsigned char *)"key", 3,
				   (unsigned char *)"blob!", 5, deps, n};
	return wire_encode_cache_put(&p, buf, sizeof buf);
}

static void put_roundtrip(void)
{
	struct wire_dep deps[2] = {{1, 2, 3, 999999999, (char *)"/"},
				   {7, 8, -9, 0, (char *)"/a/b"}};
	int n = encode_sample(deps, 2);
	REQUIRE(n > 0);
	struct wire_cache_put out;
	char err[256] = "";
	REQUIRE(wire_decode_cache_put(buf, (size_t)n, &out, err, sizeof err) == 0);
	CHECK_INT(out.key_len, 3);
	CHECK(memcmp(out.key, "key", 3) == 0);
	CHECK_INT(out.blob_len, 5);
	CHECK(memcmp(out.blob, "blob!", 5) == 0);
	REQUIRE(out.dep_count == 2);
	CHECK_INT(out.deps[0].ctime_nsec, 999999999);
	CHECK_STR(out.deps[1].path, "/a/b");
	CHECK_INT(out.deps[1].ctime_sec, -9);
	CHECK_INT(out.deps[1].dev, 7);
	CHECK_INT(out.deps[1].ino, 8);
	wire_cache_put_free(&out);
}

/* Every truncation of a valid payload, and every byte of it flipped, is
 * refused or decoded without a crash; truncations are always refused. */
static void put_hostile(void)
{
	struct wire_dep deps[1] = {{1, 2, 3, 4, (char *)"/x"}};
	int n = encode_sample(deps, 1);
	REQUIRE(n > 0);
	unsigned char copy[256];
	REQUIRE((size_t)n <= sizeof copy);
	struct wire_cache_put out;
	char err[256];
	for (int len = 0; len < n; len++) {
		test_row("truncated to %d", len);
		memcpy(copy, buf, (size_t)len);
		errno = 0;
		CHECK_INT(wire_decode_cache_put(copy, (size_t)len, &out, err,
						sizeof err),
			  -1);
		CHECK_INT(errno, EPROTO);
	}
	for (int i = 0; i < n; i++) {
		test_row("byte %d flipped", i);
		memcpy(copy, buf, (size_t)n);
		copy[i] ^= 0xff;
		if (wire_decode_cache_put(copy, (size_t)n, &out, err,
					  sizeof err) == 0)
			wire_cache_put_free(&out);
	}
	test_row("a byte after the last dep");
	memcpy(copy, buf, (size_t)n);
	copy[n] = 0;
	CHECK_INT(wire_decode_cache_put(copy, (size_t)n + 1, &out, err,
					sizeof err),
		  -1);
	CHECK_CONTAINS(err, "after the last dep");
	test_row(NULL);
}

static void put_refused_fields(void)
{
	struct wire_cache_put out;
	char err[256];
	struct {
		const char *name;
		struct wire_dep dep;
		const char *why;
	} rows[] = {
		{"relative path", {1, 2, 3, 4, (char *)"a/b"}, "not absolute"},
		{"empty path", {1, 2, 3, 4, (char *)""}, "not absolute"},
		{"nanoseconds", {1, 2, 3, 1000000000u, (char *)"/"}, "10^9"},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].name);
		errno = 0;
		CHECK_INT(encode_sample(&rows[i].dep, 1), -1);
		CHECK_INT(errno, EINVAL);
		/* Hand-made, the decoder says which field. */
		struct wire_dep ok = {1, 2, 3, 4, (char *)"/zz"};
		int n = encode_sample(&ok, 1);
		REQUIRE(n > 0);
		size_t plen = strlen(rows[i].dep.path);
		if (plen == 3) {
			memcpy(buf + n - 3, rows[i].dep.path, 3);
		} else if (rows[i].dep.ctime_nsec >= 1000000000u) {
			uint32_t ns = rows[i].dep.ctime_nsec;
			memcpy(buf + n - 3 - 2 - 4, &ns, 4);
		} else {
			continue;
		}
		CHECK_INT(wire_decode_cache_put(buf, (size_t)n, &out, err,
						sizeof err),
			  -1);
		CHECK_CONTAINS(err, rows[i].why);
	}
	test_row("key over the limit");
	static unsigned char big[WIRE_MAX_CACHE_KEY + 1];
	struct wire_cache_put p = {big, sizeof big, (unsigned char *)"b", 1,
				   NULL, 0};
	CHECK_INT(wire_encode_cache_put(&p, buf, sizeof buf), -1);
	test_row("too many deps");
	p = (struct wire_cache_put){(unsigned char *)"k", 1,
				    (unsigned char *)"b", 1, NULL,
				    WIRE_MAX_DEPS + 1};
	CHECK_INT(wire_encode_cache_put(&p, buf, sizeof buf), -1);
	test_row(NULL);
}

static const struct dep *dep_named(const char *path)
{
	for (size_t i = 0; i < lowering_deps.count; i++)
		if (strcmp(lowering_deps.items[i].path, path) == 0)
			return &lowering_deps.items[i];
	return NULL;
}

/* Start a recording and note PATH with NOTE, once every directory on the
 * way has settled.  The ancestors include the temporary directory itself,
 * which other processes may change at any moment (a busy /tmp): a
 * recording tainted by a recent change is tried again, a few times. */
static void record_settled(void (*note)(const char *), const char *path)
{
	for (int tries = 0; tries < 20; tries++) {
		usleep((DEPS_SETTLE_NS + 10000000) / 1000);
		deps_start();
		note(path);
		if (!lowering_deps.tainted ||
		    !strstr(lowering_deps.tainted, "50 ms"))
			return;
		deps_stop();
	}
}

static void deps_record_ancestors(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_dir(t, "a/b"));
	/* Just made, the directories would taint the recording. */
	deps_start();
	char *fresh = join(t, "a/b/c");
	deps_note_lookup(fresh);
	CHECK(lowering_deps.tainted != NULL);
	CHECK_CONTAINS(lowering_deps.tainted, "50 ms");
	deps_stop();
	free(fresh);
	char *abc = join(t, "a/b/c");
	char *a = join(t, "a"), *ab = join(t, "a/b");
	record_settled(deps_note_lookup, abc);
	CHECK(dep_named("/") != NULL);
	CHECK(dep_named(t) != NULL);
	CHECK(dep_named(a) != NULL);
	CHECK(dep_named(ab) != NULL);
	CHECK(dep_named(abc) == NULL); /* the leaf itself is not looked in */
	size_t count = lowering_deps.count;
	deps_note_lookup(abc); /* nothing twice */
	CHECK_INT(lowering_deps.count, count);
	deps_note_dir(ab);
	CHECK_INT(lowering_deps.count, count);
	/* The recorded ctime is the directory's own. */
	struct stat st;
	REQUIRE(lstat(ab, &st) == 0);
	const struct dep *d = dep_named(ab);
	REQUIRE(d);
	CHECK_INT(d->ino, st.st_ino);
	CHECK_INT(d->ctime_sec, st.st_ctim.tv_sec);
	CHECK_INT(d->ctime_nsec, st.st_ctim.tv_nsec);
	CHECK(lowering_deps.tainted == NULL);
	deps_stop();
	CHECK_INT(lowering_deps.count, 0);
	CHECK(!lowering_deps.on);
	/* Off: nothing is recorded. */
	deps_note_lookup(abc);
	CHECK_INT(lowering_deps.count, 0);
	free(abc);
	free(a);
	free(ab);
	tmp_tree_free(t);
}

static void deps_taint_on_symlink(void)
{
	char *t = tmp_tree();
	REQUIRE(t);
	REQUIRE(mk_dir(t, "real/x"));
	REQUIRE(mk_link(t, "link", "real"));
	char *through = join(t, "link/x/y");
	record_settled(deps_note_lookup, through);
	CHECK(lowering_deps.tainted != NULL);
	if (lowering_deps.tainted)
		CHECK_CONTAINS(lowering_deps.tainted, "symlink");
	deps_stop();
	CHECK(lowering_deps.tainted == NULL);
	/* A missing directory is not a dep (its parent covers it), and does
	 * not taint. */
	char *missing = join(t, "no/such/dir");
	record_settled(deps_note_dir, missing);
	CHECK(lowering_deps.tainted == NULL);
	CHECK(dep_named(t) != NULL);
	deps_stop();
	free(missing);
	free(through);
	tmp_tree_free(t);
}

const struct test_case cache_tests[] = {
	TEST_CASE(put_roundtrip),
	TEST_CASE(put_hostile),
	TEST_CASE(put_refused_fields),
	TEST_CASE(deps_record_ancestors),
	TEST_CASE(deps_taint_on_symlink),
	TEST_END,
};
