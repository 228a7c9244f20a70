/* SPDX-License-Identifier: MIT */
/*
 * The RCAR flow (see svsm/kbs.h): auth -> nonce; a P-521 key; the canonical
 * runtime_data hashed into REPORT_DATA; the report and its certificates;
 * attest; the resource GET and its JWE. Responses are hostile: each is
 * bounded, parsed strictly and checked before anything uses it.
 */
#include <string.h>

#include "kbs_internal.h"
#include "svsm/secrets.h"

#define NONCE_MAX 128U
#define HTTP_OK 200U

static struct kbs_secret secret_slot;

/**
 * Wipe memory the compiler may not elide (see svsm/kbs.h): a memset the
 * empty asm then "reads", so it is not a dead store. One store per byte
 * through a volatile pointer wiped the 64 KiB response buffer byte by
 * byte on every attestation (most of a fuzz-kbs execution).
 */
void kbs_wipe(void *p, size_t len)
{
	memset(p, 0, len);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/** Wipe a secret (see svsm/kbs.h). */
void kbs_secret_wipe(struct kbs_secret *s)
{
	kbs_wipe(s->data, sizeof(s->data));
	s->len = 0;
}

/** The SVSM's secret slot, registered for the panic path (svsm/kbs.h). */
struct kbs_secret *kbs_secret_slot(void)
{
	static bool registered;

	if (!registered) {
		registered =
			secrets_register(&secret_slot, sizeof(secret_slot));
	}
	return registered ? &secret_slot : NULL;
}

/** A fixed message per error (see svsm/kbs.h). */
const char *kbs_strerror(enum kbs_err err)
{
	switch (err) {
	case KBS_OK:
		return "success";
	case KBS_ERR_CONFIG:
		return "bad KBS configuration (resource path)";
	case KBS_ERR_TRANSPORT:
		return "the KBS or its proxy is unreachable or timed out";
	case KBS_ERR_AUTH:
		return "the KBS refused auth";
	case KBS_ERR_ATTEST:
		return "the KBS refused the attestation (policy or evidence)";
	case KBS_ERR_RESOURCE:
		return "the KBS refused the resource or does not have it";
	case KBS_ERR_PROTOCOL:
		return "the KBS sent a malformed response";
	case KBS_ERR_JWE:
		return "the resource does not decrypt with the SVSM's key";
	case KBS_ERR_EVIDENCE:
		return "no attestation report from the PSP";
	case KBS_ERR_CRYPTO:
		return "a cryptographic operation failed";
	}
	return "unknown KBS error";
}

/* One path component: [A-Za-z0-9_-][A-Za-z0-9_.-]* (Trustee's rule). */
static bool component_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '.') {
		return false;
	}
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.')) {
			return false;
		}
	}
	return true;
}

/** `repo/type/tag` (see svsm/kbs.h). */
bool kbs_resource_ok(const char *path)
{
	const char *p = path;
	unsigned parts = 0;

	if (path == NULL || strlen(path) > KBS_RESOURCE_MAX) {
		return false;
	}
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (!component_ok(p, n)) {
			return false;
		}
		parts++;
		if (slash == NULL) {
			break;
		}
		p = slash + 1;
	}
	return parts == 3;
}

/* One exchange; `*resp_len` excludes the NUL appended after the body. */
static enum kbs_err http(const struct kbs_ops *ops, struct kbs_work *w,
			 enum kbs_method method, const char *path,
			 size_t body_len, size_t *resp_len, unsigned *status)
{
	size_t n = 0;

	if (ops->exchange(ops->ctx, method, path, w->req, body_len, w->resp,
			  sizeof(w->resp) - 1, &n, status) != 0 ||
	    n > sizeof(w->resp) - 1) {
		return KBS_ERR_TRANSPORT;
	}
	w->resp[n] = '\0';
	*resp_len = n;
	/* The proxy's (or a gateway's) word for "the KBS did not answer". */
	if (*status == 502 || *status == 503 || *status == 504) {
		return KBS_ERR_TRANSPORT;
	}
	return KBS_OK;
}

/* auth: the challenge nonce (padded standard base64, echoed verbatim). */
static enum kbs_err auth(const struct kbs_ops *ops, struct kbs_work *w,
			 char nonce[NONCE_MAX + 1])
{
	static const char body[] = "{\"version\":\"" KBS_PROTOCOL_VERSION
				   "\",\"tee\":\"snp\",\"extra-params\":\"\"}";
	struct jval root;
	unsigned status = 0;
	size_t n = 0;
	enum kbs_err rc;

	memcpy(w->req, body, sizeof(body) - 1);
	w->auth_req = sizeof(body) - 1;
	rc = http(ops, w, KBS_POST, "/kbs/v0/auth", sizeof(body) - 1, &n,
		  &status);
	w->auth_resp = n;
	if (rc != KBS_OK) {
		return rc;
	}
	if (status != HTTP_OK) {
		return KBS_ERR_AUTH;
	}
	if (json_parse((const char *)w->resp, n, &root) != 0 ||
	    json_get_str(&root, "nonce", nonce, NONCE_MAX + 1, &n) != 0 ||
	    n < 16 || !b64_std_ok(nonce, n)) {
		return KBS_ERR_PROTOCOL;
	}
	return KBS_OK;
}

