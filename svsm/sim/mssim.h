/* SPDX-License-Identifier: MIT */
/*
 * The TPM simulator ("mssim") TCP framing, as tpm2-tss's mssim TCTI and
 * the TCG reference simulator (TpmTcpProtocol.h) speak it, parsed one
 * byte at a time from a serial line. Everything here is host-controlled
 * input: the parser never reads or writes outside its own buffer, never
 * trusts a length, and keeps the stream in sync whatever arrives.
 *
 * The simulator listens on two TCP ports, a command and a platform
 * channel; their command numbers do not overlap, so the bridge takes both
 * as one stream (the host relay, tpm-relay.py, merges them onto one serial
 * port). Each frame is a u32 command (big-endian), then
 *   TPM_SEND_COMMAND (8):  u8 locality, u32 size, size bytes
 *                          -> u32 size, response, u32 0
 *   REMOTE_HANDSHAKE (15): u32 client version -> u32 version, u32 flags, u32 0
 *   SESSION_END (20), STOP (21): nothing follows, no answer
 *   ACT_GET_SIGNALED (26): u32 handle -> u32 result
 *   any other (platform signals): nothing follows -> u32 result (0: done)
 * Pure C, no I/O: the guest's TPM bridge and the hosted tests (cmocka,
 * libFuzzer) share it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* mssim command numbers (TpmTcpProtocol.h). */
#define MSSIM_SIGNAL_POWER_ON 1U
#define MSSIM_SIGNAL_POWER_OFF 2U
#define MSSIM_SIGNAL_PHYS_PRES_ON 3U
#define MSSIM_SIGNAL_PHYS_PRES_OFF 4U
#define MSSIM_SEND_COMMAND 8U
#define MSSIM_SIGNAL_CANCEL_ON 9U
#define MSSIM_SIGNAL_CANCEL_OFF 10U
#define MSSIM_SIGNAL_NV_ON 11U
#define MSSIM_SIGNAL_NV_OFF 12U
#define MSSIM_REMOTE_HANDSHAKE 15U
#define MSSIM_SIGNAL_RESET 17U
#define MSSIM_SIGNAL_RESTART 18U
#define MSSIM_SESSION_END 20U
#define MSSIM_STOP 21U
#define MSSIM_ACT_GET_SIGNALED 26U

/* The simulator's protocol version and "TPM available" handshake flags. */
#define MSSIM_SERVER_VERSION 1U
#define MSSIM_FLAG_PLATFORM_AVAILABLE 0x01U
#define MSSIM_FLAG_USES_TBS 0x02U

/* A TPM command is at least its 10-byte header; at most what VTPM_CMD
 * carries in one page (58019 table 16). */
#define MSSIM_TPM_HEADER 10U
#define MSSIM_MAX_COMMAND 4087U
#define MSSIM_MAX_RESPONSE 4092U
/* Larger bodies are not buffered but skipped, up to this, to stay in sync;
 * beyond it the stream is declared lost (MSSIM_EV_ERROR) and restarts. */
#define MSSIM_MAX_SKIP 65536U

enum mssim_event {
	MSSIM_EV_NONE,	      /* need more bytes */
	MSSIM_EV_TPM_COMMAND, /* `cmd`/`cmd_len` (or `bad_size`), `locality` */
	MSSIM_EV_HANDSHAKE,   /* `arg` = client version */
	MSSIM_EV_SESSION_END,
	MSSIM_EV_STOP,
	MSSIM_EV_PLATFORM, /* `command` (and `arg` for ACT_GET_SIGNALED) */
	MSSIM_EV_ERROR,	   /* a length beyond MSSIM_MAX_SKIP: stream reset */
};

struct mssim_parser {
	unsigned state;
	uint8_t word[4];
	unsigned word_len;
	uint32_t command;
	uint8_t locality;
	uint32_t size;	/* body bytes announced */
	uint32_t got;	/* body bytes consumed */
	bool bad_size;	/* the body was skipped, not buffered */
	uint32_t arg;	/* handshake version, ACT handle */
	size_t cmd_len; /* valid after MSSIM_EV_TPM_COMMAND */
	uint8_t cmd[MSSIM_MAX_COMMAND];
};

void mssim_init(struct mssim_parser *p);

/** True for a command number the simulator protocol has. */
bool mssim_command_known(uint32_t command);
/** Consume one byte; returns what, if anything, is now complete. */
enum mssim_event mssim_feed(struct mssim_parser *p, uint8_t byte);

/** Big-endian u32 into `out`; returns 4. */
size_t mssim_put_u32(uint8_t *out, uint32_t v);

/**
 * The VTPM_CMD request (58019 table 16) for the command the parser holds,
 * in `page` (SVSM_VTPM_BUFFER_SIZE bytes). Returns the bytes used, or 0
 * when there is no valid command to send.
 */
size_t mssim_vtpm_request(const struct mssim_parser *p, uint8_t *page);

/**
 * Check a VTPM_CMD response (table 17) in `page` (which the SVSM wrote):
 * a size within the page and at least a TPM header whose own size field
 * agrees. Returns the response length and points `*rsp` at it, or 0.
 */
size_t mssim_vtpm_response(const uint8_t *page, const uint8_t **rsp);

/**
 * A TPM error response (tag 0x8001, 10 bytes) with `rc`, for commands the
 * bridge answers itself (bad size, refused by the SVSM). Returns 10.
 */
size_t mssim_tpm_error(uint8_t *out, uint32_t rc);

enum mssim_platform_action {
	MSSIM_PLAT_ACK,	    /* answer 0: a no-op for a vTPM that is always on */
	MSSIM_PLAT_FORWARD, /* the SVSM serves it (VTPM_QUERY bit set) */
	MSSIM_PLAT_REFUSE,  /* answer 1: neither */
};

/**
 * What to do with a platform command. `vtpm_bitmap` is VTPM_QUERY's RCX
 * (bit n: the SVSM serves platform command n). Power-on, NV-on and the
 * cancel signals are acknowledged (the vTPM is always powered, its NV
 * always available, cancellation advisory); commands the SVSM serves are
 * forwarded; the rest (power off, reset, ...) are refused.
 */
enum mssim_platform_action mssim_platform_action(uint32_t command,
						 uint64_t vtpm_bitmap);
