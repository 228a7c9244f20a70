/* SPDX-License-Identifier: MIT */
/*
 * VMPL0 contexts as fibers on mmap'd stacks (with a guard page), switched
 * by snp_ctx_switch() (fiber_switch.S): callee-saved registers and the
 * ABI's control words only, no system call.
 *
 * Whoever resumes a fiber (the main context or another fiber creating an
 * AP) saves its own context in a local `struct snp_exec_ctx` and is the
 * fiber's caller until the fiber yields. Under ASan every switch is
 * announced with __sanitizer_start_switch_fiber() and completed with
 * __sanitizer_finish_switch_fiber(), which also tells the new context where
 * the stack it came from lives.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "machine_internal.h"

#include "abi/vmsa.h"

#if defined(SVSM_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* Room for libtpms and crypto under ASan; mapped lazily (MAP_NORESERVE). */
#define FIBER_STACK_SIZE (8UL << 20)
#define FIBER_GUARD_SIZE 4096UL

/* fiber_switch.S */
void snp_ctx_switch(void **save_sp, void *load_sp);
void snp_ctx_start(void);
/* Called by snp_ctx_start on a new fiber's stack; never returns. */
_Noreturn void snp_fiber_entry(struct snp_fiber *f);

/*
 * The frame snp_ctx_switch() pops (fiber_switch.S): MXCSR and the x87
 * control word, R15, R14, R13, R12, RBX, RBP, then the return address.
 */
struct switch_frame {
	uint32_t mxcsr;
	uint16_t fpu_cw;
	uint16_t pad;
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t ret;
};

_Static_assert(sizeof(struct switch_frame) == 64, "fiber_switch.S frame");

#define MXCSR_DEFAULT 0x1F80U /* all exceptions masked, round to nearest */
#define FPU_CW_DEFAULT 0x037FU

/* Announce a switch from `from` (NULL: it dies) to the stack of `to`. */
static void switch_begin(struct snp_exec_ctx *from,
			 const struct snp_exec_ctx *to)
{
#if defined(SVSM_ASAN)
	__sanitizer_start_switch_fiber(from != NULL ? &from->fake_stack : NULL,
				       to->stack_bottom, to->stack_size);
#else
	(void)from;
	(void)to;
#endif
}

/* Complete a switch into `self`; learn the stack of `prev` (may be NULL). */
static void switch_end(struct snp_exec_ctx *self, struct snp_exec_ctx *prev)
{
#if defined(SVSM_ASAN)
	const void *bottom = NULL;
	size_t size = 0;

	__sanitizer_finish_switch_fiber(self != NULL ? self->fake_stack : NULL,
					&bottom, &size);
	if (prev != NULL) {
		prev->stack_bottom = bottom;
		prev->stack_size = size;
	}
#else
	(void)self;
	(void)prev;
#endif
}

/*
 * Switch from the dying fiber `f` to its caller, for good. Its stack
 * pointer is saved into the fiber, never into a local: announcing the
 * switch with NULL makes ASan free this fiber's fake stack, where a local
 * whose address is taken lives under detect_stack_use_after_return.
 */
static _Noreturn void fiber_leave(struct snp_fiber *f)
{
	switch_begin(NULL, f->caller);
	snp_ctx_switch(&f->ctx.sp, f->caller->sp);
	abort();
}

/** The first code a fiber runs (see fiber_switch.S). */
_Noreturn void snp_fiber_entry(struct snp_fiber *f)
{
	switch_end(NULL, f->caller);
	if (f->entry != NULL) {
		f->entry(f->arg);
	}
	f->dead = true;
	f->active = false;
	f->exit = SNP_FIBER_HALTED;
	fiber_leave(f);
}

/*
 * Lay out the first switch frame at the top of `f`'s stack: snp_ctx_start
 * is "returned" to with RSP 16-byte aligned, as at a call site, and R12
 * holds `f`.
 */
static void frame_init(struct snp_fiber *f)
{
	uintptr_t top = ((uintptr_t)f->ctx.stack_bottom + f->ctx.stack_size) &
			~(uintptr_t)15;
	struct switch_frame *fr =
		(struct switch_frame *)(top - 16 - sizeof(*fr));

	memset(fr, 0, sizeof(*fr));
	fr->mxcsr = MXCSR_DEFAULT;
	fr->fpu_cw = FPU_CW_DEFAULT;
	fr->r12 = (uint64_t)(uintptr_t)f;
	fr->ret = (uint64_t)(uintptr_t)snp_ctx_start;
	f->ctx.sp = fr;
}

