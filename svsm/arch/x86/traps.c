/* SPDX-License-Identifier: MIT */
/*
 * The IDT, per-CPU GDT/TSS, and the C side of every trap. An exception at
 * an instruction listed in the fixup table resumes at its fixup; any other
 * exception prints the registers and a backtrace, then panics (which stops
 * every CPU). Interrupts are only the kernel's own IPIs.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <kernel/ksyms.h>
#include <kernel/vc.h>
#include <x86/apic.h>
#include <x86/asm.h>
#include <x86/desc.h>
#include <x86/extable.h>
#include <x86/layout.h>
#include <x86/percpu.h>
#include <x86/smp.h>
#include <x86/stack.h>
#include <svsm/cpu.h>
#include <svsm/log.h>

#define IDT_ENTRIES 256
#define GATE_INTERRUPT 0x8e
#define BACKTRACE_DEPTH 16

extern const char trap_stubs[];
extern const struct extable_entry __extable_start[], __extable_end[];

/** One 16-byte IDT gate. */
struct idt_gate {
	uint64_t lo;
	uint64_t hi;
};

/** Operand of LGDT/LIDT. */
struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));
static atomic_ulong fixup_count;

static const char *const exception_names[32] = {
	"#DE divide error",
	"#DB debug",
	"NMI",
	"#BP breakpoint",
	"#OF overflow",
	"#BR bound range",
	"#UD invalid opcode",
	"#NM no FPU",
	"#DF double fault",
	"coprocessor overrun",
	"#TS invalid TSS",
	"#NP segment absent",
	"#SS stack fault",
	"#GP general protection",
	"#PF page fault",
	"reserved 15",
	"#MF x87 error",
	"#AC alignment check",
	"#MC machine check",
	"#XM SIMD error",
	"#VE virtualization",
	"#CP control protection",
	"reserved 22",
	"reserved 23",
	"reserved 24",
	"reserved 25",
	"reserved 26",
	"reserved 27",
	"#HV injection",
	"#VC VMM communication",
	"#SX security",
	"reserved 31",
};

static void idt_set(unsigned int vec, unsigned int ist)
{
	uint64_t addr = (uint64_t)(trap_stubs + 16 * vec);

	idt[vec].lo = (addr & 0xffff) | ((uint64_t)GDT_CODE64 << 16) |
		      ((uint64_t)ist << 32) | ((uint64_t)GATE_INTERRUPT << 40) |
		      (((addr >> 16) & 0xffff) << 48);
	idt[vec].hi = addr >> 32;
}

/** Point every IDT vector at its stub; NMI, #DF, #MC on IST stacks. */
void idt_init(void)
{
	unsigned int v;

	for (v = 0; v < IDT_ENTRIES; v++) {
		idt_set(v, 0);
	}
	idt_set(2, IST_NMI);
	idt_set(8, IST_DF);
	idt_set(18, IST_MC);
}

/** The IDT's base and limit (an SNP AP's VMSA starts with it loaded). */
void idt_desc(uint64_t *base, uint32_t *limit)
{
	*base = (uint64_t)idt;
	*limit = sizeof(idt) - 1;
}

/** LIDT on this CPU. */
void idt_load(void)
{
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

/** The fixup for a fault at `rip`, or 0. */
uint64_t extable_lookup(uint64_t rip)
{
	const struct extable_entry *e;

	for (e = __extable_start; e < __extable_end; e++) {
		if (e->insn == rip) {
			return e->fixup;
		}
	}
	return 0;
}

/** Faults recovered through the fixup table since boot. */
unsigned long traps_fixups(void)
{
	return atomic_load(&fixup_count);
}

static uint64_t tss_desc_lo(uint64_t base, uint32_t limit)
{
	return (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) |
	       (((base >> 24) & 0xff) << 56);
}

static void load_tables(struct percpu *pc)
{
	struct desc_ptr gdtr = { sizeof(pc->gdt) - 1, (uint64_t)pc->gdt };
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "mov %2, %%fs\n\t"
			 "mov %2, %%gs\n\t"
			 "ltr %w3\n\t"
			 "lidt %4"
			 :
			 : "m"(gdtr), "i"(GDT_CODE64), "r"(GDT_DATA),
			   "r"(GDT_TSS), "m"(idtr)
			 : "rax", "memory");
	cpu_wrmsr(MSR_GS_BASE, (uint64_t)pc);
}