/* The evidence for `nonce` and `key`, and the attest exchange. */
static enum kbs_err attest(const struct kbs_config *cfg,
			   const struct kbs_ops *ops, struct kbs_work *w,
			   const char *nonce, EVP_PKEY *key)
{
	uint8_t x[KBS_P521_COORD], y[KBS_P521_COORD], rd[64];
	size_t body = 0, certs = 0, n = 0;
	struct jval root;
	unsigned status = 0;
	enum kbs_err rc;

	if (kbs_ec_xy(key, x, y) != 0) {
		return KBS_ERR_CRYPTO;
	}
	if (kbs_runtime_data(nonce, x, y, w->runtime_data,
			     sizeof(w->runtime_data),
			     &w->runtime_data_len) != 0 ||
	    kbs_report_data(cfg->hash, w->runtime_data, w->runtime_data_len,
			    rd) != 0) {
		return KBS_ERR_CRYPTO;
	}
	memset(w->certs, 0, sizeof(w->certs));
	if (ops->evidence(ops->ctx, rd, &w->report, w->certs, sizeof(w->certs),
			  &certs) != 0 ||
	    memcmp(w->report.report_data, rd, sizeof(rd)) != 0 ||
	    certs > sizeof(w->certs)) {
		return KBS_ERR_EVIDENCE;
	}
	/* The table is the host's: evidence.c checks every entry in it. */
	if (kbs_attest_body(nonce, x, y, &w->report, w->certs, certs,
			    (char *)w->req, sizeof(w->req), &body) != 0) {
		return KBS_ERR_EVIDENCE;
	}
	w->attest_req = body;
	rc = http(ops, w, KBS_POST, "/kbs/v0/attest", body, &n, &status);
	w->attest_resp = n;
	if (rc != KBS_OK) {
		return rc;
	}
	if (status != HTTP_OK) {
		return KBS_ERR_ATTEST;
	}
	/* The token is opaque to us; the answer must still be the type. */
	if (json_parse((const char *)w->resp, n, &root) != 0 ||
	    json_get(&root, "token", &root) != 0 || root.t != J_STR) {
		return KBS_ERR_PROTOCOL;
	}
	return KBS_OK;
}

/* GET the resource and decrypt it into `out`. */
static enum kbs_err resource(const struct kbs_config *cfg,
			     const struct kbs_ops *ops, struct kbs_work *w,
			     EVP_PKEY *key, struct kbs_secret *out)
{
	char path[sizeof("/kbs/v0/resource/") + KBS_RESOURCE_MAX];
	unsigned status = 0;
	size_t n = 0;
	enum kbs_err rc;

	memcpy(path, "/kbs/v0/resource/", sizeof("/kbs/v0/resource/"));
	memcpy(path + sizeof("/kbs/v0/resource/") - 1, cfg->resource,
	       strlen(cfg->resource) + 1);
	rc = http(ops, w, KBS_GET, path, 0, &n, &status);
	w->res_resp = n;
	if (rc != KBS_OK) {
		return rc;
	}
	if (status != HTTP_OK) {
		return KBS_ERR_RESOURCE;
	}
	if (kbs_jwe_decrypt(key, (const char *)w->resp, n, out->data,
			    sizeof(out->data), &out->len) != 0) {
		return KBS_ERR_JWE;
	}
	return KBS_OK;
}

/** The whole flow (see svsm/kbs.h). */
enum kbs_err kbs_attest(const struct kbs_config *cfg, const struct kbs_ops *ops,
			struct kbs_work *w, struct kbs_secret *out)
{
	char nonce[NONCE_MAX + 1];
	EVP_PKEY *key = NULL;
	enum kbs_err rc;

	kbs_secret_wipe(out);
	w->auth_req = w->auth_resp = w->attest_req = w->attest_resp = 0;
	w->res_resp = 0;
	if (!kbs_resource_ok(cfg->resource) ||
	    (cfg->hash != KBS_HASH_SHA384 && cfg->hash != KBS_HASH_SHA512)) {
		return KBS_ERR_CONFIG;
	}
	rc = auth(ops, w, nonce);
	if (rc == KBS_OK) {
		key = kbs_ec_generate();
		rc = key != NULL ? attest(cfg, ops, w, nonce, key) :
				   KBS_ERR_CRYPTO;
	}
	if (rc == KBS_OK) {
		rc = resource(cfg, ops, w, key, out);
	}
	EVP_PKEY_free(key); /* OpenSSL clears the private scalar */
	kbs_wipe(w->resp, sizeof(w->resp));
	if (rc != KBS_OK) {
		kbs_secret_wipe(out);
	}
	return rc;
}
