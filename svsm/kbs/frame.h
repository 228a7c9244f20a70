/* SPDX-License-Identifier: MIT */
/*
 * Frames between the SVSM and the host's KBS proxy (docs/KBS.md): a u32
 * little-endian payload length, then the payload.
 *
 *   request:  u8 version (1), u8 method (1 GET, 2 POST), u16 path length,
 *             the path ("/kbs/v0/..."), the body (POST)
 *   response: u8 version (1), u8 0, u16 HTTP status, the body
 *
 * The proxy forwards the path and body to the KBS and the status and body
 * back; it sees nothing else and adds nothing else. Both sides refuse
 * frames larger than KBS_FRAME_MAX and paths outside /kbs/v0/.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/kbs.h"

#define KBS_FRAME_VERSION 1U
#define KBS_FRAME_HDR 4U
#define KBS_FRAME_PATH_MAX 256U
/** The largest payload either side accepts. */
#define KBS_FRAME_MAX (4U + KBS_FRAME_PATH_MAX + KBS_BODY_MAX)

/** A request frame (prefix included) into `out`; its size, or 0. */
size_t kbs_frame_request(uint8_t *out, size_t cap, enum kbs_method method,
			 const char *path, const uint8_t *body, size_t len);
/** A response frame (prefix included) into `out`; its size, or 0. */
size_t kbs_frame_response(uint8_t *out, size_t cap, unsigned status,
			  const uint8_t *body, size_t len);

/** True if `path` (`n` bytes) is one the proxy may forward. */
bool kbs_frame_path_ok(const char *path, size_t n);

/**
 * Parse a request payload (without the prefix): 0 with the method, the
 * NUL-terminated path in `path` (KBS_FRAME_PATH_MAX + 1 bytes) and the
 * body inside `p`; -1 if anything is off.
 */
int kbs_frame_parse_request(const uint8_t *p, size_t n, enum kbs_method *method,
			    char *path, const uint8_t **body, size_t *len);
/** Parse a response payload: 0 with the status and the body, or -1. */
int kbs_frame_parse_response(const uint8_t *p, size_t n, unsigned *status,
			     const uint8_t **body, size_t *len);
