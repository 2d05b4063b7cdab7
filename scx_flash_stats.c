// SPDX-License-Identifier: GPL-2.0
/*
 * scx_flash_stats: the scx_stats protocol, server and client
 * (scx_flash_stats.h), in place of upstream's scx_stats crate.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "scx_flash_stats.h"

#define REPLY_MAX	2048

/*
 * The protocol is one JSON object per line.  Its requests and replies need
 * no general JSON reader: a line is checked as a whole (objects at most
 * JSON_MAX_DEPTH deep, strings, and scalars; the protocol has no arrays),
 * then the few members it carries are looked up by path.
 */
#define JSON_MAX_DEPTH	8

static const char *json_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/*
 * The end of the JSON string at @p, or NULL if it is none.  Its text goes
 * to @out, if any, escapes undone (\u as '?', to keep the protocol ASCII)
 * and cut to @size bytes with the NUL.
 */
static const char *json_string(const char *p, char *out, size_t size)
{
	static const char esc[] = "\"\\/bfnrt", raw[] = "\"\\/\b\f\n\r\t";
	size_t len = 0;
	char c;

	if (*p != '"')
		return NULL;
	for (p++; *p != '"'; p++) {
		c = *p;
		if ((unsigned char)c < 0x20)
			return NULL;
		if (c == '\\' && p[1] == 'u') {
			if (strspn(p + 2, "0123456789abcdefABCDEF") < 4)
				return NULL;
			c = '?';
			p += 5;
		} else if (c == '\\') {
			if (!*++p || !strchr(esc, *p))
				return NULL;
			c = raw[strchr(esc, *p) - esc];
		}
		if (out && len + 1 < size)
			out[len++] = c;
	}
	if (out)
		out[len] = '\0';
	return p + 1;
}

static const char *json_skip(const char *p, int depth);

/* The end of the scalar (number, true, false, null) at @p, or NULL. */
static const char *json_scalar(const char *p)
{
	const char *start = p;

	while (*p && (isalnum((unsigned char)*p) || strchr("+-.", *p)))
		p++;
	if (p == start)
		return NULL;
	return p;
}

/* The end of the members of the object whose '{' is before @p, or NULL. */
static const char *json_members(const char *p, int depth)
{
	for (;;) {
		p = json_string(json_ws(p), NULL, 0);
		if (!p || *json_ws(p) != ':')
			return NULL;
		p = json_ws(p);
		p = json_skip(p + 1, depth + 1);
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p == '}')
			return p + 1;
		if (*p != ',')
			return NULL;
		p++;
	}
}

/* The end of the JSON value at @p, @depth objects deep, or NULL. */
static const char *json_skip(const char *p, int depth)
{
	p = json_ws(p);
	if (*p == '"')
		return json_string(p, NULL, 0);
	if (*p != '{')
		return json_scalar(p);
	if (depth > JSON_MAX_DEPTH)
		return NULL;
	p = json_ws(p + 1);
	if (*p == '}')
		return p + 1;
	return json_members(p, depth);
}

/* Whether @s is one JSON object and nothing else. */
static bool json_valid(const char *s)
{
	s = json_ws(s);
	if (*s != '{')
		return false;
	s = json_skip(s, 0);
	return s && !*json_ws(s);
}

/*
 * The value of member @path ("args.resp.nr_cpus") of the object @p, which
 * json_valid() accepted; the last one if a name repeats, NULL if none.
 */
static const char *json_get(const char *p, const char *path)
{
	size_t len = strcspn(path, ".");
	const char *key, *val, *found = NULL;

	p = json_ws(p);
	if (*p != '{')
		return NULL;
	for (p = json_ws(p + 1); *p == '"'; p = json_ws(p + 1)) {
		key = p + 1;
		p = json_string(p, NULL, 0);
		val = json_ws(json_ws(p) + 1);		/* past the ':' */
		if ((size_t)(p - 1 - key) == len && !strncmp(key, path, len))
			found = val;
		p = json_ws(json_skip(val, 0));
		if (*p != ',')
			break;
	}
	if (found && path[len])
		return json_get(found, path + len + 1);
	return found;
}

/* Whether the JSON value @v is a plain integer (signed if @sign) within 64 bits. */
static bool json_int(const char *v, bool sign, uint64_t *val)
{
	const char *end = json_skip(v, 0);
	char *e;

	if (!isdigit((unsigned char)v[sign && *v == '-']))
		return false;
	errno = 0;
	if (sign)
		*val = (uint64_t)strtoll(v, &e, 10);
	else
		*val = strtoull(v, &e, 10);
	return e == end && !errno;
}

