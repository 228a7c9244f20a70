/* SPDX-License-Identifier: MIT */
/*
 * L1 CPUs: find them in the ACPI MADT QEMU provides and start each with
 * INIT-SIPI-SIPI through the local APIC (xAPIC MMIO, identity-mapped).
 */
#include <string.h>

#include <x86/asm.h>
#include <x86/time.h>

#include "emu.h"

#define LAPIC_BASE 0xFEE00000UL
#define LAPIC_ID 0x20
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define ICR_INIT 0x00004500U
#define ICR_SIPI 0x00004600U
#define ICR_BUSY (1U << 12)
#define ICR_FIXED_ASSERT 0x00004000U
#define LAPIC_TPR 0x80
#define LAPIC_SVR 0xF0
#define SVR_ENABLE 0x100U
#define PIC1_DATA 0x21
#define PIC2_DATA 0xA1

extern const uint8_t emu_tramp_start[], emu_tramp_end[];
extern uint64_t emu_ap_stack;
extern uint32_t emu_ap_index;

static uint8_t ap_stacks[EMU_MAX_CPUS][EMU_STACK_SIZE]
	__attribute__((aligned(4096)));
static volatile bool ap_up[EMU_MAX_CPUS];
static uint32_t cpu_apic[EMU_MAX_CPUS]; /* APIC ID of each L1 CPU */
static unsigned cpu_total;

struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t rev, sum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static volatile uint32_t *lapic(unsigned reg)
{
	return (volatile uint32_t *)(LAPIC_BASE + reg);
}

static bool sum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len-- > 0) {
		s = (uint8_t)(s + *b++);
	}
	return s == 0;
}

static uint64_t find_rsdp(void)
{
	uint64_t a;

	for (a = 0xE0000; a < 0x100000; a += 16) {
		if (memcmp((const void *)a, "RSD PTR ", 8) == 0 &&
		    sum_ok((const void *)a, 20)) {
			return a;
		}
	}
	return 0;
}

static const struct sdt_header *find_madt(uint64_t rsdp)
{
	const uint8_t *r = (const uint8_t *)rsdp;
	uint32_t rsdt_pa;
	const struct sdt_header *rsdt;
	uint32_t i, n;

	memcpy(&rsdt_pa, r + 16, 4);
	rsdt = (const struct sdt_header *)(uint64_t)rsdt_pa;
	if (rsdt_pa == 0 || memcmp(rsdt->sig, "RSDT", 4) != 0 ||
	    rsdt->length < sizeof(*rsdt)) {
		return NULL;
	}
	n = (rsdt->length - (uint32_t)sizeof(*rsdt)) / 4;
	for (i = 0; i < n; i++) {
		uint32_t pa;
		const struct sdt_header *t;

		memcpy(&pa, (const uint8_t *)(rsdt + 1) + 4 * i, 4);
		t = (const struct sdt_header *)(uint64_t)pa;
		if (pa != 0 && memcmp(t->sig, "APIC", 4) == 0 &&
		    sum_ok(t, t->length)) {
			return t;
		}
	}
	return NULL;
}

/** The enabled local APICs of the MADT, the boot CPU's first. */
bool emu_acpi_cpus(uint64_t rsdp, struct emu_cpus *out)
{
	const struct sdt_header *madt;
	const uint8_t *p, *end;
	uint32_t self = *lapic(LAPIC_ID) >> 24;

	if (rsdp == 0) {
		rsdp = find_rsdp();
	}
	madt = rsdp != 0 ? find_madt(rsdp) : NULL;
	if (madt == NULL) {
		return false;
	}
	out->count = 1;
	out->apic_id[0] = self;
	p = (const uint8_t *)madt + sizeof(*madt) + 8;
	end = (const uint8_t *)madt + madt->length;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		/* Type 0: processor local APIC {uid, apic id, u32 flags}. */
		if (p[0] == 0 && p[1] >= 8 && (p[4] & 1) != 0 && p[3] != self &&
		    out->count < EMU_MAX_CPUS) {
			out->apic_id[out->count++] = p[3];
		}
		p += p[1];
	}
	memcpy(cpu_apic, out->apic_id, sizeof(cpu_apic));
	cpu_total = out->count;
	return true;
}

static void icr_send(uint32_t apic_id, uint32_t cmd)
{
	*lapic(LAPIC_ICR_HI) = apic_id << 24;
	*lapic(LAPIC_ICR_LO) = cmd;
	while ((*lapic(LAPIC_ICR_LO) & ICR_BUSY) != 0) {
		cpu_relax();
	}
}

/** Start L1 CPU `index` and wait until it reports (see emu.h). */
bool emu_start_ap(unsigned index, uint32_t apic_id)
{
	unsigned i;

	if (index == 0 || index >= EMU_MAX_CPUS) {
		return false;
	}
	memcpy((void *)EMU_TRAMPOLINE, emu_tramp_start,
	       (size_t)(emu_tramp_end - emu_tramp_start));
	emu_ap_stack = (uint64_t)&ap_stacks[index][EMU_STACK_SIZE];
	emu_ap_index = index;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	icr_send(apic_id, ICR_INIT);
	udelay(10000);
	for (i = 0; i < 2; i++) {
		icr_send(apic_id, ICR_SIPI | (EMU_TRAMPOLINE >> 12));
		udelay(200);
	}
	for (i = 0; i < 1000 && !ap_up[index]; i++) {
		udelay(1000);
	}
	return ap_up[index];
}

/** Enable the local APIC (see emu.h). */
void emu_lapic_init(void)
{
	/*
	 * The 8259 PICs stay masked: svm_run enables interrupts around
	 * VMRUN, and a legacy IRQ (vectors the firmware chose, which are
	 * exceptions here) must never arrive; only the LAPIC's IPIs do.
	 */
	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
	*lapic(LAPIC_TPR) = 0;
	*lapic(LAPIC_SVR) = SVR_ENABLE | EMU_SPURIOUS_VECTOR;
}

/** Wake a sleeping L1 CPU (see emu.h). */
void emu_wake(unsigned index)
{
	if (index < cpu_total && index != emu_cpu_index()) {
		icr_send(cpu_apic[index], ICR_FIXED_ASSERT | EMU_WAKE_VECTOR);
	}
}

/** Sleep until woken (see emu.h). STI's shadow covers HLT: no lost IPI. */
void emu_sleep(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

/** An AP reports (see emu.h). */
void emu_ap_online(unsigned index)
{
	ap_up[index] = true;
}
