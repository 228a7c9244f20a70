/* SPDX-License-Identifier: MIT */
/*
 * The #VC handler (svsm/arch/x86/vc.c) and its instruction decoder
 * (svsm/kernel/vc_decode.c, pure, tested hosted). On SNP, CPUID, port
 * I/O, MSR accesses and RDTSC(P) raise #VC with the SVM exit code as the
 * error code: CPUID is answered from the SNP CPUID page, the others go to
 * the hypervisor through this CPU's GHCB. Anything else is a panic that
 * names the exit code.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/snp_cpuid.h"

struct trap_frame;
struct ghcb;

#define SVM_EXIT_RDTSC 0x6eU
#define SVM_EXIT_CPUID 0x72U
#define SVM_EXIT_IOIO 0x7bU
#define SVM_EXIT_MSR 0x7cU
#define SVM_EXIT_RDTSCP 0x87U

/* IOIO SW_EXITINFO1 bits (GHCB specification). */
#define IOIO_TYPE_IN (1U << 0)
#define IOIO_SZ8 (1U << 4)
#define IOIO_SZ16 (1U << 5)
#define IOIO_SZ32 (1U << 6)

/** A decoded IN or OUT (not the string forms). */
struct vc_ioio {
	uint16_t port;
	uint8_t size; /* 1, 2 or 4 bytes */
	bool in;
	uint8_t len; /* instruction length */
	uint64_t exitinfo1;
};

/**
 * Decode the IN/OUT at `insn` (`avail` bytes readable); DX is `rdx`.
 * False for anything else (string I/O included).
 */
bool vc_decode_ioio(const uint8_t *insn, size_t avail, uint64_t rdx,
		    struct vc_ioio *out);

/**
 * Length of the instruction at `insn` that raised #VC `exit_code` (CPUID,
 * RDMSR/WRMSR, RDTSC, RDTSCP), or 0 if the bytes are not that instruction.
 * For MSR exits `*write` tells WRMSR from RDMSR.
 */
unsigned int vc_decode_simple(const uint8_t *insn, size_t avail,
			      uint64_t exit_code, bool *write);

/** Handle #VC (vector 29) for the trap frame `f`. */
void vc_handle(struct trap_frame *f);

/**
 * The SNP CPUID page the handler answers from (the kernel's copy), and
 * CR4 bits it reflects; set once on the boot CPU.
 */
void vc_set_cpuid_page(const struct snp_cpuid_page *page);

/** This CPU's GHCB for #VC (NULL: port I/O is dropped, reads give ~0). */
void vc_set_ghcb(struct ghcb *ghcb);
