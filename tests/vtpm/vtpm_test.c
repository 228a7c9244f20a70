/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the vTPM service (svsm/vtpm) over libtpms: lifecycle,
 * real TPM 2.0 commands, EK templates, NV through the storage interface,
 * and allocation failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "svsm/mm.h"
#include "svsm/vtpm.h"

#define ARENA_BYTES (32UL << 20)

static void *arena;
static struct vtpm_nv_mem *nv_mem;
static struct vtpm_nv_ops nv_ops;

static void put_be(uint8_t *p, uint32_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	}
}

static uint32_t get_be(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		v = (v << 8) | p[i];
	}
	return v;
}

/* Send `cmd` (its size field is filled here) and return the response code. */
static uint32_t tpm(uint8_t *cmd, size_t len, uint8_t *resp, size_t *rlen)
{
	put_be(cmd + 2, (uint32_t)len, 4);
	assert_int_equal(
		vtpm_send_command(0, cmd, len, resp, VTPM_MAX_BUFFER, rlen), 0);
	assert_true(*rlen >= 10);
	assert_int_equal(get_be(resp + 2, 4), *rlen);
	return get_be(resp + 6, 4);
}

static uint32_t tpm_startup(void)
{
	uint8_t cmd[12] = { 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0x01, 0x44, 0, 0 };
	uint8_t resp[VTPM_MAX_BUFFER];
	size_t rlen;

	return tpm(cmd, sizeof(cmd), resp, &rlen);
}

static void pcr_extend(unsigned pcr, const uint8_t digest[32])
{
	uint8_t cmd[80] = { 0x80, 0x02, 0, 0, 0, 0, 0, 0, 0x01, 0x82 };
	uint8_t resp[VTPM_MAX_BUFFER];
	size_t len = 10, rlen;

	put_be(cmd + len, pcr, 4);
	len += 4;
	put_be(cmd + len, 9, 4); /* password session, empty auth */
	len += 4;
	put_be(cmd + len, 0x40000009, 4);
	len += 4 + 2 + 1 + 2;
	put_be(cmd + len, 1, 4); /* one digest */
	len += 4;
	put_be(cmd + len, 0x000B, 2); /* SHA-256 */
	len += 2;
	memcpy(cmd + len, digest, 32);
	len += 32;
	assert_int_equal(tpm(cmd, len, resp, &rlen), 0);
}

static void pcr_read(unsigned pcr, uint8_t out[32])
{
	uint8_t cmd[20] = { 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0x01, 0x7E };
	uint8_t resp[VTPM_MAX_BUFFER];
	size_t rlen, off;

	put_be(cmd + 10, 1, 4);
	put_be(cmd + 14, 0x000B, 2);
	cmd[16] = 3;
	cmd[17 + pcr / 8] = (uint8_t)(1u << (pcr % 8));
	assert_int_equal(tpm(cmd, sizeof(cmd), resp, &rlen), 0);
	/* header, update counter, selection (4+2+1+3), digest count */
	off = 10 + 4 + 10;
	assert_int_equal(get_be(resp + off, 4), 1);
	off += 4;
	assert_int_equal(get_be(resp + off, 2), 32);
	memcpy(out, resp + off + 2, 32);
}

static int setup(void **state)
{
	(void)state;
	mm_reset();
	arena = aligned_alloc(1UL << 22, ARENA_BYTES);
	if (arena == NULL || !page_alloc_add_region(arena, ARENA_BYTES)) {
		return -1;
	}
	nv_mem = vtpm_nv_mem_create();
	if (nv_mem == NULL) {
		return -1;
	}
	vtpm_nv_mem_ops(nv_mem, &nv_ops);
	return vtpm_init(&nv_ops);
}

static int teardown(void **state)
{
	(void)state;
	vtpm_shutdown();
	vtpm_nv_mem_destroy(nv_mem);
	assert_int_equal(mm_allocated_bytes(), 0);
	mm_reset();
	free(arena);
	return 0;
}

