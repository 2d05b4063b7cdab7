// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of scx_flash_stats.c, built with it alone: the scx_stats
 * protocol the stats server answers (requests, replies, errors,
 * per-client deltas), the JSON reader behind it and --monitor, with the
 * loader's table of statistics.
 */
#include "../../scx_flash_stats.c"
#include "tap.h"
#include "stats_table.h"

/* What the server reads: 4 CPUs, the counters at 0 */
static void read_fake(uint64_t *vals, void *arg)
{
	memset(vals, 0, NR_STATS * sizeof(*vals));
	vals[STAT_NR_CPUS] = 4;
}

static const struct scx_flash_stats_table tab = STATS_TABLE(read_fake);

static const uint64_t sample[NR_STATS] = {
	[STAT_NR_CPUS] = 16,
	[STAT_NR_DIRECT_DISPATCHES] = 12,
	[STAT_NR_KTHREAD_DISPATCHES] = 3,
	[STAT_NR_RUNNING] = 2,
	[STAT_NR_SHARED_DISPATCHES] = 40,
};

/* The server's reply to @req for a client whose last counters are @prev. */
static const char *reply(const char *req, const uint64_t *cur, uint64_t *prev)
{
	static char out[2048];

	answer_request(&tab, req, cur, prev, out, sizeof(out));
	return out;
}

static void test_requests(void)
{
	uint64_t prev[NR_STATS] = {}, later[NR_STATS];

	tap_ok(!strcmp(reply("{\"req\":\"stats\",\"args\":{}}", sample,
			     prev),
		       "{\"errno\":0,\"args\":{\"resp\":{\"nr_cpus\":16,\"nr_direct_dispatches\":12,\"nr_kthread_dispatches\":3,\"nr_running\":2,\"nr_shared_dispatches\":40}}}\n"),
	       "stats: sorted keys, counters since the attach");

	memcpy(later, sample, sizeof(later));
	later[STAT_NR_DIRECT_DISPATCHES] += 5;
	later[STAT_NR_RUNNING] = 7;
	tap_ok(!strcmp(reply(" { \"req\" : \"stats\" , \"args\" : { \"target\" : \"top\" } } ",
			     later, prev),
		       "{\"errno\":0,\"args\":{\"resp\":{\"nr_cpus\":16,\"nr_direct_dispatches\":5,\"nr_kthread_dispatches\":0,\"nr_running\":7,\"nr_shared_dispatches\":0}}}\n"),
	       "stats again: counters since the last request, gauges absolute");

	tap_ok(!strcmp(reply("{\"req\":\"stats\"}", later, prev),
		       "{\"errno\":0,\"args\":{\"resp\":{\"nr_cpus\":16,\"nr_direct_dispatches\":0,\"nr_kthread_dispatches\":0,\"nr_running\":7,\"nr_shared_dispatches\":0}}}\n"),
	       "args is optional");

	tap_ok(!strcmp(reply("{\"req\":\"stats_meta\",\"args\":{}}", later,
			     prev),
		       "{\"errno\":0,\"args\":{\"resp\":{\"Metrics\":{\"fields\":{\"nr_cpus\":{\"datum\":\"u64\",\"desc\":\"Number of online CPUs\"},\"nr_direct_dispatches\":{\"datum\":\"u64\",\"desc\":\"Number of task direct dispatches\"},\"nr_kthread_dispatches\":{\"datum\":\"u64\",\"desc\":\"Number of kthread direct dispatches\"},\"nr_running\":{\"datum\":\"u64\",\"desc\":\"Number of running tasks\"},\"nr_shared_dispatches\":{\"datum\":\"u64\",\"desc\":\"Number of regular task dispatches\"}},\"name\":\"Metrics\",\"top\":\"true\"}}}}\n"),
	       "stats_meta describes the five metrics");
}

