/* SPDX-License-Identifier: MIT */
/* Frames over a stream socket with deadlines (see sock.h). Hosted only. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sock.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until `fd` is ready for `events` before `deadline`: 0 or -1. */
static int wait_fd(int fd, short events, long long deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		long long left = deadline - now_ms();
		int rc;

		if (left <= 0) {
			return -1;
		}
		rc = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
		if (rc > 0) {
			return 0;
		}
		if (rc < 0 && errno != EINTR) {
			return -1;
		}
	}
}

static int io(int fd, uint8_t *p, size_t n, long long deadline, bool rd)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r;

		if (wait_fd(fd, rd ? POLLIN : POLLOUT, deadline) != 0) {
			return -1;
		}
		r = rd ? read(fd, p + done, n - done) :
			 write(fd, p + done, n - done);
		if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
			continue;
		}
		if (r <= 0) {
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

/** Parse ADDR:PORT (see sock.h). */
int kbs_sock_addr(const char *addr, struct sockaddr_in *sa, char *host,
		  size_t cap)
{
	const char *colon = strrchr(addr, ':');
	char *end = NULL;
	unsigned long port;

	if (colon == NULL || (size_t)(colon - addr) >= cap) {
		return -1;
	}
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = '\0';
	port = strtoul(colon + 1, &end, 10);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (end == colon + 1 || *end != '\0' || port > 65535 ||
	    inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		return -1;
	}
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

/** Write everything (see sock.h). */
int kbs_sock_write(int fd, const uint8_t *p, size_t n, int timeout_ms)
{
	return io(fd, (uint8_t *)(uintptr_t)p, n, now_ms() + timeout_ms, false);
}

/** Read one frame (see sock.h). */
int kbs_sock_read_frame(int fd, uint8_t *buf, size_t cap, size_t *len,
			int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	uint8_t hdr[KBS_FRAME_HDR];
	uint32_t n;

	if (io(fd, hdr, sizeof(hdr), deadline, true) != 0) {
		return -1;
	}
	n = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 |
	    (uint32_t)hdr[3] << 24;
	if (n > cap || n > KBS_FRAME_MAX ||
	    io(fd, buf, n, deadline, true) != 0) {
		return -1;
	}
	*len = n;
	return 0;
}

/** One exchange with the proxy (see sock.h). */
int kbs_sock_exchange(void *ctx, enum kbs_method method, const char *path,
		      const uint8_t *body, size_t body_len, uint8_t *resp,
		      size_t cap, size_t *resp_len, unsigned *status)
{
	struct kbs_sock *s = ctx;
	const uint8_t *rb;
	size_t n, rn;

	n = kbs_frame_request(s->frame, sizeof(s->frame), method, path, body,
			      body_len);
	if (n == 0 || kbs_sock_write(s->fd, s->frame, n, s->timeout_ms) != 0 ||
	    kbs_sock_read_frame(s->fd, s->frame, sizeof(s->frame), &n,
				s->timeout_ms) != 0 ||
	    kbs_frame_parse_response(s->frame, n, status, &rb, &rn) != 0 ||
	    rn > cap) {
		return -1;
	}
	memcpy(resp, rb, rn);
	*resp_len = rn;
	return 0;
}
