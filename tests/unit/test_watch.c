/* supervisor/watch.c: the supervisor's epoll set.  What matters is that an
 * event always reaches the owner the fd has when the event is handled:
 * after its owner moved, and never after the fd was closed or reused (a
 * listener event for the wrong owner would block the supervisor in
 * SECCOMP_IOCTL_NOTIF_RECV).  Real fds: eventfds, readable when written. */
#include "test.h"
#include "../../supervisor/watch.h"

#include <limits.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static int ready_fd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t one = 1;
	if (fd >= 0 && write(fd, &one, sizeof one) != sizeof one) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The one event WAIT returns for FD, or an event with fd -1. */
static struct watch_event event_for(struct watch *w, int fd)
{
	struct watch_event evs[8];
	int n = watch_wait(w, evs, 8, 0);
	for (int i = 0; i < n; i++)
		if (evs[i].fd == fd)
			return evs[i];
	return (struct watch_event){.fd = -1};
}

static void resolves_kind_and_index(void)
{
	struct watch w;
	REQUIRE(watch_open(&w) == 0);
	int a = ready_fd(), b = eventfd(0, EFD_CLOEXEC);
	REQUIRE(a >= 0 && b >= 0);
	CHECK_INT(watch_add(&w, a, WATCH_SANDBOX, 3), 0);
	CHECK_INT(watch_add(&w, b, WATCH_PENDING, 0), 0);
	struct watch_event evs[8];
	int n = watch_wait(&w, evs, 8, 0);
	CHECK_INT(n, 1); /* b was never written */
	size_t index = 99;
	CHECK_INT(watch_resolve(&w, &evs[0], &index), WATCH_SANDBOX);
	CHECK_INT(evs[0].fd, a);
	CHECK_INT((int)index, 3);
	CHECK(evs[0].events & EPOLLIN);
	watch_close(&w);
	close(a);
	close(b);
}

static void follows_a_moved_owner(void)
{
	struct watch w;
	REQUIRE(watch_open(&w) == 0);
	int a = ready_fd();
	REQUIRE(a >= 0);
	CHECK_INT(watch_add(&w, a, WATCH_SANDBOX, 7), 0);
	struct watch_event ev = event_for(&w, a);
	REQUIRE(ev.fd == a);
	/* the owner moves between the wait and the handling */
	watch_move(&w, a, 2);
	size_t index = 99;
	CHECK_INT(watch_resolve(&w, &ev, &index), WATCH_SANDBOX);
	CHECK_INT((int)index, 2);
	watch_close(&w);
	close(a);
}

static void stale_event_after_close_and_reuse(void)
{
	struct watch w;
	REQUIRE(watch_open(&w) == 0);
	int a = ready_fd();
	REQUIRE(a >= 0);
	CHECK_INT(watch_add(&w, a, WATCH_SANDBOX, 0), 0);
	struct watch_event ev = event_for(&w, a);
	REQUIRE(ev.fd == a);
	/* Earlier in the same batch: that sandbox went, and a registration
	 * received a new fd with the same number. */
	watch_remove(&w, a);
	close(a);
	size_t index = 99;
	CHECK_INT(watch_resolve(&w, &ev, &index), WATCH_NONE);
	int reused = eventfd(0, EFD_CLOEXEC);
	REQUIRE(reused == a);
	CHECK_INT(watch_add(&w, reused, WATCH_PENDING, 5), 0);
	CHECK_INT(watch_resolve(&w, &ev, &index), WATCH_NONE);
	watch_close(&w);
	close(reused);
}

static void removed_fd_reports_nothing(void)
{
	struct watch w;
	REQUIRE(watch_open(&w) == 0);
	int a = ready_fd();
	REQUIRE(a >= 0);
	CHECK_INT(watch_add(&w, a, WATCH_SESSION, 0), 0);
	/* a dup shares the open file: closing A alone would leave it in
	 * the set, removing takes it out */
	int dup_of_a = dup(a);
	REQUIRE(dup_of_a >= 0);
	watch_remove(&w, a);
	watch_remove(&w, a); /* twice: harmless */
	close(a);
	struct watch_event evs[8];
	CHECK_INT(watch_wait(&w, evs, 8, 0), 0);
	watch_close(&w);
	close(dup_of_a);
}

