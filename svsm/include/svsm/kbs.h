/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's client of a Trustee-compatible key broker (KBS, RCAR protocol
 * 0.4.0; docs/KBS.md). The whole protocol runs in the SVSM: it builds the
 * canonical runtime_data JSON and its hash into REPORT_DATA, the evidence,
 * and decrypts the JWE that carries the resource. The host's proxy only
 * moves HTTP requests and responses (`struct kbs_ops.exchange`), so nothing
 * it does can change what is hashed or learn the secret.
 *
 * Every failure is an `enum kbs_err`: the caller logs `kbs_strerror()` and
 * keeps running without the secret. The code builds for the kernel and the
 * hosted build over libcrypto and allocates nothing: the caller provides
 * one `struct kbs_work`.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/snp_guest_msg.h"

/** Protocol version sent in `auth` (must match Trustee's exactly). */
#define KBS_PROTOCOL_VERSION "0.4.0"
/** Largest request or response body the SVSM sends or accepts. */
#define KBS_BODY_MAX (64U * 1024U)
/** Largest released resource. */
#define KBS_SECRET_MAX 1024U
/** Largest certificate table the evidence carries. */
#define KBS_CERTS_MAX (16U * 1024U)
/** Longest resource path `repo/type/tag`. */
#define KBS_RESOURCE_MAX 192U

enum kbs_hash {
	KBS_HASH_SHA384 = 0,
	KBS_HASH_SHA512 = 1
};

enum kbs_err {
	KBS_OK = 0,
	KBS_ERR_CONFIG,	   /* bad resource path or options */
	KBS_ERR_TRANSPORT, /* proxy or KBS unreachable or timed out (502-504) */
	KBS_ERR_AUTH,	   /* auth was refused (non-200) */
	KBS_ERR_ATTEST,	   /* attest was refused: policy or evidence */
	KBS_ERR_RESOURCE,  /* the resource was refused or is missing */
	KBS_ERR_PROTOCOL,  /* a response that is not the expected JSON */
	KBS_ERR_JWE,	   /* the resource does not decrypt to our key */
	KBS_ERR_EVIDENCE,  /* no report or certificates from the PSP */
	KBS_ERR_CRYPTO,	   /* a libcrypto failure (key generation...) */
};

enum kbs_method {
	KBS_GET = 1,
	KBS_POST = 2
};

/** What the client needs from its environment. */
struct kbs_ops {
	void *ctx;
	/**
	 * One HTTP exchange through the proxy: `path` is absolute
	 * ("/kbs/v0/auth"), `body` is sent for POST. The response body goes
	 * to `resp` (`cap` bytes, `*resp_len`) and its status to `*status`.
	 * 0, or -1 on a transport failure (closed, timed out, bad frame).
	 */
	int (*exchange)(void *ctx, enum kbs_method method, const char *path,
			const uint8_t *body, size_t body_len, uint8_t *resp,
			size_t cap, size_t *resp_len, unsigned *status);
	/**
	 * A VMPL0 report with `report_data` and the PSP's certificate table
	 * (GHCB format) in `certs` (`cap` bytes, `*certs_len`). 0 or -1.
	 */
	int (*evidence)(void *ctx, const uint8_t report_data[64],
			struct snp_attestation_report *report, uint8_t *certs,
			size_t cap, size_t *certs_len);
};

struct kbs_config {
	const char *resource; /* "repo/type/tag" */
	enum kbs_hash hash;
};

/** The released resource: SVSM memory only; kbs_secret_wipe() after use. */
struct kbs_secret {
	uint8_t data[KBS_SECRET_MAX];
	size_t len;
};

/** The client's workspace (large: allocate it; its contents are wiped). */
struct kbs_work {
	uint8_t req[KBS_BODY_MAX];
	uint8_t resp[KBS_BODY_MAX];
	uint8_t certs[KBS_CERTS_MAX];
	struct snp_attestation_report report;
	char runtime_data[512];
	size_t runtime_data_len;
	/* Sizes of the last run's messages (benchmarks, docs). */
	size_t auth_req, auth_resp, attest_req, attest_resp, res_resp;
};

/**
 * Run auth, attest and the resource GET; on KBS_OK `*out` holds the
 * resource. On failure `*out` is wiped and the SVSM carries on without it.
 */
enum kbs_err kbs_attest(const struct kbs_config *cfg, const struct kbs_ops *ops,
			struct kbs_work *w, struct kbs_secret *out);

/** A fixed sentence for `err` (never contains data from the KBS). */
const char *kbs_strerror(enum kbs_err err);

/** True if `path` is `repo/type/tag` with Trustee's component rules. */
bool kbs_resource_ok(const char *path);

/** Zero `s` (memory the compiler cannot elide). */
void kbs_secret_wipe(struct kbs_secret *s);

/** Zero `len` bytes at `p` so that the compiler cannot elide it. */
void kbs_wipe(void *p, size_t len);

/**
 * The one secret slot of the SVSM, registered with secrets_register() for
 * the panic path on first use (NULL if that table is full): the services
 * take it, use the secret, and wipe it.
 */
struct kbs_secret *kbs_secret_slot(void);
