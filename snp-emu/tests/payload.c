/* SPDX-License-Identifier: MIT */
/*
 * The test payload's checks. VMPL0 (the BSP's launch context) checks the
 * GHCB MSR protocol, PVALIDATE and RMPADJUST codes and flags, #VC for
 * CPUID, IOIO, MSR, VMMCALL, MMIO and unvalidated pages, page state
 * changes (MSR and GHCB protocols, PSMASH), AP creation, then builds a
 * VMPL2 context and runs it with RUN_VMPL; VMPL2 checks its own #VC, that
 * PVALIDATE raises #GP there and RMPADJUST's VMPL rule, and comes back
 * with RUN_VMPL(0). Every check prints `ok` or `FAIL`; the run ends through
 * isa-debug-exit with 0x10 only if none failed. The scenario (mode page)
 * selects one of the deliberate faults instead.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/ghcb.h"
#include "abi/snp_guest_msg.h"
#include "abi/snp_rmp.h"
#include "abi/vmsa.h"
#include "svsm/igvm_params.h"

#include "payload.h"

#define MSR_GHCB 0xC0010130U
#define MSR_SEV_STATUS 0xC0010131U
#define MSR_GS_BASE 0xC0000101U

struct frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

struct tss {
	uint32_t rsvd0;
	uint64_t rsp[3];
	uint64_t rsvd1;
	uint64_t ist[7];
	uint64_t rsvd2;
	uint16_t rsvd3, iomap;
} __attribute__((packed));

/* Per context (VMPL0, VMPL2): GS points here. */
struct ctx {
	struct ctx *self;
	unsigned vmpl;
	struct ghcb *ghcb;
	unsigned fails, checks;
	unsigned vc_count;
	uint64_t last_vc, last_vector;
	unsigned skip; /* bytes to skip for the expected fault */
	bool msr_gp;
};

/* Results VMPL2 leaves for VMPL0 (a page both can write). */
struct shared {
	volatile uint32_t guest_done, guest_fails, guest_checks, round_trips;
};

struct idt_gate {
	uint16_t lo, sel;
	uint8_t ist, type;
	uint16_t mid;
	uint32_t hi, rsvd;
} __attribute__((packed));

void pl_main(void);
void pl_ap_main(void);
void pl_guest_main(void);
void pl_exception(struct frame *f);
void pl_ap_entry(void);
void pl_guest_entry(void);
void pl_stress_ap_main(void);
void pl_stress_guest_main(void);
void pl_stress_ap_entry(void);
void pl_stress_guest_entry(void);
void pl_kick_ap_main(void);
void pl_kick_guest_main(void);
void pl_kick_ap_entry(void);
void pl_kick_guest_entry(void);

extern const uint64_t pl_vec_table[];
extern uint64_t pl_gdt[];
extern const uint8_t pl_gdt_desc[];
extern uint64_t pl_pml4[];
extern uint8_t __image_start[], __image_end[];
extern uint64_t pl_params;
extern const char pl_mode_value[];
/* snp-emu's VMRUN and page tables (emu1 only: linked in, else 0). */
extern const char pl_emu_vmrun[], pl_emu_cr3[];

static struct ctx ctx0, ctx2;
static struct idt_gate idt[32] __attribute__((aligned(16)));
static struct tss tss0, tss2;
static uint8_t ist0[8192] __attribute__((aligned(16)));
static uint8_t ist2[8192] __attribute__((aligned(16)));
static uint8_t guest_stack[16384] __attribute__((aligned(16)));
static uint8_t ap_stack[8192] __attribute__((aligned(16)));
static uint8_t guest_vmsa[4096] __attribute__((aligned(4096)));
static uint8_t ap_vmsa[4096] __attribute__((aligned(4096)));
static uint8_t psc_page[4096] __attribute__((aligned(4096)));
static uint8_t unvalidated[4096] __attribute__((aligned(4096)));
/* VMPL0-only: VMPL2 is never granted this page. */
static volatile uint64_t vmpl0_secret[512] __attribute__((aligned(4096)));
static volatile uint32_t ap_alive;
static uint32_t mode;
/* smp-stress: vCPU 1's VMPL2 context and what its two contexts count. */
static uint8_t stress_vmsa[4096] __attribute__((aligned(4096)));
static uint8_t stress_stack[8192] __attribute__((aligned(16)));
static volatile uint32_t stress_runs;
/*
 * smp-stress, first cycle: vCPU 1's VMPL0 writes half a line (step 1 -> 2),
 * the BSP a whole check line (2 -> 3), vCPU 1 the rest (3 -> 4). snp-emu
 * sends each vCPU's line whole, so the halves arrive joined.
 */
static volatile uint32_t con_step;
/* kick: where vCPU 1 is (KICK_*) and what its RUN_VMPL(2) answered. */
static volatile uint32_t kick_state;
static volatile uint64_t kick_answer;
#define KICK_AT_VMPL2 1
#define KICK_BACK_AT_VMPL0 2

static inline struct ctx *self(void)
{
	struct ctx *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	/* A #VC handler may run: it writes memory. */
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

static inline void vmgexit(void)
{
	__asm__ volatile("rep; vmmcall" : : : "memory");
}

static uint64_t msr_proto(uint64_t req)
{
	wrmsr(MSR_GHCB, req);
	vmgexit();
	return rdmsr(MSR_GHCB);
}

static void *memset(void *d, int c, size_t n)
{
	uint8_t *p = d;

	while (n-- > 0) {
		*p++ = (uint8_t)c;
	}
	return d;
}

/* A GHCB page call with the named registers valid; returns INFO1. */
static uint64_t ghcb_call(struct ghcb *g, uint64_t code, uint64_t info1,
			  uint64_t info2)
{
	g->sw_exit_code = code;
	g->sw_exit_info_1 = info1;
	g->sw_exit_info_2 = info2;
	g->protocol_version = 2;
	g->ghcb_usage = 0;
	g->valid_bitmap[GHCB_VALID_BYTE(0x390)] |=
		(uint8_t)(1U << GHCB_VALID_BIT(0x390));
	g->valid_bitmap[GHCB_VALID_BYTE(0x398)] |=
		(uint8_t)(1U << GHCB_VALID_BIT(0x398));
	g->valid_bitmap[GHCB_VALID_BYTE(0x3A0)] |=
		(uint8_t)(1U << GHCB_VALID_BIT(0x3A0));
	wrmsr(MSR_GHCB, (uint64_t)(uintptr_t)g);
	vmgexit();
	return g->sw_exit_info_1;
}

static void ghcb_set(struct ghcb *g, unsigned off, uint64_t v)
{
	*(uint64_t *)(void *)((uint8_t *)g + off) = v;
	g->valid_bitmap[GHCB_VALID_BYTE(off)] |=
		(uint8_t)(1U << GHCB_VALID_BIT(off));
}

static void ghcb_clear(struct ghcb *g)
{
	memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
}

static void port_out(uint16_t port, uint8_t v)
{
	struct ghcb *g = self()->ghcb;

	ghcb_clear(g);
	ghcb_set(g, 0x1F8, v);
	ghcb_call(g, SVM_VMGEXIT_IOIO, ((uint64_t)port << 16) | 0x10, 0);
}

static void puts_(const char *s)
{
	while (*s != '\0') {
		port_out(0x3F8, (uint8_t)*s++);
	}
}

static void puthex(uint64_t v)
{
	char b[19];
	int i;

	b[0] = '0';
	b[1] = 'x';
	for (i = 0; i < 16; i++) {
		b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xF];
	}
	b[18] = '\0';
	puts_(b);
}

