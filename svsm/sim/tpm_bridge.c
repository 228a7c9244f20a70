/* SPDX-License-Identifier: MIT */
/* The TPM bridge's logic (see tpm_bridge.h). */
#include <string.h>

#include "abi/svsm_result.h"
#include "abi/svsm_vtpm.h"
#include "tpm_bridge.h"

#define TPM_RC_FAILURE 0x101U
#define TPM_RC_LOCALITY 0x107U
#define TPM_RC_COMMAND_SIZE 0x142U

void tpm_bridge_init(struct tpm_bridge *b, const struct tpm_bridge_ops *ops,
		     void *ctx, uint64_t bitmap, uint8_t *page)
{
	memset(b, 0, sizeof(*b));
	b->ops = ops;
	b->ctx = ctx;
	b->bitmap = bitmap;
	b->page = page;
	mssim_init(&b->parser);
}

static void put_u32(struct tpm_bridge *b, uint32_t v)
{
	uint8_t w[4];

	b->ops->put(b->ctx, w, mssim_put_u32(w, v));
}

/* Forward a TPM command; answer u32 size, the response, u32 0. */
static void tpm_command(struct tpm_bridge *b)
{
	const struct mssim_parser *p = &b->parser;
	const uint8_t *rsp = NULL;
	uint8_t err[MSSIM_TPM_HEADER];
	size_t n = 0;

	b->last_command = p->cmd_len >= MSSIM_TPM_HEADER ?
				  (uint32_t)p->cmd[6] << 24 |
					  (uint32_t)p->cmd[7] << 16 |
					  (uint32_t)p->cmd[8] << 8 | p->cmd[9] :
				  0;
	b->last_rc = SVSM_SUCCESS;
	if (mssim_vtpm_request(p, b->page) == 0) {
		n = mssim_tpm_error(err, TPM_RC_COMMAND_SIZE);
		rsp = err;
	} else {
		b->last_rc = b->ops->vtpm_cmd(b->ctx, b->page);
		if (b->last_rc == SVSM_SUCCESS) {
			n = mssim_vtpm_response(b->page, &rsp);
		}
		if (n == 0) {
			n = mssim_tpm_error(err, p->locality != 0 ?
							 TPM_RC_LOCALITY :
							 TPM_RC_FAILURE);
			rsp = err;
		}
	}
	b->last_rsp_len = (uint32_t)n;
	b->tpm_commands++;
	put_u32(b, (uint32_t)n);
	b->ops->put(b->ctx, rsp, n);
	put_u32(b, 0);
}

static uint32_t platform_command(struct tpm_bridge *b, uint32_t command)
{
	uint32_t answer = 1;

	if (b->ops->platform != NULL &&
	    b->ops->platform(b->ctx, command, &answer)) {
		return answer;
	}
	switch (mssim_platform_action(command, b->bitmap)) {
	case MSSIM_PLAT_ACK:
		return 0;
	case MSSIM_PLAT_FORWARD:
		memset(b->page, 0, SVSM_VTPM_BUFFER_SIZE);
		memcpy(b->page, &command, sizeof(command));
		return b->ops->vtpm_cmd(b->ctx, b->page) == SVSM_SUCCESS ? 0 :
									   1;
	default:
		return 1;
	}
}

enum tpm_bridge_result tpm_bridge_feed(struct tpm_bridge *b, uint8_t byte)
{
	struct mssim_parser *p = &b->parser;

	switch (mssim_feed(p, byte)) {
	case MSSIM_EV_NONE:
		return TPM_BRIDGE_MORE;
	case MSSIM_EV_TPM_COMMAND:
		tpm_command(b);
		return TPM_BRIDGE_TPM;
	case MSSIM_EV_HANDSHAKE:
		put_u32(b, MSSIM_SERVER_VERSION);
		put_u32(b, MSSIM_FLAG_PLATFORM_AVAILABLE);
		put_u32(b, 0);
		return TPM_BRIDGE_PLATFORM;
	case MSSIM_EV_PLATFORM:
		b->last_command = p->command;
		b->last_rc = platform_command(b, p->command);
		put_u32(b, b->last_rc);
		return TPM_BRIDGE_PLATFORM;
	case MSSIM_EV_STOP:
		return TPM_BRIDGE_STOP;
	default:
		b->last_command = p->command;
		return TPM_BRIDGE_IGNORED;
	}
}