/** Load `pc`'s GDT, TSS with IST stacks, the IDT and GS base. */
bool cpu_tables_init(struct percpu *pc)
{
	struct kstack st[IST_COUNT];
	uint64_t base = (uint64_t)&pc->tss;
	unsigned int i;

	for (i = 0; i < IST_COUNT; i++) {
		if (!kstack_alloc(&st[i])) {
			while (i-- > 0) {
				kstack_free(&st[i]);
			}
			return false;
		}
	}
	memset(&pc->tss, 0, sizeof(pc->tss));
	for (i = 0; i < IST_COUNT; i++) {
		pc->tss.ist[i] = st[i].top;
	}
	pc->tss.iomap_base = sizeof(pc->tss);
	pc->self = pc;
	pc->gdt[0] = 0;
	pc->gdt[1] = 0x00cf9b000000ffffUL;
	pc->gdt[2] = 0x00cf93000000ffffUL;
	pc->gdt[3] = 0x00af9b000000ffffUL;
	pc->gdt[4] = tss_desc_lo(base, sizeof(pc->tss) - 1);
	pc->gdt[5] = base >> 32;
	pc->gdt[6] = 0;
	load_tables(pc);
	cpu_libc_init(pc); /* after the segment loads, which clear FS base */
	return true;
}

static void backtrace_line(int depth, uint64_t addr)
{
	uint64_t off = 0;
	const char *name = ksyms_lookup(addr, &off);

	if (name != NULL) {
		log_printf(LOG_ERROR, "  [%d] %016lx %s+%#lx\n", depth, addr,
			   name, off);
	} else {
		log_printf(LOG_ERROR, "  [%d] %016lx\n", depth, addr);
	}
}

/** Print the frame-pointer chain from `fp`, symbolized. */
void backtrace_print(const void *fp)
{
	const uint64_t *frame = fp;
	int depth;

	for (depth = 0; depth < BACKTRACE_DEPTH && frame != NULL; depth++) {
		uint64_t pair[2];

		if (((uint64_t)frame & 7) != 0 ||
		    (uint64_t)frame < PHYSMAP_BASE ||
		    !cpu_copy_from_trapped(pair, frame, sizeof(pair))) {
			break;
		}
		if (pair[1] == 0) {
			break;
		}
		backtrace_line(depth, pair[1]);
		frame = (const uint64_t *)pair[0];
	}
}

static void dump_frame(const struct trap_frame *f)
{
	const char *name = f->vector < 32 ? exception_names[f->vector] : "irq";
	struct percpu *pc = this_cpu();

	log_printf(LOG_ERROR, "exception %lu (%s) on CPU %u, error code %#lx\n",
		   f->vector, name, pc != NULL ? pc->index : 0, f->error_code);
	log_printf(LOG_ERROR,
		   "RIP %016lx CS %04lx RFLAGS %016lx\n"
		   "RSP %016lx SS %04lx CR2 %016lx\n",
		   f->rip, f->cs, f->rflags, f->rsp, f->ss, read_cr2());
	log_printf(LOG_ERROR,
		   "RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n"
		   "RSI %016lx RDI %016lx RBP %016lx\n"
		   "R8  %016lx R9  %016lx R10 %016lx R11 %016lx\n"
		   "R12 %016lx R13 %016lx R14 %016lx R15 %016lx\n",
		   f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rbp,
		   f->r8, f->r9, f->r10, f->r11, f->r12, f->r13, f->r14,
		   f->r15);
	log_printf(LOG_ERROR, "backtrace:\n");
	backtrace_line(-1, f->rip);
	backtrace_print((const void *)f->rbp);
}

/** C entry of every trap: fixups, IPIs, or report and panic. */
void trap_dispatch(struct trap_frame *f)
{
	uint64_t fixup;

	if (f->vector == 2 && smp_stopping()) {
		halt_forever();
	}
	if (f->vector == 29) {
		vc_handle(f);
		return;
	}
	if (f->vector >= 32) {
		if (f->vector != VEC_SPURIOUS) {
			smp_handle_ipi((unsigned int)f->vector);
		}
		return;
	}
	fixup = extable_lookup(f->rip);
	if (fixup != 0 && f->vector != 2 && f->vector != 8 && f->vector != 18) {
		atomic_fetch_add(&fixup_count, 1);
		f->rip = fixup;
		return;
	}
	dump_frame(f);
	panic("unhandled exception %lu at %016lx", f->vector, f->rip);
}
