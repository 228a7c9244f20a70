/* SPDX-License-Identifier: MIT */
/*
 * vTPM protocol (protocol 2) structures (AMD pub. 58019 rev 1.00, section 8,
 * tables 14-17; MSSIM platform command numbers from the TCG reference
 * simulator's TpmTcpProtocol.h).
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_SVSM_VTPM_H
#define ABI_SVSM_VTPM_H

#include <stdint.h>

#define SVSM_VTPM_VERSION_MIN 1U
#define SVSM_VTPM_VERSION_MAX 1U

/* Platform commands (bit n of the QUERY bitmap <=> command n). */
#define SVSM_VTPM_PLAT_SIGNAL_POWER_ON 1U
#define SVSM_VTPM_PLAT_SIGNAL_POWER_OFF 2U
#define SVSM_VTPM_PLAT_SEND_COMMAND 8U
#define SVSM_VTPM_PLAT_SIGNAL_CANCEL_ON 9U
#define SVSM_VTPM_PLAT_SIGNAL_CANCEL_OFF 10U
#define SVSM_VTPM_PLAT_SIGNAL_NV_ON 11U
#define SVSM_VTPM_PLAT_SIGNAL_NV_OFF 12U
#define SVSM_VTPM_PLAT_SIGNAL_RESET 17U

/* The request/response buffer is at most one page. */
#define SVSM_VTPM_BUFFER_SIZE 4096U

/** TPM_SEND_COMMAND request (table 16). */
struct svsm_vtpm_send_req {
	uint32_t platform_cmd; /* SVSM_VTPM_PLAT_SEND_COMMAND */
	uint8_t locality;      /* must be 0 */
	uint32_t cmd_size;     /* == size field of the TPM command */
	uint8_t cmd[SVSM_VTPM_BUFFER_SIZE - 9];
} __attribute__((packed));

/** TPM_SEND_COMMAND response (table 17), written over the request. */
struct svsm_vtpm_send_rsp {
	uint32_t rsp_size;
	uint8_t rsp[SVSM_VTPM_BUFFER_SIZE - 4];
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct svsm_vtpm_send_req, locality) == 4,
	       "58019 table 16");
_Static_assert(__builtin_offsetof(struct svsm_vtpm_send_req, cmd_size) == 5,
	       "58019 table 16");
_Static_assert(__builtin_offsetof(struct svsm_vtpm_send_req, cmd) == 9,
	       "58019 table 16");
_Static_assert(sizeof(struct svsm_vtpm_send_req) == SVSM_VTPM_BUFFER_SIZE,
	       "58019 table 16");
_Static_assert(sizeof(struct svsm_vtpm_send_rsp) == SVSM_VTPM_BUFFER_SIZE,
	       "58019 table 17");

#endif /* ABI_SVSM_VTPM_H */
