/* supervisor/recent.c: the bounded set the supervisor remembers what a
 * sandbox created in.  Besides the plain cases, the tests aim at what a
 * hash index gets wrong: keys sharing a home slot (also across the end of
 * the index), equal hashes, removal in the middle of a cluster (backward
 * shift), growth rebuilding the index; and they compare long random runs
 * against a plain list. */
#include "test.h"
#include "../../supervisor/recent.h"

#include <stdint.h>
#include <stdlib.h>

/* Keys here are 8-byte integers unless a test says otherwise. */
static bool put_u64(struct recent *set, uint64_t v)
{
	return recent_put(set, &v);
}

static bool has_u64(const struct recent *set, uint64_t v)
{
	return recent_contains(set, &v);
}

/* The keys from the oldest, into OUT (at most MAX); how many there were. */
static size_t walk_u64(const struct recent *set, uint64_t *out, size_t max)
{
	struct recent_iter it;
	size_t n = 0;
	recent_iter_oldest(set, &it);
	for (const void *key; (key = recent_next(&it)); n++)
		if (n < max)
			memcpy(&out[n], key, sizeof out[n]);
	return n;
}

/* A deterministic xorshift: the same run every time. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

static void empty_and_zeroed(void)
{
	struct recent set;
	memset(&set, 0, sizeof set);
	uint64_t key = 1;
	/* a zeroed set answers, frees, and refuses puts until initialised */
	CHECK(!recent_ready(&set));
	CHECK(!has_u64(&set, 0));
	CHECK_INT(recent_count(&set), 0);
	CHECK(recent_newest(&set) == NULL);
	CHECK_INT(walk_u64(&set, &key, 1), 0);
	CHECK(!put_u64(&set, 1));
	CHECK_INT(recent_count(&set), 0);
	recent_free(&set);

	recent_init(&set, sizeof key, 8);
	CHECK(recent_ready(&set));
	CHECK(!has_u64(&set, 0));
	CHECK(set.entries == NULL && set.index == NULL); /* nothing yet */
	recent_free(&set);

	recent_init(&set, sizeof key, 0); /* keeps nothing */
	CHECK(!put_u64(&set, 1));
	CHECK(!has_u64(&set, 1));
	recent_free(&set);

	/* remember sets a zeroed set up on the first put, and only then */
	memset(&set, 0, sizeof set);
	CHECK(recent_remember(&set, &key, sizeof key, 2));
	CHECK(recent_ready(&set) && has_u64(&set, 1));
	uint64_t more[] = {2, 3};
	CHECK(recent_remember(&set, &more[0], sizeof key, 100));
	CHECK(recent_remember(&set, &more[1], sizeof key, 100));
	CHECK_INT(recent_count(&set), 2); /* still the first cap: 1 forgotten */
	CHECK(!has_u64(&set, 1) && has_u64(&set, 2) && has_u64(&set, 3));
	recent_free(&set);
}

static void put_and_contains(void)
{
	struct recent set;
	recent_init(&set, sizeof(uint64_t), 100);
	for (uint64_t v = 1; v <= 10; v++)
		CHECK(put_u64(&set, v * 1000));
	CHECK_INT(recent_count(&set), 10);
	for (uint64_t v = 1; v <= 10; v++) {
		test_row("key %llu", (unsigned long long)v * 1000);
		CHECK(has_u64(&set, v * 1000));
		CHECK(!has_u64(&set, v * 1000 + 1));
	}
	test_row(NULL);
	CHECK(!has_u64(&set, 0));
	const uint64_t *newest = recent_newest(&set);
	REQUIRE(newest);
	CHECK_INT(*newest, 10000);

	/* keys are bytes, whatever their size: 3 and 120 bytes */
	struct recent odd;
	recent_init(&odd, 3, 10);
	CHECK(recent_put(&odd, "abc"));
	CHECK(recent_put(&odd, "ab\0"));
	CHECK(recent_contains(&odd, "abc"));
	CHECK(recent_contains(&odd, "ab\0"));
	CHECK(!recent_contains(&odd, "abd"));
	CHECK_INT(recent_count(&odd), 2);
	recent_free(&odd);
	unsigned char big[120];
	recent_init(&odd, sizeof big, 10);
	memset(big, 'x', sizeof big);
	CHECK(recent_put(&odd, big));
	big[119] = 'y'; /* only the last byte differs */
	CHECK(!recent_contains(&odd, big));
	CHECK(recent_put(&odd, big));
	CHECK_INT(recent_count(&odd), 2);
	recent_free(&odd);
	recent_free(&set);
}

