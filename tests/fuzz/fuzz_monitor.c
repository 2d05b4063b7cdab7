// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of --monitor's reply reader in scx_flash_stats.c,
 * built with it alone: scx_flash_stats_request() with the
 * input as what the server sends back, in chunks of the size the first
 * byte gives.  Statistics come out only of a reply whose first line is
 * JSON with an errno of exactly 0 and the five statistics as plain
 * numbers, which must be the ones returned and format back the same.
 */
#define recv fuzz_recv
#define send fuzz_send
#include "../../scx_flash_stats.c"
#undef recv
#undef send
#include "fuzz.h"
#include "../unit/stats_table.h"

static void read_nothing(uint64_t *vals, void *arg)
{
}

static const struct scx_flash_stats_table tab = STATS_TABLE(read_nothing);

static struct {
	const uint8_t *data;
	size_t left;
	size_t chunk;
} server;

int LLVMFuzzerInitialize(int *argc, char **argv[])
{
	fuzz_silence();
	return 0;
}

/* The request must be the one line of the protocol. */
ssize_t fuzz_send(int fd, const void *buf, size_t len, int flags)
{
	static const char req[] = "{\"req\":\"stats\",\"args\":{}}\n";

	fuzz_check(len == sizeof(req) - 1 && !memcmp(buf, req, len),
		   "request %.*s", (int)len, (const char *)buf);
	return len;
}

/* The server's reply, chunk by chunk, then a closed connection. */
ssize_t fuzz_recv(int fd, void *buf, size_t len, int flags)
{
	size_t n = len < server.chunk ? len : server.chunk;

	n = n < server.left ? n : server.left;
	memcpy(buf, server.data, n);
	server.data += n;
	server.left -= n;
	return n;
}

/* The values of a reply as plain text, the last of each name kept. */
struct raw_reply {
	const char *err;
	const char *stat[NR_STATS];
	char store[NR_STATS + 1][2048];
};

/* The member @path of @line as written, "string" for a JSON string. */
static const char *keep(const char *line, const char *path, char *store)
{
	const char *v = json_get(line, path);

	if (!v || *v == '"')
		return v ? "string" : NULL;
	snprintf(store, sizeof(((struct raw_reply *)0)->store[0]), "%.*s",
		 (int)(json_skip(v, 0) - v), v);
	return store;
}

static void collect_raw(const char *line, struct raw_reply *r)
{
	char path[64];
	int i;

	r->err = keep(line, "errno", r->store[NR_STATS]);
	for (i = 0; i < NR_STATS; i++) {
		snprintf(path, sizeof(path), "args.resp.%s", fields[i].name);
		r->stat[i] = keep(line, path, r->store[i]);
	}
}

/* Only digits, no sign, no more than a u64 holds. */
static bool plain_u64(const char *s, uint64_t *v)
{
	const char *p = s;

	while (*p == '0' && p[1])
		p++;
	if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 20 ||
	    (strlen(p) == 20 && strcmp(p, "18446744073709551615") > 0))
		return false;
	*v = strtoull(p, NULL, 10);
	return true;
}

/* What the reply reader must have seen to return @s. */
static void check_accepted(const uint8_t *reply, size_t len,
			   const uint64_t *s)
{
	const uint8_t *nl = memchr(reply, '\n', len);
	struct raw_reply raw = {};
	struct stats_reply back = {};
	char line[2048], json[2048];
	uint64_t v;
	int i;

	fuzz_check(nl && nl - reply < (long)sizeof(line), "no line");
	fuzz_check(!memchr(reply, '\0', nl - reply), "NUL in the line");
	memcpy(line, reply, nl - reply);
	line[nl - reply] = '\0';
	fuzz_check(json_valid(line), "%s", line);
	collect_raw(line, &raw);
	fuzz_check(raw.err && strspn(raw.err + (*raw.err == '-'), "0") ==
		   strlen(raw.err + (*raw.err == '-')) &&
		   raw.err[*raw.err == '-'], "errno %s taken for 0", raw.err);
	for (i = 0; i < NR_STATS; i++)
		fuzz_check(raw.stat[i] && plain_u64(raw.stat[i], &v) &&
			   v == s[i], "%s: %s, read as %" PRIu64,
			   fields[i].name, raw.stat[i], s[i]);

	stats_json(&tab, s, json, sizeof(json));
	fuzz_check(!read_reply(&tab, json, &back) && !back.err &&
		   back.seen == (1U << NR_STATS) - 1 &&
		   !memcmp(back.vals, s, NR_STATS * sizeof(*s)), "%s", json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t s[NR_STATS] = {};
	char reply[2048];
	int ret;

	if (!size)
		return 0;
	server.chunk = data[0] ? data[0] : 2048;
	server.data = data + 1;
	server.left = size - 1;

	ret = scx_flash_stats_request(0, &tab, s, reply, sizeof(reply));
	fuzz_check(!ret || ret == -EINVAL || ret == -ECONNRESET, "%d", ret);
	if (!ret)
		check_accepted(data + 1, size - 1, s);
	return 0;
}
