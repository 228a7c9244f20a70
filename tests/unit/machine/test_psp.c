/* SPDX-License-Identifier: MIT */
/*
 * The PSP launch of the software SNP machine: launch pages, the launch
 * digest and the secrets page.
 */
#include <string.h>

#include <openssl/evp.h>

#include "machine_internal.h"
#include "machine_test.h"

#include "abi/snp_secrets.h"

#define LP 0x200000ULL

static const uint8_t zero48[SNP_MEASUREMENT_SIZE];

static void launch_sequence(struct snp_machine *m, uint8_t fill,
			    uint8_t out[SNP_MEASUREMENT_SIZE])
{
	memset(snp_machine_mem(m) + LP, fill, TM_PAGE);
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_NORMAL), 0);
	assert_int_equal(
		snp_machine_launch_page(m, LP + TM_PAGE, SNP_LAUNCH_ZERO), 0);
	memcpy(out, snp_machine_measurement(m), SNP_MEASUREMENT_SIZE);
}

/* Confirm that a NORMAL page is measured, assigned and validated. */
static void launch_normal(void **state)
{
	struct snp_machine *m = *state;
	const struct rmp_entry *e;

	assert_memory_equal(snp_machine_measurement(m), zero48, 48);
	memset(snp_machine_mem(m) + LP, 0x5A, TM_PAGE);
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_NORMAL), 0);
	assert_memory_not_equal(snp_machine_measurement(m), zero48, 48);
	e = snp_machine_rmp(m, LP);
	assert_true(e->assigned);
	assert_true(e->validated);
	assert_false(e->vmsa);
	assert_false(e->page_2m);
	assert_int_equal(e->perms[0], RMP_PERM_ALL);
	assert_int_equal(e->perms[1] | e->perms[2] | e->perms[3], 0);
	assert_int_equal(snp_machine_mem(m)[LP + 100], 0x5A);
}

/* Confirm the digest is deterministic and depends on page contents. */
static void launch_measurement_content(void **state)
{
	uint8_t a[48], b[48], c[48];
	struct snp_machine *m = *state;

	launch_sequence(m, 1, a);
	snp_machine_destroy(m);
	m = tm_create(1);
	*state = m;
	assert_non_null(m);
	launch_sequence(m, 1, b);
	assert_memory_equal(a, b, 48);
	snp_machine_destroy(m);
	m = tm_create(1);
	*state = m;
	assert_non_null(m);
	launch_sequence(m, 2, c);
	assert_memory_not_equal(a, c, 48);
}

/* Confirm the digest depends on the GPA and the page type. */
static void launch_measurement_gpa_type(void **state)
{
	uint8_t a[48], b[48];
	struct snp_machine *m = *state;

	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_ZERO), 0);
	memcpy(a, snp_machine_measurement(m), 48);
	snp_machine_destroy(m);
	m = tm_create(1);
	*state = m;
	assert_int_equal(
		snp_machine_launch_page(m, LP + TM_PAGE, SNP_LAUNCH_ZERO), 0);
	memcpy(b, snp_machine_measurement(m), 48);
	assert_memory_not_equal(a, b, 48);
	snp_machine_destroy(m);
	m = tm_create(1);
	*state = m;
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_NORMAL), 0);
	memcpy(b, snp_machine_measurement(m), 48);
	assert_memory_not_equal(a, b, 48); /* zero contents, other type */
}

/*
 * Confirm ZERO pages are zeroed, and that an UNMEASURED page extends the
 * digest by its type and GPA only: its contents do not count.
 */
static void launch_zero_unmeasured(void **state)
{
	struct snp_machine *m = *state;
	uint8_t before[48], after[48];

	memset(snp_machine_mem(m) + LP, 0xFF, 2 * TM_PAGE);
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_ZERO), 0);
	assert_int_equal(snp_machine_mem(m)[LP + 17], 0);
	memcpy(before, snp_machine_measurement(m), 48);
	assert_int_equal(
		snp_machine_launch_page(m, LP + TM_PAGE, SNP_LAUNCH_UNMEASURED),
		0);
	assert_memory_not_equal(before, snp_machine_measurement(m), 48);
	assert_int_equal(snp_machine_mem(m)[LP + TM_PAGE + 17], 0xFF);
	assert_true(snp_machine_rmp(m, LP + TM_PAGE)->validated);
	/* The same step over other contents: the same digest. */
	memcpy(after, snp_machine_measurement(m), 48);
	tm_teardown(state);
	assert_int_equal(tm_setup(state), 0);
	m = *state;
	memset(snp_machine_mem(m) + LP, 0x11, 2 * TM_PAGE);
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_ZERO), 0);
	assert_int_equal(
		snp_machine_launch_page(m, LP + TM_PAGE, SNP_LAUNCH_UNMEASURED),
		0);
	assert_memory_equal(after, snp_machine_measurement(m), 48);
}

