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
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <scx/common.h>
#include "../scx_flash.h"
#include "scx_flash.bpf.skel.h"
#include "flash.h"
#include "scx_test.h"

#define LOADER_EXIT_TIMEOUT_MS	10000
#define POLL_MS			50

/*
 * Start the shipped loader, scx_flash, with @args (NULL-terminated, may be
 * NULL) and wait up to @timeout_ms until its scheduler is enabled.
 * Returns 0, or a negative error with the loader stopped and its output
 * printed.
 */
int flash_start_within(struct scx_child *child, const char *const args[],
		       unsigned int timeout_ms)
{
	char path[PATH_MAX] = SCX_FLASH_BIN_NAME;
	unsigned long long deadline;
	int ret;

	if (!scx_state_wait("disabled", LOADER_START_TIMEOUT_MS)) {
		fprintf(stderr, "another sched_ext scheduler is attached\n");
		return -EBUSY;
	}

	ret = scx_loader_path(path, sizeof(path)) ?:
	      scx_child_start(child, path, args);
	if (ret) {
		fprintf(stderr, "cannot start %s: %s\n", path, strerror(-ret));
		return ret;
	}

	deadline = monotonic_ms() + timeout_ms;
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

int flash_start(struct scx_child *child, const char *const args[])
{
	return flash_start_within(child, args, LOADER_START_TIMEOUT_MS);
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
 * Open the scx_flash skeleton in this process, the way the kernel's
 * selftests do, so that the caller can set knobs before loading it.
 * Returns NULL, saying why, on failure.
 */
struct scx_flash *flash_skel_open(void)
{
	struct scx_flash *skel = scx_flash__open();

	if (!skel) {
		fprintf(stderr, "cannot open the scx_flash skeleton\n");
		return NULL;
	}
	SCX_ENUM_INIT(skel);
	skel->struct_ops.flash_ops->hotplug_seq = scx_hotplug_seq();
	return skel;
}

/* Load @skel, or destroy it and return NULL, saying why. */
struct scx_flash *flash_skel_finish_load(struct scx_flash *skel)
{
	if (skel && scx_flash__load(skel)) {
		fprintf(stderr, "cannot load the scx_flash skeleton\n");
		scx_flash__destroy(skel);
		return NULL;
	}
	return skel;
}

/* Open and load the skeleton with the BPF defaults for every knob. */
struct scx_flash *flash_skel_load(void)
{
	return flash_skel_finish_load(flash_skel_open());
}

void flash_dump_output(const struct scx_child *child)
{
	char *out = scx_child_output(child);

	fprintf(stderr, "----- loader output -----\n%s", out ? out : "");
	fprintf(stderr, "-------------------------\n");
	free(out);
}

/* Largest .bss mapped; scx_flash's is far smaller. */
#define BSS_MAX_SIZE	65536

/*
 * Whether @info describes the .bss map of an scx_flash object: libbpf names
 * it after the first characters of the object name.
 */
static bool is_flash_bss(const struct bpf_map_info *info)
{
	size_t len = strlen(info->name);

	return !strncmp(info->name, "scx_fla", 7) && len > 4 &&
	       !strcmp(info->name + len - 4, ".bss") && info->btf_id &&
	       info->value_size && info->value_size <= BSS_MAX_SIZE;
}

/*
 * The .bss of the newest scx_flash scheduler in the kernel, whoever loaded
 * it: the map, its BTF, which names each variable, and its value mapped
 * into this process.
 */
struct flash_bss {
	int fd;
	struct btf *btf;
	__u32 datasec_id;
	size_t size;
	void *mem;
};

static void flash_bss_close(struct flash_bss *b)
{
	if (b->mem && b->mem != MAP_FAILED)
		munmap(b->mem, b->size);
	btf__free(b->btf);
	if (b->fd >= 0)
		close(b->fd);
}

static int flash_bss_open(struct flash_bss *b)
{
	struct bpf_map_info info = {}, best_info = {};
	__u32 id = 0, best = 0, len;
	long page = sysconf(_SC_PAGESIZE);
	int fd, ret;

	memset(b, 0, sizeof(*b));
	b->fd = -1;

	while (!bpf_map_get_next_id(id, &id)) {
		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_map_get_info_by_fd(fd, &info, &len) &&
		    is_flash_bss(&info)) {
			best = id;
			best_info = info;
		}
		close(fd);
	}
	if (!best)
		return -ENOENT;
	if (!(best_info.map_flags & BPF_F_MMAPABLE))
		return -EOPNOTSUPP;

	b->fd = bpf_map_get_fd_by_id(best);
	if (b->fd < 0)
		return -errno;
	b->btf = btf__load_from_kernel_by_id(best_info.btf_id);
	if (!b->btf) {
		ret = -errno;
		goto err;
	}
	b->datasec_id = best_info.btf_value_type_id;
	b->size = (best_info.value_size + page - 1) / page * page;
	b->mem = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      b->fd, 0);
	if (b->mem == MAP_FAILED) {
		ret = -errno;
		goto err;
	}
	return 0;
err:
	flash_bss_close(b);
	return ret;
}

