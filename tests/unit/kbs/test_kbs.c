/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the SVSM's KBS client (svsm/kbs): the strict JSON reader and
 * the canonical writer, base64url, the Concat KDF (RFC 7518 appendix C),
 * the JWE decryption against vectors made with Python's cryptography
 * module and every tampering of them, the runtime_data and REPORT_DATA,
 * the frames, the whole flow against scripted proxies (each failure is an
 * error and no secret), and the vTPM state key hand-over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

#include "kbs/frame.h"
#include "kbs/kbs_internal.h"
#include "svsm/secrets.h"
#include "svsm/vtpm_key.h"
#include "vectors.h"

static EVP_PKEY *vec_key(void)
{
	BIO *b = BIO_new_mem_buf(vec_key_pem, -1);
	EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);

	BIO_free(b);
	assert_non_null(k);
	return k;
}

static int parse(const char *s, struct jval *v)
{
	return json_parse(s, strlen(s), v);
}

/** Confirm that well-formed documents parse and members are found. */
static void json_accepts(void **state)
{
	static const char *const good[] = {
		"{}",
		"[]",
		"0",
		"-1.5e+3",
		"\"\"",
		"true",
		"null",
		" {\"a\" : [1, {\"b\":false}], \"c\":\"\\u0041\\n\"} ",
		"\"h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
	};
	struct jval v, m;
	char s[16];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse(good[i], &v), 0);
	}
	assert_int_equal(parse(good[7], &v), 0);
	assert_int_equal(v.t, J_OBJ);
	assert_int_equal(json_get(&v, "a", &m), 0);
	assert_int_equal(m.t, J_ARR);
	assert_int_equal(json_get_str(&v, "c", s, sizeof(s), &n), 0);
	assert_string_equal(s, "A\n");
	assert_int_equal(json_get(&v, "b", &m), -1); /* nested, not here */
	/* Too small a buffer is an error, not a truncation. */
	assert_int_equal(json_get_str(&v, "c", s, 2, &n), -1);
}

/** Confirm that malformed, hostile or ambiguous documents are refused. */
static void json_refuses(void **state)
{
	static const char *const bad[] = {
		"",
		" ",
		"{",
		"{\"a\":}",
		"{\"a\" 1}",
		"[1,]",
		"{,}",
		"01",
		"1.",
		"-",
		"1e",
		"tru",
		"\"abc",
		"\"\\x\"",
		"\"\\u12\"",
		"\"\x01\"",
		"{} {}",
		"[1 2]",
		"{\"a\":1,}",
		"'a'",
		"\"\xc3\"",
		"\"\xc0\xaf\"",
		"\"\xed\xa0\x80\"",
		"\"\xf5\x80\x80\x80\"",
		"\"\xe0\x80\xaf\"",
		"NaN",
		"[\"a\"]]",
	};
	char deep[64];
	struct jval v, m;
	char s[8];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &v), -1);
	}
	/* An embedded NUL. */
	assert_int_equal(json_parse("{}\0", 3, &v), -1);
	/* Nesting beyond JSON_MAX_DEPTH. */
	memset(deep, '[', 20);
	memset(deep + 20, ']', 20);
	deep[40] = '\0';
	assert_int_equal(parse(deep, &v), -1);
	memset(deep, '[', 16);
	memset(deep + 16, ']', 16);
	deep[32] = '\0';
	assert_int_equal(parse(deep, &v), 0);
	/* A repeated member name is ambiguous: refused. */
	assert_int_equal(parse("{\"a\":\"1\",\"a\":\"2\"}", &v), 0);
	assert_int_equal(json_get(&v, "a", &m), -1);
	/* Wrong types, escapes beyond ASCII and of NUL. */
	assert_int_equal(
		parse("{\"a\":1,\"b\":\"\\u00e9\",\"c\":\"\\u0000\"}", &v), 0);
	assert_int_equal(json_get_str(&v, "a", s, sizeof(s), &n), -1);
	assert_int_equal(json_get_str(&v, "b", s, sizeof(s), &n), -1);
	assert_int_equal(json_get_str(&v, "c", s, sizeof(s), &n), -1);
	assert_int_equal(parse("[]", &v), 0);
	assert_int_equal(json_get(&v, "a", &m), -1);
}

