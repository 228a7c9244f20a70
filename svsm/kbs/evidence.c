/* SPDX-License-Identifier: MIT */
/*
 * What the SVSM proves: the canonical runtime_data and its hash in
 * REPORT_DATA, and the attest body with the SNP evidence in the form
 * Trustee's SNP verifier parses (the serde form of virtee/sev's
 * AttestationReport and cert chain: byte arrays as arrays of numbers, TCB
 * versions as objects; docs/KBS.md).
 */
#include <string.h>

#include "kbs_internal.h"

#define ALG "ECDH-ES+A256KW"
#define TABLE_ENTRY 24U

static void tee_pubkey(struct jw *w, const uint8_t *x, const uint8_t *y)
{
	jw_obj(w);
	jw_key(w, "alg");
	jw_str(w, ALG);
	jw_key(w, "crv");
	jw_str(w, "P-521");
	jw_key(w, "kty");
	jw_str(w, "EC");
	jw_key(w, "x");
	jw_b64url(w, x, KBS_P521_COORD);
	jw_key(w, "y");
	jw_b64url(w, y, KBS_P521_COORD);
	jw_end_obj(w);
}

/** The canonical runtime_data (see kbs_internal.h). */
int kbs_runtime_data(const char *nonce, const uint8_t x[KBS_P521_COORD],
		     const uint8_t y[KBS_P521_COORD], char *out, size_t cap,
		     size_t *len)
{
	struct jw w;

	jw_init(&w, out, cap);
	jw_obj(&w);
	jw_key(&w, "additional-evidence");
	jw_str(&w, "");
	jw_key(&w, "nonce");
	jw_str(&w, nonce);
	jw_key(&w, "tee-pubkey");
	tee_pubkey(&w, x, y);
	jw_end_obj(&w);
	return jw_finish(&w, len);
}

/** REPORT_DATA = hash(runtime_data) || zeros (see kbs_internal.h). */
int kbs_report_data(enum kbs_hash hash, const char *data, size_t len,
		    uint8_t out[64])
{
	unsigned int n = 0;

	memset(out, 0, 64);
	return EVP_Digest(data, len, out, &n,
			  hash == KBS_HASH_SHA512 ? EVP_sha512() : EVP_sha384(),
			  NULL) == 1 ?
		       0 :
		       -1;
}

static uint64_t le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0) {
		v = v << 8 | p[n];
	}
	return v;
}

/* A TCB_VERSION (Milan/Genoa layout): bytes 0, 1, 6 and 7. */
static void tcb(struct jw *w, const char *key, const uint8_t *t)
{
	jw_key(w, key);
	jw_obj(w);
	jw_key(w, "fmc");
	jw_null(w);
	jw_key(w, "bootloader");
	jw_u64(w, t[0]);
	jw_key(w, "tee");
	jw_u64(w, t[1]);
	jw_key(w, "snp");
	jw_u64(w, t[6]);
	jw_key(w, "microcode");
	jw_u64(w, t[7]);
	jw_end_obj(w);
}

/* Firmware version {major, minor, build}: bytes build, minor, major. */
static void version(struct jw *w, const char *key, const uint8_t *v)
{
	jw_key(w, key);
	jw_obj(w);
	jw_key(w, "major");
	jw_u64(w, v[2]);
	jw_key(w, "minor");
	jw_u64(w, v[1]);
	jw_key(w, "build");
	jw_u64(w, v[0]);
	jw_end_obj(w);
}

enum fk {
	F_U32,
	F_U64,
	F_BYTES,
	F_TCB,
	F_U8,
	F_VER
};

/* The report's fields in order: name, offset, kind, size. */
static const struct field {
	const char *name;
	uint16_t off;
	uint8_t kind;
	uint8_t size;
} fields[] = {
	{ "version", 0x000, F_U32, 4 },
	{ "guest_svn", 0x004, F_U32, 4 },
	{ "policy", 0x008, F_U64, 8 },
	{ "family_id", 0x010, F_BYTES, 16 },
	{ "image_id", 0x020, F_BYTES, 16 },
	{ "vmpl", 0x030, F_U32, 4 },
	{ "sig_algo", 0x034, F_U32, 4 },
	{ "current_tcb", 0x038, F_TCB, 8 },
	{ "plat_info", 0x040, F_U64, 8 },
	{ "key_info", 0x048, F_U32, 4 },
	{ "report_data", 0x050, F_BYTES, 64 },
	{ "measurement", 0x090, F_BYTES, 48 },
	{ "host_data", 0x0C0, F_BYTES, 32 },
	{ "id_key_digest", 0x0E0, F_BYTES, 48 },
	{ "author_key_digest", 0x110, F_BYTES, 48 },
	{ "report_id", 0x140, F_BYTES, 32 },
	{ "report_id_ma", 0x160, F_BYTES, 32 },
	{ "reported_tcb", 0x180, F_TCB, 8 },
	{ "cpuid_fam_id", 0x188, F_U8, 1 },
	{ "cpuid_mod_id", 0x189, F_U8, 1 },
	{ "cpuid_step", 0x18A, F_U8, 1 },
	{ "chip_id", 0x1A0, F_BYTES, 64 },
	{ "committed_tcb", 0x1E0, F_TCB, 8 },
	{ "current", 0x1E8, F_VER, 4 },
	{ "committed", 0x1EC, F_VER, 4 },
	{ "launch_tcb", 0x1F0, F_TCB, 8 },
};

