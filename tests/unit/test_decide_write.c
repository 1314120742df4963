/* supervisor/decide_write.c: the most specific rule wins, attacked with
 * tables of paths around every kind of rule. */
#include "test.h"
#include "decide_write.h"

#include <stdlib.h>
#include <string.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static struct write_rule rules[] = {
	{WRITE_ALLOW, false, 2, "allowWrite = .", "/p"},
	{WRITE_DENY, false, 3, "denyWrite = .git/hooks", "/p/.git/hooks"},
	{WRITE_ALLOW, true, 4, "allowWrite = .git/hooks/*.sample",
	 "/p/.git/hooks/*.sample"},
	{WRITE_DENY, true, 5, "denyWrite = **/.env", "/p/**/.env"},
	{WRITE_DENY, true, 6, "denyWrite = secrets/**", "/p/secrets/**"},
	{WRITE_ALLOW, false, 7, "allowWrite = ./secrets/public",
	 "/p/secrets/public"},
	{WRITE_DENY, false, 8, "denyWrite = vault", "/p/vault"},
	{WRITE_ALLOW, false, 9, "allowWrite = vault", "/p/vault"},
	{WRITE_MANDATORY, false, 0, "landstrip's own config file is never "
				    "writable", "/p/cfg/config.ini"},
	{WRITE_ALLOW, false, 10, "allowWrite = /tmp", "/tmp"},
};

static char *roots[] = {"/p"};

static const struct write_policy policy = {
	.rules = rules, .rule_count = COUNT_OF(rules), .mediated_roots = roots,
	.mediated_root_count = COUNT_OF(roots),
};

static void most_specific_rule_wins(void)
{
	static const struct {
		const char *path;
		bool allowed;
		int line; /* the deciding rule's line; -1: none */
	} rows[] = {
		{"/p", true, 2},
		{"/p/top", true, 2},
		{"/p/.git", true, 2},
		{"/p/.git/config", true, 2},
		{"/p/.git/hooks", false, 3},
		{"/p/.git/hooks/pre-commit", false, 3},
		{"/p/.git/hooks/sub/x", false, 3},
		/* a pattern exception inside the deny is deeper: it wins */
		{"/p/.git/hooks/pre-commit.sample", true, 4},
		{"/p/.git/hooks-not", true, 2},
		{"/p/.env", false, 5},
		{"/p/a/b/.env", false, 5},
		{"/p/a/b/.env/inside", false, 5},
		{"/p/a/b/.envrc", true, 2},
		{"/p/.git/hooks/.env", false, 5}, /* both deny; .env deeper */
		/* the secrets pattern takes effect at secrets, and the allow root inside
		 * it is more specific */
		{"/p/secrets", false, 6},
		{"/p/secrets/key", false, 6},
		{"/p/secrets/public", true, 7},
		{"/p/secrets/public/x", true, 7},
		{"/p/secrets/public/.env", false, 5},
		{"/p/secrets-old/x", true, 2},
		/* a tie on the same path goes to the deny */
		{"/p/vault", false, 8},
		{"/p/vault/x", false, 8},
		/* mandatory beats the deeper allow and everything else */
		{"/p/cfg/config.ini", false, 0},
		{"/p/cfg/config.ini/x", false, 0},
		{"/p/cfg/other.ini", true, 2},
		{"/tmp/x", true, 10},
		/* no grant at all */
		{"/", false, -1},
		{"/etc/passwd", false, -1},
		{"/pp", false, -1},
		{"/p2/x", false, -1},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].path);
		struct write_decision d;
		decide_write(&policy, rows[i].path, &d);
		CHECK_INT(d.allowed, rows[i].allowed);
		CHECK_INT(d.rule ? d.rule->line : -1, rows[i].line);
	}
}

static void mediated_roots(void)
{
	static const struct {
		const char *path;
		bool mediated;
	} rows[] = {
		{"/p", true}, {"/p/x/y", true}, {"/pp", false}, {"/", false},
		{"/tmp/x", false},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].path);
		CHECK_INT(write_mediated(&policy, rows[i].path),
			  rows[i].mediated);
	}
}

