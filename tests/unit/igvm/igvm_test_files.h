/* SPDX-License-Identifier: MIT */
/*
 * IGVM files for the library's tests, built with tools/igvm-build's writer:
 * a list of directives in, a file out.
 */
#ifndef IGVM_TEST_FILES_H
#define IGVM_TEST_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "igvm/igvm.h"
#include "igvm_writer.h"

#define T_SNP 0x1U    /* compatibility mask of the SNP platform */
#define T_NATIVE 0x2U /* ... of the native platform */

/** A VMSA page as a builder writes it for the BSP (32-bit flat, CR0 0x31,
 * RIP @rip, SNPActive). */
void t_vmsa(uint8_t page[4096], uint64_t rip);

/** Starts a file: SUPPORTED_PLATFORM SNP (mask 1) and NATIVE (mask 2). */
void t_begin(struct igvm_writer *w);
void t_policy(struct igvm_writer *w, uint64_t policy);
void t_area(struct igvm_writer *w, uint32_t index, uint64_t bytes);
void t_param(struct igvm_writer *w, uint32_t type, uint32_t index,
	     uint32_t offset);
void t_insert(struct igvm_writer *w, uint32_t index, uint64_t gpa);
/** PAGE_DATA: @data (4 KiB) or NULL for a zero page. */
void t_page(struct igvm_writer *w, uint64_t gpa, uint16_t type, uint32_t flags,
	    const uint8_t *data);
void t_vp(struct igvm_writer *w, uint64_t gpa, uint16_t vp,
	  const uint8_t *vmsa);
/** The finished file (malloc'd); frees the writer. */
uint8_t *t_finish(struct igvm_writer *w, size_t *len);

/** A complete SNP file: policy, area 0 (1 page) with VP count and env
 * info, insert at 0x10000, a data page at 0x1000, a zero page at 0x2000,
 * secrets 0x3000, CPUID 0x4000, VMSA at 0xFFFFFFFFF000 (RIP 0x8000000). */
uint8_t *t_basic_file(size_t *len);

/** The byte pattern of t_basic_file()'s data page. */
void t_pattern(uint8_t page[4096]);

#endif
