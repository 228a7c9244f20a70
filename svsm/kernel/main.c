/* SPDX-License-Identifier: MIT */
/*
 * The kernel's boot path, from `pvh_start` (boot.S) to the idle loop:
 * console, start info, page tables, ACPI, memory, descriptor tables, APIC,
 * platform, scheduler, the other CPUs, banner. The boot CPU's context then
 * becomes its idle task.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <generated/version.h>
#include <kernel/acpi.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/ktest.h>
#include <kernel/platform.h>
#include <kernel/tpm.h>
#include <kernel/sched.h>
#include <x86/apic.h>
#include <x86/asm.h>
#include <x86/desc.h>
#include <x86/layout.h>
#include <x86/paging.h>
#include <x86/percpu.h>
#include <x86/smp.h>
#include <x86/time.h>
#include <svsm/cpu.h>
#include <svsm/log.h>
#include <svsm/mm.h>
#include <svsm/physmap.h>

#define LOW_MEMORY_END 0x100000UL

_Noreturn void kernel_main(uint64_t start_info_pa);

extern char __kernel_start[], __kernel_end[];

static struct percpu boot_cpu;
struct acpi_info acpi_info;

/** Give one RAM range to the page allocator, minus low memory and image. */
static void add_ram(uint64_t start, uint64_t end)
{
	uint64_t img_start = (uint64_t)__kernel_start - KERNEL_VIRT_BASE;
	uint64_t img_end = (uint64_t)__kernel_end - KERNEL_VIRT_BASE;

	if (start < LOW_MEMORY_END) {
		start = LOW_MEMORY_END;
	}
	if (end > boot_info.phys_top) {
		end = boot_info.phys_top;
	}
	start = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	end &= ~(PAGE_SIZE - 1);
	if (start < img_end && end > img_start) {
		add_ram(start, img_start);
		add_ram(img_end, end);
		return;
	}
	if (end > start) {
		page_alloc_add_region(phys_to_virt(start), end - start);
	}
}

static void memory_init(void)
{
	unsigned int i;

	mm_reset();
	for (i = 0; i < boot_info.memmap_count; i++) {
		const struct memmap_entry *e = &boot_info.memmap[i];

		if (e->type == MEMMAP_RAM) {
			add_ram(e->addr, e->addr + e->size);
		}
	}
	if (page_alloc_total_pages() == 0) {
		panic("no usable memory in the memory map");
	}
}

static void memmap_print(void)
{
	unsigned int i;

	log_printf(LOG_VERBOSE, "command line: '%s'\n", boot_info.cmdline);
	log_printf(LOG_VERBOSE, "RSDP at %#lx\n", boot_info.rsdp_pa);
	for (i = 0; i < boot_info.memmap_count; i++) {
		const struct memmap_entry *e = &boot_info.memmap[i];

		log_printf(LOG_VERBOSE, "memory %016lx-%016lx type %u\n",
			   e->addr, e->addr + e->size - 1, e->type);
	}
}

static void loglevel_init(void)
{
	char buf[4];

	if (cmdline_get("loglevel", buf, sizeof(buf)) && buf[0] >= '0' &&
	    buf[0] <= '4' && buf[1] == '\0') {
		log_level_max = (enum log_level)(buf[0] - '0');
	}
}

/** Boot CPU: descriptor tables, APIC and scheduler. */
static void boot_cpu_init(void)
{
	boot_cpu.self = &boot_cpu;
	boot_cpu.index = 0;
	spin_lock_init(&boot_cpu.rq_lock);
	spin_lock_init(&boot_cpu.call_lock);
	percpu_areas[0] = &boot_cpu;
	if (!cpu_tables_init(&boot_cpu)) {
		panic("cannot allocate the boot CPU's IST stacks");
	}
	if (!apic_init(acpi_info.lapic_pa)) {
		panic("cannot map the local APIC");
	}
	boot_cpu.apic_id = apic_local_id();
	if (!sched_init_cpu(&boot_cpu)) {
		panic("cannot allocate the boot CPU's idle task");
	}
}

static void banner(unsigned int online)
{
	log_printf(LOG_INFO, "SVSM %s, platform %s\n", SVSM_VERSION,
		   platform_name());
	log_printf(LOG_INFO, "memory: %lu MiB RAM, %zu MiB free\n",
		   (unsigned long)(boot_info.ram_bytes >> 20),
		   page_alloc_free_pages() * PAGE_SIZE >> 20);
	log_printf(LOG_INFO, "CPUs: %u of %u online\n", online,
		   acpi_info.cpu_count);
	log_printf(LOG_INFO, "vTPM: %s\n",
		   kernel_tpm_available() ? "available" : "not available");
}

/** C entry of the boot CPU (from boot.S): boot, then idle. */
_Noreturn void kernel_main(uint64_t start_info_pa)
{
	unsigned int online;

	console_init();
	/* Early exceptions get the IDT (IST stacks come with the TSS). */
	cpu_wrmsr(MSR_GS_BASE, (uint64_t)&boot_cpu);
	boot_cpu.self = &boot_cpu;
	idt_init();
	idt_load();
	if (!boot_info_parse(start_info_pa)) {
		panic("no valid PVH start info at %#lx", start_info_pa);
	}
	loglevel_init();
	log_printf(LOG_INFO, "SVSM kernel %s booting\n", SVSM_VERSION);
	memmap_print();
	if (!paging_init(boot_info.phys_top)) {
		panic("cannot build the kernel page tables");
	}
	physmap_init((void *)PHYSMAP_BASE, boot_info.phys_top);
	if (!acpi_parse(boot_info.rsdp_pa, &acpi_info)) {
		panic("no usable ACPI MADT");
	}
	memory_init();
	boot_cpu_init();
	time_init();
	platform_init();
	smp_cpu_online(&boot_cpu);
	online = smp_boot(acpi_info.apic_ids, acpi_info.cpu_count);
	(void)kernel_tpm_start();
	banner(online);
	if (!ktest_start()) {
		log_printf(LOG_INFO, "svsm: ready\n");
		if (cmdline_has("poweroff")) {
			acpi_poweroff(&acpi_info);
		}
	}
	sched_idle_loop();
}
