/* SPDX-License-Identifier: MIT */
/*
 * vTPM protocol (58019 protocol 2): VTPM_QUERY and VTPM_CMD carrying the
 * MSSIM TPM_SEND_COMMAND request exactly as Linux's tpm_svsm driver frames
 * it: {u32 platform command, u8 locality, u32 size, command} in, then
 * {u32 size, response} written over it.
 *
 * The whole 4096-byte buffer a response may fill is checked first (guest
 * memory, not the SVSM's, writable), then the guest buffer is copied into
 * SVSM memory once (header, then the command) and checked there, and the
 * response is copied back only after the TPM ran. The buffers are static: the TPM path allocates nothing itself.
 */
#include <string.h>

#include "svsm/guest.h"
#include "svsm/lock.h"
#include "svsm/vcpu.h"
#include "svsm/services.h"
#include "svsm/vtpm.h"
#include "svsm/vtpm_proto.h"
#include "abi/svsm_call.h"
#include "abi/svsm_vtpm.h"

#define SEND_HDR_SIZE 9U /* platform command, locality, size */
#define RSP_HDR_SIZE 4U	 /* response size */
#define TPM_HDR_SIZE 10U /* tag, size, code */

/* Owns the two buffers below (libtpms has its own lock in vtpm.c). */
static struct spinlock vtpm_lock = SPINLOCK_INIT;
static uint8_t cmd_buf[SVSM_VTPM_BUFFER_SIZE - SEND_HDR_SIZE];
static uint8_t rsp_buf[SVSM_VTPM_BUFFER_SIZE];

/* MSSIM platform command numbers this protocol knows (tpm_tcp_protocol). */
static bool platform_cmd_known(uint32_t cmd)
{
	return (cmd >= 1 && cmd <= 18) || cmd == 20 || cmd == 21 || cmd == 25 ||
	       cmd == 26 || cmd == 30;
}

/** Platform commands VTPM_CMD accepts (see svsm/vtpm_proto.h). */
uint64_t vtpm_proto_supported_cmds(void)
{
	return 1ULL << SVSM_VTPM_PLAT_SEND_COMMAND;
}

/* Check and copy [gpa, gpa + len) out of guest memory; 0 or a result. */
static enum svsm_result copy_in(void *dst, uint64_t gpa, size_t len)
{
	enum svsm_result rc = SVSM_SUCCESS;

	spin_lock(&core_lock);
	if (svsm_owns_range(gpa, len, NO_CA) ||
	    !guest_copy_from(dst, gpa, len)) {
		rc = SVSM_ERR_INVALID_ADDRESS;
	}
	spin_unlock(&core_lock);
	return rc;
}

static enum svsm_result copy_out(uint64_t gpa, const void *src, size_t len)
{
	enum svsm_result rc = SVSM_SUCCESS;

	spin_lock(&core_lock);
	if (svsm_owns_range(gpa, len, NO_CA) || !guest_copy_to(gpa, src, len)) {
		rc = SVSM_ERR_INVALID_ADDRESS;
	}
	spin_unlock(&core_lock);
	return rc;
}

/* The whole buffer is guest memory, not the SVSM's, and writable now. */
static enum svsm_result buffer_check(uint64_t gpa)
{
	enum svsm_result rc = SVSM_SUCCESS;

	spin_lock(&core_lock);
	if (svsm_owns_range(gpa, SVSM_VTPM_BUFFER_SIZE, NO_CA) ||
	    !guest_probe_write(gpa, SVSM_VTPM_BUFFER_SIZE)) {
		rc = SVSM_ERR_INVALID_ADDRESS;
	}
	spin_unlock(&core_lock);
	return rc;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Decode: every check, no side effect. */
static enum svsm_result send_decode(const uint8_t hdr[SEND_HDR_SIZE],
				    uint32_t *size)
{
	uint32_t cmd, len;

	memcpy(&cmd, hdr, 4);
	memcpy(&len, hdr + 5, 4); /* unaligned, little-endian */
	if (cmd != SVSM_VTPM_PLAT_SEND_COMMAND) {
		return platform_cmd_known(cmd) ? SVSM_ERR_UNSUPPORTED_CALL :
						 SVSM_ERR_INVALID_PARAMETER;
	}
	if (hdr[4] != 0 || len < TPM_HDR_SIZE || len > sizeof(cmd_buf)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	*size = len;
	return SVSM_SUCCESS;
}

static enum svsm_result vtpm_cmd(uint64_t gpa)
{
	uint8_t hdr[SEND_HDR_SIZE];
	uint32_t size = 0;
	size_t rsp_len = 0;
	enum svsm_result rc;

	if (gpa == 0) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (gpa > UINT64_MAX - SVSM_VTPM_BUFFER_SIZE) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	/*
	 * The response may take the whole buffer (58019 table 14: up to 4096
	 * bytes from RCX, written over the request). Check all of it before
	 * the TPM runs: a command that ran cannot be undone (a CreatePrimary
	 * would hold a transient object the guest never hears of), so a
	 * buffer the response cannot reach fails here, having changed
	 * nothing.
	 */
	rc = buffer_check(gpa);
	if (rc == SVSM_SUCCESS) {
		rc = copy_in(hdr, gpa, sizeof(hdr));
	}
	if (rc == SVSM_SUCCESS) {
		rc = send_decode(hdr, &size);
	}
	if (rc != SVSM_SUCCESS) {
		return rc;
	}
	spin_lock(&vtpm_lock);
	rc = copy_in(cmd_buf, gpa + SEND_HDR_SIZE, size);
	/* The TPM command's own size field must agree with the framing. */
	if (rc == SVSM_SUCCESS && be32(cmd_buf + 2) != size) {
		rc = SVSM_ERR_INVALID_PARAMETER;
	}
	if (rc == SVSM_SUCCESS &&
	    vtpm_send_command(0, cmd_buf, size, rsp_buf + RSP_HDR_SIZE,
			      sizeof(rsp_buf) - RSP_HDR_SIZE, &rsp_len) != 0) {
		rc = SVSM_ERR_INVALID_REQUEST;
	}
	if (rc == SVSM_SUCCESS) {
		uint32_t n = (uint32_t)rsp_len;

		memcpy(rsp_buf, &n, sizeof(n));
		rc = copy_out(gpa, rsp_buf, RSP_HDR_SIZE + rsp_len);
	}
	/* Commands and responses can carry secrets (unsealed data). */
	memset(cmd_buf, 0, size);
	memset(rsp_buf, 0, RSP_HDR_SIZE + rsp_len);
	spin_unlock(&vtpm_lock);
	return rc;
}

/** Protocol 2's call switch (see svsm/vtpm_proto.h). */
enum svsm_result vtpm_proto_dispatch(const struct svsm_caller *caller,
				     uint32_t call,
				     const struct svsm_call_in *in,
				     struct svsm_call_out *out)
{
	(void)caller;
	/* The kernel may still be manufacturing the TPM: wait for it. */
	if (!svsm_vtpm_wait()) {
		return SVSM_ERR_UNSUPPORTED_PROTOCOL;
	}
	switch (call) {
	case SVSM_VTPM_QUERY:
		out->rcx = vtpm_proto_supported_cmds();
		out->rdx = 0; /* no features in version 1 */
		out->set = SVSM_OUT_RCX | SVSM_OUT_RDX;
		return SVSM_SUCCESS;
	case SVSM_VTPM_CMD:
		return vtpm_cmd(in->rcx);
	default:
		return SVSM_ERR_UNSUPPORTED_CALL;
	}
}
