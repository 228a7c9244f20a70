/* SPDX-License-Identifier: MIT */
/*
 * The emulator's IDT: every exception is a bug of the emulator, reported
 * with the registers and CR2, after which QEMU exits with a failure. The
 * only interrupt is the wake-up IPI of a sleeping vCPU (smp.c).
 */
#include <stdint.h>

#include <x86/asm.h>

#include "emu.h"

struct emu_trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t rsvd;
} __attribute__((packed));

extern const uint64_t emu_trap_stubs[32];
extern const char emu_wake_stub[], emu_spurious_stub[];
void emu_trap(struct emu_trap_frame *f);

static struct idt_gate idt[256] __attribute__((aligned(16)));
static bool idt_built;

static void gate(unsigned v, uint64_t a)
{
	idt[v].off_lo = (uint16_t)a;
	idt[v].sel = EMU_CS64;
	idt[v].type = 0x8E; /* present, interrupt gate */
	idt[v].off_mid = (uint16_t)(a >> 16);
	idt[v].off_hi = (uint32_t)(a >> 32);
}

/** Install the IDT on this CPU. */
void emu_traps_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) desc = { sizeof(idt) - 1, (uint64_t)idt };
	unsigned i;

	if (!idt_built) {
		for (i = 0; i < 32; i++) {
			gate(i, emu_trap_stubs[i]);
		}
		gate(EMU_WAKE_VECTOR, (uint64_t)emu_wake_stub);
		gate(EMU_SPURIOUS_VECTOR, (uint64_t)emu_spurious_stub);
		idt_built = true;
	}
	__asm__ volatile("lidt %0" : : "m"(desc));
}

/** Report an exception of the emulator itself and stop the run. */
void emu_trap(struct emu_trap_frame *f)
{
	emu_printf("BUG: exception %lu error 0x%lx on CPU %u at rip 0x%lx "
		   "cr2 0x%lx",
		   (unsigned long)f->vector, (unsigned long)f->error_code,
		   emu_cpu_index(), (unsigned long)f->rip,
		   (unsigned long)read_cr2());
	emu_printf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx",
		   (unsigned long)f->rax, (unsigned long)f->rbx,
		   (unsigned long)f->rcx, (unsigned long)f->rdx);
	emu_printf("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx",
		   (unsigned long)f->rsi, (unsigned long)f->rdi,
		   (unsigned long)f->rbp, (unsigned long)f->rsp);
	emu_printf("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx",
		   (unsigned long)f->r8, (unsigned long)f->r9,
		   (unsigned long)f->r10, (unsigned long)f->r11);
	emu_exit(EMU_EXIT_FAIL);
}
