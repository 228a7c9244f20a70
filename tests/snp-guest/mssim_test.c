/* SPDX-License-Identifier: MIT */
/*
 * Hosted unit tests (cmocka, ASan+UBSan) of what the TPM bridge does with
 * host-controlled bytes: the mssim frame parser, the bridge's answers, the
 * VTPM_CMD framing of a parsed command, the check of the SVSM's response,
 * the platform command policy; and the guest's SHA-512 against OpenSSL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/sha.h>

#include "abi/svsm_result.h"
#include "abi/svsm_vtpm.h"
#include "mssim.h"
#include "sha512.h"
#include "tpm_bridge.h"
#include "tpm2_cmds.h"

/* Feed `n` bytes; returns the last event and counts the non-NONE ones. */
static enum mssim_event feed(struct mssim_parser *p, const uint8_t *b, size_t n,
			     unsigned *events)
{
	enum mssim_event ev = MSSIM_EV_NONE;
	size_t i;

	for (i = 0; i < n; i++) {
		ev = mssim_feed(p, b[i]);
		if (ev != MSSIM_EV_NONE) {
			(*events)++;
			if (i + 1 < n) {
				fail_msg("event %d at byte %zu of %zu", ev, i,
					 n);
			}
		}
	}
	return ev;
}

/* An mssim TPM_SEND_COMMAND frame as tpm2-tss writes it. */
static size_t send_frame(uint8_t *out, uint8_t locality, uint32_t size,
			 const uint8_t *cmd, size_t len)
{
	size_t n = mssim_put_u32(out, MSSIM_SEND_COMMAND);

	out[n++] = locality;
	n += mssim_put_u32(out + n, size);
	memcpy(out + n, cmd, len);
	return n + len;
}

/** Confirm a Startup frame parses and becomes the VTPM_CMD request. */
static void send_command_framed(void **state)
{
	struct mssim_parser p;
	uint8_t cmd[TPM2_MAX], frame[TPM2_MAX + 16];
	uint8_t page[SVSM_VTPM_BUFFER_SIZE];
	size_t len = tpm2_startup_clear(cmd), n;
	unsigned events = 0;
	uint32_t v;

	(void)state;
	mssim_init(&p);
	n = send_frame(frame, 0, (uint32_t)len, cmd, len);
	assert_int_equal(feed(&p, frame, n, &events), MSSIM_EV_TPM_COMMAND);
	assert_int_equal(events, 1);
	assert_false(p.bad_size);
	assert_int_equal(p.cmd_len, len);
	assert_memory_equal(p.cmd, cmd, len);
	assert_int_equal(mssim_vtpm_request(&p, page), 9 + len);
	memcpy(&v, page, 4);
	assert_int_equal(v, SVSM_VTPM_PLAT_SEND_COMMAND);
	assert_int_equal(page[4], 0);
	memcpy(&v, page + 5, 4);
	assert_int_equal(v, len);
	assert_memory_equal(page + 9, cmd, len);
}

/** Confirm back-to-back frames each give one event with their bytes. */
static void frames_back_to_back(void **state)
{
	struct mssim_parser p;
	uint8_t a[TPM2_MAX], b[TPM2_MAX], stream[2 * TPM2_MAX];
	size_t la = tpm2_get_random(a, 16), lb = tpm2_pcr_read_sha256(b, 3);
	size_t n, i;
	unsigned events = 0;

	(void)state;
	mssim_init(&p);
	n = send_frame(stream, 2, (uint32_t)la, a, la);
	n += send_frame(stream + n, 0, (uint32_t)lb, b, lb);
	for (i = 0; i < n; i++) {
		enum mssim_event ev = mssim_feed(&p, stream[i]);

		if (ev == MSSIM_EV_NONE) {
			continue;
		}
		assert_int_equal(ev, MSSIM_EV_TPM_COMMAND);
		events++;
		if (events == 1) {
			assert_int_equal(p.locality, 2);
			assert_int_equal(p.cmd_len, la);
			assert_memory_equal(p.cmd, a, la);
		} else {
			assert_int_equal(p.locality, 0);
			assert_int_equal(p.cmd_len, lb);
			assert_memory_equal(p.cmd, b, lb);
		}
	}
	assert_int_equal(events, 2);
}