static void moves_that_carry_denies(void)
{
	static const struct {
		const char *from, *to;
		bool unsafe;
	} rows[] = {
		{"/p/.git", "/p/g2", true},        /* holds .git/hooks */
		{"/p/x", "/p/.git", true},         /* would plant .git/hooks */
		{"/p", "/q", true},
		{"/p/.git/hooks", "/p/h", false},  /* the deny itself: decided
						      as an entry */
		{"/p/src", "/p/lib", false},       /* .env pattern: inside p */
		{"/p/a/b", "/p/c", false},
		/* ... but not across its prefix, either way */
		{"/p/a", "/tmp/a", true},
		{"/tmp/z", "/p/z", true},
		{"/tmp/z", "/tmp/y", false},
		{"/p/secrets", "/p/s2", true},     /* its pattern below it */
		{"/p/cfg", "/p/c2", true},         /* the mandatory file */
		{"/p/vaul", "/p/vaul2", false},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s -> %s", rows[i].from, rows[i].to);
		CHECK_INT(write_move_unsafe(&policy, rows[i].from, rows[i].to),
			  rows[i].unsafe);
		CHECK_INT(write_move_unsafe(&policy, rows[i].to, rows[i].from),
			  rows[i].unsafe);
	}
}

static void mkdir_of_a_denied_directory(void)
{
	static const struct {
		const char *path;
		bool exempt;
	} rows[] = {
		{"/p/.git/hooks", true},      /* git init makes it */
		{"/p/.git/hooks/sub", false}, /* below the deny */
		{"/p/a/.env", false},         /* a pattern on names: no */
		{"/p/secrets", true},         /* a pattern ending in ** */
		{"/p/cfg/config.ini", false}, /* mandatory: never */
		{"/etc/x", false},            /* no grant is not a deny */
		{"/p/top", false},            /* allowed anyway */
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].path);
		struct write_decision d;
		decide_write(&policy, rows[i].path, &d);
		CHECK_INT(write_mkdir_exempt(&d), rows[i].exempt);
	}
}

static void hints_name_the_rule(void)
{
	struct write_decision d;
	char hint[512];
	decide_write(&policy, "/p/.git/hooks/pre-commit", &d);
	write_hint(&d, "/p/.git/hooks/pre-commit", "/c/config.ini", hint,
		   sizeof hint);
	CHECK_STR(hint, "denyWrite = .git/hooks at /c/config.ini:3");
	decide_write(&policy, "/p/cfg/config.ini", &d);
	write_hint(&d, "/p/cfg/config.ini", "/c/config.ini", hint, sizeof hint);
	CHECK_STR(hint, "landstrip's own config file is never writable");
	decide_write(&policy, "/etc/x/y", &d);
	write_hint(&d, "/etc/x/y", "/c/config.ini", hint, sizeof hint);
	CHECK_STR(hint, "not under any allowWrite root; to allow it: "
			"allowWrite = /etc/x");
	decide_write(&policy, "/x", &d);
	write_hint(&d, "/x", NULL, hint, sizeof hint);
	CHECK_STR(hint, "not under any allowWrite root; to allow it: "
			"allowWrite = /");
}

