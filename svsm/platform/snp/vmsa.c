/* SPDX-License-Identifier: MIT */
/*
 * VMSA handling and the guest's secrets page copy.
 */
#include <stdatomic.h>
#include <string.h>

#include "svsm/cpu.h"
#include "svsm/mm.h"
#include "svsm/snp.h"
#include "abi/sev_status.h"
#include "abi/svsm_core.h"
#include "abi/vmsa.h"

static void seg(struct vmsa_segment *s, uint16_t sel, uint16_t attrib,
		uint32_t limit, uint64_t base)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = limit;
	s->base = base;
}

/**
 * x86 reset state (as COCONUT-SVSM builds the firmware's boot VMSA): real
 * mode, CS:IP from `rip`, runnable at `vmpl` with `sev_features`.
 */
void snp_vmsa_init_guest(struct sev_vmsa *vmsa, unsigned int vmpl,
			 uint64_t sev_features, uint64_t rip)
{
	memset(vmsa, 0, sizeof(*vmsa));
	seg(&vmsa->cs, 0xF000, 0x9B, 0xFFFF, rip & 0xFFFF0000ULL);
	seg(&vmsa->ds, 0, 0x93, 0xFFFF, 0);
	seg(&vmsa->es, 0, 0x93, 0xFFFF, 0);
	seg(&vmsa->fs, 0, 0x93, 0xFFFF, 0);
	seg(&vmsa->gs, 0, 0x93, 0xFFFF, 0);
	seg(&vmsa->ss, 0, 0x93, 0xFFFF, 0);
	vmsa->gdtr.limit = 0xFFFF;
	vmsa->idtr.limit = 0xFFFF;
	seg(&vmsa->ldtr, 0, 0x82, 0xFFFF, 0);
	seg(&vmsa->tr, 0, 0x8B, 0xFFFF, 0);
	vmsa->rip = rip & 0xFFFFULL;
	vmsa->cr0 = 0x60000010ULL;
	vmsa->rflags = 0x2;
	vmsa->dr6 = 0xFFFF0FF0ULL;
	vmsa->dr7 = 0x400;
	vmsa->g_pat = 0x0007040600070406ULL;
	vmsa->xcr0 = 1;
	vmsa->mxcsr = 0x1F80;
	vmsa->x87_ftw = 0x5555;
	vmsa->x87_fcw = 0x40;
	vmsa->vmpl = (uint8_t)vmpl;
	vmsa->sev_features = sev_features;
	vmsa->efer = EFER_SVME;
}

/**
 * 32-bit protected mode, paging off, flat 4 GiB code and data segments
 * (as a PVH entry expects), at `rip` with RSI, RDX and RDI as given;
 * runnable at `vmpl` with `sev_features`.
 */
void snp_vmsa_init_guest_pm32(struct sev_vmsa *vmsa, unsigned int vmpl,
			      uint64_t sev_features, uint64_t rip,
			      const uint64_t regs[3])
{
	snp_vmsa_init_guest(vmsa, vmpl, sev_features, 0);
	seg(&vmsa->cs, 0x08, 0xC9B, 0xFFFFFFFF, 0);
	seg(&vmsa->ds, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&vmsa->es, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&vmsa->fs, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&vmsa->gs, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&vmsa->ss, 0x10, 0xC93, 0xFFFFFFFF, 0);
	vmsa->cr0 = 0x31ULL; /* PE, ET, NE; paging off */
	vmsa->rip = rip;
	vmsa->rsi = regs[0];
	vmsa->rdx = regs[1];
	vmsa->rdi = regs[2];
}

/** Atomically clear EFER.SVME so the host cannot run the VMSA mid-call. */
uint64_t snp_vmsa_clear_svme(struct sev_vmsa *vmsa)
{
	_Atomic uint64_t *efer = (_Atomic uint64_t *)&vmsa->efer;

	return atomic_fetch_and(efer, ~EFER_SVME);
}

/** Atomically set EFER.SVME: the VMSA is runnable again. */
void snp_vmsa_set_svme(struct sev_vmsa *vmsa)
{
	_Atomic uint64_t *efer = (_Atomic uint64_t *)&vmsa->efer;

	atomic_fetch_or(efer, EFER_SVME);
}

/** The SEV features of this VMPL. */
uint64_t snp_sev_features(void)
{
	return SEV_FEATURES_FROM_STATUS(cpu_rdmsr(MSR_SEV_STATUS));
}

/* SEV features the SVSM may run with but never gives guest VMSAs. */
#define SNP_FEAT_SVSM_ONLY (SEV_FEAT_RESTRICTED_INJ | SEV_FEAT_DEBUG_SWAP)
/* SEV features the SVSM cannot run a guest with. */
#define SNP_FEAT_UNSUPPORTED SEV_FEAT_VMSA_REG_PROT

/**
 * The SEV features of guest VMSAs, derived from the SVSM's own `svsm`
 * features: RestrictedInjection and DebugSwap are the SVSM's business and
 * are not passed on (as COCONUT-SVSM does; Linux as a guest does not
 * support RestrictedInjection). Returns false, leaving `*guest` alone, if
 * `svsm` has a feature the SVSM cannot run a guest with (VmsaRegProt,
 * 58019 section 3: the SVSM must then refuse to start the guest).
 */
bool snp_guest_sev_features(uint64_t svsm, uint64_t *guest)
{
	if (svsm & SNP_FEAT_UNSUPPORTED) {
		return false;
	}
	*guest = svsm & ~SNP_FEAT_SVSM_ONLY;
	return true;
}

/**
 * A zeroed page for a VMSA the SVSM builds, never 2 MiB aligned: some
 * processors raise a spurious RMP violation on a 2 MiB aligned VMSA (an
 * SNP erratum; Linux and COCONUT-SVSM avoid them too). The second page of
 * an order-1 block has an odd page number, so it cannot be 2 MiB aligned;
 * the first page stays unused. NULL when out of memory.
 */
struct sev_vmsa *snp_vmsa_alloc(void)
{
	uint8_t *block = page_alloc(1);

	if (block == NULL) {
		return NULL;
	}
	return (struct sev_vmsa *)(block + PAGE_SIZE);
}

/**
 * Free a page from `snp_vmsa_alloc()` (its whole order-1 block); NULL is
 * ignored. The page must no longer be a VMSA in the RMP.
 */
void snp_vmsa_free(struct sev_vmsa *vmsa)
{
	if (vmsa != NULL) {
		page_free((uint8_t *)vmsa - PAGE_SIZE, 1);
	}
}

/** Build the guest's secrets page copy (58019 section 4.1, table 1). */
void snp_secrets_for_guest(struct snp_secrets_page *dst,
			   const struct snp_secrets_page *src,
			   unsigned int guest_vmpl, uint64_t svsm_base,
			   uint64_t svsm_size, uint64_t caa)
{
	unsigned int i;

	memcpy(dst, src, sizeof(*dst));
	/* VMPCK0 .. guest_vmpl - 1 belong to more privileged levels. */
	for (i = 0; i < guest_vmpl && i < SNP_VMPCK_COUNT; i++) {
		memset(dst->vmpck[i], 0, SNP_VMPCK_SIZE);
	}
	if (guest_vmpl == 0) {
		memset(dst->vmpck[0], 0, SNP_VMPCK_SIZE);
	}
	dst->svsm_base = svsm_base;
	dst->svsm_size = svsm_size;
	dst->svsm_caa = caa;
	dst->svsm_max_version = SVSM_CORE_VERSION_MAX;
	dst->svsm_guest_vmpl = (uint8_t)guest_vmpl;
}
