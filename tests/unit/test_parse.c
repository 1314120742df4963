/* config_parse (config/parse.c, config/keys.c): every accepted form, and one
 * row per refused line checking that the message names "origin:LINE"
 * (THREATS.md #14). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "test.h"

#include "config.h"
#include "keys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "a|b|c" */
static const char *list_str(const struct path_list *l)
{
	static char buf[4][8192];
	static int which;
	char *out = buf[which++ % 4];
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < l->len; i++)
		used += (size_t)snprintf(out + used, sizeof buf[0] - used,
					 "%s%s", i ? "|" : "",
					 l->items[i].text);
	return out;
}

/* "2,3,5": the source line of each entry */
static const char *lines_str(const struct path_list *l)
{
	static char buf[256];
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < l->len && used < sizeof buf; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%d",
					 i ? "," : "", l->items[i].src.line);
	return buf;
}

static void every_key_form(void)
{
	static const char text[] =
		"[landstrip]\n"                   /* 1 */
		"wrapperDir = /opt/wrap\n"        /* 2 */
		"supervisor = ~/bin/sup\n"        /* 3 */
		"report = stderr\n"               /* 4 */
		"[sandbox]\n"                     /* 5 */
		"allowWrite = .\n"                /* 6 */
		"allowWrite = /tmp\n"             /* 7 */
		"denyWrite = ~/.ssh\n"            /* 8 */
		"allowRead = rel/dir\n"           /* 9 */
		"denyRead = ~\n"                  /* 10 */
		"allowUnixSockets = /run/x.sock\n" /* 11 */
		"allowNetwork = true\n"           /* 12 */
		"allowLocalBinding = no\n"        /* 13 */
		"httpProxyPort = 8080\n"          /* 14 */
		"socksProxyPort = 1080\n"         /* 15 */
		"[tool.git]\n"                    /* 16 */
		"program = /usr/bin/git\n"        /* 17 */
		"allowWrite = /g\n"               /* 18 */
		"allowNetwork = false\n";         /* 19 */
	struct config cfg;
	char err[1024];
	int rc = parse_str(&cfg, text, "git", err, sizeof err);
	CHECK_INT(rc, 0);
	CHECK_STR(err, "");
	CHECK_STR(cfg.origin, "t.ini");
	CHECK_STR(cfg.settings.wrapper_dir, "/opt/wrap");
	CHECK_INT(cfg.settings.wrapper_dir_src.line, 2);
	CHECK_STR(cfg.settings.supervisor, "~/bin/sup");
	CHECK_STR(cfg.settings.report, "stderr");
	CHECK_INT(cfg.settings.report_src.line, 4);

	const struct policy_layer *s = &cfg.sandbox;
	CHECK_STR(list_str(&s->lists[LIST_ALLOW_WRITE]), ".|/tmp");
	CHECK_STR(lines_str(&s->lists[LIST_ALLOW_WRITE]), "6,7");
	CHECK_STR(list_str(&s->lists[LIST_DENY_WRITE]), "~/.ssh");
	CHECK_STR(list_str(&s->lists[LIST_ALLOW_READ]), "rel/dir");
	CHECK_STR(list_str(&s->lists[LIST_DENY_READ]), "~");
	CHECK_STR(lines_str(&s->lists[LIST_DENY_READ]), "10");
	CHECK_STR(list_str(&s->lists[LIST_ALLOW_UNIX_SOCKETS]), "/run/x.sock");
	CHECK_STR(s->lists[LIST_ALLOW_WRITE].items[0].src.file, "t.ini");
	for (int k = 0; k < LIST_KEY_COUNT; k++)
		CHECK(!s->cleared[k]);
	CHECK(s->scalars[SCALAR_ALLOW_NETWORK].set);
	CHECK_INT(s->scalars[SCALAR_ALLOW_NETWORK].value, 1);
	CHECK_INT(s->scalars[SCALAR_ALLOW_NETWORK].src.line, 12);
	CHECK(s->scalars[SCALAR_ALLOW_LOCAL_BINDING].set);
	CHECK_INT(s->scalars[SCALAR_ALLOW_LOCAL_BINDING].value, 0);
	CHECK_INT(s->scalars[SCALAR_HTTP_PROXY_PORT].value, 8080);
	CHECK_INT(s->scalars[SCALAR_HTTP_PROXY_PORT].src.line, 14);
	CHECK_INT(s->scalars[SCALAR_SOCKS_PROXY_PORT].value, 1080);
	CHECK(s->program == NULL);

	CHECK(cfg.tool_found);
	const struct policy_layer *t = &cfg.tool;
	CHECK_STR(t->program, "/usr/bin/git");
	CHECK_INT(t->program_src.line, 17);
	CHECK_STR(list_str(&t->lists[LIST_ALLOW_WRITE]), "/g");
	CHECK_STR(lines_str(&t->lists[LIST_ALLOW_WRITE]), "18");
	CHECK(t->scalars[SCALAR_ALLOW_NETWORK].set);
	CHECK_INT(t->scalars[SCALAR_ALLOW_NETWORK].value, 0);
	CHECK(!t->scalars[SCALAR_HTTP_PROXY_PORT].set);
	CHECK_INT(cfg.tool_count, 1);
	if (cfg.tool_count == 1)
		CHECK_STR(cfg.tool_names[0], "git");
	config_release(&cfg);
}

static void report_forms(void)
{
	static const char *const ok[] = {"stderr", "none", "/var/log/ls.log",
					 "~/ls.log"};
	for (size_t i = 0; i < COUNT_OF(ok); i++) {
		test_row("report = %s", ok[i]);
		char text[128], err[512];
		snprintf(text, sizeof text, "[landstrip]\nreport = %s\n", ok[i]);
		struct config cfg;
		CHECK_INT(parse_str(&cfg, text, NULL, err, sizeof err), 0);
		CHECK_STR(cfg.settings.report, ok[i]);
		config_release(&cfg);
	}
}

