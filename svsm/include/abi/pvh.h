/* SPDX-License-Identifier: MIT */
/*
 * The PVH boot ABI QEMU's `-kernel` loader speaks (Xen's
 * XEN_ELFNOTE_PHYS32_ENTRY note and hvm_start_info magic; see
 * svsm-abi-facts section 5). Includable from C and from assembly, where
 * PVH_ENTRY_NOTE emits the note.
 */
#ifndef ABI_PVH_H
#define ABI_PVH_H

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define XEN_HVM_START_MAGIC 0x336EC578U

#ifdef __ASSEMBLY__
/* clang-format off */
/* The note naming the 32-bit entry `entry`: an 8-byte descriptor, since
 * QEMU reads it as a size_t for ELF64 images. */
.macro PVH_ENTRY_NOTE entry
	.pushsection .note.Xen, "a", @note
	.balign 4
	.long 4
	.long 8
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.quad \entry
	.balign 4
	.popsection
.endm
/* clang-format on */
#endif

#endif /* ABI_PVH_H */