static void duplicate_refreshes(void)
{
	struct recent set;
	uint64_t keys[8];
	recent_init(&set, sizeof(uint64_t), 3);
	put_u64(&set, 1);
	put_u64(&set, 2);
	put_u64(&set, 3);
	CHECK(put_u64(&set, 1)); /* again: moves to the newest end */
	CHECK_INT(recent_count(&set), 3);
	REQUIRE(walk_u64(&set, keys, 8) == 3);
	CHECK_INT(keys[0], 2);
	CHECK_INT(keys[1], 3);
	CHECK_INT(keys[2], 1);
	put_u64(&set, 3); /* the newest but one */
	put_u64(&set, 3); /* already the newest: nothing moves */
	REQUIRE(walk_u64(&set, keys, 8) == 3);
	CHECK_INT(keys[0], 2);
	CHECK_INT(keys[1], 1);
	CHECK_INT(keys[2], 3);
	/* full: the least recently put goes, 2, not 1 which came first */
	put_u64(&set, 4);
	CHECK(!has_u64(&set, 2));
	CHECK(has_u64(&set, 1) && has_u64(&set, 3) && has_u64(&set, 4));
	REQUIRE(walk_u64(&set, keys, 8) == 3);
	CHECK_INT(keys[0], 1);
	CHECK_INT(keys[2], 4);
	recent_free(&set);
}

static void eviction_order(void)
{
	enum { CAP = 100, PUTS = 250 };
	struct recent set;
	uint64_t keys[CAP + 1];
	recent_init(&set, sizeof(uint64_t), CAP);
	for (uint64_t v = 0; v < PUTS; v++) {
		put_u64(&set, v);
		CHECK_INT(recent_count(&set), v < CAP ? v + 1 : CAP);
	}
	REQUIRE(walk_u64(&set, keys, CAP + 1) == CAP);
	for (size_t i = 0; i < CAP; i++) {
		test_row("position %zu", i);
		CHECK_INT(keys[i], PUTS - CAP + i);
	}
	test_row(NULL);
	CHECK(!has_u64(&set, PUTS - CAP - 1));
	CHECK(has_u64(&set, PUTS - CAP));
	/* a cap of one keeps only the last */
	struct recent one;
	recent_init(&one, sizeof(uint64_t), 1);
	put_u64(&one, 7);
	put_u64(&one, 8);
	CHECK(!has_u64(&one, 7) && has_u64(&one, 8));
	CHECK_INT(recent_count(&one), 1);
	recent_free(&one);
	recent_free(&set);
}

/* Every key of [FROM, TO) is found; reports the first one missing. */
static bool all_found(const struct recent *set, uint64_t from, uint64_t to)
{
	for (uint64_t v = from; v < to; v++)
		if (!has_u64(set, v)) {
			test_fail(__FILE__, __LINE__, "key %llu is lost",
				  (unsigned long long)v);
			return false;
		}
	return true;
}

/* Likewise for the keys V * 7919. */
static bool all_found_scaled(const struct recent *set, uint64_t from,
			     uint64_t to)
{
	for (uint64_t v = from; v < to; v++)
		if (!has_u64(set, v * 7919)) {
			test_fail(__FILE__, __LINE__, "key %llu is lost",
				  (unsigned long long)v * 7919);
			return false;
		}
	return true;
}

static void grows_geometrically(void)
{
	/* a cap that is no power of two: the last step stops at it */
	enum { CAP = 1000 };
	static const size_t steps[] = {16, 32, 64, 128, 256, 512, CAP};
	struct recent set;
	recent_init(&set, sizeof(uint64_t), CAP);
	size_t step = 0, grown = 0;
	for (uint64_t v = 0; v < CAP + 50; v++) {
		put_u64(&set, v * 7919);
		size_t count = recent_count(&set);
		bool grew = step < COUNT_OF(steps) - 1 && count > steps[step];
		if (grew) {
			step++;
			grown++;
		}
		test_row("after %llu puts", (unsigned long long)v + 1);
		CHECK_INT(set.allocated, steps[step]);
		CHECK(set.index_size >= 2 * set.allocated);
		CHECK((set.index_size & (set.index_size - 1)) == 0);
		/* the index was rebuilt: everything put before is found */
		if (grew && !all_found_scaled(&set, 0, v + 1))
			break;
	}
	test_row(NULL);
	CHECK_INT(grown, COUNT_OF(steps) - 1);
	CHECK(all_found_scaled(&set, 50, CAP + 50));
	CHECK(!has_u64(&set, 49 * 7919));
	/* below the first step, the cap is all there is */
	struct recent small;
	recent_init(&small, sizeof(uint64_t), 5);
	for (uint64_t v = 0; v < 9; v++)
		put_u64(&small, v);
	CHECK_INT(small.allocated, 5);
	CHECK_INT(recent_count(&small), 5);
	CHECK(all_found(&small, 4, 9));
	recent_free(&small);
	recent_free(&set);
}

