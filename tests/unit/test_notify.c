/* supervisor/notify.c against the real kernel: libseccomp's notify calls as
 * the supervisor uses them, and the errno contract of notify.h.  A thread
 * of this process installs a filter that sends getppid and dup to a
 * listener (a filter applies to the thread that installs it, and the
 * listener lands in the fd table all threads share); the test's main
 * thread, the one that set notifications up, answers as the supervisor's
 * main thread does, and one answer comes from another thread as a
 * connect worker's would. */
#include "test.h"
#include "../../supervisor/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CALLS 4

struct target {
	int listener;     /* -1 with setup_errno when the filter failed */
	int setup_errno;
	int ready[2];     /* the target writes a byte once LISTENER is set */
	int dup_of;       /* the fd its trapped dup names */
	long result[CALLS];
	int error[CALLS];
};

static void *target_thread(void *arg)
{
	struct target *t = arg;
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_dup, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog fprog = {sizeof prog / sizeof prog[0], prog};
	t->listener = -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
		t->listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
					   SECCOMP_FILTER_FLAG_NEW_LISTENER, &fprog);
	t->setup_errno = errno;
	char one = 1;
	if (write(t->ready[1], &one, 1) != 1 || t->listener < 0)
		return NULL;
	/* answered with a value, an error, CONTINUE, and a new fd */
	for (int i = 0; i < CALLS; i++) {
		errno = 0;
		t->result[i] = i < CALLS - 1 ? syscall(__NR_getppid)
					     : syscall(__NR_dup, t->dup_of);
		t->error[i] = errno;
	}
	return NULL;
}

/* The next notification, within 5 s (never blocks the test for good). */
static bool next_call(int listener, struct seccomp_notif *req)
{
	struct pollfd pfd = {.fd = listener, .events = POLLIN};
	if (poll(&pfd, 1, 5000) != 1 || !(pfd.revents & POLLIN)) {
		test_fail(__FILE__, __LINE__, "no notification within 5 s");
		return false;
	}
	if (notify_receive(listener, req) < 0) {
		test_fail(__FILE__, __LINE__, "notify_receive: errno %d", errno);
		return false;
	}
	return true;
}

struct answer_job {
	int listener;
	uint64_t id;
	int rc, err;
};

static void *answer_elsewhere(void *arg)
{
	struct answer_job *job = arg;
	job->rc = notify_answer(job->listener, job->id, 0, EPERM);
	job->err = errno;
	return NULL;
}

static bool set_up(void)
{
	static int done = -1;
	if (done < 0)
		done = notify_setup() == NULL;
	return done;
}

static void answers_reach_the_caller(void)
{
	if (!set_up()) {
		test_skip("no seccomp user notification here");
		return;
	}
	struct target t = {.listener = -1};
	int pipe_fds[2];
	REQUIRE(pipe(t.ready) == 0);
	REQUIRE(pipe(pipe_fds) == 0);
	t.dup_of = pipe_fds[0];
	pthread_t thread;
	REQUIRE(pthread_create(&thread, NULL, target_thread, &t) == 0);
	char byte;
	bool ready = read(t.ready[0], &byte, 1) == 1 && t.listener >= 0;
	if (!ready) {
		pthread_join(thread, NULL);
		test_skip("cannot install a filter with a listener (errno %d)",
			  t.setup_errno);
		return;
	}
	CHECK(notify_is_listener(t.listener));
	CHECK(!notify_is_listener(pipe_fds[1]));

	struct seccomp_notif req;
	uint64_t first = 0;
	if (next_call(t.listener, &req)) {
		CHECK_INT(req.data.nr, __NR_getppid);
		CHECK(notify_still_valid(t.listener, req.id));
		CHECK_INT(notify_answer(t.listener, req.id, 42, 0), 0);
		first = req.id;
	}
	CHECK(!notify_still_valid(t.listener, first)); /* answered */

	if (next_call(t.listener, &req)) {
		/* The caller has run on from the first call, which is gone:
		 * the kernel's ENOENT comes through libseccomp's error. */
		errno = 0;
		CHECK_INT(notify_answer(t.listener, first, 1, 0), -1);
		CHECK_INT(errno, ENOENT);
		errno = 0;
		CHECK_INT(notify_continue(t.listener, first), -1);
		CHECK_INT(errno, ENOENT);
		struct answer_job job = {t.listener, req.id, 0, 0};
		pthread_t worker;
		if (CHECK(pthread_create(&worker, NULL, answer_elsewhere, &job) == 0)) {
			pthread_join(worker, NULL);
			CHECK_INT(job.rc, 0);
		}
	}
	if (next_call(t.listener, &req))
		CHECK_INT(notify_continue(t.listener, req.id), 0);
	if (next_call(t.listener, &req)) {
		CHECK_INT(req.data.nr, __NR_dup);
		int ours = fcntl(pipe_fds[0], F_DUPFD_CLOEXEC, 0);
		CHECK_INT(notify_send_fd(t.listener, req.id, ours, true), 0);
	}
	/* Closed, the listener fails whatever call is still waiting (ENOSYS):
	 * the thread ends even after a failed check above. */
	close(t.listener);
	pthread_join(thread, NULL);
	CHECK_INT(t.result[0], 42);
	CHECK_INT(t.result[1], -1);
	CHECK_INT(t.error[1], EPERM);
	CHECK_INT(t.result[2], getppid());
	int got = (int)t.result[3];
	struct stat a, b;
	if (CHECK(got >= 0) && CHECK(fstat(got, &a) == 0) &&
	    CHECK(fstat(pipe_fds[0], &b) == 0)) {
		CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
		CHECK(fcntl(got, F_GETFD) & FD_CLOEXEC);
		CHECK(got != pipe_fds[0]);
	}
	if (got >= 0)
		close(got);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	close(t.ready[0]);
	close(t.ready[1]);
}

/* The /proc names the supervisor builds on every trapped call. */
static void proc_names(void)
{
	char buf[PROC_FILE_MAX];
	CHECK_STR(proc_file(buf, 1234, "cwd"), "/proc/1234/cwd");
	CHECK_STR(proc_file(buf, 7, "status"), "/proc/7/status");
	CHECK_STR(proc_file(buf, 2147483647, "root"), "/proc/2147483647/root");
	CHECK_STR(proc_file(buf, 0, "cwd"), "/proc/self/cwd");
	CHECK_STR(proc_fd(buf, 0), "/proc/self/fd/0");
	CHECK_STR(proc_fd(buf, 10), "/proc/self/fd/10");
	CHECK_STR(proc_fd(buf, 1048575), "/proc/self/fd/1048575");
	/* a failed open's -1 must name nothing, not descriptor 0 */
	CHECK_STR(proc_fd(buf, -1), "/proc/self/fd/-1");
	/* too long a leaf is cut, never overrun */
	const char *cut = proc_file(buf, 2147483647,
				    "a-leaf-far-longer-than-any-the-supervisor-uses");
	CHECK_INT(strlen(cut), PROC_FILE_MAX - 1);
}

const struct test_case notify_tests[] = {
	TEST_CASE(answers_reach_the_caller),
	TEST_CASE(proc_names),
	TEST_END,
};
