/* SPDX-License-Identifier: MIT */
/*
 * The Calling Area (AMD pub. 58019 rev 1.00, section 4.3, table 2): one
 * 4 KiB guest page per vCPU through which calls are signalled.
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_SVSM_CA_H
#define ABI_SVSM_CA_H

#include <stdint.h>

#define SVSM_CA_SIZE 4096U
#define SVSM_CA_HEADER_SIZE 8U
#define SVSM_CA_BUFFER_SIZE (SVSM_CA_SIZE - SVSM_CA_HEADER_SIZE)

/* SVSM_CALL_PENDING values: any other value is reserved (INVALID_FORMAT). */
#define SVSM_CA_CALL_NONE 0U
#define SVSM_CA_CALL_PENDING 1U

/** Calling Area page (table 2). */
struct svsm_ca {
	/** 1: the guest requests a call; the SVSM clears it. */
	uint8_t call_pending;
	/** Non-zero: the SVSM has memory that WITHDRAW_MEM can return. */
	uint8_t mem_available;
	uint8_t rsvd[6];
	/** Free for guest use (Linux puts PVALIDATE lists here, at CA + 8). */
	uint8_t buffer[SVSM_CA_BUFFER_SIZE];
};

_Static_assert(sizeof(struct svsm_ca) == SVSM_CA_SIZE, "58019 table 2");
_Static_assert(__builtin_offsetof(struct svsm_ca, mem_available) == 1,
	       "58019 table 2");
_Static_assert(__builtin_offsetof(struct svsm_ca, buffer) == 8,
	       "58019 table 2");

/* Offsets, for code that accesses the page without the struct. */
#define SVSM_CA_OFF_CALL_PENDING 0x000U
#define SVSM_CA_OFF_MEM_AVAILABLE 0x001U
#define SVSM_CA_OFF_BUFFER 0x008U

#endif /* ABI_SVSM_CA_H */
