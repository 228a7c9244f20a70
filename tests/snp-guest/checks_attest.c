/* SPDX-License-Identifier: MIT */
/*
 * Attestation checks (protocol 1) from inside the VM, as Linux's
 * sev-guest driver asks through an SVSM: ATTEST_SERVICES and
 * ATTEST_SINGLE_SERVICE with a 64-byte nonce; REPORT_DATA must be
 * SHA-512(nonce || manifest). The report's MEASUREMENT is printed as
 * `snp-guest: measurement <hex>` for the harness to compare with
 * `igvm-measure`. Scratch pages 96-103.
 */
#include <string.h>

#include "abi/snp_guest_msg.h"
#include "abi/svsm_attest.h"
#include "guest.h"
#include "sha512.h"
#include "svsm.h"
#include "svsm/manifest.h"

#define REPORT_PAGE 96U
#define NONCE_PAGE 97U
#define MANIFEST_PAGE 98U
#define CERTS_PAGE 100U /* 4 pages */
#define CERTS_PAGES 4U

static uint64_t at(unsigned page)
{
	return scratch_page(page);
}

static void *ptr(unsigned page)
{
	return (void *)(uintptr_t)scratch_page(page);
}

/* The operation at CA + 8, as Linux places it. */
static void fill_op(bool single, uint32_t report_size, uint32_t nonce_size,
		    uint32_t certs_size)
{
	struct svsm_attest_single_req op;
	static const uint8_t vtpm[16] = SVSM_VTPM_SERVICE_GUID;

	memset(&op, 0, sizeof(op));
	op.base.report.gpa = at(REPORT_PAGE);
	op.base.report.size = report_size;
	op.base.nonce.gpa = at(NONCE_PAGE);
	op.base.nonce.size = nonce_size;
	op.base.manifest.gpa = at(MANIFEST_PAGE);
	op.base.manifest.size = 2 * PAGE_SIZE;
	op.base.certs.gpa = certs_size != 0 ? at(CERTS_PAGE) : 0;
	op.base.certs.size = certs_size;
	if (single) {
		memcpy(op.guid, vtpm, sizeof(vtpm));
	}
	memcpy((void *)svsm_ca->buffer, &op,
	       single ? sizeof(op) : sizeof(op.base));
}

static uint32_t attest(bool single, struct svsm_regs *r)
{
	*r = (struct svsm_regs){ .rcx = svsm_ca_gpa + SVSM_CA_OFF_BUFFER,
				 .rdx = UINT64_MAX,
				 .r8 = UINT64_MAX };
	return svsm_call(
		SVSM_PROTOCOL_ATTEST,
		single ? SVSM_ATTEST_SINGLE_SERVICE : SVSM_ATTEST_SERVICES, r);
}

static bool report_data_binds(uint64_t manifest_len)
{
	const struct snp_attestation_report *rep = ptr(REPORT_PAGE);
	uint8_t want[SHA512_DIGEST_SIZE];
	struct sha512_ctx c;

	if (manifest_len > 2 * PAGE_SIZE) {
		return false;
	}
	sha512_init(&c);
	sha512_update(&c, ptr(NONCE_PAGE), SVSM_ATTEST_NONCE_SIZE);
	sha512_update(&c, ptr(MANIFEST_PAGE), (size_t)manifest_len);
	sha512_final(&c, want);
	return memcmp(rep->report_data, want, sizeof(want)) == 0;
}

static void print_measurement(void)
{
	const struct snp_attestation_report *rep = ptr(REPORT_PAGE);
	char hex[2 * sizeof(rep->measurement) + 1];
	unsigned i;

	for (i = 0; i < sizeof(rep->measurement); i++) {
		static const char digits[] = "0123456789abcdef";

		hex[2 * i] = digits[rep->measurement[i] >> 4];
		hex[2 * i + 1] = digits[rep->measurement[i] & 0xF];
	}
	hex[sizeof(hex) - 1] = '\0';
	con_printf("snp-guest: measurement %s\n", hex);
}