static void check(bool ok, const char *name, uint64_t got)
{
	struct ctx *c = self();

	c->checks++;
	puts_(c->vmpl == 0 ? "payload: VMPL0 " : "payload: VMPL2 ");
	puts_(ok ? "ok   " : "FAIL ");
	puts_(name);
	if (!ok) {
		c->fails++;
		puts_(" got ");
		puthex(got);
	}
	puts_("\n");
}

/* payload_entry.S: the instructions, with their EAX result (and CF). */
uint32_t pl_pvalidate(uint64_t va, uint64_t size, uint64_t validate,
		      uint8_t *cf);
uint32_t pl_rmpadjust(uint64_t va, uint64_t size, uint64_t attrs);

static uint32_t pvalidate(uint64_t va, unsigned size, unsigned validate,
			  bool *cf)
{
	uint8_t c = 0;
	uint32_t rc = pl_pvalidate(va, size, validate, &c);

	*cf = c != 0;
	return rc;
}

static uint32_t rmpadjust(uint64_t va, unsigned size, uint64_t attrs)
{
	return pl_rmpadjust(va, size, attrs);
}

static void term(unsigned set, unsigned code)
{
	msr_proto(GHCB_MSR_TERM(set, code));
	for (;;) {
		__asm__ volatile("hlt");
	}
}

/* #VC: serve CPUID, port I/O and MSRs through the GHCB, as an SVSM does. */
static void handle_vc(struct ctx *c, struct frame *f)
{
	struct ghcb *g = c->ghcb;
	const uint8_t *ip = (const uint8_t *)f->rip;

	c->vc_count++;
	c->last_vc = f->error;
	switch (f->error) {
	case 0x72:
		ghcb_clear(g);
		ghcb_set(g, 0x1F8, f->rax);
		ghcb_set(g, 0x308, f->rcx);
		if (ghcb_call(g, SVM_VMGEXIT_CPUID, 0, 0) != 0) {
			term(1, 4);
		}
		f->rax = g->rax;
		f->rbx = g->rbx;
		f->rcx = g->rcx;
		f->rdx = g->rdx;
		f->rip += 2;
		return;
	case 0x7B: {
		/* in al, dx (EC) or out dx, al (EE) only. */
		bool in = ip[0] == 0xEC;

		ghcb_clear(g);
		ghcb_set(g, 0x1F8, f->rax & 0xFF);
		if (ghcb_call(g, SVM_VMGEXIT_IOIO,
			      ((f->rdx & 0xFFFF) << 16) | 0x10 | (in ? 1 : 0),
			      0) != 0) {
			term(1, 5);
		}
		if (in) {
			f->rax = (f->rax & ~0xFFULL) | (g->rax & 0xFF);
		}
		f->rip += 1;
		return;
	}
	case 0x7C:
		ghcb_clear(g);
		ghcb_set(g, 0x308, f->rcx);
		if (ip[1] == 0x30) {
			ghcb_set(g, 0x1F8, f->rax);
			ghcb_set(g, 0x310, f->rdx);
		}
		c->msr_gp = ghcb_call(g, SVM_VMGEXIT_MSR, ip[1] == 0x30, 0) ==
			    GHCB_RESULT_EXCEPTION;
		if (!c->msr_gp && ip[1] == 0x32) {
			f->rax = g->rax;
			f->rdx = g->rdx;
		}
		f->rip += 2;
		return;
	default:
		f->rip += c->skip;
		return;
	}
}

/** Exceptions of either context. */
void pl_exception(struct frame *f)
{
	struct ctx *c = self();

	c->last_vector = f->vector;
	if (f->vector == 29) {
		handle_vc(c, f);
		return;
	}
	if (f->vector == 13 && c->skip != 0) {
		f->rip += c->skip;
		return;
	}
	if (c->ghcb != NULL) {
		puts_("payload: unexpected exception ");
		puthex(f->vector);
		puts_(" at ");
		puthex(f->rip);
		puts_("\n");
	}
	term(1, 0xEE);
}

static void tss_desc(unsigned sel, struct tss *t)
{
	uint64_t base = (uint64_t)(uintptr_t)t;

	pl_gdt[sel / 8] = (sizeof(*t) - 1) | ((base & 0xFFFFFF) << 16) |
			  (0x89ULL << 40) | (((base >> 24) & 0xFF) << 56);
	pl_gdt[sel / 8 + 1] = base >> 32;
}

static void idt_setup(void)
{
	unsigned i;

	for (i = 0; pl_vec_table[i] != (uint64_t)-1; i += 2) {
		uint64_t v = pl_vec_table[i], a = pl_vec_table[i + 1];

		idt[v].lo = (uint16_t)a;
		idt[v].sel = PL_CS64;
		idt[v].ist = v == 29 ? 1 : 0;
		idt[v].type = 0x8E;
		idt[v].mid = (uint16_t)(a >> 16);
		idt[v].hi = (uint32_t)(a >> 32);
	}
}

static void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) d = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(d));
}

static void vmsa_put(uint8_t *v, unsigned off, uint64_t val, unsigned len)
{
	unsigned i;

	for (i = 0; i < len; i++) {
		v[off + i] = (uint8_t)(val >> (8 * i));
	}
}

