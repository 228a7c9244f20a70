/* SPDX-License-Identifier: MIT */
/*
 * The launch: walk the IGVM file's directives for the SEV-SNP platform in
 * file order and hand each page to the model's PSP (snp_machine_launch_*),
 * which measures it into the launch digest. The loader fills what the
 * hypervisor fills: parameter areas (vCPU count, memory map, MADT,
 * environment info) and the CPUID page (the L1 CPU's values plus SEV's
 * leaf 0x8000001F); the PSP fills the secrets page. The BSP's VMSA stays in
 * emulator memory (at its GPA outside guest RAM) as KVM keeps it.
 *
 * Interim parser: it reads the subset of IGVM (format 1 and 2) that
 * docs/SNP-BOOT.md names, and checks the header's CRC-32 and every bound.
 * It is to give way to the project's IGVM library (svsm/igvm) once that
 * lands, so that the emulator and igvm-measure share one launch walk.
 */
#include <string.h>

#include <x86/asm.h>

#include "emu.h"
#include "vm_internal.h"

#define IGVM_MAGIC 0x4D564749U
#define VHT_OPTIONAL (1U << 31)
#define VHT_SUPPORTED_PLATFORM 0x001U
#define VHT_GUEST_POLICY 0x101U
#define VHT_PARAMETER_AREA 0x301U
#define VHT_PAGE_DATA 0x302U
#define VHT_PARAMETER_INSERT 0x303U
#define VHT_VP_CONTEXT 0x304U
#define VHT_REQUIRED_MEMORY 0x305U
#define VHT_VP_COUNT 0x307U
#define VHT_MADT 0x309U
#define VHT_SNP_ID_BLOCK 0x30BU
#define VHT_MEMORY_MAP 0x30CU
#define VHT_COMMAND_LINE 0x30EU
#define VHT_DEVICE_TREE 0x312U
#define VHT_ENVIRONMENT_INFO 0x313U
#define PLATFORM_SNP 2U
#define PAGE_FLAG_2MB 0x1U
#define PAGE_FLAG_UNMEASURED 0x2U
#define PAGE_FLAG_SHARED 0x4U
#define DATA_NORMAL 0U
#define DATA_SECRETS 1U
#define DATA_CPUID 2U
#define DATA_CPUID_XF 3U
#define MAX_AREAS 8U
#define AREA_ORDER 2U /* at most 4 pages per parameter area */

struct igvm_fixed {
	uint32_t magic, version, vh_offset, vh_size, total_size, checksum;
};

struct area {
	uint8_t *buf;
	uint64_t bytes;
	bool declared, inserted;
};

struct loader {
	const uint8_t *file;
	uint64_t size;
	uint32_t snp_mask;
	struct area areas[MAX_AREAS];
	uint64_t vmsa_gpa;
	const struct vm_config *cfg;
};

struct cpuid_fn {
	uint32_t eax_in, ecx_in;
	uint64_t xcr0_in, xss_in;
	uint32_t eax, ebx, ecx, edx;
	uint64_t rsvd;
};

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, uint64_t n)
{
	unsigned k;

	crc = ~crc;
	while (n-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++) {
			crc = (crc >> 1) ^ (0xEDB88320U & (0U - (crc & 1)));
		}
	}
	return ~crc;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static bool fail(const char *what, uint64_t a)
{
	emu_printf("IGVM file refused: %s (0x%lx)", what, (unsigned long)a);
	return false;
}

/* A page of file data at `off` (0: none) copied to `dst`, zero-filled. */
static bool copy_data(const struct loader *l, uint32_t off, uint8_t *dst)
{
	uint64_t n = 4096;

	memset(dst, 0, 4096);
	if (off == 0) {
		return true;
	}
	if (off >= l->size) {
		return fail("page data outside the file", off);
	}
	if (n > l->size - off) {
		n = l->size - off;
	}
	memcpy(dst, l->file + off, n);
	return true;
}