static void reads_most_specific_wins(void)
{
	static struct write_rule read_rules[] = {
		{READ_DENY, false, 3, "denyRead = ~/.ssh", "/h/.ssh"},
		{READ_ALLOW, false, 4, "allowRead = ~/.ssh/known_hosts",
		 "/h/.ssh/known_hosts"},
		{READ_DENY, true, 5, "denyRead = **/.env", "/h/p/**/.env"},
		{READ_ALLOW, false, 6, "allowWrite = .", "/h/p"},
		{WRITE_DENY, false, 7, "denyWrite = .git/hooks",
		 "/h/p/.git/hooks"},
	};
	const struct write_policy rp = {.rules = read_rules,
					.rule_count = COUNT_OF(read_rules),
					.mediate_reads = true};
	static const struct {
		const char *path;
		bool allowed;
		int line;
	} rows[] = {
		{"/h/p/new.txt", true, 6},
		{"/h/p/.git/hooks/x", true, 6}, /* a write deny says nothing */
		{"/h/p/a/.env", false, 5},
		{"/h/.ssh/id_rsa", false, 3},
		{"/h/.ssh", false, 3},
		{"/h/.ssh/known_hosts", true, 4},
		{"/etc/passwd", true, -1}, /* no rule: readable */
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].path);
		struct write_decision d;
		decide_read(&rp, rows[i].path, &d);
		CHECK_INT(d.allowed, rows[i].allowed);
		CHECK_INT(d.rule ? d.rule->line : -1, rows[i].line);
	}
	/* and the write decision ignores the read rules */
	struct write_decision d;
	decide_write(&rp, "/h/p/x", &d);
	CHECK_INT(d.allowed, false);
	CHECK(d.rule == NULL);
}

/* Which grant covers a call: the index answers as the linear search
 * does, including for names one grant's path is a prefix of. */
static void granted_snapshot_lookup(void)
{
	struct write_granted granted[] = {
		{"/p/d1", true, 1, 11}, {"/p/d1-x", true, 1, 12},
		{"/p/.git/objects", true, 1, 13}, {"/p/README", false, 1, 14},
		{"/p/a/b", true, 1, 15},
	};
	struct write_policy wp = {.granted = granted,
				  .granted_count = COUNT_OF(granted)};
	static const struct {
		const char *path;
		bool entry;
		const char *grant; /* NULL: none */
	} rows[] = {
		{"/p/d1/f", true, "/p/d1"},
		{"/p/d1/sub/deeper/f", true, "/p/d1"},
		{"/p/d1-x/f", true, "/p/d1-x"},
		{"/p/d1x/f", true, NULL},
		{"/p/d", true, NULL},
		{"/p/d1", true, NULL}, /* its own entry: in /p */
		{"/p/d1/", true, NULL},
		{"/p/d1", false, "/p/d1"}, /* the directory itself, written */
		{"/p/d1/", false, "/p/d1"},
		{"/p/d1/f", false, "/p/d1"},
		{"/p/README", false, "/p/README"},
		{"/p/README", true, NULL}, /* a granted file's entry is not */
		{"/p/README/x", true, NULL},
		{"/p/.git/objects/ab/cdef", true, "/p/.git/objects"},
		{"/p/.git/config", true, NULL},
		{"/p/.git/config", false, NULL},
		{"/p/a/b/c", true, "/p/a/b"},
		{"/p/a/c", true, NULL},
		{"/p/a", false, NULL},
		{"/q/d1/f", true, NULL},
		{"/", true, NULL},
		{"", false, NULL},
	};
	for (int indexed = 0; indexed < 2; indexed++) {
		if (indexed) {
			write_granted_index(&wp);
			CHECK(wp.granted_slot_count >= 2 * wp.granted_count);
		}
		for (size_t i = 0; i < COUNT_OF(rows); i++) {
			test_row("%s %s (%s)", rows[i].path,
				 rows[i].entry ? "entry" : "object",
				 indexed ? "indexed" : "linear");
			const struct write_granted *g =
				write_granted_for(&wp, rows[i].path, rows[i].entry);
			CHECK_STR(g ? g->path : "(none)",
				  rows[i].grant ? rows[i].grant : "(none)");
		}
	}
	free(wp.granted_slots);
	free(wp.granted_hashes);
}

const struct test_case decide_write_tests[] = {
	TEST_CASE(reads_most_specific_wins),
	TEST_CASE(most_specific_rule_wins),
	TEST_CASE(mediated_roots),
	TEST_CASE(moves_that_carry_denies),
	TEST_CASE(mkdir_of_a_denied_directory),
	TEST_CASE(hints_name_the_rule),
	TEST_CASE(granted_snapshot_lookup),
	TEST_END,
};