/** Confirm bad sizes are skipped in sync and never sent to the SVSM. */
static void bad_sizes_skipped(void **state)
{
	static uint8_t big[5000];
	struct mssim_parser p;
	uint8_t frame[6000], cmd[TPM2_MAX], page[SVSM_VTPM_BUFFER_SIZE];
	size_t len = tpm2_get_random(cmd, 8), n;
	unsigned events = 0;

	(void)state;
	memset(big, 0x41, sizeof(big));
	mssim_init(&p);
	/* Larger than VTPM_CMD carries: skipped, then the next frame parses. */
	n = send_frame(frame, 0, sizeof(big), big, sizeof(big));
	assert_int_equal(feed(&p, frame, n, &events), MSSIM_EV_TPM_COMMAND);
	assert_true(p.bad_size);
	assert_int_equal(mssim_vtpm_request(&p, page), 0);
	/* Shorter than a TPM header. */
	n = send_frame(frame, 0, 4, cmd, 4);
	assert_int_equal(feed(&p, frame, n, &events), MSSIM_EV_TPM_COMMAND);
	assert_true(p.bad_size);
	assert_int_equal(mssim_vtpm_request(&p, page), 0);
	/* Size 0: complete at once. */
	n = send_frame(frame, 0, 0, cmd, 0);
	assert_int_equal(feed(&p, frame, n, &events), MSSIM_EV_TPM_COMMAND);
	assert_int_equal(mssim_vtpm_request(&p, page), 0);
	/* Exactly the limit is fine. */
	memset(big, 0, sizeof(big));
	mssim_put_u32(big + 2, MSSIM_MAX_COMMAND);
	n = send_frame(frame, 0, MSSIM_MAX_COMMAND, big, MSSIM_MAX_COMMAND);
	assert_int_equal(feed(&p, frame, n, &events), MSSIM_EV_TPM_COMMAND);
	assert_false(p.bad_size);
	assert_int_equal(mssim_vtpm_request(&p, page), SVSM_VTPM_BUFFER_SIZE);
	/* And a good frame after all that. */
	n = send_frame(frame, 0, (uint32_t)len, cmd, len);
	assert_int_equal(feed(&p, frame, n, &events), MSSIM_EV_TPM_COMMAND);
	assert_false(p.bad_size);
	assert_memory_equal(p.cmd, cmd, len);
	assert_int_equal(events, 5);
}

/** Confirm a length beyond what is skipped resets the stream at once. */
static void huge_size_resets(void **state)
{
	struct mssim_parser p;
	uint8_t frame[64], cmd[TPM2_MAX];
	size_t len = tpm2_get_random(cmd, 8), n;
	unsigned events = 0;

	(void)state;
	mssim_init(&p);
	n = send_frame(frame, 0, 0xFFFFFFFFU, cmd, 0);
	assert_int_equal(feed(&p, frame, n, &events), MSSIM_EV_ERROR);
	n = send_frame(frame, 0, MSSIM_MAX_SKIP + 1, cmd, 0);
	assert_int_equal(feed(&p, frame, n, &events), MSSIM_EV_ERROR);
	n = send_frame(frame, 0, (uint32_t)len, cmd, len);
	assert_int_equal(feed(&p, frame, n, &events), MSSIM_EV_TPM_COMMAND);
	assert_int_equal(p.cmd_len, len);
}

/** A frame of u32 words and what it must give. */
struct word_case {
	uint32_t words[2];
	unsigned n;
	enum mssim_event ev;
	uint32_t arg;
};

/**
 * Confirm the frames that are u32 words, both channels' in one stream:
 * handshake, session end, stop, ACT_GET_SIGNALED with its handle, and
 * platform signals (SEND_COMMAND's number alone is no platform signal:
 * it waits for its locality).
 */
