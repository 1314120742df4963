#include "fds.h"
#include "../config/diag.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_io_uring(int dirfd, const char *name)
{
	char target[64];
	ssize_t n = readlinkat(dirfd, name, target, sizeof target - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return strcmp(target, "anon_inode:[io_uring]") == 0;
}

int fds_close_io_uring(void)
{
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return -1;
	int self = dirfd(dir);
	int closed = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		int fd = atoi(de->d_name);
		if (fd == self || !is_io_uring(self, de->d_name))
			continue;
		close(fd);
		debug("closed inherited io_uring fd %d", fd);
		closed++;
	}
	closedir(dir);
	return closed;
}
