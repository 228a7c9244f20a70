/* SPDX-License-Identifier: MIT */
/*
 * The launch: the IGVM library's SNP launch walk (svsm/igvm, the same walk
 * igvm-measure measures with) calls back here to place each page in guest
 * RAM and hand it to the model's PSP (snp_machine_launch_*), which measures
 * it into the launch digest the attestation reports carry. The loader fills
 * what the hypervisor fills: parameter areas (vCPU count, memory map,
 * MADT, environment info) and the CPUID page (the L1 CPU's values plus
 * SEV's leaf 0x8000001F); the PSP fills the secrets page. The VMSAs KVM
 * measures (one per vCPU) stay in emulator memory at their GPA outside
 * guest RAM; the BSP starts from the first. The PSP's digest must equal the
 * library's: the launch fails otherwise.
 */
#include <string.h>

#include <igvm/igvm.h>
#include <x86/asm.h>

#include "emu.h"
#include "vm_internal.h"

#define MAX_AREAS 8U
#define AREA_ORDER 2U /* at most 4 pages per parameter area */

struct area {
	uint8_t *buf;
	uint64_t bytes;
};

struct loader {
	struct area areas[MAX_AREAS];
	const struct vm_config *cfg;
	uint64_t vmsa_gpa;
	unsigned vmsas;
};

struct cpuid_fn {
	uint32_t eax_in, ecx_in;
	uint64_t xcr0_in, xss_in;
	uint32_t eax, ebx, ecx, edx;
	uint64_t rsvd;
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int fail(const char *what, uint64_t a)
{
	emu_printf("IGVM launch refused: %s (0x%lx)", what, (unsigned long)a);
	return -1;
}

/* The hypervisor's CPUID values for each leaf of the template. */
static int fill_cpuid(uint8_t *page)
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
	return 0;
}

/* The MADT's header and fixed fields (ACPI 6.x). */
struct madt_head {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
	uint32_t lapic_addr, flags;
} __attribute__((packed));

_Static_assert(sizeof(struct madt_head) == 44, "MADT header");

/* An ACPI MADT with one enabled local APIC per vCPU. */
static int fill_madt(uint8_t *p, uint64_t room, unsigned vcpus)
{
	struct madt_head h = {
		.sig = { 'A', 'P', 'I', 'C' },
		.length = (uint32_t)sizeof(h) + 8 * vcpus,
		.revision = 3,
		.oem_id = { 'S', 'N', 'P', 'E', 'M', 'U' },
		.oem_table_id = { 'S', 'N', 'P', 'E', 'M', 'U', ' ', ' ' },
		.oem_revision = 1,
		.creator_id = { 'S', 'E', 'M', 'U' },
		.creator_revision = 1,
		.lapic_addr = 0xFEE00000U,
		.flags = 1, /* PCAT_COMPAT */
	};
	uint32_t len = h.length;
	uint8_t sum = 0;
	uint32_t i;

	if (len > room) {
		return fail("MADT parameter area too small", room);
	}
	memcpy(p, &h, sizeof(h));
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
	return 0;
}

static int launch(uint64_t gpa, enum snp_launch_page type)
{
	if (snp_machine_launch_page(&vm.m, gpa, type) != 0) {
		return fail("the PSP refused the launch page", gpa);
	}
	return 0;
}

static int cb_page(void *ctx, uint64_t gpa, enum igvm_page_kind kind,
		   uint32_t flags, const uint8_t *data)
{
	uint8_t *dst = guest_phys(gpa, 4096);

	(void)ctx;
	(void)flags;
	if (dst == NULL) {
		return fail("page outside guest RAM", gpa);
	}
	if (data != NULL) {
		memcpy(dst, data, 4096);
	} else {
		memset(dst, 0, 4096);
	}
	switch (kind) {
	case IGVM_PAGE_NORMAL:
	case IGVM_PAGE_ZERO:
		/* QEMU/KVM measure a page without data as a NORMAL page of
		 * zeros (the library measures it so without NATIVE_ZERO). */
		return launch(gpa, SNP_LAUNCH_NORMAL);
	case IGVM_PAGE_UNMEASURED:
		return launch(gpa, SNP_LAUNCH_UNMEASURED);
	case IGVM_PAGE_SECRETS:
		return launch(gpa, SNP_LAUNCH_SECRETS);
	case IGVM_PAGE_CPUID:
		return fill_cpuid(dst) != 0 ? -1 :
					      launch(gpa, SNP_LAUNCH_CPUID);
	case IGVM_PAGE_VMSA:
	default:
		return fail("unexpected page kind", kind);
	}
}

static int cb_declare_area(void *ctx, uint32_t index, uint64_t size,
			   const uint8_t *initial)
{
	struct loader *l = ctx;

	(void)initial; /* QEMU starts every area from zeros */
	if (index >= MAX_AREAS || l->areas[index].buf != NULL ||
	    size > (4096ULL << AREA_ORDER)) {
		return fail("parameter area the loader cannot hold", index);
	}
	l->areas[index].buf = vm_alloc_pages(AREA_ORDER);
	l->areas[index].bytes = size;
	return l->areas[index].buf != NULL ? 0 : fail("out of memory", index);
}

