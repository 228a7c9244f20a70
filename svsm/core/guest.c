/* SPDX-License-Identifier: MIT */
/*
 * Range-checked, fault-tolerant access to guest memory by GPA.
 */
#include "svsm/cpu.h"
#include "svsm/guest.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"

/** Copy from guest memory; false if out of range or any byte faulted. */
bool guest_copy_from(void *dst, uint64_t gpa, size_t len)
{
	const void *src = physmap_va(gpa, len);

	return src != NULL && cpu_copy_from_trapped(dst, src, len);
}

/** Copy to guest memory; false if out of range or any byte faulted. */
bool guest_copy_to(uint64_t gpa, const void *src, size_t len)
{
	void *dst = physmap_va(gpa, len);

	return dst != NULL && cpu_copy_to_trapped(dst, src, len);
}

/** Read and write back one byte of each page of [gpa, gpa + len). */
bool guest_probe_write(uint64_t gpa, uint64_t len)
{
	uint64_t page;
	uint8_t b;

	if (len == 0) {
		return true;
	}
	if (physmap_va(gpa, len) == NULL) {
		return false;
	}
	for (page = gpa & ~(PAGE_SIZE - 1); page < gpa + len;
	     page += PAGE_SIZE) {
		uint64_t at = page < gpa ? gpa : page;

		if (!guest_copy_from(&b, at, 1) || !guest_copy_to(at, &b, 1)) {
			return false;
		}
	}
	return true;
}

/** True if [gpa, gpa + len) is not inside one 4 KiB page. */
bool gpa_crosses_page(uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa & (PAGE_SIZE - 1);

	return len > PAGE_SIZE - off;
}
