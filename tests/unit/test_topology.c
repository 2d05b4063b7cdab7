// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the loader's view of the machine, against fake sysfs
 * trees: CPU lists and masks, SMT siblings, NUMA nodes, capacities and the
 * primary domain they give, the power profile, and the idle resume latency
 * set and put back.
 */
#include "loader.h"
#include "fake_sysfs.h"

/* The CPU list @str on a machine of 8 CPUs, as a mask; -1 if refused. */
static long long cpu_list(const char *str)
{
	struct flash_mask m;

	mask_init(&m, 8);
	return parse_cpu_list(str, &m) ? -1 : (long long)m.bits[0];
}

static void test_cpu_list(void)
{
	tap_ok(cpu_list("0-3,6") == 0x4f, "cpu list 0-3,6");
	tap_ok(cpu_list("") == 0, "empty cpu list");
	tap_ok(cpu_list("3-1") == -1 && cpu_list("0-8") == -1 &&
	       cpu_list("1,x") == -1 && cpu_list("1-") == -1,
	       "bad cpu lists are rejected");
}

/* Format the mask @str parses to, on a machine of @nr CPUs. */
static const char *mask_roundtrip(const char *str, int nr)
{
	static char buf[256];
	struct flash_mask m;
	int ret;

	mask_init(&m, nr);
	quiet();
	ret = mask_parse(str, &m);
	loud();
	if (ret)
		snprintf(buf, sizeof(buf), "error %d", ret);
	else
		mask_format(&m, buf, sizeof(buf));
	return buf;
}

static void test_masks(void)
{
	tap_ok(!strcmp(mask_roundtrip("0x3", 2), "0x3"), "0x3 on 2 CPUs");
	tap_ok(!strcmp(mask_roundtrip("ffff", 16), "0xffff"),
	       "ffff on 16 CPUs: 0xffff");
	tap_ok(!strcmp(mask_roundtrip("0xffff_ffff_ffff_ffff", 64),
		       "0xffffffff,ffffffff"), "64 CPUs: two words");
	tap_ok(!strcmp(mask_roundtrip("0x1_0", 12), "0x010"),
	       "'_' is ignored, width follows the CPU count");
	tap_ok(!strcmp(mask_roundtrip("none", 8), "0x00"), "none is empty");
	tap_ok(!strcmp(mask_roundtrip("0x10", 4), "error -34"),
	       "a CPU the machine lacks is rejected");
	tap_ok(!strcmp(mask_roundtrip("0x100000000", 40), "0x01,00000000"),
	       "CPU 32 of 40");
}

/* Two cores with SMT, numbered like Intel's: siblings 0/2 and 1/3. */
static void fake_smt_machine(void)
{
	fake_begin();
	fake_write("0-3\n", CPU_PATH "/online");
	fake_write("1\n", CPU_PATH "/smt/active");
	fake_cpu(0, 0, 0);
	fake_cpu(1, 0, 1);
	fake_cpu(2, 0, 0);
	fake_cpu(3, 0, 1);
}

static void test_smt(void)
{
	struct topology t;
	int ret;

	fake_smt_machine();
	quiet();
	ret = read_topology(&t);
	loud();
	tap_ok(!ret && t.nr_cpu_ids == 4 && t.smt_active && t.nr_nodes == 1,
	       "SMT machine: 4 CPUs, SMT active, one node");
	tap_ok(!ret && t.cpus[0].sibling == 2 && t.cpus[2].sibling == 0 &&
	       t.cpus[1].sibling == 3 && t.cpus[3].sibling == 1,
	       "SMT siblings paired by core: 0/2 and 1/3");
	tap_ok(!ret && t.cpus[0].core == t.cpus[2].core &&
	       t.cpus[0].core != t.cpus[1].core, "cores numbered");
	if (!ret)
		topo_free(&t);

	/* a third thread stays unpaired, an offline CPU is left out */
	fake_write("0-2,4\n", CPU_PATH "/online");
	fake_cpu(4, 0, 0);
	quiet();
	ret = read_topology(&t);
	loud();
	tap_ok(!ret && t.nr_cpu_ids == 5 && t.cpus[4].sibling == -1 &&
	       t.cpus[0].sibling == 2 && t.cpus[1].sibling == -1 &&
	       !t.cpus[3].online, "SMT-3 core and an offline sibling");
	if (!ret)
		topo_free(&t);

	fake_write("0\n", CPU_PATH "/smt/active");
	quiet();
	ret = read_topology(&t);
	loud();
	tap_ok(!ret && !t.smt_active, "smt/active 0: SMT off");
	if (!ret)
		topo_free(&t);
	fake_end();
}

