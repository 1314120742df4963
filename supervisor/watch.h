/* The fds the supervisor's loop waits on: the busy listeners, polled
 * directly, and everything else in one epoll set.
 *
 * A session supervisor may hold hundreds of listeners (every background
 * daemon a tool started keeps its own): poll(2) would look at all of them
 * on every trapped call, and a bind took 36 us instead of 20 with 64 idle
 * sandboxes alive.  An epoll set costs the same whatever it holds.
 *
 * But the listeners that are busy stay out of the set and are polled
 * directly, beside the epoll fd: a listener set to synchronous wake-ups
 * (SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) wakes a poll(2) waiter on the
 * trapping thread's CPU, while through epoll the wake-up is an ordinary
 * one, to wherever the scheduler likes: per-tool binds went from 20 us to
 * 22-63 us (p90 80-190) with every listener in the set.  A new sandbox is
 * busy; an idle one is moved into the set when WATCH_HOT_MAX busier ones
 * need the room, and back out at its next event.
 *
 * Each fd is tagged with what it is and where its owner sits in the
 * supervisor's arrays.  Owners move (arrays are compacted by moving the
 * last entry into a hole), so an event is resolved to its owner only when
 * it is handled, and an event for an fd that was closed, or closed and
 * reused, earlier in the same batch is recognised by its generation and
 * dropped: a listener event reaching the wrong owner would make the loop
 * block in SECCOMP_IOCTL_NOTIF_RECV. */
#ifndef LANDSTRIP_WATCH_H
#define LANDSTRIP_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum watch_kind {
	WATCH_NONE,
	WATCH_SANDBOX,  /* a seccomp listener; index into sandboxes[] */
	WATCH_PENDING,  /* a registration channel; index into pending[] */
	WATCH_SESSION,  /* session mode: the shared socket */
	WATCH_CHILDREN, /* session mode: the agent's pidfd, SIGCHLD */
};

struct watch_entry {
	uint32_t generation; /* 0: not watched */
	enum watch_kind kind;
	size_t index;
	bool hot; /* polled directly, not in the epoll set */
};

#define WATCH_HOT_MAX 8

/* A busy listener with no call for this long goes into the set too: every
 * fd polled directly costs each wait its poll, and most of a session's
 * sandboxes (one for each daemon a tool left running) wait for hours.
 * With 64 idle sandboxes alive, the last eight to register stayed in the
 * poll, and a bind took 1.85 us more (12 interleaved runs).  The price: a
 * listener's first call after a quiet spell wakes the supervisor the
 * ordinary way. */
#define WATCH_COOL_MS 250

struct watch_entry_hot {
	int fd;
	unsigned long last_event; /* of watch.clock */
	long last_event_ms;       /* of watch.now_ms */
};

struct watch {
	int epoll_fd;
	struct watch_entry *by_fd; /* indexed by fd */
	size_t size;
	uint32_t last_generation;
	/* busy listeners, polled directly (not in the epoll set) */
	struct watch_entry_hot hot[WATCH_HOT_MAX];
	size_t hot_count;
	unsigned long clock; /* counts waits */
	long now_ms;         /* CLOCK_MONOTONIC_COARSE when the last wait ended */
};

/* One ready fd, as epoll reported it. */
struct watch_event {
	int fd;
	uint32_t generation;
	uint32_t events; /* EPOLLIN, EPOLLHUP, EPOLLERR */
};

/* 0, or -1 with errno. */
int watch_open(struct watch *w);
void watch_close(struct watch *w);

/* Start watching FD (for EPOLLIN) as KIND at INDEX; a WATCH_SANDBOX fd
 * starts busy.  0, or -1 with errno and nothing watched. */
int watch_add(struct watch *w, int fd, enum watch_kind kind, size_t index);

/* FD's owner now sits at INDEX. */
void watch_move(struct watch *w, int fd, size_t index);

/* Stop watching FD; call before closing it. */
void watch_remove(struct watch *w, int fd);

/* Wait up to TIMEOUT_MS (-1: forever) for ready fds; at most MAX of them
 * in OUT.  Returns how many, or -1 with errno (EINTR included). */
int watch_wait(struct watch *w, struct watch_event *out, int max,
	       int timeout_ms);

/* Busy listeners without an event since before NOW_MS - WATCH_COOL_MS go
 * into the epoll set (watch_wait does this before every wait). */
void watch_cool_idle(struct watch *w, long now_ms);

/* The timeout for watch_wait until DEADLINE_MS, both on the same
 * millisecond clock as NOW_MS: 0 when it has passed, -1 (none) when it is
 * too far to say in an int, as per-tool mode's LONG_MAX is. */
int watch_timeout_ms(long deadline_ms, long now_ms);

/* What EV's fd is now: its kind (WATCH_NONE for a stale event) and the
 * index of its owner. */
enum watch_kind watch_resolve(const struct watch *w,
			      const struct watch_event *ev, size_t *index);

#endif
