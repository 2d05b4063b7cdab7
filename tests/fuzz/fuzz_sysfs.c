// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of scx_flash_topo.c, the sysfs readers, built with it
 * alone: the input describes a
 * fake tree, one "path=content" or "path/" (a directory) per line, with
 * \n, \0 and \\ escapes in the content, written under a fresh directory
 * that SCX_SYSFS_PREFIX points to.  Then the topology, the power profile,
 * the CPUs of each capacity class, the idle QoS set and put back, and the
 * sched_ext state are read from it.  What they return must be consistent, the QoS
 * files must be as they were, and every file opened must be closed.
 */
#include "../../scx_flash_topo.c"
#include "fuzz.h"
#include <sys/stat.h>

#define FUZZ_MAX_LINES	64
#define FUZZ_MAX_PATH	256

#define ROOT_TEMPLATE	"/dev/shm/scx-flash-fuzz-sysfs.XXXXXX"

static char root[sizeof(ROOT_TEMPLATE)];

/* What make_tree() created, to remove in reverse order: all of it fits. */
static char *created[FUZZ_MAX_LINES * (FUZZ_MAX_PATH / 2 + 1)];
static int nr_created;

static void note_created(const char *path)
{
	if (nr_created < (int)ARRAY_SIZE(created))
		created[nr_created++] = strdup(path);
}

/* Empty the fake tree, keeping its root. */
static void empty_tree(void)
{
	while (nr_created) {
		char *path = created[--nr_created];

		if (unlink(path))
			rmdir(path);
		free(path);
	}
}

static void remove_tree(void)
{
	empty_tree();
	rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char **argv[])
{
	fuzz_silence();
	snprintf(root, sizeof(root), ROOT_TEMPLATE);
	if (!mkdtemp(root))
		abort();
	atexit(remove_tree);
	setenv("SCX_SYSFS_PREFIX", root, 1);
	return 0;
}

/* A relative path of plain components: no "", "." or "..". */
static bool safe_path(const char *path)
{
	const char *c = path;
	size_t len;

	if (!*path || strlen(path) >= FUZZ_MAX_PATH)
		return false;
	for (;;) {
		len = strcspn(c, "/");
		if (!len || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!c[len] || !c[len + 1])
			return true;
		c += len + 1;
	}
}

/* Create the directories of @path under the root, and @path if @dir. */
static void make_dirs(char *path, bool dir)
{
	char *slash;

	for (slash = path + sizeof(root); (slash = strchr(slash, '/'));
	     slash++) {
		*slash = '\0';
		if (!mkdir(path, 0755))
			note_created(path);
		*slash = '/';
	}
	if (dir && !mkdir(path, 0755))
		note_created(path);
}

/* Write @len bytes of @val, escapes undone, to @path. */
static void write_file(const char *path, const char *val, size_t len)
{
	char buf[4096];
	size_t n = 0, i;
	int fd;

	for (i = 0; i < len && n < sizeof(buf); i++) {
		if (val[i] == '\\' && i + 1 < len) {
			i++;
			buf[n++] = val[i] == 'n' ? '\n' : val[i] == '0' ? '\0' :
				   val[i];
		} else {
			buf[n++] = val[i];
		}
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	else
		note_created(path);
	if (fd < 0)
		return;
	if (write(fd, buf, n) < 0)
		abort();
	close(fd);
}

static void make_tree(const char *text, size_t size)
{
	char path[sizeof(root) + FUZZ_MAX_PATH + 1], name[FUZZ_MAX_PATH];
	const char *line = text, *end = text + size, *nl, *eq;
	int lines = 0;

	for (; line < end && lines < FUZZ_MAX_LINES; line = nl + 1, lines++) {
		nl = memchr(line, '\n', end - line) ?: end;
		eq = memchr(line, '=', nl - line);
		if ((eq ?: nl) - line >= FUZZ_MAX_PATH)
			continue;
		memcpy(name, line, (eq ?: nl) - line);
		name[(eq ?: nl) - line] = '\0';
		if (strlen(name) != (size_t)((eq ?: nl) - line) ||
		    !safe_path(name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, name);
		if (!eq) {
			make_dirs(path, true);
			continue;
		}
		make_dirs(path, false);
		write_file(path, eq + 1, nl - eq - 1);
	}
}

/* The lowest free file descriptor: higher if one was left open. */
static int lowest_free_fd(void)
{
	int fd = dup(0);

	close(fd);
	return fd;
}

/* @cpu and @s are online SMT siblings of one core. */
static bool is_pair(const struct scx_flash_topo *t, int cpu, int s)
{
	return s >= 0 && s < t->nr_cpu_ids && s != cpu &&
	       t->cpus[s].sibling == cpu && t->cpus[s].node == t->cpus[cpu].node &&
	       !memcmp(t->cpus[s].ids, t->cpus[cpu].ids, sizeof(t->cpus[s].ids)) &&
	       t->cpus[cpu].online && t->cpus[s].online;
}

/* What a topology read without error must look like. */
static void check_topology(const struct scx_flash_topo *t)
{
	struct scx_flash_mask present;
	int cpu, online = 0, s;
	char why[PATH_MAX + 64];

	fuzz_check(t->nr_cpu_ids > 0 && t->nr_cpu_ids <= SCX_FLASH_MAX_CPUS &&
		   t->nr_cpu_ids == scan_cpus(&present, why, sizeof(why)),
		   "%d CPU ids",
		   t->nr_cpu_ids);
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		const struct scx_flash_cpu *c = &t->cpus[cpu];

		fuzz_check(c->present == scx_flash_mask_test(&present, cpu), "%d", cpu);
		fuzz_check(c->node >= 0 && c->node < SCX_FLASH_MAX_CPUS &&
			   c->type <= SCX_FLASH_CORE_TURBO &&
			   strnlen(c->qos, sizeof(c->qos)) < sizeof(c->qos),
			   "CPU %d", cpu);
		s = c->sibling;
		fuzz_check(s == -1 || is_pair(t, cpu, s),
			   "CPU %d has sibling %d", cpu, s);
		if (!c->online)
			continue;
		fuzz_check(c->present, "online CPU %d has no cpu%d", cpu, cpu);
		online++;
	}
	fuzz_check(t->nr_nodes <= online && (!online || t->nr_nodes > 0),
		   "%d nodes, %d online CPUs", t->nr_nodes, online);
}

static bool any_online(const struct scx_flash_topo *t)
{
	int cpu;

	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++)
		if (t->cpus[cpu].online)
			return true;
	return false;
}