static void empty_file_and_empty_sections(void)
{
	static const char *const texts[] = {
		"", "\n", "\xEF\xBB\xBF", "; only a comment", "[sandbox]",
		"[sandbox]\n[landstrip]\n[tool.git]\n", "\r\n\r\n",
	};
	for (size_t i = 0; i < COUNT_OF(texts); i++) {
		test_row("text #%zu", i);
		struct config cfg;
		char err[512];
		CHECK_INT(parse_str(&cfg, texts[i], "git", err, sizeof err), 0);
		CHECK_STR(err, "");
		for (int k = 0; k < LIST_KEY_COUNT; k++)
			CHECK_INT(cfg.sandbox.lists[k].len, 0);
		config_release(&cfg);
	}
}

static void lists_append_and_empty_clears(void)
{
	static const char text[] = "[sandbox]\n"        /* 1 */
				   "allowWrite = /a\n"  /* 2 */
				   "allowWrite = /b\n"  /* 3 */
				   "allowWrite =\n"     /* 4 */
				   "allowWrite = /c\n"  /* 5 */
				   "denyWrite =   \n"   /* 6 */
				   "[tool.git]\n"       /* 7 */
				   "allowRead = /x\n"   /* 8 */
				   "allowRead =\n"      /* 9 */
				   "denyRead = /y\n"    /* 10 */
				   "denyRead = /z\n";   /* 11 */
	struct config cfg;
	char err[512];
	CHECK_INT(parse_str(&cfg, text, "git", err, sizeof err), 0);
	CHECK_STR(err, "");
	const struct policy_layer *s = &cfg.sandbox, *t = &cfg.tool;
	CHECK_STR(list_str(&s->lists[LIST_ALLOW_WRITE]), "/c");
	CHECK_STR(lines_str(&s->lists[LIST_ALLOW_WRITE]), "5");
	CHECK(s->cleared[LIST_ALLOW_WRITE]);
	CHECK_INT(s->cleared_src[LIST_ALLOW_WRITE].line, 4);
	CHECK(s->cleared[LIST_DENY_WRITE]);
	CHECK_INT(s->cleared_src[LIST_DENY_WRITE].line, 6);
	CHECK_INT(s->lists[LIST_DENY_WRITE].len, 0);
	CHECK(!s->cleared[LIST_ALLOW_READ]);
	CHECK_STR(list_str(&t->lists[LIST_ALLOW_READ]), "");
	CHECK(t->cleared[LIST_ALLOW_READ]);
	CHECK_INT(t->cleared_src[LIST_ALLOW_READ].line, 9);
	CHECK_STR(list_str(&t->lists[LIST_DENY_READ]), "/y|/z");
	CHECK_STR(lines_str(&t->lists[LIST_DENY_READ]), "10,11");
	CHECK(!t->cleared[LIST_DENY_READ]);
	config_release(&cfg);
}

/* libinih looks for " ;" right after the '=', before skipping spaces:
 * "key = ; note" is an empty assignment, "key =;x" is the value ";x".  The
 * scanner must read both the same way. */
static void empty_value_with_comment(void)
{
	static const char text[] = "[sandbox]\n"             /* 1 */
				   "allowWrite = /a\n"       /* 2 */
				   "allowWrite = ; clear\n"  /* 3 */
				   "allowWrite = /b\n"       /* 4 */
				   "allowWrite =;x\n"        /* 5 */
				   "[tool.git]\n"            /* 6 */
				   "denyRead = /r\n"         /* 7 */
				   "denyRead =\t; drop\n"   /* 8 */
				   "allowRead = \t ;\n";    /* 9 */
	struct config cfg;
	char err[512];
	CHECK_INT(parse_str(&cfg, text, "git", err, sizeof err), 0);
	CHECK_STR(err, "");
	CHECK_STR(list_str(&cfg.sandbox.lists[LIST_ALLOW_WRITE]), "/b|;x");
	CHECK(cfg.sandbox.cleared[LIST_ALLOW_WRITE]);
	CHECK_INT(cfg.sandbox.cleared_src[LIST_ALLOW_WRITE].line, 3);
	CHECK_STR(list_str(&cfg.tool.lists[LIST_DENY_READ]), "");
	CHECK(cfg.tool.cleared[LIST_DENY_READ]);
	CHECK_INT(cfg.tool.cleared_src[LIST_DENY_READ].line, 8);
	CHECK(cfg.tool.cleared[LIST_ALLOW_READ]);
	config_release(&cfg);

	/* A scalar cannot be empty, comment or not. */
	CHECK_INT(parse_str(&cfg, "[sandbox]\nallowNetwork = ; off\n", NULL,
			    err, sizeof err),
		  -1);
	CHECK_STR(err, "t.ini:2: allowNetwork = : expected true, false, yes, "
		       "no, 1 or 0");
	config_release(&cfg);
}