/** A fiber for `v` that will call `entry(arg)`; NULL on failure. */
struct snp_fiber *snp_fiber_create(struct snp_vcpu *v, void (*entry)(uint64_t),
				   uint64_t arg)
{
	struct snp_fiber *f = snp_calloc(1, sizeof(*f));
	bool fresh;

	if (f == NULL) {
		return NULL;
	}
	f->map_size = FIBER_STACK_SIZE + FIBER_GUARD_SIZE;
	/* A kept stack (machine_hosted.c) has its guard page already. */
	f->map = snp_map_kept(f->map_size, false, &fresh);
	if (f->map == NULL) {
		free(f);
		return NULL;
	}
	if (fresh && mprotect(f->map, FIBER_GUARD_SIZE, PROT_NONE) != 0) {
		munmap(f->map, f->map_size);
		free(f);
		return NULL;
	}
	f->ctx.stack_bottom = (uint8_t *)f->map + FIBER_GUARD_SIZE;
	f->ctx.stack_size = FIBER_STACK_SIZE;
	frame_init(f);
	f->vcpu = v;
	f->entry = entry;
	f->arg = arg;
	return f;
}

/** Free a fiber that is not running (never resumed again). */
void snp_fiber_free(struct snp_fiber *f)
{
	if (f == NULL) {
		return;
	}
	if (f->active) {
		abort();
	}
	/* Unpoisoned there: frames left on it must not trip a later user. */
	snp_unmap(f->map, f->map_size, false);
	free(f);
}

/** Run `f` until it yields (see machine_internal.h). */
void snp_fiber_resume(struct snp_machine *m, struct snp_fiber *f)
{
	struct snp_exec_ctx back;
	struct snp_vcpu *prev = m->cur;

	if (f->dead || f->active) {
		return;
	}
	memset(&back, 0, sizeof(back));
	/* Only used while `f` runs: reset below, before `back` goes away. */
	// cppcheck-suppress autoVariables
	f->caller = &back;
	f->active = true;
	m->cur = f->vcpu;
	/* Its first run starts in snp_fiber_entry(). */
	f->started = true;
	switch_begin(&back, &f->ctx);
	snp_ctx_switch(&back.sp, f->ctx.sp);
	switch_end(&back, NULL);
	f->caller = NULL;
	m->cur = prev;
}

/** Hand control back to the caller (see machine_internal.h). */
void snp_fiber_yield(struct snp_machine *m, struct snp_fiber *f,
		     enum snp_fiber_exit why, unsigned vmpl)
{
	f->exit = why;
	f->exit_vmpl = vmpl;
	f->active = false;
	switch_begin(&f->ctx, f->caller);
	snp_ctx_switch(&f->ctx.sp, f->caller->sp);
	switch_end(&f->ctx, f->caller);
	(void)m;
}

/** Hand control back for good (see machine_internal.h). */
_Noreturn void snp_fiber_abandon(struct snp_machine *m, struct snp_fiber *f)
{
	f->exit = SNP_FIBER_TERMINATED;
	f->dead = true;
	f->active = false;
	(void)m;
	fiber_leave(f);
}

/** Start `v`'s VMPL0 fiber from the VMSA at `vmsa_gpa` (RIP, RDI). */
bool snp_vcpu_start_fiber(struct snp_machine *m, struct snp_vcpu *v,
			  uint64_t vmsa_gpa)
{
	uint64_t rip = snp_vmsa_read64(m, vmsa_gpa, VMSA_OFF_RIP);
	uint64_t rdi = snp_vmsa_read64(m, vmsa_gpa, VMSA_OFF_RDI);
	void (*entry)(uint64_t);
	struct snp_fiber *f;

	/* The VMSA's RIP holds a host function pointer in this machine. */
	memcpy(&entry, &rip, sizeof(entry));
	f = snp_fiber_create(v, entry, rdi);
	if (f == NULL) {
		return false;
	}
	snp_fiber_free(v->fiber);
	v->fiber = f;
	return true;
}
