/* SPDX-License-Identifier: MIT */
/*
 * The TPM bridge's logic, apart from its transport: bytes of the mssim
 * stream in (both channels' commands, see mssim.h), VTPM_CMD calls and
 * mssim answers out. The SNP guest runs it over COM2 and SVSM calls; the
 * hosted svsm-tpm-bridge-sim runs the same code over a TCP socket and
 * libsvsm-sim, so tpm2-tools can be tested against it without the stack,
 * and `svsm-sim tpm-server` serves one per client connection.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mssim.h"

/** The transport: the only calls the bridge makes (a boundary). */
struct tpm_bridge_ops {
	/** Send `n` bytes to the host. */
	void (*put)(void *ctx, const uint8_t *b, size_t n);
	/** VTPM_CMD on `page` (SVSM_VTPM_BUFFER_SIZE bytes): RAX[31:0]. */
	uint32_t (*vtpm_cmd)(void *ctx, uint8_t *page);
	/**
	 * Optional (NULL: mssim_platform_action() decides): a platform
	 * command the transport serves itself, e.g. power off and on as a
	 * TPM platform reset. True with `*answer` set if it did.
	 */
	bool (*platform)(void *ctx, uint32_t command, uint32_t *answer);
};

enum tpm_bridge_result {
	TPM_BRIDGE_MORE,     /* a frame is incomplete */
	TPM_BRIDGE_TPM,	     /* a TPM command was answered (`last_*`) */
	TPM_BRIDGE_PLATFORM, /* a platform command was answered */
	TPM_BRIDGE_IGNORED,  /* session end, a lost stream */
	TPM_BRIDGE_STOP,     /* the host asked the bridge to stop */
};

struct tpm_bridge {
	const struct tpm_bridge_ops *ops;
	void *ctx;
	uint64_t bitmap; /* VTPM_QUERY's platform commands */
	uint8_t *page;	 /* the VTPM_CMD buffer */
	struct mssim_parser parser;
	/* The last frame answered, for the caller's log. */
	uint32_t last_command; /* TPM command code or platform command */
	uint32_t last_rc;      /* SVSM result (TPM) or the answer (platform) */
	uint32_t last_rsp_len;
	unsigned tpm_commands;
};

void tpm_bridge_init(struct tpm_bridge *b, const struct tpm_bridge_ops *ops,
		     void *ctx, uint64_t bitmap, uint8_t *page);
/** One byte from the host. */
enum tpm_bridge_result tpm_bridge_feed(struct tpm_bridge *b, uint8_t byte);
