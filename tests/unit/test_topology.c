// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of scx_flash_topo.c, built with it alone, against fake
 * sysfs trees: CPU lists and masks, SMT siblings, NUMA nodes, capacity
 * classes, the power profile, and the idle resume latency set and put
 * back.
 */
#include "../../scx_flash_topo.c"
#include "tap.h"
#include "fake_sysfs.h"

/* The CPU list @str on a machine of 8 CPUs, as a mask; -1 if refused. */
static long long cpu_list(const char *str)
{
	struct scx_flash_mask m;

	scx_flash_mask_init(&m, 8);
	return scx_flash_parse_cpu_list(str, &m) ? -1 : (long long)m.bits[0];
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
	struct scx_flash_mask m;
	int ret;

	scx_flash_mask_init(&m, nr);
	ret = scx_flash_mask_parse(str, &m, NULL);
	if (ret)
		snprintf(buf, sizeof(buf), "error %d", ret);
	else
		scx_flash_mask_format(&m, buf, sizeof(buf));
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
	struct scx_flash_topo t;
	int ret;

	fake_smt_machine();
	ret = scx_flash_topo_read(&t);
	tap_ok(!ret && t.nr_cpu_ids == 4 && t.smt_active && t.nr_nodes == 1,
	       "SMT machine: 4 CPUs, SMT active, one node");
	tap_ok(!ret && t.cpus[0].sibling == 2 && t.cpus[2].sibling == 0 &&
	       t.cpus[1].sibling == 3 && t.cpus[3].sibling == 1,
	       "SMT siblings paired by core: 0/2 and 1/3");
	tap_ok(!ret && !memcmp(t.cpus[0].ids, t.cpus[2].ids, sizeof(t.cpus[0].ids)) &&
	       memcmp(t.cpus[0].ids, t.cpus[1].ids, sizeof(t.cpus[0].ids)),
	       "core and package ids read");
	if (!ret)
		scx_flash_topo_free(&t);

	/* a third thread stays unpaired, an offline CPU is left out */
	fake_write("0-2,4\n", CPU_PATH "/online");
	fake_cpu(4, 0, 0);
	ret = scx_flash_topo_read(&t);
	tap_ok(!ret && t.nr_cpu_ids == 5 && t.cpus[4].sibling == -1 &&
	       t.cpus[0].sibling == 2 && t.cpus[1].sibling == -1 &&
	       !t.cpus[3].online, "SMT-3 core and an offline sibling");
	if (!ret)
		scx_flash_topo_free(&t);

	fake_write("0\n", CPU_PATH "/smt/active");
	ret = scx_flash_topo_read(&t);
	tap_ok(!ret && !t.smt_active, "smt/active 0: SMT off");
	if (!ret)
		scx_flash_topo_free(&t);
	fake_end();
}

/*
 * CPU numbers are taken up to the kernel's largest NR_CPUS: a cpuN beyond
 * it would size the tables (and cpu2147483647 overflow an int).
 */
static void test_cpu_numbers(void)
{
	struct scx_flash_topo t;
	int ret;

	fake_smt_machine();
	fake_write("", CPU_PATH "/cpu8191/.dir");
	ret = scx_flash_topo_read(&t);
	tap_ok(!ret && t.nr_cpu_ids == 8192, "cpu8191 counts: 8192 CPU ids");
	if (!ret)
		scx_flash_topo_free(&t);

	fake_smt_machine();
	fake_write("", CPU_PATH "/cpu8192/.dir");
	fake_write("", CPU_PATH "/cpu100000/.dir");
	fake_write("", CPU_PATH "/cpu2147483647/.dir");
	ret = scx_flash_topo_read(&t);
	tap_ok(!ret && t.nr_cpu_ids == 4,
	       "cpu8192, cpu100000 and cpu2147483647 are not CPUs: 4 CPU ids");
	if (!ret)
		scx_flash_topo_free(&t);
	fake_end();
}

