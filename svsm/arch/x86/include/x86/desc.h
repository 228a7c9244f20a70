/* SPDX-License-Identifier: MIT */
/*
 * Descriptor tables and traps: one IDT shared by every CPU, a GDT and TSS
 * per CPU with IST stacks for #DF, NMI and #MC.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct percpu;

/** Registers saved by the exception entry stubs (entry.S), in stack order. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

/** Fill the IDT (once, on the boot CPU). */
void idt_init(void);
/** The IDT's base and limit. */
void idt_desc(uint64_t *base, uint32_t *limit);
/** Load the IDT on this CPU (early boot, before `cpu_tables_init()`). */
void idt_load(void);

/**
 * Load `pc`'s GDT, TSS (IST stacks allocated with guards) and the IDT on
 * the calling CPU, and point GS at `pc`. False if a stack could not be
 * allocated (nothing loaded).
 */
bool cpu_tables_init(struct percpu *pc);

/** Entry point from entry.S. */
void trap_dispatch(struct trap_frame *f);

/** Print a backtrace starting from frame pointer `fp`. */
void backtrace_print(const void *fp);

/** Number of exceptions recovered through the fixup table (tests). */
unsigned long traps_fixups(void);
