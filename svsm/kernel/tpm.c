/* SPDX-License-Identifier: MIT */
/*
 * Starting the vTPM in the kernel (see <kernel/tpm.h>). libcrypto seeds
 * its DRBG through getrandom(2), which the shim backs with RDRAND: without
 * RDRAND the vTPM does not start, and the boot says so.
 */
#include <kernel/tpm.h>
#include <x86/asm.h>
#include <x86/percpu.h>
#include <x86/time.h>
#include <svsm/log.h>
#include <svsm/once.h>
#include <svsm/services.h>
#include <svsm/vtpm.h>

/* libcrypto's CPU capability probe (crypto/cryptlib.c), normally .init. */
void OPENSSL_cpuid_setup(void);

static struct vtpm_nv_mem *tpm_nv;
static bool tpm_up;
static uint64_t tpm_start_us;
static struct svsm_once tpm_once = SVSM_ONCE_INIT;

/* RDRAND (CPUID.1:ECX[30]) backs getrandom(2), libcrypto's only seed. */
static bool tpm_have_rdrand(void)
{
	uint32_t a, b, c, d;

	cpuid_count(1, 0, &a, &b, &c, &d);
	return (c >> 30) & 1;
}

/* Manufacture the TPM (both EKs) on this CPU. */
static bool tpm_manufacture(void)
{
	struct vtpm_nv_ops ops;
	uint64_t t0;

	if (!cpu_sse_enabled()) {
		pr_warn("vtpm: SSE is off, libcrypto cannot run\n");
		return false;
	}
	if (!tpm_have_rdrand()) {
		pr_warn("vtpm: no RDRAND, so no entropy for libcrypto: "
			"vTPM off\n");
		return false;
	}
	OPENSSL_cpuid_setup();
	tpm_nv = vtpm_nv_mem_create();
	if (tpm_nv == NULL) {
		pr_warn("vtpm: no memory for the NV store\n");
		return false;
	}
	vtpm_nv_mem_ops(tpm_nv, &ops);
	t0 = time_us();
	if (vtpm_init(&ops) != 0) {
		pr_warn("vtpm: libtpms could not start the TPM\n");
		vtpm_nv_mem_destroy(tpm_nv);
		tpm_nv = NULL;
		return false;
	}
	tpm_start_us = time_us() - t0;
	tpm_up = true;
	log_printf(LOG_INFO, "vtpm: started in %lu ms (TPM 2.0, EKs made)\n",
		   (unsigned long)(tpm_start_us / 1000));
	return true;
}

/** See <kernel/tpm.h>. */
bool kernel_tpm_start(void)
{
	return svsm_once_run(&tpm_once, tpm_manufacture);
}

/** See <kernel/tpm.h>. */
bool kernel_tpm_pending(void)
{
	return svsm_once_pending(&tpm_once);
}

/** See <kernel/tpm.h>. */
bool kernel_tpm_restart(void)
{
	struct vtpm_nv_ops ops;

	if (tpm_nv == NULL) {
		return false;
	}
	vtpm_shutdown();
	vtpm_nv_mem_ops(tpm_nv, &ops);
	tpm_up = vtpm_init(&ops) == 0;
	return tpm_up;
}

/** See <kernel/tpm.h>. */
bool kernel_tpm_available(void)
{
	return tpm_up && vtpm_running();
}

/** See <kernel/tpm.h>. */
uint64_t kernel_tpm_start_us(void)
{
	return tpm_start_us;
}
