/* INI parsing: a strict line scanner in front of libinih.
 *
 * The packaged libinih silently misreads some input (THREATS.md #14): it
 * splits lines longer than its buffer and parses the tail as a new key, turns
 * a NUL byte into an empty value, and continues a value on an indented line.
 * So every line is first classified here, refusing anything ambiguous, and
 * then libinih parses the same text; each key it reports must match, in
 * order, the key line our scanner expected, or the file is refused.  Values
 * are applied to a fresh struct config that the caller uses only when the
 * whole file parsed. */
#include "config.h"
#include "diag.h"
#include "keys.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX_SIZE (1024 * 1024)
#define MAX_TOOL_NAME 44

/* One key line as our scanner reads it. */
struct scanned_key {
	int line;
	char *section;
	char *name;
	char *value;
};

struct parse_state {
	struct config *cfg;
	const char *tool;   /* the [tool.NAME] whose layer we keep */
	struct scanned_key *keys;
	size_t key_count;
	size_t next_key;    /* index of the key libinih should report next */
	char *err;
	size_t errlen;
	bool failed;
};

static bool is_blank(const char *s, const char *end)
{
	for (; s < end; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

static const char *skip_space(const char *s, const char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	return s;
}

static const char *trim_end(const char *start, const char *end)
{
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	return end;
}

/* Where libinih ends a value: at a ';' preceded by white space. */
static const char *inline_comment(const char *s, const char *end)
{
	bool was_space = false;
	for (; s < end; s++) {
		if (*s == ';' && was_space)
			return s;
		was_space = isspace((unsigned char)*s);
	}
	return end;
}

static int line_error(struct parse_state *st, int line, const char *fmt,
		      const char *detail)
{
	char what[512];
	format_error(what, sizeof what, fmt, detail ? detail : "");
	format_error(st->err, st->errlen, "%s:%d: %s", st->cfg->origin, line,
		     what);
	st->failed = true;
	return -1;
}

static bool valid_tool_name(const char *name)
{
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || !isgraph((unsigned char)*p))
			return false;
	return true;
}

static int check_section(struct parse_state *st, int line, const char *name)
{
	if (strcmp(name, "landstrip") == 0 || strcmp(name, "sandbox") == 0)
		return 0;
	if (strncmp(name, "tool.", 5) == 0) {
		/* libinih keeps 49 bytes of a section name. */
		if (strlen(name + 5) > MAX_TOOL_NAME)
			return line_error(st, line,
					  "tool name in [%s] is too long (at "
					  "most 44 bytes)",
					  name);
		if (!valid_tool_name(name + 5))
			return line_error(st, line,
					  "bad tool name in [%s]: a tool name is "
					  "a command name without '/' or spaces",
					  name);
		return 0;
	}
	return line_error(st, line,
			  "unknown section [%s] (known: [landstrip], "
			  "[sandbox], [tool.NAME])",
			  name);
}

/* Remember every [tool.NAME], even one without keys: "[tool.git]" alone
 * means git is wrapped with the [sandbox] policy. */
static void note_tool_section(struct parse_state *st, const char *section)
{
	struct config *cfg = st->cfg;
	if (strncmp(section, "tool.", 5) != 0)
		return;
	const char *name = section + 5;
	if (st->tool && strcmp(name, st->tool) == 0)
		cfg->tool_found = true;
	for (size_t i = 0; i < cfg->tool_count; i++)
		if (strcmp(cfg->tool_names[i], name) == 0)
			return;
	cfg->tool_names = xrealloc(cfg->tool_names, (cfg->tool_count + 1) *
							    sizeof *cfg->tool_names);
	cfg->tool_names[cfg->tool_count++] = xstrdup(name);
}

/* Classify one line.  Key lines are appended to st->keys; *section tracks the
 * current section name. */
static int scan_line(struct parse_state *st, int line, const char *s,
		     const char *end, char **section)
{
	if (is_blank(s, end))
		return 0;
	const char *start = skip_space(s, end);
	if (*start == ';' || *start == '#')
		return 0;
	if (start > s)
		return line_error(st, line,
				  "indented line: continuation lines are not "
				  "supported, write one 'key = value' per line%s",
				  NULL);
	end = trim_end(start, end);
	if (*start == '[') {
		const char *close = memchr(start, ']', (size_t)(end - start));
		if (!close)
			return line_error(st, line,
					  "section header without ']'%s", NULL);
		const char *rest = skip_space(close + 1, end);
		if (rest < end && *rest != ';' && *rest != '#')
			return line_error(st, line,
					  "text after the section header%s",
					  NULL);
		if (rest < end && (close + 1 == rest))
			return line_error(st, line,
					  "a comment after a section header "
					  "needs a space before it%s",
					  NULL);
		free(*section);
		*section = xstrndup(start + 1, (size_t)(close - start - 1));
		if (check_section(st, line, *section) < 0)
			return -1;
		note_tool_section(st, *section);
		return 0;
	}

	/* key = value, split where libinih splits it */
	const char *sep = start;
	const char *comment = inline_comment(start, end);
	while (sep < comment && *sep != '=' && *sep != ':')
		sep++;
	if (sep >= comment)
		return line_error(st, line,
				  "expected 'key = value' or '[section]'%s",
				  NULL);
	if (*sep == ':')
		return line_error(st, line,
				  "use '=' between key and value, not ':'%s",
				  NULL);
	const char *name_end = trim_end(start, sep);
	if (name_end == start)
		return line_error(st, line, "missing key name before '='%s",
				  NULL);
	if (!**section)
		return line_error(st, line,
				  "key outside a section: put it under "
				  "[sandbox] or [tool.NAME]%s",
				  NULL);

	/* libinih looks for " ;" from just after the '=', before it skips
	 * spaces: "key = ; note" is an empty value, "key =;x" is ";x". */
	const char *comment_at = inline_comment(sep + 1, end);
	const char *value = skip_space(sep + 1, comment_at);
	const char *value_end = trim_end(value, comment_at);
	for (const char *p = value; p < value_end; p++)
		if (*p == '#' && (p == value || isspace((unsigned char)p[-1])))
			return line_error(st, line,
					  "'#' starts a comment only at the "
					  "start of a line; use ' ;' for a "
					  "comment after a value%s",
					  NULL);
	if (value_end - value >= 2 &&
	    ((*value == '"' && value_end[-1] == '"') ||
	     (*value == '\'' && value_end[-1] == '\'')))
		return line_error(st, line,
				  "quoted value: quotes are not removed, "
				  "write the value without them%s",
				  NULL);

	st->keys = xrealloc(st->keys, (st->key_count + 1) * sizeof *st->keys);
	st->keys[st->key_count++] = (struct scanned_key){
		.line = line,
		.section = xstrdup(*section),
		.name = xstrndup(start, (size_t)(name_end - start)),
		.value = xstrndup(value, (size_t)(value_end - value)),
	};
	return 0;
}

static int scan_text(struct parse_state *st, const char *text, size_t len)
{
	char *section = xstrdup("");
	const char *p = text, *end = text + len;
	int line = 1;
	int rc = 0;

	/* A UTF-8 byte order mark is allowed at the start, as libinih does;
	 * libinih counts it in the first line's length, and so do we. */
	size_t bom = len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	p += bom;
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		size_t counted = (size_t)(line_end - p) + (line == 1 ? bom : 0);
		if (memchr(p, '\0', (size_t)(line_end - p)))
			rc = line_error(st, line, "NUL byte in line%s", NULL);
		else if (counted > CONFIG_MAX_LINE - 3)
			rc = line_error(st, line,
					"line too long (at most 4093 bytes)%s",
					NULL);
		else
			rc = scan_line(st, line, p, line_end, &section);
		p = nl ? nl + 1 : end;
		line++;
	}
	free(section);
	return rc;
}

