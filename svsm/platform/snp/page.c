/* SPDX-License-Identifier: MIT */
/*
 * RMP use: the RMPADJUST sequences that revoke and grant lower-VMPL access
 * and turn pages into VMSAs and back (AMD APM vol. 3, RMPADJUST; 58019
 * section 7).
 */
#include "svsm/cpu.h"
#include "svsm/snp.h"
#include "abi/snp_rmp.h"

/** Remove every permission of VMPL1..3 from the page at `va`. */
uint32_t snp_page_revoke(void *va, enum cpu_page_size size)
{
	unsigned int vmpl;
	uint32_t rc;

	for (vmpl = 1; vmpl <= SNP_VMPL_MAX; vmpl++) {
		rc = cpu_rmpadjust(va, size, RMPADJUST_ATTRS(vmpl, 0));
		if (rc != RMPADJUST_SUCCESS) {
			return rc;
		}
	}
	return RMPADJUST_SUCCESS;
}

/** Grant RWX to VMPL1..`vmpl` on the page at `va`. */
uint32_t snp_page_grant(void *va, enum cpu_page_size size, unsigned int vmpl)
{
	unsigned int v;
	uint32_t rc;

	for (v = 1; v <= vmpl && v <= SNP_VMPL_MAX; v++) {
		rc = cpu_rmpadjust(va, size, RMPADJUST_ATTRS(v, RMPADJUST_RWX));
		if (rc != RMPADJUST_SUCCESS) {
			return rc;
		}
	}
	return RMPADJUST_SUCCESS;
}

/** Make the page at `va` a VMSA for `vmpl` (lower VMPLs lose access). */
uint32_t snp_page_make_vmsa(void *va, unsigned int vmpl)
{
	uint32_t rc = snp_page_revoke(va, CPU_PAGE_4K);

	if (rc != RMPADJUST_SUCCESS) {
		return rc;
	}
	/* The target VMPL of RMPADJUST must be above VMPL0. */
	return cpu_rmpadjust(va, CPU_PAGE_4K,
			     RMPADJUST_VMSA |
				     RMPADJUST_ATTRS(vmpl ? vmpl : 1, 0));
}

/** Turn the VMSA page at `va` back into a normal page. */
uint32_t snp_page_clear_vmsa(void *va, unsigned int vmpl)
{
	return cpu_rmpadjust(va, CPU_PAGE_4K,
			     RMPADJUST_ATTRS(vmpl ? vmpl : 1, 0));
}