/** Confirm the writer's canonical form and Trustee's known answer. */
static void json_writer(void **state)
{
	static const uint8_t sha384_head[4] = { 0xe7, 0x1c, 0xe8, 0xe7 };
	static const uint8_t sha384_tail[4] = { 0xa7, 0x88, 0x70, 0xc3 };
	char buf[128], small[8];
	uint8_t md[64];
	struct jw w;
	size_t n;

	(void)state;
	/* RFC 8785 of {"b":1,"a":"test","c":{"d":"e"}}: sorted, compact. */
	jw_init(&w, buf, sizeof(buf));
	jw_obj(&w);
	jw_key(&w, "a");
	jw_str(&w, "test");
	jw_key(&w, "b");
	jw_u64(&w, 1);
	jw_key(&w, "c");
	jw_obj(&w);
	jw_key(&w, "d");
	jw_str(&w, "e");
	jw_end_obj(&w);
	jw_end_obj(&w);
	assert_int_equal(jw_finish(&w, &n), 0);
	assert_string_equal(buf,
			    "{\"a\":\"test\",\"b\":1,\"c\":{\"d\":\"e\"}}");
	assert_int_equal(kbs_report_data(KBS_HASH_SHA384, buf, n, md), 0);
	assert_memory_equal(md, sha384_head, 4);
	assert_memory_equal(md + 44, sha384_tail, 4);
	assert_int_equal(md[48] | md[63], 0); /* zero padding */

	jw_init(&w, buf, sizeof(buf));
	jw_arr(&w);
	jw_str(&w, "q\"b\\\n\x01/");
	jw_u64(&w, 18446744073709551615ULL);
	jw_null(&w);
	jw_bytes(&w, (const uint8_t *)"\x00\xff", 2);
	jw_end_arr(&w);
	assert_int_equal(jw_finish(&w, &n), 0);
	assert_string_equal(
		buf,
		"[\"q\\\"b\\\\\\n\\u0001/\",18446744073709551615,null,[0,255]]");

	/* Overflow and unbalanced documents fail. */
	jw_init(&w, small, sizeof(small));
	jw_str(&w, "too long for it");
	assert_int_equal(jw_finish(&w, &n), -1);
	jw_init(&w, buf, sizeof(buf));
	jw_obj(&w);
	assert_int_equal(jw_finish(&w, &n), -1);
	jw_init(&w, buf, sizeof(buf));
	jw_end_arr(&w);
	assert_int_equal(jw_finish(&w, &n), -1);
}

/** Confirm base64url against RFC 4648 and its strictness. */
static void base64url(void **state)
{
	static const char *const enc[] = { "",	      "Zg",	"Zm8",
					   "Zm9v",    "Zm9vYg", "Zm9vYmE",
					   "Zm9vYmFy" };
	static const char *const bad[] = { "Zg==", "Z",	   "Zh",   "Zm9",
					   "Zm+v", "Zm/v", "Zm v", "Zm9w" };
	char out[16];
	uint8_t dec[16];
	size_t i, n;

	(void)state;
	for (i = 0; i < 7; i++) {
		assert_int_equal(b64url_encode((const uint8_t *)"foobar", i,
					       out, sizeof(out)),
				 strlen(enc[i]));
		assert_string_equal(out, enc[i]);
		assert_int_equal(b64url_decode(enc[i], strlen(enc[i]), dec,
					       sizeof(dec), &n),
				 0);
		assert_int_equal(n, i);
		assert_memory_equal(dec, "foobar", i);
	}
	assert_int_equal(
		b64url_encode((const uint8_t *)"\xfb\xff", 2, out, sizeof(out)),
		3);
	assert_string_equal(out, "-_8");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 99;
		/* "Zm9" is valid base64url (2 bytes) only with zero tail bits. */
		if (strcmp(bad[i], "Zm9") == 0) {
			assert_int_equal(b64url_decode(bad[i], 3, dec, 1, &n),
					 -1); /* output too small */
			continue;
		}
		if (strcmp(bad[i], "Zm9w") == 0) {
			assert_int_equal(b64url_decode(bad[i], 4, dec, 2, &n),
					 -1); /* 3 bytes into 2 */
			continue;
		}
		assert_int_equal(b64url_decode(bad[i], strlen(bad[i]), dec,
					       sizeof(dec), &n),
				 -1);
	}
	assert_int_equal(b64url_encode((const uint8_t *)"foo", 3, out, 4), 0);
	assert_true(b64_std_ok("AAECAw==", 8));
	assert_true(b64_std_ok("AAEC", 4));
	assert_false(b64_std_ok("AAE-", 4));
	assert_false(b64_std_ok("AAE", 3));
	assert_false(b64_std_ok("A===", 4));
}