/*
 * CPU numbers are taken up to the kernel's largest NR_CPUS: a cpuN beyond
 * it would size the tables (and cpu2147483647 overflow an int).
 */
static void test_cpu_numbers(void)
{
	struct topology t;
	int ret;

	fake_smt_machine();
	fake_write("", CPU_PATH "/cpu8191/.dir");
	quiet();
	ret = read_topology(&t);
	loud();
	tap_ok(!ret && t.nr_cpu_ids == 8192, "cpu8191 counts: 8192 CPU ids");
	if (!ret)
		topo_free(&t);

	fake_smt_machine();
	fake_write("", CPU_PATH "/cpu8192/.dir");
	fake_write("", CPU_PATH "/cpu100000/.dir");
	fake_write("", CPU_PATH "/cpu2147483647/.dir");
	quiet();
	ret = read_topology(&t);
	loud();
	tap_ok(!ret && t.nr_cpu_ids == 4,
	       "cpu8192, cpu100000 and cpu2147483647 are not CPUs: 4 CPU ids");
	if (!ret)
		topo_free(&t);
	fake_end();
}

static void test_numa(void)
{
	struct topology t;
	int ret, cpu;

	fake_begin();
	fake_write("0-3\n", CPU_PATH "/online");
	for (cpu = 0; cpu < 4; cpu++) {
		fake_cpu(cpu, cpu / 2, cpu % 2);
		fake_node_cpu(cpu / 2, cpu);
	}
	quiet();
	ret = read_topology(&t);
	loud();
	tap_ok(!ret && t.nr_nodes == 2 && t.cpus[0].node == 0 &&
	       t.cpus[3].node == 1 && t.cpus[0].sibling == -1,
	       "two NUMA nodes of two CPUs");
	if (!ret)
		topo_free(&t);

	/* same core ids in another package are other cores */
	quiet();
	ret = read_topology(&t);
	loud();
	tap_ok(!ret && t.cpus[0].core != t.cpus[2].core,
	       "core ids are per package");
	if (!ret)
		topo_free(&t);

	fake_write("0-1\n", CPU_PATH "/online");
	quiet();
	ret = read_topology(&t);
	loud();
	tap_ok(!ret && t.nr_nodes == 1,
	       "a node without online CPUs does not count");
	if (!ret)
		topo_free(&t);

	fake_write("0-7\n", CPU_PATH "/online");
	quiet();
	ret = read_topology(&t);
	loud();
	tap_ok(ret == -EINVAL, "an online CPU without a cpuN directory fails");

	fake_write("0-1\n", CPU_PATH "/online");
	fake_remove(CPU_PATH "/cpu1/topology/core_id");
	quiet();
	ret = read_topology(&t);
	loud();
	tap_ok(ret == -ENOENT, "a CPU without core_id fails");
	fake_end();
}

/* The primary domain of @domain on the current fake tree, formatted. */
static const char *domain_of(const char *domain, enum power_profile profile)
{
	static char buf[64];
	struct flash_mask m;
	struct topology t;

	quiet();
	if (read_topology(&t)) {
		loud();
		return "no topology";
	}
	mask_init(&m, t.nr_cpu_ids);
	if (resolve_primary_domain(domain, &t, profile, &m))
		snprintf(buf, sizeof(buf), "error");
	else
		mask_format(&m, buf, sizeof(buf));
	loud();
	topo_free(&t);
	return buf;
}

static void fake_capacities(const char *file, const int *caps, int nr)
{
	char v[16];
	int cpu;

	fake_begin();
	fake_write(nr == 8 ? "0-7\n" : "0-3\n", CPU_PATH "/online");
	for (cpu = 0; cpu < nr; cpu++) {
		fake_cpu(cpu, 0, cpu);
		if (!file)
			continue;
		snprintf(v, sizeof(v), "%d\n", caps[cpu]);
		fake_write(v, CPU_PATH "/cpu%d/%s", cpu, file);
	}
}