static void vmsa_seg(uint8_t *v, unsigned off, uint16_t sel, uint16_t attr,
		     uint32_t limit, uint64_t base)
{
	vmsa_put(v, off, sel, 2);
	vmsa_put(v, off + 2, attr, 2);
	vmsa_put(v, off + 4, limit, 4);
	vmsa_put(v, off + 8, base, 8);
}

/* A 64-bit VMSA on the payload's page tables. */
static void vmsa_build(uint8_t *v, unsigned vmpl, void (*rip)(void),
		       uint64_t rsp, unsigned tr, struct tss *t)
{
	unsigned s;

	memset(v, 0, 4096);
	for (s = 0; s < 6; s++) {
		vmsa_seg(v, s * 16, PL_DS, 0xC93, 0xFFFFFFFF, 0);
	}
	vmsa_seg(v, 0x10, PL_CS64, 0xA9B, 0xFFFFFFFF, 0);
	vmsa_seg(v, 0x60, 0, 0, 0x3F, (uint64_t)(uintptr_t)pl_gdt);
	vmsa_seg(v, 0x80, 0, 0, sizeof(idt) - 1, (uint64_t)(uintptr_t)idt);
	vmsa_seg(v, 0x90, (uint16_t)tr, 0x8B, sizeof(*t) - 1,
		 (uint64_t)(uintptr_t)t);
	v[VMSA_OFF_VMPL] = (uint8_t)vmpl;
	vmsa_put(v, VMSA_OFF_EFER, EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME,
		 8);
	vmsa_put(v, VMSA_OFF_CR4, 0x20, 8);
	vmsa_put(v, VMSA_OFF_CR3, (uint64_t)(uintptr_t)pl_pml4, 8);
	vmsa_put(v, VMSA_OFF_CR0, 0x80000031, 8);
	vmsa_put(v, 0x160, 0x400, 8);
	vmsa_put(v, 0x168, 0xFFFF0FF0, 8);
	vmsa_put(v, VMSA_OFF_RFLAGS, 2, 8);
	vmsa_put(v, VMSA_OFF_RIP, (uint64_t)(uintptr_t)rip, 8);
	vmsa_put(v, VMSA_OFF_RSP, rsp, 8);
	vmsa_put(v, 0x268, 0x0007040600070406ULL, 8);
	vmsa_put(v, VMSA_OFF_XCR0, 1, 8);
	vmsa_put(v, VMSA_OFF_SEV_FEATURES, 1, 8);
}

static uint64_t ap_create(uint32_t apic, unsigned vmpl, uint64_t req,
			  uint8_t *vmsa)
{
	struct ghcb *g = ctx0.ghcb;

	ghcb_clear(g);
	ghcb_set(g, 0x1F8, 1); /* SEV_FEATURES: SNPActive */
	ghcb_call(g, SVM_VMGEXIT_AP_CREATION,
		  SVM_VMGEXIT_AP_EXITINFO1(apic, vmpl, req),
		  (uint64_t)(uintptr_t)vmsa);
	return g->sw_exit_info_1 | (g->sw_exit_info_2 << 8);
}

static void checks_msr_protocol(void)
{
	uint64_t r = msr_proto(GHCB_MSR_SEV_INFO_REQ);
	uint64_t ft = msr_proto(GHCB_MSR_HV_FT_REQ);
	uint64_t st = rdmsr(MSR_SEV_STATUS);
	uint64_t reg = msr_proto(GHCB_MSR_REG_GPA(PL_GHCB0 >> 12));

	/* The console needs the GHCB: check the answers once it works. */
	if (reg != ((PL_GHCB0 >> 12) << 12 | GHCB_MSR_REG_GPA_RESP)) {
		term(1, 0);
	}
	ctx0.ghcb = (struct ghcb *)PL_GHCB0;
	check((r & 0xFFF) == GHCB_MSR_SEV_INFO_RESP &&
		      ((r >> 24) & 0xFF) == 51 && (r >> 48) == 2 &&
		      ((r >> 32) & 0xFFFF) == 1,
	      "GHCB MSR: SEV information (C-bit 51, protocol 1..2)", r);
	check((ft & 0xFFF) == GHCB_MSR_HV_FT_RESP &&
		      ((ft >> 12) & 0x23) == 0x23,
	      "GHCB MSR: hypervisor features SNP, AP creation, multi-VMPL", ft);
	check(st == 7, "SEV_STATUS reads SEV | SEV-ES | SNP", st);
	check(true, "GHCB MSR: GHCB registration echoes the GFN", reg);
}

static void checks_rmp(bool fault_psc)
{
	uint64_t page = (uint64_t)(uintptr_t)psc_page;
	bool cf;
	uint32_t rc;
	uint64_t r;

	rc = pvalidate(page, 0, 1, &cf);
	check(rc == 0 && cf, "PVALIDATE of a validated page: 0, CF=1", rc);
	rc = pvalidate(page, 0, 0, &cf);
	check(rc == 0 && !cf, "PVALIDATE rescind: 0, CF=0", rc);
	rc = pvalidate(page, 0, 0, &cf);
	check(rc == 0 && cf, "PVALIDATE rescind again: 0, CF=1", rc);
	rc = pvalidate(page, 0, 1, &cf);
	check(rc == 0 && !cf, "PVALIDATE validate: 0, CF=0", rc);
	rc = pvalidate(PL_BASE, 1, 1, &cf);
	check(rc == PVALIDATE_FAIL_SIZEMISMATCH,
	      "PVALIDATE 2 MiB over 4 KiB entries: FAIL_SIZEMISMATCH", rc);
	rc = pvalidate(page, 2, 1, &cf);
	check(rc == PVALIDATE_FAIL_INPUT, "PVALIDATE bad size: FAIL_INPUT", rc);
	rc = pvalidate(PL_UNTOUCHED, 0, 1, &cf);
	check(rc == 0 && !cf,
	      "PVALIDATE of a page the launch left alone (private, as under "
	      "KVM): 0, CF=0",
	      rc);
	r = msr_proto(GHCB_MSR_PSC(PL_GHCB2 >> 12, GHCB_MSR_PSC_OP_SHARED));
	if (!fault_psc) {
		check(GHCB_MSR_PSC_RESP_ERROR(r) == 0,
		      "GHCB MSR PSC makes VMPL2's GHCB page shared", r);
		rc = pvalidate(PL_GHCB2, 0, 1, &cf);
		check(rc == PVALIDATE_FAIL_INPUT,
		      "PVALIDATE of a shared page: FAIL_INPUT", rc);
	}
	rc = rmpadjust(page, 0, 0 | RMPADJUST_READ);
	check(rc == RMPADJUST_FAIL_PERMISSION,
	      "RMPADJUST for VMPL0 at VMPL0: FAIL_PERMISSION", rc);
	rc = rmpadjust(page, 0, 2 | RMPADJUST_READ | (1ULL << 20));
	check(rc == RMPADJUST_FAIL_INPUT,
	      "RMPADJUST reserved attribute bits: FAIL_INPUT", rc);
	rc = rmpadjust(page, 0, 3 | RMPADJUST_READ);
	check(rc == 0, "RMPADJUST read for VMPL3: 0", rc);
	if (!fault_psc) {
		rc = rmpadjust(PL_GHCB2, 0, 2 | RMPADJUST_READ);
		check(rc == RMPADJUST_FAIL_INPUT,
		      "RMPADJUST of a shared page: FAIL_INPUT", rc);
	}
}