/* N keys whose home slot in an index of INDEX_SIZE is HOME. */
static void keys_at_home(uint64_t *out, size_t n, size_t index_size,
			 size_t home)
{
	size_t found = 0;
	for (uint64_t v = 0; found < n; v++)
		if ((recent_hash(&v, sizeof v) & (index_size - 1)) == home)
			out[found++] = v;
}

static int by_hash(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Two different 8-byte keys with the same 32-bit hash (a birthday search:
 * 2^18 keys hold several such pairs). */
static bool equal_hashes(uint64_t *a, uint64_t *b)
{
	enum { N = 1 << 18 };
	uint64_t (*pairs)[2] = calloc(N, sizeof *pairs);
	bool found = false;
	if (!pairs)
		return false;
	for (uint64_t i = 0; i < N; i++) {
		/* scattered: FNV-1a keeps small integers apart */
		uint64_t v = (i + 1) * 0x9E3779B97F4A7C15ull;
		pairs[i][0] = recent_hash(&v, sizeof v);
		pairs[i][1] = v;
	}
	qsort(pairs, N, sizeof *pairs, by_hash);
	for (size_t i = 1; i < N && !found; i++)
		if (pairs[i][0] == pairs[i - 1][0]) {
			*a = pairs[i - 1][1];
			*b = pairs[i][1];
			found = true;
		}
	free(pairs);
	return found;
}

static void colliding_keys(void)
{
	/* cap 16: one index of 32 slots for the whole test */
	enum { CAP = 16, SLOTS = 32, N = 12 };
	uint64_t last[N], first[3];
	struct recent set;
	recent_init(&set, sizeof(uint64_t), CAP);
	/* twelve keys at home in the last slot: their cluster wraps
	 * round to the start of the index, where three more live */
	keys_at_home(last, N, SLOTS, SLOTS - 1);
	keys_at_home(first, 3, SLOTS, 0);
	for (size_t i = 0; i < N; i++)
		put_u64(&set, last[i]);
	for (size_t i = 0; i < 3; i++)
		put_u64(&set, first[i]);
	put_u64(&set, 2000000); /* full now */
	REQUIRE(recent_count(&set) == CAP);
	REQUIRE(set.index_size == SLOTS);
	for (size_t i = 0; i < N; i++)
		CHECK(has_u64(&set, last[i]));
	for (size_t i = 0; i < 3; i++)
		CHECK(has_u64(&set, first[i]));
	/* push the colliding keys out one by one, from the oldest: each
	 * removal is at the head of the cluster, and the rest must still
	 * be reachable across the wrap */
	for (size_t i = 0; i < N; i++) {
		put_u64(&set, 1000000 + i);
		test_row("after evicting %zu", i + 1);
		CHECK(!has_u64(&set, last[i]));
		for (size_t j = i + 1; j < N; j++)
			CHECK(has_u64(&set, last[j]));
		for (size_t j = 0; j < 3; j++)
			CHECK(has_u64(&set, first[j]));
	}
	test_row(NULL);
	recent_free(&set);

	/* equal hashes: told apart by their bytes */
	uint64_t a, b;
	REQUIRE(equal_hashes(&a, &b));
	CHECK(a != b);
	CHECK_INT(recent_hash(&a, sizeof a), recent_hash(&b, sizeof b));
	recent_init(&set, sizeof(uint64_t), 2);
	put_u64(&set, a);
	CHECK(has_u64(&set, a));
	CHECK(!has_u64(&set, b));
	put_u64(&set, b);
	CHECK_INT(recent_count(&set), 2);
	put_u64(&set, 99); /* evicts a */
	CHECK(!has_u64(&set, a));
	CHECK(has_u64(&set, b));
	recent_free(&set);
}

/* Eviction deletes from the middle of clusters all the time: after
 * thousands of them every live key must still be found (a wrong backward
 * shift strands keys behind a hole) and no evicted one may be. */
static void eviction_keeps_the_rest_findable(void)
{
	enum { CAP = 4096, EVICTIONS = 20000 };
	struct recent set;
	recent_init(&set, sizeof(uint64_t), CAP);
	uint64_t *keys = calloc(CAP + EVICTIONS, sizeof *keys);
	REQUIRE(keys);
	/* scattered keys, all different (an odd multiplier is a bijection
	 * modulo 2^64) */
	for (size_t i = 0; i < CAP + EVICTIONS; i++)
		keys[i] = (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ull;
	for (size_t i = 0; i < CAP + EVICTIONS; i++) {
		put_u64(&set, keys[i]);
		if (i % 997 != 0 && i != CAP + EVICTIONS - 1)
			continue;
		size_t live = i + 1 < CAP ? 0 : i + 1 - CAP;
		test_row("after %zu puts", i + 1);
		for (size_t j = live; j <= i; j++)
			if (!CHECK(has_u64(&set, keys[j])))
				break;
		for (size_t j = 0; j < live; j++)
			if (!CHECK(!has_u64(&set, keys[j])))
				break;
	}
	test_row(NULL);
	CHECK_INT(recent_count(&set), CAP);
	free(keys);
	recent_free(&set);
}

/* Against a plain list, oldest first: random puts over a small range of
 * keys, so that refreshes, evictions and growth all mix. */
static void matches_a_plain_list(void)
{
	enum { CAP = 64, RANGE = 200, OPS = 20000 };
	uint64_t model[CAP], walked[CAP + 1];
	size_t n = 0;
	struct recent set;
	recent_init(&set, sizeof(uint64_t), CAP);
	uint64_t state = 2463534242ull;
	for (size_t op = 0; op < OPS && !test_failed_now(); op++) {
		uint64_t v = next_random(&state) % RANGE;
		size_t at = n;
		for (size_t i = 0; i < n; i++)
			if (model[i] == v)
				at = i;
		if (at == n && n == CAP)
			at = 0; /* full: the oldest goes */
		if (at < n) {
			memmove(&model[at], &model[at + 1],
				(n - at - 1) * sizeof model[0]);
			n--;
		}
		model[n++] = v;
		put_u64(&set, v);
		test_row("op %zu: put %llu", op, (unsigned long long)v);
		CHECK_INT(recent_count(&set), n);
		CHECK(walk_u64(&set, walked, CAP + 1) == n &&
		      memcmp(walked, model, n * sizeof model[0]) == 0);
		bool in_model[RANGE] = {false};
		for (size_t i = 0; i < n; i++)
			in_model[model[i]] = true;
		for (uint64_t k = 0; k < RANGE; k++)
			CHECK(has_u64(&set, k) == in_model[k]);
	}
	test_row(NULL);
	recent_free(&set);
}

static void free_and_reuse(void)
{
	struct recent set;
	recent_init(&set, sizeof(uint64_t), 50);
	for (uint64_t v = 0; v < 120; v++)
		put_u64(&set, v);
	recent_free(&set);
	CHECK_INT(recent_count(&set), 0);
	CHECK(set.entries == NULL && set.index == NULL);
	CHECK(!has_u64(&set, 119));
	CHECK(recent_newest(&set) == NULL);
	/* still set up: the same kind of keys, the same cap */
	CHECK(recent_ready(&set));
	for (uint64_t v = 500; v < 600; v++)
		CHECK(put_u64(&set, v));
	CHECK_INT(recent_count(&set), 50);
	CHECK(all_found(&set, 550, 600));
	CHECK(!has_u64(&set, 549));
	CHECK(!has_u64(&set, 119));
	recent_free(&set);
	recent_free(&set); /* twice: harmless */
	CHECK_INT(recent_count(&set), 0);
}

const struct test_case recent_tests[] = {
	TEST_CASE(empty_and_zeroed),
	TEST_CASE(put_and_contains),
	TEST_CASE(duplicate_refreshes),
	TEST_CASE(eviction_order),
	TEST_CASE(grows_geometrically),
	TEST_CASE(colliding_keys),
	TEST_CASE(eviction_keeps_the_rest_findable),
	TEST_CASE(matches_a_plain_list),
	TEST_CASE(free_and_reuse),
	TEST_END,
};
