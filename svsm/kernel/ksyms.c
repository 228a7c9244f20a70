/* SPDX-License-Identifier: MIT */
/*
 * Address-to-name lookup over the generated symbol table: `ksyms_addrs` is
 * sorted; `ksyms_names` holds the names in the same order, each
 * NUL-terminated.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kernel/ksyms.h>

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const char ksyms_names[];
extern const char __text_start[], __text_end[];

/** Name and offset of the function holding `addr`, or NULL. */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
	const char *name = ksyms_names;
	uint64_t lo = 0;
	uint64_t hi = ksyms_count;
	uint64_t i;

	if (addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end ||
	    ksyms_count == 0 || addr < ksyms_addrs[0]) {
		return NULL;
	}
	/* The last entry with address <= addr. */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (ksyms_addrs[mid] <= addr) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	for (i = 0; i < lo; i++) {
		name += strlen(name) + 1;
	}
	*offset = addr - ksyms_addrs[lo];
	return name;
}