static void checks_vc(void)
{
	uint32_t a = 0x8000001F, b, c = 0, d;
	uint8_t lsr;
	volatile uint32_t *mmio = (volatile uint32_t *)0xFEE00030ULL;
	volatile uint64_t *unval = (volatile uint64_t *)unvalidated;
	uint64_t v;
	bool cf;
	struct ctx *x = self();

	__asm__ volatile("cpuid"
			 : "+a"(a), "=b"(b), "+c"(c), "=d"(d)
			 :
			 : "memory");
	check(x->last_vc == 0x72 && (b & 0x3F) == 51 && (a & 0x10) != 0,
	      "CPUID raises #VC 0x72; leaf 0x8000001F: SNP, C-bit 51",
	      x->last_vc);
	__asm__ volatile("inb %%dx, %%al" : "=a"(lsr) : "d"(0x3FD) : "memory");
	check(x->last_vc == 0x7B && (lsr & 0x20) != 0,
	      "IN raises #VC 0x7B; COM1 LSR through the GHCB", x->last_vc);
	x->msr_gp = false;
	(void)rdmsr(0x1B);
	check(x->last_vc == 0x7C && x->msr_gp,
	      "RDMSR raises #VC 0x7C; the hypervisor answers #GP", x->last_vc);
	v = rdmsr(MSR_SEV_STATUS);
	check(v == 7, "SEV_STATUS is read without #VC", v);
	x->skip = 3;
	__asm__ volatile("vmmcall" : : : "memory");
	check(x->last_vc == 0x81, "VMMCALL raises #VC 0x81", x->last_vc);
	x->skip = 2;
	__asm__ volatile("mov (%0), %%eax" : : "r"(mmio) : "rax", "memory");
	check(x->last_vc == 0x400, "MMIO raises #VC 0x400", x->last_vc);
	check(pvalidate((uint64_t)(uintptr_t)unvalidated, 0, 0, &cf) == 0,
	      "PVALIDATE rescind before the #VC 0x404 check", 0);
	x->skip = 3;
	__asm__ volatile("mov (%0), %%rax" : : "r"(unval) : "rax", "memory");
	check(x->last_vc == 0x404,
	      "a private page that is not validated raises #VC 0x404",
	      x->last_vc);
	x->skip = 0;
	check(pvalidate((uint64_t)(uintptr_t)unvalidated, 0, 1, &cf) == 0,
	      "PVALIDATE validates it again", 0);
	/* First touches of pages the launch left alone, as under KVM. */
	x->last_vc = 0;
	x->skip = 3;
	__asm__ volatile("mov (%0), %%rax"
			 :
			 : "r"((volatile uint64_t *)PL_FIRST_PRIVATE)
			 : "rax", "memory");
	check(x->last_vc == 0x404,
	      "a private first touch makes the page private: #VC 0x404",
	      x->last_vc);
	x->last_vc = 0;
	v = *(volatile uint64_t *)PL_FIRST_SHARED;
	check(x->last_vc == 0 && v == 0,
	      "a shared first touch (no C-bit) makes the page shared",
	      x->last_vc);
	x->skip = 0;
	check(pvalidate(PL_FIRST_SHARED, 0, 1, &cf) == PVALIDATE_FAIL_INPUT,
	      "PVALIDATE of that page: FAIL_INPUT", 0);
}

static uint64_t psc_ghcb(uint64_t entry)
{
	struct ghcb *g = ctx0.ghcb;
	struct psc_desc *d = (struct psc_desc *)(void *)g->shared_buffer;

	ghcb_clear(g);
	d->hdr.cur_entry = 0;
	d->hdr.end_entry = 0;
	d->entries[0] = entry;
	ghcb_set(g, 0x3A8, (uint64_t)(uintptr_t)g->shared_buffer);
	if (ghcb_call(g, SVM_VMGEXIT_PSC, 0, 0) != 0) {
		return ~0ULL;
	}
	return g->sw_exit_info_2;
}

static void checks_psc(bool fail)
{
	uint64_t gfn = (uint64_t)(uintptr_t)psc_page >> 12, r;
	bool cf;

	check(pvalidate(gfn << 12, 0, 0, &cf) == 0, "PSC: rescind first", 0);
	r = msr_proto(GHCB_MSR_PSC(gfn, GHCB_MSR_PSC_OP_SHARED));
	check((r & 0xFFF) == GHCB_MSR_PSC_RESP &&
		      (GHCB_MSR_PSC_RESP_ERROR(r) != 0) == fail,
	      fail ? "GHCB MSR PSC to shared fails (fault=psc)" :
		     "GHCB MSR PSC to shared",
	      r);
	r = psc_ghcb(PSC_ENTRY(gfn, PSC_OP_PRIVATE, false));
	check((r != 0) == fail,
	      fail ? "GHCB PSC to private fails (fault=psc)" :
		     "GHCB PSC to private",
	      r);
	check(pvalidate(gfn << 12, 0, 1, &cf) == 0 && !cf,
	      "PSC: validate again", 0);
	r = psc_ghcb(PSC_ENTRY(PL_BASE >> 12, PSC_OP_PSMASH, true));
	check(r != 0, "GHCB PSC PSMASH of 4 KiB entries is refused", r);
}