/* Confirm the refusals of SNP_LAUNCH_UPDATE leave the digest alone. */
static void launch_errors(void **state)
{
	struct snp_machine *m = *state;
	uint32_t count = 65;

	assert_int_equal(snp_machine_launch_page(m, LP + 8, SNP_LAUNCH_NORMAL),
			 -1);
	assert_int_equal(snp_machine_launch_page(m, TM_MEM, SNP_LAUNCH_NORMAL),
			 -1);
	assert_int_equal(
		snp_machine_launch_page(m, LP, (enum snp_launch_page)99), -1);
	memcpy(snp_machine_mem(m) + LP, &count, sizeof(count));
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_CPUID), -1);
	assert_false(snp_machine_rmp(m, LP)->assigned);
	count = 3;
	memcpy(snp_machine_mem(m) + LP, &count, sizeof(count));
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_CPUID), 0);
	assert_true(snp_machine_rmp(m, LP)->validated);
	assert_memory_equal(snp_machine_mem(m) + LP, &count, sizeof(count));
	assert_memory_not_equal(snp_machine_measurement(m), zero48, 48);
	/* Already launched. */
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_NORMAL), -1);
	assert_int_equal(
		snp_machine_launch_page(m, LP + TM_PAGE, SNP_LAUNCH_SECRETS),
		0);
	assert_int_equal(snp_machine_launch_page(m, LP + 2 * TM_PAGE,
						 SNP_LAUNCH_SECRETS),
			 -1);
	assert_null(snp_machine_vmpck(m, 4));
}

/* Confirm the PSP fills the secrets page: version, VMPCKs, zero SVSM area. */
static void launch_secrets(void **state)
{
	struct snp_machine *m = *state;
	const struct snp_secrets_page *s;
	uint8_t zero[SNP_VMPCK_SIZE] = { 0 };
	unsigned i;

	assert_null(snp_machine_vmpck(m, 0));
	memset(snp_machine_mem(m) + LP, 0xEE, TM_PAGE);
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_SECRETS), 0);
	s = (const struct snp_secrets_page *)(snp_machine_mem(m) + LP);
	assert_int_equal(s->version, SNP_MACHINE_SECRETS_VERSION);
	assert_int_equal(s->fms, SNP_MACHINE_FMS);
	for (i = 0; i < SNP_VMPCK_COUNT; i++) {
		assert_memory_not_equal(s->vmpck[i], zero, SNP_VMPCK_SIZE);
		assert_memory_equal(s->vmpck[i], snp_machine_vmpck(m, i),
				    SNP_VMPCK_SIZE);
	}
	assert_memory_not_equal(s->vmpck[0], s->vmpck[1], SNP_VMPCK_SIZE);
	assert_int_equal(s->svsm_base, 0);
	assert_int_equal(s->svsm_size, 0);
	assert_int_equal(s->svsm_caa, 0);
	assert_int_equal(s->svsm_max_version, 0);
	assert_int_equal(s->svsm_guest_vmpl, 0);
	assert_int_equal(s->msg_seqno[0], 0);
	assert_int_equal(s->rsvd_164[100], 0);
	assert_true(snp_machine_rmp(m, LP)->validated);
}

/* Confirm that two machines get different VMPCKs. */
static void launch_vmpcks_differ(void **state)
{
	struct snp_machine *m = *state;
	uint8_t first[SNP_VMPCK_COUNT][SNP_VMPCK_SIZE];

	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_SECRETS), 0);
	memcpy(first, snp_machine_mem(m) + LP + 0x20, sizeof(first));
	snp_machine_destroy(m);
	m = tm_create(1);
	*state = m;
	assert_non_null(m);
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_SECRETS), 0);
	assert_memory_not_equal(first, snp_machine_mem(m) + LP + 0x20,
				sizeof(first));
}

/* Confirm that a VMSA launch page carries the VMSA bit and is measured. */
static void launch_vmsa(void **state)
{
	struct snp_machine *m = *state;

	tm_fill_vmsa(m, LP, 0, NULL, 0);
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_VMSA), 0);
	assert_true(snp_machine_rmp(m, LP)->vmsa);
	assert_true(snp_machine_rmp(m, LP)->validated);
	assert_memory_not_equal(snp_machine_measurement(m), zero48, 48);
}

