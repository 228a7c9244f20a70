/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the vTPM: libtpms and libcrypto from Debian's static
 * archives, running on the kernel's C-library shim (svsm/lib/tpm/) with
 * SSE and the per-CPU stack-protector canary. The vTPM was started at boot
 * (`kernel_tpm_start()`), so the TPM waits for TPM2_Startup.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/sha.h>

#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/tpm.h>
#include <x86/layout.h>
#include <x86/percpu.h>
#include <x86/time.h>
#include <svsm/greq.h>
#include <svsm/services.h>
#include <svsm/mm.h>
#include <svsm/vtpm.h>

#define TPM_ST_NO_SESSIONS 0x8001
#define TPM_ST_SESSIONS 0x8002
#define TPM_CC_STARTUP 0x144
#define TPM_CC_GET_RANDOM 0x17B
#define TPM_CC_PCR_READ 0x17E
#define TPM_CC_PCR_EXTEND 0x182
#define TPM_RS_PW 0x40000009
#define TPM_ALG_SHA256 0x000B
#define TEST_PCR 16 /* debug PCR: resettable, zero after Startup(CLEAR) */

struct cmd {
	uint8_t b[256];
	size_t len;
};

static void put(struct cmd *c, uint32_t v, unsigned int bytes)
{
	while (bytes-- > 0) {
		c->b[c->len++] = (uint8_t)(v >> (8 * bytes));
	}
}

static void begin(struct cmd *c, uint16_t tag, uint32_t code)
{
	c->len = 0;
	put(c, tag, 2);
	put(c, 0, 4);
	put(c, code, 4);
}

static uint32_t be(const uint8_t *p, unsigned int bytes)
{
	uint32_t v = 0;

	while (bytes-- > 0) {
		v = (v << 8) | *p++;
	}
	return v;
}

/* Send `c` (its size patched in); the response code, or ~0 on failure. */
static uint32_t send(struct cmd *c, uint8_t *resp, size_t *resp_len)
{
	c->b[2] = (uint8_t)(c->len >> 24);
	c->b[3] = (uint8_t)(c->len >> 16);
	c->b[4] = (uint8_t)(c->len >> 8);
	c->b[5] = (uint8_t)c->len;
	if (vtpm_send_command(0, c->b, c->len, resp, VTPM_MAX_BUFFER,
			      resp_len) != 0 ||
	    *resp_len < 10 || be(resp + 2, 4) != *resp_len) {
		return ~0U;
	}
	return be(resp + 6, 4);
}

/* libcrypto's capability vector (CPUID.1 EDX, ECX; CPUID.7 EBX, ECX). */
extern unsigned int OPENSSL_ia32cap_P[4];

#define CAP0_SSE2 (1U << 26)
#define CAP1_AVX (1U << 28)
#define CAP2_AVX2 (1U << 5)

/*
 * Confirm that the boot left the CPU state libcrypto needs, and that its
 * capability probe ran and saw no AVX (XSAVE is off in the kernel).
 */
KTEST(vtpm_cpu_state)
{
	struct percpu *pc = this_cpu();
	uint64_t canary;

	KTEST_CHECK(OPENSSL_ia32cap_P[0] & CAP0_SSE2);
	KTEST_CHECK(!(OPENSSL_ia32cap_P[1] & CAP1_AVX));
	KTEST_CHECK(!(OPENSSL_ia32cap_P[2] & CAP2_AVX2));

	KTEST_CHECK(cpu_sse_enabled());
	__asm__ volatile("mov %%fs:0x28, %0" : "=r"(canary));
	KTEST_CHECK(canary == pc->tcb.stack_guard);
	KTEST_CHECK(pc->tcb.self == &pc->tcb);
	return true;
}

/*
 * Confirm that the vTPM started at boot answers TPM2_Startup, GetRandom,
 * PCR_Extend and PCR_Read, that the PCR holds SHA-256(old || digest) as
 * computed by libcrypto in the kernel, and that both EKs exist.
 */
