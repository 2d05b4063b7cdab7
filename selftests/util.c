// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the scx_flash selftests.
 *
 * Functions returning int give 0 (or a length) on success and a negative
 * errno on failure.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "util.h"

#define STATE_POLL_MS		50
#define CHILD_POLL_MS		10
#define KILL_WAIT_MS		2000

unsigned long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

void sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Strip leading and trailing white space from @s in place. */
static size_t trim(char *s)
{
	size_t start = 0, len = strlen(s);

	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	while (start < len && isspace((unsigned char)s[start]))
		start++;
	memmove(s, s + start, len - start);
	s[len - start] = '\0';
	return len - start;
}

/* Read a small (sysfs) file into @buf, trimmed; returns its length. */
int sysfs_read_str(const char *path, char *buf, size_t size)
{
	ssize_t len;
	size_t off = 0;
	int fd, err;

	if (!size)
		return -EINVAL;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	while (off < size - 1) {
		len = read(fd, buf + off, size - 1 - off);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0) {
			err = -errno;
			close(fd);
			return err;
		}
		if (!len)
			break;
		off += len;
	}
	close(fd);

	buf[off] = '\0';
	return trim(buf);
}

/* Write @val to the file at @path, as one write(). */
int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int scx_state_read(char *buf, size_t size)
{
	return sysfs_read_str(SCX_SYSFS_STATE, buf, size);
}

/* Wait until the sched_ext state reads @state; false on timeout. */
bool scx_state_wait(const char *state, unsigned int timeout_ms)
{
	unsigned long long deadline = monotonic_ms() + timeout_ms;
	char buf[32];

	for (;;) {
		if (scx_state_read(buf, sizeof(buf)) >= 0 &&
		    !strcmp(buf, state))
			return true;
		if (monotonic_ms() >= deadline)
			return false;
		sleep_ms(STATE_POLL_MS);
	}
}

/* Name of the root scheduler; fails while none is loaded. */
int scx_root_ops_read(char *buf, size_t size)
{
	return sysfs_read_str(SCX_SYSFS_ROOT_OPS, buf, size);
}

/* Whether a root scheduler is loaded and its name starts with @prefix. */
bool scx_root_ops_has_prefix(const char *prefix)
{
	char buf[128];

	return scx_root_ops_read(buf, sizeof(buf)) >= 0 &&
	       !strncmp(buf, prefix, strlen(prefix));
}

/* Wait until the root scheduler's name starts with @prefix. */
bool scx_root_ops_wait(const char *prefix, unsigned int timeout_ms)
{
	unsigned long long deadline = monotonic_ms() + timeout_ms;

	for (;;) {
		if (scx_root_ops_has_prefix(prefix))
			return true;
		if (monotonic_ms() >= deadline)
			return false;
		sleep_ms(STATE_POLL_MS);
	}
}

/* Whether the running kernel has sched_ext at all. */
bool scx_available(void)
{
	return !access(SCX_SYSFS_STATE, F_OK);
}

/*
 * Reap @pid, waiting at most @timeout_ms.  Returns 0 with the wait status in
 * @status, or -ETIMEDOUT with the child left running.
 */
int pid_wait_timeout(pid_t pid, int *status, unsigned int timeout_ms)
{
	unsigned long long deadline = monotonic_ms() + timeout_ms;
	pid_t ret;

	for (;;) {
		ret = waitpid(pid, status, WNOHANG);
		if (ret == pid)
			return 0;
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (monotonic_ms() >= deadline)
			return -ETIMEDOUT;
		sleep_ms(CHILD_POLL_MS);
	}
}