static void checks_ap(bool fail)
{
	const struct svsm_igvm_params *p =
		(const struct svsm_igvm_params *)(uintptr_t)pl_params;
	unsigned n = *(volatile uint32_t *)(uintptr_t)p->general_gpa;
	uint64_t r;
	unsigned i;

	check(n >= 1, "the vCPU count parameter", n);
	if (n < 2) {
		return;
	}
	vmsa_build(ap_vmsa, 0, pl_ap_entry,
		   (uint64_t)(uintptr_t)(ap_stack + sizeof(ap_stack)), 0,
		   &tss0);
	check(rmpadjust((uint64_t)(uintptr_t)ap_vmsa, 0, RMPADJUST_VMSA | 1) ==
		      0,
	      "RMPADJUST makes the AP's VMSA page", 0);
	r = ap_create(1, 0, SVM_VMGEXIT_AP_CREATE, ap_vmsa);
	if (fail) {
		check(r == (GHCB_RESULT_ERROR | (GHCB_ERR_INVALID_INPUT << 8)),
		      "AP creation refused (fault=ap)", r);
		return;
	}
	check(r == 0, "AP creation of vCPU 1", r);
	for (i = 0; i < 200000000U && ap_alive != 0xA5; i++) {
		__asm__ volatile("pause");
	}
	check(ap_alive == 0xA5, "vCPU 1 runs on its own L1 CPU", ap_alive);
}

/*
 * A guest request whose header is well formed but whose tag is not: the
 * PSP firmware (started at this first request) refuses it after AES-GCM
 * with INVALID_PARAM (0x16); the injected faults answer for the
 * hypervisor instead.
 */
static void checks_greq(uint32_t m)
{
	struct snp_guest_msg_hdr *h = (struct snp_guest_msg_hdr *)PL_GREQ_REQ;
	struct ghcb *g = ctx0.ghcb;
	uint64_t want = 0x16;
	const char *name =
		"guest request with a bad tag: firmware INVALID_PARAM";

	memset(h, 0, 4096);
	h->msg_seqno = 1;
	h->algo = SNP_MSG_AEAD_AES_256_GCM;
	h->hdr_version = SNP_MSG_HDR_VERSION;
	h->hdr_sz = SNP_MSG_HDR_SIZE;
	h->msg_type = SNP_MSG_REPORT_REQ;
	h->msg_version = SNP_MSG_VERSION;
	h->msg_sz = 0x60;
	if (m == MODE_FAULT_GREQ) {
		want = 1ULL << 32;
		name = "guest request: the hypervisor answers INVALID_LEN "
		       "(fault=greq)";
	} else if (m == MODE_FAULT_GREQ_BUSY) {
		want = 2ULL << 32;
		name = "guest request: the hypervisor answers BUSY "
		       "(fault=greq-busy)";
	}
	ghcb_clear(g);
	check(ghcb_call(g, SVM_VMGEXIT_GUEST_REQUEST, PL_GREQ_REQ,
			PL_GREQ_RESP) == 0 &&
		      g->sw_exit_info_2 == want,
	      name, g->sw_exit_info_2);
	ghcb_clear(g);
	check(ghcb_call(g, SVM_VMGEXIT_GUEST_REQUEST,
			(uint64_t)(uintptr_t)psc_page,
			PL_GREQ_RESP) == GHCB_RESULT_ERROR &&
		      g->sw_exit_info_2 == GHCB_ERR_INVALID_INPUT,
	      "guest request from a private page: INVALID_INPUT",
	      g->sw_exit_info_2);
}

/** vCPU 1's VMPL0. */
void pl_ap_main(void)
{
	__atomic_store_n(&ap_alive, 0xA5, __ATOMIC_SEQ_CST);
}

/* Grant VMPL2 the image, except the VMPL0-only page and the VMSAs. */
static bool grant_guest(void)
{
	uint64_t a;

	for (a = (uint64_t)(uintptr_t)__image_start;
	     a < (uint64_t)(uintptr_t)__image_end; a += 4096) {
		if (a == (uint64_t)(uintptr_t)vmpl0_secret ||
		    a == (uint64_t)(uintptr_t)guest_vmsa ||
		    a == (uint64_t)(uintptr_t)ap_vmsa ||
		    a == (uint64_t)(uintptr_t)stress_vmsa) {
			continue;
		}
		if (rmpadjust(a, 0, 2 | RMPADJUST_RWX) != 0) {
			return false;
		}
	}
	return true;
}

static uint64_t run_vmpl2(void)
{
	return msr_proto(GHCB_MSR_VMPL_REQ_LEVEL(2));
}

static void checks_vmpl2(void)
{
	struct shared *sh = (struct shared *)PL_SHARED;
	uint64_t r, exit;
	unsigned n = 0;

	vmpl0_secret[0] = 0x5ec2e7;
	check(grant_guest(), "RMPADJUST grants VMPL2 its pages", 0);
	vmsa_build(guest_vmsa, 2, pl_guest_entry,
		   (uint64_t)(uintptr_t)(guest_stack + sizeof(guest_stack)),
		   PL_TSS2, &tss2);
	check(rmpadjust((uint64_t)(uintptr_t)guest_vmsa, 0,
			RMPADJUST_VMSA | 2) == 0,
	      "RMPADJUST makes the VMPL2 VMSA page", 0);
	r = ap_create(0, 2, SVM_VMGEXIT_AP_CREATE_ON_INIT, guest_vmsa);
	check(r == 0, "AP creation registers vCPU 0's VMPL2 VMSA", r);
	do {
		r = run_vmpl2();
		n++;
	} while (r == GHCB_MSR_VMPL_RESP && sh->guest_done == 0 && n < 100000);
	check(r == GHCB_MSR_VMPL_RESP, "RUN_VMPL(2) and back", r);
	exit = *(volatile uint64_t *)(guest_vmsa + VMSA_OFF_GUEST_EXIT_CODE);
	check(exit == SVM_EXIT_VMGEXIT, "the VMPL2 VMSA says VMGEXIT", exit);
	check(sh->guest_done == 1 && sh->guest_fails == 0 &&
		      sh->guest_checks >= 5,
	      "VMPL2's checks passed", sh->guest_fails);
	if (mode == MODE_BENCH) {
		puts_("payload: VMPL round trips ");
		puthex(sh->round_trips);
		puts_("\n");
	}
}

/*
 * smp-stress: vCPU 1's VMPL0 and VMPL2 hand the vCPU to each other through
 * RUN_VMPL as fast as they can (two VMGEXITs and two VMSA switches per
 * round) while the BSP creates and destroys them, again and again, and
 * makes VMGEXITs of its own meanwhile: VMRUN and #VMEXIT on both L1 CPUs
 * at once, around AP creation and destruction (EMU-1 showed there).
 */