/* Append @s to @out as a JSON string. */
static int json_quote(char *out, size_t size, const char *s)
{
	size_t len = 0;

	out[len++] = '"';
	for (; *s && len + 8 < size; s++) {
		if (*s == '"' || *s == '\\')
			len += snprintf(out + len, size - len, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			len += snprintf(out + len, size - len, "\\u%04x", *s);
		else
			out[len++] = *s;
	}
	return len + snprintf(out + len, size - len, "\"");
}

static int stats_json(const struct scx_flash_stats_table *tab, const uint64_t *vals,
		      char *out, size_t size)
{
	int i, len = snprintf(out, size, "{\"errno\":0,\"args\":{\"resp\":{");

	for (i = 0; i < tab->nr_fields; i++)
		len += snprintf(out + len, size - len, "%s\"%s\":%" PRIu64, i ? "," : "",
				tab->fields[i].name, vals[i]);
	return len + snprintf(out + len, size - len, "}}}\n");
}

static int stats_meta_json(const struct scx_flash_stats_table *tab, char *out, size_t size)
{
	int i, len;

	len = snprintf(out, size, "{\"errno\":0,\"args\":{\"resp\":{\"%s\":{\"fields\":{",
		       tab->name);
	for (i = 0; i < tab->nr_fields; i++)
		len += snprintf(out + len, size - len,
				"%s\"%s\":{\"datum\":\"u64\",\"desc\":\"%s\"}",
				i ? "," : "", tab->fields[i].name, tab->fields[i].desc);
	return len + snprintf(out + len, size - len,
			      "},\"name\":\"%s\",\"top\":\"true\"}}}}\n", tab->name);
}

static int error_json(char *out, size_t size, const char *why)
{
	int len = snprintf(out, size, "{\"errno\":%d,\"args\":{\"resp\":", EINVAL);

	len += json_quote(out + len, size - len, why);
	return len + snprintf(out + len, size - len, "}}\n");
}

/* @cur with its counters made relative to @prev, into @d; @prev becomes @cur. */
static void stats_delta(const struct scx_flash_stats_table *tab, const uint64_t *cur,
			uint64_t *prev, uint64_t *d)
{
	int i;

	for (i = 0; i < tab->nr_fields; i++) {
		d[i] = cur[i];
		if (tab->fields[i].counter)
			d[i] -= prev[i];
		prev[i] = cur[i];
	}
}

/* Answer "stats" (target "top", the only one) or "stats_meta". */
static int answer_request(const struct scx_flash_stats_table *tab, const char *line,
			  const uint64_t *cur, uint64_t *prev, char *out, size_t size)
{
	char req[32] = "", target[32] = "top", why[128];
	uint64_t d[SCX_FLASH_STATS_MAX_FIELDS];
	const char *v;

	if (!json_valid(line))
		return error_json(out, size, "invalid request: not a JSON object");
	/* a member that is missing or no string leaves the default */
	v = json_get(line, "req");
	if (v)
		json_string(v, req, sizeof(req));
	v = json_get(line, "args.target");
	if (v)
		json_string(v, target, sizeof(target));
	if (!strcmp(req, "stats_meta"))
		return stats_meta_json(tab, out, size);
	if (strcmp(req, "stats")) {
		snprintf(why, sizeof(why), "unknown command \"%s\"", req);
		return error_json(out, size, why);
	}
	if (strcmp(target, "top")) {
		snprintf(why, sizeof(why), "unknown target \"%s\"", target);
		return error_json(out, size, why);
	}
	stats_delta(tab, cur, prev, d);
	return stats_json(tab, d, out, size);
}

static void stats_client_close(struct scx_flash_stats_server *srv, int i)
{
	close(srv->clients[i].fd);
	srv->clients[i] = srv->clients[--srv->nr_clients];
}

void scx_flash_stats_server_stop(struct scx_flash_stats_server *srv)
{
	while (srv->nr_clients)
		stats_client_close(srv, 0);
	if (srv->fd >= 0) {
		close(srv->fd);
		unlink(srv->path);
	}
	srv->fd = -1;
}

/* Create the directories above @path; -errno, @why said, if one cannot be. */
static int make_parents(struct scx_flash_stats_server *srv, const char *path)
{
	int dir_len = strrchr(path, '/') - path;
	char dir[PATH_MAX], *slash;
	int err;

	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			err = -errno;
			snprintf(srv->why, sizeof(srv->why), "cannot create %.*s",
				 dir_len, path);
			return err;
		}
		*slash = '/';
	}
	return 0;
}

