// SPDX-License-Identifier: MIT
/*
 * The IGVM image of the SVSM: see builder.h and docs/SNP-BOOT.md.
 *
 * Directive order: SUPPORTED_PLATFORM (SNP, NATIVE), GUEST_POLICY,
 * REQUIRED_MEMORY, the PARAMETER_AREAs and their parameter directives, the
 * PARAMETER_INSERTs, then every PAGE_DATA sorted by GPA, then the BSP's
 * VP_CONTEXT at 0xFFFFFFFFF000 (the last page directive, as KVM wants).
 * With all inserts before the first page, QEMU's lazy page runs measure in
 * directive order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/igvm.h"
#include "abi/vmsa.h"
#include "builder.h"
#include "elf_image.h"
#include "igvm/igvm.h"
#include "igvm_writer.h"
#include "ovmf_metadata.h"

#define PAGE 4096ULL
#define M_SNP 0x1U
#define M_NATIVE 0x2U
#define M_ALL (M_SNP | M_NATIVE)
#define XEN_ELFNOTE_PHYS32_ENTRY 18U
#define GUEST_VMPL 2U
#define OVMF_RESET_RIP 0xFFFFFFF0ULL

/* One 4 KiB page of the image. */
struct bpage {
	uint64_t gpa;
	uint32_t mask;
	uint16_t type; /* IGVM_PAGE_TYPE_* */
	uint8_t *data; /* 4 KiB, or NULL: zeros */
};

struct build {
	const struct build_opts *o;
	struct bpage *pages;
	size_t n, cap;
	struct svsm_igvm_params p;
	char *err;
	size_t errlen;
};

static int fail(struct build *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct build *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->err, b->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Adds a page; @data (copied) may be NULL. */
static int add_page(struct build *b, uint64_t gpa, uint32_t mask, uint16_t type,
		    const uint8_t *data)
{
	struct bpage *pg;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		struct bpage *p = realloc(b->pages, cap * sizeof(*p));
		if (!p)
			return fail(b, "out of memory");
		b->pages = p;
		b->cap = cap;
	}
	pg = &b->pages[b->n];
	pg->gpa = gpa;
	pg->mask = mask;
	pg->type = type;
	pg->data = NULL;
	if (data) {
		pg->data = malloc(PAGE);
		if (!pg->data)
			return fail(b, "out of memory");
		memcpy(pg->data, data, PAGE);
	}
	b->n++;
	return 0;
}

static bool all_zero(const uint8_t *p)
{
	for (size_t i = 0; i < PAGE; i++)
		if (p[i])
			return false;
	return true;
}

/* The PT_LOAD pages of @e: file bytes measured, the rest (bss) zeros. */
static int add_elf(struct build *b, const struct elf_image *e)
{
	uint8_t page[PAGE];

	for (uint64_t gpa = e->lowest; gpa < e->highest; gpa += PAGE) {
		bool mapped = false;

		memset(page, 0, sizeof(page));
		for (unsigned i = 0; i < e->nseg; i++) {
			const struct elf_segment *s = &e->seg[i];
			uint64_t lo = s->paddr > gpa ? s->paddr : gpa;
			uint64_t fhi = s->paddr + s->filesz;
			uint64_t mhi = s->paddr + s->memsz;

			if (mhi > gpa && s->paddr < gpa + PAGE)
				mapped = true;
			if (fhi > gpa + PAGE)
				fhi = gpa + PAGE;
			if (lo < fhi)
				memcpy(page + (lo - gpa),
				       s->data + (lo - s->paddr), fhi - lo);
		}
		if (mapped && add_page(b, gpa, M_ALL, IGVM_PAGE_TYPE_NORMAL,
				       all_zero(page) ? NULL : page))
			return -1;
	}
	return 0;
}

