/* SPDX-License-Identifier: MIT */
/*
 * The guest's TPM bridge: the mssim stream from the host on COM2 (a QEMU
 * chardev socket on 127.0.0.1; tpm-relay.py merges tpm2-tss's command and
 * platform connections onto it) goes through tpm_bridge.c to VTPM_CMD
 * (protocol 2). The guest serves until a STOP arrives. Before anything
 * else the host sends one mode byte (see guest.h).
 */
#include "abi/svsm_vtpm.h"
#include "guest.h"
#include "svsm.h"
#include "tpm_bridge.h"

#define BRIDGE_PAGE 240U /* scratch page index of the VTPM_CMD buffer */

static struct tpm_bridge bridge;

enum bridge_mode bridge_mode(void)
{
	uint8_t c;

	if (!uart_present(COM2)) {
		return BRIDGE_NONE;
	}
	con_puts("snp-guest: COM2 present: waiting for the host's mode "
		 "(C: checks, then the TPM bridge; B: the bridge alone; "
		 "R: the reboot test; A: the same from an AP)\n");
	c = uart_getc(COM2);
	if (c == BRIDGE_MODE_ONLY) {
		return BRIDGE_ONLY;
	}
	if (c == BRIDGE_MODE_REBOOT) {
		return BRIDGE_REBOOT;
	}
	if (c == BRIDGE_MODE_REBOOT_AP) {
		return BRIDGE_REBOOT_AP;
	}
	if (c != BRIDGE_MODE_AFTER_CHECKS) {
		note("mode byte 0x%x is neither: checks first", c);
	}
	return BRIDGE_AFTER_CHECKS;
}

static void put(void *ctx, const uint8_t *b, size_t n)
{
	(void)ctx;
	while (n-- > 0) {
		uart_putc(COM2, *b++);
	}
}

static uint32_t vtpm_cmd(void *ctx, uint8_t *page)
{
	struct svsm_regs r = { .rcx = (uint64_t)(uintptr_t)page };

	(void)ctx;
	return svsm_call(SVSM_PROTOCOL_VTPM, SVSM_VTPM_CMD, &r);
}

static const struct tpm_bridge_ops ops = { .put = put, .vtpm_cmd = vtpm_cmd };

/* One byte from the host; true when it asked the guest to stop. */
static bool step(void)
{
	switch (tpm_bridge_feed(&bridge, uart_getc(COM2))) {
	case TPM_BRIDGE_TPM:
		note("tpm bridge: TPM command 0x%x: SVSM 0x%x, response %u "
		     "bytes",
		     bridge.last_command, bridge.last_rc, bridge.last_rsp_len);
		return false;
	case TPM_BRIDGE_PLATFORM:
		note("tpm bridge: platform command %u: %s", bridge.last_command,
		     bridge.last_rc == 0 ? "done" : "refused");
		return false;
	case TPM_BRIDGE_IGNORED:
		note("tpm bridge: command %u ignored", bridge.last_command);
		return false;
	case TPM_BRIDGE_STOP:
		note("tpm bridge: stop after %u TPM commands",
		     bridge.tpm_commands);
		return true;
	default:
		return false;
	}
}

bool bridge_serve(void)
{
	struct svsm_regs r = { 0 };
	uint8_t *page = (uint8_t *)(uintptr_t)scratch_page(BRIDGE_PAGE);

	if (svsm_call(SVSM_PROTOCOL_VTPM, SVSM_VTPM_QUERY, &r) !=
		    SVSM_SUCCESS ||
	    (r.rcx & (1ULL << SVSM_VTPM_PLAT_SEND_COMMAND)) == 0) {
		con_puts("snp-guest: tpm bridge: no vTPM (protocol 2) to "
			 "serve\n");
		return false;
	}
	if (env.scratch_size < (BRIDGE_PAGE + 1) * PAGE_SIZE ||
	    svsm_validate_range((uint64_t)(uintptr_t)page, PAGE_SIZE) !=
		    SVSM_SUCCESS) {
		con_puts("snp-guest: tpm bridge: no page for VTPM_CMD\n");
		return false;
	}
	tpm_bridge_init(&bridge, &ops, NULL, r.rcx, page);
	con_puts("snp-guest: tpm bridge ready on COM2 (mssim)\n");
	while (!step()) {
	}
	return true;
}