/* The hypervisor's CPUID values for each leaf of the template. */
static bool fill_cpuid(uint8_t *page)
{
	uint32_t count = rd32(page);
	struct cpuid_fn *fn = (struct cpuid_fn *)(void *)(page + 16);
	uint32_t i;

	if (count > SNP_CPUID_MAX_ENTRIES) {
		return fail("CPUID page with too many leaves", count);
	}
	for (i = 0; i < count; i++) {
		uint32_t in = fn[i].eax_in;

		if (in == 0x8000001FU) {
			fn[i].eax = snp_hv_cpuid(in, 0);
			fn[i].ebx = snp_hv_cpuid(in, 1);
			fn[i].ecx = snp_hv_cpuid(in, 2);
			fn[i].edx = snp_hv_cpuid(in, 3);
			continue;
		}
		cpuid_count(in, fn[i].ecx_in, &fn[i].eax, &fn[i].ebx,
			    &fn[i].ecx, &fn[i].edx);
		if (in == 0x80000000U && fn[i].eax < 0x8000001FU) {
			fn[i].eax = 0x8000001FU;
		}
	}
	return true;
}

/* An ACPI MADT with one enabled local APIC per vCPU. */
static bool fill_madt(uint8_t *p, uint64_t room, unsigned vcpus)
{
	uint32_t len = 36 + 8 + 8 * vcpus;
	uint8_t sum = 0;
	uint32_t i, v;

	if (len > room) {
		return fail("MADT parameter area too small", room);
	}
	memcpy(p, "APIC", 4);
	memcpy(p + 4, &len, 4);
	p[8] = 3;
	memcpy(p + 10, "SNPEMU", 6);
	memcpy(p + 16, "SNPEMU  ", 8);
	v = 1;
	memcpy(p + 24, &v, 4);
	memcpy(p + 28, "SEMU", 4);
	memcpy(p + 32, &v, 4);
	v = 0xFEE00000U;
	memcpy(p + 36, &v, 4);
	v = 1;
	memcpy(p + 40, &v, 4);
	for (i = 0; i < vcpus; i++) {
		uint8_t *e = p + 44 + 8 * i;

		e[0] = 0;
		e[1] = 8;
		e[2] = (uint8_t)i;
		e[3] = (uint8_t)i;
		e[4] = 1;
	}
	for (i = 0; i < len; i++) {
		sum = (uint8_t)(sum + p[i]);
	}
	p[9] = (uint8_t)(0U - sum);
	return true;
}

/* Where a parameter directive writes: area `idx`, `off`, `len` bytes. */
static uint8_t *param_at(struct loader *l, const uint8_t *d, uint64_t len)
{
	uint32_t idx = rd32(d), off = rd32(d + 4);
	struct area *a;

	if (idx >= MAX_AREAS || !l->areas[idx].declared ||
	    l->areas[idx].inserted || off > l->areas[idx].bytes ||
	    len > l->areas[idx].bytes - off) {
		fail("bad parameter directive for area", idx);
		return NULL;
	}
	a = &l->areas[idx];
	return a->buf + off;
}

static bool do_param(struct loader *l, uint32_t type, const uint8_t *d)
{
	uint8_t *p;
	uint32_t idx = rd32(d);

	switch (type) {
	case VHT_VP_COUNT:
		p = param_at(l, d, 4);
		if (p == NULL) {
			return false;
		}
		memcpy(p, &l->cfg->vcpus, 4);
		return true;
	case VHT_ENVIRONMENT_INFO:
		p = param_at(l, d, 4);
		if (p == NULL) {
			return false;
		}
		memset(p, 0, 4); /* memory is private at launch */
		return true;
	case VHT_MEMORY_MAP: {
		uint64_t e[3] = { 0, vm.m.mem_size >> 12, 0 };

		p = param_at(l, d, 2 * sizeof(e));
		if (p == NULL) {
			return false;
		}
		memcpy(p, e, sizeof(e)); /* then a zeroed terminator */
		return true;
	}
	case VHT_MADT:
		p = param_at(l, d, 0);
		return p != NULL &&
		       fill_madt(p, l->areas[idx].bytes - rd32(d + 4),
				 l->cfg->vcpus);
	default:
		return true; /* device tree, command line: left empty */
	}
}

static bool launch(uint64_t gpa, enum snp_launch_page type)
{
	if (snp_machine_launch_page(&vm.m, gpa, type) != 0) {
		return fail("the PSP refused the launch page", gpa);
	}
	return true;
}

