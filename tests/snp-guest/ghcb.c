/* SPDX-License-Identifier: MIT */
/* The guest's GHCB: MSR protocol, page set-up and exits (see ghcb.h). */
#include <string.h>

#include "ghcb.h"
#include "guest.h"
#include "svsm.h"

/* The shared window boot.S maps at 4 GiB: 4 KiB PTEs without the C-bit. */
#define SHARED_WINDOW 0x100000000ULL
#define PTE_P 0x1ULL
#define PTE_RW 0x2ULL
#define GHCB_SLOT 0U
#define IOIO_TYPE_IN 0x1ULL
#define IOIO_SZ8 (1ULL << 4)
#define IOIO_SZ16 (1ULL << 5)
#define IOIO_SZ32 (1ULL << 6)
#define IOIO_A64 (1ULL << 9)
#define TERM_SET_GUEST 1U

extern uint64_t pt_shared[512];

/* The page behind the GHCB: private until ghcb_init() gives it away. */
static uint8_t ghcb_backing[PAGE_SIZE] __attribute__((aligned(4096)));
static bool ready;

uint64_t ghcb_msr_exchange(uint64_t req)
{
	uint64_t old = rdmsr(MSR_GHCB), resp;

	wrmsr(MSR_GHCB, req);
	vmgexit();
	resp = rdmsr(MSR_GHCB);
	wrmsr(MSR_GHCB, old);
	return resp;
}

_Noreturn void ghcb_terminate(unsigned reason)
{
	for (;;) {
		wrmsr(MSR_GHCB, GHCB_MSR_TERM(TERM_SET_GUEST, reason));
		vmgexit();
		__asm__ volatile("cli; hlt");
	}
}

bool ghcb_ready(void)
{
	return ready;
}

struct ghcb *ghcb_get(void)
{
	return (struct ghcb *)(SHARED_WINDOW + GHCB_SLOT * PAGE_SIZE);
}

uint64_t ghcb_gpa(void)
{
	return (uint64_t)(uintptr_t)ghcb_backing;
}

uint32_t ghcb_psc(uint64_t gpa, bool shared)
{
	uint64_t resp = ghcb_msr_exchange(
		GHCB_MSR_PSC(gpa >> 12, shared ? GHCB_MSR_PSC_OP_SHARED :
						 GHCB_MSR_PSC_OP_PRIVATE));

	if (GHCB_MSR_INFO(resp) != GHCB_MSR_PSC_RESP) {
		return 0xFFFFFFFFU;
	}
	return GHCB_MSR_PSC_RESP_ERROR(resp);
}

int ghcb_init(void)
{
	uint64_t gpa = ghcb_gpa(), resp;

	/* GHCB protocol version 2 must be in the hypervisor's range. */
	resp = ghcb_msr_exchange(GHCB_MSR_SEV_INFO_REQ);
	if (GHCB_MSR_INFO(resp) != GHCB_MSR_SEV_INFO_RESP || (resp >> 48) < 2 ||
	    ((resp >> 32) & 0xFFFF) > 2) {
		return -1;
	}
	/* Not VMPL0: the SVSM rescinds the page's validation for us. */
	if (svsm_pvalidate(gpa, false, false, false) != SVSM_SUCCESS) {
		return -2;
	}
	if (ghcb_psc(gpa, true) != 0) {
		return -3;
	}
	pt_shared[GHCB_SLOT] = gpa | PTE_P | PTE_RW;
	invlpg(ghcb_get());
	resp = ghcb_msr_exchange(GHCB_MSR_REG_GPA(gpa >> 12));
	if (GHCB_MSR_INFO(resp) != GHCB_MSR_REG_GPA_RESP ||
	    GHCB_MSR_DATA(resp) != gpa >> 12) {
		return -4;
	}
	memset(ghcb_get(), 0, PAGE_SIZE);
	ready = true;
	return 0;
}

void ghcb_set(unsigned off, uint64_t v)
{
	struct ghcb *g = ghcb_get();

	memcpy((uint8_t *)g + off, &v, sizeof(v));
	g->valid_bitmap[GHCB_VALID_BYTE(off)] |=
		(uint8_t)(1U << GHCB_VALID_BIT(off));
}

void ghcb_prepare(uint64_t code, uint64_t info1, uint64_t info2)
{
	struct ghcb *g = ghcb_get();

	g->protocol_version = 2;
	g->ghcb_usage = GHCB_USAGE_STANDARD;
	ghcb_set(offsetof(struct ghcb, sw_exit_code), code);
	ghcb_set(offsetof(struct ghcb, sw_exit_info_1), info1);
	ghcb_set(offsetof(struct ghcb, sw_exit_info_2), info2);
	wrmsr(MSR_GHCB, ghcb_gpa());
}

void ghcb_begin(void)
{
	memset(ghcb_get()->valid_bitmap, 0, sizeof(ghcb_get()->valid_bitmap));
}

uint32_t ghcb_exit(uint64_t code, uint64_t info1, uint64_t info2)
{
	ghcb_prepare(code, info1, info2);
	vmgexit();
	return (uint32_t)ghcb_get()->sw_exit_info_1;
}

int ghcb_io(uint16_t port, unsigned size, bool in, uint32_t *val)
{
	uint64_t info = ((uint64_t)port << 16) | IOIO_A64;

	if (!ready) {
		return -1;
	}
	info |= size == 1 ? IOIO_SZ8 : size == 2 ? IOIO_SZ16 : IOIO_SZ32;
	ghcb_begin();
	if (in) {
		info |= IOIO_TYPE_IN;
		ghcb_set(offsetof(struct ghcb, rax), 0);
	} else {
		ghcb_set(offsetof(struct ghcb, rax), *val);
	}
	if (ghcb_exit(SVM_VMGEXIT_IOIO, info, 0) != GHCB_RESULT_OK) {
		return -1;
	}
	if (in) {
		*val = (uint32_t)ghcb_get()->rax;
	}
	return 0;
}

int ghcb_msr(uint32_t msr, bool write, uint64_t *val)
{
	struct ghcb *g = ghcb_get();

	if (!ready) {
		return -1;
	}
	ghcb_begin();
	ghcb_set(offsetof(struct ghcb, rcx), msr);
	if (write) {
		ghcb_set(offsetof(struct ghcb, rax), (uint32_t)*val);
		ghcb_set(offsetof(struct ghcb, rdx), *val >> 32);
	}
	if (ghcb_exit(SVM_VMGEXIT_MSR, write ? 1 : 0, 0) != GHCB_RESULT_OK) {
		return -1;
	}
	if (!write) {
		*val = (g->rdx << 32) | (uint32_t)g->rax;
	}
	return 0;
}

uint32_t ghcb_ap_create(uint32_t apic_id, uint64_t vmsa_gpa, uint64_t features,
			unsigned vmpl)
{
	if (!ready) {
		return 0xFFFFFFFFU;
	}
	ghcb_begin();
	ghcb_set(offsetof(struct ghcb, rax), features);
	return ghcb_exit(
		SVM_VMGEXIT_AP_CREATION,
		SVM_VMGEXIT_AP_EXITINFO1(apic_id, vmpl, SVM_VMGEXIT_AP_CREATE),
		vmsa_gpa);
}
