/* SPDX-License-Identifier: MIT */
/*
 * Reading an ELF64 image for the IGVM builder: its PT_LOAD segments (at
 * their physical addresses) and its notes.
 */
#ifndef IGVM_ELF_IMAGE_H
#define IGVM_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 32U

struct elf_segment {
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	const uint8_t *data; /* filesz bytes inside the image */
};

struct elf_image {
	const uint8_t *image;
	size_t size;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	unsigned nseg;
	uint64_t lowest, highest; /* page-aligned span of the segments */
};

/** Checks @image as an ELF64 x86-64 file and collects its PT_LOAD
 * segments (each inside the file, no overlap, no wrap). 0 or -1 + @err. */
int elf_image_open(struct elf_image *e, const uint8_t *image, size_t size,
		   char *err, size_t errlen);

/** The descriptor of note @name/@type as a little-endian integer of 4 or 8
 * bytes: true if found. */
bool elf_image_note(const struct elf_image *e, const char *name, uint32_t type,
		    uint64_t *value);

#endif
