/* SPDX-License-Identifier: MIT */
/* The vTPM state key, derived from the KBS secret (see svsm/vtpm_key.h). */
#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "svsm/secrets.h"
#include "svsm/vtpm_key.h"

#define SALT "svsm-vtpm-state-v1"

static struct vtpm_state_key installed;
static bool have_key;

static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n-- > 0) {
		*v++ = 0;
	}
}

static int hkdf(const uint8_t *secret, size_t len, const char *info,
		uint8_t *out, size_t n)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	size_t got = n;
	int ok;

	ok = ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
	     EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) == 1 &&
	     EVP_PKEY_CTX_set1_hkdf_salt(ctx, (const uint8_t *)SALT,
					 sizeof(SALT) - 1) == 1 &&
	     EVP_PKEY_CTX_set1_hkdf_key(ctx, secret, (int)len) == 1 &&
	     EVP_PKEY_CTX_add1_hkdf_info(ctx, (const uint8_t *)info,
					 (int)strlen(info)) == 1 &&
	     EVP_PKEY_derive(ctx, out, &got) == 1 && got == n;
	EVP_PKEY_CTX_free(ctx);
	return ok ? 0 : -1;
}

/** Derive (see svsm/vtpm_key.h). */
int vtpm_state_key_derive(const uint8_t *secret, size_t len,
			  struct vtpm_state_key *out)
{
	if (secret == NULL || len < VTPM_STATE_SECRET_MIN || len > 4096 ||
	    hkdf(secret, len, "enc", out->enc, sizeof(out->enc)) != 0 ||
	    hkdf(secret, len, "mac", out->mac, sizeof(out->mac)) != 0 ||
	    hkdf(secret, len, "id", out->id, sizeof(out->id)) != 0) {
		wipe(out, sizeof(*out));
		return -1;
	}
	return 0;
}

/** Install (see svsm/vtpm_key.h). */
int vtpm_state_key_set(const uint8_t *secret, size_t len)
{
	static bool registered;

	if (!registered) {
		registered = secrets_register(&installed, sizeof(installed));
	}
	if (!registered || have_key ||
	    vtpm_state_key_derive(secret, len, &installed) != 0) {
		return -1;
	}
	have_key = true;
	return 0;
}

/** The installed key (see svsm/vtpm_key.h). */
const struct vtpm_state_key *vtpm_state_key(void)
{
	return have_key ? &installed : NULL;
}

/** Wipe it (see svsm/vtpm_key.h). */
void vtpm_state_key_clear(void)
{
	wipe(&installed, sizeof(installed));
	have_key = false;
}
