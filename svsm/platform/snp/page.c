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

/*
 * How often snp_page_clear_vmsa_stopped() tries: each try is an RMPADJUST,
 * and a host's kick takes one exit of the kicked vCPU.
 */
#define SNP_VMSA_INUSE_TRIES 10000U

/**
 * snp_page_clear_vmsa() of a VMSA the host was just told to stop running
 * (AP destroy). The hardware answers FAIL_INUSE until the host's kick has
 * taken the vCPU out of that VMSA, which happens after AP destroy returns:
 * try again, a bounded number of times. Returns the last EAX.
 */
uint32_t snp_page_clear_vmsa_stopped(void *va, unsigned int vmpl)
{
	unsigned int i;
	uint32_t rc = RMPADJUST_FAIL_INUSE;

	for (i = 0; i < SNP_VMSA_INUSE_TRIES && rc == RMPADJUST_FAIL_INUSE;
	     i++) {
		rc = snp_page_clear_vmsa(va, vmpl);
#if defined(__x86_64__)
		if (rc == RMPADJUST_FAIL_INUSE) {
			__builtin_ia32_pause();
		}
#endif
	}
	return rc;
}