static void test_errors(void)
{
	uint64_t prev[NR_STATS] = {};

	tap_ok(!strcmp(reply("{\"req\":\"foo\"}", sample, prev),
		       "{\"errno\":22,\"args\":{\"resp\":\"unknown command \\\"foo\\\"\"}}\n"),
	       "unknown command: errno 22 and the reason");
	tap_ok(!strcmp(reply("{\"req\":\"stats\",\"args\":{\"target\":\"x\"}}",
			     sample, prev),
		       "{\"errno\":22,\"args\":{\"resp\":\"unknown target \\\"x\\\"\"}}\n"),
	       "unknown target: errno 22");
	tap_ok(!strncmp(reply("{\"req\":\"stats\"", sample, prev),
			"{\"errno\":22,", 12) &&
	       !strncmp(reply("not json", sample, prev), "{\"errno\":22,",
			12) &&
	       !strncmp(reply("{\"req\":[1]}", sample, prev),
			"{\"errno\":22,", 12) &&
	       !strncmp(reply("{\"req\":\"stats\"} trailing", sample, prev),
			"{\"errno\":22,", 12) &&
	       !strncmp(reply("", sample, prev), "{\"errno\":22,", 12),
	       "malformed JSON: errno 22");
	tap_ok(!strncmp(reply("{\"req\":\"stats\",\"args\":{\"a\":\"\\u00e9\\n\"}}",
			      sample, prev), "{\"errno\":0,", 11),
	       "escapes in strings are understood");
	tap_ok(!strncmp(reply("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":{\"j\":1}}}}}}}}}}",
			      sample, prev), "{\"errno\":22,", 12),
	       "deep nesting is refused");
}

/* Append "@path=value;" of @json to @out, a string's value marked with '. */
static void collect_field(const char *json, const char *path, char *out)
{
	const char *v = json_get(json, path);
	char val[64];

	if (*v == '"')
		json_string(v, val, sizeof(val));
	else
		snprintf(val, sizeof(val), "%.*s", (int)(json_skip(v, 0) - v), v);
	sprintf(out + strlen(out), "%s=%s%s;", path, val, *v == '"' ? "'" : "");
}

/* The error --monitor reads from a reply whose errno is @val. */
static int reply_err(const char *val)
{
	struct stats_reply r = {};
	char json[128];

	snprintf(json, sizeof(json), "{\"errno\":%s}", val);
	return read_reply(&tab, json, &r) ?: r.err;
}

static void test_json_reader(void)
{
	static const char fields[] = "{\"a\":1,\"b\":{\"c\":\"x\\\"y\",\"d\":true}}";
	char out[512] = "";
	struct stats_reply r = {};
	char quoted[64];

	tap_ok(json_valid(fields) && (collect_field(fields, "a", out),
				      collect_field(fields, "b.c", out),
				      collect_field(fields, "b.d", out), true) &&
	       !strcmp(out, "a=1;b.c=x\"y';b.d=true;"),
	       "members found by dotted path: %s", out);

	tap_ok(!read_reply(&tab, "{\"errno\":0,\"args\":{\"resp\":{\"nr_cpus\":16,\"nr_direct_dispatches\":12,\"nr_kthread_dispatches\":3,\"nr_running\":2,\"nr_shared_dispatches\":40}}}", &r) && !r.err &&
	       r.seen == (1U << NR_STATS) - 1 &&
	       !memcmp(r.vals, sample, sizeof(sample)),
	       "--monitor reads a stats reply back");

	memset(&r, 0, sizeof(r));
	tap_ok(!read_reply(&tab, "{\"errno\":0,\"args\":{\"resp\":{\"nr_cpus\":16}}}", &r) &&
	       r.seen != (1U << NR_STATS) - 1,
	       "--monitor notices missing fields");

	tap_ok(reply_err("0") == 0 && reply_err("-0") == 0 &&
	       reply_err("22") == 22 && reply_err("-2147483648") == INT_MIN,
	       "--monitor reads an integer errno");
	tap_ok(reply_err("4294967296") && reply_err("true") &&
	       reply_err("\"0\"") && reply_err("0.5") && reply_err("1e3") &&
	       reply_err("null") && reply_err("-"),
	       "--monitor takes an errno that is no int for an error");
	memset(&r, 0, sizeof(r));
	tap_ok(!read_reply(&tab, "{\"errno\":0,\"args\":{\"resp\":{\"nr_cpus\":-1,\"nr_direct_dispatches\":18446744073709551616,\"nr_kthread_dispatches\":3,\"nr_running\":2,\"nr_shared_dispatches\":40}}}", &r) && r.seen == 0x1c,
	       "--monitor refuses negative and overflowing statistics");

	json_quote(quoted, sizeof(quoted), "a\"b\\c\n");
	tap_ok(!strcmp(quoted, "\"a\\\"b\\\\c\\u000a\""),
	       "strings are quoted: %s", quoted);
}

/*
 * What the stats server sends back to a client that sent @len bytes of
 * @req at once, in @out; the number of replies, or -1 if it dropped it.
 */
static int serve(const char *req, size_t len, char *out, size_t size)
{
	struct scx_flash_stats_client c = {};
	int sv[2], lines = 0;
	bool alive;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv))
		return -2;
	c.fd = sv[0];
	n = send(sv[1], req, len, 0);
	alive = n == (ssize_t)len && stats_client_serve(&tab, &c);
	n = recv(sv[1], out, size - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	for (; n > 0; n--)
		lines += out[n - 1] == '\n';
	close(sv[0]);
	close(sv[1]);
	return alive ? lines : -1;
}

