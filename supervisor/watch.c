/* The supervisor's epoll set and what each fd in it belongs to; see
 * watch.h for why. */
#include "watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

int watch_open(struct watch *w)
{
	memset(w, 0, sizeof *w);
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

int watch_add(struct watch *w, int fd, enum watch_kind kind, size_t index)
{
	if (fd < 0 || kind == WATCH_NONE) {
		errno = EINVAL;
		return -1;
	}
	if (reserve(w, fd) < 0)
		return -1;
	/* Generations start at 1 and never repeat in practice (2^32 adds);
	 * 0 marks an unwatched fd. */
	uint32_t generation = ++w->last_generation;
	if (!generation)
		generation = ++w->last_generation;
	struct epoll_event ev = {
		.events = EPOLLIN,
		.data.u64 = (uint64_t)generation << 32 | (uint32_t)fd,
	};
	if (epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	w->by_fd[fd] = (struct watch_entry){generation, kind, index};
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
	/* Explicitly: closing removes an fd from the set only when no other
	 * fd shares its open file. */
	epoll_ctl(w->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
	w->by_fd[fd] = (struct watch_entry){0, WATCH_NONE, 0};
}

int watch_wait(struct watch *w, struct watch_event *out, int max,
	       int timeout_ms)
{
	struct epoll_event evs[64];
	if (max > (int)(sizeof evs / sizeof evs[0]))
		max = (int)(sizeof evs / sizeof evs[0]);
	int n = epoll_wait(w->epoll_fd, evs, max, timeout_ms);
	for (int i = 0; i < n; i++)
		out[i] = (struct watch_event){
			.fd = (int)(uint32_t)evs[i].data.u64,
			.generation = (uint32_t)(evs[i].data.u64 >> 32),
			.events = evs[i].events,
		};
	return n;
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