static int cb_fill_param(void *ctx, uint32_t type, uint32_t index, uint32_t off)
{
	struct loader *l = ctx;
	struct area *a = index < MAX_AREAS ? &l->areas[index] : NULL;
	struct igvm_memory_map_entry map = {
		.number_of_pages = vm.m.mem_size >> 12,
		.entry_type = IGVM_MEMORY_MAP_MEMORY,
	};
	uint32_t u;

	if (a == NULL || a->buf == NULL || off > a->bytes) {
		return fail("parameter of an unknown area", index);
	}
	switch (type) {
	case IGVM_VHT_VP_COUNT_PARAMETER:
		u = l->cfg->vcpus;
		memcpy(a->buf + off, &u, sizeof(u));
		return 0;
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		u = 0; /* memory is private at launch */
		memcpy(a->buf + off, &u, sizeof(u));
		return 0;
	case IGVM_VHT_MEMORY_MAP:
		if (a->bytes - off < 2 * sizeof(map)) {
			return fail("memory map area too small", index);
		}
		memcpy(a->buf + off, &map, sizeof(map)); /* zero terminator */
		return 0;
	case IGVM_VHT_MADT:
		return fill_madt(a->buf + off, a->bytes - off, l->cfg->vcpus);
	default:
		return 0; /* device tree, command line, SRAT: left empty */
	}
}

static int cb_insert_area(void *ctx, uint32_t index, uint64_t gpa)
{
	struct loader *l = ctx;
	struct area *a = index < MAX_AREAS ? &l->areas[index] : NULL;
	uint8_t *dst;
	uint64_t i;

	if (a == NULL || a->buf == NULL) {
		return fail("insert of an unknown area", index);
	}
	dst = guest_phys(gpa, a->bytes);
	if (dst == NULL) {
		return fail("parameter insert outside guest RAM", gpa);
	}
	memcpy(dst, a->buf, a->bytes);
	for (i = 0; i < a->bytes; i += 4096) {
		if (launch(gpa + i, SNP_LAUNCH_UNMEASURED) != 0) {
			return -1;
		}
	}
	return 0;
}

static int cb_required_memory(void *ctx, uint64_t gpa, uint32_t size,
			      uint32_t flags)
{
	(void)ctx;
	(void)flags;
	return snp_range_ok(&vm.m, gpa, size) ?
		       0 :
		       fail("required memory outside guest RAM", gpa);
}

/* The VMSAs KVM measures, one per vCPU; the first is the BSP's. */
static int cb_vp_context(void *ctx, uint32_t vp_index, uint64_t gpa,
			 const struct sev_vmsa *vmsa)
{
	struct loader *l = ctx;
	uint8_t *page = vm_alloc_pages(0);

	(void)vp_index;
	if (page == NULL || guest_phys(gpa, 4096) != NULL) {
		return fail("VMSA inside guest RAM or no memory", gpa);
	}
	memcpy(page, vmsa, sizeof(*vmsa));
	if (snp_machine_launch_ext_vmsa(&vm.m, gpa, page) != 0) {
		return fail("the PSP refused the VMSA", gpa);
	}
	if (l->vmsas++ == 0) {
		l->vmsa_gpa = gpa;
	}
	return 0;
}

static void print_digest(const char *who, const uint8_t *d)
{
	char hex[2 * SNP_MEASUREMENT_SIZE + 1];
	unsigned i;

	for (i = 0; i < SNP_MEASUREMENT_SIZE; i++) {
		hex[2 * i] = "0123456789abcdef"[d[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[d[i] & 0xF];
	}
	hex[2 * SNP_MEASUREMENT_SIZE] = '\0';
	emu_printf("launch digest (%s) %s", who, hex);
}

/** Launch the IGVM file (see vm_internal.h). */
bool igvm_launch(struct emu_vm *v, const struct vm_config *cfg,
		 uint64_t *vmsa_gpa)
{
	static const struct igvm_loader_ops ops = {
		.page = cb_page,
		.declare_area = cb_declare_area,
		.fill_param = cb_fill_param,
		.insert_area = cb_insert_area,
		.required_memory = cb_required_memory,
		.vp_context = cb_vp_context,
	};
	static struct igvm_file f;
	static struct igvm_launch il;
	struct loader l = { .cfg = cfg };

	(void)v;
	if (cfg->igvm_size > UINT32_MAX ||
	    igvm_open(&f, cfg->igvm, cfg->igvm_size) < 0) {
		emu_printf("IGVM file refused: %s", f.error);
		return false;
	}
	memset(&il, 0, sizeof(il));
	il.vcpus = cfg->vcpus;
	il.flags = IGVM_LAUNCH_CHECK_KVM;
	if (igvm_platform_mask(&f, IGVM_PLATFORM_SEV_SNP, &il.mask) < 0) {
		emu_printf("IGVM file has no SEV-SNP platform");
		return false;
	}
	if (igvm_snp_launch(&f, &il, &ops, &l) < 0) {
		emu_printf("IGVM launch failed: %s", f.error);
		return false;
	}
	snp_machine_launch_finish(&vm.m);
	vm.policy = il.has_policy ? il.policy : 0x30000;
	print_digest("PSP", snp_machine_measurement(&vm.m));
	if (l.vmsas == 0 || memcmp(il.digest, snp_machine_measurement(&vm.m),
				   SNP_MEASUREMENT_SIZE) != 0) {
		print_digest("IGVM library", il.digest);
		emu_printf("the PSP's launch digest differs from the IGVM "
			   "library's");
		return false;
	}
	*vmsa_gpa = l.vmsa_gpa;
	return true;
}
