/* SPDX-License-Identifier: MIT */
/*
 * The kernel's virtual address layout (usable from C, assembly and the
 * linker script). All kernel addresses are in the upper canonical half.
 *
 *   0xffff800000000000  direct map of guest physical memory (PML4 256),
 *                       2 MiB pages, read/write, never executable
 *   0xfffffe0000000000  device mappings (local APIC), uncached (PML4 508)
 *   0xffffff0000000000  stacks, each under an unmapped guard page (PML4 510)
 *   0xffffffff80000000  the kernel image (-mcmodel=kernel), 4 KiB pages with
 *                       per-section permissions; physical 0 maps here
 */
#pragma once

#define KERNEL_VIRT_BASE 0xffffffff80000000
/* 128 MiB, for the PVH and the IGVM entry alike (docs/SNP-BOOT.md). */
#define KERNEL_PHYS_BASE 0x8000000
#define PHYSMAP_BASE 0xffff800000000000
#define PHYSMAP_MAX (512UL << 30)
#define MMIO_BASE 0xfffffe0000000000
#define STACK_AREA_BASE 0xffffff0000000000

/* Stacks: 16 KiB (4 pages) per stack, each with a guard page below. */
#define KSTACK_PAGES 4
#define KSTACK_SIZE (KSTACK_PAGES * 4096)
/* The boot CPU's initial stack lives in .bss (no guard until paging_init). */
#define BOOT_STACK_SIZE 16384

/* Segment selectors of the kernel GDT (same in the boot and per-CPU GDTs). */
#define GDT_CODE32 0x08
#define GDT_DATA 0x10
#define GDT_CODE64 0x18
#define GDT_TSS 0x20
/* Their flat descriptors (base 0, limit 4 GiB), for the boot GDTs. */
#define GDT_DESC_CODE32 0x00cf9b000000ffff
#define GDT_DESC_DATA 0x00cf93000000ffff
#define GDT_DESC_CODE64 0x00af9b000000ffff

#ifdef __ASSEMBLY__
/* clang-format off */
/* The flat boot GDT's entries: null, then the three selectors above. */
.macro FLAT_GDT_ENTRIES
	.quad 0
	.quad GDT_DESC_CODE32
	.quad GDT_DESC_DATA
	.quad GDT_DESC_CODE64
.endm
/* clang-format on */
#endif

/* AP start-up trampoline: copied to this page (below 1 MiB) for SIPI. */
#define TRAMPOLINE_PHYS 0x8000

/* Interrupt vectors used by the kernel. */
#define VEC_IPI_CALL 0xf0
#define VEC_IPI_WAKE 0xf1
#define VEC_IPI_STOP 0xf2
#define VEC_SPURIOUS 0xff
