/* SPDX-License-Identifier: MIT */
/*
 * The registry of long-lived secrets (the VMPCKs of the SNP secrets page,
 * the KBS resource slot, the vTPM state key) that every panic path wipes
 * before it reports anything. One copy for the kernel and the hosted build:
 * only the panic that calls secrets_wipe() differs between them.
 */
#include <stdatomic.h>
#include <string.h>

#include "svsm/secrets.h"

#define SECRETS_MAX 16

/** A registered secret. */
struct secret {
	void *ptr;
	size_t len;
};

static struct secret secrets[SECRETS_MAX];
/*
 * Slots are claimed with an atomic increment so that two CPUs registering
 * at once never share one; `published` counts the slots whose contents are
 * complete, which is all a concurrent wipe may read.
 */
static atomic_uint claimed;
static atomic_uint published;

/** Remember [ptr, ptr + len) for wiping; false if the table is full. */
bool secrets_register(void *ptr, size_t len)
{
	unsigned int slot = atomic_fetch_add(&claimed, 1);

	if (slot >= SECRETS_MAX) {
		atomic_fetch_sub(&claimed, 1);
		return false;
	}
	secrets[slot].ptr = ptr;
	secrets[slot].len = len;
	atomic_fetch_add(&published, 1);
	return true;
}

/*
 * Zero a buffer in a way the compiler cannot drop: the empty asm takes the
 * pointer and clobbers memory, so the stores must be done before it.
 * Neither the kernel's libc shim nor ISO C offers explicit_bzero().
 */
static void wipe(void *ptr, size_t len)
{
	memset(ptr, 0, len);
	__asm__ __volatile__("" : : "r"(ptr) : "memory");
}

/** Zero every registered secret; returns how many regions were wiped. */
unsigned int secrets_wipe(void)
{
	unsigned int n = atomic_load(&published);
	unsigned int i;

	if (n > SECRETS_MAX) {
		n = SECRETS_MAX;
	}
	for (i = 0; i < n; i++) {
		if (secrets[i].ptr != NULL) {
			wipe(secrets[i].ptr, secrets[i].len);
		}
	}
	return n;
}
