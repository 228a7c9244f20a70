/* SPDX-License-Identifier: MIT */
/*
 * Guest memory as a context sees it: linear addresses through the guest's
 * own page tables (paging off, or 4-level long mode with 4 KiB, 2 MiB and
 * 1 GiB pages; the C-bit stripped), then guest physical memory, with the
 * RMP deciding what the context's VMPL may read or write. Used to fetch
 * the instructions the emulator decodes and to deliver exceptions.
 */
#include <string.h>

#include "abi/vmsa.h"

#include "vm_internal.h"

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_PS (1ULL << 7)
#define PTE_ADDR 0x000FFFFFFFFFF000ULL
#define CR0_PG (1ULL << 31)
#define RFLAGS_IF (1ULL << 9)
#define RFLAGS_CLEAR_ON_INT ((1ULL << 8) | (1ULL << 14) | (1ULL << 16))

/** Host pointer of guest physical [gpa, gpa + len), or NULL. */
uint8_t *guest_phys(uint64_t gpa, uint64_t len)
{
	gpa &= VM_GPA_MASK;
	if (!snp_range_ok(&vm.m, gpa, len)) {
		return NULL;
	}
	return vm.m.mem + gpa;
}

/** Walk the context's page tables (see vm_internal.h). */
bool guest_translate(const uint8_t *vmcb, uint64_t gva, bool write,
		     uint64_t *gpa)
{
	uint64_t cr0 = vmcb_get(vmcb, VMCB_CR0);
	uint64_t efer = vmcb_get(vmcb, VMCB_EFER);
	uint64_t table = vmcb_get(vmcb, VMCB_CR3) & PTE_ADDR & VM_GPA_MASK;
	int level;

	if ((cr0 & CR0_PG) == 0) {
		*gpa = gva & 0xFFFFFFFFULL;
		return true;
	}
	if ((efer & EFER_LMA) == 0) {
		return false; /* 32-bit paging: not used by SNP guests */
	}
	for (level = 3; level >= 0; level--) {
		unsigned idx = (unsigned)(gva >> (12 + 9 * level)) & 511;
		const uint8_t *p = guest_phys(table + idx * 8ULL, 8);
		uint64_t e;

		if (p == NULL) {
			return false;
		}
		memcpy(&e, p, sizeof(e));
		if ((e & PTE_P) == 0 || (write && (e & PTE_W) == 0)) {
			return false;
		}
		if (level > 0 && level < 3 && (e & PTE_PS) != 0) {
			uint64_t size = 1ULL << (12 + 9 * level);

			*gpa = ((e & PTE_ADDR & ~(size - 1)) |
				(gva & (size - 1))) &
			       VM_GPA_MASK;
			return true;
		}
		table = e & PTE_ADDR & VM_GPA_MASK;
	}
	*gpa = table | (gva & 0xFFF);
	return true;
}

/* Copy one piece that stays inside a page. */
static bool guest_copy(const uint8_t *vmcb, unsigned vmpl, uint64_t gva,
		       void *buf, size_t len, bool write)
{
	uint64_t gpa;
	uint8_t *p;

	if (!guest_translate(vmcb, gva, write, &gpa) ||
	    snp_access_check(&vm.m, vmpl, gpa, write, true) != 0) {
		return false;
	}
	p = guest_phys(gpa, len);
	if (p == NULL) {
		return false;
	}
	if (write) {
		memcpy(p, buf, len);
	} else {
		memcpy(buf, p, len);
	}
	return true;
}

static bool guest_access(const uint8_t *vmcb, unsigned vmpl, uint64_t gva,
			 uint8_t *buf, size_t len, bool write)
{
	while (len > 0) {
		size_t n = 4096 - (gva & 0xFFF);

		if (n > len) {
			n = len;
		}
		if (!guest_copy(vmcb, vmpl, gva, buf, n, write)) {
			return false;
		}
		gva += n;
		buf += n;
		len -= n;
	}
	return true;
}

/** Read guest virtual memory (see vm_internal.h). */
bool guest_read(const uint8_t *vmcb, unsigned vmpl, uint64_t gva, void *buf,
		size_t len)
{
	return guest_access(vmcb, vmpl, gva, buf, len, false);
}

/** Write guest virtual memory (see vm_internal.h). */
bool guest_write(const uint8_t *vmcb, unsigned vmpl, uint64_t gva,
		 const void *buf, size_t len)
{
	return guest_access(vmcb, vmpl, gva, (uint8_t *)(uintptr_t)buf, len,
			    true);
}

struct idt_gate64 {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, rsvd;
} __attribute__((packed));

/** Deliver an exception in software (see vm_internal.h). */
bool guest_deliver(uint8_t *vmcb, unsigned vmpl, unsigned vector, bool has_err,
		   uint64_t err)
{
	struct idt_gate64 gate;
	uint64_t idt_base = vmcb_get(vmcb, VMCB_IDTR + 8);
	uint32_t idt_limit = (uint32_t)(vmcb_get(vmcb, VMCB_IDTR) >> 32);
	uint64_t rsp = vmcb_get(vmcb, VMCB_RSP);
	uint64_t rflags = vmcb_get(vmcb, VMCB_RFLAGS);
	uint64_t frame[6];
	unsigned n = 0;
	uint16_t cs_sel;

	if ((vmcb_get(vmcb, VMCB_EFER) & EFER_LMA) == 0 ||
	    vector * 16U + 15U > idt_limit ||
	    !guest_read(vmcb, vmpl, idt_base + vector * 16ULL, &gate,
			sizeof(gate)) ||
	    (gate.type & 0x80) == 0) {
		return false;
	}
	if ((gate.ist & 7) != 0) {
		uint64_t tss = vmcb_get(vmcb, VMCB_TR + 8);

		if (!guest_read(vmcb, vmpl,
				tss + 0x24 + 8ULL * ((gate.ist & 7) - 1), &rsp,
				sizeof(rsp))) {
			return false;
		}
	}
	rsp &= ~0xFULL;
	memcpy(&cs_sel, vmcb + VMCB_CS, sizeof(cs_sel));
	/* The frame from the top: SS, RSP, RFLAGS, CS, RIP, error code. */
	if (has_err) {
		frame[n++] = err;
	}
	frame[n++] = vmcb_get(vmcb, VMCB_RIP);
	frame[n++] = cs_sel;
	frame[n++] = rflags;
	frame[n++] = vmcb_get(vmcb, VMCB_RSP);
	frame[n++] = (uint16_t)vmcb_get(vmcb, VMCB_SAVE + 0x020); /* SS */
	rsp -= n * 8ULL;
	if (!guest_write(vmcb, vmpl, rsp, frame, n * 8ULL)) {
		return false;
	}
	vmcb_set(vmcb, VMCB_RSP, rsp);
	vmcb_set(vmcb, VMCB_RIP,
		 gate.off_lo | ((uint64_t)gate.off_mid << 16) |
			 ((uint64_t)gate.off_hi << 32));
	rflags &= ~RFLAGS_CLEAR_ON_INT;
	if ((gate.type & 0xF) == 0xE) {
		rflags &= ~RFLAGS_IF;
	}
	vmcb_set(vmcb, VMCB_RFLAGS, rflags);
	return true;
}
