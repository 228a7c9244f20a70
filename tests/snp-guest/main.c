/* SPDX-License-Identifier: MIT */
/*
 * The test guest's main line: find the SVSM as Linux does (secrets page,
 * then QUERY_PROTOCOL), set up the GHCB, run the checks, print a summary,
 * serve the TPM bridge or reboot (reboot.c) when the host asked for it,
 * and end the run through isa-debug-exit. Natively (plain QEMU, no SEV-SNP) it says so and exits.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "abi/sev_status.h"
#include "abi/pvh.h"
#include "abi/snp_secrets.h"
#include "ghcb.h"
#include "guest.h"
#include "svsm.h"

#define MEMMAP_TYPE_MEMORY 0U
#define MEMMAP_MAX_ENTRIES (4096U / 24U)
#define SCRATCH_FLOOR (32ULL << 20)
#define SCRATCH_MIN (1ULL << 20)
/* Linux's termination reasons for SVSM discovery (set 1). */
#define TERM_NO_SVSM 7U
#define TERM_VMPL0_GUEST 8U
#define TERM_CAA_ALIGN 9U
#define TERM_GHCB 10U

/** IGVM MEMORY_MAP entry. */
struct memmap_entry {
	uint64_t first_page, pages;
	uint16_t type, flags;
	uint32_t rsvd;
};

_Static_assert(sizeof(struct memmap_entry) == 24, "IGVM memory map entry");

extern const uint8_t __image_end[];

struct guest_env env;
static bool con_direct; /* write the console without #VC (fatal paths) */
static unsigned n_checks, n_failed, n_skipped;

static void con_putc(char c)
{
	uint32_t v = (uint8_t)c;

	if (env.snp && con_direct) {
		(void)ghcb_io(COM1, 1, false, &v);
		return;
	}
	outb(COM1, (uint8_t)c);
}

void con_puts(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			con_putc('\r');
		}
		con_putc(*s);
	}
}

static void con_vprintf(const char *fmt, va_list ap)
{
	char buf[256];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	con_puts(buf);
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
}

_Noreturn void guest_exit(uint32_t code)
{
	uint32_t v = code;

	for (;;) {
		if (env.snp) {
			(void)ghcb_io(GUEST_EXIT_PORT, 4, false, &v);
			ghcb_terminate(code);
		}
		outl(GUEST_EXIT_PORT, code);
		__asm__ volatile("cli; hlt");
	}
}

_Noreturn void guest_fatal(const char *fmt, ...)
{
	va_list ap;

	con_direct = true;
	con_puts("snp-guest: fatal: ");
	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
	con_puts("\n");
	guest_exit(GUEST_EXIT_FATAL);
}

static void result(bool ok, const char *directive, const char *fmt, va_list ap)
{
	n_checks++;
	if (!ok) {
		n_failed++;
	}
	con_printf("%sok %u - ", ok ? "" : "not ", n_checks);
	con_vprintf(fmt, ap);
	con_puts(directive);
	con_puts("\n");
}

void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result(ok, "", fmt, ap);
	va_end(ap);
}

