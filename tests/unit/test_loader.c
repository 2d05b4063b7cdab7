// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the loader's own parts that are not its command
 * line: the primary domain it resolves from the capacity classes and the
 * power profile, the restart when that profile changes, the idle QoS it
 * puts back, another scheduler found attached, the stats line and the
 * sums of the scheduler's per-CPU counters.
 */
#define bpf_map_lookup_elem fake_map_lookup_elem
#include "loader.h"
#undef bpf_map_lookup_elem
#include "fake_sysfs.h"

/*
 * The scheduler's per-CPU "stats" map: CPU c holds 1000 * idx + c in
 * counter idx, except FLASH_STAT_RUNNING: two tasks started running on
 * the first CPU and one stopped on the last, which holds UINT64_MAX
 * unless it is the first: summed, one task runs.
 */
int fake_map_lookup_elem(int fd, const void *key, void *value)
{
	u32 idx = *(const u32 *)key;
	int cpu, nr_cpus = libbpf_num_possible_cpus();
	u64 *v = value;

	if (idx >= FLASH_NR_STATS || nr_cpus <= 0)
		return -ENOENT;
	for (cpu = 0; cpu < nr_cpus; cpu++)
		v[cpu] = 1000 * idx + cpu;
	if (idx == FLASH_STAT_RUNNING) {
		memset(v, 0, nr_cpus * sizeof(*v));
		v[0] = 2;
		v[nr_cpus - 1] += UINT64_MAX;
	}
	return 0;
}

static const u64 sample[NR_STATS] = {
	[STAT_NR_CPUS] = 16,
	[STAT_NR_DIRECT_DISPATCHES] = 12,
	[STAT_NR_KTHREAD_DISPATCHES] = 3,
	[STAT_NR_RUNNING] = 2,
	[STAT_NR_SHARED_DISPATCHES] = 40,
};

/* The primary domain of @domain on the current fake tree, formatted. */
static const char *domain_of(const char *domain, enum scx_flash_profile profile)
{
	static char buf[64];
	struct scx_flash_mask m;
	struct scx_flash_topo t;

	quiet();
	if (scx_flash_topo_read(&t)) {
		loud();
		return "no topology";
	}
	scx_flash_mask_init(&m, t.nr_cpu_ids);
	if (resolve_primary_domain(domain, &t, profile, &m))
		snprintf(buf, sizeof(buf), "error");
	else
		scx_flash_mask_format(&m, buf, sizeof(buf));
	loud();
	scx_flash_topo_free(&t);
	return buf;
}

