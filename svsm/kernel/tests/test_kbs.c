/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the KBS client (svsm/kbs) over the kernel's libcrypto:
 * the same vectors as tests/unit/kbs (made with Python's cryptography
 * module), so the freestanding build decrypts what a KBS sends, builds the
 * same canonical runtime_data and derives the same vTPM state key.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h>

#include <kernel/ktest.h>
#include <svsm/mm.h>
#include <svsm/vtpm_key.h>

#include "kbs/kbs_internal.h"
#include "vectors.h"

/* Confirm the JWE vector decrypts with its key and not with another. */
KTEST(kbs_jwe_in_kernel)
{
	BIO *b = BIO_new_mem_buf(vec_key_pem, -1);
	EVP_PKEY *key = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	EVP_PKEY *other = kbs_ec_generate();
	uint8_t *out = kzalloc(KBS_SECRET_MAX);
	size_t n = 0;
	bool ok;

	BIO_free(b);
	ok = key != NULL && other != NULL && out != NULL &&
	     kbs_jwe_decrypt(key, vec_jwe, strlen(vec_jwe), out, KBS_SECRET_MAX,
			     &n) == 0 &&
	     n == sizeof(vec_plaintext) && memcmp(out, vec_plaintext, n) == 0 &&
	     kbs_jwe_decrypt(other, vec_jwe, strlen(vec_jwe), out,
			     KBS_SECRET_MAX, &n) != 0;
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
	kfree_sensitive(out);
	return ok;
}

/* Confirm runtime_data, REPORT_DATA and the Concat KDF (RFC 7518 C). */
KTEST(kbs_runtime_data_in_kernel)
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
	char *buf = kzalloc(512);
	uint8_t rd[64], k[16];
	size_t n = 0;
	bool ok;

	ok = buf != NULL &&
	     kbs_runtime_data(vec_nonce, vec_x, vec_y, buf, 512, &n) == 0 &&
	     strcmp(buf, vec_runtime_data) == 0 &&
	     kbs_report_data(KBS_HASH_SHA384, buf, n, rd) == 0 &&
	     memcmp(rd, vec_report_data_384, 48) == 0 &&
	     kbs_concat_kdf(z, sizeof(z), "A128GCM", "Alice", "Bob", 128, k) ==
		     0 &&
	     memcmp(k, want, sizeof(want)) == 0;
	kfree(buf);
	return ok;
}

/* Confirm the strict reader refuses a repeated member and bad UTF-8. */
KTEST(kbs_json_in_kernel)
{
	static const char dup[] = "{\"nonce\":\"a\",\"nonce\":\"b\"}";
	static const char bad[] = "{\"nonce\":\"\xc0\xaf\"}";
	struct jval v, m;

	return json_parse(dup, sizeof(dup) - 1, &v) == 0 &&
	       json_get(&v, "nonce", &m) != 0 &&
	       json_parse(bad, sizeof(bad) - 1, &v) != 0;
}

/* Confirm the vTPM state key derivation matches Python's HKDF. */
KTEST(kbs_state_key_in_kernel)
{
	struct vtpm_state_key key;
	bool ok;

	ok = vtpm_state_key_derive(vec_state_secret, 32, &key) == 0 &&
	     memcmp(key.enc, vec_state_key, 32) == 0 &&
	     memcmp(key.id, vec_state_key + 64, 16) == 0;
	memzero_explicit(&key, sizeof(key));
	return ok;
}