static bool do_page(struct loader *l, const uint8_t *d)
{
	uint64_t gpa = rd64(d);
	uint32_t off = rd32(d + 12), flags = rd32(d + 16);
	uint16_t type;
	uint8_t *dst;

	memcpy(&type, d + 20, sizeof(type));
	if ((flags & PAGE_FLAG_2MB) != 0) {
		return fail("2 MiB page data is not supported", gpa);
	}
	dst = guest_phys(gpa, 4096);
	if ((gpa & 0xFFF) != 0 || dst == NULL) {
		return fail("page data outside guest RAM", gpa);
	}
	if (!copy_data(l, off, dst)) {
		return false;
	}
	if ((flags & PAGE_FLAG_SHARED) != 0) {
		return true; /* stays hypervisor-owned */
	}
	switch (type) {
	case DATA_NORMAL:
		return launch(gpa, (flags & PAGE_FLAG_UNMEASURED) != 0 ?
					   SNP_LAUNCH_UNMEASURED :
					   SNP_LAUNCH_NORMAL);
	case DATA_SECRETS:
		return launch(gpa, SNP_LAUNCH_SECRETS);
	case DATA_CPUID:
	case DATA_CPUID_XF:
		return fill_cpuid(dst) && launch(gpa, SNP_LAUNCH_CPUID);
	default:
		return fail("unknown page data type", type);
	}
}

static bool do_insert(struct loader *l, const uint8_t *d)
{
	uint64_t gpa = rd64(d), i;
	uint32_t idx = rd32(d + 12);
	struct area *a;
	uint8_t *dst;

	if (idx >= MAX_AREAS || !l->areas[idx].declared ||
	    l->areas[idx].inserted) {
		return fail("parameter insert of an unknown area", idx);
	}
	a = &l->areas[idx];
	dst = guest_phys(gpa, a->bytes);
	if ((gpa & 0xFFF) != 0 || dst == NULL) {
		return fail("parameter insert outside guest RAM", gpa);
	}
	memcpy(dst, a->buf, a->bytes);
	a->inserted = true;
	for (i = 0; i < a->bytes; i += 4096) {
		if (!launch(gpa + i, SNP_LAUNCH_UNMEASURED)) {
			return false;
		}
	}
	return true;
}

static bool do_area(struct loader *l, const uint8_t *d)
{
	uint64_t bytes = rd64(d);
	uint32_t idx = rd32(d + 8), off = rd32(d + 12);
	struct area *a;

	if (idx >= MAX_AREAS || l->areas[idx].declared || bytes == 0 ||
	    (bytes & 0xFFF) != 0 || bytes > (4096ULL << AREA_ORDER)) {
		return fail("bad parameter area", idx);
	}
	a = &l->areas[idx];
	a->buf = vm_alloc_pages(AREA_ORDER);
	if (a->buf == NULL) {
		return fail("out of memory for parameter area", idx);
	}
	a->bytes = bytes;
	a->declared = true;
	if (off != 0) {
		if (off >= l->size || bytes > l->size - off) {
			return fail("parameter area data outside the file",
				    off);
		}
		memcpy(a->buf, l->file + off, bytes);
	}
	return true;
}

static bool do_vp(struct loader *l, const uint8_t *d)
{
	uint64_t gpa = rd64(d);
	uint32_t off = rd32(d + 12);
	uint16_t vp;
	uint8_t *page;

	memcpy(&vp, d + 16, sizeof(vp));
	if (vp != 0 || l->vmsa_gpa != 0 || (gpa & 0xFFF) != 0 || gpa == 0) {
		return fail("VP context other than one BSP VMSA", vp);
	}
	if (guest_phys(gpa, 4096) != NULL) {
		if (!copy_data(l, off, guest_phys(gpa, 4096)) ||
		    !launch(gpa, SNP_LAUNCH_VMSA)) {
			return false;
		}
	} else {
		page = vm_alloc_pages(0);
		if (page == NULL || !copy_data(l, off, page)) {
			return fail("cannot keep the VMSA", gpa);
		}
		if (snp_machine_launch_ext_vmsa(&vm.m, gpa, page) != 0) {
			return fail("the PSP refused the VMSA", gpa);
		}
	}
	l->vmsa_gpa = gpa;
	return true;
}