static void report(struct jw *w, const struct snp_attestation_report *r)
{
	const uint8_t *b = (const uint8_t *)r;
	size_t i;

	jw_obj(w);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];

		switch (f->kind) {
		case F_TCB:
			tcb(w, f->name, b + f->off);
			continue;
		case F_VER:
			version(w, f->name, b + f->off);
			continue;
		case F_BYTES:
			jw_key(w, f->name);
			jw_bytes(w, b + f->off, f->size);
			continue;
		default:
			jw_key(w, f->name);
			jw_u64(w, le(b + f->off, f->size));
		}
	}
	/* Version 5's mitigation vectors; this report is version 3. */
	jw_key(w, "launch_mit_vector");
	jw_null(w);
	jw_key(w, "current_mit_vector");
	jw_null(w);
	jw_key(w, "signature");
	jw_obj(w);
	jw_key(w, "r");
	jw_bytes(w, r->signature_r, sizeof(r->signature_r));
	jw_key(w, "s");
	jw_bytes(w, r->signature_s, sizeof(r->signature_s));
	jw_end_obj(w);
	jw_end_obj(w);
}

/* The GHCB certificate-table GUIDs and the names Trustee gives them. */
static const struct {
	uint8_t guid[16];
	const char *type;
} cert_types[] = {
	{ { 0xa4, 0x06, 0xb4, 0xc0, 0x03, 0xa8, 0x52, 0x49, 0x97, 0x43, 0x3f,
	    0xb6, 0x01, 0x4c, 0xd0, 0xae },
	  "ARK" },
	{ { 0x79, 0xb3, 0xb7, 0x4a, 0xac, 0xbb, 0xe4, 0x4f, 0xa0, 0x2f, 0x05,
	    0xae, 0xf3, 0x27, 0xc7, 0x82 },
	  "ASK" },
	{ { 0x8d, 0x75, 0xda, 0x63, 0x64, 0xe6, 0x64, 0x45, 0xad, 0xc5, 0xf4,
	    0xb9, 0x3b, 0xe8, 0xac, 0xcd },
	  "VCEK" },
};

/*
 * The certificate table as cert_chain entries; entries of other GUIDs are
 * left out. -1 if an entry points outside the table.
 */
static int cert_chain(struct jw *w, const uint8_t *t, size_t len)
{
	static const uint8_t zero[TABLE_ENTRY];
	size_t pos, i;

	jw_arr(w);
	for (pos = 0; pos + TABLE_ENTRY <= len; pos += TABLE_ENTRY) {
		const uint8_t *e = t + pos;
		uint32_t off = (uint32_t)le(e + 16, 4);
		uint32_t n = (uint32_t)le(e + 20, 4);

		if (memcmp(e, zero, TABLE_ENTRY) == 0) {
			jw_end_arr(w);
			return 0;
		}
		if (off > len || n > len - off || n == 0) {
			return -1;
		}
		for (i = 0; i < sizeof(cert_types) / sizeof(cert_types[0]);
		     i++) {
			if (memcmp(e, cert_types[i].guid, 16) != 0) {
				continue;
			}
			jw_obj(w);
			jw_key(w, "cert_type");
			jw_str(w, cert_types[i].type);
			jw_key(w, "data");
			jw_bytes(w, t + off, n);
			jw_end_obj(w);
		}
	}
	return -1; /* no terminating entry */
}

/** The attest body (see kbs_internal.h). */
int kbs_attest_body(const char *nonce, const uint8_t x[KBS_P521_COORD],
		    const uint8_t y[KBS_P521_COORD],
		    const struct snp_attestation_report *r,
		    const uint8_t *certs, size_t certs_len, char *out,
		    size_t cap, size_t *len)
{
	struct jw w;

	jw_init(&w, out, cap);
	jw_obj(&w);
	jw_key(&w, "runtime-data");
	jw_obj(&w);
	jw_key(&w, "nonce");
	jw_str(&w, nonce);
	jw_key(&w, "tee-pubkey");
	tee_pubkey(&w, x, y);
	jw_end_obj(&w);
	jw_key(&w, "tee-evidence");
	jw_obj(&w);
	jw_key(&w, "primary_evidence");
	jw_obj(&w);
	jw_key(&w, "attestation_report");
	report(&w, r);
	jw_key(&w, "cert_chain");
	if (certs_len == 0) {
		jw_null(&w);
	} else if (cert_chain(&w, certs, certs_len) != 0) {
		return -1;
	}
	jw_end_obj(&w);
	jw_key(&w, "additional_evidence");
	jw_str(&w, "");
	jw_end_obj(&w);
	jw_end_obj(&w);
	return jw_finish(&w, len);
}
