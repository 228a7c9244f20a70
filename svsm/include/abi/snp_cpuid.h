/* SPDX-License-Identifier: MIT */
/*
 * The SNP CPUID page (SEV-SNP firmware ABI, 56860 "CPUID reporting"): the
 * hypervisor fills it before launch, the PSP checks every value against
 * what the hardware allows, and the guest reads CPUID from it instead of
 * trusting the hypervisor. One 4 KiB page, at most 64 functions.
 */
#pragma once

#include <stdint.h>

#define SNP_CPUID_COUNT_MAX 64U

/** One CPUID function: the inputs it answers, and the outputs. */
struct snp_cpuid_fn {
	uint32_t eax_in;
	uint32_t ecx_in;
	uint64_t xcr0_in;
	uint64_t xss_in;
	uint32_t eax;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;
	uint64_t reserved;
};

struct snp_cpuid_page {
	uint32_t count;
	uint32_t reserved1;
	uint64_t reserved2;
	struct snp_cpuid_fn fn[SNP_CPUID_COUNT_MAX];
};

_Static_assert(sizeof(struct snp_cpuid_fn) == 48, "CPUID function entry");
_Static_assert(sizeof(struct snp_cpuid_page) <= 4096, "CPUID page");

/* CPUID 0x8000001F: EAX bit 28 tells a guest an SVSM runs below it. */
#define SNP_CPUID_SEV_LEAF 0x8000001fU
#define SNP_CPUID_SEV_SVSM (1U << 28)
