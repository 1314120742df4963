/* What lowering depended on in the filesystem: every directory it looked
 * a name up in or listed, with its identity and change time as they were
 * just before.  Adding, removing or renaming an entry changes a
 * directory's ctime, so while none of these has changed, lowering the
 * same policy in the same place would build the same ruleset: the session
 * supervisor may hand the one it keeps to the next shim
 * (landstrip-supervisor(8), "The ruleset cache").
 *
 * What the recorder cannot follow (a symlink on the way, a pattern
 * expanded by walking a tree, too many directories, a directory changed
 * a moment ago) taints the recording: such a ruleset is never kept.
 *
 * One recording at a time, process-wide: lowering reaches the filesystem
 * from config/paths.c and config/glob.c, which have no lowering context to
 * carry it in.  Recording is off unless deps_start is called. */
#ifndef LANDSTRIP_DEPS_H
#define LANDSTRIP_DEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEPS_MAX 256

/* A directory whose ctime is this recent when it is noted taints the
 * recording: a change within the filesystem's timestamp granularity (a
 * jiffy on kernels without multigrain timestamps) might not move it. */
#define DEPS_SETTLE_NS 50000000LL

struct dep {
	char *path;
	uint64_t dev, ino;
	int64_t ctime_sec;
	uint32_t ctime_nsec;
};

struct deps {
	bool on;
	const char *tainted; /* why the recording cannot be trusted, or NULL */
	struct dep items[DEPS_MAX];
	size_t count;
};

extern struct deps lowering_deps;

void deps_start(void);
void deps_stop(void);

/* ABS (absolute, normalised) is about to be resolved: every directory
 * above it is looked in. */
void deps_note_lookup(const char *abs);

/* The directory ABS is about to be listed. */
void deps_note_dir(const char *abs);

void deps_taint(const char *why);

/* ABS, a regular file whose content was read (config/protect.c reads
 * .git files and commondir): its ctime too, and the directories above. */
void deps_note_file(const char *abs);

#endif