void check_skip(const char *why, const char *fmt, ...)
{
	char directive[128];
	va_list ap;

	n_skipped++;
	snprintf(directive, sizeof(directive), " # SKIP %s", why);
	va_start(ap, fmt);
	result(true, directive, fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	con_puts("# ");
	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
	con_puts("\n");
}

uint64_t scratch_page(unsigned n)
{
	return env.scratch + (uint64_t)n * PAGE_SIZE;
}

/* Linux's RMPADJUST probe: it succeeds only at VMPL0 (then no SVSM). */
static uint64_t rmpadjust_probe(uint64_t va)
{
	uint64_t rax = va;

	__asm__ volatile(".byte 0xf3, 0x0f, 0x01, 0xfe"
			 : "+a"(rax)
			 : "c"(0ULL), "d"(1ULL) /* 4 KiB, VMPL1, no access */
			 : "memory", "cc");
	return rax;
}

/* The secrets page, as Linux's svsm_setup_ca() reads it. */
static void discover_svsm(void)
{
	static uint8_t probe_page[PAGE_SIZE] __attribute__((aligned(4096)));
	const struct snp_secrets_page *s =
		(const struct snp_secrets_page *)(uintptr_t)
			env.boot->secrets_gpa;

	if (s == NULL || (env.boot->secrets_gpa & (PAGE_SIZE - 1)) != 0 ||
	    rmpadjust_probe((uint64_t)(uintptr_t)probe_page) == 0) {
		ghcb_terminate(TERM_NO_SVSM);
	}
	env.svsm_base = s->svsm_base;
	env.svsm_size = s->svsm_size;
	env.caa = s->svsm_caa;
	env.svsm_max_version = s->svsm_max_version;
	env.vmpl = s->svsm_guest_vmpl;
	if (env.svsm_size == 0) {
		ghcb_terminate(TERM_NO_SVSM);
	}
	if (env.vmpl == 0) {
		ghcb_terminate(TERM_VMPL0_GUEST);
	}
	if (env.caa == 0 || (env.caa & (PAGE_SIZE - 1)) != 0) {
		ghcb_terminate(TERM_CAA_ALIGN);
	}
	svsm_ca_gpa = env.caa;
	svsm_ca = (volatile struct svsm_ca *)(uintptr_t)env.caa;
}

/* Clip [lo, hi) against [a, b): keep the larger remaining piece. */
static void clip(uint64_t *lo, uint64_t *hi, uint64_t a, uint64_t b)
{
	if (b <= *lo || a >= *hi) {
		return;
	}
	if (a - *lo >= *hi - b || b >= *hi) {
		*hi = a > *lo ? a : *lo;
	} else {
		*lo = b;
	}
}

/* The largest RAM range of the memory map the checks may use. */
static void find_scratch(void)
{
	const struct memmap_entry *m =
		(const struct memmap_entry *)(uintptr_t)env.boot->memmap_gpa;
	uint64_t floor = SCRATCH_FLOOR, img = (uint64_t)(uintptr_t)__image_end;
	unsigned i;

	if (img > floor) {
		floor = (img + SIZE_2M - 1) & ~(SIZE_2M - 1);
	}
	for (i = 0; m != NULL && i < MEMMAP_MAX_ENTRIES && m[i].pages != 0;
	     i++) {
		uint64_t lo = m[i].first_page * PAGE_SIZE;
		uint64_t hi = lo + m[i].pages * PAGE_SIZE;

		if (m[i].type != MEMMAP_TYPE_MEMORY || hi <= lo) {
			continue;
		}
		clip(&lo, &hi, 0, floor);
		clip(&lo, &hi, env.svsm_base, env.svsm_base + env.svsm_size);
		lo = (lo + SIZE_2M - 1) & ~(SIZE_2M - 1);
		hi &= ~(SIZE_2M - 1);
		if (hi > lo && hi - lo > env.scratch_size) {
			env.scratch = lo;
			env.scratch_size = hi - lo;
		}
	}
}

static _Noreturn void native_boot(void)
{
	const uint32_t *info = (const uint32_t *)(uintptr_t)env.boot->pvh_info;

	con_puts("snp-guest: started\n");
	if (info != NULL && info[0] == XEN_HVM_START_MAGIC) {
		con_printf("snp-guest: PVH boot, start info at 0x%lx\n",
			   (unsigned long)env.boot->pvh_info);
	}
	con_printf("snp-guest: SEV-SNP is not active (SEV_STATUS 0x%lx): "
		   "no SVSM to test\n",
		   (unsigned long)env.boot->sev_status);
	guest_exit(GUEST_EXIT_NO_SVSM);
}

void guest_main(const struct boot_args *boot);
void guest_main(const struct boot_args *boot)
{
	enum bridge_mode mode;
	bool reboot, second_boot = false;
	uint64_t core;
	int rc;

	env.boot = boot;
	env.snp = (boot->sev_status & SEV_STATUS_SNP) != 0;
	trap_init();
	if (!env.snp) {
		native_boot();
	}
	env.sev_features = SEV_FEATURES_FROM_STATUS(boot->sev_status);
	discover_svsm();
	rc = ghcb_init();
	if (rc != 0) {
		ghcb_terminate(TERM_GHCB + (unsigned)-rc);
	}
	con_puts("snp-guest: started\n");
	con_printf("snp-guest: SEV-SNP active (SEV_STATUS 0x%lx, C-bit %lu), "
		   "VMPL%u\n",
		   (unsigned long)boot->sev_status, (unsigned long)boot->cbit,
		   env.vmpl);
	con_printf("snp-guest: SVSM at 0x%lx size 0x%lx, CAA 0x%lx, "
		   "max version %u\n",
		   (unsigned long)env.svsm_base, (unsigned long)env.svsm_size,
		   (unsigned long)env.caa, env.svsm_max_version);
	core = svsm_query_protocol(SVSM_PROTOCOL_CORE, 1);
	if (core == 0) {
		con_puts(
			"snp-guest: QUERY_PROTOCOL(core, 1) failed: no SVSM\n");
		guest_exit(GUEST_EXIT_NO_SVSM);
	}
	con_printf("snp-guest: core protocol versions %u-%u\n",
		   (unsigned)(uint32_t)core, (unsigned)(core >> 32));
	find_scratch();
	note("scratch RAM 0x%lx-0x%lx", (unsigned long)env.scratch,
	     (unsigned long)(env.scratch + env.scratch_size));
	mode = bridge_mode();

	/* Every group validates pages of its own in the scratch range. */
	reboot = mode == BRIDGE_REBOOT || mode == BRIDGE_REBOOT_AP;
	if (reboot && env.scratch_size >= SCRATCH_MIN) {
		reboot_begin();
		second_boot = reboot_second_boot();
	}
	if (mode == BRIDGE_ONLY) {
		con_puts("snp-guest: the TPM bridge alone: checks skipped\n");
	} else if (second_boot) {
		reboot_second();
	} else if (env.scratch_size >= SCRATCH_MIN) {
		checks_core();
		checks_vcpu();
		checks_vtpm();
		checks_attest();
		/* Only a first boot that passed reboots: its verdict stands. */
		if (reboot && n_failed == 0) {
			reboot_first(mode == BRIDGE_REBOOT_AP);
		}
	} else {
		check(false,
		      "the memory map leaves 1 MiB of RAM for the checks");
	}
	con_printf("1..%u\n", n_checks);
	con_printf("snp-guest: %u checks, %u failed, %u skipped: %s\n",
		   n_checks, n_failed, n_skipped, n_failed ? "FAIL" : "PASS");
	if ((mode == BRIDGE_AFTER_CHECKS || mode == BRIDGE_ONLY) &&
	    !bridge_serve()) {
		guest_exit(GUEST_EXIT_FAIL);
	}
	guest_exit(n_failed ? GUEST_EXIT_FAIL : GUEST_EXIT_PASS);
}