static void test_primary_domain(void)
{
	static const int biglittle[8] = { 1024, 1024, 1024, 1024,
					  512, 512, 512, 512 };
	static const int preferred[4] = { 200, 166, 200, 166 };
	static const int same[4] = { 3000000, 3000000, 3000000, 3000000 };

	fake_capacities("cpu_capacity", biglittle, 8);
	tap_ok(!strcmp(domain_of("turbo", SCX_FLASH_PROFILE_UNKNOWN), "0x0f"),
	       "big.LITTLE: turbo = the big CPUs");
	tap_ok(!strcmp(domain_of("performance", SCX_FLASH_PROFILE_UNKNOWN), "0x0f"),
	       "big.LITTLE: performance = the big CPUs");
	tap_ok(!strcmp(domain_of("powersave", SCX_FLASH_PROFILE_UNKNOWN), "0xf0"),
	       "big.LITTLE: powersave = the little CPUs");
	tap_ok(!strcmp(domain_of("all", SCX_FLASH_PROFILE_UNKNOWN), "0xff"),
	       "big.LITTLE: all");
	tap_ok(!strcmp(domain_of("auto", SCX_FLASH_PROFILE_POWERSAVE), "0xf0") &&
	       !strcmp(domain_of("auto", SCX_FLASH_PROFILE_BALANCED_POWER), "0xf0"),
	       "auto on a power-saving profile = powersave");
	tap_ok(!strcmp(domain_of("auto", SCX_FLASH_PROFILE_PERFORMANCE), "0xff") &&
	       !strcmp(domain_of("auto", SCX_FLASH_PROFILE_BALANCED_PERFORMANCE),
		       "0xff") &&
	       !strcmp(domain_of("auto", SCX_FLASH_PROFILE_UNKNOWN), "0xff"),
	       "auto otherwise = all");
	tap_ok(!strcmp(domain_of("0x30", SCX_FLASH_PROFILE_UNKNOWN), "0x30") &&
	       !strcmp(domain_of("none", SCX_FLASH_PROFILE_UNKNOWN), "0x00"),
	       "hex masks and none");
	tap_ok(!strcmp(domain_of("0x100", SCX_FLASH_PROFILE_UNKNOWN), "error"),
	       "a mask naming CPU 8 of 8 is rejected");

	fake_capacities("cpufreq/amd_pstate_prefcore_ranking", preferred, 4);
	fake_write("3000000\n", CPU_PATH "/cpu0/cpufreq/cpuinfo_max_freq");
	tap_ok(!strcmp(domain_of("turbo", SCX_FLASH_PROFILE_UNKNOWN), "0x5"),
	       "preferred-core ranking: turbo = the highest ranked");
	tap_ok(!strcmp(domain_of("powersave", SCX_FLASH_PROFILE_UNKNOWN), "0xf"),
	       "no big.LITTLE gap: powersave falls back to all CPUs");

	fake_capacities("cpufreq/cpuinfo_max_freq", same, 4);
	tap_ok(!strcmp(domain_of("turbo", SCX_FLASH_PROFILE_UNKNOWN), "0xf") &&
	       !strcmp(domain_of("performance", SCX_FLASH_PROFILE_UNKNOWN), "0xf"),
	       "homogeneous CPUs: turbo falls back to all, performance = all");

	fake_capacities(NULL, NULL, 4);
	tap_ok(!strcmp(domain_of("turbo", SCX_FLASH_PROFILE_UNKNOWN), "0xf") &&
	       !strcmp(domain_of("powersave", SCX_FLASH_PROFILE_UNKNOWN), "0xf") &&
	       !strcmp(domain_of("performance", SCX_FLASH_PROFILE_UNKNOWN), "0xf"),
	       "VM without cpufreq: every class is every CPU");
	fake_end();
}

static void test_profile_change(void)
{
	struct flash_opts o = { .primary_domain = "auto" };
	enum scx_flash_profile p = SCX_FLASH_PROFILE_UNKNOWN;
	bool changed;

	fake_begin();
	fake_write("performance\n",
		   CPU_PATH "/cpufreq/policy0/energy_performance_preference");
	tap_ok(!domain_needs_update(&o, &p) && p == SCX_FLASH_PROFILE_UNKNOWN,
	       "a profile unknown at start is not watched");

	p = scx_flash_power_profile();
	quiet();
	changed = domain_needs_update(&o, &p);
	loud();
	tap_ok(!changed && p == SCX_FLASH_PROFILE_PERFORMANCE, "no change, no restart");

	fake_write("power\n",
		   CPU_PATH "/cpufreq/policy0/energy_performance_preference");
	quiet();
	changed = domain_needs_update(&o, &p);
	loud();
	tap_ok(changed && p == SCX_FLASH_PROFILE_POWERSAVE,
	       "auto domain: a profile change asks for a restart");

	o.primary_domain = "all";
	fake_write("balance_performance\n",
		   CPU_PATH "/cpufreq/policy0/energy_performance_preference");
	quiet();
	changed = domain_needs_update(&o, &p);
	loud();
	tap_ok(!changed && p == SCX_FLASH_PROFILE_BALANCED_PERFORMANCE,
	       "fixed domain: a profile change is only noted");
	fake_end();
}

/*
 * Another scheduler is attached when the sched_ext state reads "enabled";
 * a shorter read must not be completed by what the buffer held before.
 * Both calls go through the same call site, as they would in the loader.
 */