/*
 * Confirm that a VMSA the hypervisor keeps outside guest memory (the IGVM
 * launch VMSA at 0xFFFFFFFFF000) is measured: the digest is SHA-384 of its
 * PAGE_INFO; further VMSAs (one per vCPU) are measured at the same GPA;
 * the machine reads and writes the first page as the VMSA at its GPA; the
 * launch takes no page after it finished.
 */
static void launch_ext_vmsa(void **state)
{
	struct snp_machine *m = *state;
	static uint8_t page[TM_PAGE], page2[TM_PAGE];
	uint8_t info[0x70], want[48];
	uint64_t gpa = 0xFFFFFFFFF000ULL;
	uint16_t len = 0x70;
	unsigned int n = 0;

	memset(page, 0x5A, sizeof(page));
	assert_int_equal(snp_machine_launch_ext_vmsa(m, LP, page), -1);
	assert_int_equal(snp_machine_launch_ext_vmsa(m, gpa + 1, page), -1);
	assert_int_equal(snp_machine_launch_ext_vmsa(m, gpa, page), 0);
	memset(info, 0, sizeof(info));
	assert_int_equal(EVP_Digest(page, sizeof(page), info + 0x30, &n,
				    EVP_sha384(), NULL),
			 1);
	memcpy(info + 0x60, &len, sizeof(len));
	info[0x62] = 2; /* VMSA */
	memcpy(info + 0x68, &gpa, sizeof(gpa));
	assert_int_equal(
		EVP_Digest(info, sizeof(info), want, &n, EVP_sha384(), NULL),
		1);
	assert_memory_equal(snp_machine_measurement(m), want, sizeof(want));
	assert_int_equal(snp_machine_launch_ext_vmsa(m, gpa - TM_PAGE, page2),
			 -1);
	assert_int_equal(snp_machine_launch_ext_vmsa(m, gpa, page2), 0);
	assert_memory_not_equal(snp_machine_measurement(m), want, sizeof(want));
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_ZERO), 0);
	snp_machine_launch_finish(m);
	assert_int_equal(snp_machine_launch_ext_vmsa(m, gpa, page2), -1);
	assert_int_equal(
		snp_machine_launch_page(m, LP + TM_PAGE, SNP_LAUNCH_ZERO), -1);
	snp_vmsa_write64(m, gpa, 0x178, 0x1234);
	assert_int_equal(snp_vmsa_read64(m, gpa, 0x178), 0x1234);
	assert_ptr_equal(snp_vmsa_page(m, gpa), page);
	m->vcpus[0].vmsa_valid[0] = true;
	m->vcpus[0].vmsa_gpa[0] = gpa;
	assert_true(snp_vmsa_runnable(m, &m->vcpus[0], 0));
}

/* Confirm the launch ends with the first boot. */
static void launch_finished_by_boot(void **state)
{
	struct snp_machine *m = *state;

	tm_fill_vmsa(m, LP, 0, NULL, 0);
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_VMSA), 0);
	assert_int_equal(snp_machine_boot(m, 0, LP), 0); /* halts at once */
	assert_int_equal(
		snp_machine_launch_page(m, LP + TM_PAGE, SNP_LAUNCH_ZERO), -1);
}

/* The digest after `rec` (a 0x70-byte PAGE_INFO), computed here. */
static void ref_extend(uint8_t digest[48], uint64_t gpa, uint8_t type,
		       const uint8_t *page)
{
	uint8_t rec[0x70] = { 0 };
	unsigned int len = 0;
	uint16_t rec_len = sizeof(rec);

	memcpy(rec, digest, 48);
	if (page != NULL) {
		assert_int_equal(EVP_Digest(page, TM_PAGE, rec + 48, &len,
					    EVP_sha384(), NULL),
				 1);
	}
	memcpy(rec + 96, &rec_len, 2);
	rec[98] = type;
	memcpy(rec + 104, &gpa, 8);
	assert_int_equal(
		EVP_Digest(rec, sizeof(rec), digest, &len, EVP_sha384(), NULL),
		1);
}

/*
 * Confirm the hosted build's memo of record digests never stands in for
 * a record it did not see: boots that share a first step and then differ
 * (the GPA, the contents) each match a digest computed here.
 */