void build_cpuid_template(uint8_t *page)
{
	/* {leaf, subleaf, xcr0_in}: COCONUT's set (XCR0 1 for leaf 0xD). */
	static const uint32_t leaves[][3] = {
		{ 0x0, 0, 0 },	      { 0x1, 0, 0 },
		{ 0x2, 0, 0 },	      { 0x4, 0, 0 },
		{ 0x4, 1, 0 },	      { 0x4, 2, 0 },
		{ 0x4, 3, 0 },	      { 0x5, 0, 0 },
		{ 0x6, 0, 0 },	      { 0x7, 0, 0 },
		{ 0x7, 1, 0 },	      { 0xB, 0, 0 },
		{ 0xB, 1, 0 },	      { 0xD, 0, 1 },
		{ 0xD, 1, 1 },	      { 0x80000000, 0, 0 },
		{ 0x80000001, 0, 0 }, { 0x80000002, 0, 0 },
		{ 0x80000003, 0, 0 }, { 0x80000004, 0, 0 },
		{ 0x80000005, 0, 0 }, { 0x80000006, 0, 0 },
		{ 0x80000007, 0, 0 }, { 0x80000008, 0, 0 },
		{ 0x8000001E, 0, 0 }, { 0x8000001F, 0, 0 },
	};
	uint32_t count = sizeof(leaves) / sizeof(leaves[0]);

	memset(page, 0, PAGE);
	memcpy(page, &count, 4);
	for (uint32_t i = 0; i < count; i++) {
		uint8_t *fn = page + 16 + 48 * i; /* snp_cpuid_table.fn[i] */
		uint64_t xcr0 = leaves[i][2];

		memcpy(fn, &leaves[i][0], 4);
		memcpy(fn + 4, &leaves[i][1], 4);
		memcpy(fn + 8, &xcr0, 8);
	}
}

static void bsp_vmsa(struct sev_vmsa *v, uint64_t entry, uint64_t params,
		     uint64_t sev_features)
{
	const struct vmsa_segment code = { 8, 0xC9B, 0xFFFFFFFF, 0 };
	const struct vmsa_segment data = { 16, 0xC93, 0xFFFFFFFF, 0 };

	memset(v, 0, sizeof(*v));
	v->cs = code;
	v->ds = v->es = v->fs = v->gs = v->ss = data;
	v->ldtr.attrib = 0x82;
	v->ldtr.limit = 0xFFFF;
	v->tr.attrib = 0x8B;
	v->tr.limit = 0xFFFF;
	v->gdtr.limit = 0xFFFF;
	v->idtr.limit = 0xFFFF;
	v->cr0 = IGVM_KVM_CR0; /* PE | ET | NE, paging off */
	v->cr4 = 0x40;	       /* MCE: what KVM measures anyway */
	v->efer = EFER_SVME;
	v->rflags = 0x2;
	v->rip = entry;
	v->rsi = params;
	v->dr6 = 0xFFFF0FF0;
	v->dr7 = 0x400;
	v->g_pat = 0x0007040600070406ULL;
	v->xcr0 = 1;
	v->x87_fcw = 0x37F;
	v->mxcsr = 0x1F80;
	v->sev_features = 1 | sev_features; /* SNPActive */
}

static int add_range(struct build *b, uint64_t gpa, uint64_t size,
		     uint32_t flags)
{
	struct svsm_igvm_range *r;

	if (b->p.guest_range_count) {
		r = &b->p.guest_ranges[b->p.guest_range_count - 1];
		if (r->flags == flags && r->gpa + r->size == gpa) {
			r->size += size;
			return 0;
		}
	}
	if (b->p.guest_range_count == SVSM_IGVM_MAX_GUEST_RANGES)
		return fail(b, "the guest needs more than %u ranges",
			    SVSM_IGVM_MAX_GUEST_RANGES);
	r = &b->p.guest_ranges[b->p.guest_range_count++];
	r->gpa = gpa;
	r->size = size;
	r->flags = flags;
	return 0;
}

static bool overlaps_svsm(const struct build *b, uint64_t lo, uint64_t hi)
{
	return lo < b->p.svsm_base + b->p.svsm_size && b->p.svsm_base < hi;
}

/* An ELF guest: its pages, and below them the memory-map area and zero
 * pages for its secrets, CPUID, Calling Area and boot VMSA. */