/** Confirm that a fresh vTPM needs TPM2_Startup and accepts it only once. */
static void startup_once(void **state)
{
	(void)state;
	assert_true(vtpm_running());
	assert_int_equal(tpm_startup(), 0);
	assert_int_equal(tpm_startup(), 0x100); /* TPM_RC_INITIALIZE */
}

/** Confirm that a reset re-runs _TPM_Init, so Startup(CLEAR) works again. */
static void reset_allows_startup(void **state)
{
	(void)state;
	assert_int_equal(tpm_startup(), 0);
	assert_int_equal(vtpm_reset(), 0);
	assert_int_equal(tpm_startup(), 0);
}

/** Confirm that GetRandom returns the bytes asked for, differing each time. */
static void get_random(void **state)
{
	uint8_t cmd[12] = { 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0x01, 0x7B, 0, 32 };
	uint8_t a[VTPM_MAX_BUFFER], b[VTPM_MAX_BUFFER];
	size_t alen, blen;

	(void)state;
	assert_int_equal(tpm_startup(), 0);
	assert_int_equal(tpm(cmd, sizeof(cmd), a, &alen), 0);
	assert_int_equal(tpm(cmd, sizeof(cmd), b, &blen), 0);
	assert_int_equal(alen, 10 + 2 + 32);
	assert_int_equal(get_be(a + 10, 2), 32);
	assert_memory_not_equal(a + 12, b + 12, 32);
}

/** Confirm that PCR_Extend computes SHA-256(old || digest), read back. */
static void pcr_extend_read(void **state)
{
	uint8_t digest[32], expect_in[64], expect[32], got[32];

	(void)state;
	assert_int_equal(tpm_startup(), 0);
	memset(digest, 0x5A, sizeof(digest));
	pcr_extend(16, digest);
	memset(expect_in, 0, 32); /* PCR 16 starts at zero */
	memcpy(expect_in + 32, digest, 32);
	SHA256(expect_in, sizeof(expect_in), expect);
	pcr_read(16, got);
	assert_memory_equal(got, expect, 32);
	/* A reset clears PCRs (Startup CLEAR after _TPM_Init). */
	assert_int_equal(vtpm_reset(), 0);
	assert_int_equal(tpm_startup(), 0);
	pcr_read(16, got);
	memset(expect, 0, sizeof(expect));
	assert_memory_equal(got, expect, 32);
}

/** Confirm that the ECC EK has the L-2 template and stays the same. */
static void ek_ecc_stable(void **state)
{
	const uint8_t *pub, *again;
	uint8_t copy[512];
	size_t len, len2;

	(void)state;
	/* Made at power-on: the guest's Startup is still to come. */
	pub = vtpm_ek_public(VTPM_EK_ECC_P256, &len);
	assert_non_null(pub);
	assert_true(len > 64 && len <= sizeof(copy));
	assert_int_equal(get_be(pub, 2), 0x0023);	  /* TPM_ALG_ECC */
	assert_int_equal(get_be(pub + 4, 4), 0x000300B2); /* attributes */
	memcpy(copy, pub, len);
	/* The guest can still start the TPM. */
	assert_int_equal(tpm_startup(), 0);
	/* Same key after a restart of the service over the same NV. */
	vtpm_shutdown();
	assert_int_equal(vtpm_init(&nv_ops), 0);
	assert_int_equal(tpm_startup(), 0);
	again = vtpm_ek_public(VTPM_EK_ECC_P256, &len2);
	assert_non_null(again);
	assert_int_equal(len2, len);
	assert_memory_equal(again, copy, len);
}

/** Confirm that the RSA EK has the L-1 template with a 2048-bit modulus. */
static void ek_rsa_template(void **state)
{
	const uint8_t *pub;
	size_t len;

	(void)state;
	assert_int_equal(tpm_startup(), 0);
	pub = vtpm_ek_public(VTPM_EK_RSA2048, &len);
	assert_non_null(pub);
	assert_int_equal(get_be(pub, 2), 0x0001); /* TPM_ALG_RSA */
	/* type, nameAlg, attrs, policy(2+32), sym(6), scheme, bits, exp */
	assert_int_equal(get_be(pub + 2 + 2 + 4 + 34 + 6 + 2, 2), 2048);
	assert_int_equal(get_be(pub + len - 258, 2), 256); /* modulus size */
}

