/* SPDX-License-Identifier: MIT */
/* Malformed VTPM_CMD requests and their results (see vtpm_cases.h). */
#include <string.h>

#include "abi/svsm_result.h"
#include "abi/svsm_vtpm.h"
#include "vtpm_cases.h"

const struct vtpm_frame_case vtpm_frame_cases[] = {
	{ "locality 1", SVSM_VTPM_PLAT_SEND_COMMAND, 1, 0, 0,
	  SVSM_ERR_INVALID_PARAMETER },
	{ "framing size disagrees with the TPM header",
	  SVSM_VTPM_PLAT_SEND_COMMAND, 0, 1, 0, SVSM_ERR_INVALID_PARAMETER },
	{ "framing size beyond the page", SVSM_VTPM_PLAT_SEND_COMMAND, 0, 0,
	  4088, SVSM_ERR_INVALID_PARAMETER },
	{ "framing size under a TPM header", SVSM_VTPM_PLAT_SEND_COMMAND, 0, 0,
	  4, SVSM_ERR_INVALID_PARAMETER },
	{ "known platform command the vTPM does not serve (power on)",
	  SVSM_VTPM_PLAT_SIGNAL_POWER_ON, 0, 0, 0, SVSM_ERR_UNSUPPORTED_CALL },
	{ "unknown platform command 99", 99, 0, 0, 0,
	  SVSM_ERR_INVALID_PARAMETER },
};

const size_t vtpm_frame_case_count =
	sizeof(vtpm_frame_cases) / sizeof(vtpm_frame_cases[0]);

const struct vtpm_addr_case vtpm_addr_cases[] = {
	{ "buffer at GPA 0", VTPM_AT_NULL, SVSM_ERR_INVALID_PARAMETER },
	{ "buffer in SVSM memory", VTPM_AT_SVSM, SVSM_ERR_INVALID_ADDRESS },
	{ "buffer beyond guest RAM", VTPM_AT_BEYOND_RAM,
	  SVSM_ERR_INVALID_ADDRESS },
	{ "buffer in a page not validated", VTPM_AT_UNVALIDATED,
	  SVSM_ERR_INVALID_ADDRESS },
	{ "buffer wrapping past 2^64", VTPM_AT_WRAP, SVSM_ERR_INVALID_ADDRESS },
	{ "buffer in the Calling Area", VTPM_AT_CA, SVSM_ERR_INVALID_ADDRESS },
};

const size_t vtpm_addr_case_count =
	sizeof(vtpm_addr_cases) / sizeof(vtpm_addr_cases[0]);

size_t vtpm_frame(uint8_t *buf, uint32_t platform_cmd, uint8_t locality,
		  uint32_t size, const uint8_t *cmd, size_t cmd_len)
{
	size_t at = offsetof(struct svsm_vtpm_send_req, cmd);

	if (cmd_len > SVSM_VTPM_BUFFER_SIZE - at) {
		cmd_len = SVSM_VTPM_BUFFER_SIZE - at;
	}
	memcpy(buf + offsetof(struct svsm_vtpm_send_req, platform_cmd),
	       &platform_cmd, sizeof(platform_cmd));
	buf[offsetof(struct svsm_vtpm_send_req, locality)] = locality;
	memcpy(buf + offsetof(struct svsm_vtpm_send_req, cmd_size), &size,
	       sizeof(size));
	memcpy(buf + at, cmd, cmd_len);
	return at + cmd_len;
}

uint32_t vtpm_frame_case_size(const struct vtpm_frame_case *c, size_t cmd_len)
{
	if (c->size != 0) {
		return c->size;
	}
	return (uint32_t)((int64_t)cmd_len + c->size_delta);
}
