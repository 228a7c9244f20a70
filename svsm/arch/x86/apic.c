/* SPDX-License-Identifier: MIT */
/*
 * xAPIC access. The APIC registers are mapped uncached at
 * MMIO_BASE. IPIs wait for the previous one to be accepted (ICR delivery
 * status) before writing the next.
 */
#include <stdbool.h>
#include <stdint.h>

#include <x86/apic.h>
#include <x86/asm.h>
#include <x86/layout.h>
#include <x86/paging.h>
#include <x86/time.h>
#include <svsm/cpu.h>

#define APIC_ID 0x20
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_SVR_ENABLE (1U << 8)
#define ICR_PENDING (1U << 12)
#define ICR_FIXED 0x000
#define ICR_NMI 0x400
#define ICR_INIT 0x500
#define ICR_STARTUP 0x600
#define ICR_ASSERT (1U << 14)
#define ICR_LEVEL (1U << 15)
#define APIC_BASE_ENABLE (1UL << 11)

static volatile uint32_t *apic_regs;

static uint32_t apic_read(uint32_t reg)
{
	return apic_regs[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
	apic_regs[reg / 4] = v;
}

/** Software-enable this CPU's local APIC. */
void apic_enable_local(void)
{
	cpu_wrmsr(MSR_APIC_BASE, cpu_rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | VEC_SPURIOUS);
}

/**
 * Move the legacy 8259 PICs off the exception vectors (the BIOS leaves
 * IRQ0 on vector 8) and mask every line: the kernel only takes APIC IPIs.
 */
static void pic_disable(void)
{
	outb(0x20, 0x11); /* ICW1: init, ICW4 follows */
	outb(0xa0, 0x11);
	outb(0x21, 0x20); /* ICW2: vectors 0x20.. and 0x28.. */
	outb(0xa1, 0x28);
	outb(0x21, 0x04); /* ICW3: slave on IRQ2 */
	outb(0xa1, 0x02);
	outb(0x21, 0x01); /* ICW4: 8086 mode */
	outb(0xa1, 0x01);
	outb(0x21, 0xff); /* mask all */
	outb(0xa1, 0xff);
}

/** Mask the PICs, map the local APIC, enable it on this CPU. */
bool apic_init(uint64_t apic_pa)
{
	pic_disable();
	if (!paging_map(MMIO_BASE, apic_pa & ~0xfffUL, 4096,
			PAGE_KERNEL_MMIO)) {
		return false;
	}
	apic_regs = (volatile uint32_t *)MMIO_BASE;
	apic_enable_local();
	return true;
}

/** This CPU's APIC ID from the APIC itself. */
uint32_t apic_local_id(void)
{
	return apic_read(APIC_ID) >> 24;
}

/** Signal end of interrupt. */
void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

static void icr_wait(void)
{
	while ((apic_read(APIC_ICR_LO) & ICR_PENDING) != 0) {
		cpu_relax();
	}
}

static void icr_send(uint32_t dest, uint32_t lo)
{
	icr_wait();
	apic_write(APIC_ICR_HI, dest << 24);
	apic_write(APIC_ICR_LO, lo);
	icr_wait();
}

/** A fixed IPI with `vector` to APIC ID `dest`. */
void apic_send_ipi(uint32_t dest, uint8_t vector)
{
	icr_send(dest, ICR_FIXED | ICR_ASSERT | vector);
}

/** An NMI to APIC ID `dest`. */
void apic_send_nmi(uint32_t dest)
{
	icr_send(dest, ICR_NMI | ICR_ASSERT);
}

/** INIT to APIC ID `dest` (it then waits for a start-up IPI). */
void apic_send_init(uint32_t dest)
{
	icr_send(dest, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
}

/** Two start-up IPIs for the real-mode code at `page` << 12. */
void apic_send_sipi(uint32_t dest, uint8_t page)
{
	icr_send(dest, ICR_STARTUP | ICR_ASSERT | page);
	udelay(200);
	icr_send(dest, ICR_STARTUP | ICR_ASSERT | page);
	udelay(200);
}