static int add_elf_guest(struct build *b, const struct elf_image *g)
{
	uint64_t below = g->lowest - 5 * PAGE;
	uint64_t entry;

	if (!elf_image_note(g, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry))
		return fail(b, "the guest ELF has no PVH entry note "
			       "(XEN_ELFNOTE_PHYS32_ENTRY)");
	if (g->lowest < 5 * PAGE || g->highest > 0x100000000ULL ||
	    overlaps_svsm(b, below, g->highest))
		return fail(b,
			    "the guest [0x%llx, 0x%llx) must lie below "
			    "4 GiB, above 20 KiB and outside the SVSM "
			    "region",
			    (unsigned long long)g->lowest,
			    (unsigned long long)g->highest);
	b->p.guest_kind = SVSM_IGVM_GUEST_ELF;
	b->p.guest_entry = entry;
	b->p.guest_memmap_gpa = below;
	b->p.guest_memmap_size = PAGE;
	b->p.guest_secrets_gpa = below + PAGE;
	b->p.guest_cpuid_gpa = below + 2 * PAGE;
	b->p.guest_caa_gpa = below + 3 * PAGE;
	b->p.guest_vmsa_gpa = below + 4 * PAGE;
	for (uint64_t gpa = below + PAGE; gpa < g->lowest; gpa += PAGE)
		if (add_page(b, gpa, M_ALL, IGVM_PAGE_TYPE_NORMAL, NULL))
			return -1;
	if (add_elf(b, g))
		return -1;
	/* Launched: the memory-map page (inserted) and every guest page. */
	if (add_range(b, below, PAGE, SVSM_IGVM_RANGE_LAUNCHED))
		return -1;
	for (uint64_t gpa = below + PAGE; gpa < g->highest; gpa += PAGE) {
		bool launched = gpa < g->lowest;
		for (size_t i = 0; i < b->n && !launched; i++)
			launched = b->pages[i].gpa == gpa;
		if (launched &&
		    add_range(b, gpa, PAGE, SVSM_IGVM_RANGE_LAUNCHED))
			return -1;
	}
	return 0;
}

/* OVMF: its image below 4 GiB, the ranges its SEV metadata wants
 * validated, the secrets/CPUID/CAA pages it expects. */
static int add_ovmf_guest(struct build *b, uint64_t vmsa_gpa)
{
	struct ovmf_metadata m;
	char why[160];

	if (ovmf_metadata_parse(b->o->guest, b->o->guest_len, &m, why,
				sizeof(why)))
		return fail(b,
			    "the guest is neither an ELF nor an OVMF image "
			    "with SEV metadata: %s",
			    why);
	if (b->o->verbose)
		ovmf_metadata_print(&m, stdout);
	if (overlaps_svsm(b, m.base, m.base + m.size))
		return fail(b, "OVMF overlaps the SVSM region");
	for (uint32_t i = 0; i < m.nsections; i++)
		if (overlaps_svsm(b, m.sections[i].gpa,
				  m.sections[i].gpa +
					  (uint64_t)m.sections[i].size))
			return fail(b,
				    "OVMF's %s section overlaps the SVSM "
				    "region",
				    ovmf_section_name(m.sections[i].type));
	b->p.guest_kind = SVSM_IGVM_GUEST_OVMF;
	b->p.guest_entry = OVMF_RESET_RIP;
	b->p.guest_secrets_gpa = m.secrets_gpa;
	b->p.guest_cpuid_gpa = m.cpuid_gpa;
	b->p.guest_caa_gpa = m.caa_gpa;
	b->p.guest_vmsa_gpa = vmsa_gpa;
	for (uint32_t i = 0; i < m.nsections; i++)
		if (add_range(b, m.sections[i].gpa, m.sections[i].size,
			      SVSM_IGVM_RANGE_VALIDATE))
			return -1;
	for (uint64_t off = 0; off < m.size; off += PAGE) {
		const uint8_t *pg = b->o->guest + off;
		if (add_page(b, m.base + off, M_ALL, IGVM_PAGE_TYPE_NORMAL,
			     all_zero(pg) ? NULL : pg))
			return -1;
	}
	return add_range(b, m.base, m.size, SVSM_IGVM_RANGE_LAUNCHED);
}