/** Confirm that malformed or oversized commands are refused, not run. */
static void command_bounds(void **state)
{
	uint8_t big[VTPM_MAX_BUFFER + 1] = { 0 };
	uint8_t resp[VTPM_MAX_BUFFER];
	size_t rlen;

	(void)state;
	assert_int_equal(
		vtpm_send_command(0, big, 0, resp, sizeof(resp), &rlen), -1);
	assert_int_equal(vtpm_send_command(0, big, sizeof(big), resp,
					   sizeof(resp), &rlen),
			 -1);
	assert_int_equal(
		vtpm_send_command(5, big, 10, resp, sizeof(resp), &rlen), -1);
	/* A garbage command is a TPM error response, not a failure. */
	memset(big, 0xFF, 10);
	assert_int_equal(
		vtpm_send_command(0, big, 10, resp, sizeof(resp), &rlen), 0);
	assert_true(get_be(resp + 6, 4) != 0);
}

/**
 * Confirm that power-on (manufacture and EK creation) survives every
 * allocation failure: init fails, nothing runs, nothing leaks.
 */
static void init_alloc_failures(void **state)
{
	unsigned long n, attempts, failures = 0;
	size_t base, len, ek_len;
	const uint8_t *ek;
	uint8_t ek_copy[512];

	(void)state;
	ek = vtpm_ek_public(VTPM_EK_RSA2048, &ek_len);
	assert_non_null(ek);
	assert_true(ek_len <= sizeof(ek_copy));
	memcpy(ek_copy, ek, ek_len);
	/* How many allocations does a clean power-on make? */
	vtpm_shutdown();
	base = mm_allocated_bytes();
	attempts = alloc_fault_attempts();
	assert_int_equal(vtpm_init(&nv_ops), 0);
	attempts = alloc_fault_attempts() - attempts;
	vtpm_shutdown();
	assert_int_equal(mm_allocated_bytes(), base);
	assert_true(attempts > 4);
	for (n = 1; n <= attempts; n++) {
		int rc;

		alloc_fault_fail_nth(n);
		rc = vtpm_init(&nv_ops);
		alloc_fault_fail_nth(0);
		if (rc == 0) {
			/*
			 * libtpms retried the load that failed: the TPM must
			 * still be the same one (never re-manufactured).
			 */
			ek = vtpm_ek_public(VTPM_EK_RSA2048, &len);
			assert_non_null(ek);
			assert_int_equal(len, ek_len);
			assert_memory_equal(ek, ek_copy, ek_len);
			vtpm_shutdown();
		} else {
			assert_false(vtpm_running());
			failures++;
		}
		assert_int_equal(mm_allocated_bytes(), base);
	}
	assert_true(failures > 0);
	assert_int_equal(vtpm_init(&nv_ops), 0);
}

/** Confirm that the service keeps its own copy of the NV operations. */
static void nv_ops_copied(void **state)
{
	struct vtpm_nv_ops ops;

	(void)state;
	vtpm_shutdown();
	vtpm_nv_mem_ops(nv_mem, &ops);
	assert_int_equal(vtpm_init(&ops), 0);
	memset(&ops, 0xA5, sizeof(ops)); /* the caller's copy goes away */
	assert_int_equal(tpm_startup(), 0);
	assert_int_equal(vtpm_reset(), 0); /* writes NV through the ops */
	assert_int_equal(tpm_startup(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(startup_once, setup, teardown),
		cmocka_unit_test_setup_teardown(reset_allows_startup, setup,
						teardown),
		cmocka_unit_test_setup_teardown(get_random, setup, teardown),
		cmocka_unit_test_setup_teardown(pcr_extend_read, setup,
						teardown),
		cmocka_unit_test_setup_teardown(ek_ecc_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(ek_rsa_template, setup,
						teardown),
		cmocka_unit_test_setup_teardown(command_bounds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(init_alloc_failures, setup,
						teardown),
		cmocka_unit_test_setup_teardown(nv_ops_copied, setup, teardown),
	};

	return cmocka_run_group_tests_name("vtpm", tests, NULL, NULL);
}