KTEST(vtpm_startup_random_pcr)
{
	static const uint8_t zero[32];
	uint8_t digest[32], chain[64], expect[32];
	uint8_t *resp = kmalloc(VTPM_MAX_BUFFER);
	struct cmd c;
	size_t len = 0, ek_len = 0;
	const uint8_t *ek;
	unsigned int i;
	bool ok = false;

	KTEST_CHECK(resp != NULL);
	if (!kernel_tpm_available()) {
		log_printf(LOG_ERROR, "  vTPM did not start at boot");
		goto out;
	}
	log_printf(LOG_INFO, "  vTPM start (manufacture, 2 EKs): %lu ms\n",
		   (unsigned long)(kernel_tpm_start_us() / 1000));

	begin(&c, TPM_ST_NO_SESSIONS, TPM_CC_STARTUP);
	put(&c, 0, 2); /* TPM_SU_CLEAR */
	if (send(&c, resp, &len) != 0) {
		goto out;
	}

	begin(&c, TPM_ST_NO_SESSIONS, TPM_CC_GET_RANDOM);
	put(&c, 32, 2);
	if (send(&c, resp, &len) != 0 || len != 10 + 2 + 32 ||
	    be(resp + 10, 2) != 32 || memcmp(resp + 12, zero, 32) == 0) {
		goto out;
	}
	memcpy(digest, resp + 12, 32); /* a random digest to extend */

	begin(&c, TPM_ST_SESSIONS, TPM_CC_PCR_EXTEND);
	put(&c, TEST_PCR, 4);
	put(&c, 9, 4); /* password session, empty */
	put(&c, TPM_RS_PW, 4);
	put(&c, 0, 2);
	put(&c, 0, 1);
	put(&c, 0, 2);
	put(&c, 1, 4); /* TPML_DIGEST_VALUES: one SHA-256 digest */
	put(&c, TPM_ALG_SHA256, 2);
	for (i = 0; i < 32; i++) {
		put(&c, digest[i], 1);
	}
	if (send(&c, resp, &len) != 0) {
		goto out;
	}

	begin(&c, TPM_ST_NO_SESSIONS, TPM_CC_PCR_READ);
	put(&c, 1, 4); /* one selection: SHA-256, PCR 16 */
	put(&c, TPM_ALG_SHA256, 2);
	put(&c, 3, 1);
	put(&c, 0, 1);
	put(&c, 0, 1);
	put(&c, 1, 1);
	/* header, update counter, selection (10), count, TPM2B size */
	if (send(&c, resp, &len) != 0 || len != 10 + 4 + 10 + 4 + 2 + 32 ||
	    be(resp + 24, 4) != 1 || be(resp + 28, 2) != 32) {
		goto out;
	}
	memcpy(chain, zero, 32);
	memcpy(chain + 32, digest, 32);
	KTEST_CHECK(SHA256(chain, sizeof(chain), expect) != NULL);
	if (memcmp(resp + 30, expect, 32) != 0) {
		log_printf(LOG_ERROR, "  PCR %u is not SHA-256(0 || digest)",
			   TEST_PCR);
		goto out;
	}

	ek = vtpm_ek_public(VTPM_EK_RSA2048, &ek_len);
	if (ek == NULL || ek_len < 2 + 256 || be(ek, 2) != 0x0001) {
		goto out;
	}
	ek = vtpm_ek_public(VTPM_EK_ECC_P256, &ek_len);
	if (ek == NULL || ek_len < 2 + 64 || be(ek, 2) != 0x0023) {
		goto out;
	}
	ok = true;
out:
	kfree(resp);
	return ok;
}

/*
 * Confirm that an unknown command code gets a TPM error response (not a
 * transport failure) and that an empty or oversized command is refused.
 */
/* The boot started the vTPM: starting again neither waits nor redoes it. */
KTEST(vtpm_start_runs_once)
{
	uint64_t us = kernel_tpm_start_us();

	KTEST_CHECK(!kernel_tpm_pending());
	KTEST_CHECK(kernel_tpm_start() == kernel_tpm_available());
	KTEST_CHECK(kernel_tpm_start_us() == us);
	KTEST_CHECK(svsm_vtpm_available() == kernel_tpm_available());
	KTEST_CHECK(svsm_vtpm_wait() == kernel_tpm_available());
	return true;
}

KTEST(vtpm_bad_commands)
{
	uint8_t *resp = kmalloc(VTPM_MAX_BUFFER);
	struct cmd c;
	size_t len = 0;
	bool ok;

	KTEST_CHECK(resp != NULL);
	begin(&c, TPM_ST_NO_SESSIONS, 0x3ff); /* no such command */
	ok = kernel_tpm_available() && send(&c, resp, &len) == 0x143 &&
	     len == 10 && /* TPM_RC_COMMAND_CODE */
	     vtpm_send_command(0, c.b, 0, resp, VTPM_MAX_BUFFER, &len) != 0 &&
	     vtpm_send_command(0, resp, VTPM_MAX_BUFFER + 1, resp,
			       VTPM_MAX_BUFFER, &len) != 0;
	kfree(resp);
	return ok;
}

/*
 * Confirm that the attestation channel's AES-256-GCM (libcrypto EVP)
 * works in the kernel: a sealed message differs from its plaintext, and a
 * bad tag disables the channel.
 */