static int cmp_page(const void *x, const void *y)
{
	const struct bpage *a = x, *c = y;

	if (a->gpa != c->gpa)
		return a->gpa < c->gpa ? -1 : 1;
	return a->mask < c->mask ? -1 : a->mask > c->mask;
}

static int hdr(struct igvm_writer *w, uint32_t type, const void *p,
	       uint32_t len)
{
	return igvm_writer_header(w, type, p, len);
}

/* The directives, in order (see the top of the file). */
static uint8_t *emit(struct build *b, const struct sev_vmsa *vmsa, size_t *len)
{
	const bool elf_guest = b->p.guest_kind == SVSM_IGVM_GUEST_ELF;
	struct igvm_vhs_supported_platform snp = {
		M_SNP, b->p.guest_kind ? 2 : 0, IGVM_PLATFORM_SEV_SNP, 1, 0
	};
	struct igvm_vhs_supported_platform native = { M_NATIVE, 0,
						      IGVM_PLATFORM_NATIVE, 1,
						      0 };
	struct igvm_vhs_guest_policy policy = { b->o->policy, M_SNP, 0 };
	struct igvm_vhs_required_memory req = { b->p.svsm_base, M_ALL,
						(uint32_t)b->p.svsm_size, 0,
						0 };
	const struct {
		uint32_t index;
		uint64_t gpa, size;
	} areas[] = {
		{ SVSM_IGVM_AREA_GENERAL, b->p.general_gpa, PAGE },
		{ SVSM_IGVM_AREA_MEMMAP, b->p.memmap_gpa, b->p.memmap_size },
		{ SVSM_IGVM_AREA_MADT, b->p.madt_gpa, b->p.madt_size },
		{ SVSM_IGVM_AREA_DEVTREE, b->p.devtree_gpa, b->p.devtree_size },
		{ SVSM_IGVM_AREA_GUEST_MEMMAP, b->p.guest_memmap_gpa,
		  b->p.guest_memmap_size },
	};
	const struct {
		uint32_t type, index, offset;
	} params[] = {
		{ IGVM_VHT_VP_COUNT_PARAMETER, SVSM_IGVM_AREA_GENERAL, 0 },
		{ IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, SVSM_IGVM_AREA_GENERAL,
		  4 },
		{ IGVM_VHT_MEMORY_MAP, SVSM_IGVM_AREA_MEMMAP, 0 },
		{ IGVM_VHT_MADT, SVSM_IGVM_AREA_MADT, 0 },
		{ IGVM_VHT_DEVICE_TREE, SVSM_IGVM_AREA_DEVTREE, 0 },
		{ IGVM_VHT_MEMORY_MAP, SVSM_IGVM_AREA_GUEST_MEMMAP, 0 },
	};
	const unsigned nareas = elf_guest ? 5 : 4;
	struct igvm_vhs_vp_context vp = { IGVM_KVM_VMSA_GPA, M_SNP, 0, 0, 0 };
	struct igvm_writer w;
	int rc = 0;

	igvm_writer_init(&w);
	rc |= hdr(&w, IGVM_VHT_SUPPORTED_PLATFORM, &snp, sizeof(snp));
	rc |= hdr(&w, IGVM_VHT_SUPPORTED_PLATFORM, &native, sizeof(native));
	rc |= hdr(&w, IGVM_VHT_GUEST_POLICY, &policy, sizeof(policy));
	rc |= hdr(&w, IGVM_VHT_REQUIRED_MEMORY, &req, sizeof(req));
	for (unsigned i = 0; i < nareas; i++) {
		struct igvm_vhs_parameter_area a = { areas[i].size,
						     areas[i].index, 0 };
		rc |= hdr(&w, IGVM_VHT_PARAMETER_AREA, &a, sizeof(a));
	}
	for (unsigned i = 0; i < nareas + 1; i++) {
		struct igvm_vhs_parameter p = { params[i].index,
						params[i].offset };
		rc |= hdr(&w, params[i].type, &p, sizeof(p));
	}
	for (unsigned i = 0; i < nareas; i++) {
		struct igvm_vhs_parameter_insert ins = { areas[i].gpa, M_ALL,
							 areas[i].index };
		rc |= hdr(&w, IGVM_VHT_PARAMETER_INSERT, &ins, sizeof(ins));
	}
	for (size_t i = 0; i < b->n; i++) {
		struct igvm_vhs_page_data pd = { b->pages[i].gpa,
						 b->pages[i].mask,
						 0,
						 0,
						 b->pages[i].type,
						 0 };
		rc |= igvm_writer_header_data(
			&w, IGVM_VHT_PAGE_DATA, &pd, sizeof(pd),
			offsetof(struct igvm_vhs_page_data, file_offset),
			b->pages[i].data, b->pages[i].data ? PAGE : 0);
	}
	rc |= igvm_writer_header_data(
		&w, IGVM_VHT_VP_CONTEXT, &vp, sizeof(vp),
		offsetof(struct igvm_vhs_vp_context, file_offset), vmsa,
		sizeof(*vmsa));
	if (rc) {
		igvm_writer_free(&w);
		fail(b, "out of memory");
		return NULL;
	}
	{
		uint8_t *out = igvm_writer_finish(&w, len);
		igvm_writer_free(&w);
		if (!out)
			fail(b, "out of memory, or the file exceeds 4 GiB");
		return out;
	}
}