/** Confirm the Concat KDF against RFC 7518 appendix C. */
static void concat_kdf_rfc7518(void **state)
{
	static const uint8_t z[32] = {
		158, 86,  217, 29,  129, 113, 53,  211, 114, 131, 66,
		131, 191, 132, 38,  156, 251, 49,  110, 163, 218, 128,
		106, 72,  246, 218, 167, 121, 140, 254, 144, 196,
	};
	static const uint8_t want[16] = {
		86, 170, 141, 234, 248, 35,  109, 32,
		92, 34,	 40,  205, 113, 167, 16,  26
	};
	uint8_t out[32];

	(void)state;
	assert_int_equal(kbs_concat_kdf(z, sizeof(z), "A128GCM", "Alice", "Bob",
					128, out),
			 0);
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(
		kbs_concat_kdf(z, sizeof(z), "A128GCM", "", "", 264, out), -1);
}

/** Confirm that the vector decrypts, and only with the right key. */
static void jwe_decrypts(void **state)
{
	EVP_PKEY *key = vec_key(), *other = kbs_ec_generate();
	uint8_t x[66], y[66], out[128];
	size_t n = 0;

	(void)state;
	assert_int_equal(kbs_ec_xy(key, x, y), 0);
	assert_memory_equal(x, vec_x, 66);
	assert_memory_equal(y, vec_y, 66);
	assert_int_equal(kbs_jwe_decrypt(key, vec_jwe, strlen(vec_jwe), out,
					 sizeof(out), &n),
			 0);
	assert_int_equal(n, sizeof(vec_plaintext));
	assert_memory_equal(out, vec_plaintext, n);
	/* Another key: the unwrap fails, nothing is released. */
	memset(out, 0, sizeof(out));
	assert_int_equal(kbs_jwe_decrypt(other, vec_jwe, strlen(vec_jwe), out,
					 sizeof(out), &n),
			 -1);
	assert_int_equal(out[0] | out[1] | out[47], 0);
	/* Too small an output buffer. */
	assert_int_equal(
		kbs_jwe_decrypt(key, vec_jwe, strlen(vec_jwe), out, 16, &n),
		-1);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}

/* The vector with member `name`'s value replaced by `value` (a JSON text). */
static char *with_member(const char *name, const char *value)
{
	size_t cap = strlen(vec_jwe) + strlen(value) + 64;
	char *doc = malloc(cap);
	char pat[32];
	const char *p, *end;

	assert_non_null(doc);
	snprintf(pat, sizeof(pat), "\"%s\":", name);
	p = strstr(vec_jwe, pat);
	assert_non_null(p);
	p += strlen(pat);
	end = strchr(p + 1, '"') + 1;
	snprintf(doc, cap, "%.*s%s%s", (int)(p - vec_jwe), vec_jwe, value, end);
	return doc;
}

