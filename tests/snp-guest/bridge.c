/* SPDX-License-Identifier: MIT */
/*
 * The TPM bridge: TPM commands from the host in mssim framing (COM2: the
 * command channel, COM3: the platform channel, each a QEMU chardev socket
 * on 127.0.0.1 that tpm2-tss's mssim TCTI connects to directly) go to the
 * vTPM through VTPM_CMD (protocol 2); the answers go back the same way.
 * The guest serves until a STOP arrives on either channel.
 */
#include <string.h>

#include "abi/svsm_vtpm.h"
#include "guest.h"
#include "mssim.h"
#include "svsm.h"

#define BRIDGE_PAGE 240U /* scratch page index of the VTPM_CMD buffer */
#define TPM_RC_FAILURE 0x101U
#define TPM_RC_LOCALITY 0x107U
#define TPM_RC_COMMAND_SIZE 0x142U

static struct mssim_parser cmd_chan, plat_chan;

bool bridge_wanted(void)
{
	return uart_present(COM2) && uart_present(COM3);
}

static void put(uint16_t port, const uint8_t *b, size_t n)
{
	while (n-- > 0) {
		uart_putc(port, *b++);
	}
}

static void put_u32(uint16_t port, uint32_t v)
{
	uint8_t b[4];

	put(port, b, mssim_put_u32(b, v));
}

/* One TPM command: forward it, answer the host in mssim framing. */
static void tpm_command(uint8_t *page)
{
	const struct mssim_parser *p = &cmd_chan;
	struct svsm_regs r = { .rcx = (uint64_t)(uintptr_t)page };
	const uint8_t *rsp = NULL;
	uint8_t err[MSSIM_TPM_HEADER];
	size_t n = 0;
	uint32_t rc = SVSM_SUCCESS;

	if (mssim_vtpm_request(p, page) == 0) {
		n = mssim_tpm_error(err, TPM_RC_COMMAND_SIZE);
		rsp = err;
	} else {
		rc = svsm_call(SVSM_PROTOCOL_VTPM, SVSM_VTPM_CMD, &r);
		if (rc == SVSM_SUCCESS) {
			n = mssim_vtpm_response(page, &rsp);
		}
		if (n == 0) {
			n = mssim_tpm_error(err, p->locality != 0 ?
							 TPM_RC_LOCALITY :
							 TPM_RC_FAILURE);
			rsp = err;
		}
	}
	note("tpm bridge: command 0x%x (%u bytes, locality %u): SVSM 0x%x, "
	     "response %u bytes",
	     p->cmd_len >= MSSIM_TPM_HEADER ?
		     (unsigned)((uint32_t)p->cmd[6] << 24 |
				(uint32_t)p->cmd[7] << 16 |
				(uint32_t)p->cmd[8] << 8 | p->cmd[9]) :
		     0U,
	     (unsigned)p->cmd_len, p->locality, rc, (unsigned)n);
	put_u32(COM2, (uint32_t)n);
	put(COM2, rsp, n);
	put_u32(COM2, 0);
}

static uint32_t platform_command(uint32_t command, uint64_t bitmap,
				 uint8_t *page)
{
	struct svsm_regs r = { .rcx = (uint64_t)(uintptr_t)page };

	switch (mssim_platform_action(command, bitmap)) {
	case MSSIM_PLAT_ACK:
		return 0;
	case MSSIM_PLAT_FORWARD:
		memset(page, 0, SVSM_VTPM_BUFFER_SIZE);
		memcpy(page, &command, sizeof(command));
		return svsm_call(SVSM_PROTOCOL_VTPM, SVSM_VTPM_CMD, &r) ==
				       SVSM_SUCCESS ?
			       0 :
			       1;
	default:
		return 1;
	}
}

/* Returns true when the host asked the guest to stop. */
static bool step(enum mssim_channel chan, uint64_t bitmap, uint8_t *page)
{
	struct mssim_parser *p =
		chan == MSSIM_CHAN_COMMAND ? &cmd_chan : &plat_chan;
	uint16_t port = chan == MSSIM_CHAN_COMMAND ? COM2 : COM3;
	uint32_t res;

	switch (mssim_feed(p, uart_getc(port))) {
	case MSSIM_EV_TPM_COMMAND:
		tpm_command(page);
		return false;
	case MSSIM_EV_HANDSHAKE:
		put_u32(port, MSSIM_SERVER_VERSION);
		put_u32(port, MSSIM_FLAG_PLATFORM_AVAILABLE);
		put_u32(port, 0);
		return false;
	case MSSIM_EV_PLATFORM:
		res = platform_command(p->command, bitmap, page);
		note("tpm bridge: platform command %u: %s", p->command,
		     res == 0 ? "done" : "refused");
		put_u32(port, res);
		return false;
	case MSSIM_EV_STOP:
		note("tpm bridge: stop");
		return true;
	case MSSIM_EV_UNKNOWN:
		note("tpm bridge: unknown command %u ignored", p->command);
		return false;
	case MSSIM_EV_ERROR:
		note("tpm bridge: frame length beyond %u: stream restarted",
		     MSSIM_MAX_SKIP);
		return false;
	default:
		return false;
	}
}

void bridge_serve(void)
{
	struct svsm_regs r = { 0 };
	uint8_t *page = (uint8_t *)(uintptr_t)scratch_page(BRIDGE_PAGE);
	uint64_t bitmap;

	if (svsm_call(SVSM_PROTOCOL_VTPM, SVSM_VTPM_QUERY, &r) !=
		    SVSM_SUCCESS ||
	    (r.rcx & (1ULL << SVSM_VTPM_PLAT_SEND_COMMAND)) == 0) {
		con_puts("snp-guest: tpm bridge: no vTPM (protocol 2) to "
			 "serve\n");
		return;
	}
	bitmap = r.rcx;
	if (env.scratch_size < (BRIDGE_PAGE + 1) * PAGE_SIZE ||
	    svsm_validate_range((uint64_t)(uintptr_t)page, PAGE_SIZE) !=
		    SVSM_SUCCESS) {
		con_puts("snp-guest: tpm bridge: no page for VTPM_CMD\n");
		return;
	}
	mssim_init(&cmd_chan, MSSIM_CHAN_COMMAND);
	mssim_init(&plat_chan, MSSIM_CHAN_PLATFORM);
	con_puts("snp-guest: tpm bridge ready: COM2 command, COM3 platform "
		 "(mssim)\n");
	for (;;) {
		if (uart_ready(COM2) &&
		    step(MSSIM_CHAN_COMMAND, bitmap, page)) {
			break;
		}
		if (uart_ready(COM3) &&
		    step(MSSIM_CHAN_PLATFORM, bitmap, page)) {
			break;
		}
	}
}