static void test_other_scheduler(void)
{
	static const char *const states[] = { "enabled\n", "ena", "disabled\n",
					     "enabled" };
	char dir[ARRAY_SIZE(states)][PATH_MAX + 16];
	bool attached[ARRAY_SIZE(states)];
	size_t i;
	FILE *f;

	fake_begin();
	for (i = 0; i < ARRAY_SIZE(states); i++) {
		fake_write(states[i], "sched_ext%zu/state", i);
		fake_write("other\n", "sched_ext%zu/root/ops", i);
		snprintf(dir[i], sizeof(dir[i]), "%s/sched_ext%zu", fake_root,
			 i);
	}
	quiet();
	for (i = 0; i < ARRAY_SIZE(states); i++)
		attached[i] = other_scheduler_attached(dir[i]);
	loud();
	tap_ok(attached[0] && attached[3], "state \"enabled\": attached");
	tap_ok(!attached[1], "state \"ena\" after \"enabled\": not attached");
	tap_ok(!attached[2] && !other_scheduler_attached(fake_root),
	       "state \"disabled\" or none: not attached");

	/* a NUL does not end the state early */
	f = fopen(strcat(dir[0], "/state"), "w");
	if (f) {
		fwrite("enabled\0 24\n", 1, 12, f);
		fclose(f);
	}
	dir[0][strlen(dir[0]) - strlen("/state")] = '\0';
	quiet();
	attached[0] = other_scheduler_attached(dir[0]);
	loud();
	tap_ok(f && !attached[0], "state \"enabled\\0 24\": not attached");
	fake_end();
}

static void test_idle_qos(void)
{
	static const char *const before[] = { "0", "n/a", "100", "0" };
	struct scx_flash_topo t;
	bool restored = true;
	int cpu, ret;

	fake_begin();
	fake_write("0-3\n", CPU_PATH "/online");
	for (cpu = 0; cpu < 4; cpu++) {
		fake_cpu(cpu, 0, cpu);
		fake_write(before[cpu],
			   CPU_PATH "/cpu%d/power/pm_qos_resume_latency_us",
			   cpu);
	}
	ret = scx_flash_topo_read(&t);
	quiet();
	ret = ret ?: set_idle_qos(&t, 32);
	loud();
	tap_ok(!ret && qos_changed == &t &&
	       !strcmp(fake_read(CPU_PATH "/cpu3/power/pm_qos_resume_latency_us"), "32"),
	       "idle QoS set, to be put back");
	restore_idle_qos();
	for (cpu = 0; cpu < 4; cpu++)
		restored &= !strcmp(fake_read(CPU_PATH
				"/cpu%d/power/pm_qos_resume_latency_us", cpu),
				before[cpu]);
	tap_ok(restored && !qos_changed, "put back, nothing left to restore");

	quiet();
	ret = ret ?: set_idle_qos(&t, -1);
	loud();
	tap_ok(!ret && !qos_changed && !strcmp(fake_read(CPU_PATH
			"/cpu0/power/pm_qos_resume_latency_us"), "0"),
	       "a negative value leaves the QoS alone");
	scx_flash_topo_free(&t);
	fake_end();
}

static void test_stats_line(void)
{
	char line[256] = "", expect[256];
	FILE *f = fmemopen(line, sizeof(line), "w");
	FILE *saved = stdout;

	stdout = f;
	print_stats(sample);
	stdout = saved;
	fclose(f);
	/* upstream pads the last field too: "40" and three blanks */
	snprintf(expect, sizeof(expect), "%s%s%s\n",
		 "[scx_flash] tasks -> r:  2/16 | dispatch -> k: 3     d: 12    s: 40",
		 " ", "  ");
	tap_ok(!strcmp(line, expect),
	       "the stats line is upstream's");
}

static void test_read_stats(void)
{
	struct scx_flash__bss bss = { .nr_online_cpus = 4 };
	struct scx_flash skel = { .bss = &bss };
	u64 n = libbpf_num_possible_cpus(), cpus = n * (n - 1) / 2;
	u64 s[NR_STATS];

	read_stats(s, &skel);
	tap_ok(s[STAT_NR_CPUS] == 4 && s[STAT_NR_RUNNING] == 1 &&
	       s[STAT_NR_KTHREAD_DISPATCHES] ==
	       1000 * FLASH_STAT_KTHREAD_DISPATCHES * n + cpus &&
	       s[STAT_NR_DIRECT_DISPATCHES] ==
	       1000 * FLASH_STAT_DIRECT_DISPATCHES * n + cpus &&
	       s[STAT_NR_SHARED_DISPATCHES] ==
	       1000 * FLASH_STAT_SHARED_DISPATCHES * n + cpus,
	       "read_stats() sums the per-CPU counters of %" PRIu64 " CPUs",
	       n);
}

int main(void)
{
	tap_start();
	test_primary_domain();
	test_profile_change();
	test_idle_qos();
	test_other_scheduler();
	test_stats_line();
	test_read_stats();
	return tap_done();
}