static void scalars_last_wins(void)
{
	static const char text[] = "[sandbox]\n"
				   "allowNetwork = true\n"
				   "httpProxyPort = 1\n"
				   "allowNetwork = false\n"
				   "httpProxyPort = 65535\n"
				   "[tool.a]\n"
				   "socksProxyPort = 9050\n"
				   "[tool.a]\n"
				   "socksProxyPort = 9051\n";
	struct config cfg;
	char err[512];
	CHECK_INT(parse_str(&cfg, text, "a", err, sizeof err), 0);
	const struct scalar *net = &cfg.sandbox.scalars[SCALAR_ALLOW_NETWORK];
	CHECK(net->set);
	CHECK_INT(net->value, 0);
	CHECK_INT(net->src.line, 4);
	CHECK_INT(cfg.sandbox.scalars[SCALAR_HTTP_PROXY_PORT].value, 65535);
	CHECK_INT(cfg.sandbox.scalars[SCALAR_HTTP_PROXY_PORT].src.line, 5);
	CHECK_INT(cfg.tool.scalars[SCALAR_SOCKS_PROXY_PORT].value, 9051);
	CHECK_INT(cfg.tool.scalars[SCALAR_SOCKS_PROXY_PORT].src.line, 9);
	/* The same [tool.a] twice is one tool. */
	CHECK_INT(cfg.tool_count, 1);
	config_release(&cfg);
}

static void booleans(void)
{
	static const struct {
		const char *text;
		long want; /* -1: refused */
	} rows[] = {
		{"true", 1},  {"TRUE", 1},  {"True", 1},   {"tRuE", 1},
		{"yes", 1},   {"YES", 1},   {"Yes", 1},    {"1", 1},
		{"false", 0}, {"FALSE", 0}, {"False", 0},  {"no", 0},
		{"NO", 0},    {"No", 0},    {"0", 0},      {"", -1},
		{"on", -1},   {"off", -1},  {"2", -1},     {"tru", -1},
		{"truee", -1}, {"y", -1},   {"n", -1},     {"01", -1},
		{" 1", -1},   {"1 ", -1},   {"-1", -1},    {"yes!", -1},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("parse_bool(\"%s\")", rows[i].text);
		long v = 42;
		int rc = parse_bool(rows[i].text, &v);
		if (rows[i].want < 0) {
			CHECK_INT(rc, -1);
			CHECK_INT(v, 42);
		} else {
			CHECK_INT(rc, 0);
			CHECK_INT(v, rows[i].want);
		}
	}
	/* The same through the parser, for both boolean keys; the scanner
	 * trims white space around the value. */
	static const char *const keys[] = {"allowNetwork", "allowLocalBinding"};
	static const enum scalar_key idx[] = {SCALAR_ALLOW_NETWORK,
					      SCALAR_ALLOW_LOCAL_BINDING};
	for (size_t k = 0; k < COUNT_OF(keys); k++) {
		for (size_t i = 0; i < COUNT_OF(rows); i++) {
			if (rows[i].text[0] == ' ' || strchr(rows[i].text, ' '))
				continue; /* trimmed by the scanner */
			test_row("%s = %s", keys[k], rows[i].text);
			char text[256], err[512];
			snprintf(text, sizeof text, "[sandbox]\n%s = %s\n",
				 keys[k], rows[i].text);
			struct config cfg;
			int rc = parse_str(&cfg, text, NULL, err, sizeof err);
			if (rows[i].want < 0) {
				CHECK_INT(rc, -1);
				char want[256];
				snprintf(want, sizeof want,
					 "t.ini:2: %s = %s: expected true, "
					 "false, yes, no, 1 or 0",
					 keys[k], rows[i].text);
				CHECK_STR(err, want);
			} else {
				CHECK_INT(rc, 0);
				CHECK_INT(cfg.sandbox.scalars[idx[k]].value,
					  rows[i].want);
			}
			config_release(&cfg);
		}
	}
}

static void ports(void)
{
	static const struct {
		const char *text;
		long want; /* -1: refused */
	} rows[] = {
		{"1", 1},      {"80", 80},    {"8080", 8080}, {"65535", 65535},
		{"0", -1},     {"65536", -1}, {"-1", -1},     {"12a", -1},
		{"", -1},      {"+80", -1},   {"99999", -1},  {"123456", -1},
		{"0x50", -1},  {"8 0", -1},   {"80.0", -1},   {"4294967377", -1},
		{"1e3", -1},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("parse_port(\"%s\")", rows[i].text);
		long v = 42;
		int rc = parse_port(rows[i].text, &v);
		if (rows[i].want < 0) {
			CHECK_INT(rc, -1);
			CHECK_INT(v, 42);
		} else {
			CHECK_INT(rc, 0);
			CHECK_INT(v, rows[i].want);
		}
		static const char *const keys[] = {"httpProxyPort",
						   "socksProxyPort"};
		for (size_t k = 0; k < COUNT_OF(keys); k++) {
			test_row("%s = %s", keys[k], rows[i].text);
			char text[256], err[512];
			snprintf(text, sizeof text, "[tool.x]\n%s = %s\n",
				 keys[k], rows[i].text);
			struct config cfg;
			rc = parse_str(&cfg, text, "x", err, sizeof err);
			if (rows[i].want < 0) {
				CHECK_INT(rc, -1);
				char want[256];
				snprintf(want, sizeof want,
					 "t.ini:2: %s = %s: expected a port "
					 "number from 1 to 65535",
					 keys[k], rows[i].text);
				CHECK_STR(err, want);
			} else {
				CHECK_INT(rc, 0);
				CHECK_INT(cfg.tool.scalars[k == 0
					       ? SCALAR_HTTP_PROXY_PORT
					       : SCALAR_SOCKS_PROXY_PORT].value,
					  rows[i].want);
			}
			config_release(&cfg);
		}
	}
}