static void test_primary_domain(void)
{
	static const int biglittle[8] = { 1024, 1024, 1024, 1024,
					  512, 512, 512, 512 };
	static const int preferred[4] = { 200, 166, 200, 166 };
	static const int same[4] = { 3000000, 3000000, 3000000, 3000000 };

	fake_capacities("cpu_capacity", biglittle, 8);
	tap_ok(!strcmp(domain_of("turbo", PROFILE_UNKNOWN), "0x0f"),
	       "big.LITTLE: turbo = the big CPUs");
	tap_ok(!strcmp(domain_of("performance", PROFILE_UNKNOWN), "0x0f"),
	       "big.LITTLE: performance = the big CPUs");
	tap_ok(!strcmp(domain_of("powersave", PROFILE_UNKNOWN), "0xf0"),
	       "big.LITTLE: powersave = the little CPUs");
	tap_ok(!strcmp(domain_of("all", PROFILE_UNKNOWN), "0xff"),
	       "big.LITTLE: all");
	tap_ok(!strcmp(domain_of("auto", PROFILE_POWERSAVE), "0xf0") &&
	       !strcmp(domain_of("auto", PROFILE_BALANCED_POWER), "0xf0"),
	       "auto on a power-saving profile = powersave");
	tap_ok(!strcmp(domain_of("auto", PROFILE_PERFORMANCE), "0xff") &&
	       !strcmp(domain_of("auto", PROFILE_BALANCED_PERFORMANCE),
		       "0xff") &&
	       !strcmp(domain_of("auto", PROFILE_UNKNOWN), "0xff"),
	       "auto otherwise = all");
	tap_ok(!strcmp(domain_of("0x30", PROFILE_UNKNOWN), "0x30") &&
	       !strcmp(domain_of("none", PROFILE_UNKNOWN), "0x00"),
	       "hex masks and none");
	tap_ok(!strcmp(domain_of("0x100", PROFILE_UNKNOWN), "error"),
	       "a mask naming CPU 8 of 8 is rejected");

	fake_capacities("cpufreq/amd_pstate_prefcore_ranking", preferred, 4);
	fake_write("3000000\n", CPU_PATH "/cpu0/cpufreq/cpuinfo_max_freq");
	tap_ok(!strcmp(domain_of("turbo", PROFILE_UNKNOWN), "0x5"),
	       "preferred-core ranking: turbo = the highest ranked");
	tap_ok(!strcmp(domain_of("powersave", PROFILE_UNKNOWN), "0xf"),
	       "no big.LITTLE gap: powersave falls back to all CPUs");

	fake_capacities("cpufreq/cpuinfo_max_freq", same, 4);
	tap_ok(!strcmp(domain_of("turbo", PROFILE_UNKNOWN), "0xf") &&
	       !strcmp(domain_of("performance", PROFILE_UNKNOWN), "0xf"),
	       "homogeneous CPUs: turbo falls back to all, performance = all");

	fake_capacities(NULL, NULL, 4);
	tap_ok(!strcmp(domain_of("turbo", PROFILE_UNKNOWN), "0xf") &&
	       !strcmp(domain_of("powersave", PROFILE_UNKNOWN), "0xf") &&
	       !strcmp(domain_of("performance", PROFILE_UNKNOWN), "0xf"),
	       "VM without cpufreq: every class is every CPU");
	fake_end();
}

static void test_power_profile(void)
{
	tap_ok(profile_from_epp("power") == PROFILE_POWERSAVE &&
	       profile_from_epp("powersave") == PROFILE_POWERSAVE &&
	       profile_from_epp("balance_power") == PROFILE_BALANCED_POWER &&
	       profile_from_epp("balance_performance") ==
	       PROFILE_BALANCED_PERFORMANCE &&
	       profile_from_epp("performance") == PROFILE_PERFORMANCE &&
	       profile_from_epp("schedutil") == PROFILE_UNKNOWN &&
	       profile_from_epp("default") == PROFILE_UNKNOWN,
	       "EPP and governor names map to profiles");
	tap_ok(profile_from_platform("low-power") == PROFILE_POWERSAVE &&
	       profile_from_platform("cool") == PROFILE_POWERSAVE &&
	       profile_from_platform("quiet") == PROFILE_POWERSAVE &&
	       profile_from_platform("balanced") ==
	       PROFILE_BALANCED_PERFORMANCE &&
	       profile_from_platform("balanced-performance") ==
	       PROFILE_BALANCED_PERFORMANCE &&
	       profile_from_platform("performance") == PROFILE_PERFORMANCE &&
	       profile_from_platform("custom") == PROFILE_UNKNOWN,
	       "ACPI platform profiles map to profiles");

	fake_begin();
	tap_ok(power_profile() == PROFILE_UNKNOWN,
	       "no cpufreq, no platform profile: unknown profile");
	fake_write("low-power\n", PLATFORM_PROFILE_PATH);
	tap_ok(power_profile() == PROFILE_POWERSAVE,
	       "the platform profile is used without cpufreq");
	fake_write("schedutil\n", CPU_PATH "/cpufreq/policy0/scaling_governor");
	tap_ok(power_profile() == PROFILE_POWERSAVE,
	       "the platform profile is used when the governor says nothing");
	fake_write("performance\n", CPU_PATH "/cpufreq/policy0/scaling_governor");
	tap_ok(power_profile() == PROFILE_PERFORMANCE,
	       "the governor wins over the platform profile");
	fake_write("balance_performance\n",
		   CPU_PATH "/cpufreq/policy0/energy_performance_preference");
	tap_ok(power_profile() == PROFILE_BALANCED_PERFORMANCE,
	       "EPP wins over the governor");
	fake_end();
}

