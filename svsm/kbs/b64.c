/* SPDX-License-Identifier: MIT */
/* base64url (RFC 4648 section 5, unpadded) and a check of padded base64. */
#include <string.h>

#include "kbs_internal.h"

static const char url_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Encode (see kbs_internal.h). */
size_t b64url_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	size_t need = (n / 3) * 4 + (n % 3 ? n % 3 + 1 : 0), i, o = 0;

	if (need >= cap) {
		return 0;
	}
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
			     in[i + 2];

		out[o++] = url_alphabet[v >> 18];
		out[o++] = url_alphabet[(v >> 12) & 63];
		out[o++] = url_alphabet[(v >> 6) & 63];
		out[o++] = url_alphabet[v & 63];
	}
	if (n - i == 1) {
		out[o++] = url_alphabet[in[i] >> 2];
		out[o++] = url_alphabet[(in[i] & 3) << 4];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 8 | in[i + 1];

		out[o++] = url_alphabet[v >> 10];
		out[o++] = url_alphabet[(v >> 4) & 63];
		out[o++] = url_alphabet[(v & 15) << 2];
	}
	out[o] = '\0';
	return o;
}

/* The 6-bit value of `c`, or 64 if it is not in the alphabet. */
static unsigned url_value(char c)
{
	const char *p = c != '\0' ? strchr(url_alphabet, c) : NULL;

	return p != NULL ? (unsigned)(p - url_alphabet) : 64U;
}

/** Decode strictly (see kbs_internal.h). */
int b64url_decode(const char *in, size_t n, uint8_t *out, size_t cap,
		  size_t *len)
{
	size_t full = n / 4, rest = n % 4, i, o = 0;
	unsigned v[3];

	if (rest == 1 || full * 3 + (rest ? rest - 1 : 0) > cap) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (url_value(in[i]) > 63) {
			return -1;
		}
	}
	for (i = 0; i < full * 4; i += 4) {
		uint32_t w = (uint32_t)url_value(in[i]) << 18 |
			     (uint32_t)url_value(in[i + 1]) << 12 |
			     (uint32_t)url_value(in[i + 2]) << 6 |
			     (uint32_t)url_value(in[i + 3]);

		out[o++] = (uint8_t)(w >> 16);
		out[o++] = (uint8_t)(w >> 8);
		out[o++] = (uint8_t)w;
	}
	if (rest != 0) {
		v[0] = url_value(in[i]);
		v[1] = url_value(in[i + 1]);
		v[2] = rest == 3 ? url_value(in[i + 2]) : 0U;
		/* Unused low bits must be zero (one encoding per input). */
		if ((rest == 2 && (v[1] & 15) != 0) ||
		    (rest == 3 && (v[2] & 3) != 0)) {
			return -1;
		}
		out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (rest == 3) {
			out[o++] = (uint8_t)((v[1] & 15) << 4 | v[2] >> 2);
		}
	}
	*len = o;
	return 0;
}

/** Padded standard base64 with canonical padding (see kbs_internal.h). */
bool b64_std_ok(const char *s, size_t n)
{
	size_t i, pad = 0;

	if (n == 0 || n % 4 != 0) {
		return false;
	}
	if (s[n - 1] == '=') {
		pad = s[n - 2] == '=' ? 2 : 1;
	}
	for (i = 0; i < n - pad; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '/')) {
			return false;
		}
	}
	return true;
}