static void comments_bom_crlf(void)
{
	static const char text[] =
		"\xEF\xBB\xBF; leading comment after a BOM\r\n" /* 1 */
		"# hash comment\r\n"                           /* 2 */
		"[sandbox] ; comment after a header\r\n"       /* 3 */
		"  ; indented comment\r\n"                     /* 4 */
		"\t# tab-indented comment\r\n"                 /* 5 */
		"   \r\n"                                      /* 6 */
		"allowWrite = /a ;inline comment\r\n"          /* 7 */
		"allowWrite = /b\t; tab before it\r\n"         /* 8 */
		"allowWrite = /c;not-a-comment\r\n"            /* 9 */
		"allowWrite=/d\r\n"                            /* 10 */
		"allowWrite   =   /e f   \r\n"                 /* 11 */
		"allowWrite = /g=h:i\r\n"                      /* 12 */
		"allowWrite = /j#k\r\n"                        /* 13 */
		"[tool.git] # hash comment after a header\r\n" /* 14 */
		"allowNetwork = yes ; why\r\n";                /* 15 */
	struct config cfg;
	char err[512];
	CHECK_INT(parse_str(&cfg, text, "git", err, sizeof err), 0);
	CHECK_STR(err, "");
	CHECK_STR(list_str(&cfg.sandbox.lists[LIST_ALLOW_WRITE]),
		  "/a|/b|/c;not-a-comment|/d|/e f|/g=h:i|/j#k");
	CHECK_STR(lines_str(&cfg.sandbox.lists[LIST_ALLOW_WRITE]),
		  "7,8,9,10,11,12,13");
	CHECK(cfg.tool_found);
	CHECK_INT(cfg.tool.scalars[SCALAR_ALLOW_NETWORK].value, 1);
	CHECK_INT(cfg.tool.scalars[SCALAR_ALLOW_NETWORK].src.line, 15);
	config_release(&cfg);

	/* LF-only with the same content but without the BOM: same lines. */
	struct config lf;
	CHECK_INT(parse_str(&lf, "[sandbox]\nallowWrite = /a\n\n\nallowWrite = /b",
			    NULL, err, sizeof err),
		  0);
	CHECK_STR(lines_str(&lf.sandbox.lists[LIST_ALLOW_WRITE]), "2,5");
	config_release(&lf);
}

/* A key line of exactly N bytes (without the newline). */
static char *key_line_of(size_t n, const char *eol)
{
	static const char head[] = "[sandbox]\nallowWrite = /";
	const size_t prefix = strlen("allowWrite = /");
	size_t total = strlen(head) + (n - prefix) + strlen(eol) + 1;
	char *text = malloc(total);
	strcpy(text, head);
	memset(text + strlen(head), 'x', n - prefix);
	strcpy(text + strlen(head) + (n - prefix), eol);
	return text;
}

static void line_length_limit(void)
{
	char err[512];
	struct config cfg;

	/* 4093 bytes is the longest line accepted (CONFIG_MAX_LINE - 3). */
	char *text = key_line_of(CONFIG_MAX_LINE - 3, "\n");
	test_row("4093-byte line");
	CHECK_INT(parse_str(&cfg, text, NULL, err, sizeof err), 0);
	CHECK_STR(err, "");
	if (cfg.sandbox.lists[LIST_ALLOW_WRITE].len == 1)
		CHECK_INT(strlen(cfg.sandbox.lists[LIST_ALLOW_WRITE].items[0].text),
			  CONFIG_MAX_LINE - 3 - strlen("allowWrite = "));
	else
		CHECK_INT(cfg.sandbox.lists[LIST_ALLOW_WRITE].len, 1);
	config_release(&cfg);
	free(text);

	/* The same with CRLF: the '\r' counts, so 4092 + '\r' is accepted. */
	text = key_line_of(CONFIG_MAX_LINE - 4, "\r\n");
	test_row("4092-byte line + CR");
	CHECK_INT(parse_str(&cfg, text, NULL, err, sizeof err), 0);
	CHECK_INT(cfg.sandbox.lists[LIST_ALLOW_WRITE].len, 1);
	config_release(&cfg);
	free(text);

	/* One byte more is refused, naming the line. */
	static const char *const eols[] = {"\n", "", "\nallowWrite = /y\n"};
	for (size_t i = 0; i < COUNT_OF(eols); i++) {
		text = key_line_of(CONFIG_MAX_LINE - 2, eols[i]);
		test_row("4094-byte line, eol #%zu", i);
		CHECK_INT(parse_str(&cfg, text, NULL, err, sizeof err), -1);
		CHECK_STR(err, "t.ini:2: line too long (at most 4093 bytes)");
		config_release(&cfg);
		free(text);
	}
	text = key_line_of(CONFIG_MAX_LINE - 3, "\r\n");
	test_row("4093-byte line + CR");
	CHECK_INT(parse_str(&cfg, text, NULL, err, sizeof err), -1);
	CHECK_STR(err, "t.ini:2: line too long (at most 4093 bytes)");
	config_release(&cfg);
	free(text);

	/* A long line that libinih would split and parse the tail of as a
	 * key: refused before libinih ever sees it. */
	size_t n = 5000;
	text = malloc(n + 64);
	strcpy(text, "[sandbox]\n; ");
	size_t at = strlen(text);
	memset(text + at, ' ', n);
	strcpy(text + at + n, "allowWrite = /\n");
	test_row("comment line whose tail is a key");
	CHECK_INT(parse_str(&cfg, text, NULL, err, sizeof err), -1);
	CHECK_STR(err, "t.ini:2: line too long (at most 4093 bytes)");
	CHECK_INT(cfg.sandbox.lists[LIST_ALLOW_WRITE].len, 0);
	config_release(&cfg);
	free(text);
}

/* The line limit must mean the same for the first line when the file starts
 * with a BOM: libinih reads the BOM into its line buffer, the scanner does
 * not count it.  Either the line is accepted, or it is refused as too long
 * on line 1 -- never "line 2: could not be parsed" for a one-line file. */