/* The vector with one character of member `name`'s value changed. */
static char *flip_member(const char *name, size_t at)
{
	char *doc = strdup(vec_jwe);
	char pat[32];
	char *p;

	assert_non_null(doc);
	snprintf(pat, sizeof(pat), "\"%s\":\"", name);
	p = strstr(doc, pat) + strlen(pat) + at;
	*p = *p == 'A' ? 'B' : 'A';
	return doc;
}

/* A protected header of our own (base64url of `json`). */
static char *header_doc(const char *json)
{
	char enc[1024], val[1030];

	assert_true(b64url_encode((const uint8_t *)json, strlen(json), enc,
				  sizeof(enc)) > 0);
	snprintf(val, sizeof(val), "\"%s\"", enc);
	return with_member("protected", val);
}

/** Confirm that every tampering of the JWE is refused. */
static void jwe_refuses_tampering(void **state)
{
	EVP_PKEY *key = vec_key();
	uint8_t x[66], y[66], out[128];
	char hdr[600], ex[100], ey[100];
	char *docs[16];
	size_t n, i, count = 0;

	(void)state;
	docs[count++] = flip_member("tag", 3);
	docs[count++] = flip_member("ciphertext", 5);
	docs[count++] = flip_member("iv", 2);
	docs[count++] = flip_member("encrypted_key", 7);
	docs[count++] = flip_member("protected", 60); /* AAD and epk */
	docs[count++] = with_member("iv", "\"AAAA\"");
	docs[count++] = with_member("tag", "1");
	docs[count++] = with_member("ciphertext", "\"\"");
	docs[count++] = with_member("encrypted_key", "\"AA==\"");
	/* Our own header: right algorithms but the epk is not on P-521. */
	assert_int_equal(kbs_ec_xy(key, x, y), 0);
	y[65] ^= 1;
	b64url_encode(x, 66, ex, sizeof(ex));
	b64url_encode(y, 66, ey, sizeof(ey));
	snprintf(hdr, sizeof(hdr),
		 "{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"epk\":{"
		 "\"crv\":\"P-521\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}}",
		 ex, ey);
	docs[count++] = header_doc(hdr);
	docs[count++] = header_doc("{\"alg\":\"RSA-OAEP-256\",\"enc\":"
				   "\"A256GCM\"}");
	docs[count++] = header_doc("{\"alg\":\"ECDH-ES+A256KW\",\"enc\":"
				   "\"A128GCM\",\"epk\":{}}");
	docs[count++] =
		header_doc("{\"alg\":\"ECDH-ES+A256KW\",\"enc\":"
			   "\"A256GCM\",\"epk\":{\"crv\":\"P-384\","
			   "\"kty\":\"EC\",\"x\":\"AA\",\"y\":\"AA\"}}");
	/* An RFC 7516 aad member would change the AAD: not ours. */
	n = strlen(vec_jwe) + 16;
	docs[count] = malloc(n);
	assert_non_null(docs[count]);
	snprintf(docs[count], n, "{\"aad\":\"AA\",%s", vec_jwe + 1);
	count++;
	for (i = 0; i < count; i++) {
		memset(out, 0, sizeof(out));
		assert_int_equal(kbs_jwe_decrypt(key, docs[i], strlen(docs[i]),
						 out, sizeof(out), &n),
				 -1);
		assert_int_equal(out[0] | out[20] | out[47], 0);
		free(docs[i]);
	}
	EVP_PKEY_free(key);
}

/** Confirm runtime_data and REPORT_DATA against Python's. */
static void runtime_data(void **state)
{
	char buf[512];
	uint8_t rd[64];
	size_t n;

	(void)state;
	assert_int_equal(
		kbs_runtime_data(vec_nonce, vec_x, vec_y, buf, sizeof(buf), &n),
		0);
	assert_string_equal(buf, vec_runtime_data);
	assert_int_equal(kbs_report_data(KBS_HASH_SHA384, buf, n, rd), 0);
	assert_memory_equal(rd, vec_report_data_384, 48);
	assert_int_equal(rd[48] | rd[55] | rd[63], 0);
	assert_int_equal(kbs_report_data(KBS_HASH_SHA512, buf, n, rd), 0);
	assert_memory_equal(rd, vec_report_data_512, 64);
	assert_int_equal(
		kbs_runtime_data(vec_nonce, vec_x, vec_y, buf, 100, &n), -1);
}

