/* SPDX-License-Identifier: MIT */
/*
 * The hosted build's services: attestation over the PSP channel keyed
 * with VMPCK0 from the SVSM's own secrets page, and the vTPM (libtpms,
 * memory-backed NV) when the machine was configured with one.
 */
#include "svsm/attest.h"
#include "svsm/log.h"
#include "svsm/physmap.h"
#include "svsm/services.h"
#include "svsm/vtpm.h"
#include "abi/snp_secrets.h"

static bool attest_on;
static struct vtpm_nv_mem *nv;

/** Start attestation and (if asked for) the vTPM. */
void svsm_services_init(const struct svsm_boot_info *info)
{
	struct snp_secrets_page *secrets =
		physmap_va(info->secrets_gpa, sizeof(*secrets));
	struct vtpm_nv_ops ops;

	attest_on = secrets != NULL && attest_init(secrets->vmpck[0]);
	if (secrets != NULL) {
		/*
		 * The channel holds its own copy now: wipe VMPCK0 at its
		 * source, so no later path can reuse the key from the start
		 * of its sequence (AES-GCM IV reuse).
		 */
		volatile uint8_t *k = (volatile uint8_t *)secrets->vmpck[0];
		size_t i;

		for (i = 0; i < sizeof(secrets->vmpck[0]); i++) {
			k[i] = 0;
		}
	}
	if (!attest_on) {
		pr_notice("services: attestation is off\n");
	}
	if (!(info->flags & SVSM_BOOT_VTPM)) {
		return;
	}
	nv = vtpm_nv_mem_create();
	if (nv == NULL) {
		pr_notice("services: no memory for the vTPM's NV store\n");
		return;
	}
	vtpm_nv_mem_ops(nv, &ops);
	if (vtpm_init(&ops) != 0) {
		pr_notice("services: the vTPM did not start\n");
	}
}

/** Stop the services (after the machine stopped running). */
void svsm_services_fini(void)
{
	if (attest_on) {
		attest_fini();
		attest_on = false;
	}
	if (vtpm_running()) {
		vtpm_shutdown();
	}
	if (nv != NULL) {
		vtpm_nv_mem_destroy(nv);
		nv = NULL;
	}
}

/** True once attestation is ready. */
bool svsm_attest_available(void)
{
	return attest_on;
}