static void high_fds_and_bad_input(void)
{
	struct watch w;
	REQUIRE(watch_open(&w) == 0);
	int a = ready_fd();
	REQUIRE(a >= 0);
	int high = dup2(a, 700); /* past the table's first sizes */
	REQUIRE(high == 700);
	CHECK_INT(watch_add(&w, high, WATCH_CHILDREN, 1), 0);
	struct watch_event ev = event_for(&w, high);
	size_t index = 99;
	CHECK_INT(watch_resolve(&w, &ev, &index), WATCH_CHILDREN);
	CHECK_INT((int)index, 1);
	CHECK_INT(watch_add(&w, -1, WATCH_SANDBOX, 0), -1);
	CHECK_INT(watch_add(&w, a, WATCH_NONE, 0), -1);
	/* adding an fd twice is refused by epoll, and the first stays */
	CHECK_INT(watch_add(&w, high, WATCH_PENDING, 4), -1);
	CHECK_INT(watch_resolve(&w, &ev, &index), WATCH_CHILDREN);
	struct watch_event beyond = {.fd = 100000, .generation = 1};
	CHECK_INT(watch_resolve(&w, &beyond, &index), WATCH_NONE);
	watch_close(&w);
	close(high);
	close(a);
}

/* Listeners beyond WATCH_HOT_MAX wait in the epoll set; one with a call
 * waiting is reported all the same and becomes busy, and the one idle
 * longest makes room. */
static void busy_listeners_and_idle_ones(void)
{
	struct watch w;
	REQUIRE(watch_open(&w) == 0);
	int fds[WATCH_HOT_MAX + 1];
	for (int i = 0; i <= WATCH_HOT_MAX; i++) {
		fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		REQUIRE(fds[i] >= 0);
		CHECK_INT(watch_add(&w, fds[i], WATCH_SANDBOX, (size_t)i), 0);
	}
	CHECK_INT((int)w.hot_count, WATCH_HOT_MAX);
	/* every listener but one had a call since the last one came */
	for (int i = 1; i <= WATCH_HOT_MAX; i++) {
		uint64_t one = 1, got;
		REQUIRE(write(fds[i], &one, sizeof one) == sizeof one);
		struct watch_event ev = event_for(&w, fds[i]);
		CHECK_INT(ev.fd, fds[i]);
		REQUIRE(read(fds[i], &got, sizeof got) == sizeof got);
	}
	CHECK(!w.by_fd[fds[0]].hot); /* moved into the set for the last one */
	uint64_t one = 1;
	REQUIRE(write(fds[0], &one, sizeof one) == sizeof one);
	struct watch_event ev = event_for(&w, fds[0]);
	size_t index = 99;
	CHECK_INT(ev.fd, fds[0]);
	CHECK_INT(watch_resolve(&w, &ev, &index), WATCH_SANDBOX);
	CHECK_INT((int)index, 0);
	CHECK(w.by_fd[fds[0]].hot);
	CHECK_INT((int)w.hot_count, WATCH_HOT_MAX);
	int idle = 0;
	for (int i = 1; i <= WATCH_HOT_MAX; i++)
		idle += !w.by_fd[fds[i]].hot;
	CHECK_INT(idle, 1);
	/* removing works wherever the fd is */
	for (int i = 0; i <= WATCH_HOT_MAX; i++)
		watch_remove(&w, fds[i]);
	CHECK_INT((int)w.hot_count, 0);
	struct watch_event evs[16];
	CHECK_INT(watch_wait(&w, evs, 16, 0), 0);
	watch_close(&w);
	for (int i = 0; i <= WATCH_HOT_MAX; i++)
		close(fds[i]);
}

