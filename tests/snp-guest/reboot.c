/* SPDX-License-Identifier: MIT */
/*
 * The reboot test (mode byte 'R', docs/ARCHITECTURE.md "Guest reboot").
 * Guest memory does not survive a reboot (the SVSM invalidates what the
 * guest validated and puts the launch image back), the vTPM's NV does: the
 * first boot runs the checks, leaves its marks (a 4 KiB page and, if the
 * host has 2 MiB entries, a 2 MiB range validated; PCR 16 extended by the
 * vTPM checks; the AP's deleted VMSA page validated by the vCPU checks;
 * contents are no mark: PVALIDATE keeps them, on hardware as here),
 * writes an NV index with what the second boot compares (the PCR value,
 * a hash of its secrets page) and calls SVSM_REBOOT_EXECUTE: from the boot
 * vCPU, its AP already deleted (mode 'R'), or from an AP it starts while
 * the boot vCPU runs on at VMPL2 (mode 'A'). The second boot finds the
 * index and checks that none of its marks survived, nor the VMSA of the
 * AP of the first boot. Scratch pages 300-307 and the 2 MiB chunk at
 * scratch + 2 MiB.
 */
#include <string.h>

#include "abi/svsm_reboot.h"
#include "guest.h"
#include "sha512.h"
#include "svsm.h"
#include "tpm2_cmds.h"

#define TPM_PAGE 300U
#define MARK_PAGE 301U
#define AP_PAGE 304U /* from an AP: its VMSA, CA and stack (304-307) */
#define MARK_2M (env.scratch + SIZE_2M)
#define AP_VMSA_PAGE 17U /* checks_vcpu.c's VMSA, deleted there */
#define TEST_PCR 16U
#define NV_INDEX 0x01500016U
#define NV_MAGIC 0x544f4f4245524e53ULL /* "SNREBOOT" */
#define TPM_RC_INITIALIZE 0x100U
#define MARK_BYTE 0xA5U

/** What the first boot leaves for the second in the NV index. */
struct reboot_record {
	uint64_t magic;
	uint8_t pcr[32];     /* PCR 16 before the reboot */
	uint8_t secrets[64]; /* SHA-512 of the secrets page at boot */
	uint8_t have_2m;     /* the 2 MiB mark was validated */
	uint8_t from_ap;     /* an AP called the reboot (its VMSA at AP_PAGE) */
	uint8_t rsvd[6];
};

static uint8_t cmd[TPM2_MAX];
static uint8_t secrets_hash[64];
static struct reboot_record record;
static bool tpm_ready;
/* Counts this image's boots: the launch's 0 comes back with the image. */
static volatile uint32_t image_boots;
static uint32_t startup_rc;

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

static uint8_t *tpm_page(void)
{
	return (uint8_t *)(uintptr_t)scratch_page(TPM_PAGE);
}

static const uint8_t *tpm(size_t len, size_t *rlen)
{
	return vtpm_run(tpm_page(), cmd, len, rlen);
}

static uint32_t tpm_rc(size_t len)
{
	return vtpm_run_rc(tpm_page(), cmd, len);
}

/* NV_Read of the record: TPM2B_MAX_NV_BUFFER after the parameter size. */
static bool record_read(struct reboot_record *out)
{
	size_t rlen = 0;
	const uint8_t *r =
		tpm(tpm2_nv_read(cmd, NV_INDEX, sizeof(*out)), &rlen);

	note("reboot test: TPM2_NV_Read(0x%x): 0x%x", NV_INDEX,
	     r != NULL ? tpm2_rc(r, rlen) : 0xFFFFFFFFU);
	/* 0x18B (TPM_RC_HANDLE, the index does not exist): a first boot. */
	if (r == NULL || tpm2_rc(r, rlen) != 0 || rlen < 16 + sizeof(*out) ||
	    tpm2_be16(r + 14) != sizeof(*out)) {
		return false;
	}
	memcpy(out, r + 16, sizeof(*out));
	return out->magic == NV_MAGIC;
}

static void hash_secrets(uint8_t out[64])
{
	struct sha512_ctx c;

	sha512_init(&c);
	sha512_update(&c, (const void *)(uintptr_t)env.boot->secrets_gpa,
		      PAGE_SIZE);
	sha512_final(&c, out);
}

/** Before anything else: the secrets page as this boot found it. */
void reboot_begin(void)
{
	image_boots++;
	hash_secrets(secrets_hash);
	if (svsm_validate_range(scratch_page(TPM_PAGE), PAGE_SIZE) !=
	    SVSM_SUCCESS) {
		return;
	}
	startup_rc = tpm_rc(tpm2_startup_clear(cmd));
	tpm_ready = startup_rc == 0 || startup_rc == TPM_RC_INITIALIZE;
	note("reboot test: TPM2_Startup(CLEAR) 0x%x", startup_rc);
}

/** True in the second boot: the first boot's record is in NV. */
bool reboot_second_boot(void)
{
	return tpm_ready && record_read(&record);
}

