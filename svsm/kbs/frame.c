/* SPDX-License-Identifier: MIT */
/* Frames between the SVSM and the KBS proxy (see frame.h). */
#include <string.h>

#include "frame.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/** A request frame (see frame.h). */
size_t kbs_frame_request(uint8_t *out, size_t cap, enum kbs_method method,
			 const char *path, const uint8_t *body, size_t len)
{
	size_t plen = strlen(path), payload = 4 + plen + len;

	if ((method != KBS_GET && method != KBS_POST) ||
	    !kbs_frame_path_ok(path, plen) || len > KBS_BODY_MAX ||
	    (method == KBS_GET && len != 0) || payload + KBS_FRAME_HDR > cap) {
		return 0;
	}
	put32(out, (uint32_t)payload);
	out[4] = KBS_FRAME_VERSION;
	out[5] = (uint8_t)method;
	out[6] = (uint8_t)plen;
	out[7] = (uint8_t)(plen >> 8);
	for (size_t i = 0; i < plen; i++) {
		out[8 + i] = (uint8_t)path[i];
	}
	if (len != 0) {
		memcpy(out + 8 + plen, body, len);
	}
	return payload + KBS_FRAME_HDR;
}

/** A response frame (see frame.h). */
size_t kbs_frame_response(uint8_t *out, size_t cap, unsigned status,
			  const uint8_t *body, size_t len)
{
	size_t payload = 4 + len;

	if (len > KBS_BODY_MAX || status > 0xFFFF ||
	    payload + KBS_FRAME_HDR > cap) {
		return 0;
	}
	put32(out, (uint32_t)payload);
	out[4] = KBS_FRAME_VERSION;
	out[5] = 0;
	out[6] = (uint8_t)status;
	out[7] = (uint8_t)(status >> 8);
	if (len != 0) {
		memcpy(out + 8, body, len);
	}
	return payload + KBS_FRAME_HDR;
}

/** "/kbs/v0/" and then [A-Za-z0-9_./-] without ".." (see frame.h). */
bool kbs_frame_path_ok(const char *path, size_t n)
{
	static const char prefix[] = "/kbs/v0/";
	size_t i;

	if (n > KBS_FRAME_PATH_MAX || n <= sizeof(prefix) - 1 ||
	    memcmp(path, prefix, sizeof(prefix) - 1) != 0) {
		return false;
	}
	for (i = 0; i < n; i++) {
		char c = path[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.' || c == '/')) {
			return false;
		}
		if (c == '.' && i > 0 && path[i - 1] == '.') {
			return false;
		}
	}
	return true;
}

/** Parse a request payload (see frame.h). */
int kbs_frame_parse_request(const uint8_t *p, size_t n, enum kbs_method *method,
			    char *path, const uint8_t **body, size_t *len)
{
	size_t plen;

	if (n < 4 || n > KBS_FRAME_MAX || p[0] != KBS_FRAME_VERSION ||
	    (p[1] != KBS_GET && p[1] != KBS_POST)) {
		return -1;
	}
	plen = (size_t)p[2] | (size_t)p[3] << 8;
	if (plen > n - 4 || !kbs_frame_path_ok((const char *)p + 4, plen) ||
	    (p[1] == KBS_GET && n - 4 - plen != 0)) {
		return -1;
	}
	memcpy(path, p + 4, plen);
	path[plen] = '\0';
	*method = (enum kbs_method)p[1];
	*body = p + 4 + plen;
	*len = n - 4 - plen;
	return 0;
}

/** Parse a response payload (see frame.h). */
int kbs_frame_parse_response(const uint8_t *p, size_t n, unsigned *status,
			     const uint8_t **body, size_t *len)
{
	if (n < 4 || n > KBS_FRAME_MAX || p[0] != KBS_FRAME_VERSION ||
	    p[1] != 0) {
		return -1;
	}
	*status = (unsigned)p[2] | (unsigned)p[3] << 8;
	*body = p + 4;
	*len = n - 4;
	return 0;
}