/* Each class gives online CPUs, some if any is online; turbo and little are all. */
static void check_classes(const struct scx_flash_topo *t)
{
	static const char *const classes[] = { "all", "turbo", "performance", "powersave" };
	struct scx_flash_mask m;
	size_t i;
	int cpu, nr;

	for (i = 0; i < ARRAY_SIZE(classes); i++) {
		scx_flash_mask_init(&m, t->nr_cpu_ids);
		nr = scx_flash_topo_class_cpus(t, classes[i], &m);
		for (cpu = 0; cpu < t->nr_cpu_ids; cpu++)
			fuzz_check(!scx_flash_mask_test(&m, cpu) || t->cpus[cpu].online,
				   "%s has offline CPU %d", classes[i], cpu);
		fuzz_check(nr == scx_flash_mask_weight(&m) && (nr || !any_online(t)),
			   "%s: %d CPUs", classes[i], nr);
	}
}

/* The idle QoS set, then put back as it was read. */
static void check_idle_qos(const struct scx_flash_topo *t)
{
	char now[sizeof(t->cpus[0].qos)];
	int cpu, bad;

	if (scx_flash_idle_qos_set(t, 10, &bad))
		fuzz_check(bad >= 0 && bad < t->nr_cpu_ids && t->cpus[bad].online,
			   "CPU %d refused", bad);
	for (cpu = 0; cpu < t->nr_cpu_ids; cpu++) {
		if (scx_flash_idle_qos_restore(t, cpu) || !t->cpus[cpu].online ||
		    !t->cpus[cpu].qos[0])
			continue;
		fuzz_check(!read_sys(now, sizeof(now), CPU_DIR
				     "/cpu%d/power/pm_qos_resume_latency_us",
				     cpu) && !strcmp(now, t->cpus[cpu].qos),
			   "CPU %d QoS %s, was %s", cpu, now, t->cpus[cpu].qos);
	}
}

/* The state file reads "enabled" exactly when it holds it, blanks aside. */
static void check_sched_ext_state(void)
{
	char path[sizeof(root) + 64], state[32], text[32];
	ssize_t len = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/sys/kernel/sched_ext/state", root);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		len = read(fd, state, sizeof(state) - 1);
		close(fd);
	}
	while (len > 0 && (!state[len - 1] || isspace(state[len - 1])))
		len--;
	fuzz_check((!scx_flash_read_text(path, text, sizeof(text)) &&
		    !strcmp(text, "enabled")) ==
		   (len == 7 && !memcmp(state, "enabled", 7)), "state");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum scx_flash_profile profile;
	struct scx_flash_topo t;
	int fd = lowest_free_fd();

	make_tree((const char *)data, size);
	if (!scx_flash_topo_read(&t)) {
		check_topology(&t);
		check_classes(&t);
		check_idle_qos(&t);
		scx_flash_topo_free(&t);
	}
	profile = scx_flash_power_profile();
	fuzz_check(profile >= SCX_FLASH_PROFILE_UNKNOWN &&
		   profile <= SCX_FLASH_PROFILE_PERFORMANCE,
		   "%d", profile);
	check_sched_ext_state();
	fuzz_check(lowest_free_fd() == fd, "a file was left open");
	empty_tree();
	return 0;
}