/* The kernel, the boot pages after it, the parameter block. */
static int layout_svsm(struct build *b, const struct elf_image *k,
		       uint64_t *entry)
{
	uint8_t page[PAGE];
	uint64_t next = k->highest;

	b->p.magic = SVSM_IGVM_PARAMS_MAGIC;
	b->p.version = SVSM_IGVM_PARAMS_VERSION;
	b->p.size = sizeof(b->p);
	b->p.svsm_base = b->o->svsm_base;
	b->p.svsm_size = b->o->svsm_size;
	if ((b->p.svsm_base | b->p.svsm_size) % PAGE || !b->p.svsm_size ||
	    b->p.svsm_size > 0xFFFFF000ULL)
		return fail(b, "the SVSM region must be page-aligned, below "
			       "4 GiB in size");
	if (k->lowest < b->p.svsm_base ||
	    k->highest > b->p.svsm_base + b->p.svsm_size)
		return fail(b,
			    "the kernel [0x%llx, 0x%llx) lies outside the "
			    "SVSM region [0x%llx, 0x%llx)",
			    (unsigned long long)k->lowest,
			    (unsigned long long)k->highest,
			    (unsigned long long)b->p.svsm_base,
			    (unsigned long long)b->p.svsm_base +
				    b->p.svsm_size);
	if (b->o->has_entry)
		*entry = b->o->entry;
	else if (!elf_image_note(k, SVSM_ELFNOTE_NAME, SVSM_ELFNOTE_SNP_ENTRY,
				 entry))
		return fail(b, "the kernel has no \"SVSM\" SNP entry note "
			       "(type 1): give --entry");
	if (*entry < k->lowest || *entry >= k->highest ||
	    *entry >= 0x100000000ULL)
		return fail(b, "the entry 0x%llx lies outside the kernel image",
			    (unsigned long long)*entry);
	b->p.kernel_start = k->lowest;
	b->p.kernel_end = k->highest;
	/* Parameter block, secrets, CPUID, then the parameter areas. */
	b->p.secrets_gpa = next + PAGE;
	b->p.cpuid_gpa = next + 2 * PAGE;
	b->p.general_gpa = next + 3 * PAGE;
	b->p.memmap_gpa = next + 4 * PAGE;
	b->p.memmap_size = PAGE;
	b->p.madt_gpa = next + 5 * PAGE;
	b->p.madt_size = PAGE;
	b->p.devtree_gpa = next + 6 * PAGE;
	b->p.devtree_size = PAGE;
	b->p.boot_pages_end = next + 7 * PAGE;
	if (add_elf(b, k) ||
	    add_page(b, b->p.secrets_gpa, M_SNP, IGVM_PAGE_TYPE_SECRETS,
		     NULL) ||
	    add_page(b, b->p.secrets_gpa, M_NATIVE, IGVM_PAGE_TYPE_NORMAL,
		     NULL))
		return -1;
	build_cpuid_template(page);
	if (add_page(b, b->p.cpuid_gpa, M_SNP, IGVM_PAGE_TYPE_CPUID_DATA,
		     page) ||
	    add_page(b, b->p.cpuid_gpa, M_NATIVE, IGVM_PAGE_TYPE_NORMAL, NULL))
		return -1;
	return 0;
}

