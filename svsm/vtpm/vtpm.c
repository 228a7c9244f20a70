/* SPDX-License-Identifier: MIT */
/*
 * vTPM lifecycle and command path over libtpms.
 *
 * libtpms is one global engine: `vtpm.lock` serialises every entry into it
 * (commands, reset, shutdown, EK creation). Its NV state goes through
 * callbacks that forward to a private copy of the `struct vtpm_nv_ops`
 * given at init. Buffers handed to libtpms on load must come from its own
 * allocator (it frees them), so each blob is copied into a TPM_Malloc()
 * buffer.
 */
#include <string.h>

#include <libtpms/tpm_error.h>
#include <libtpms/tpm_library.h>
#include <libtpms/tpm_memory.h>

#include "svsm/lock.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/vtpm.h"
#include "vtpm_internal.h"

static struct {
	struct spinlock lock;
	struct vtpm_nv_ops nv; /* a copy: the caller's may not outlive init */
	bool running;
	uint8_t locality;
	unsigned char *resp; /* libtpms' response buffer, reused */
	uint32_t resp_alloc;
} vtpm = { .lock = SPINLOCK_INIT };

/* libtpms names blobs "<name>"; the TPM number is always 0 here. */
static TPM_RESULT nv_init(void)
{
	return TPM_SUCCESS;
}

static TPM_RESULT nv_loaddata(unsigned char **data, uint32_t *length,
			      uint32_t tpm_number, const char *name)
{
	uint8_t *blob = NULL;
	size_t len = 0;
	unsigned char *copy = NULL; /* TPM_Malloc insists */
	int rc;

	(void)tpm_number;
	rc = vtpm.nv.load(vtpm.nv.ctx, name, &blob, &len);
	if (rc == 1) {
		return TPM_RETRY; /* absent: libtpms manufactures */
	}
	if (rc != 0 || len > UINT32_MAX) {
		kfree_sensitive(blob);
		return TPM_FAIL;
	}
	if (TPM_Malloc(&copy, (uint32_t)(len ? len : 1)) != TPM_SUCCESS) {
		kfree_sensitive(blob);
		return TPM_FAIL;
	}
	memcpy(copy, blob, len);
	kfree_sensitive(blob);
	*data = copy;
	*length = (uint32_t)len;
	return TPM_SUCCESS;
}

static TPM_RESULT nv_storedata(const unsigned char *data, uint32_t length,
			       uint32_t tpm_number, const char *name)
{
	(void)tpm_number;
	return vtpm.nv.store(vtpm.nv.ctx, name, data, length) == 0 ?
		       TPM_SUCCESS :
		       TPM_FAIL;
}

static TPM_RESULT nv_deletename(uint32_t tpm_number, const char *name,
				TPM_BOOL must_exist)
{
	int rc;

	(void)tpm_number;
	rc = vtpm.nv.remove(vtpm.nv.ctx, name);
	if (rc < 0 || (rc == 1 && must_exist)) {
		return TPM_FAIL;
	}
	return TPM_SUCCESS;
}

static TPM_RESULT io_init(void)
{
	return TPM_SUCCESS;
}

static TPM_RESULT io_getlocality(TPM_MODIFIER_INDICATOR *locality,
				 uint32_t tpm_number)
{
	(void)tpm_number;
	*locality = vtpm.locality;
	return TPM_SUCCESS;
}

static TPM_RESULT io_getphysicalpresence(TPM_BOOL *present, uint32_t tpm_number)
{
	(void)tpm_number;
	*present = FALSE;
	return TPM_SUCCESS;
}

static struct libtpms_callbacks vtpm_callbacks = {
	.sizeOfStruct = sizeof(struct libtpms_callbacks),
	.tpm_nvram_init = nv_init,
	.tpm_nvram_loaddata = nv_loaddata,
	.tpm_nvram_storedata = nv_storedata,
	.tpm_nvram_deletename = nv_deletename,
	.tpm_io_init = io_init,
	.tpm_io_getlocality = io_getlocality,
	.tpm_io_getphysicalpresence = io_getphysicalpresence,
};