static bool directive(struct loader *l, uint32_t type, const uint8_t *d,
		      uint32_t len)
{
	static const struct {
		uint32_t type, len;
	} sizes[] = {
		{ VHT_SUPPORTED_PLATFORM, 16 },
		{ VHT_GUEST_POLICY, 16 },
		{ VHT_PARAMETER_AREA, 16 },
		{ VHT_PAGE_DATA, 24 },
		{ VHT_PARAMETER_INSERT, 16 },
		{ VHT_VP_CONTEXT, 20 },
		{ VHT_REQUIRED_MEMORY, 24 },
		{ VHT_VP_COUNT, 8 },
		{ VHT_MADT, 8 },
		{ VHT_MEMORY_MAP, 8 },
		{ VHT_ENVIRONMENT_INFO, 8 },
		{ VHT_DEVICE_TREE, 8 },
		{ VHT_COMMAND_LINE, 8 },
	};
	uint32_t base = type & ~VHT_OPTIONAL;
	unsigned i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (sizes[i].type == base && len < sizes[i].len) {
			return fail("short directive", base);
		}
	}
	switch (base) {
	case VHT_SUPPORTED_PLATFORM:
		if (d[5] == PLATFORM_SNP) {
			l->snp_mask = rd32(d);
		}
		return true;
	case VHT_GUEST_POLICY:
	case VHT_SNP_ID_BLOCK:
		return true; /* the model's report carries neither */
	case VHT_PARAMETER_AREA:
		return do_area(l, d);
	case VHT_VP_COUNT:
	case VHT_MADT:
	case VHT_MEMORY_MAP:
	case VHT_ENVIRONMENT_INFO:
	case VHT_DEVICE_TREE:
	case VHT_COMMAND_LINE:
		return do_param(l, base, d);
	default:
		break;
	}
	/* The rest carry a compatibility mask at offset 8. */
	if (len < 12 || (rd32(d + 8) & l->snp_mask) == 0) {
		return (type & VHT_OPTIONAL) != 0 || len >= 12 ||
		       fail("unknown directive", type);
	}
	switch (base) {
	case VHT_PAGE_DATA:
		return do_page(l, d);
	case VHT_PARAMETER_INSERT:
		return do_insert(l, d);
	case VHT_VP_CONTEXT:
		return do_vp(l, d);
	case VHT_REQUIRED_MEMORY:
		if (!snp_range_ok(&vm.m, rd64(d), rd32(d + 12))) {
			return fail("required memory outside guest RAM",
				    rd64(d));
		}
		return true;
	default:
		return (type & VHT_OPTIONAL) != 0 ||
		       fail("unknown directive", type);
	}
}

/** Launch the IGVM file (see vm_internal.h). */
bool igvm_launch(struct emu_vm *v, const struct vm_config *cfg,
		 uint64_t *vmsa_gpa)
{
	struct loader l = { .file = cfg->igvm,
			    .size = cfg->igvm_size,
			    .cfg = cfg };
	struct igvm_fixed h;
	uint64_t off, end;
	uint32_t crc;
	const uint8_t *m;

	(void)v;
	if (l.size < sizeof(h)) {
		return fail("too short", l.size);
	}
	memcpy(&h, l.file, sizeof(h));
	if (h.magic != IGVM_MAGIC || (h.version != 1 && h.version != 2) ||
	    h.total_size != l.size || h.vh_offset < sizeof(h) ||
	    h.vh_offset > l.size || h.vh_size > l.size - h.vh_offset) {
		return fail("bad fixed header", h.magic);
	}
	h.checksum = 0;
	crc = crc32_update(0, (const uint8_t *)&h, sizeof(h));
	if (h.version == 2) {
		crc = crc32_update(crc, l.file + sizeof(h), 8);
	}
	crc = crc32_update(crc, l.file + h.vh_offset, h.vh_size);
	if (crc != rd32(l.file + 20)) {
		return fail("checksum mismatch", crc);
	}
	off = h.vh_offset;
	end = (uint64_t)h.vh_offset + h.vh_size;
	while (off + 8 <= end) {
		uint32_t type = rd32(l.file + off),
			 len = rd32(l.file + off + 4);

		if (len > end - off - 8) {
			return fail("directive overruns the headers", off);
		}
		if (!directive(&l, type, l.file + off + 8, len)) {
			return false;
		}
		off = (off + 8 + len + 7) & ~7ULL;
	}
	if (l.snp_mask == 0 || l.vmsa_gpa == 0) {
		return fail("no SEV-SNP platform or no VMSA", l.snp_mask);
	}
	m = snp_machine_measurement(&vm.m);
	emu_printf("launch digest %02x%02x%02x%02x%02x%02x%02x%02x...%02x%02x",
		   m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[46],
		   m[47]);
	*vmsa_gpa = l.vmsa_gpa;
	return true;
}
