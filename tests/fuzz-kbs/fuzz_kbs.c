/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over what the KBS and the host's proxy send the SVSM:
 * the first byte picks the consumer of the rest.
 *   0  the JSON reader and its getters
 *   1  the JWE decryption (a fixed P-521 key)
 *   2  the proxy frames (request and response parsers)
 *   3  the whole RCAR flow: the rest is split at 0x00 bytes into the auth,
 *      attest and resource response bodies, each preceded by a status byte
 *      (odd: 200, even: 401)
 * Nothing may crash, leak or release a secret on input it does not accept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kbs/frame.h"
#include "kbs/kbs_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *key;
static struct kbs_work work;
static struct kbs_secret secret;

static void fuzz_json(const char *s, size_t n)
{
	static const char *const keys[] = { "nonce", "token", "protected",
					    "epk",   "x",     "" };
	struct jval root, v;
	char out[256];
	size_t i, len;

	if (json_parse(s, n, &root) != 0) {
		return;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (json_get(&root, keys[i], &v) == 0) {
			(void)json_str(&v, out, sizeof(out), &len);
			(void)json_get(&v, "x", &v);
		}
	}
}

struct script {
	const uint8_t *part[3];
	size_t len[3];
	unsigned step;
};

static int exchange(void *ctx, enum kbs_method method, const char *path,
		    const uint8_t *body, size_t body_len, uint8_t *resp,
		    size_t cap, size_t *resp_len, unsigned *status)
{
	struct script *s = ctx;
	unsigned i = s->step++;

	(void)method;
	(void)path;
	(void)body;
	(void)body_len;
	if (i >= 3 || s->part[i] == NULL || s->len[i] == 0) {
		return -1;
	}
	*status = (s->part[i][0] & 1) ? 200 : 401;
	*resp_len = s->len[i] - 1 < cap ? s->len[i] - 1 : cap;
	memcpy(resp, s->part[i] + 1, *resp_len);
	return 0;
}

static int evidence(void *ctx, const uint8_t rd[64],
		    struct snp_attestation_report *r, uint8_t *certs,
		    size_t cap, size_t *len)
{
	(void)ctx;
	(void)cap;
	memset(r, 0, sizeof(*r));
	memcpy(r->report_data, rd, 64);
	memset(certs, 0, 24);
	*len = 24;
	return 0;
}

static void fuzz_flow(const uint8_t *p, size_t n)
{
	struct script s = { { NULL, NULL, NULL }, { 0, 0, 0 }, 0 };
	struct kbs_config cfg = { "default/vtpm/key", KBS_HASH_SHA384 };
	struct kbs_ops ops = { &s, exchange, evidence };
	size_t i, start = 0;
	unsigned part = 0;

	for (i = 0; i <= n && part < 3; i++) {
		if (i == n || p[i] == 0) {
			s.part[part] = p + start;
			s.len[part++] = i - start;
			start = i + 1;
		}
	}
	if (kbs_attest(&cfg, &ops, &work, &secret) != KBS_OK &&
	    secret.len != 0) {
		abort(); /* a failure must release nothing */
	}
	kbs_secret_wipe(&secret);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[KBS_FRAME_PATH_MAX + 1];
	const uint8_t *body;
	enum kbs_method m;
	unsigned status;
	uint8_t out[KBS_SECRET_MAX];
	size_t len;

	if (key == NULL) {
		key = kbs_ec_generate();
		if (key == NULL) {
			abort();
		}
	}
	if (size == 0) {
		return 0;
	}
	switch (data[0] & 3) {
	case 0:
		fuzz_json((const char *)data + 1, size - 1);
		break;
	case 1:
		if (kbs_jwe_decrypt(key, (const char *)data + 1, size - 1, out,
				    sizeof(out), &len) == 0) {
			abort(); /* nobody can encrypt to this key */
		}
		break;
	case 2:
		(void)kbs_frame_parse_request(data + 1, size - 1, &m, path,
					      &body, &len);
		(void)kbs_frame_parse_response(data + 1, size - 1, &status,
					       &body, &len);
		break;
	default:
		fuzz_flow(data + 1, size - 1);
	}
	return 0;
}
