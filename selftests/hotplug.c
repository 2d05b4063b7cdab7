// SPDX-License-Identifier: GPL-2.0
/*
 * hotplug: take a CPU offline and back online while scx_flash is attached
 * and a load runs.  scx_flash has no CPU hotplug callbacks, so the kernel
 * unloads it each time and asks user space to restart it: the loader must
 * re-attach, never exit with an error, and the load must finish.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "flash.h"
#include "load.h"
#include "scx_test.h"
#include "util.h"

#define HOTPLUG_CPU		1
#define REATTACH_TIMEOUT_MS	30000
#define LOAD_MS			3000
#define NR_HOGS			3

static char online_path[128];

static enum scx_test_status setup(void **ctx)
{
	if (!scx_available())
		SCX_SKIP("sched_ext is not available (no %s)", SCX_SYSFS_STATE);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SCX_SKIP("needs at least 2 online CPUs");
	snprintf(online_path, sizeof(online_path),
		 "/sys/devices/system/cpu/cpu%d/online", HOTPLUG_CPU);
	if (access(online_path, W_OK))
		SCX_SKIP("CPU %d cannot be taken offline (no writable %s)",
			 HOTPLUG_CPU, online_path);
	return SCX_TEST_PASS;
}

/*
 * Wait until the loader reported the kernel's exit for @event and the
 * scheduler is enabled again, enable_seq past @seq.
 */
static bool reattached(struct scx_child *loader, const char *event,
		       long long seq)
{
	unsigned long long deadline = monotonic_ms() + REATTACH_TIMEOUT_MS;

	while (monotonic_ms() < deadline) {
		if (!scx_child_running(loader))
			return false;
		if (flash_output_has(loader, event) &&
		    scx_enable_seq() > seq && scx_state_wait("enabled", 0) &&
		    scx_root_ops_has_prefix("flash"))
			return true;
		sleep_ms(100);
	}
	return false;
}

static enum scx_test_status run(void *ctx)
{
	struct load_opts any = { .cpu = -1 };
	struct scx_child loader;
	pid_t pids[NR_HOGS];
	bool offline_ok, online_ok;
	int i, failed = 0, ret;
	long long seq;

	SCX_FAIL_IF(flash_start(&loader, NULL), "scx_flash did not start");
	for (i = 0; i < NR_HOGS; i++)
		pids[i] = hog_start(&any, LOAD_MS);

	seq = scx_enable_seq();
	ret = write_str(online_path, "0");
	offline_ok = !ret && reattached(&loader, "going offline", seq);

	seq = scx_enable_seq();
	ret = write_str(online_path, "1") ?: ret;
	online_ok = !ret && reattached(&loader, "going online", seq);

	for (i = 0; i < NR_HOGS; i++)
		if (pids[i] <= 0 || child_cpu_us(pids[i], 60000) <= 0)
			failed++;

	if (!offline_ok || !online_ok)
		flash_dump_output(&loader);
	ret = flash_stop(&loader) ?: ret;

	SCX_FAIL_IF(!offline_ok, "no re-attach after CPU %d went offline",
		    HOTPLUG_CPU);
	SCX_FAIL_IF(!online_ok, "no re-attach after CPU %d came back",
		    HOTPLUG_CPU);
	SCX_FAIL_IF(failed, "%d task(s) of the load failed", failed);
	SCX_FAIL_IF(ret, "the loader or a hotplug write failed (%d)", ret);
	return SCX_TEST_PASS;
}

static void cleanup(void *ctx)
{
	/* Never leave the CPU offline for the next cases. */
	write_str(online_path, "1");
}

static struct scx_test hotplug = {
	.name = "hotplug_offline_online",
	.description = "CPU offline and online while attached: the loader re-attaches each time",
	.setup = setup,
	.run = run,
	.cleanup = cleanup,
};

REGISTER_SCX_TEST(&hotplug)