static void line_length_limit_after_bom(void)
{
	const size_t n = CONFIG_MAX_LINE - 3; /* what the scanner accepts */
	char *text = malloc(n + 8);
	memcpy(text, "\xEF\xBB\xBF;", 4);
	memset(text + 4, 'x', n - 1);
	strcpy(text + 3 + n, "\n");
	struct config cfg;
	char err[512];
	int rc = parse_str(&cfg, text, NULL, err, sizeof err);
	if (rc != 0)
		CHECK_CONTAINS(err, "t.ini:1: line too long");
	config_release(&cfg);
	free(text);
}

static void nul_bytes(void)
{
	static const struct {
		const char *text;
		size_t len;
		int line;
	} rows[] = {
#define NUL_ROW(text, line) {text, sizeof(text) - 1, line}
		NUL_ROW("[sandbox]\nallowWrite = /a\0/b\n", 2),
		NUL_ROW("[sandbox]\nallowWrite = /a\nallowWrite = \0\n", 3),
		NUL_ROW("[sandbox]\n; comment \0 allowWrite = /\n", 2),
		NUL_ROW("\0[sandbox]\n", 1),
		NUL_ROW("[sandbox]\nallowNetwork = false\n\0", 3),
		NUL_ROW("[sandbox]\nallowNetwork = false\0\nallowNetwork = true\n", 2),
		NUL_ROW("[sandbox]\r\n\r\n\r\nallowWrite = /\0\r\n", 4),
#undef NUL_ROW
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("NUL row %zu", i);
		struct config cfg;
		char err[512] = "";
		int rc = config_parse(&cfg, "t.ini", rows[i].text, rows[i].len,
				      NULL, err, sizeof err);
		CHECK_INT(rc, -1);
		char want[64];
		snprintf(want, sizeof want, "t.ini:%d: NUL byte in line",
			 rows[i].line);
		CHECK_STR(err, want);
		/* Nothing was applied: the scanner stops before libinih. */
		CHECK_INT(cfg.sandbox.lists[LIST_ALLOW_WRITE].len, 0);
		CHECK(!cfg.sandbox.scalars[SCALAR_ALLOW_NETWORK].set);
		config_release(&cfg);
	}
}

struct bad_row {
	const char *text;
	int line;
	const char *what;   /* must follow "t.ini:LINE: " */
	const char *absent; /* must not appear, or NULL */
};