static void launch_digest_memo(void **state)
{
	static const struct {
		uint64_t gpa;
		uint8_t fill;
	} runs[] = {
		{ LP, 1 }, { LP, 1 }, { LP + TM_PAGE, 1 }, { LP, 2 }, { LP, 1 }
	};
	uint8_t page[TM_PAGE];
	uint8_t want[48];
	size_t i;

	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct snp_machine *m = *state;

		memset(want, 0, sizeof(want));
		ref_extend(want, 0, 0x3, NULL); /* ZERO at GPA 0 */
		memset(page, runs[i].fill, sizeof(page));
		ref_extend(want, runs[i].gpa + 2 * TM_PAGE, 0x1, page);
		assert_int_equal(snp_machine_launch_page(m, 0, SNP_LAUNCH_ZERO),
				 0);
		memcpy(snp_machine_mem(m) + runs[i].gpa + 2 * TM_PAGE, page,
		       sizeof(page));
		assert_int_equal(
			snp_machine_launch_page(m, runs[i].gpa + 2 * TM_PAGE,
						SNP_LAUNCH_NORMAL),
			0);
		assert_memory_equal(snp_machine_measurement(m), want, 48);
		tm_teardown(state);
		assert_int_equal(tm_setup(state), 0);
	}
}

/* Confirm bad configurations and a second live machine are refused. */
static void create_rules(void **state)
{
	struct snp_machine_config cfg = { .mem_bytes = TM_MEM, .vcpus = 1 };

	assert_null(snp_machine_create(NULL)); /* one already exists */
	snp_machine_destroy(*state);
	*state = NULL;
	cfg.mem_bytes = TM_MEM + TM_PAGE;
	assert_null(snp_machine_create(&cfg));
	cfg.mem_bytes = 0;
	assert_null(snp_machine_create(&cfg));
	cfg.mem_bytes = TM_MEM;
	cfg.vcpus = 0;
	assert_null(snp_machine_create(&cfg));
	cfg.vcpus = SNP_MACHINE_MAX_VCPUS + 1;
	assert_null(snp_machine_create(&cfg));
	*state = snp_machine_create(NULL);
	assert_non_null(*state);
	assert_ptr_equal(snp_machine_current(), *state);
	assert_int_equal(snp_machine_mem_size(*state), SNP_MACHINE_DEFAULT_MEM);
	assert_int_equal(snp_machine_config(*state)->vcpus, 1);
}

/* Confirm every allocation failure of create undoes the earlier steps. */
static void create_alloc_failures(void **state)
{
	struct snp_machine *m = NULL;
	unsigned long n;

	snp_machine_destroy(*state);
	*state = NULL;
	for (n = 1; n < 10 && m == NULL; n++) {
		snp_machine_fail_alloc_nth(n);
		m = tm_create(2);
		if (m == NULL) {
			assert_null(snp_machine_current());
		}
	}
	snp_machine_fail_alloc_nth(0);
	*state = m;
	assert_non_null(m);
	assert_int_equal(n - 1, 5); /* machine, memory, RMP, vCPUs; then ok */
}

/* Confirm a boot whose fiber cannot be allocated fails cleanly. */
static void boot_alloc_failures(void **state)
{
	struct snp_machine *m = *state;

	tm_fill_vmsa(m, LP, 0, NULL, 0);
	assert_int_equal(snp_machine_launch_page(m, LP, SNP_LAUNCH_VMSA), 0);
	snp_machine_fail_alloc_nth(1);
	assert_int_equal(snp_machine_boot(m, 0, LP), -1);
	snp_machine_fail_alloc_nth(2);
	assert_int_equal(snp_machine_boot(m, 0, LP), -1);
	snp_machine_fail_alloc_nth(0);
	assert_int_equal(snp_machine_boot(m, 0, LP), 0);
}

int machine_test_psp(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(launch_normal, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(launch_measurement_content,
						tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(launch_measurement_gpa_type,
						tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(launch_zero_unmeasured,
						tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(launch_errors, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(launch_secrets, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(launch_vmpcks_differ, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(launch_vmsa, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(launch_ext_vmsa, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(launch_finished_by_boot,
						tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(launch_digest_memo, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(create_rules, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(create_alloc_failures, tm_setup,
						tm_teardown),
		cmocka_unit_test_setup_teardown(boot_alloc_failures, tm_setup,
						tm_teardown),
	};

	return cmocka_run_group_tests_name("machine_psp", tests, NULL, NULL);
}