#define STRESS_CYCLES 64
#define STRESS_WAIT 200000U

/** vCPU 1's VMPL0 (smp-stress). */
void pl_stress_ap_main(void)
{
	static struct ctx ctx_ap; /* a console for this one line */
	unsigned i;

	if (con_step == 1) {
		/* VMPL0's GHCB: the BSP waits without VMGEXITs meanwhile. */
		ctx_ap.self = &ctx_ap;
		ctx_ap.ghcb = (struct ghcb *)PL_GHCB0;
		wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&ctx_ap);
		(void)msr_proto(GHCB_MSR_REG_GPA(PL_GHCB0 >> 12));
		puts_("payload: vCPU 1 wrote half a line, ");
		con_step = 2;
		for (i = 0; i < STRESS_WAIT && con_step != 3; i++) {
			__asm__ volatile("pause");
		}
		puts_("then the rest\n");
		con_step = 4;
	}
	for (;;) {
		__atomic_add_fetch(&stress_runs, 1, __ATOMIC_SEQ_CST);
		msr_proto(GHCB_MSR_VMPL_REQ_LEVEL(2));
	}
}

/** vCPU 1's VMPL2 (smp-stress); RUN_VMPL(0) fails once VMPL0 is gone. */
void pl_stress_guest_main(void)
{
	for (;;) {
		__atomic_add_fetch(&stress_runs, 1, __ATOMIC_SEQ_CST);
		msr_proto(GHCB_MSR_VMPL_REQ_LEVEL(0));
	}
}

/* RMPADJUST that clears the VMSA bit: again while the VMSA is in use. */
static uint32_t vmsa_clear(uint8_t *vmsa, unsigned vmpl)
{
	uint32_t rc;
	unsigned i = 0;

	for (;;) {
		rc = rmpadjust((uint64_t)(uintptr_t)vmsa, 0, vmpl);
		if (rc != RMPADJUST_FAIL_INUSE || ++i >= STRESS_WAIT) {
			break;
		}
		__asm__ volatile("pause");
	}
	return rc;
}

/* One cycle; 0 or the first failure's step (1..) and code. */
static uint64_t stress_cycle(unsigned *refused)
{
	uint32_t start;
	uint64_t r;
	unsigned i;

	vmsa_build(stress_vmsa, 2, pl_stress_guest_entry,
		   (uint64_t)(uintptr_t)(stress_stack + sizeof(stress_stack)),
		   0, &tss0);
	if (rmpadjust((uint64_t)(uintptr_t)stress_vmsa, 0,
		      RMPADJUST_VMSA | 2) != 0) {
		return 1;
	}
	r = ap_create(1, 2, SVM_VMGEXIT_AP_CREATE_ON_INIT, stress_vmsa);
	if (r != 0) {
		return 2 | r << 8;
	}
	vmsa_build(ap_vmsa, 0, pl_stress_ap_entry,
		   (uint64_t)(uintptr_t)(ap_stack + sizeof(ap_stack)), 0,
		   &tss0);
	if (rmpadjust((uint64_t)(uintptr_t)ap_vmsa, 0, RMPADJUST_VMSA | 1) !=
	    0) {
		return 3;
	}
	start = stress_runs;
	r = ap_create(1, 0, SVM_VMGEXIT_AP_CREATE, ap_vmsa);
	if (r != 0) {
		return 4 | r << 8;
	}
	if (con_step == 1) {
		for (i = 0; i < STRESS_WAIT && con_step != 2; i++) {
			__asm__ volatile("pause");
		}
		check(con_step == 2, "a line between vCPU 1's halves",
		      con_step);
		con_step = 3;
		for (i = 0; i < STRESS_WAIT && con_step != 4; i++) {
			__asm__ volatile("pause");
		}
	}
	/*
	 * A few rounds, the BSP making VMGEXITs meanwhile. PAUSE lets
	 * single-threaded TCG run the other vCPU now rather than at its next
	 * time slice.
	 */
	for (i = 0; i < STRESS_WAIT && stress_runs - start < 6; i++) {
		(void)msr_proto(GHCB_MSR_SEV_INFO_REQ);
		__asm__ volatile("pause");
	}
	if (stress_runs - start < 6) {
		return 5;
	}
	/* VMPL0 destruction is refused while vCPU 1 runs VMPL0. */
	for (i = 0; i < STRESS_WAIT; i++) {
		r = ap_create(1, 0, SVM_VMGEXIT_AP_DESTROY, NULL);
		if (r == 0) {
			break;
		}
		(*refused)++;
		__asm__ volatile("pause");
	}
	if (r != 0) {
		return 6 | r << 8;
	}
	r = ap_create(1, 2, SVM_VMGEXIT_AP_DESTROY, NULL);
	if (r != 0) {
		return 7 | r << 8;
	}
	if (vmsa_clear(ap_vmsa, 1) != 0) {
		return 8;
	}
	return vmsa_clear(stress_vmsa, 2) != 0 ? 9 : 0;
}

static void checks_smp_stress(void)
{
	const struct svsm_igvm_params *p =
		(const struct svsm_igvm_params *)(uintptr_t)pl_params;
	unsigned n = *(volatile uint32_t *)(uintptr_t)p->general_gpa;
	unsigned cycle, refused = 0;
	uint64_t r = 0;

	check(n >= 2, "smp-stress needs two vCPUs", n);
	if (n < 2) {
		return;
	}
	check(grant_guest(), "RMPADJUST grants VMPL2 its pages", 0);
	con_step = 1;
	for (cycle = 0; cycle < STRESS_CYCLES && r == 0; cycle++) {
		r = stress_cycle(&refused);
	}
	check(r == 0,
	      "64 cycles: vCPU 1's VMPL0 and VMPL2 created, switching, "
	      "destroyed (got: step | GHCB result << 8)",
	      r);
	puts_("payload: smp-stress: ");
	puthex(cycle);
	puts_(" cycles, ");
	puthex(stress_runs);
	puts_(" context runs on vCPU 1, ");
	puthex(refused);
	puts_(" VMPL0 destructions refused while it ran\n");
}

/*
 * kick (RST-2 step 1): vCPU 1's VMPL2 spins without a single exit; the
 * BSP destroys that VMSA. The host must force the vCPU out (its kick),
 * and it must come back to VMPL0, whose RUN_VMPL(2) completes. Meanwhile
 * RMPADJUST may not take the VMSA bit off the running VMSA.
 */