static const struct bad_row bad_rows[] = {
	/* sections */
	{"[bogus]\n", 1,
	 "unknown section [bogus] (known: [landstrip], [sandbox], [tool.NAME])",
	 NULL},
	{"[sandbox]\n[ sandbox ]\n", 2, "unknown section [ sandbox ]", NULL},
	{"[Sandbox]\n", 1, "unknown section [Sandbox]", NULL},
	{"[]\n", 1, "unknown section []", NULL},
	{"[tool]\n", 1, "unknown section [tool]", NULL},
	{"[sandbox\n", 1, "section header without ']'", NULL},
	{"[sandbox] x\n", 1, "text after the section header", NULL},
	{"[sandbox]]\n", 1, "text after the section header", NULL},
	{"[sandbox][tool.x]\n", 1, "text after the section header", NULL},
	{"[sandbox];c\n", 1,
	 "a comment after a section header needs a space before it", NULL},
	{"[tool.]\n", 1, "bad tool name in [tool.]", NULL},
	{"[tool.a/b]\n", 1, "bad tool name in [tool.a/b]", NULL},
	{"[tool./]\n", 1, "bad tool name", NULL},
	{"[tool.a b]\n", 1, "bad tool name", NULL},
	{"[tool.a\tb]\n", 1, "bad tool name", NULL},
	{"[tool..]\n", 1, "bad tool name in [tool..]", NULL},
	{"[tool...]\n", 1, "bad tool name in [tool...]", NULL},
	{"[tool.a\x7f]\n", 1, "bad tool name", NULL},
	{"[sandbox]\n[tool.ok]\n[tool.a/b]\n", 3, "bad tool name", NULL},
	/* keys */
	{"[sandbox]\nallowWirte = /a\n", 2,
	 "unknown key 'allowWirte' in [sandbox] (did you mean 'allowWrite'?)",
	 NULL},
	{"[sandbox]\nallowWrite = .\ndenyRaed = ~/.ssh\n", 3,
	 "unknown key 'denyRaed' in [sandbox] (did you mean 'denyRead'?)", NULL},
	{"[sandbox]\nfrobnicate = 1\n", 2, "unknown key 'frobnicate' in [sandbox]",
	 "did you mean"},
	{"[tool.git]\nallowwrite = /a\n", 2,
	 "unknown key 'allowwrite' in [tool.git] (did you mean 'allowWrite'?)",
	 NULL},
	{"[landstrip]\nwrapperdir = /a\n", 2,
	 "unknown key 'wrapperdir' in [landstrip] (did you mean 'wrapperDir'?)",
	 NULL},
	{"[landstrip]\nallowWrite = /a\n", 2,
	 "unknown key 'allowWrite' in [landstrip]", NULL},
	{"[sandbox]\nwrapperDir = /a\n", 2, "unknown key 'wrapperDir' in [sandbox]",
	 NULL},
	{"[sandbox]\nallow Write = /a\n", 2, "unknown key 'allow Write'", NULL},
	{"allowWrite = /a\n[sandbox]\n", 1, "key outside a section", NULL},
	{"; c\n\nallowWrite = /a\n", 3, "key outside a section", NULL},
	/* line shapes */
	{"[sandbox]\nallowWrite: /a\n", 2,
	 "use '=' between key and value, not ':'", NULL},
	{"[sandbox]\nallowWrite : /a = b\n", 2, "not ':'", NULL},
	{"[sandbox]\nallowWrite /a\n", 2, "expected 'key = value' or '[section]'",
	 NULL},
	{"[sandbox]\nallowWrite\n", 2, "expected 'key = value'", NULL},
	{"[sandbox]\nallowWrite ;= /a\n", 2, "expected 'key = value'", NULL},
	{"[sandbox]\n= /a\n", 2, "missing key name before '='", NULL},
	{"[sandbox]\n\t= /a\n", 2, "indented line", NULL},
	{"[sandbox]\nallowWrite = /a\n  /b\n", 3,
	 "indented line: continuation lines are not supported", NULL},
	{"[sandbox]\n\tallowWrite = /a\n", 2, "indented line", NULL},
	{"[sandbox]\n [tool.x]\n", 2, "indented line", NULL},
	{"[sandbox]\nallowWrite = /a #c\n", 2,
	 "'#' starts a comment only at the start of a line; use ' ;' for a "
	 "comment after a value",
	 NULL},
	{"[sandbox]\nallowWrite = /a\t#c\n", 2, "'#' starts a comment", NULL},
	{"[sandbox]\nallowWrite = /a b #c ;d\n", 2, "'#' starts a comment", NULL},
	{"[sandbox]\nallowWrite = \"/a\"\n", 2,
	 "quoted value: quotes are not removed", NULL},
	{"[sandbox]\nallowWrite = '/a b'\n", 2, "quoted value", NULL},
	{"[sandbox]\ndenyRead = \"~/.ssh\" ; c\n", 2, "quoted value", NULL},
	/* paths */
	{"[sandbox]\nallowWrite = ~root/x\n", 2,
	 "allowWrite = ~root/x: '~user' paths are not supported", NULL},
	{"[sandbox]\ndenyRead = ~root\n", 2, "'~user' paths are not supported",
	 NULL},
	{"[sandbox]\nallowUnixSockets = ~x/s\n", 2, "'~user'", NULL},
	{"[tool.git]\nprogram = ~git/bin/git\n", 2, "'~user'", NULL},
	{"[landstrip]\nsupervisor = ~other/sup\n", 2, "'~user'", NULL},
	/* program */
	{"[sandbox]\nprogram = /usr/bin/git\n", 2,
	 "program: 'program' belongs in a [tool.NAME] section", NULL},
	{"[tool.git]\nprogram = bin/git\n", 2,
	 "program = bin/git: must be an absolute path (or ~/...)", NULL},
	{"[tool.git]\nprogram = git\n", 2, "must be an absolute path", NULL},
	{"[tool.git]\nprogram =\n", 2, "program needs a value", NULL},
	{"[tool.other]\nprogram = rel\n", 2, "must be an absolute path", NULL},
	/* refused on purpose */
	{"[sandbox]\nallowedDomains = example.com\n", 2,
	 "allowedDomains: domain filtering is not supported", NULL},
	{"[tool.curl]\ndeniedDomains = evil.example\n", 2,
	 "deniedDomains: domain filtering is not supported", NULL},
	{"[sandbox]\nallowedDomains =\n", 2, "domain filtering is not supported",
	 NULL},
	/* [landstrip] */
	{"[landstrip]\nwrapperDir = rel/dir\n", 2,
	 "wrapperDir = rel/dir: must be an absolute path", NULL},
	{"[landstrip]\nwrapperDir =\n", 2, "wrapperDir needs a value", NULL},
	{"[landstrip]\nsupervisor = sup\n", 2, "must be an absolute path", NULL},
	{"[landstrip]\nreport = syslog\n", 2,
	 "report = syslog: expected stderr, none or an absolute file path",
	 NULL},
	{"[landstrip]\nreport =\n", 2, "report needs a value", NULL},
	/* every tool section is checked, not only the one asked for */
	{"[tool.other]\nallowNetwork = nah\n", 2, "allowNetwork = nah: expected",
	 NULL},
	{"[tool.other]\nhttpProxyPort = 0\n", 2, "expected a port number", NULL},
	{"[tool.other]\nbogus = 1\n", 2, "unknown key 'bogus' in [tool.other]",
	 NULL},
	/* line numbers with CRLF, a BOM, and the error on the last line */
	{"[sandbox]\r\nallowWrite = /a\r\nallowNetwork = sure\r\n", 3,
	 "allowNetwork = sure: expected", NULL},
	{"\xEF\xBB\xBF[sandbox]\nallowNetwork = sure\n", 2,
	 "allowNetwork = sure", NULL},
	{"\xEF\xBB\xBF[sandbox]\n\n\nallowWrite: /a\n", 4, "not ':'", NULL},
	{"[sandbox]\nallowWrite = /a\n\n; c\n[tool.git]\nallowWrite = /b\n"
	 "allowNetwork = true\nhttpProxyPort = 0\n",
	 8, "httpProxyPort = 0", NULL},
	{"[sandbox]\nallowWrite = /a\nallowWrite = /b\nallowWrite: /c", 4,
	 "not ':'", NULL},
};

static void refused_lines(void)
{
	for (size_t i = 0; i < COUNT_OF(bad_rows); i++) {
		const struct bad_row *r = &bad_rows[i];
		test_row("bad row %zu: %s", i, r->text);
		struct config cfg;
		char err[1024];
		int rc = parse_str(&cfg, r->text, "git", err, sizeof err);
		CHECK_INT(rc, -1);
		char prefix[32];
		snprintf(prefix, sizeof prefix, "t.ini:%d: ", r->line);
		if (!CHECK(strncmp(err, prefix, strlen(prefix)) == 0))
			test_fail(__FILE__, __LINE__, "want prefix \"%s\", got \"%s\"",
				  prefix, err);
		else
			CHECK_CONTAINS(err + strlen(prefix), r->what);
		if (r->absent)
			CHECK_NOT_CONTAINS(err, r->absent);
		CHECK(!strchr(err, '\n'));
		config_release(&cfg);
	}
}