/* Stop the engine and forget everything derived from it. Lock held. */
static void vtpm_stop(void)
{
	TPMLIB_Terminate();
	TPM_Free(vtpm.resp);
	vtpm.resp = NULL;
	vtpm.resp_alloc = 0;
	vtpm.running = false;
	vtpm_ek_forget();
}

/** Power on over `nv` (copied); manufacture when NV is empty; make EKs. */
int vtpm_init(const struct vtpm_nv_ops *nv)
{
	int rc = -1;

	spin_lock(&vtpm.lock);
	if (vtpm.running || nv == NULL) {
		goto out;
	}
	vtpm.nv = *nv;
	vtpm.locality = 0;
	if (TPMLIB_ChooseTPMVersion(TPMLIB_TPM_VERSION_2) != TPM_SUCCESS ||
	    TPMLIB_RegisterCallbacks(&vtpm_callbacks) != TPM_SUCCESS) {
		pr_warn("vtpm: libtpms refused TPM 2.0 set-up\n");
		goto out;
	}
	/* Responses must fit the protocol's page after its 4-byte size. */
	TPMLIB_SetBufferSize(VTPM_MAX_BUFFER - 4, NULL, NULL);
	if (TPMLIB_MainInit() != TPM_SUCCESS) {
		pr_warn("vtpm: TPM initialisation failed\n");
		TPMLIB_Terminate();
		goto out;
	}
	vtpm.running = true;
	/*
	 * The EKs are made now, before the guest can touch the TPM, so the
	 * manifest never depends on what the guest does to its TPM state.
	 */
	if (vtpm_ek_create_all() != 0) {
		pr_warn("vtpm: endorsement keys could not be created\n");
		vtpm_stop();
		goto out;
	}
	rc = 0;
out:
	spin_unlock(&vtpm.lock);
	return rc;
}

/** Stop the engine and forget cached keys; NV stays in the store. */
void vtpm_shutdown(void)
{
	spin_lock(&vtpm.lock);
	if (vtpm.running) {
		vtpm_stop();
	}
	spin_unlock(&vtpm.lock);
}

/** True between `vtpm_init()` and `vtpm_shutdown()`. */
bool vtpm_running(void)
{
	return vtpm.running;
}

/* _TPM_Init: libtpms runs it from MainInit, after Terminate has written
 * the state back through the NV callbacks. Lock held. */
int vtpm_reset_locked(void)
{
	if (!vtpm.running) {
		return -1;
	}
	TPMLIB_Terminate();
	if (TPMLIB_MainInit() != TPM_SUCCESS) {
		pr_warn("vtpm: TPM re-initialisation failed\n");
		vtpm_stop();
		return -1;
	}
	return 0;
}

/** Platform reset (a guest reboot): TPM2_Startup works again after it. */
int vtpm_reset(void)
{
	int rc;

	spin_lock(&vtpm.lock);
	rc = vtpm_reset_locked();
	spin_unlock(&vtpm.lock);
	return rc;
}

/* One command through libtpms. Lock held. */
int vtpm_send_locked(uint8_t locality, const uint8_t *cmd, size_t cmd_len,
		     uint8_t *resp, size_t resp_size, size_t *resp_len)
{
	uint32_t out_len = 0;

	if (!vtpm.running || cmd_len == 0 || cmd_len > VTPM_MAX_BUFFER ||
	    locality > 4) {
		return -1;
	}
	vtpm.locality = locality;
	/* libtpms takes a non-const command buffer but does not modify it. */
	if (TPMLIB_Process(&vtpm.resp, &out_len, &vtpm.resp_alloc,
			   (unsigned char *)(uintptr_t)cmd,
			   (uint32_t)cmd_len) != TPM_SUCCESS) {
		return -1;
	}
	if (out_len > resp_size) {
		return -1;
	}
	memcpy(resp, vtpm.resp, out_len);
	*resp_len = out_len;
	return 0;
}

/** Run one TPM command (see svsm/vtpm.h). */
int vtpm_send_command(uint8_t locality, const uint8_t *cmd, size_t cmd_len,
		      uint8_t *resp, size_t resp_size, size_t *resp_len)
{
	int rc;

	spin_lock(&vtpm.lock);
	rc = vtpm_send_locked(locality, cmd, cmd_len, resp, resp_size,
			      resp_len);
	spin_unlock(&vtpm.lock);
	return rc;
}