static void word_frames(void **state)
{
	static const struct word_case cases[] = {
		{ { MSSIM_REMOTE_HANDSHAKE, 7 }, 2, MSSIM_EV_HANDSHAKE, 7 },
		{ { MSSIM_SESSION_END }, 1, MSSIM_EV_SESSION_END, 0 },
		{ { MSSIM_SIGNAL_POWER_ON }, 1, MSSIM_EV_PLATFORM, 0 },
		{ { MSSIM_SIGNAL_NV_ON }, 1, MSSIM_EV_PLATFORM, 0 },
		{ { MSSIM_ACT_GET_SIGNALED, 0x40000110 },
		  2,
		  MSSIM_EV_PLATFORM,
		  0x40000110 },
		{ { 0x12345678 }, 1, MSSIM_EV_PLATFORM, 0 },
		{ { MSSIM_STOP }, 1, MSSIM_EV_STOP, 0 },
	};
	struct mssim_parser p;
	size_t i;

	(void)state;
	mssim_init(&p); /* one stream across all cases: each frame ends clean */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct word_case *c = &cases[i];
		uint8_t f[8];
		unsigned events = 0, w;

		for (w = 0; w < c->n; w++) {
			mssim_put_u32(f + 4 * w, c->words[w]);
		}
		assert_int_equal(feed(&p, f, 4 * c->n, &events), c->ev);
		assert_int_equal(events, 1);
		assert_int_equal(p.command, c->words[0]);
		assert_int_equal(p.arg, c->arg);
	}
}

/** Confirm which command numbers the simulator protocol has. */
static void commands_known(void **state)
{
	static const uint32_t known[] = { 1,  2,  8,  11, 12, 15, 17,
					  18, 20, 21, 25, 26, 30 };
	static const uint32_t unknown[] = { 0,	19, 22,	    24,	       27,
					    29, 31, 0x8000, 0xDEADBEEF };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		assert_true(mssim_command_known(known[i]));
	}
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		assert_false(mssim_command_known(unknown[i]));
	}
}

/** Confirm which platform commands are acknowledged, forwarded, refused. */
static void platform_actions(void **state)
{
	const uint64_t send_only = 1ULL << SVSM_VTPM_PLAT_SEND_COMMAND;

	(void)state;
	assert_int_equal(
		mssim_platform_action(MSSIM_SIGNAL_POWER_ON, send_only),
		MSSIM_PLAT_ACK);
	assert_int_equal(mssim_platform_action(MSSIM_SIGNAL_NV_ON, send_only),
			 MSSIM_PLAT_ACK);
	assert_int_equal(
		mssim_platform_action(MSSIM_SIGNAL_CANCEL_ON, send_only),
		MSSIM_PLAT_ACK);
	assert_int_equal(
		mssim_platform_action(MSSIM_SIGNAL_POWER_OFF, send_only),
		MSSIM_PLAT_REFUSE);
	assert_int_equal(mssim_platform_action(MSSIM_SIGNAL_RESET, send_only),
			 MSSIM_PLAT_REFUSE);
	assert_int_equal(
		mssim_platform_action(MSSIM_SIGNAL_RESET,
				      send_only | 1ULL << MSSIM_SIGNAL_RESET),
		MSSIM_PLAT_FORWARD);
	assert_int_equal(mssim_platform_action(MSSIM_SEND_COMMAND, send_only),
			 MSSIM_PLAT_REFUSE);
	assert_int_equal(mssim_platform_action(0xFFFFFFFFU, UINT64_MAX),
			 MSSIM_PLAT_REFUSE);
}

/** Confirm the SVSM's response is checked before it goes to the host. */
static void vtpm_response_checked(void **state)
{
	uint8_t page[SVSM_VTPM_BUFFER_SIZE] = { 0 };
	const uint8_t *rsp = NULL;
	uint32_t n = 10;

	(void)state;
	memcpy(page, &n, 4);
	mssim_tpm_error(page + 4, 0x101);
	assert_int_equal(mssim_vtpm_response(page, &rsp), 10);
	assert_ptr_equal(rsp, page + 4);
	assert_int_equal(tpm2_rc(rsp, 10), 0x101);
	n = 9;
	memcpy(page, &n, 4);
	assert_int_equal(mssim_vtpm_response(page, &rsp), 0);
	n = MSSIM_MAX_RESPONSE + 1;
	memcpy(page, &n, 4);
	assert_int_equal(mssim_vtpm_response(page, &rsp), 0);
	n = 12; /* the TPM header says 10 */
	memcpy(page, &n, 4);
	assert_int_equal(mssim_vtpm_response(page, &rsp), 0);
	n = MSSIM_MAX_RESPONSE;
	memcpy(page, &n, 4);
	mssim_put_u32(page + 4 + 2, MSSIM_MAX_RESPONSE);
	assert_int_equal(mssim_vtpm_response(page, &rsp), MSSIM_MAX_RESPONSE);
}

