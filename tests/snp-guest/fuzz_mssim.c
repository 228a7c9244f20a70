/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the TPM bridge's host-facing parser: the input is
 * split between the command and the platform channel by its first byte;
 * every event is turned into what the bridge would do with it (the
 * VTPM_CMD request, the response check), with its size limits asserted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abi/svsm_vtpm.h"
#include "mssim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mssim_parser cmd_chan, plat_chan;

static void on_event(struct mssim_parser *p, enum mssim_event ev)
{
	static uint8_t page[SVSM_VTPM_BUFFER_SIZE];
	const uint8_t *rsp = NULL;
	size_t n;

	if (ev != MSSIM_EV_TPM_COMMAND) {
		if (ev == MSSIM_EV_PLATFORM) {
			(void)mssim_platform_action(p->command, 1ULL << 8);
		}
		return;
	}
	if (p->cmd_len > MSSIM_MAX_COMMAND) {
		abort();
	}
	n = mssim_vtpm_request(p, page);
	if (n != 0 && (n != 9 + p->cmd_len || p->bad_size)) {
		abort();
	}
	/* The "response": the command page as the SVSM might leave it. */
	n = mssim_vtpm_response(page, &rsp);
	if (n > MSSIM_MAX_RESPONSE || (n != 0 && rsp != page + 4)) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t split, i;

	if (size == 0) {
		return 0;
	}
	split = data[0] % (size + 1);
	mssim_init(&cmd_chan, MSSIM_CHAN_COMMAND);
	mssim_init(&plat_chan, MSSIM_CHAN_PLATFORM);
	for (i = 1; i < size; i++) {
		struct mssim_parser *p = i < split ? &plat_chan : &cmd_chan;

		on_event(p, mssim_feed(p, data[i]));
	}
	return 0;
}