static void test_profile_change(void)
{
	struct flash_opts o = { .primary_domain = "auto" };
	enum power_profile p = PROFILE_UNKNOWN;
	bool changed;

	fake_begin();
	fake_write("performance\n",
		   CPU_PATH "/cpufreq/policy0/energy_performance_preference");
	tap_ok(!domain_needs_update(&o, &p) && p == PROFILE_UNKNOWN,
	       "a profile unknown at start is not watched");

	p = power_profile();
	quiet();
	changed = domain_needs_update(&o, &p);
	loud();
	tap_ok(!changed && p == PROFILE_PERFORMANCE, "no change, no restart");

	fake_write("power\n",
		   CPU_PATH "/cpufreq/policy0/energy_performance_preference");
	quiet();
	changed = domain_needs_update(&o, &p);
	loud();
	tap_ok(changed && p == PROFILE_POWERSAVE,
	       "auto domain: a profile change asks for a restart");

	o.primary_domain = "all";
	fake_write("balance_performance\n",
		   CPU_PATH "/cpufreq/policy0/energy_performance_preference");
	quiet();
	changed = domain_needs_update(&o, &p);
	loud();
	tap_ok(!changed && p == PROFILE_BALANCED_PERFORMANCE,
	       "fixed domain: a profile change is only noted");
	fake_end();
}

static void test_idle_qos(void)
{
	static const char *const before[] = { "0", "n/a", "100", "0" };
	struct topology t;
	bool set, restored = true;
	int cpu, ret;

	fake_smt_machine();
	fake_write("0-2\n", CPU_PATH "/online");
	for (cpu = 0; cpu < 4; cpu++)
		fake_write(before[cpu],
			   CPU_PATH "/cpu%d/power/pm_qos_resume_latency_us",
			   cpu);
	quiet();
	ret = read_topology(&t);
	ret = ret ?: set_idle_qos(&t, 32);
	loud();
	set = !ret;
	for (cpu = 0; cpu < 3; cpu++)
		set &= !strcmp(fake_read(CPU_PATH
				"/cpu%d/power/pm_qos_resume_latency_us", cpu),
				"32");
	tap_ok(set && !strcmp(fake_read(CPU_PATH
			"/cpu3/power/pm_qos_resume_latency_us"), "0"),
	       "idle QoS 32 written to the online CPUs only");

	restore_idle_qos();
	for (cpu = 0; cpu < 4; cpu++)
		restored &= !strcmp(fake_read(CPU_PATH
				"/cpu%d/power/pm_qos_resume_latency_us", cpu),
				before[cpu]);
	tap_ok(restored, "restored as found, \"n/a\" included");
	tap_ok(!qos_changed, "nothing left to restore");

	quiet();
	ret = set_idle_qos(&t, -1);
	loud();
	tap_ok(!ret && !qos_changed && !strcmp(fake_read(CPU_PATH
			"/cpu0/power/pm_qos_resume_latency_us"), "0"),
	       "a negative value leaves the QoS alone");
	topo_free(&t);
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

int main(void)
{
	tap_start();
	test_cpu_list();
	test_masks();
	test_smt();
	test_cpu_numbers();
	test_numa();
	test_primary_domain();
	test_power_profile();
	test_profile_change();
	test_idle_qos();
	test_other_scheduler();
	return tap_done();
}
