/* The fds the supervisor waits on: busy listeners polled directly, the
 * rest in an epoll set, and what each fd belongs to; see watch.h for
 * why. */
#include "watch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

static long coarse_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int watch_open(struct watch *w)
{
	memset(w, 0, sizeof *w);
	w->now_ms = coarse_now_ms();
	w->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	return w->epoll_fd < 0 ? -1 : 0;
}

void watch_close(struct watch *w)
{
	if (w->epoll_fd >= 0)
		close(w->epoll_fd);
	free(w->by_fd);
	memset(w, 0, sizeof *w);
	w->epoll_fd = -1;
}

/* Room for FD in the table: grown geometrically, new entries unwatched. */
static int reserve(struct watch *w, int fd)
{
	if ((size_t)fd < w->size)
		return 0;
	size_t size = w->size ? w->size : 64;
	while (size <= (size_t)fd)
		size *= 2;
	struct watch_entry *grown = realloc(w->by_fd, size * sizeof *grown);
	if (!grown)
		return -1;
	memset(grown + w->size, 0, (size - w->size) * sizeof *grown);
	w->by_fd = grown;
	w->size = size;
	return 0;
}

static int epoll_add(struct watch *w, int fd)
{
	struct epoll_event ev = {
		.events = EPOLLIN,
		.data.u64 = (uint64_t)w->by_fd[fd].generation << 32 | (uint32_t)fd,
	};
	return epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

static int epoll_del(struct watch *w, int fd)
{
	return epoll_ctl(w->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
}

static void forget_hot(struct watch *w, size_t i)
{
	w->by_fd[w->hot[i].fd].hot = false;
	w->hot[i] = w->hot[--w->hot_count];
}

/* Busy listener I goes into the epoll set. */
static int cool(struct watch *w, size_t i)
{
	if (epoll_add(w, w->hot[i].fd) < 0)
		return -1;
	forget_hot(w, i);
	return 0;
}

/* Room among the busy: the one idle longest goes into the epoll set. */
static int cool_one(struct watch *w)
{
	size_t oldest = 0;
	for (size_t i = 1; i < w->hot_count; i++)
		if (w->hot[i].last_event < w->hot[oldest].last_event)
			oldest = i;
	return cool(w, oldest);
}

void watch_cool_idle(struct watch *w, long now_ms)
{
	/* Backwards: forget_hot moves the last entry into the hole. */
	for (size_t i = w->hot_count; i-- > 0;)
		if (now_ms - w->hot[i].last_event_ms > WATCH_COOL_MS)
			cool(w, i); /* on failure it simply stays busy */
}

/* Watched FD becomes busy: polled directly from now on. */
static int heat(struct watch *w, int fd)
{
	if (w->hot_count == WATCH_HOT_MAX && cool_one(w) < 0)
		return -1;
	w->hot[w->hot_count++] =
		(struct watch_entry_hot){fd, w->clock, w->now_ms};
	w->by_fd[fd].hot = true;
	return 0;
}

int watch_add(struct watch *w, int fd, enum watch_kind kind, size_t index)
{
	if (fd < 0 || kind == WATCH_NONE) {
		errno = EINVAL;
		return -1;
	}
	if (reserve(w, fd) < 0)
		return -1;
	if (w->by_fd[fd].generation) {
		errno = EEXIST;
		return -1;
	}
	/* Generations start at 1 and never repeat in practice (2^32 adds);
	 * 0 marks an unwatched fd. */
	uint32_t generation = ++w->last_generation;
	if (!generation)
		generation = ++w->last_generation;
	w->by_fd[fd] = (struct watch_entry){generation, kind, index, false};
	if (kind == WATCH_SANDBOX && heat(w, fd) == 0)
		return 0;
	if (epoll_add(w, fd) < 0) {
		w->by_fd[fd] = (struct watch_entry){0, WATCH_NONE, 0, false};
		return -1;
	}
	return 0;
}

void watch_move(struct watch *w, int fd, size_t index)
{
	if (fd >= 0 && (size_t)fd < w->size)
		w->by_fd[fd].index = index;
}

void watch_remove(struct watch *w, int fd)
{
	if (fd < 0 || (size_t)fd >= w->size || !w->by_fd[fd].generation)
		return;
	if (w->by_fd[fd].hot) {
		for (size_t i = 0; i < w->hot_count; i++)
			if (w->hot[i].fd == fd) {
				forget_hot(w, i);
				break;
			}
	} else {
		/* Explicitly: closing removes an fd from the set only when
		 * no other fd shares its open file. */
		epoll_del(w, fd);
	}
	w->by_fd[fd] = (struct watch_entry){0, WATCH_NONE, 0, false};
}

static uint32_t epoll_events_of(short revents)
{
	return (revents & POLLIN ? EPOLLIN : 0) |
	       (revents & POLLHUP ? EPOLLHUP : 0) |
	       (revents & (POLLERR | POLLNVAL) ? EPOLLERR : 0);
}

/* The set's ready fds, after the busy ones already in OUT[0..COUNT).  An
 * idle listener with a call waiting becomes busy. */
static int take_from_set(struct watch *w, struct watch_event *out, int count,
			 int max)
{
	struct epoll_event evs[64];
	int room = max - count;
	if (room > (int)(sizeof evs / sizeof evs[0]))
		room = (int)(sizeof evs / sizeof evs[0]);
	int n = room > 0 ? epoll_wait(w->epoll_fd, evs, room, 0) : 0;
	for (int i = 0; i < n; i++) {
		struct watch_event ev = {
			.fd = (int)(uint32_t)evs[i].data.u64,
			.generation = (uint32_t)(evs[i].data.u64 >> 32),
			.events = evs[i].events,
		};
		out[count++] = ev;
		size_t index;
		if (watch_resolve(w, &ev, &index) == WATCH_SANDBOX &&
		    (ev.events & EPOLLIN) &&
		    epoll_del(w, ev.fd) == 0 &&
		    heat(w, ev.fd) < 0)
			epoll_add(w, ev.fd); /* stays idle */
	}
	return n < 0 ? -1 : count;
}

int watch_wait(struct watch *w, struct watch_event *out, int max,
	       int timeout_ms)
{
	struct pollfd pfds[WATCH_HOT_MAX + 1];
	watch_cool_idle(w, w->now_ms);
	size_t n = w->hot_count;
	for (size_t i = 0; i < n; i++)
		pfds[i] = (struct pollfd){w->hot[i].fd, POLLIN, 0};
	pfds[n] = (struct pollfd){w->epoll_fd, POLLIN, 0};
	w->clock++;
	int ready = poll(pfds, n + 1, timeout_ms);
	w->now_ms = coarse_now_ms();
	if (ready < 0)
		return -1;
	int count = 0;
	for (size_t i = 0; i < n && count < max; i++) {
		if (!pfds[i].revents)
			continue;
		w->hot[i].last_event = w->clock;
		w->hot[i].last_event_ms = w->now_ms;
		out[count++] = (struct watch_event){
			.fd = pfds[i].fd,
			.generation = w->by_fd[pfds[i].fd].generation,
			.events = epoll_events_of(pfds[i].revents),
		};
	}
	if (pfds[n].revents & POLLIN)
		return take_from_set(w, out, count, max);
	return count;
}

int watch_timeout_ms(long deadline_ms, long now_ms)
{
	if (deadline_ms <= now_ms)
		return 0;
	/* The difference may not fit an int, and its low half could be
	 * anything, 0 (a busy loop) included. */
	unsigned long wait = (unsigned long)deadline_ms - (unsigned long)now_ms;
	return wait > INT_MAX ? -1 : (int)wait;
}

enum watch_kind watch_resolve(const struct watch *w,
			      const struct watch_event *ev, size_t *index)
{
	if (ev->fd < 0 || (size_t)ev->fd >= w->size)
		return WATCH_NONE;
	const struct watch_entry *e = &w->by_fd[ev->fd];
	if (!e->generation || e->generation != ev->generation)
		return WATCH_NONE;
	*index = e->index;
	return e->kind;
}
