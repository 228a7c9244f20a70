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

	/* VMPCK0 is wiped at its source: only the channel holds it now. */
	attest_on = attest_init_from_secrets(secrets);
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

/** The hosted vTPM starts at boot or never: no waiting. */
bool svsm_vtpm_available(void)
{
	return vtpm_running();
}

/** See svsm/services.h. */
bool svsm_vtpm_wait(void)
{
	return vtpm_running();
}

/** True once attestation is ready. */
bool svsm_attest_available(void)
{
	return attest_on;
}
