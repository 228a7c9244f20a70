/* SPDX-License-Identifier: MIT */
/* The mssim frame parser and the VTPM_CMD framing (see mssim.h). */
#include <string.h>

#include "abi/svsm_vtpm.h"
#include "mssim.h"
#include "vtpm_cases.h"

enum {
	ST_COMMAND,  /* the u32 command */
	ST_LOCALITY, /* SEND_COMMAND: u8 locality */
	ST_SIZE,     /* SEND_COMMAND: u32 size */
	ST_BODY,     /* SEND_COMMAND: the command bytes */
	ST_ARG,	     /* a u32 argument (handshake, ACT handle) */
};

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

void mssim_init(struct mssim_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->state = ST_COMMAND;
}

bool mssim_command_known(uint32_t command)
{
	return (command >= MSSIM_SIGNAL_POWER_ON &&
		command <= MSSIM_SIGNAL_RESTART) ||
	       command == MSSIM_SESSION_END || command == MSSIM_STOP ||
	       command == 25U || command == MSSIM_ACT_GET_SIGNALED ||
	       command == 30U; /* response sizes, test failure mode */
}

static void restart(struct mssim_parser *p)
{
	p->state = ST_COMMAND;
	p->word_len = 0;
}

/* Collect a big-endian u32; true once all four bytes are in. */
static bool word(struct mssim_parser *p, uint8_t byte, uint32_t *v)
{
	p->word[p->word_len++] = byte;
	if (p->word_len < 4) {
		return false;
	}
	p->word_len = 0;
	*v = be32(p->word);
	return true;
}

static enum mssim_event on_command(struct mssim_parser *p)
{
	p->arg = 0;
	switch (p->command) {
	case MSSIM_SEND_COMMAND:
		p->state = ST_LOCALITY;
		return MSSIM_EV_NONE;
	case MSSIM_REMOTE_HANDSHAKE:
	case MSSIM_ACT_GET_SIGNALED:
		p->state = ST_ARG;
		return MSSIM_EV_NONE;
	case MSSIM_SESSION_END:
		return MSSIM_EV_SESSION_END;
	case MSSIM_STOP:
		return MSSIM_EV_STOP;
	default:
		return MSSIM_EV_PLATFORM;
	}
}

static enum mssim_event on_size(struct mssim_parser *p)
{
	p->got = 0;
	p->cmd_len = 0;
	p->bad_size = p->size < MSSIM_TPM_HEADER || p->size > MSSIM_MAX_COMMAND;
	if (p->size > MSSIM_MAX_SKIP) {
		restart(p);
		return MSSIM_EV_ERROR;
	}
	if (p->size == 0) {
		restart(p);
		return MSSIM_EV_TPM_COMMAND;
	}
	p->state = ST_BODY;
	return MSSIM_EV_NONE;
}

enum mssim_event mssim_feed(struct mssim_parser *p, uint8_t byte)
{
	switch (p->state) {
	case ST_COMMAND:
		if (!word(p, byte, &p->command)) {
			return MSSIM_EV_NONE;
		}
		return on_command(p);
	case ST_LOCALITY:
		p->locality = byte;
		p->state = ST_SIZE;
		return MSSIM_EV_NONE;
	case ST_SIZE:
		if (!word(p, byte, &p->size)) {
			return MSSIM_EV_NONE;
		}
		return on_size(p);
	case ST_BODY:
		if (!p->bad_size) {
			p->cmd[p->got] = byte;
		}
		if (++p->got < p->size) {
			return MSSIM_EV_NONE;
		}
		p->cmd_len = p->bad_size ? 0 : p->size;
		restart(p);
		return MSSIM_EV_TPM_COMMAND;
	case ST_ARG:
		if (!word(p, byte, &p->arg)) {
			return MSSIM_EV_NONE;
		}
		restart(p);
		return p->command == MSSIM_REMOTE_HANDSHAKE ?
			       MSSIM_EV_HANDSHAKE :
			       MSSIM_EV_PLATFORM;
	default:
		restart(p);
		return MSSIM_EV_ERROR;
	}
}

size_t mssim_put_u32(uint8_t *out, uint32_t v)
{
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
	return 4;
}

size_t mssim_vtpm_request(const struct mssim_parser *p, uint8_t *page)
{
	if (p->bad_size || p->cmd_len < MSSIM_TPM_HEADER ||
	    p->cmd_len > MSSIM_MAX_COMMAND) {
		return 0;
	}
	memset(page, 0, SVSM_VTPM_BUFFER_SIZE);
	return vtpm_frame(page, SVSM_VTPM_PLAT_SEND_COMMAND, p->locality,
			  (uint32_t)p->cmd_len, p->cmd, p->cmd_len);
}

size_t mssim_vtpm_response(const uint8_t *page, const uint8_t **rsp)
{
	uint32_t n;

	memcpy(&n, page + offsetof(struct svsm_vtpm_send_rsp, rsp_size), 4);
	if (n < MSSIM_TPM_HEADER || n > MSSIM_MAX_RESPONSE) {
		return 0;
	}
	*rsp = page + offsetof(struct svsm_vtpm_send_rsp, rsp);
	if (be32(*rsp + 2) != n) {
		return 0;
	}
	return n;
}

size_t mssim_tpm_error(uint8_t *out, uint32_t rc)
{
	out[0] = 0x80; /* TPM_ST_NO_SESSIONS */
	out[1] = 0x01;
	mssim_put_u32(out + 2, MSSIM_TPM_HEADER);
	mssim_put_u32(out + 6, rc);
	return MSSIM_TPM_HEADER;
}

enum mssim_platform_action mssim_platform_action(uint32_t command,
						 uint64_t vtpm_bitmap)
{
	if (command < 64 && (vtpm_bitmap & (1ULL << command)) != 0 &&
	    command != MSSIM_SEND_COMMAND) {
		return MSSIM_PLAT_FORWARD;
	}
	switch (command) {
	case MSSIM_SIGNAL_POWER_ON:
	case MSSIM_SIGNAL_NV_ON:
	case MSSIM_SIGNAL_CANCEL_ON:
	case MSSIM_SIGNAL_CANCEL_OFF:
		return MSSIM_PLAT_ACK;
	default:
		return MSSIM_PLAT_REFUSE;
	}
}