/** vCPU 1's VMPL0 (kick): run VMPL2, say so when back, run it again. */
void pl_kick_ap_main(void)
{
	for (;;) {
		kick_answer = msr_proto(GHCB_MSR_VMPL_REQ_LEVEL(2));
		__atomic_store_n(&kick_state, KICK_BACK_AT_VMPL0,
				 __ATOMIC_SEQ_CST);
	}
}

/** vCPU 1's VMPL2 (kick): PAUSE is not intercepted, nothing exits. */
void pl_kick_guest_main(void)
{
	__atomic_store_n(&kick_state, KICK_AT_VMPL2, __ATOMIC_SEQ_CST);
	for (;;) {
		__asm__ volatile("pause" : : : "memory");
	}
}

/* Wait for `kick_state` to become `want`, making VMGEXITs meanwhile. */
static bool kick_wait(uint32_t want)
{
	unsigned i;

	for (i = 0; i < STRESS_WAIT && kick_state != want; i++) {
		(void)msr_proto(GHCB_MSR_SEV_INFO_REQ);
		__asm__ volatile("pause");
	}
	return kick_state == want;
}

/* Register a VMPL2 VMSA that spins for vCPU 1; true if it was accepted. */
static bool kick_guest_create(void)
{
	vmsa_build(stress_vmsa, 2, pl_kick_guest_entry,
		   (uint64_t)(uintptr_t)(stress_stack + sizeof(stress_stack)),
		   0, &tss0);
	return rmpadjust((uint64_t)(uintptr_t)stress_vmsa, 0,
			 RMPADJUST_VMSA | 2) == 0 &&
	       ap_create(1, 2, SVM_VMGEXIT_AP_CREATE_ON_INIT, stress_vmsa) == 0;
}

/* Destroy the spinning VMPL2 VMSA: vCPU 1 must come back to VMPL0. */
static void kick_once(const char *what)
{
	uint64_t r;
	uint32_t rc;

	check(kick_wait(KICK_AT_VMPL2), what, kick_state);
	rc = rmpadjust((uint64_t)(uintptr_t)stress_vmsa, 0, 2);
	check(rc == RMPADJUST_FAIL_INUSE,
	      "RMPADJUST clearing the VMSA bit of the VMSA vCPU 1 runs: "
	      "FAIL_INUSE",
	      rc);
	r = ap_create(1, 2, SVM_VMGEXIT_AP_DESTROY, NULL);
	check(r == 0, "AP destroy of the VMSA vCPU 1 runs at VMPL2", r);
	check(kick_wait(KICK_BACK_AT_VMPL0),
	      "vCPU 1 was forced out of VMPL2 and resumed VMPL0", kick_state);
	check(kick_answer == GHCB_MSR_VMPL_RESP,
	      "vCPU 1's RUN_VMPL(2) completed without an error", kick_answer);
	check(vmsa_clear(stress_vmsa, 2) == 0,
	      "RMPADJUST clears the VMSA bit once the VMSA stopped", 0);
}

static void checks_kick(void)
{
	const struct svsm_igvm_params *p =
		(const struct svsm_igvm_params *)(uintptr_t)pl_params;
	unsigned n = *(volatile uint32_t *)(uintptr_t)p->general_gpa;
	unsigned i;
	uint64_t r = 1;

	check(n >= 2, "kick needs two vCPUs", n);
	if (n < 2) {
		return;
	}
	check(grant_guest(), "RMPADJUST grants VMPL2 its pages", 0);
	check(kick_guest_create(), "vCPU 1's VMPL2 VMSA registered", 0);
	vmsa_build(ap_vmsa, 0, pl_kick_ap_entry,
		   (uint64_t)(uintptr_t)(ap_stack + sizeof(ap_stack)), 0,
		   &tss0);
	check(rmpadjust((uint64_t)(uintptr_t)ap_vmsa, 0, RMPADJUST_VMSA | 1) ==
			      0 &&
		      ap_create(1, 0, SVM_VMGEXIT_AP_CREATE, ap_vmsa) == 0,
	      "AP creation of vCPU 1, which runs its VMPL2", 0);
	kick_once("vCPU 1 spins at VMPL2 without exits");
	/*
	 * vCPU 1's VMPL0 asks for VMPL2 again and finds none: it parks,
	 * until AP creation of a VMPL2 VMSA wakes it.
	 */
	kick_state = 0;
	check(kick_guest_create(), "a new VMPL2 VMSA for the parked vCPU 1", 0);
	kick_once("AP creation woke vCPU 1 and it runs the new VMSA");
	/* VMPL0 parked in RUN_VMPL(2): not running, it can be destroyed. */
	for (i = 0; i < STRESS_WAIT && r != 0; i++) {
		r = ap_create(1, 0, SVM_VMGEXIT_AP_DESTROY, NULL);
		__asm__ volatile("pause");
	}
	check(r == 0, "vCPU 1 parked: AP destroy of its VMPL0", r);
	check(vmsa_clear(ap_vmsa, 1) == 0,
	      "RMPADJUST clears its VMSA bit (parked, not in use)", 0);
}

/*
 * emu1: EMU-1's signature on purpose, a triple fault whose RIP is
 * snp-emu's VMRUN instruction and whose CR3 is snp-emu's page tables (the
 * build links both addresses in from snp-emu.elf). The emulator must name
 * EMU-1 rather than report a guest triple fault. `mov %rax, %cr3` is
 * placed to end at that RIP; the next fetch walks page tables that are a
 * zeroed shared page here: #PF, and with an empty IDT, shutdown.
 */
static void emu1_signature(void)
{
	/* Read at run time: the compiler may not assume them non-zero. */
	static const char *const volatile linked[2] = { pl_emu_vmrun,
							pl_emu_cr3 };
	uint64_t rip = (uint64_t)(uintptr_t)linked[0];
	uint64_t cr3 = (uint64_t)(uintptr_t)linked[1];
	uint8_t *code = (uint8_t *)(uintptr_t)(rip - 3);
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) none = { 0, 0 };
	bool cf;

	if (rip < 4096 || cr3 == 0) {
		check(false, "emu1: snp-emu's addresses are linked in", rip);
		return;
	}
	/* The pages under the code: private on first touch, then valid. */
	if (pvalidate((rip - 3) & ~0xFFFULL, 0, 1, &cf) != 0 ||
	    pvalidate(rip & ~0xFFFULL, 0, 1, &cf) != 0) {
		check(false, "emu1: PVALIDATE of the code's page", rip);
		return;
	}
	code[0] = 0x0F; /* mov %rax, %cr3 */
	code[1] = 0x22;
	code[2] = 0xD8;
	puts_("payload: triple fault at snp-emu's VMRUN with its CR3\n");
	__asm__ volatile("lidt %0\n\tjmp *%1"
			 :
			 : "m"(none), "r"(code), "a"(cr3)
			 : "memory");
}