/* A fake transport: collects what the bridge sends, answers VTPM_CMD. */
struct fake {
	uint8_t out[8192];
	size_t out_len;
	uint32_t svsm_rc; /* what VTPM_CMD returns */
	uint32_t tpm_rc;  /* the response code the "vTPM" answers */
	uint8_t last_req[SVSM_VTPM_BUFFER_SIZE];
	unsigned calls;
};

static void fake_put(void *ctx, const uint8_t *b, size_t n)
{
	struct fake *f = ctx;

	assert_true(f->out_len + n <= sizeof(f->out));
	memcpy(f->out + f->out_len, b, n);
	f->out_len += n;
}

static uint32_t fake_vtpm_cmd(void *ctx, uint8_t *page)
{
	struct fake *f = ctx;
	uint32_t n = MSSIM_TPM_HEADER;

	f->calls++;
	memcpy(f->last_req, page, sizeof(f->last_req));
	if (f->svsm_rc == 0) {
		memcpy(page, &n, 4);
		mssim_tpm_error(page + 4, f->tpm_rc);
	}
	return f->svsm_rc;
}

static const struct tpm_bridge_ops fake_ops = { .put = fake_put,
						.vtpm_cmd = fake_vtpm_cmd };

/* Feed a frame; the result of its last byte. */
static enum tpm_bridge_result bridge_frame(struct tpm_bridge *b,
					   const uint8_t *f, size_t n)
{
	enum tpm_bridge_result r = TPM_BRIDGE_MORE;
	size_t i;

	for (i = 0; i < n; i++) {
		r = tpm_bridge_feed(b, f[i]);
		if (i + 1 < n) {
			assert_int_equal(r, TPM_BRIDGE_MORE);
		}
	}
	return r;
}

/* The answer to a TPM command: u32 size, the response, u32 0; its rc. */
static uint32_t answer_rc(const struct fake *f)
{
	assert_int_equal(f->out_len, 4 + 10 + 4);
	assert_int_equal(tpm2_be32(f->out), 10);
	assert_int_equal(tpm2_be32(f->out + 14), 0);
	return tpm2_be32(f->out + 4 + 6);
}

/**
 * Confirm what the bridge answers: the vTPM's response framed for mssim;
 * its own TPM errors when the frame cannot be sent (COMMAND_SIZE) or the
 * SVSM refuses it (LOCALITY for locality != 0, else FAILURE); platform
 * signals acknowledged or refused; STOP.
 */