/* "key = # text" looks like an empty assignment followed by a comment, and
 * the scanner refuses '#' after white space inside a value for exactly that
 * reason; but a '#' right at the start of the value slips through and
 * becomes the relative path "# nothing here", so "allowWrite = # none" in a
 * [tool] section keeps [sandbox]'s list instead of clearing it. */
static void hash_comment_after_empty_value(void)
{
	static const char *const texts[] = {
		"[sandbox]\nallowWrite = # nothing here\n",
		"[tool.git]\nallowWrite =   # clear it\n",
		"[sandbox]\ndenyWrite = #\n",
	};
	for (size_t i = 0; i < COUNT_OF(texts); i++) {
		test_row("%s", texts[i]);
		struct config cfg;
		char err[512];
		int rc = parse_str(&cfg, texts[i], "git", err, sizeof err);
		CHECK_INT(rc, -1);
		CHECK_CONTAINS(err, "t.ini:2: '#' starts a comment");
		config_release(&cfg);
	}
}

/* "Nothing half-applied": an error on the very last line fails the whole
 * parse.  A line the scanner refuses stops it before libinih runs, so no
 * key at all reaches the struct; a bad value is found while applying and
 * the caller must discard the struct (it dies: shim/context.c). */
static void failure_on_last_line(void)
{
	static const char scan_err[] = "[sandbox]\n"
				       "allowWrite = /a\n"
				       "allowNetwork = true\n"
				       "[tool.git]\n"
				       "allowWrite = /b\n"
				       "program = /usr/bin/git\n"
				       "allowWrite = \"/c\"\n";
	struct config cfg;
	char err[512];
	CHECK_INT(parse_str(&cfg, scan_err, "git", err, sizeof err), -1);
	CHECK_CONTAINS(err, "t.ini:7: quoted value");
	CHECK_INT(cfg.sandbox.lists[LIST_ALLOW_WRITE].len, 0);
	CHECK(!cfg.sandbox.scalars[SCALAR_ALLOW_NETWORK].set);
	CHECK_INT(cfg.tool.lists[LIST_ALLOW_WRITE].len, 0);
	CHECK(cfg.tool.program == NULL);
	config_release(&cfg);

	static const char value_err[] = "[sandbox]\n"
					"allowWrite = /a\n"
					"[tool.git]\n"
					"allowNetwork = perhaps";
	CHECK_INT(parse_str(&cfg, value_err, "git", err, sizeof err), -1);
	CHECK_STR(err, "t.ini:4: allowNetwork = perhaps: expected true, "
		       "false, yes, no, 1 or 0");
	config_release(&cfg);

	/* A struct reused after a good parse starts from nothing. */
	CHECK_INT(parse_str(&cfg, "[sandbox]\nallowWrite = /a\n", NULL, err,
			    sizeof err),
		  0);
	config_release(&cfg);
	CHECK_INT(parse_str(&cfg, "[sandbox]\nallowWrite = /b\nx\n", NULL, err,
			    sizeof err),
		  -1);
	CHECK_CONTAINS(err, "t.ini:3: expected 'key = value'");
	CHECK_INT(cfg.sandbox.lists[LIST_ALLOW_WRITE].len, 0);
	config_release(&cfg);
}

static void tool_names_and_found(void)
{
	static const char text[] = "[tool.git]\n"
				   "[sandbox]\n"
				   "allowWrite = /s\n"
				   "[tool.npm]\n"
				   "allowNetwork = true\n"
				   "allowWrite = /n\n"
				   "[tool.git]\n"
				   "[tool.cargo] ; no keys\n"
				   "[tool.g++]\n";
	static const struct {
		const char *tool;
		bool found;
		const char *allow_write; /* the kept tool layer */
	} rows[] = {
		{"git", true, ""},     {"npm", true, "/n"}, {"cargo", true, ""},
		{"g++", true, ""},     {"make", false, ""}, {NULL, false, ""},
		{"tool.git", false, ""}, {"gi", false, ""},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("tool %s", rows[i].tool ? rows[i].tool : "(null)");
		struct config cfg;
		char err[512];
		CHECK_INT(parse_str(&cfg, text, rows[i].tool, err, sizeof err), 0);
		CHECK_INT(cfg.tool_found, rows[i].found);
		CHECK_INT(cfg.tool_count, 4);
		if (cfg.tool_count == 4) {
			CHECK_STR(cfg.tool_names[0], "git");
			CHECK_STR(cfg.tool_names[1], "npm");
			CHECK_STR(cfg.tool_names[2], "cargo");
			CHECK_STR(cfg.tool_names[3], "g++");
		}
		CHECK_STR(list_str(&cfg.tool.lists[LIST_ALLOW_WRITE]),
			  rows[i].allow_write);
		CHECK_INT(cfg.tool.scalars[SCALAR_ALLOW_NETWORK].set,
			  rows[i].tool && strcmp(rows[i].tool, "npm") == 0);
		/* Only the tool asked for is kept; [sandbox] always is. */
		CHECK_STR(list_str(&cfg.sandbox.lists[LIST_ALLOW_WRITE]), "/s");
		config_release(&cfg);
	}
}

/* A tool name is "one or more printable characters other than '/'"
 * (landstrip.ini(5)), but libinih keeps only 49 bytes of a section name, so
 * the cross-check refuses every key of a tool whose name is longer than 44
 * bytes, naming the key line with "could not be parsed unambiguously".
 * Either such a section works, or the header line is refused with a reason. */
