/* SPDX-License-Identifier: MIT */
/*
 * The services of the kernel's SVSM (see svsm/services.h): attestation
 * keyed with VMPCK0 of the SVSM's secrets page (wiped there once the
 * channel holds it), and the vTPM, which is not started here: on SNP it is
 * manufactured on the last vCPU while the guest already runs, or by the
 * first vTPM call (one vCPU). Until it runs, QUERY_PROTOCOL reports
 * protocol 2 and its calls wait for it; if it fails to start, protocol 2
 * disappears (QUERY_PROTOCOL answers 0, calls get UNSUPPORTED_PROTOCOL).
 */
#include <kernel/tpm.h>
#include <svsm/attest.h>
#include <svsm/log.h>
#include <svsm/physmap.h>
#include <svsm/services.h>
#include "abi/snp_secrets.h"

static bool attest_on;

/** Start attestation (the vTPM starts later, see above). */
void svsm_services_init(const struct svsm_boot_info *info)
{
	attest_on = attest_init_from_secrets(
		physmap_va(info->secrets_gpa, sizeof(struct snp_secrets_page)));
	if (!attest_on) {
		pr_notice("services: attestation is off\n");
	}
}

/** True once attestation is ready. */
bool svsm_attest_available(void)
{
	return attest_on;
}

/** See svsm/services.h. */
bool svsm_vtpm_available(void)
{
	return kernel_tpm_pending() || kernel_tpm_available();
}

/** See svsm/services.h. */
bool svsm_vtpm_wait(void)
{
	return kernel_tpm_start() && kernel_tpm_available();
}