static void test_numa(void)
{
	struct scx_flash_topo t;
	int ret, cpu;

	fake_begin();
	fake_write("0-3\n", CPU_PATH "/online");
	for (cpu = 0; cpu < 4; cpu++) {
		fake_cpu(cpu, cpu / 2, cpu % 2);
		fake_node_cpu(cpu / 2, cpu);
	}
	ret = scx_flash_topo_read(&t);
	tap_ok(!ret && t.nr_nodes == 2 && t.cpus[0].node == 0 &&
	       t.cpus[3].node == 1 && t.cpus[0].sibling == -1,
	       "two NUMA nodes of two CPUs");
	if (!ret)
		scx_flash_topo_free(&t);

	/* same core ids in another package are other cores */
	ret = scx_flash_topo_read(&t);
	tap_ok(!ret && t.cpus[0].ids[0] == t.cpus[2].ids[0] &&
	       t.cpus[0].ids[1] != t.cpus[2].ids[1] && t.cpus[2].sibling == -1,
	       "core ids are per package");
	if (!ret)
		scx_flash_topo_free(&t);

	fake_write("0-1\n", CPU_PATH "/online");
	ret = scx_flash_topo_read(&t);
	tap_ok(!ret && t.nr_nodes == 1,
	       "a node without online CPUs does not count");
	if (!ret)
		scx_flash_topo_free(&t);

	fake_write("0-7\n", CPU_PATH "/online");
	ret = scx_flash_topo_read(&t);
	tap_ok(ret == -EINVAL, "an online CPU without a cpuN directory fails");

	fake_write("0-1\n", CPU_PATH "/online");
	fake_remove(CPU_PATH "/cpu1/topology/core_id");
	ret = scx_flash_topo_read(&t);
	tap_ok(ret == -ENOENT && t.bad_cpu == 1 &&
	       strstr(t.why, "cannot read CPU 1's topology under '"),
	       "a CPU without core_id fails, named");
	fake_end();
}

static void test_power_profile(void)
{
	tap_ok(scx_flash_profile_of("power", false) == SCX_FLASH_PROFILE_POWERSAVE &&
	       scx_flash_profile_of("powersave", false) == SCX_FLASH_PROFILE_POWERSAVE &&
	       scx_flash_profile_of("balance_power", false) == SCX_FLASH_PROFILE_BALANCED_POWER &&
	       scx_flash_profile_of("balance_performance", false) ==
	       SCX_FLASH_PROFILE_BALANCED_PERFORMANCE &&
	       scx_flash_profile_of("performance", false) == SCX_FLASH_PROFILE_PERFORMANCE &&
	       scx_flash_profile_of("schedutil", false) == SCX_FLASH_PROFILE_UNKNOWN &&
	       scx_flash_profile_of("default", false) == SCX_FLASH_PROFILE_UNKNOWN,
	       "EPP and governor names map to profiles");
	tap_ok(scx_flash_profile_of("low-power", true) == SCX_FLASH_PROFILE_POWERSAVE &&
	       scx_flash_profile_of("cool", true) == SCX_FLASH_PROFILE_POWERSAVE &&
	       scx_flash_profile_of("quiet", true) == SCX_FLASH_PROFILE_POWERSAVE &&
	       scx_flash_profile_of("balanced", true) ==
	       SCX_FLASH_PROFILE_BALANCED_PERFORMANCE &&
	       scx_flash_profile_of("balanced-performance", true) ==
	       SCX_FLASH_PROFILE_BALANCED_PERFORMANCE &&
	       scx_flash_profile_of("performance", true) == SCX_FLASH_PROFILE_PERFORMANCE &&
	       scx_flash_profile_of("custom", true) == SCX_FLASH_PROFILE_UNKNOWN,
	       "ACPI platform profiles map to profiles");

	fake_begin();
	tap_ok(scx_flash_power_profile() == SCX_FLASH_PROFILE_UNKNOWN,
	       "no cpufreq, no platform profile: unknown profile");
	fake_write("low-power\n", PLATFORM_PROFILE_PATH);
	tap_ok(scx_flash_power_profile() == SCX_FLASH_PROFILE_POWERSAVE,
	       "the platform profile is used without cpufreq");
	fake_write("schedutil\n", CPU_PATH "/cpufreq/policy0/scaling_governor");
	tap_ok(scx_flash_power_profile() == SCX_FLASH_PROFILE_POWERSAVE,
	       "the platform profile is used when the governor says nothing");
	fake_write("performance\n", CPU_PATH "/cpufreq/policy0/scaling_governor");
	tap_ok(scx_flash_power_profile() == SCX_FLASH_PROFILE_PERFORMANCE,
	       "the governor wins over the platform profile");
	fake_write("balance_performance\n",
		   CPU_PATH "/cpufreq/policy0/energy_performance_preference");
	tap_ok(scx_flash_power_profile() == SCX_FLASH_PROFILE_BALANCED_PERFORMANCE,
	       "EPP wins over the governor");
	fake_end();
}

