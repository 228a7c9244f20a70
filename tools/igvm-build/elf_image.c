// SPDX-License-Identifier: MIT
/*
 * Reading an ELF64 image for the IGVM builder: see elf_image.h.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "elf_image.h"

#define PAGE 4096ULL

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

static bool inside(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

int elf_image_open(struct elf_image *e, const uint8_t *image, size_t size,
		   char *err, size_t errlen)
{
	Elf64_Ehdr eh;

	memset(e, 0, sizeof(*e));
	e->image = image;
	e->size = size;
	if (size < sizeof(eh))
		return fail(err, errlen, "shorter than an ELF header");
	memcpy(&eh, image, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
		return fail(err, errlen, "not a little-endian x86-64 ELF64");
	if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    !inside(size, eh.e_phoff,
		    (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr)))
		return fail(err, errlen, "program headers outside the file");
	e->lowest = UINT64_MAX;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		struct elf_segment *s;

		memcpy(&ph, image + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (e->nseg == ELF_MAX_SEGMENTS)
			return fail(err, errlen, "too many PT_LOAD segments");
		if (ph.p_filesz > ph.p_memsz ||
		    !inside(size, ph.p_offset, ph.p_filesz))
			return fail(err, errlen,
				    "a PT_LOAD segment lies outside the file");
		if (ph.p_paddr + ph.p_memsz < ph.p_paddr ||
		    ph.p_paddr + ph.p_memsz > (1ULL << 52))
			return fail(err, errlen,
				    "a PT_LOAD segment wraps or lies above "
				    "2^52");
		for (unsigned j = 0; j < e->nseg; j++)
			if (ph.p_paddr < e->seg[j].paddr + e->seg[j].memsz &&
			    e->seg[j].paddr < ph.p_paddr + ph.p_memsz)
				return fail(err, errlen,
					    "PT_LOAD segments overlap");
		s = &e->seg[e->nseg++];
		s->paddr = ph.p_paddr;
		s->filesz = ph.p_filesz;
		s->memsz = ph.p_memsz;
		s->data = image + ph.p_offset;
		if ((ph.p_paddr & ~(PAGE - 1)) < e->lowest)
			e->lowest = ph.p_paddr & ~(PAGE - 1);
		if (((ph.p_paddr + ph.p_memsz + PAGE - 1) & ~(PAGE - 1)) >
		    e->highest)
			e->highest = (ph.p_paddr + ph.p_memsz + PAGE - 1) &
				     ~(PAGE - 1);
	}
	if (!e->nseg)
		return fail(err, errlen, "no PT_LOAD segment");
	return 0;
}

bool elf_image_note(const struct elf_image *e, const char *name, uint32_t type,
		    uint64_t *value)
{
	Elf64_Ehdr eh;
	size_t nlen = strlen(name) + 1;

	memcpy(&eh, e->image, sizeof(eh));
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		uint64_t pos, end;

		memcpy(&ph, e->image + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_NOTE ||
		    !inside(e->size, ph.p_offset, ph.p_filesz))
			continue;
		pos = ph.p_offset;
		end = ph.p_offset + ph.p_filesz;
		while (end - pos >= sizeof(Elf64_Nhdr)) {
			Elf64_Nhdr nh;
			uint64_t name_at, desc_at, next;

			memcpy(&nh, e->image + pos, sizeof(nh));
			name_at = pos + sizeof(nh);
			desc_at = name_at + ((nh.n_namesz + 3ULL) & ~3ULL);
			next = desc_at + ((nh.n_descsz + 3ULL) & ~3ULL);
			if (next > end)
				break;
			if (nh.n_type == type && nh.n_namesz == nlen &&
			    memcmp(e->image + name_at, name, nlen) == 0 &&
			    (nh.n_descsz == 4 || nh.n_descsz == 8)) {
				*value = 0;
				memcpy(value, e->image + desc_at, nh.n_descsz);
				return true;
			}
			pos = next;
		}
	}
	return false;
}