static void long_tool_name(void)
{
	char name[61];
	memset(name, 'n', 60);
	name[60] = '\0';
	char text[256];
	snprintf(text, sizeof text, "[tool.%s]\nallowWrite = /x\n", name);
	struct config cfg;
	char err[512];
	int rc = parse_str(&cfg, text, name, err, sizeof err);
	if (rc == 0) {
		CHECK(cfg.tool_found);
		CHECK_INT(cfg.tool.lists[LIST_ALLOW_WRITE].len, 1);
	} else {
		CHECK_CONTAINS(err, "t.ini:1: ");
		CHECK_NOT_CONTAINS(err, "unambiguously");
	}
	config_release(&cfg);

	/* 44 bytes work. */
	name[44] = '\0';
	snprintf(text, sizeof text, "[tool.%s]\nallowWrite = /x\n", name);
	CHECK_INT(parse_str(&cfg, text, name, err, sizeof err), 0);
	CHECK_INT(cfg.tool.lists[LIST_ALLOW_WRITE].len, 1);
	config_release(&cfg);
}

static void load_file(void)
{
	char *dir = tmp_tree();
	REQUIRE(dir);
	char *path = join(dir, "config.ini");
	/* config_load_file leaves CFG untouched when it cannot read the
	 * file: start from zero so that config_release() is always safe. */
	struct config cfg = {0};
	char err[1024];
	errno = 0;
	CHECK_INT(config_load_file(&cfg, path, NULL, err, sizeof err), -1);
	CHECK_INT(errno, ENOENT);
	CHECK_CONTAINS(err, "cannot open config");
	config_release(&cfg);

	FILE *f = fopen(path, "w");
	REQUIRE(f);
	fputs("[sandbox]\nallowWrite = /a\n[tool.x]\nallowNetwork = 1\n", f);
	fclose(f);
	CHECK_INT(config_load_file(&cfg, path, "x", err, sizeof err), 0);
	CHECK_STR(cfg.origin, path);
	CHECK_STR(list_str(&cfg.sandbox.lists[LIST_ALLOW_WRITE]), "/a");
	CHECK_STR(cfg.sandbox.lists[LIST_ALLOW_WRITE].items[0].src.file, path);
	CHECK_INT(cfg.tool.scalars[SCALAR_ALLOW_NETWORK].value, 1);
	config_release(&cfg);

	f = fopen(path, "w");
	REQUIRE(f);
	fputs("[sandbox]\nallowWrite = /a\nallowWrite:/b\n", f);
	fclose(f);
	CHECK_INT(config_load_file(&cfg, path, NULL, err, sizeof err), -1);
	char want[1024];
	snprintf(want, sizeof want, "%s:3: use '='", path);
	CHECK_CONTAINS(err, want);
	config_release(&cfg);

	/* A directory is not a config. */
	errno = 0;
	CHECK_INT(config_load_file(&cfg, dir, NULL, err, sizeof err), -1);
	CHECK_CONTAINS(err, "not a regular file");
	config_release(&cfg);
	free(path);
	tmp_tree_free(dir);
}

static void embedded_default_parses(void)
{
	struct config cfg;
	char err[512];
	int rc = config_parse(&cfg, "<embedded default>", embedded_default_config,
			      strlen(embedded_default_config), "git", err,
			      sizeof err);
	CHECK_INT(rc, 0);
	CHECK_STR(err, "");
	CHECK(cfg.sandbox.lists[LIST_ALLOW_WRITE].len > 0);
	CHECK(cfg.sandbox.lists[LIST_DENY_READ].len > 0);
	CHECK(cfg.sandbox.scalars[SCALAR_ALLOW_NETWORK].set);
	CHECK_INT(cfg.sandbox.scalars[SCALAR_ALLOW_NETWORK].value, 0);
	CHECK(!cfg.tool_found);
	config_release(&cfg);
}

static void key_names(void)
{
	CHECK_STR(list_key_name(LIST_ALLOW_WRITE), "allowWrite");
	CHECK_STR(list_key_name(LIST_DENY_WRITE), "denyWrite");
	CHECK_STR(list_key_name(LIST_ALLOW_READ), "allowRead");
	CHECK_STR(list_key_name(LIST_DENY_READ), "denyRead");
	CHECK_STR(list_key_name(LIST_ALLOW_UNIX_SOCKETS), "allowUnixSockets");
	CHECK_STR(scalar_key_name(SCALAR_ALLOW_NETWORK), "allowNetwork");
	CHECK_STR(scalar_key_name(SCALAR_HTTP_PROXY_PORT), "httpProxyPort");
	CHECK_STR(scalar_key_name(SCALAR_SOCKS_PROXY_PORT), "socksProxyPort");
	CHECK_STR(scalar_key_name(SCALAR_ALLOW_LOCAL_BINDING),
		  "allowLocalBinding");
}

const struct test_case parse_tests[] = {
	TEST_CASE(every_key_form),
	TEST_CASE(report_forms),
	TEST_CASE(empty_file_and_empty_sections),
	TEST_CASE(lists_append_and_empty_clears),
	TEST_CASE(empty_value_with_comment),
	TEST_CASE(scalars_last_wins),
	TEST_CASE(booleans),
	TEST_CASE(ports),
	TEST_CASE(comments_bom_crlf),
	TEST_CASE(line_length_limit),
	TEST_CASE(line_length_limit_after_bom),
	TEST_CASE(nul_bytes),
	TEST_CASE(refused_lines),
	TEST_CASE(hash_comment_after_empty_value),
	TEST_CASE(failure_on_last_line),
	TEST_CASE(tool_names_and_found),
	TEST_CASE(long_tool_name),
	TEST_CASE(load_file),
	TEST_CASE(embedded_default_parses),
	TEST_CASE(key_names),
	TEST_END,
};
