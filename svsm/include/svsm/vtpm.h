/* SPDX-License-Identifier: MIT */
/*
 * The vTPM service: a TPM 2.0 (libtpms) living in SVSM memory.
 *
 * Lifecycle. `vtpm_init()` powers the TPM on (libtpms manufactures it on
 * first start, when its NV store is empty) and leaves it in the state a
 * real TPM has after _TPM_Init: the guest's firmware sends TPM2_Startup
 * itself. `vtpm_reset()` re-runs _TPM_Init (a platform reset, e.g. a guest
 * reboot) so TPM2_Startup(CLEAR) works again; NV contents survive.
 *
 * NV state goes through `struct vtpm_nv_ops`: a memory-backed store
 * (`vtpm_nv_mem_*`) and a persistent, encrypted one (svsm/vtpm_store.h).
 *
 * libtpms is a single global engine, so there is one vTPM per SVSM.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Largest TPM command or response the service takes (spec 58019 Table 16). */
#define VTPM_MAX_BUFFER 4096

/**
 * Where the TPM keeps its NV state. Blobs are named by libtpms
 * ("permall", "volatilestate", ...).
 */
struct vtpm_nv_ops {
	/**
	 * Load blob `name`: 0 with `*data` (allocated with `kmalloc()`, the
	 * caller frees it) and `*len` set, 1 if there is no such blob, -1 on
	 * error.
	 */
	int (*load)(void *ctx, const char *name, uint8_t **data, size_t *len);
	/** Store (replace) blob `name`: 0 or -1 (nothing changed). */
	int (*store)(void *ctx, const char *name, const uint8_t *data,
		     size_t len);
	/** Delete blob `name`: 0, 1 if absent, -1 on error. */
	int (*remove)(void *ctx, const char *name);
	void *ctx;
};

/** EK templates of the TCG EK Credential Profile (default, low range). */
enum vtpm_ek_type {
	VTPM_EK_RSA2048 = 0,  /* template L-1 */
	VTPM_EK_ECC_P256 = 1, /* template L-2 */
};

/**
 * Start the vTPM over `nv` (the ops are copied; `nv->ctx` must stay valid
 * until `vtpm_shutdown()`), manufacturing it if NV is empty and creating
 * both endorsement keys. Returns 0, or -1 (nothing left running).
 */
int vtpm_init(const struct vtpm_nv_ops *nv);

/** Stop the engine and forget cached keys; NV stays in the store. */
void vtpm_shutdown(void);

/** True between `vtpm_init()` and `vtpm_shutdown()`. */
bool vtpm_running(void);

/** Platform reset: _TPM_Init again. Returns 0 or -1 (vTPM stopped). */
int vtpm_reset(void);

/**
 * Run one TPM command at `locality`. `cmd`/`cmd_len` is the command;
 * the response (at most `resp_size` bytes) goes to `resp`, its length to
 * `*resp_len`. Returns 0, or -1 when the command could not be run at all
 * (vTPM not running, sizes out of range, response too large): a TPM error
 * is still a response and returns 0.
 */
int vtpm_send_command(uint8_t locality, const uint8_t *cmd, size_t cmd_len,
		      uint8_t *resp, size_t resp_size, size_t *resp_len);

/**
 * The public area (TPMT_PUBLIC, marshalled) of the endorsement key of
 * `type`, created at `vtpm_init()` from the TCG default template. NULL if
 * the vTPM is not running.
 */
const uint8_t *vtpm_ek_public(enum vtpm_ek_type type, size_t *len);

/* A memory-backed NV store (SVSM heap). */
struct vtpm_nv_mem;

/** NULL on allocation failure. */
struct vtpm_nv_mem *vtpm_nv_mem_create(void);
void vtpm_nv_mem_destroy(struct vtpm_nv_mem *mem);
/** Fill `ops` to use `mem`. */
void vtpm_nv_mem_ops(struct vtpm_nv_mem *mem, struct vtpm_nv_ops *ops);
/** Blob `name` in place (valid until it changes; `*len` set), or NULL. */
const uint8_t *vtpm_nv_mem_peek(struct vtpm_nv_mem *mem, const char *name,
				size_t *len);
/** Call `fn` on each blob until it returns non-zero; returns that or 0. */
int vtpm_nv_mem_each(struct vtpm_nv_mem *mem,
		     int (*fn)(void *ctx, const char *name, const uint8_t *data,
			       size_t len),
		     void *ctx);