/* Where variable @name lives in the mapped .bss; NULL if it does not. */
static void *flash_bss_var(const struct flash_bss *b, const char *name,
			   __u32 *size)
{
	const struct btf_type *sec = btf__type_by_id(b->btf, b->datasec_id);
	const struct btf_var_secinfo *vsi;
	const struct btf_type *var;
	int i;

	if (!sec || !btf_is_datasec(sec))
		return NULL;

	vsi = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vsi++) {
		var = btf__type_by_id(b->btf, vsi->type);
		if (!var || strcmp(btf__name_by_offset(b->btf, var->name_off),
				   name))
			continue;
		if (vsi->offset + vsi->size > b->size)
			return NULL;
		*size = vsi->size;
		return (char *)b->mem + vsi->offset;
	}
	return NULL;
}

static unsigned long long load_var(const void *p, __u32 size)
{
	switch (size) {
	case 1:
		return __atomic_load_n((const __u8 *)p, __ATOMIC_RELAXED);
	case 4:
		return __atomic_load_n((const __u32 *)p, __ATOMIC_RELAXED);
	default:
		return __atomic_load_n((const __u64 *)p, __ATOMIC_RELAXED);
	}
}

/*
 * Read the integer variables @names[0..@nr) of the attached scx_flash's
 * .bss into @vals.  Returns 0, or -ENOENT if there is no such scheduler or
 * variable.
 */
int flash_bss_read(const char *const names[], unsigned long long vals[],
		   int nr)
{
	struct flash_bss b;
	__u32 size;
	void *p;
	int i, ret = flash_bss_open(&b);

	if (ret)
		return ret;
	for (i = 0; i < nr && !ret; i++) {
		p = flash_bss_var(&b, names[i], &size);
		if (!p || (size != 1 && size != 4 && size != 8))
			ret = -ENOENT;
		else
			vals[i] = load_var(p, size);
	}
	flash_bss_close(&b);
	return ret;
}

