/* SPDX-License-Identifier: MIT */
/*
 * Checks of what the SNP boot reads (see <kernel/snp_boot.h>). The
 * parameter block is measured, so a bad one is a builder bug, but it is
 * checked all the same: the kernel relies on its ranges being disjoint.
 * The parameter areas are written by the loader (the host) and are
 * hostile: every count, range and overflow is checked.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kernel/snp_boot.h>

#define PAGE 4096ULL
#define GPA_LIMIT (1ULL << 52)
#define ALIGN_2M ((2ULL << 20) - 1)

static bool aligned(uint64_t v)
{
	return (v & (PAGE - 1)) == 0;
}

/* [gpa, gpa + size) is page-aligned, not empty and does not wrap. */
static bool range_ok(uint64_t gpa, uint64_t size)
{
	return aligned(gpa) && aligned(size) && size != 0 && gpa < GPA_LIMIT &&
	       size <= GPA_LIMIT - gpa;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static bool inside(uint64_t gpa, uint64_t size, uint64_t start, uint64_t end)
{
	return gpa >= start && gpa <= end && size <= end - gpa;
}

/* The boot pages and parameter areas: inside [kernel_end, boot_pages_end)
 * and disjoint from each other. */
static const char *check_boot_pages(const struct svsm_igvm_params *p)
{
	const struct {
		uint64_t gpa;
		uint64_t size;
		bool optional;
	} r[] = {
		{ p->secrets_gpa, PAGE, false },
		{ p->cpuid_gpa, PAGE, false },
		{ p->general_gpa, PAGE, false },
		{ p->memmap_gpa, p->memmap_size, false },
		{ p->madt_gpa, p->madt_size, false },
		{ p->devtree_gpa, p->devtree_size, true },
	};
	size_t i;
	size_t j;

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		if (r[i].optional && r[i].size == 0) {
			continue;
		}
		if (!range_ok(r[i].gpa, r[i].size) ||
		    !inside(r[i].gpa, r[i].size, p->kernel_end,
			    p->boot_pages_end)) {
			return "a boot page or parameter area is outside the "
			       "boot pages";
		}
		for (j = 0; j < i; j++) {
			if (r[j].size != 0 && overlaps(r[i].gpa, r[i].size,
						       r[j].gpa, r[j].size)) {
				return "boot pages overlap";
			}
		}
	}
	return NULL;
}

static bool outside_svsm(const struct svsm_igvm_params *p, uint64_t gpa,
			 uint64_t size)
{
	return range_ok(gpa, size) &&
	       !overlaps(gpa, size, p->svsm_base, p->svsm_size);
}

static const char *check_guest_ranges(const struct svsm_igvm_params *p)
{
	uint32_t i;
	uint32_t j;

	if (p->guest_range_count > SVSM_IGVM_MAX_GUEST_RANGES) {
		return "too many guest ranges";
	}
	for (i = 0; i < p->guest_range_count; i++) {
		const struct svsm_igvm_range *r = &p->guest_ranges[i];

		if (!outside_svsm(p, r->gpa, r->size)) {
			return "a guest range is misaligned, empty or in the "
			       "SVSM region";
		}
		if ((r->flags != SVSM_IGVM_RANGE_LAUNCHED &&
		     r->flags != SVSM_IGVM_RANGE_VALIDATE) ||
		    r->rsvd != 0) {
			return "a guest range has bad flags";
		}
		for (j = 0; j < i; j++) {
			if (overlaps(r->gpa, r->size, p->guest_ranges[j].gpa,
				     p->guest_ranges[j].size)) {
				return "guest ranges overlap";
			}
		}
	}
	return NULL;
}

/* [gpa, gpa + size) lies inside one of the guest's ranges. */
static bool in_guest_ranges(const struct svsm_igvm_params *p, uint64_t gpa,
			    uint64_t size)
{
	uint32_t i;

	for (i = 0; i < p->guest_range_count; i++) {
		const struct svsm_igvm_range *r = &p->guest_ranges[i];

		if (inside(gpa, size, r->gpa, r->gpa + r->size)) {
			return true;
		}
	}
	return false;
}

