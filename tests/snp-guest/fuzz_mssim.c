/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the TPM bridge's host-facing parser: the input is
 * the mssim stream; every event is turned into what the bridge would do
 * with it (the VTPM_CMD request, the response check, the platform
 * policy), with its size limits asserted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abi/svsm_vtpm.h"
#include "mssim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mssim_parser parser;

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
	size_t i;

	mssim_init(&parser);
	for (i = 0; i < size; i++) {
		on_event(&parser, mssim_feed(&parser, data[i]));
	}
	return 0;
}
