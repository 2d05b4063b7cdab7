// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the stats server's side of the scx_stats protocol
 * in scx_flash_stats.c, built with it alone: stats_client_serve() fed the
 * input as what a client sends, in chunks of
 * the size the first byte gives, and the JSON checker and writer behind it.
 * Every newline received gets exactly one reply, and every reply is one
 * line of JSON that reads back; "stats" replies carry the counters.
 */
#define recv fuzz_recv
#define send fuzz_send
#include "../../scx_flash_stats.c"
#undef recv
#undef send
#include "fuzz.h"
#include "../unit/stats_table.h"

static struct {
	const uint8_t *data;
	size_t left;
	size_t chunk;
	size_t newlines;	/* newlines handed to the server so far */
	size_t replies;
	size_t stats_replies;
	bool too_long;		/* the last reply refused a long request */
} client;

/* The statistics the server reads: counters far apart, some near the top. */
static const uint64_t now[NR_STATS] = {
	[STAT_NR_CPUS] = 4,
	[STAT_NR_RUNNING] = 3,
	[STAT_NR_KTHREAD_DISPATCHES] = UINT64_MAX,
	[STAT_NR_DIRECT_DISPATCHES] = 1ULL << 40,
	[STAT_NR_SHARED_DISPATCHES] = 12345,
};

static void read_now(uint64_t *vals, void *arg)
{
	memcpy(vals, now, sizeof(now));
}

static const struct scx_flash_stats_table tab = STATS_TABLE(read_now);

int LLVMFuzzerInitialize(int *argc, char **argv[])
{
	fuzz_silence();
	return 0;
}

/* The client's next chunk, as a non-blocking socket gives it. */
ssize_t fuzz_recv(int fd, void *buf, size_t len, int flags)
{
	size_t n = len < client.chunk ? len : client.chunk;

	if (!client.left) {
		errno = EAGAIN;
		return -1;
	}
	n = n < client.left ? n : client.left;
	memcpy(buf, client.data, n);
	for (len = 0; len < n; len++)
		client.newlines += client.data[len] == '\n';
	client.data += n;
	client.left -= n;
	return n;
}

/* The statistics a reply must carry: counters since the last one. */
static void expected_stats(uint64_t *s)
{
	int i;

	memcpy(s, now, sizeof(now));
	if (!client.stats_replies)
		return;
	for (i = 0; i < NR_STATS; i++)
		if (fields[i].counter)
			s[i] = 0;
}

struct reply_fields {
	struct stats_reply r;
	bool meta;
	bool too_long;
};

/* The text of the JSON value @v: a string's, or the scalar as written. */
static const char *text_of(const char *v, char *buf, size_t size)
{
	if (*v == '"')
		json_string(v, buf, size);
	else
		snprintf(buf, size, "%.*s", (int)(json_skip(v, 0) - v), v);
	return buf;
}

/* The fields of the reply @line: false if it does not read back. */
static bool read_fields(const char *line, struct reply_fields *f)
{
	const char *v;
	char buf[64];

	if (read_reply(&tab, line, &f->r) || !json_get(line, "errno"))
		return false;
	v = json_get(line, "args.resp.Metrics.name");
	f->meta = v && !strcmp(text_of(v, buf, sizeof(buf)), "Metrics");
	v = json_get(line, "args.resp");
	f->too_long = v && !strcmp(text_of(v, buf, sizeof(buf)), "request too long");
	return true;
}

/* Each reply: one line of JSON with an errno that reads back. */
ssize_t fuzz_send(int fd, const void *buf, size_t len, int flags)
{
	struct reply_fields f = { .r.err = -1 };
	uint64_t want[NR_STATS];
	char line[2048];

	fuzz_check(len > 0 && len < sizeof(line), "%zu bytes", len);
	memcpy(line, buf, len);
	fuzz_check(line[len - 1] == '\n' && !memchr(line, '\n', len - 1) &&
		   !memchr(line, '\0', len), "not one line: %.*s", (int)len,
		   line);
	line[len - 1] = '\0';
	fuzz_check(read_fields(line, &f) && f.r.err >= 0,
		   "does not read back: %s", line);
	if (!f.r.err && !f.meta) {
		expected_stats(want);
		fuzz_check(f.r.seen == (1U << NR_STATS) - 1 &&
			   !memcmp(f.r.vals, want, sizeof(want)),
			   "wrong statistics: %s", line);
		client.stats_replies++;
	}
	client.replies++;
	client.too_long = f.too_long;
	return len;
}

/* The longest string check_quote() reads back. */
#define QUOTE_MAX	256

/* A string read back from its JSON quoting, control characters as '?'. */
static void check_quote(const char *s)
{
	char quoted[4 * 1024], json[sizeof(quoted) + 16], back[QUOTE_MAX];
	const char *end;
	size_t i, len = strlen(s);

	if (len >= QUOTE_MAX || 8 * len + 16 >= sizeof(quoted))
		return;
	json_quote(quoted, sizeof(quoted), s);
	snprintf(json, sizeof(json), "%s", quoted);
	end = json_string(json, back, sizeof(back));
	fuzz_check(end && !*end, "%s does not read back", quoted);
	for (i = 0; i < len; i++)
		fuzz_check(back[i] == ((unsigned char)s[i] < 0x20 ? '?' : s[i]),
			   "%s read back as %s", quoted, back);
	fuzz_check(!back[len], "%s read back as %s", quoted, back);
}

/* Whatever member of an object that reads as JSON is found is a value. */
static void check_members(const char *s)
{
	static const char *const paths[] = { "req", "args.target", "errno",
					     "args.resp", "args.resp.nr_cpus" };
	const char *v;
	size_t i;

	if (!json_valid(s))
		return;
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		v = json_get(s, paths[i]);
		fuzz_check(!v || json_skip(v, 0), "%s in %s", paths[i], s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scx_flash_stats_client c = { .fd = -1 };
	char *s;
	bool alive = true;

	if (!size)
		return 0;
	memset(&client, 0, sizeof(client));
	client.chunk = data[0] ? data[0] : SCX_FLASH_STATS_REQ_MAX;
	client.data = data + 1;
	client.left = size - 1;

	while (alive && client.left)
		alive = stats_client_serve(&tab, &c);
	if (alive) {
		fuzz_check(client.replies == client.newlines,
			   "%zu replies to %zu lines", client.replies,
			   client.newlines);
		fuzz_check(c.len < SCX_FLASH_STATS_REQ_MAX - 1 &&
			   !memchr(c.buf, '\n', c.len), "%zu bytes kept",
			   c.len);
	} else {
		fuzz_check(client.too_long &&
			   client.replies == client.newlines + 1,
			   "dropped after %zu replies to %zu lines",
			   client.replies, client.newlines);
	}

	s = fuzz_string(data + 1, size - 1);
	check_members(s);
	check_quote(s);
	free(s);
	return 0;
}
