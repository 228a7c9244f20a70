/* SPDX-License-Identifier: MIT */
/*
 * The key of the vTPM's persistent state, handed over from the secret the
 * KBS released (docs/KBS.md). The persistent store (a `struct vtpm_nv_ops`
 * backend, still to come) encrypts its image with `enc`, authenticates it
 * with `mac`, and keeps `id` in the clear so that it can tell a wrong key
 * from a damaged image: a store that finds another `id` refuses to open
 * and the guest gets no vTPM rather than a fresh one.
 *
 * The KBS secret itself is never kept: `vtpm_state_key_set()` derives the
 * three values (HKDF-SHA-256, salt "svsm-vtpm-state-v1", info "enc", "mac",
 * "id") and the caller wipes the secret at once. The key is wiped by
 * `vtpm_state_key_clear()` and, registered with secrets_register(), on
 * panic.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** The shortest secret accepted as a state key (128 bits). */
#define VTPM_STATE_SECRET_MIN 16U

struct vtpm_state_key {
	uint8_t enc[32]; /* encrypts the state image (AES-256) */
	uint8_t mac[32]; /* authenticates it (HMAC-SHA-256) */
	uint8_t id[16];	 /* names the key; stored in the clear */
};

/** Derive a state key from `secret` (`len` bytes). 0 or -1. */
int vtpm_state_key_derive(const uint8_t *secret, size_t len,
			  struct vtpm_state_key *out);

/**
 * Install the key derived from `secret`: 0, or -1 (too short, or a key is
 * already installed: the state has one key per boot). The caller wipes
 * `secret` afterwards.
 */
int vtpm_state_key_set(const uint8_t *secret, size_t len);

/** The installed key, or NULL without one (no KBS, or it failed). */
const struct vtpm_state_key *vtpm_state_key(void);

/** Wipe the installed key (teardown and panic). */
void vtpm_state_key_clear(void);