static void check_errors(void)
{
	struct svsm_regs r;
	struct svsm_attest_services_req *op =
		(struct svsm_attest_services_req *)(uintptr_t)svsm_ca->buffer;
	static const uint8_t pattern = 0xEE;
	uint8_t *report = ptr(REPORT_PAGE);
	uint32_t rc;

	memset(report, pattern, PAGE_SIZE);
	fill_op(false, 0x100, SVSM_ATTEST_NONCE_SIZE, 0);
	rc = attest(false, &r);
	check(rc == SVSM_ERR_INVALID_PARAMETER && r.r8 == SNP_REPORT_SIZE &&
		      report[0] == pattern,
	      "ATTEST_SERVICES report buffer too small: INVALID_PARAMETER, "
	      "R8 = 0x%lx, nothing written",
	      (unsigned long)r.r8);
	fill_op(false, PAGE_SIZE, 32, 0);
	check(attest(false, &r) == SVSM_ERR_INVALID_PARAMETER,
	      "ATTEST_SERVICES 32-byte nonce: INVALID_PARAMETER");
	fill_op(false, PAGE_SIZE, SVSM_ATTEST_NONCE_SIZE, 0);
	op->report.gpa += 8;
	check(attest(false, &r) == SVSM_ERR_INVALID_PARAMETER,
	      "ATTEST_SERVICES misaligned report: INVALID_PARAMETER");
	fill_op(false, PAGE_SIZE, SVSM_ATTEST_NONCE_SIZE, 0);
	op->report.rsvd = 1;
	check(attest(false, &r) == SVSM_ERR_INVALID_PARAMETER,
	      "ATTEST_SERVICES reserved field set: INVALID_PARAMETER");
	fill_op(false, PAGE_SIZE, SVSM_ATTEST_NONCE_SIZE, 0);
	op->report.gpa = env.svsm_base;
	check(attest(false, &r) == SVSM_ERR_INVALID_ADDRESS,
	      "ATTEST_SERVICES report in SVSM memory: INVALID_ADDRESS");
	fill_op(true, PAGE_SIZE, SVSM_ATTEST_NONCE_SIZE, 0);
	((struct svsm_attest_single_req *)op)->guid[0] ^= 1;
	check(attest(true, &r) == SVSM_ERR_UNSUPPORTED_PROTOCOL,
	      "ATTEST_SINGLE_SERVICE unknown service: UNSUPPORTED_PROTOCOL");
	r = (struct svsm_regs){ 0 };
	check(svsm_call(SVSM_PROTOCOL_ATTEST, 2, &r) ==
		      SVSM_ERR_UNSUPPORTED_CALL,
	      "attestation call 2: UNSUPPORTED_CALL");
}

void checks_attest(void)
{
	static const uint8_t vtpm[16] = SVSM_VTPM_SERVICE_GUID;
	const struct snp_attestation_report *rep = ptr(REPORT_PAGE);
	const uint8_t *ek = NULL;
	size_t ek_len = 0;
	struct svsm_regs r;
	uint8_t *nonce = ptr(NONCE_PAGE);
	uint32_t rc;
	unsigned i;

	note("attestation (protocol 1)");
	if (svsm_validate_range(at(REPORT_PAGE), 8 * PAGE_SIZE) !=
	    SVSM_SUCCESS) {
		check(false, "attestation: validate the buffers");
		return;
	}
	for (i = 0; i < SVSM_ATTEST_NONCE_SIZE; i++) {
		nonce[i] = (uint8_t)(0xA0 + i);
	}
	fill_op(false, PAGE_SIZE, SVSM_ATTEST_NONCE_SIZE,
		CERTS_PAGES * PAGE_SIZE);
	rc = attest(false, &r);
	check(rc == SVSM_SUCCESS && r.r8 == SNP_REPORT_SIZE,
	      "ATTEST_SERVICES: SUCCESS, report of 0x%lx bytes (0x%x)",
	      (unsigned long)r.r8, rc);
	if (rc != SVSM_SUCCESS) {
		return;
	}
	print_measurement();
	check(report_data_binds(r.rcx),
	      "REPORT_DATA = SHA-512(nonce || manifest of %lu bytes)",
	      (unsigned long)r.rcx);
	check(manifest_find(ptr(MANIFEST_PAGE), (size_t)r.rcx, vtpm, &ek,
			    &ek_len) == 0 &&
		      ek_len > 2 && ek[0] == 0x00 && ek[1] == 0x01,
	      "the services manifest carries the vTPM's RSA EK");
	check(r.rdx > 0 && r.rdx <= CERTS_PAGES * PAGE_SIZE,
	      "the certificate table was returned (%lu bytes)",
	      (unsigned long)r.rdx);
	note("report version %u, VMPL %u, policy 0x%lx", rep->version,
	     rep->vmpl, (unsigned long)rep->policy);

	fill_op(true, PAGE_SIZE, SVSM_ATTEST_NONCE_SIZE, 0);
	rc = attest(true, &r);
	check(rc == SVSM_SUCCESS && report_data_binds(r.rcx),
	      "ATTEST_SINGLE_SERVICE(vTPM): REPORT_DATA binds its manifest");
	check_errors();
}