KTEST(vtpm_greq_seal_in_kernel)
{
	static const uint8_t key[SNP_VMPCK_SIZE] = { 1, 2, 3 };
	static const char text[] = "attestation request";
	struct greq_channel ch;
	struct snp_guest_msg *msg = kzalloc(sizeof(*msg));
	uint8_t out[64];
	size_t len = 0;
	bool ok;

	KTEST_CHECK(msg != NULL);
	greq_init(&ch, key, 0);
	ok = greq_seal(&ch, 5, text, sizeof(text), msg) == 0 &&
	     msg->hdr.msg_seqno == 1 &&
	     memcmp(msg->payload, text, sizeof(text)) != 0;
	/* Posing as the response with a wrong tag must fail and disable. */
	msg->hdr.msg_type = 6;
	msg->hdr.msg_seqno = 2;
	msg->hdr.authtag[0] ^= 1;
	ok = ok && greq_open(&ch, 5, msg, out, sizeof(out), &len) != 0 &&
	     ch.disabled;
	kfree(msg);
	return ok;
}

/* A heap copy of the RSA EK's public area, or NULL. */
static uint8_t *rsa_ek_copy(size_t *len)
{
	const uint8_t *ek = vtpm_ek_public(VTPM_EK_RSA2048, len);
	uint8_t *copy = ek != NULL ? kmalloc(*len) : NULL;

	if (copy != NULL) {
		memcpy(copy, ek, *len);
	}
	return copy;
}

#define STACK_PAINT 0x5bU
#define STACK_HEADROOM 2048 /* bytes a deeper caller may still need */

/* Paint the unused part of this task's stack below the current frame. */
static uint8_t *stack_paint(void)
{
	uint8_t *base = (uint8_t *)this_cpu()->current->stack.base;
	uint8_t *sp = (uint8_t *)__builtin_frame_address(0) - 512;

	memset(base, STACK_PAINT, (size_t)(sp - base));
	return base;
}

/* Bytes of the stack ever used: the top minus the lowest changed byte. */
static size_t stack_used(const uint8_t *base)
{
	size_t i = 0;

	while (i < KSTACK_SIZE && base[i] == STACK_PAINT) {
		i++;
	}
	return KSTACK_SIZE - i;
}

/*
 * Confirm that vtpm_init() over a new memory NV store manufactures a new
 * TPM (a new endorsement seed, so a different RSA EK), and that restarting
 * over the boot store brings the boot EK back (the seed persisted in NV).
 * Both run on this task's stack, whose deepest use is measured. Runs
 * last: it restarts the vTPM the other tests used.
 */
KTEST(vtpm_init_new_store_and_restart)
{
	struct vtpm_nv_mem *mem = vtpm_nv_mem_create();
	struct vtpm_nv_ops ops;
	uint8_t *ek0, *ek1 = NULL, *ek2 = NULL;
	size_t len0 = 0, len1 = 0, len2 = 0;
	uint64_t t0;
	uint8_t *stack_base;
	size_t used;
	bool ok = false;

	KTEST_CHECK(mem != NULL);
	KTEST_CHECK(this_cpu()->current->stack.base != 0);
	stack_base = stack_paint();
	ek0 = rsa_ek_copy(&len0);
	if (ek0 == NULL) {
		goto out;
	}
	vtpm_shutdown();
	KTEST_CHECK(!vtpm_running() && !kernel_tpm_available());
	vtpm_nv_mem_ops(mem, &ops);
	t0 = time_us();
	if (vtpm_init(&ops) != 0) {
		goto restart;
	}
	log_printf(LOG_INFO, "  vtpm_init over a new store: %lu ms\n",
		   (unsigned long)((time_us() - t0) / 1000));
	ek1 = rsa_ek_copy(&len1);
	vtpm_shutdown();
restart:
	t0 = time_us();
	if (!kernel_tpm_restart()) {
		goto out;
	}
	log_printf(LOG_INFO, "  restart over the boot store: %lu ms\n",
		   (unsigned long)((time_us() - t0) / 1000));
	ek2 = rsa_ek_copy(&len2);
	ok = ek1 != NULL && ek2 != NULL && len1 == len0 && len2 == len0 &&
	     memcmp(ek1, ek0, len0) != 0 && memcmp(ek2, ek0, len0) == 0;
	/* RSA-2048 key generation must fit a task stack with room to spare. */
	used = stack_used(stack_base);
	log_printf(LOG_INFO, "  task stack used: %zu of %u bytes\n", used,
		   (unsigned int)KSTACK_SIZE);
	ok = ok && used + STACK_HEADROOM <= KSTACK_SIZE;
out:
	vtpm_nv_mem_destroy(mem);
	kfree(ek0);
	kfree(ek1);
	kfree(ek2);
	return ok;
}