/* -errno of what failed, said in @srv->why, after the server is stopped. */
static int start_failed(struct scx_flash_stats_server *srv, const char *what)
{
	int err = -errno;

	snprintf(srv->why, sizeof(srv->why), "%s %s", what, srv->path);
	scx_flash_stats_server_stop(srv);
	return err;
}

/*
 * Serve the statistics of @tab on a UNIX socket at @path, replacing any
 * file there.  On failure, -errno, with what failed in @srv->why.
 */
int scx_flash_stats_server_start(struct scx_flash_stats_server *srv, const char *path,
				 const struct scx_flash_stats_table *tab)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int ret;

	*srv = (struct scx_flash_stats_server) { .fd = -1, .path = path, .tab = tab };
	if (path[0] != '/' || strlen(path) >= sizeof(addr.sun_path) ||
	    tab->nr_fields > SCX_FLASH_STATS_MAX_FIELDS)
		return -EINVAL;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	ret = make_parents(srv, path);
	if (ret)
		return ret;
	if (unlink(path) && errno != ENOENT)
		return start_failed(srv, "deleting");
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0 || bind(srv->fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    chmod(path, 0600) || listen(srv->fd, 8))
		return start_failed(srv, "creating UNIX socket");
	return 0;
}

/* Answer the request line @line of @c: a NUL in it makes it no JSON. */
static int stats_client_answer(const struct scx_flash_stats_table *tab,
			       struct scx_flash_stats_client *c, const char *line,
			       size_t len, char *out, size_t size)
{
	uint64_t cur[SCX_FLASH_STATS_MAX_FIELDS];

	tab->read(cur, tab->arg);
	if (strlen(line) < len)
		return error_json(out, size, "invalid request: NUL byte");
	return answer_request(tab, line, cur, c->prev, out, size);
}

/* Answer each complete line of @c; false when it must be closed. */
static bool stats_client_serve(const struct scx_flash_stats_table *tab,
			       struct scx_flash_stats_client *c)
{
	char out[REPLY_MAX], *nl;
	ssize_t n;
	int len;

	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, 0);
	if (n <= 0)
		return n < 0 && errno == EAGAIN;
	c->len += n;
	/*
	 * Lines are found in the bytes received, not in a C string: a NUL
	 * from the client must not hide the newlines after it.
	 */
	while ((nl = memchr(c->buf, '\n', c->len))) {
		*nl = '\0';
		len = stats_client_answer(tab, c, c->buf, nl - c->buf, out, sizeof(out));
		if (send(c->fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT) != len)
			return false;
		c->len -= nl + 1 - c->buf;
		memmove(c->buf, nl + 1, c->len);
	}
	if (c->len < sizeof(c->buf) - 1)
		return true;
	len = error_json(out, sizeof(out), "request too long");
	send(c->fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	return false;
}

/* Take a waiting connection, or close it when every slot is taken. */
static void stats_server_accept(struct scx_flash_stats_server *srv)
{
	int fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (srv->nr_clients == SCX_FLASH_STATS_MAX_CLIENTS) {
		close(fd);
		return;
	}
	/* the first "stats" reply counts from the server's start */
	srv->clients[srv->nr_clients++] = (struct scx_flash_stats_client) { .fd = fd };
}

/* Wait up to @timeout_ms for requests and connections, then serve them. */
void scx_flash_stats_server_poll(struct scx_flash_stats_server *srv, int timeout_ms)
{
	struct pollfd fds[SCX_FLASH_STATS_MAX_CLIENTS + 1];
	int i, nr = 0, first;

	if (srv->fd >= 0)
		fds[nr++] = (struct pollfd) { srv->fd, POLLIN };
	first = nr;
	for (i = 0; i < srv->nr_clients; i++)
		fds[nr++] = (struct pollfd) { srv->clients[i].fd, POLLIN };
	poll(fds, nr, timeout_ms);
	/* last to first: closing one moves the last client into its slot */
	for (i = srv->nr_clients - 1; i >= 0; i--)
		if (fds[first + i].revents && !stats_client_serve(srv->tab, &srv->clients[i]))
			stats_client_close(srv, i);
	if (first && fds[0].revents)
		stats_server_accept(srv);
}

/* A connection to the server at @path, or -errno. */
int scx_flash_stats_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 10 };
	int fd, err;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -EINVAL;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		return fd;
	err = -errno;
	close(fd);
	return err;
}

struct stats_reply {
	int err;
	unsigned int seen;		/* bit i: field i was in the reply */
	uint64_t vals[SCX_FLASH_STATS_MAX_FIELDS];
};

/* The reply's errno: EINVAL unless it is an int. */
static int reply_errno(const char *line)
{
	const char *v = json_get(line, "errno");
	int err = EINVAL;
	uint64_t n;

	if (v && json_int(v, true, &n) && (int64_t)n >= INT_MIN && (int64_t)n <= INT_MAX)
		err = (int)n;
	return err;
}