static int store_var(void *p, __u32 size, unsigned long long val)
{
	switch (size) {
	case 1:
		__atomic_store_n((__u8 *)p, val, __ATOMIC_SEQ_CST);
		return 0;
	case 4:
		__atomic_store_n((__u32 *)p, val, __ATOMIC_SEQ_CST);
		return 0;
	case 8:
		__atomic_store_n((__u64 *)p, val, __ATOMIC_SEQ_CST);
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Write @val into the integer variable @name of the attached scx_flash's
 * .bss, from outside the scheduler.  Returns 0, or -ENOENT if there is no
 * such scheduler or variable.
 */
int flash_bss_write(const char *name, unsigned long long val)
{
	struct flash_bss b;
	__u32 size;
	void *p;
	int ret = flash_bss_open(&b);

	if (ret)
		return ret;
	p = flash_bss_var(&b, name, &size);
	ret = p ? store_var(p, size, val) : -ENOENT;
	flash_bss_close(&b);
	return ret;
}

/*
 * Sum the per-CPU values of each counter of scx_flash's "stats" map
 * @map_fd into @sums[0..FLASH_NR_STATS).  Returns 0 or a negative error.
 */
int flash_stats_sum(int map_fd, unsigned long long sums[])
{
	int cpu, nr_cpus = libbpf_num_possible_cpus();
	__u64 *pcpu;
	__u32 idx;
	int ret = 0;

	if (nr_cpus <= 0)
		return nr_cpus ?: -EINVAL;
	pcpu = calloc(nr_cpus, sizeof(*pcpu));
	if (!pcpu)
		return -ENOMEM;
	for (idx = 0; idx < FLASH_NR_STATS; idx++) {
		if (bpf_map_lookup_elem(map_fd, &idx, pcpu)) {
			ret = -errno;
			break;
		}
		sums[idx] = 0;
		for (cpu = 0; cpu < nr_cpus; cpu++)
			sums[idx] += pcpu[cpu];
	}
	free(pcpu);
	return ret;
}

/* Whether @fd is scx_flash's "stats" map: its name, type and shape. */
static bool is_flash_stats(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return !bpf_map_get_info_by_fd(fd, &info, &len) &&
	       info.type == BPF_MAP_TYPE_PERCPU_ARRAY &&
	       !strcmp(info.name, "stats") && info.key_size == 4 &&
	       info.value_size == 8 && info.max_entries == FLASH_NR_STATS;
}

/* Most maps a program of scx_flash uses; ops.running() uses fewer. */
#define MAX_PROG_MAPS	64

/*
 * A new fd of the "stats" map of the attached scx_flash, whoever loaded
 * it: the one its ops.running() uses.  Returns the fd or a negative error.
 */
static int flash_stats_fd(void)
{
	int fd, ret = -ENOENT, prog_fd = flash_prog_fd("flash_running");
	__u32 ids[MAX_PROG_MAPS], i, len;
	struct bpf_prog_info info;

	if (prog_fd < 0)
		return prog_fd;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = MAX_PROG_MAPS;
	info.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	if (bpf_prog_get_info_by_fd(prog_fd, &info, &len))
		info.nr_map_ids = 0;
	for (i = 0; ret < 0 && i < info.nr_map_ids && i < MAX_PROG_MAPS; i++) {
		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		if (is_flash_stats(fd))
			ret = fd;
		else
			close(fd);
	}
	close(prog_fd);
	return ret;
}

/* Read the counters of the attached scx_flash, whoever loaded it. */
int flash_counters_read(struct flash_counters *c)
{
	static const char *const names[] = { "nr_online_cpus" };
	unsigned long long sums[FLASH_NR_STATS], cpus;
	int fd, ret = flash_bss_read(names, &cpus, 1);

	if (ret)
		return ret;
	fd = flash_stats_fd();
	if (fd < 0)
		return fd;
	ret = flash_stats_sum(fd, sums);
	close(fd);
	if (ret)
		return ret;
	c->nr_online_cpus = cpus;
	c->nr_running = sums[FLASH_STAT_RUNNING];
	c->nr_kthread_dispatches = sums[FLASH_STAT_KTHREAD_DISPATCHES];
	c->nr_direct_dispatches = sums[FLASH_STAT_DIRECT_DISPATCHES];
	c->nr_shared_dispatches = sums[FLASH_STAT_SHARED_DISPATCHES];
	c->nr_preempt_dispatches = sums[FLASH_STAT_PREEMPT_DISPATCHES];
	return 0;
}

/*
 * A new fd of the newest struct_ops program called @name (BPF keeps the
 * first 15 characters): the attached scx_flash's, when it is the only one
 * loaded.  Returns the fd, or -ENOENT if there is no such program.
 */
int flash_prog_fd(const char *name)
{
	struct bpf_prog_info info;
	__u32 id = 0, best = 0, len;
	int fd;

	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_prog_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_PROG_TYPE_STRUCT_OPS &&
		    !strncmp(info.name, name, sizeof(info.name) - 1))
			best = id;
		close(fd);
	}
	if (!best)
		return -ENOENT;
	fd = bpf_prog_get_fd_by_id(best);
	return fd < 0 ? -errno : fd;
}

/* Number of open file descriptors of process @pid. */
int proc_nr_fds(pid_t pid)
{
	char path[64];
	struct dirent *de;
	DIR *dir;
	int nr = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			nr++;
	closedir(dir);
	return nr;
}

