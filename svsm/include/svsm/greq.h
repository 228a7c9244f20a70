/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's side of SNP guest-request messages: a channel per VMPCK that
 * seals requests and opens responses (AES-256-GCM, IV = sequence number,
 * AAD = header bytes 0x30..0x5F) with the firmware's sequence rules.
 *
 * IV reuse must never happen: a request takes seqno + 1, its response must
 * carry seqno + 2, and the channel advances by two only after a good
 * response. Any failure after a request was exposed to the host disables
 * the channel and wipes its key (`greq_disable()`); the only exception is
 * re-sending the very same sealed message, which the caller may do after a
 * host BUSY or INVALID_LEN answer.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/snp_guest_msg.h"
#include "abi/snp_secrets.h"

struct greq_channel {
	uint8_t key[SNP_VMPCK_SIZE];
	uint8_t vmpck; /* index 0..3 */
	bool disabled;
	uint64_t seqno; /* last sequence number used (request or response) */
};

/** Take VMPCK `index` from the SVSM's secrets page copy. */
void greq_init(struct greq_channel *ch, const uint8_t key[SNP_VMPCK_SIZE],
	       uint8_t index);

/** Wipe the key; every later call fails. */
void greq_disable(struct greq_channel *ch);

/**
 * Seal `len` bytes of `payload` as a `type` message into `out` (private
 * memory; the caller copies it to the shared page). Returns 0, or -1 with
 * nothing sealed (channel disabled, sizes, sequence exhausted, crypto).
 */
int greq_seal(struct greq_channel *ch, uint8_t type, const void *payload,
	      size_t len, struct snp_guest_msg *out);

/**
 * Open the response `in` (a private copy of the shared page) to the request
 * sealed last: checks version, type (request type + 1), VMPCK, sequence
 * number and tag, then decrypts into `payload` (`cap` bytes) and advances
 * the channel. On any failure the channel is disabled and -1 returned.
 */
int greq_open(struct greq_channel *ch, uint8_t req_type,
	      const struct snp_guest_msg *in, void *payload, size_t cap,
	      size_t *len);