/* $@env, else @name in the directory of this executable. */
static int bin_path(char *buf, size_t size, const char *env_name,
		    const char *name)
{
	const char *env = getenv(env_name);
	char exe[PATH_MAX];
	ssize_t len;
	int ret;

	if (env && env[0]) {
		ret = snprintf(buf, size, "%s", env);
	} else {
		len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (len < 0)
			return -errno;
		exe[len] = '\0';
		ret = snprintf(buf, size, "%s/%s", dirname(exe), name);
	}

	if (ret < 0 || (size_t)ret >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* $SCX_FLASH_BIN, else scx_flash in the directory of this executable. */
int scx_loader_path(char *buf, size_t size)
{
	return bin_path(buf, size, SCX_FLASH_BIN_ENV, SCX_FLASH_BIN_NAME);
}

/* Whether @path is a regular file this process may execute. */
static bool is_executable(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/*
 * Whether execvp() would find the program @name: in a directory of $PATH
 * (an empty entry is the current directory), or at @name itself if it
 * holds a slash.  Cases that run an outside tool (hackbench) call it to
 * skip, saying which tool is missing, rather than fail.
 */
bool tool_available(const char *name)
{
	const char *dir = getenv("PATH"), *end;
	char file[PATH_MAX];
	int len, ret;

	if (strchr(name, '/'))
		return is_executable(name);
	if (!dir)
		dir = "/bin:/usr/bin";
	for (;; dir = end + 1) {
		end = strchr(dir, ':');
		len = end ? end - dir : (int)strlen(dir);
		ret = len ? snprintf(file, sizeof(file), "%.*s/%s", len, dir, name) :
			    snprintf(file, sizeof(file), "./%s", name);
		if (ret > 0 && (size_t)ret < sizeof(file) && is_executable(file))
			return true;
		if (!end)
			return false;
	}
}

static int open_capture_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	if (!dir || !dir[0])
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/scx_flash_selftest.XXXXXX", dir);

	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	unlink(path);

	/* Only the dup2()'d copies go to the loader. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/*
 * Child side: its own process group, so a ^C meant for the runner does not
 * reach it, and killed if the runner dies, so it never outlives the tests.
 * Returns the exit code for _exit() only if the exec fails.
 */
static int exec_child(pid_t parent, int out_fd, const char *path,
		      char *const argv[])
{
	setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		return 126;

	if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(out_fd, STDERR_FILENO) < 0)
		return 126;

	execv(path, argv);
	fprintf(stderr, "execv %s: %s\n", path, strerror(errno));
	return 127;
}

#define MAX_CHILD_ARGS		32

/*
 * Start @path with @extra_args (NULL-terminated, may be NULL), capturing its
 * stdout and stderr for scx_child_output().
 */
int scx_child_start(struct scx_child *child, const char *path,
		    const char *const extra_args[])
{
	char *argv[MAX_CHILD_ARGS + 2];
	pid_t parent = getpid();
	int i, fd, err;

	memset(child, 0, sizeof(*child));
	child->out_fd = -1;

	if (access(path, X_OK))
		return -errno;

	argv[0] = (char *)path;
	for (i = 0; extra_args && extra_args[i]; i++) {
		if (i >= MAX_CHILD_ARGS)
			return -E2BIG;
		argv[i + 1] = (char *)extra_args[i];
	}
	argv[i + 1] = NULL;

	fd = open_capture_file();
	if (fd < 0)
		return fd;

	fflush(stdout);
	fflush(stderr);

	child->pid = fork();
	if (child->pid < 0) {
		err = -errno;
		close(fd);
		child->pid = 0;
		return err;
	}
	if (!child->pid)
		_exit(exec_child(parent, fd, path, argv));

	child->out_fd = fd;
	return 0;
}

/* Whether @child is still running; reaps it if it has exited. */
bool scx_child_running(struct scx_child *child)
{
	pid_t ret;

	if (!child->pid)
		return false;

	ret = waitpid(child->pid, &child->status, WNOHANG);
	if (ret != child->pid)
		return ret == 0;

	child->reaped = true;
	child->pid = 0;
	return false;
}

/* Reap @child within @timeout_ms; -ETIMEDOUT leaves it running. */
int scx_child_wait(struct scx_child *child, unsigned int timeout_ms)
{
	int ret;

	if (!child->pid)
		return child->reaped ? 0 : -ECHILD;

	ret = pid_wait_timeout(child->pid, &child->status, timeout_ms);
	if (ret)
		return ret;

	child->reaped = true;
	child->pid = 0;
	return 0;
}

/* Send @sig to @child and reap it within @timeout_ms. */
int scx_child_signal_wait(struct scx_child *child, int sig,
			  unsigned int timeout_ms)
{
	if (!child->pid)
		return child->reaped ? 0 : -ECHILD;

	if (kill(child->pid, sig))
		return -errno;

	return scx_child_wait(child, timeout_ms);
}

/* All @child has written so far, NUL-terminated; the caller frees it. */
char *scx_child_output(const struct scx_child *child)
{
	struct stat st;
	ssize_t len;
	size_t off = 0;
	char *buf;

	if (child->out_fd < 0 || fstat(child->out_fd, &st))
		return NULL;

	buf = malloc(st.st_size + 1);
	if (!buf)
		return NULL;

	while (off < (size_t)st.st_size) {
		len = pread(child->out_fd, buf + off, st.st_size - off, off);
		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0)
			break;
		off += len;
	}
	buf[off] = '\0';
	return buf;
}

/* Kill @child if it still runs, reap it and drop its captured output. */
void scx_child_release(struct scx_child *child)
{
	if (child->pid) {
		kill(child->pid, SIGKILL);
		scx_child_wait(child, KILL_WAIT_MS);
	}

	if (child->out_fd >= 0)
		close(child->out_fd);
	child->out_fd = -1;
}
