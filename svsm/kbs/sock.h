/* SPDX-License-Identifier: MIT */
/*
 * The hosted build's transport to the KBS proxy: frames (frame.h) over a
 * connected stream socket, with a deadline on every read and write. The
 * proxy (tools/kbs-proxy) uses the same reader.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

struct kbs_sock {
	int fd;
	int timeout_ms; /* per exchange */
	uint8_t frame[KBS_FRAME_HDR + KBS_FRAME_MAX];
};

struct sockaddr_in;

/**
 * Parse "A.B.C.D:PORT" (port 0..65535) into `sa`; the address text goes to
 * `host` (`cap` bytes). 0 or -1.
 */
int kbs_sock_addr(const char *addr, struct sockaddr_in *sa, char *host,
		  size_t cap);

/** Write all `n` bytes before the deadline: 0 or -1. */
int kbs_sock_write(int fd, const uint8_t *p, size_t n, int timeout_ms);
/**
 * Read one frame's payload into `buf` (`cap` bytes) before the deadline:
 * 0, or -1 on timeout, EOF, error or a payload larger than `cap` or
 * KBS_FRAME_MAX (nothing more is read then).
 */
int kbs_sock_read_frame(int fd, uint8_t *buf, size_t cap, size_t *len,
			int timeout_ms);
/** `struct kbs_ops.exchange` over a `struct kbs_sock` (ctx). */
int kbs_sock_exchange(void *ctx, enum kbs_method method, const char *path,
		      const uint8_t *body, size_t body_len, uint8_t *resp,
		      size_t cap, size_t *resp_len, unsigned *status);
