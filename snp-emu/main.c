/* SPDX-License-Identifier: MIT */
/*
 * snp-emu's entry: the boot CPU reads the PVH start info (command line, the
 * IGVM module, ACPI), starts every other L1 CPU, loads the IGVM file into
 * the SNP VM and runs vCPU 0; each AP runs the vCPU of its index.
 */
#include <string.h>

#include <x86/asm.h>
#include <x86/percpu.h>
#include <x86/time.h>

#include "cpu.h"
#include "emu.h"
#include "vm.h"

#define HVM_START_MAGIC 0x336EC578U

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, rsvd;
};

struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, rsvd;
};

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, rsvd;
};

void emu_main(const struct hvm_start_info *si);

/* Each L1 CPU's GS points at its `struct percpu` (the libc shim reads it). */
static struct percpu cpus[EMU_MAX_CPUS];
struct percpu *percpu_areas[MAX_CPUS];
unsigned int cpu_count = 1;
static struct emu_cpus l1;

static void percpu_setup(unsigned index)
{
	struct percpu *pc = &cpus[index];

	pc->self = pc;
	pc->index = index;
	pc->tcb.self = &pc->tcb;
	pc->tcb.stack_guard = 0x5eed0000U + index;
	percpu_areas[index] = pc;
	emu_wrmsr(MSR_GS_BASE, (uint64_t)pc);
	emu_wrmsr(0xC0000100, (uint64_t)&pc->tcb); /* FS base */
	/* SSE for libcrypto: CR0.MP, CR4.OSFXSR | OSXMMEXCPT. */
	write_cr0((read_cr0() & ~(1UL << 2)) | (1UL << 1));
	emu_write_cr4(read_cr4() | (3UL << 9));
}

/** Index of the calling L1 CPU. */
unsigned emu_cpu_index(void)
{
	return this_cpu()->index;
}

/* The value of `key` (e.g. "mem=") on the command line, or NULL. */
static const char *cmdline_find(const char *cmd, const char *key)
{
	size_t klen = strlen(key);
	const char *p = cmd;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0) {
			return p + klen;
		}
		p = strchr(p, ' ');
		if (p != NULL) {
			p++;
		}
	}
	return NULL;
}

/* A number (decimal, K/M/G suffix) of the command line, or `def`. */
static uint64_t cmdline_num(const char *cmd, const char *key, uint64_t def)
{
	const char *p = cmdline_find(cmd, key);
	uint64_t v;

	if (p == NULL) {
		return def;
	}
	for (v = 0; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case 'G':
		return v << 30;
	case 'M':
		return v << 20;
	case 'K':
		return v << 10;
	default:
		return v;
	}
}

/* A word of the command line copied into `buf`, or NULL. */
static const char *cmdline_str(const char *cmd, const char *key, char *buf,
			       size_t len)
{
	const char *p = cmdline_find(cmd, key);
	size_t n = 0;

	if (p == NULL) {
		return NULL;
	}
	while (p[n] != '\0' && p[n] != ' ' && n + 1 < len) {
		buf[n] = p[n];
		n++;
	}
	buf[n] = '\0';
	return buf;
}

/* Highest end of usable RAM below 4 GiB in the E820 map. */
static uint64_t ram_top(const struct hvm_start_info *si)
{
	const struct hvm_memmap_entry *e =
		(const struct hvm_memmap_entry *)si->memmap_paddr;
	uint64_t top = 0;
	uint32_t i;

	for (i = 0; si->memmap_paddr != 0 && i < si->memmap_entries; i++) {
		if (e[i].type == 1 && e[i].addr + e[i].size > top &&
		    e[i].addr + e[i].size <= (4ULL << 30)) {
			top = e[i].addr + e[i].size;
		}
	}
	return top;
}

/** The boot CPU's C entry (from boot.S). */
void emu_main(const struct hvm_start_info *si)
{
	const char *cmd = "";
	const struct hvm_modlist_entry *mod;
	struct vm_config cfg;
	char fault[32];
	unsigned i;

	percpu_setup(0);
	emu_traps_init();
	emu_lapic_init();
	time_init();
	if (si->magic != HVM_START_MAGIC) {
		emu_fatal("no PVH start info (magic 0x%x)", si->magic);
	}
	if (si->cmdline_paddr != 0) {
		cmd = (const char *)si->cmdline_paddr;
	}
	emu_printf(
		"L1 hypervisor for an emulated SEV-SNP machine; cmdline '%s'",
		cmd);
	if (si->nr_modules < 1 || si->modlist_paddr == 0) {
		emu_fatal("no IGVM file: pass it with -initrd");
	}
	mod = (const struct hvm_modlist_entry *)si->modlist_paddr;
	if (!emu_acpi_cpus(si->rsdp_paddr, &l1)) {
		emu_fatal("no ACPI MADT");
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.igvm = (const uint8_t *)mod->paddr;
	cfg.igvm_size = mod->size;
	cfg.mem_bytes = cmdline_num(cmd, "mem=", 256ULL << 20);
	cfg.vcpus = l1.count;
	cfg.l1_ram_top = ram_top(si);
	cfg.fault = cmdline_str(cmd, "fault=", fault, sizeof(fault));
	cfg.bench = cmdline_num(cmd, "bench=", 0);
	emu_printf(
		"%u L1 CPUs, IGVM file %lu bytes at 0x%lx, guest RAM %lu MiB",
		l1.count, (unsigned long)mod->size, (unsigned long)mod->paddr,
		(unsigned long)(cfg.mem_bytes >> 20));
	if (!vm_create(&cfg)) {
		emu_exit(EMU_EXIT_FAIL);
	}
	for (i = 1; i < l1.count; i++) {
		if (!emu_start_ap(i, l1.apic_id[i])) {
			emu_fatal("L1 CPU %u (APIC %u) did not start", i,
				  l1.apic_id[i]);
		}
	}
	cpu_count = l1.count;
	vm_run_vcpu(0);
}

/** An AP's C entry (from boot.S). */
void emu_ap_main(unsigned index)
{
	percpu_setup(index);
	emu_traps_init();
	emu_lapic_init();
	emu_ap_online(index);
	vm_run_vcpu(index);
}