/*
 * Read the reply @line into @r: its errno, and each field of @tab that is
 * a plain u64.  -EINVAL if it is no JSON object.
 */
static int read_reply(const struct scx_flash_stats_table *tab, const char *line,
		      struct stats_reply *r)
{
	char path[64];
	const char *v;
	int i;

	if (!json_valid(line))
		return -EINVAL;
	r->err = reply_errno(line);
	for (i = 0; i < tab->nr_fields; i++) {
		snprintf(path, sizeof(path), "args.resp.%s", tab->fields[i].name);
		v = json_get(line, path);
		if (v && json_int(v, false, &r->vals[i]))
			r->seen |= 1U << i;
		else
			r->seen &= ~(1U << i);
	}
	return 0;
}

/* Read one reply line from @fd into @buf: its length, -ECONNRESET or -errno. */
static ssize_t read_reply_line(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	char *nl;

	while (!(nl = memchr(buf, '\n', len))) {
		n = recv(fd, buf + len, size - 1 - len, 0);
		if (n < 0 && !len)
			return -errno;
		if (n <= 0 || len + n == size - 1)
			return -ECONNRESET;
		len += n;
	}
	/*
	 * The reply is one line, as a request is: what came after its newline
	 * in the same read is not more of it.
	 */
	*nl = '\0';
	return nl - buf;
}

/*
 * Ask the server on @fd for the statistics of @tab, into @vals.  -EINVAL
 * for a reply that is not a complete one with errno 0, itself in @reply;
 * -ECONNRESET if the server closed the connection, or another -errno.
 */
int scx_flash_stats_request(int fd, const struct scx_flash_stats_table *tab,
			    uint64_t *vals, char *reply, size_t size)
{
	static const char req[] = "{\"req\":\"stats\",\"args\":{}}\n";
	struct stats_reply r = {};
	char buf[REPLY_MAX];
	ssize_t len;

	if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != sizeof(req) - 1)
		return -errno;
	len = read_reply_line(fd, buf, sizeof(buf));
	if (len < 0)
		return len;
	/* there is no NUL in JSON */
	if (strlen(buf) < (size_t)len || read_reply(tab, buf, &r) || r.err ||
	    r.seen != (1U << tab->nr_fields) - 1) {
		snprintf(reply, size, "%s", buf);
		return -EINVAL;
	}
	memcpy(vals, r.vals, tab->nr_fields * sizeof(*vals));
	return 0;
}

/* What the error @err of scx_flash_stats_request() means, into @why. */
static void monitor_why(int err, const char *reply, char *why, size_t size)
{
	const char *cause = "connection closed";

	if (err == -EINVAL) {
		snprintf(why, size, "Error handling stats_server result: %s", reply);
		return;
	}
	if (err != -ECONNRESET)
		cause = strerror(-err);
	snprintf(why, size, "Connection to stats_server failed (%s)", cause);
}

/* Print the statistics of the server on @fd every interval, until it fails. */
static void monitor_server(const struct scx_flash_stats_monitor *mon, int fd)
{
	uint64_t vals[SCX_FLASH_STATS_MAX_FIELDS];
	char reply[REPLY_MAX], why[REPLY_MAX + 64];
	int ret;

	while (!*mon->stop) {
		ret = scx_flash_stats_request(fd, mon->tab, vals, reply, sizeof(reply));
		if (ret) {
			monitor_why(ret, reply, why, sizeof(why));
			mon->report(ret, why);
			return;
		}
		mon->print(vals);
		nanosleep(&mon->interval, NULL);
	}
}

/*
 * Print the statistics of the server at @mon->path every interval until
 * @mon->stop is set, connecting again whenever the server goes away (as it
 * does when the scheduler restarts).  0 once stopped, or -errno if the
 * server cannot be reached for another reason than its absence.
 */
int scx_flash_stats_monitor(const struct scx_flash_stats_monitor *mon)
{
	struct timespec retry = { 1 };
	int fd, fails = 0;

	while (!*mon->stop) {
		fd = scx_flash_stats_connect(mon->path);
		if (fd == -ENOENT || fd == -ECONNREFUSED) {
			if (++fails == 2)
				mon->report(-ENOENT, "Stats server not available, retrying...");
			nanosleep(&retry, NULL);
			continue;
		}
		if (fd < 0)
			return fd;
		fails = 0;
		monitor_server(mon, fd);
		close(fd);
		if (!*mon->stop)
			nanosleep(&retry, NULL);
	}
	return 0;
}