uint8_t *build_igvm(const struct build_opts *o, size_t *len,
		    struct svsm_igvm_params *params, char *err, size_t errlen)
{
	struct build b = { .o = o, .err = err, .errlen = errlen };
	struct elf_image k, g;
	struct sev_vmsa vmsa;
	uint8_t page[PAGE];
	uint64_t entry = 0;
	uint8_t *out = NULL;
	char why[160];

	if (elf_image_open(&k, o->kernel, o->kernel_len, why, sizeof(why))) {
		fail(&b, "the kernel: %s", why);
		goto out;
	}
	if (layout_svsm(&b, &k, &entry))
		goto out;
	if (o->guest) {
		if (o->guest_len >= 4 && memcmp(o->guest, "\177ELF", 4) == 0) {
			if (elf_image_open(&g, o->guest, o->guest_len, why,
					   sizeof(why))) {
				fail(&b, "the guest: %s", why);
				goto out;
			}
			if (add_elf_guest(&b, &g))
				goto out;
		} else {
			/* The guest's boot VMSA: a boot page of the SVSM. */
			uint64_t vmsa_gpa = b.p.boot_pages_end;
			b.p.boot_pages_end += PAGE;
			if (add_page(&b, vmsa_gpa, M_ALL, IGVM_PAGE_TYPE_NORMAL,
				     NULL) ||
			    add_ovmf_guest(&b, vmsa_gpa))
				goto out;
		}
		b.p.guest_vmpl = GUEST_VMPL;
	}
	if (b.p.boot_pages_end > o->svsm_base + o->svsm_size) {
		fail(&b, "the kernel and its boot pages do not fit the SVSM "
			 "region");
		goto out;
	}
	/* The parameter block is complete: it is a measured page. */
	memset(page, 0, sizeof(page));
	memcpy(page, &b.p, sizeof(b.p));
	if (add_page(&b, k.highest, M_ALL, IGVM_PAGE_TYPE_NORMAL, page))
		goto out;
	qsort(b.pages, b.n, sizeof(*b.pages), cmp_page);
	for (size_t i = 1; i < b.n; i++)
		if (b.pages[i].gpa == b.pages[i - 1].gpa &&
		    (b.pages[i].mask & b.pages[i - 1].mask)) {
			fail(&b, "two pages at 0x%llx",
			     (unsigned long long)b.pages[i].gpa);
			goto out;
		}
	bsp_vmsa(&vmsa, entry, k.highest, o->sev_features);
	if (o->verbose)
		printf("igvm-build: kernel [0x%llx, 0x%llx) entry 0x%llx, "
		       "parameter block 0x%llx, boot pages end 0x%llx, "
		       "%zu pages\n",
		       (unsigned long long)k.lowest,
		       (unsigned long long)k.highest, (unsigned long long)entry,
		       (unsigned long long)k.highest,
		       (unsigned long long)b.p.boot_pages_end, b.n);
	out = emit(&b, &vmsa, len);
	if (out && params)
		*params = b.p;
out:
	for (size_t i = 0; i < b.n; i++)
		free(b.pages[i].data);
	free(b.pages);
	return out;
}