static int inih_handler(void *user, const char *section, const char *name,
			const char *value)
{
	struct parse_state *st = user;
	if (st->failed)
		return 0;
	if (st->next_key >= st->key_count) {
		format_error(st->err, st->errlen,
			     "%s: could not be parsed unambiguously "
			     "(unexpected key '%s')",
			     st->cfg->origin, name);
		st->failed = true;
		return 0;
	}
	struct scanned_key *k = &st->keys[st->next_key++];
	if (strcmp(k->section, section) || strcmp(k->name, name) ||
	    strcmp(k->value, value))
		return line_error(st, k->line,
				  "could not be parsed unambiguously; "
				  "simplify this line%s",
				  NULL),
		       0;
	bool keep_tool = st->tool && strncmp(section, "tool.", 5) == 0 &&
			 strcmp(section + 5, st->tool) == 0;
	struct key_context ctx = {
		.cfg = st->cfg,
		.keep_tool = keep_tool,
		.src = {st->cfg->origin, k->line},
		.err = st->err,
		.errlen = st->errlen,
	};
	if (apply_key(&ctx, section, name, value) < 0) {
		st->failed = true;
		return 0;
	}
	return 1;
}

static void free_scanned(struct parse_state *st)
{
	for (size_t i = 0; i < st->key_count; i++) {
		free(st->keys[i].section);
		free(st->keys[i].name);
		free(st->keys[i].value);
	}
	free(st->keys);
}

int config_parse(struct config *cfg, const char *origin, const char *text,
		 size_t len, const char *tool, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->origin = origin;
	struct parse_state st = {
		.cfg = cfg, .tool = tool, .err = err, .errlen = errlen,
	};
	int rc = scan_text(&st, text, len);
	if (rc == 0) {
		/* The scanner refused NULs, so TEXT is a C string up to LEN. */
		char *copy = xstrndup(text, len);
		ini_max_line = CONFIG_MAX_LINE;
		ini_allow_multiline = false;
		ini_allow_inline_comments = true;
		ini_stop_on_first_error = true;
		ini_allow_no_value = false;
		ini_allow_bom = true;
		int line = ini_parse_string(copy, inih_handler, &st);
		free(copy);
		if (!st.failed && line != 0)
			line_error(&st, line > 0 ? line : 0,
				   "could not be parsed%s", NULL);
		else if (!st.failed && st.next_key != st.key_count)
			format_error(err, errlen,
				     "%s: could not be parsed unambiguously "
				     "(libinih skipped a key)",
				     origin),
				st.failed = true;
		rc = st.failed ? -1 : 0;
	}
	free_scanned(&st);
	return rc;
}

int config_load_file(struct config *cfg, const char *path, const char *tool,
		     char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int saved = errno;
		format_error(err, errlen, "%s: cannot open config: %s", path,
			     strerror(saved));
		errno = saved;
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONFIG_MAX_SIZE) {
		format_error(err, errlen,
			     "%s: not a regular file of at most 1 MiB", path);
		close(fd);
		errno = EINVAL;
		return -1;
	}
	size_t size = (size_t)st.st_size;
	char *buf = xrealloc(NULL, size + 1);
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = n < 0 ? errno : EIO;
			format_error(err, errlen, "%s: cannot read config: %s",
				     path, strerror(saved));
			close(fd);
			free(buf);
			errno = saved;
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[size] = '\0';
	int rc = config_parse(cfg, path, buf, size, tool, err, errlen);
	free(buf);
	return rc;
}