static const char *check_guest(const struct svsm_igvm_params *p)
{
	const char *err;
	const uint64_t pages[] = { p->guest_secrets_gpa, p->guest_cpuid_gpa,
				   p->guest_caa_gpa, p->guest_vmsa_gpa };
	size_t i;
	size_t j;

	/*
	 * The ranges are checked even without a guest: the block is one
	 * input, and whatever reads guest_ranges[] later must be able to
	 * trust guest_range_count whatever the guest kind.
	 */
	err = check_guest_ranges(p);
	if (err != NULL) {
		return err;
	}
	if (p->guest_kind == SVSM_IGVM_GUEST_NONE) {
		return NULL;
	}
	if (p->guest_kind != SVSM_IGVM_GUEST_ELF &&
	    p->guest_kind != SVSM_IGVM_GUEST_OVMF) {
		return "unknown guest kind";
	}
	if (p->guest_vmpl < 1 || p->guest_vmpl > 3) {
		return "guest VMPL is not 1, 2 or 3";
	}
	if (p->guest_entry >= (1ULL << 32)) {
		return "guest entry above 4 GiB";
	}
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		if (!outside_svsm(p, pages[i], PAGE)) {
			return "a guest page is misaligned or in the SVSM "
			       "region";
		}
		for (j = 0; j < i; j++) {
			if (pages[i] == pages[j]) {
				return "guest pages overlap";
			}
		}
	}
	if ((p->guest_vmsa_gpa & ALIGN_2M) == 0) {
		return "guest VMSA is 2 MiB aligned";
	}
	if (p->guest_kind == SVSM_IGVM_GUEST_ELF &&
	    !outside_svsm(p, p->guest_memmap_gpa, p->guest_memmap_size)) {
		return "guest memory map area is misaligned or in the SVSM "
		       "region";
	}
	/* The SVSM writes these pages: they must be memory it prepares. */
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		if (!in_guest_ranges(p, pages[i], PAGE)) {
			return "a guest page is outside the guest's ranges";
		}
	}
	return NULL;
}

/** See <kernel/snp_boot.h>. */
const char *snp_params_check(const struct svsm_igvm_params *p)
{
	uint64_t end;

	if (p->magic != SVSM_IGVM_PARAMS_MAGIC) {
		return "bad magic";
	}
	if (p->version != SVSM_IGVM_PARAMS_VERSION || p->size != sizeof(*p)) {
		return "unknown version or size";
	}
	if (!range_ok(p->svsm_base, p->svsm_size) ||
	    p->svsm_size > SNP_EARLY_LIMIT - p->svsm_base ||
	    p->svsm_base > SNP_EARLY_LIMIT) {
		return "SVSM region misaligned, empty or above 1 GiB";
	}
	end = p->svsm_base + p->svsm_size;
	if (!aligned(p->kernel_start) || !aligned(p->kernel_end) ||
	    !aligned(p->boot_pages_end) || p->kernel_start < p->svsm_base ||
	    p->kernel_start >= p->kernel_end ||
	    p->kernel_end > p->boot_pages_end || p->boot_pages_end >= end) {
		return "kernel and boot pages are not ordered inside the "
		       "region";
	}
	return check_boot_pages(p) ?: check_guest(p);
}

/** See <kernel/snp_boot.h>. */
const char *snp_params_check_top(const struct svsm_igvm_params *p,
				 uint64_t phys_top)
{
	uint32_t i;

	if (p->svsm_base + p->svsm_size > phys_top) {
		return "the SVSM region is beyond the memory map";
	}
	for (i = 0; i < p->guest_range_count && i < SVSM_IGVM_MAX_GUEST_RANGES;
	     i++) {
		if (p->guest_ranges[i].gpa + p->guest_ranges[i].size >
		    phys_top) {
			return "a guest range is beyond the memory map";
		}
	}
	return NULL;
}

/** See <kernel/snp_boot.h>. */
const char *snp_memmap_parse(const void *area, size_t size,
			     struct boot_info *bi)
{
	const uint8_t *src = area;
	uint64_t prev_end = 0;
	size_t off;