static void test_server(void)
{
	static const char two[] = "{\"req\":\"stats\"}\n{\"req\":\"stats\"}\n";
	static const char nul[] = "{\"req\":\"stats\"}\0x\n{\"req\":\"stats\"}\n";
	char out[4096];

	tap_ok(serve(two, sizeof(two) - 1, out, sizeof(out)) == 2 &&
	       !strncmp(out, "{\"errno\":0,", 11),
	       "server: one reply per request line");
	tap_ok(serve(nul, sizeof(nul) - 1, out, sizeof(out)) == 2 &&
	       !strncmp(out, "{\"errno\":22,", 12) &&
	       strstr(out, "}\n{\"errno\":0,"),
	       "server: a NUL byte makes its line an error, not the next one");
	tap_ok(serve("{\"req\":", 8, out, sizeof(out)) == 0,
	       "server: no reply before the newline");
}

/* What --monitor makes of the reply @reply of @len bytes: 0 or an error. */
static int monitor_reads(const char *reply, size_t len)
{
	uint64_t vals[NR_STATS];
	int sv[2], ret = -2;
	char bad[2048];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return ret;
	if (send(sv[1], reply, len, 0) == (ssize_t)len)
		ret = scx_flash_stats_request(sv[0], &tab, vals, bad, sizeof(bad));
	close(sv[0]);
	close(sv[1]);
	return ret;
}

static void test_monitor(void)
{
	static const char good[] = "{\"errno\":0,\"args\":{\"resp\":{\"nr_cpus\":16,\"nr_direct_dispatches\":12,\"nr_kthread_dispatches\":3,\"nr_running\":2,\"nr_shared_dispatches\":40}}}\n";
	static const char no_errno[] = "{\"args\":{\"resp\":{\"nr_cpus\":16,\"nr_direct_dispatches\":12,\"nr_kthread_dispatches\":3,\"nr_running\":2,\"nr_shared_dispatches\":40}}}\n";
	static const char split[] = "{\"errno\":0,\"args\":{\"resp\":{\"nr_cpus\":16,\"nr_direct_dispatches\":12,\"nr_kthread_dispatches\":3,\n\"nr_running\":2,\"nr_shared_dispatches\":40}}}\n";
	char nul[sizeof(good) + 4];

	/* the good reply, then a NUL and junk before its newline */
	memcpy(nul, good, sizeof(good) - 2);
	memcpy(nul + sizeof(good) - 2, "\0x}\n", 4);

	tap_ok(!monitor_reads(good, sizeof(good) - 1),
	       "--monitor takes a reply with errno 0");
	tap_ok(monitor_reads(no_errno, sizeof(no_errno) - 1) == -EINVAL,
	       "--monitor takes a reply without errno for an error");
	tap_ok(monitor_reads(nul, sizeof(good) + 2) == -EINVAL,
	       "--monitor takes a reply with a NUL byte for an error");
	tap_ok(monitor_reads(split, sizeof(split) - 1) == -EINVAL,
	       "--monitor reads only the first line of a reply");
}

int main(void)
{
	tap_start();
	test_requests();
	test_errors();
	test_json_reader();
	test_server();
	test_monitor();
	return tap_done();
}
