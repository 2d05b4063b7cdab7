// SPDX-License-Identifier: GPL-2.0
/*
 * fairness: two CPU hogs share one CPU under scx_flash and get CPU time in
 * proportion to their weights: equal for equal tasks, about 3.05x for
 * nice 0 against nice 5 (weights 1024 and 335), about 2x for cgroups with
 * cpu.weight 200 and 100.
 */
#include <stdio.h>
#include "flash.h"
#include "load.h"
#include "scx_test.h"

#define RUN_MS		4000
#define REAP_MS		(RUN_MS + 20000)

/*
 * Run hogs @a and @b side by side for RUN_MS under scx_flash and return
 * the ratio of their CPU times, a over b, in *@ratio.
 */
static enum scx_test_status hog_ratio(const struct load_opts *a,
				      const struct load_opts *b,
				      double *ratio)
{
	struct scx_child loader;
	long long a_us, b_us;
	pid_t pa, pb;

	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");

	pa = hog_start(a, RUN_MS);
	pb = hog_start(b, RUN_MS);
	a_us = pa > 0 ? child_cpu_us(pa, REAP_MS) : -1;
	b_us = pb > 0 ? child_cpu_us(pb, REAP_MS) : -1;

	SCX_FAIL_IF(flash_stop(&loader), "scx_flash did not exit cleanly");
	SCX_FAIL_IF(a_us <= 0 || b_us <= 0, "hogs failed (%lld, %lld)",
		    a_us, b_us);

	*ratio = (double)a_us / b_us;
	printf("# CPU time %lld us against %lld us: ratio %.2f\n",
	       a_us, b_us, *ratio);
	return SCX_TEST_PASS;
}

/* Fail unless @val is within @tol (a fraction) of @ideal. */
static enum scx_test_status expect_near(double val, double ideal, double tol)
{
	SCX_FAIL_IF(val < ideal * (1 - tol) || val > ideal * (1 + tol),
		    "ratio %.2f is not within %.0f%% of %.2f",
		    val, tol * 100, ideal);
	return SCX_TEST_PASS;
}

static enum scx_test_status run_equal(void *ctx)
{
	struct load_opts o = { .cpu = 0 };
	enum scx_test_status ret;
	double ratio;

	ret = hog_ratio(&o, &o, &ratio);
	return ret ?: expect_near(ratio, 1.0, 0.10);
}

static struct scx_test fairness_equal = {
	.name = "fairness_equal",
	.description = "Two equal CPU hogs on one CPU get equal shares (+-10%)",
	.setup = flash_need_sched_ext,
	.run = run_equal,
};
REGISTER_SCX_TEST(&fairness_equal)

static enum scx_test_status run_nice(void *ctx)
{
	struct load_opts n0 = { .cpu = 0 }, n5 = { .cpu = 0, .nice = 5 };
	enum scx_test_status ret;
	double ratio;

	ret = hog_ratio(&n0, &n5, &ratio);
	return ret ?: expect_near(ratio, 1024.0 / 335, 0.15);
}

static struct scx_test fairness_nice = {
	.name = "fairness_nice",
	.description = "Nice 0 gets about 3.05x the CPU of nice 5 (+-15%)",
	.setup = flash_need_sched_ext,
	.run = run_nice,
};
REGISTER_SCX_TEST(&fairness_nice)

static enum scx_test_status run_cgroup(void *ctx)
{
	char heavy[128], light[128];
	enum scx_test_status ret;
	struct load_opts a = { .cpu = 0, .cgroup = heavy };
	struct load_opts b = { .cpu = 0, .cgroup = light };
	double ratio;

	if (cgroup_create("flash_heavy", 200, heavy, sizeof(heavy)) ||
	    cgroup_create("flash_light", 100, light, sizeof(light)))
		SCX_SKIP("no cgroup2 with the cpu controller");

	ret = hog_ratio(&a, &b, &ratio);
	cgroup_remove(heavy);
	cgroup_remove(light);
	return ret ?: expect_near(ratio, 2.0, 0.15);
}

static struct scx_test fairness_cgroup = {
	.name = "fairness_cgroup",
	.description = "cpu.weight 200 gets about 2x the CPU of 100 (+-15%)",
	.setup = flash_need_sched_ext,
	.run = run_cgroup,
};
REGISTER_SCX_TEST(&fairness_cgroup)