/** Confirm resource paths: Trustee's component rule, three parts. */
static void resource_paths(void **state)
{
	(void)state;
	assert_true(kbs_resource_ok("default/vtpm/key"));
	assert_true(kbs_resource_ok("a-b/c_d/e.1"));
	assert_false(kbs_resource_ok("default/vtpm"));
	assert_false(kbs_resource_ok("a/b/c/d"));
	assert_false(kbs_resource_ok("a//c"));
	assert_false(kbs_resource_ok("a/../c"));
	assert_false(kbs_resource_ok("a/.b/c"));
	assert_false(kbs_resource_ok("a/b/c?x=1"));
	assert_false(kbs_resource_ok("a/b/c%2f"));
	assert_false(kbs_resource_ok(NULL));
}

/** Confirm frames round-trip and bad ones are refused. */
static void frames(void **state)
{
	static uint8_t f[KBS_FRAME_HDR + KBS_FRAME_MAX];
	char path[KBS_FRAME_PATH_MAX + 1];
	const uint8_t *body;
	enum kbs_method m;
	unsigned status;
	size_t n, len;

	(void)state;
	n = kbs_frame_request(f, sizeof(f), KBS_POST, "/kbs/v0/auth",
			      (const uint8_t *)"{}", 2);
	assert_int_equal(n, 4 + 4 + 12 + 2);
	assert_int_equal(
		kbs_frame_parse_request(f + 4, n - 4, &m, path, &body, &len),
		0);
	assert_int_equal(m, KBS_POST);
	assert_string_equal(path, "/kbs/v0/auth");
	assert_int_equal(len, 2);
	assert_int_equal(kbs_frame_request(f, sizeof(f), KBS_GET,
					   "/kbs/v0/resource/a/b/c",
					   (const uint8_t *)"x", 1),
			 0);
	assert_int_equal(
		kbs_frame_request(f, sizeof(f), KBS_GET, "/admin", NULL, 0), 0);
	assert_int_equal(kbs_frame_request(f, sizeof(f), KBS_GET,
					   "/kbs/v0/../x", NULL, 0),
			 0);
	assert_int_equal(kbs_frame_request(f, 10, KBS_POST, "/kbs/v0/auth",
					   (const uint8_t *)"{}", 2),
			 0);
	n = kbs_frame_response(f, sizeof(f), 401, (const uint8_t *)"no", 2);
	assert_int_equal(
		kbs_frame_parse_response(f + 4, n - 4, &status, &body, &len),
		0);
	assert_int_equal(status, 401);
	assert_memory_equal(body, "no", 2);
	f[4] = 2; /* version */
	assert_int_equal(
		kbs_frame_parse_response(f + 4, n - 4, &status, &body, &len),
		-1);
	assert_int_equal(
		kbs_frame_parse_request(f + 4, 3, &m, path, &body, &len), -1);
	/* A path length beyond the payload. */
	static const uint8_t long_path[16] = { 1,   2,	 0xff, 0,   '/', 'k',
					       'b', 's', '/',  'v', '0', '/',
					       'a', 'u', 't',  'h' };

	memcpy(f, long_path, sizeof(long_path));
	assert_int_equal(kbs_frame_parse_request(f, 16, &m, path, &body, &len),
			 -1);
}

/* ---- the whole flow against a scripted proxy ---- */

struct script {
	unsigned step, fail_at;
	unsigned status[3];
	const char *body[3];
	bool evidence_fails, evidence_lies;
	uint8_t seen_rd[64];
	char attest_body[KBS_BODY_MAX];
};

