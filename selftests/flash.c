// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers to run the real scx_flash loader from a test and to read the
 * counters of the scheduler it attached, straight from the kernel.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <scx/common.h>
#include "scx_flash.bpf.skel.h"
#include "flash.h"

#define LOADER_START_TIMEOUT_MS	15000
#define LOADER_EXIT_TIMEOUT_MS	10000
#define POLL_MS			50

/*
 * Start the loader with @args (NULL-terminated, may be NULL) and wait until
 * its scheduler is enabled.  Returns 0, or a negative error with the loader
 * stopped and its output printed.
 */
int flash_start(struct scx_child *child, const char *const args[])
{
	unsigned long long deadline;
	char path[PATH_MAX];
	int ret;

	if (!scx_state_wait("disabled", LOADER_START_TIMEOUT_MS)) {
		fprintf(stderr, "another sched_ext scheduler is attached\n");
		return -EBUSY;
	}

	ret = scx_loader_path(path, sizeof(path));
	if (!ret)
		ret = scx_child_start(child, path, args);
	if (ret) {
		fprintf(stderr, "cannot start %s: %s\n", path, strerror(-ret));
		return ret;
	}

	deadline = monotonic_ms() + LOADER_START_TIMEOUT_MS;
	while (monotonic_ms() < deadline) {
		if (!scx_child_running(child))
			break;
		if (scx_state_wait("enabled", 0) &&
		    scx_root_ops_has_prefix("flash"))
			return 0;
		sleep_ms(POLL_MS);
	}

	flash_dump_output(child);
	scx_child_release(child);
	return -ETIMEDOUT;
}

/*
 * Send @sig to the loader and reap it.  Returns its exit status, or a
 * negative error if it did not exit in time or died of a signal; prints
 * its output unless it exited with 0.  The output stays readable until
 * scx_child_release().
 */
int flash_signal(struct scx_child *child, int sig)
{
	int ret = scx_child_signal_wait(child, sig, LOADER_EXIT_TIMEOUT_MS);

	if (!ret && !WIFEXITED(child->status))
		ret = -EINTR;
	if (!ret)
		ret = WEXITSTATUS(child->status);
	if (ret)
		flash_dump_output(child);
	return ret;
}

/* Stop the loader with SIGINT and release it; returns as flash_signal(). */
int flash_stop(struct scx_child *child)
{
	int ret = flash_signal(child, SIGINT);

	scx_child_release(child);
	return ret;
}

/*
 * Open and load the scx_flash skeleton in this process, the way the
 * kernel's selftests do, with the BPF defaults for every knob.  Returns
 * NULL, saying why, on failure.
 */
struct scx_flash *flash_skel_load(void)
{
	struct scx_flash *skel = scx_flash__open();

	if (!skel) {
		fprintf(stderr, "cannot open the scx_flash skeleton\n");
		return NULL;
	}
	SCX_ENUM_INIT(skel);
	skel->struct_ops.flash_ops->hotplug_seq = scx_hotplug_seq();

	if (scx_flash__load(skel)) {
		fprintf(stderr, "cannot load the scx_flash skeleton\n");
		scx_flash__destroy(skel);
		return NULL;
	}
	return skel;
}

void flash_dump_output(const struct scx_child *child)
{
	char *out = scx_child_output(child);

	fprintf(stderr, "----- loader output -----\n%s", out ? out : "");
	fprintf(stderr, "-------------------------\n");
	free(out);
}

/* Largest .bss value read; the skeleton's struct is a prefix of it. */
#define BSS_MAX_SIZE	4096

/*
 * Whether @info describes the .bss map of an scx_flash object: libbpf names
 * it after the first characters of the object name.  The map also holds
 * the static variables, which the skeleton's struct leaves out.
 */
static bool is_flash_bss(const struct bpf_map_info *info)
{
	size_t len = strlen(info->name);

	return !strncmp(info->name, "scx_fla", 7) && len > 4 &&
	       !strcmp(info->name + len - 4, ".bss") &&
	       info->value_size >= sizeof(struct scx_flash__bss) &&
	       info->value_size <= BSS_MAX_SIZE;
}

/*
 * Read the counters of the attached scx_flash: the newest scx_flash .bss
 * map in the kernel, whoever loaded it.
 */
int flash_counters_read(struct flash_counters *c)
{
	union {
		struct scx_flash__bss bss;
		char raw[BSS_MAX_SIZE];
	} val;
	struct scx_flash__bss *bss = &val.bss;
	__u32 id = 0, best = 0;
	int fd, key = 0, ret;

	while (!bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0)
			continue;
		if (!bpf_map_get_info_by_fd(fd, &info, &len) &&
		    is_flash_bss(&info))
			best = id;
		close(fd);
	}
	if (!best)
		return -ENOENT;

	fd = bpf_map_get_fd_by_id(best);
	if (fd < 0)
		return -errno;
	ret = bpf_map_lookup_elem(fd, &key, &val) ? -errno : 0;
	close(fd);
	if (ret)
		return ret;

	c->nr_running = bss->nr_running;
	c->nr_online_cpus = bss->nr_online_cpus;
	c->nr_kthread_dispatches = bss->nr_kthread_dispatches;
	c->nr_direct_dispatches = bss->nr_direct_dispatches;
	c->nr_shared_dispatches = bss->nr_shared_dispatches;
	return 0;
}

/* Write @marker into the kernel log, to find what follows it later. */
int kmsg_mark(const char *marker)
{
	return write_str("/dev/kmsg", marker);
}

/* Kernel log lines that mean the scheduler or the kernel misbehaved. */
static const char *const kmsg_problems[] = {
	"runnable task stall",
	"scx_bpf_error",
	"BUG:",
	"WARNING:",
	"Oops",
	"hung_task",
};

/*
 * Count the kernel log lines after the last @marker that report a
 * problem, printing each.  Returns the count or a negative error.
 */
int kmsg_problems_since(const char *marker)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *line, *from, *save;
	int nr = 0;
	size_t i;

	if (len <= 0)
		return -errno;
	buf = calloc(1, len + 1);
	if (!buf)
		return -ENOMEM;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (len < 0) {
		free(buf);
		return -errno;
	}

	from = buf;
	for (line = strstr(buf, marker); line; line = strstr(line + 1, marker))
		from = line;

	for (line = strtok_r(from, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < sizeof(kmsg_problems) / sizeof(*kmsg_problems); i++) {
			if (strstr(line, kmsg_problems[i])) {
				fprintf(stderr, "kernel: %s\n", line);
				nr++;
				break;
			}
		}
	}
	free(buf);
	return nr;
}