/* Capacity classes: cpu_capacity's big and little CPUs, the highest ranked. */
static void test_classes(void)
{
	static const int biglittle[8] = { 1024, 1024, 1024, 1024,
					  512, 512, 512, 512 };
	static const int preferred[4] = { 200, 166, 200, 166 };
	struct scx_flash_mask m;
	struct scx_flash_topo t;
	int ret, nr = -1;

	fake_capacities("cpu_capacity", biglittle, 8);
	ret = scx_flash_topo_read(&t);
	if (!ret) {
		scx_flash_mask_init(&m, t.nr_cpu_ids);
		nr = scx_flash_topo_class_cpus(&t, "powersave", &m);
	}
	tap_ok(!ret && t.capacities && nr == 4 && m.bits[0] == 0xf0 &&
	       t.cpus[0].type == SCX_FLASH_CORE_TURBO, "big.LITTLE: 4 little CPUs, 0xf0");
	if (!ret)
		scx_flash_topo_free(&t);

	fake_capacities("cpufreq/amd_pstate_prefcore_ranking", preferred, 4);
	fake_write("3000000\n", CPU_PATH "/cpu0/cpufreq/cpuinfo_max_freq");
	ret = scx_flash_topo_read(&t);
	if (!ret) {
		scx_flash_mask_init(&m, t.nr_cpu_ids);
		nr = scx_flash_topo_class_cpus(&t, "turbo", &m);
	}
	tap_ok(!ret && nr == 2 && m.bits[0] == 0x5,
	       "preferred-core ranking: the highest ranked are turbo");
	if (!ret)
		scx_flash_topo_free(&t);

	fake_capacities(NULL, NULL, 4);
	ret = scx_flash_topo_read(&t);
	if (!ret) {
		scx_flash_mask_init(&m, t.nr_cpu_ids);
		nr = scx_flash_topo_class_cpus(&t, "powersave", &m);
	}
	tap_ok(!ret && !t.capacities && t.cpus[3].type == SCX_FLASH_CORE_BIG &&
	       nr == 4 && m.bits[0] == 0xf,
	       "no capacities: said so, every CPU big, an empty class is all");
	tap_ok(!ret && scx_flash_topo_class_cpus(&t, "0xf", &m) == -ENOENT &&
	       !scx_flash_is_class("none") && scx_flash_is_class("performance"),
	       "only the four classes are classes");
	if (!ret)
		scx_flash_topo_free(&t);
	fake_end();
}

static void test_idle_qos(void)
{
	static const char *const before[] = { "0", "n/a", "100", "0" };
	struct scx_flash_topo t;
	bool set, restored = true;
	int cpu, ret, bad = -1;

	fake_smt_machine();
	fake_write("0-2\n", CPU_PATH "/online");
	for (cpu = 0; cpu < 4; cpu++)
		fake_write(before[cpu],
			   CPU_PATH "/cpu%d/power/pm_qos_resume_latency_us",
			   cpu);
	ret = scx_flash_topo_read(&t);
	if (!ret)
		ret = scx_flash_idle_qos_set(&t, 32, &bad);
	set = !ret && scx_flash_idle_qos_supported();
	for (cpu = 0; cpu < 3; cpu++)
		set &= !strcmp(fake_read(CPU_PATH
				"/cpu%d/power/pm_qos_resume_latency_us", cpu),
				"32");
	tap_ok(set && !strcmp(fake_read(CPU_PATH
			"/cpu3/power/pm_qos_resume_latency_us"), "0"),
	       "idle QoS 32 written to the online CPUs only");

	for (cpu = 0; !ret && cpu < t.nr_cpu_ids; cpu++)
		restored &= !scx_flash_idle_qos_restore(&t, cpu);
	for (cpu = 0; cpu < 4; cpu++)
		restored &= !strcmp(fake_read(CPU_PATH
				"/cpu%d/power/pm_qos_resume_latency_us", cpu),
				before[cpu]);
	tap_ok(!ret && restored, "restored as found, \"n/a\" included");

	fake_remove(CPU_PATH "/cpu1/power/pm_qos_resume_latency_us");
	fake_write("", CPU_PATH "/cpu1/power/pm_qos_resume_latency_us/.dir");
	tap_ok(!ret && scx_flash_idle_qos_set(&t, 32, &bad) < 0 && bad == 1,
	       "a CPU that refuses is named");
	if (!ret)
		scx_flash_topo_free(&t);
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
	test_classes();
	test_power_profile();
	test_idle_qos();
	return tap_done();
}