static int fake_exchange(void *ctx, enum kbs_method method, const char *path,
			 const uint8_t *body, size_t body_len, uint8_t *resp,
			 size_t cap, size_t *resp_len, unsigned *status)
{
	struct script *s = ctx;
	static const char *const paths[] = { "/kbs/v0/auth", "/kbs/v0/attest",
					     "/kbs/v0/resource/r/t/g" };
	unsigned i = s->step++;

	assert_true(i < 3);
	assert_string_equal(path, paths[i]);
	assert_int_equal(method, i == 2 ? KBS_GET : KBS_POST);
	if (i == 1) {
		memcpy(s->attest_body, body, body_len);
		s->attest_body[body_len] = '\0';
	}
	if (i == s->fail_at) {
		return -1;
	}
	*status = s->status[i];
	*resp_len = strlen(s->body[i]);
	assert_true(*resp_len <= cap);
	memcpy(resp, s->body[i], *resp_len);
	return 0;
}

static const uint8_t vcek_guid[16] = { 0x8d, 0x75, 0xda, 0x63, 0x64, 0xe6,
				       0x64, 0x45, 0xad, 0xc5, 0xf4, 0xb9,
				       0x3b, 0xe8, 0xac, 0xcd };

static int fake_evidence(void *ctx, const uint8_t rd[64],
			 struct snp_attestation_report *r, uint8_t *certs,
			 size_t cap, size_t *len)
{
	struct script *s = ctx;

	(void)cap;
	memcpy(s->seen_rd, rd, 64);
	if (s->evidence_fails) {
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->version = 3;
	memcpy(r->report_data, rd, 64);
	if (s->evidence_lies) {
		r->report_data[5] ^= 1;
	}
	/* A table with one VCEK entry (3 bytes of data) and the zero entry. */
	memset(certs, 0, 51);
	memcpy(certs, vcek_guid, 16);
	certs[16] = 48;
	certs[20] = 3;
	certs[48] = 'a';
	certs[49] = 'b';
	certs[50] = 'c';
	*len = 51;
	return 0;
}

#define AUTH_OK                                                                \
	"{\"nonce\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\","         \
	"\"extra-params\":\"\"}"
#define NONCE "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

static enum kbs_err run(struct script *s, const char *resource,
			struct kbs_secret *out)
{
	struct kbs_config cfg = { resource, KBS_HASH_SHA384 };
	struct kbs_ops ops = { s, fake_exchange, fake_evidence };
	struct kbs_work *w = calloc(1, sizeof(*w));
	enum kbs_err rc;

	assert_non_null(w);
	memset(out->data, 0x5A, sizeof(out->data));
	out->len = 7;
	rc = kbs_attest(&cfg, &ops, w, out);
	if (rc == KBS_OK || s->step >= 2) {
		uint8_t rd[64];

		/* REPORT_DATA is the hash of the runtime_data we built. */
		assert_int_equal(kbs_report_data(KBS_HASH_SHA384,
						 w->runtime_data,
						 w->runtime_data_len, rd),
				 0);
		assert_memory_equal(rd, s->seen_rd, 64);
		assert_non_null(
			strstr(w->runtime_data, "\"nonce\":\"" NONCE "\""));
	}
	free(w);
	return rc;
}

static void init_script(struct script *s)
{
	memset(s, 0, sizeof(*s));
	s->fail_at = 99;
	s->status[0] = s->status[1] = s->status[2] = 200;
	s->body[0] = AUTH_OK;
	s->body[1] = "{\"token\":\"t\"}";
	s->body[2] = vec_jwe;
}

static void assert_no_secret(const struct kbs_secret *out)
{
	static const uint8_t zero[KBS_SECRET_MAX];

	assert_int_equal(out->len, 0);
	assert_memory_equal(out->data, zero, sizeof(zero));
}

/** Confirm the attest body: runtime-data and Trustee's evidence form. */
static void flow_attest_body(void **state)
{
	static struct script s;
	static struct kbs_secret out;
	struct jval root, v, ev, rep;

	(void)state;
	init_script(&s);
	/* The vector is for another key: the JWE step fails, after attest. */
	assert_int_equal(run(&s, "r/t/g", &out), KBS_ERR_JWE);
	assert_no_secret(&out);
	assert_int_equal(
		json_parse(s.attest_body, strlen(s.attest_body), &root), 0);
	assert_int_equal(json_get(&root, "runtime-data", &v), 0);
	assert_int_equal(json_get(&v, "tee-pubkey", &v), 0);
	assert_int_equal(json_get(&root, "tee-evidence", &ev), 0);
	assert_int_equal(json_get(&ev, "additional_evidence", &v), 0);
	assert_int_equal(v.t, J_STR);
	assert_int_equal(json_get(&ev, "primary_evidence", &ev), 0);
	assert_int_equal(json_get(&ev, "cert_chain", &v), 0);
	assert_int_equal(v.t, J_ARR);
	assert_int_equal(
		strncmp(v.p, "[{\"cert_type\":\"VCEK\",\"data\":[97,98,99]}]",
			v.n),
		0);
	assert_int_equal(json_get(&ev, "attestation_report", &rep), 0);
	assert_int_equal(json_get(&rep, "report_data", &v), 0);
	assert_int_equal(v.t, J_ARR);
	assert_int_equal(json_get(&rep, "reported_tcb", &v), 0);
	assert_int_equal(json_get(&v, "microcode", &v), 0);
	assert_int_equal(json_get(&rep, "signature", &v), 0);
	assert_int_equal(json_get(&v, "r", &v), 0);
	assert_int_equal(json_get(&rep, "version", &v), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.p[0], '3');
}

/** Confirm that each failure is its error and releases nothing. */
static void flow_failures(void **state)
{
	static struct script s;
	static struct kbs_secret out;
	static const struct {
		unsigned step, status;
		const char *body;
		enum kbs_err want;
	} cases[] = {
		{ 0, 401, "{}", KBS_ERR_AUTH },
		{ 0, 200, "garbage", KBS_ERR_PROTOCOL },
		{ 0, 200, "{\"nonce\":1}", KBS_ERR_PROTOCOL },
		{ 0, 200, "{\"nonce\":\"short\"}", KBS_ERR_PROTOCOL },
		{ 0, 200, "{\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAAAA\\\"}",
		  KBS_ERR_PROTOCOL },
		{ 1, 401, "{\"type\":\"x\"}", KBS_ERR_ATTEST },
		{ 1, 502, "", KBS_ERR_TRANSPORT },
		{ 0, 504, "", KBS_ERR_TRANSPORT },
		{ 1, 200, "[]", KBS_ERR_PROTOCOL },
		{ 2, 401, "{}", KBS_ERR_RESOURCE },
		{ 2, 200, "{\"protected\":\"x\"}", KBS_ERR_JWE },
		{ 2, 200, "\xff\xfe", KBS_ERR_JWE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		init_script(&s);
		s.status[cases[i].step] = cases[i].status;
		s.body[cases[i].step] = cases[i].body;
		assert_int_equal(run(&s, "r/t/g", &out), cases[i].want);
		assert_no_secret(&out);
		assert_int_equal(s.step, cases[i].step + 1);
	}
	for (i = 0; i < 3; i++) {
		init_script(&s);
		s.fail_at = (unsigned)i;
		assert_int_equal(run(&s, "r/t/g", &out), KBS_ERR_TRANSPORT);
		assert_no_secret(&out);
	}
	init_script(&s);
	s.evidence_fails = true;
	assert_int_equal(run(&s, "r/t/g", &out), KBS_ERR_EVIDENCE);
	assert_int_equal(s.step, 1); /* no attest sent */
	init_script(&s);
	s.evidence_lies = true;
	assert_int_equal(run(&s, "r/t/g", &out), KBS_ERR_EVIDENCE);
	init_script(&s);
	assert_int_equal(run(&s, "r/t", &out), KBS_ERR_CONFIG);
	assert_int_equal(s.step, 0);
	assert_no_secret(&out);
	assert_string_equal(kbs_strerror(KBS_ERR_ATTEST),
			    "the KBS refused the attestation (policy or "
			    "evidence)");
}

/**
 * Confirm the secret slot and the installed vTPM state key are registered
 * for the panic path: secrets_wipe(), which panic() calls first, zeroes
 * them.
 */
static void secrets_wiped_on_panic(void **state)
{
	struct kbs_secret *s = kbs_secret_slot();
	static const uint8_t zero[KBS_SECRET_MAX];
	const struct vtpm_state_key *k;

	(void)state;
	assert_non_null(s);
	assert_ptr_equal(kbs_secret_slot(), s); /* one slot */
	memset(s->data, 0x77, 32);
	s->len = 32;
	assert_int_equal(vtpm_state_key_set(vec_state_secret, 32), 0);
	k = vtpm_state_key();
	assert_non_null(k);
	assert_true(secrets_wipe() >= 2);
	assert_int_equal(s->len, 0);
	assert_memory_equal(s->data, zero, sizeof(zero));
	assert_memory_equal(k->enc, zero, sizeof(k->enc));
	assert_memory_equal(k->id, zero, sizeof(k->id));
	vtpm_state_key_clear();
}

/** Confirm the vTPM state key: derivation, hand-over, one per boot. */
static void vtpm_state_key_handover(void **state)
{
	struct vtpm_state_key k;
	uint8_t secret[32];

	(void)state;
	assert_null(vtpm_state_key());
	assert_int_equal(vtpm_state_key_derive(vec_state_secret, 32, &k), 0);
	assert_memory_equal(k.enc, vec_state_key, 32);
	assert_memory_equal(k.mac, vec_state_key + 32, 32);
	assert_memory_equal(k.id, vec_state_key + 64, 16);
	assert_int_equal(vtpm_state_key_derive(vec_state_secret, 15, &k), -1);
	assert_int_equal(vtpm_state_key_set(vec_state_secret, 8), -1);
	assert_null(vtpm_state_key());
	memcpy(secret, vec_state_secret, sizeof(secret));
	assert_int_equal(vtpm_state_key_set(secret, sizeof(secret)), 0);
	kbs_wipe(secret, sizeof(secret));
	assert_non_null(vtpm_state_key());
	assert_memory_equal(vtpm_state_key()->id, vec_state_key + 64, 16);
	/* One key per boot: a second hand-over is refused. */
	assert_int_equal(vtpm_state_key_set(vec_state_secret, 32), -1);
	vtpm_state_key_clear();
	assert_null(vtpm_state_key());
}

/* kbs_wipe() zeroes exactly the bytes it is given, whatever their size. */
static void wipe_exact(void **state)
{
	static uint8_t buf[KBS_BODY_MAX + 2];
	size_t len;

	(void)state;
	for (len = 0; len <= KBS_BODY_MAX; len += len < 64 ? 1 : 4093) {
		memset(buf, 0xA5, sizeof(buf));
		kbs_wipe(buf + 1, len);
		assert_int_equal(buf[0], 0xA5);
		for (size_t i = 1; i <= len; i++) {
			assert_int_equal(buf[i], 0);
		}
		assert_int_equal(buf[len + 1], 0xA5);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_accepts),
		cmocka_unit_test(json_refuses),
		cmocka_unit_test(json_writer),
		cmocka_unit_test(base64url),
		cmocka_unit_test(concat_kdf_rfc7518),
		cmocka_unit_test(jwe_decrypts),
		cmocka_unit_test(jwe_refuses_tampering),
		cmocka_unit_test(runtime_data),
		cmocka_unit_test(resource_paths),
		cmocka_unit_test(frames),
		cmocka_unit_test(flow_attest_body),
		cmocka_unit_test(flow_failures),
		cmocka_unit_test(secrets_wiped_on_panic),
		cmocka_unit_test(vtpm_state_key_handover),
		cmocka_unit_test(wipe_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