	bi->memmap_count = 0;
	bi->ram_bytes = 0;
	bi->phys_top = 0;
	for (off = 0; off + sizeof(struct igvm_memmap_entry) <= size;
	     off += sizeof(struct igvm_memmap_entry)) {
		struct igvm_memmap_entry e;
		struct memmap_entry *out;
		uint64_t gpa;
		uint64_t bytes;

		memcpy(&e, src + off, sizeof(e));
		if (e.pages == 0) {
			break;
		}
		if (e.gpa_page >= (GPA_LIMIT >> 12) ||
		    e.pages > (GPA_LIMIT >> 12) - e.gpa_page) {
			return "memory map entry beyond 52 bits";
		}
		gpa = e.gpa_page << 12;
		bytes = e.pages << 12;
		if (gpa < prev_end) {
			return "memory map entries unsorted or overlapping";
		}
		if (bi->memmap_count == MEMMAP_MAX) {
			return "too many memory map entries";
		}
		out = &bi->memmap[bi->memmap_count++];
		out->addr = gpa;
		out->size = bytes;
		out->type = e.type == IGVM_MEMMAP_MEMORY ? MEMMAP_RAM :
							   MEMMAP_RESERVED;
		if (out->type == MEMMAP_RAM) {
			bi->ram_bytes += bytes;
			bi->phys_top = gpa + bytes;
		}
		prev_end = gpa + bytes;
	}
	if (bi->ram_bytes == 0) {
		return "no RAM in the memory map";
	}
	bi->phys_top = (bi->phys_top + ALIGN_2M) & ~ALIGN_2M;
	return NULL;
}

/** See <kernel/snp_boot.h>. */
const char *snp_cpus_check(uint32_t vp_count, const struct acpi_info *madt)
{
	uint64_t seen = 0;
	unsigned int i;

	_Static_assert(ACPI_MAX_CPUS <= 64, "one bit per vCPU");
	if (vp_count == 0 || vp_count > ACPI_MAX_CPUS) {
		return "vCPU count out of range";
	}
	if (madt->cpu_count != vp_count) {
		return "the MADT and the vCPU count disagree";
	}
	for (i = 0; i < madt->cpu_count; i++) {
		uint32_t id = madt->apic_ids[i];

		if (id >= vp_count || (seen & (1ULL << id)) != 0) {
			return "APIC IDs are not 0 .. count - 1 each once";
		}
		seen |= 1ULL << id;
	}
	return NULL;
}

/** See <kernel/snp_boot.h>. */
const char *snp_cpuid_check(const struct snp_cpuid_page *page)
{
	return page->count > SNP_CPUID_COUNT_MAX ? "CPUID page count too big" :
						   NULL;
}

/* Leaves whose output depends on ECX. */
static bool has_subleaves(uint32_t leaf)
{
	static const uint32_t leaves[] = {
		0x4,  0x7,  0xb,	0xd,	    0xf,       0x10, 0x12,
		0x14, 0x17, 0x18,	0x1d,	    0x1e,      0x1f, 0x20,
		0x23, 0x24, 0x8000001d, 0x80000020, 0x80000026
	};
	size_t i;

	for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		if (leaves[i] == leaf) {
			return true;
		}
	}
	return false;
}

/** See <kernel/snp_boot.h>. */
bool snp_cpuid_lookup(const struct snp_cpuid_page *page, uint32_t leaf,
		      uint32_t subleaf, uint32_t out[4])
{
	uint32_t count = page->count;
	uint32_t i;

	if (count > SNP_CPUID_COUNT_MAX) {
		count = SNP_CPUID_COUNT_MAX;
	}
	for (i = 0; i < count; i++) {
		const struct snp_cpuid_fn *f = &page->fn[i];

		if (f->eax_in != leaf ||
		    (has_subleaves(leaf) && f->ecx_in != subleaf)) {
			continue;
		}
		out[0] = f->eax;
		out[1] = f->ebx;
		out[2] = f->ecx;
		out[3] = f->edx;
		return true;
	}
	out[0] = out[1] = out[2] = out[3] = 0;
	return false;
}

/** See <kernel/snp_boot.h>. */
int snp_cpuid_cbit(const struct snp_cpuid_page *page)
{
	uint32_t r[4];

	if (!snp_cpuid_lookup(page, SNP_CPUID_SEV_LEAF, 0, r)) {
		return -1;
	}
	return (int)(r[1] & 0x3f);
}

/** See <kernel/snp_boot.h>. */
void snp_cpuid_for_guest(struct snp_cpuid_page *dst,
			 const struct snp_cpuid_page *src)
{
	uint32_t i;

	memcpy(dst, src, sizeof(*dst));
	for (i = 0; i < dst->count && i < SNP_CPUID_COUNT_MAX; i++) {
		if (dst->fn[i].eax_in == SNP_CPUID_SEV_LEAF) {
			dst->fn[i].eax |= SNP_CPUID_SEV_SVSM;
		}
	}
}
