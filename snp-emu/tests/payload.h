/* SPDX-License-Identifier: MIT */
/*
 * The emulator's test payload: a small SNP guest (an SVSM stand-in at VMPL0
 * with a guest at VMPL2) that checks each SNP behaviour snp-emu models. The
 * GPAs here are the ones mkigvm.py gives the launch.
 */
#pragma once

#define PL_BASE 0x8000000    /* the image (SVSM region base) */
#define PL_GENERAL 0x7FF0000 /* parameter area 0: vCPU count */
#define PL_MEMMAP 0x7FF1000  /* parameter area 1: memory map */
#define PL_MADT 0x7FF2000    /* parameter area 2: MADT */
#define PL_SECRETS 0x7FF3000 /* SNP secrets page */
#define PL_CPUID 0x7FF4000   /* SNP CPUID page */
#define PL_MODE 0x7FF5000    /* measured page: the test scenario */
#define PL_GHCB2 0x200000    /* VMPL2's GHCB (never launched: shared) */
#define PL_SHARED 0x201000   /* a page both VMPLs use for results */
#define PL_GHCB0 0x202000    /* VMPL0's GHCB (never launched: shared) */
#define PL_GREQ_REQ 0x203000 /* guest request pages (shared) */
#define PL_GREQ_RESP 0x204000
#define PL_UNTOUCHED 0x205000	  /* never placed by the launch */
#define PL_FIRST_SHARED 0x206000  /* first touched without the C-bit */
#define PL_FIRST_PRIVATE 0x400000 /* first touched with the C-bit */
#ifdef __ASSEMBLY__
#define PL_CBIT (1 << 51)
#else
#define PL_CBIT (1ULL << 51)
#endif

/* Scenarios (the u32 at PL_MODE). */
#define MODE_CHECKS 0	       /* every check, then exit 0x10 */
#define MODE_TOUCH_VMPL0 1     /* VMPL2 reads a VMPL0-only page */
#define MODE_TOUCH_VMSA 2      /* VMPL2 reads its own VMSA page */
#define MODE_FAULT_PSC 3       /* emulator runs with fault=psc */
#define MODE_FAULT_AP 4	       /* emulator runs with fault=ap */
#define MODE_TERMINATE 5       /* VMPL0 asks to terminate (set 1, code 7) */
#define MODE_BENCH 6	       /* VMPL round trips, timed */
#define MODE_FAULT_GREQ 7      /* emulator runs with fault=greq */
#define MODE_FAULT_GREQ_BUSY 8 /* emulator runs with fault=greq-busy */
#define MODE_SMP_STRESS 9      /* AP create/run/destroy cycles on vCPU 1 */
#define MODE_KICK 10	       /* destroy the VMSA vCPU 1 runs at VMPL2 */
#define MODE_EMU1 11	       /* triple-fault with EMU-1's signature */

/* GDT selectors of the payload. */
#define PL_CS32 0x08
#define PL_DS 0x10
#define PL_CS64 0x18
#define PL_TSS0 0x20 /* VMPL0 */
#define PL_TSS2 0x30 /* VMPL2 */