static void timeouts(void)
{
	CHECK_INT(watch_timeout_ms(1000, 1000), 0);
	CHECK_INT(watch_timeout_ms(1000, 5000), 0);
	CHECK_INT(watch_timeout_ms(5000, 1000), 4000);
	CHECK_INT(watch_timeout_ms(1000 + (long)INT_MAX, 1000), INT_MAX);
	CHECK_INT(watch_timeout_ms(1001 + (long)INT_MAX, 1000), -1);
	/* per-tool mode's registration: no deadline, whatever the uptime */
	CHECK_INT(watch_timeout_ms(LONG_MAX, 0), -1);
	CHECK_INT(watch_timeout_ms(LONG_MAX, 31029564), -1);
	/* 49.7 days up: the low half of LONG_MAX - now is 0 */
	CHECK_INT(watch_timeout_ms(LONG_MAX, (1L << 32) - 1), -1);
	/* and past 24.8 days a positive one */
	CHECK_INT(watch_timeout_ms(LONG_MAX, (1L << 31) + 5), -1);
}

static size_t hot_slot(const struct watch *w, int fd)
{
	for (size_t i = 0; i < w->hot_count; i++)
		if (w->hot[i].fd == fd)
			return i;
	return WATCH_HOT_MAX;
}

/* A busy listener quiet for longer than WATCH_COOL_MS leaves the poll for
 * the epoll set; one with a recent call stays; a cooled one's next call is
 * still reported, and makes it busy again. */
static void quiet_listeners_cool(void)
{
	struct watch w;
	REQUIRE(watch_open(&w) == 0);
	int quiet = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int busy = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	REQUIRE(quiet >= 0 && busy >= 0);
	CHECK_INT(watch_add(&w, quiet, WATCH_SANDBOX, 0), 0);
	CHECK_INT(watch_add(&w, busy, WATCH_SANDBOX, 1), 0);
	long t = w.now_ms;
	watch_cool_idle(&w, t + WATCH_COOL_MS);
	CHECK_INT((int)w.hot_count, 2); /* not yet: "longer than" */
	REQUIRE(hot_slot(&w, busy) < WATCH_HOT_MAX);
	w.hot[hot_slot(&w, busy)].last_event_ms = t + WATCH_COOL_MS;
	watch_cool_idle(&w, t + WATCH_COOL_MS + 1);
	CHECK(!w.by_fd[quiet].hot);
	CHECK(w.by_fd[busy].hot);
	CHECK_INT((int)w.hot_count, 1);
	uint64_t one = 1;
	REQUIRE(write(quiet, &one, sizeof one) == sizeof one);
	struct watch_event ev = event_for(&w, quiet);
	size_t index = 99;
	CHECK_INT(ev.fd, quiet);
	CHECK_INT(watch_resolve(&w, &ev, &index), WATCH_SANDBOX);
	CHECK_INT((int)index, 0);
	CHECK(w.by_fd[quiet].hot);
	uint64_t got;
	REQUIRE(read(quiet, &got, sizeof got) == sizeof got);
	/* the wait itself cools: everything quiet since long ago goes */
	for (size_t i = 0; i < w.hot_count; i++)
		w.hot[i].last_event_ms = w.now_ms - WATCH_COOL_MS - 1;
	struct watch_event evs[4];
	(void)watch_wait(&w, evs, 4, 0);
	CHECK_INT((int)w.hot_count, 0);
	watch_remove(&w, quiet);
	watch_remove(&w, busy);
	watch_close(&w);
	close(quiet);
	close(busy);
}

const struct test_case watch_tests[] = {
	TEST_CASE(resolves_kind_and_index),
	TEST_CASE(follows_a_moved_owner),
	TEST_CASE(stale_event_after_close_and_reuse),
	TEST_CASE(removed_fd_reports_nothing),
	TEST_CASE(high_fds_and_bad_input),
	TEST_CASE(busy_listeners_and_idle_ones),
	TEST_CASE(quiet_listeners_cool),
	TEST_CASE(timeouts),
	TEST_END,
};