/* The first boot's marks: pages validated, 4 KiB and 2 MiB. */
static bool leave_marks(void)
{
	uint8_t *mark = (uint8_t *)(uintptr_t)scratch_page(MARK_PAGE);
	bool ok = svsm_validate_range(scratch_page(MARK_PAGE), PAGE_SIZE) ==
		  SVSM_SUCCESS;

	check(ok, "reboot: validate a 4 KiB page to leave behind");
	if (!ok) {
		return false;
	}
	memset(mark, MARK_BYTE, PAGE_SIZE);
	record.have_2m =
		env.scratch_size >= 2 * SIZE_2M &&
		svsm_pvalidate(MARK_2M, true, true, false) == SVSM_SUCCESS;
	if (record.have_2m) {
		memset((void *)(uintptr_t)MARK_2M, MARK_BYTE, PAGE_SIZE);
	}
	note("reboot test: 2 MiB mark %s",
	     record.have_2m ? "validated" : "not available");
	return true;
}

/** First boot, after the checks: record, then reboot (no return). */
void reboot_first(bool from_ap)
{
	struct svsm_regs r = { 0 };
	bool ok;
	uint32_t rc;

	note("reboot test: first boot");
	ok = tpm_ready;
	check(ok, "reboot: the vTPM started");
	ok = ok && svsm_query_protocol(SVSM_PROTOCOL_REBOOT,
				       SVSM_REBOOT_VERSION_MIN) != 0;
	check(ok, "reboot: QUERY_PROTOCOL offers the reboot protocol");
	ok = ok && leave_marks();
	record.magic = NV_MAGIC;
	record.from_ap = from_ap;
	memcpy(record.secrets, secrets_hash, sizeof(record.secrets));
	ok = ok && vtpm_pcr_read(tpm_page(), cmd, TEST_PCR, record.pcr) &&
	     !all_zero(record.pcr, sizeof(record.pcr));
	check(ok, "reboot: PCR %u extended before the reboot", TEST_PCR);
	rc = tpm_rc(tpm2_nv_define(cmd, NV_INDEX, sizeof(record)));
	ok = ok && rc == 0;
	check(rc == 0, "reboot: TPM2_NV_DefineSpace(0x%x): 0x%x", NV_INDEX, rc);
	rc = tpm_rc(tpm2_nv_write(cmd, NV_INDEX, (const uint8_t *)&record,
				  sizeof(record)));
	ok = ok && rc == 0;
	check(rc == 0, "reboot: TPM2_NV_Write: 0x%x", rc);
	if (!ok) {
		return;
	}
	if (from_ap) {
		(void)vcpu_ap_reboot(scratch_page(AP_PAGE));
		return;
	}
	con_puts("snp-guest: rebooting through the SVSM\n");
	rc = svsm_call(SVSM_PROTOCOL_REBOOT, SVSM_REBOOT_EXECUTE, &r);
	check(false, "reboot: SVSM_REBOOT_EXECUTE returned 0x%x", rc);
}

/** Second boot: nothing of the first boot but the TPM's NV is left. */
void reboot_second(void)
{
	uint64_t vmsa = scratch_page(record.from_ap ? AP_PAGE : AP_VMSA_PAGE);
	uint8_t pcr[32];
	uint32_t rc;

	con_printf("snp-guest: second boot after a reboot called by %s\n",
		   record.from_ap ? "an AP" : "the boot vCPU");
	/* The first boot's checks had started it: INITIALIZE then. */
	check(startup_rc == 0,
	      "reboot: TPM2_Startup(CLEAR) succeeds again (_TPM_Init) (0x%x)",
	      startup_rc);
	check(image_boots == 1,
	      "reboot: the image is the launch's again (boot count %u)",
	      image_boots);
	check(memcmp(record.secrets, secrets_hash, sizeof(secrets_hash)) == 0,
	      "reboot: the secrets page equals the first boot's");
	check(svsm_query_protocol(SVSM_PROTOCOL_REBOOT,
				  SVSM_REBOOT_VERSION_MIN) != 0,
	      "reboot: QUERY_PROTOCOL still offers the reboot protocol");
	check(vtpm_pcr_read(tpm_page(), cmd, TEST_PCR, pcr) &&
		      all_zero(pcr, sizeof(pcr)) &&
		      memcmp(pcr, record.pcr, sizeof(pcr)) != 0,
	      "reboot: PCR %u reads as reset (zero)", TEST_PCR);
	/* CF clear (ignore-CF 0): the page was not validated any more. */
	rc = svsm_pvalidate(scratch_page(MARK_PAGE), false, true, false);
	check(rc == SVSM_SUCCESS,
	      "reboot: the 4 KiB page validated before is not (0x%x)", rc);
	if (record.have_2m) {
		rc = svsm_pvalidate(MARK_2M, true, true, false);
		check(rc == SVSM_SUCCESS,
		      "reboot: the 2 MiB range validated before is not (0x%x)",
		      rc);
	} else {
		check_skip("no 2 MiB RMP entries",
			   "reboot: the 2 MiB range validated before is not");
	}
	rc = svsm_core(SVSM_CORE_DELETE_VCPU, vmsa, 0, 0);
	check(rc != SVSM_SUCCESS,
	      "reboot: the first boot's AP VMSA is unknown (0x%x)", rc);
	rc = svsm_pvalidate(vmsa, false, true, false);
	check(rc == SVSM_SUCCESS,
	      "reboot: the AP's VMSA page is neither a VMSA nor validated "
	      "(0x%x)",
	      rc);
}