/* Value of "@key: N kB" in /proc/@pid/status, in kB. */
long long proc_status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t len = strlen(key);
	long long val = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ':') {
			val = strtoll(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

/*
 * Value of field @key in /proc/@pid/sched ("key   :   value" lines).
 * Returns 0, or -ENOENT when the kernel does not print @key.
 */
int proc_pid_sched_field(pid_t pid, const char *key, long long *val)
{
	char path[64], line[256], *colon, *end;
	size_t key_len = strlen(key);
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/sched", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;

	while (fgets(line, sizeof(line), f)) {
		colon = strchr(line, ':');
		if (!colon || strncmp(line, key, key_len))
			continue;
		for (end = line + key_len; end < colon && *end == ' '; end++)
			;
		if (end != colon)
			continue;
		*val = strtoll(colon + 1, NULL, 10);
		ret = 0;
		break;
	}

	fclose(f);
	return ret;
}

/* Whether the loader's captured output so far contains @str. */
bool flash_output_has(const struct scx_child *child, const char *str)
{
	char *out = scx_child_output(child);
	bool found = out && strstr(out, str);

	free(out);
	return found;
}

/* Print the loader's lines that contain @str, as TAP comments. */
void flash_print_lines(const struct scx_child *child, const char *str)
{
	char *out = scx_child_output(child), *line, *save;

	for (line = out ? strtok_r(out, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, str))
			printf("# loader: %s\n", line);
	free(out);
}

/* Number of times @str occurs in the loader's captured output so far. */
int flash_output_count(const struct scx_child *child, const char *str)
{
	char *out = scx_child_output(child), *p;
	int nr = 0;

	for (p = out ? strstr(out, str) : NULL; p; p = strstr(p + 1, str))
		nr++;
	free(out);
	return nr;
}

/* sched_ext's enable_seq: how many times a BPF scheduler was enabled. */
long long scx_enable_seq(void)
{
	char buf[32];
	int ret = sysfs_read_str("/sys/kernel/sched_ext/enable_seq", buf,
				 sizeof(buf));

	return ret < 0 ? ret : strtoll(buf, NULL, 10);
}

/* Setup of the cases that need nothing else: skip without sched_ext. */
enum scx_test_status flash_need_sched_ext(void **ctx)
{
	if (!scx_available())
		SCX_SKIP("sched_ext is not available (no %s)", SCX_SYSFS_STATE);
	return SCX_TEST_PASS;
}

/*
 * Where the kernel log stood at the last kmsg_mark(): /dev/kmsg opened
 * and moved to its end, so that reading it returns what came after.
 * Writes to /dev/kmsg are rate limited and a marker may be dropped; this
 * position is not.
 */
static int kmsg_fd = -1;

/* Remember where the kernel log ends, and write @marker into it. */
int kmsg_mark(const char *marker)
{
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0 && lseek(kmsg_fd, 0, SEEK_END) < 0) {
		close(kmsg_fd);
		kmsg_fd = -1;
	}
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

static int count_problem(const char *line)
{
	size_t i;

	for (i = 0; i < sizeof(kmsg_problems) / sizeof(*kmsg_problems); i++) {
		if (strstr(line, kmsg_problems[i])) {
			fprintf(stderr, "kernel: %s\n", line);
			return 1;
		}
	}
	return 0;
}

/* Count the problems in the records of /dev/kmsg since kmsg_mark(). */
static int kmsg_problems_from_fd(void)
{
	char rec[8192], *msg, *nl;
	ssize_t len;
	int nr = 0;

	for (;;) {
		len = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)	/* overwritten: go on */
			continue;
		if (len <= 0)
			break;
		rec[len] = '\0';
		/* "prio,seq,time,flags;message\n" and continuation lines */
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';
		nr += count_problem(msg);
	}
	close(kmsg_fd);
	kmsg_fd = -1;
	return nr;
}

/*
 * Count the kernel log lines since the last kmsg_mark() that report a
 * problem, printing each.  Without /dev/kmsg, search the log after the
 * last @marker.  Returns the count or a negative error.
 */
int kmsg_problems_since(const char *marker)
{
	int len, nr = 0;
	char *buf, *line, *from, *save;

	if (kmsg_fd >= 0)
		return kmsg_problems_from_fd();

	len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
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

	from = NULL;
	for (line = strstr(buf, marker); line; line = strstr(line + 1, marker))
		from = line;
	if (!from) {
		free(buf);
		fprintf(stderr, "marker \"%s\" not in the kernel log\n", marker);
		return -ENOENT;
	}

	for (line = strtok_r(from, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		nr += count_problem(line);
	free(buf);
	return nr;
}