static void bridge_answers(void **state)
{
	static struct fake f;
	struct tpm_bridge b;
	uint8_t page[SVSM_VTPM_BUFFER_SIZE], cmd[TPM2_MAX],
		frame[TPM2_MAX + 16];
	size_t len = tpm2_get_random(cmd, 8), n;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.tpm_rc = 0x0;
	tpm_bridge_init(&b, &fake_ops, &f, 1ULL << SVSM_VTPM_PLAT_SEND_COMMAND,
			page);
	n = send_frame(frame, 0, (uint32_t)len, cmd, len);
	assert_int_equal(bridge_frame(&b, frame, n), TPM_BRIDGE_TPM);
	assert_int_equal(answer_rc(&f), 0);
	assert_int_equal(f.calls, 1);
	assert_memory_equal(f.last_req + 9, cmd, len);
	assert_int_equal(b.last_command, 0x17B);

	f.out_len = 0;
	f.svsm_rc = SVSM_ERR_INVALID_PARAMETER;
	n = send_frame(frame, 1, (uint32_t)len, cmd, len);
	assert_int_equal(bridge_frame(&b, frame, n), TPM_BRIDGE_TPM);
	assert_int_equal(answer_rc(&f), 0x107); /* TPM_RC_LOCALITY */
	f.out_len = 0;
	n = send_frame(frame, 0, (uint32_t)len, cmd, len);
	assert_int_equal(bridge_frame(&b, frame, n), TPM_BRIDGE_TPM);
	assert_int_equal(answer_rc(&f), 0x101); /* TPM_RC_FAILURE */
	f.out_len = 0;
	n = send_frame(frame, 0, 4, cmd, 4);
	assert_int_equal(bridge_frame(&b, frame, n), TPM_BRIDGE_TPM);
	assert_int_equal(answer_rc(&f), 0x142); /* TPM_RC_COMMAND_SIZE */
	assert_int_equal(f.calls, 3);		/* not sent to the SVSM */

	f.out_len = 0;
	n = mssim_put_u32(frame, MSSIM_SIGNAL_POWER_ON);
	assert_int_equal(bridge_frame(&b, frame, n), TPM_BRIDGE_PLATFORM);
	n = mssim_put_u32(frame, MSSIM_SIGNAL_POWER_OFF);
	assert_int_equal(bridge_frame(&b, frame, n), TPM_BRIDGE_PLATFORM);
	assert_int_equal(f.out_len, 8);
	assert_int_equal(tpm2_be32(f.out), 0);
	assert_int_equal(tpm2_be32(f.out + 4), 1);
	f.out_len = 0;
	n = mssim_put_u32(frame, MSSIM_REMOTE_HANDSHAKE);
	n += mssim_put_u32(frame + n, 1);
	assert_int_equal(bridge_frame(&b, frame, n), TPM_BRIDGE_PLATFORM);
	assert_int_equal(f.out_len, 12);
	assert_int_equal(tpm2_be32(f.out), MSSIM_SERVER_VERSION);
	n = mssim_put_u32(frame, MSSIM_SESSION_END);
	assert_int_equal(bridge_frame(&b, frame, n), TPM_BRIDGE_IGNORED);
	n = mssim_put_u32(frame, MSSIM_STOP);
	assert_int_equal(bridge_frame(&b, frame, n), TPM_BRIDGE_STOP);
	assert_int_equal(f.out_len, 12); /* neither is answered */
	assert_int_equal(b.tpm_commands, 4);
}

/** Confirm the guest's SHA-512 agrees with OpenSSL, block edges included. */
static void sha512_matches_openssl(void **state)
{
	static const size_t lens[] = { 0,   1,	 63,  64,  111,	 112, 127,
				       128, 129, 239, 240, 1000, 4096 };
	uint8_t msg[4096], want[64], got[64];
	struct sha512_ctx c;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(msg); i++) {
		msg[i] = (uint8_t)(i * 31 + 7);
	}
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		SHA512(msg, lens[i], want);
		sha512_init(&c);
		sha512_update(&c, msg, lens[i]);
		sha512_final(&c, got);
		assert_memory_equal(got, want, 64);
		/* The same in uneven pieces. */
		sha512_init(&c);
		for (j = 0; j < lens[i]; j += 37) {
			size_t k = lens[i] - j < 37 ? lens[i] - j : 37;

			sha512_update(&c, msg + j, k);
		}
		sha512_final(&c, got);
		assert_memory_equal(got, want, 64);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(send_command_framed),
		cmocka_unit_test(frames_back_to_back),
		cmocka_unit_test(bad_sizes_skipped),
		cmocka_unit_test(huge_size_resets),
		cmocka_unit_test(word_frames),
		cmocka_unit_test(commands_known),
		cmocka_unit_test(platform_actions),
		cmocka_unit_test(vtpm_response_checked),
		cmocka_unit_test(bridge_answers),
		cmocka_unit_test(sha512_matches_openssl),
	};

	return cmocka_run_group_tests_name("snp-guest-mssim", tests, NULL,
					   NULL);
}