/** The VMPL2 context. */
void pl_guest_main(void)
{
	struct shared *sh = (struct shared *)PL_SHARED;
	uint64_t r, t0;
	uint32_t a = 0, b, c = 0, d;
	unsigned i;
	bool cf;

	ctx2.self = &ctx2;
	ctx2.vmpl = 2;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&ctx2);
	r = msr_proto(GHCB_MSR_REG_GPA(PL_GHCB2 >> 12));
	if (r != ((PL_GHCB2 >> 12) << 12 | GHCB_MSR_REG_GPA_RESP)) {
		term(1, 0);
	}
	ctx2.ghcb = (struct ghcb *)PL_GHCB2;
	puts_("payload: VMPL2 context running\n");
	check(rdmsr(MSR_SEV_STATUS) == 7, "SEV_STATUS at VMPL2", 0);
	__asm__ volatile("cpuid"
			 : "+a"(a), "=b"(b), "+c"(c), "=d"(d)
			 :
			 : "memory");
	check(ctx2.last_vc == 0x72 && b == 0x68747541,
	      "CPUID raises #VC 0x72 at VMPL2", ctx2.last_vc);
	ctx2.skip = 4;
	(void)pvalidate((uint64_t)(uintptr_t)guest_stack, 0, 1, &cf);
	check(ctx2.last_vector == 13, "PVALIDATE at VMPL2 raises #GP",
	      ctx2.last_vector);
	ctx2.skip = 0;
	r = rmpadjust((uint64_t)(uintptr_t)guest_stack, 0, 1 | RMPADJUST_READ);
	check(r == RMPADJUST_FAIL_PERMISSION,
	      "RMPADJUST at VMPL2 for VMPL1: FAIL_PERMISSION", r);
	r = rmpadjust((uint64_t)(uintptr_t)guest_stack, 0, 3 | RMPADJUST_READ);
	check(r == 0, "RMPADJUST at VMPL2 for VMPL3: 0", r);
	r = rmpadjust((uint64_t)(uintptr_t)guest_stack, 0,
		      3 | RMPADJUST_READ | RMPADJUST_WRITE | RMPADJUST_UEXEC |
			      RMPADJUST_SEXEC);
	check(r == 0, "RMPADJUST at VMPL2 within its own permissions", r);
	if (mode == MODE_TOUCH_VMPL0) {
		puts_("payload: VMPL2 reads a VMPL0-only page\n");
		r = vmpl0_secret[0];
		check(false, "the VMPL0-only page was readable", r);
	}
	if (mode == MODE_TOUCH_VMSA) {
		puts_("payload: VMPL2 reads its VMSA page\n");
		r = *(volatile uint64_t *)guest_vmsa;
		check(false, "the VMSA page was readable", r);
	}
	sh->guest_fails = ctx2.fails;
	sh->guest_checks = ctx2.checks;
	if (mode == MODE_BENCH) {
		__asm__ volatile("rdtsc" : "=a"(a), "=d"(d));
		t0 = ((uint64_t)d << 32) | a;
		for (i = 0; i < 2000; i++) {
			msr_proto(GHCB_MSR_VMPL_REQ_LEVEL(0));
		}
		__asm__ volatile("rdtsc" : "=a"(a), "=d"(d));
		sh->round_trips = i;
		puts_("payload: bench: 2000 VMPL round trips, TSC ticks ");
		puthex((((uint64_t)d << 32) | a) - t0);
		puts_("\n");
	}
	sh->guest_done = 1;
	for (;;) {
		msr_proto(GHCB_MSR_VMPL_REQ_LEVEL(0));
	}
}

/** The BSP's VMPL0 after entry. */
void pl_main(void)
{
	uint32_t m = (uint32_t)(uintptr_t)pl_mode_value;
	const struct svsm_igvm_params *p =
		(const struct svsm_igvm_params *)(uintptr_t)pl_params;
	bool fault_psc = m == MODE_FAULT_PSC, fault_ap = m == MODE_FAULT_AP;

	mode = m;
	ctx0.self = &ctx0;
	ctx0.vmpl = 0;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&ctx0);
	tss0.ist[0] = (uint64_t)(uintptr_t)(ist0 + sizeof(ist0));
	tss2.ist[0] = (uint64_t)(uintptr_t)(ist2 + sizeof(ist2));
	tss_desc(PL_TSS0, &tss0);
	tss_desc(PL_TSS2, &tss2);
	__asm__ volatile("ltr %w0" : : "r"(PL_TSS0));
	idt_setup();
	idt_load();
	checks_msr_protocol();
	check(p->magic == SVSM_IGVM_PARAMS_MAGIC &&
		      p->version == SVSM_IGVM_PARAMS_VERSION,
	      "RSI names the IGVM parameter block", p->magic);
	check(*(volatile uint32_t *)(uintptr_t)p->secrets_gpa == 3,
	      "the PSP filled the secrets page (version 3)",
	      *(volatile uint32_t *)(uintptr_t)p->secrets_gpa);
	puts_("payload: VMPL0 running, mode ");
	puthex(m);
	puts_("\n");
	if (m == MODE_EMU1) {
		emu1_signature();
		term(1, 0xED);
	}
	if (m == MODE_TERMINATE) {
		puts_("payload: asking to terminate (set 1, code 7)\n");
		term(1, 7);
	}
	if (m == MODE_SMP_STRESS) {
		checks_smp_stress();
	} else if (m == MODE_KICK) {
		checks_kick();
	} else if (m != MODE_BENCH) {
		/* The benchmark times the boot to the guest: no detours. */
		checks_rmp(fault_psc);
		checks_vc();
		checks_psc(fault_psc);
		checks_ap(fault_ap);
		checks_greq(m);
	}
	checks_vmpl2();
	puts_(ctx0.fails == 0 ? "payload: all checks passed\n" :
				"payload: checks FAILED\n");
	port_out(0xF4, ctx0.fails == 0 ? 0x10 : 0x11);
	term(1, 0xEF);
}
