/* SPDX-License-Identifier: MIT */
/*
 * The vCPU registry of the SVSM proper: per-vCPU VMPL0 state (GHCB, scratch
 * page) and every guest VMSA registered through boot or CREATE_VCPU with its
 * Calling Area, plus the ownership checks that keep guest requests away from
 * SVSM memory, VMSAs, Calling Areas and deposited pages.
 *
 * Locking: `core_lock` (lock.h) protects the registry and the deposit pool.
 * Handlers of the core protocol hold it for the whole call; the request
 * loop takes it to look up the caller's VMSA and clear EFER.SVME in it,
 * which keeps DELETE_VCPU from deleting that VMSA until the call is done
 * (see request.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/lock.h"
#include "abi/ghcb.h"
#include "abi/vmsa.h"

extern struct spinlock core_lock;

/** A guest VMSA known to the SVSM. */
struct guest_vmsa {
	bool used; /* false: the slot is free */
	uint64_t vmsa_gpa;
	uint64_t ca_gpa;
	uint32_t apic_id;
	uint8_t vmpl;
	bool boot; /* the boot vCPU's VMSA: never deleted */
};

/** Per-vCPU state of the SVSM. */
struct svsm_cpu {
	uint32_t apic_id;
	struct ghcb *ghcb;
	/** One page for copies of guest request structures (no allocation). */
	uint8_t *scratch;
	/** The VMPL0 VMSA starting this vCPU (not the boot vCPU), or NULL. */
	struct sev_vmsa *svsm_vmsa;
	/** The guest VMSA run on this vCPU, or NULL when it idles. */
	struct guest_vmsa *guest;
};

/** Everything the SVSM remembers about the machine. */
struct svsm_state {
	uint64_t mem_size;
	uint64_t svsm_base, svsm_size;
	uint64_t secrets_gpa;
	unsigned int guest_vmpl;
	/**
	 * SEV_FEATURES every guest VMSA must have (the boot VMSA's): the
	 * SVSM's own, filtered by `snp_guest_sev_features()`.
	 */
	uint64_t guest_sev_features;
	uint32_t cpu_count;
	struct svsm_cpu *cpus;
	size_t vmsa_slots;
	struct guest_vmsa *vmsas;
	/** Deposited pages (DEPOSIT_MEM): GPA of the first or DEPOSIT_NONE. */
	uint64_t deposit_head;
	size_t deposit_pages;
	/** One bit per 4 KiB page of guest memory: set while deposited. */
	uint64_t *deposit_map;
	uint64_t deposit_map_pages;
};

extern struct svsm_state svsm;

/** Allocate the registry for `cpu_count` vCPUs. False: nothing allocated. */
bool vcpu_registry_init(uint32_t cpu_count);

/** The calling vCPU's state (from its APIC ID), or NULL. */
struct svsm_cpu *vcpu_current(void);
/** The state of the vCPU with `apic_id`, or NULL if there is none. */
struct svsm_cpu *vcpu_by_apic_id(uint32_t apic_id);

/** The registered VMSA at `gpa`, or NULL. */
struct guest_vmsa *vcpu_find_vmsa(uint64_t gpa);
/** A free VMSA slot, or NULL when all are in use. */
struct guest_vmsa *vcpu_free_slot(void);

/** `except_ca` of `svsm_owns_range()`: no Calling Area is exempt. */
#define NO_CA UINT64_MAX

/**
 * True if [gpa, gpa + len) overlaps memory the guest may not name in a
 * request: the SVSM region, a registered VMSA or Calling Area (except
 * `except_ca`, NO_CA for none), or a deposited page. Also true if the range
 * is not inside guest memory (or wraps), so an unchecked GPA never passes.
 */
bool svsm_owns_range(uint64_t gpa, uint64_t len, uint64_t except_ca);

/**
 * Start with an empty deposit pool and allocate its page map for
 * `mem_size` bytes of guest memory. False: no memory (the map is one
 * allocation of up to 4 MiB, so guests over 128 GiB get none); the pool
 * then stays empty and DEPOSIT_MEM answers UNSUPPORTED_CALL.
 */
bool deposit_init(uint64_t mem_size);

/**
 * True if a deposited page overlaps [gpa, gpa + len): a lookup in the
 * deposit map, whose cost depends on `len` only, never on the pool size.
 */
bool svsm_is_deposited(uint64_t gpa, uint64_t len);

/** Kept in the first bytes of each deposited (VMPL0-private) range. */
#define DEPOSIT_NONE UINT64_MAX
struct deposit_node {
	uint64_t next; /* GPA of the next range, DEPOSIT_NONE at the end */
	uint64_t bytes;
};

/** True if the pool can take pages (`deposit_init()` found memory). */
bool deposit_ready(void);
/** Add the private range [gpa, gpa + bytes) to the deposit pool. */
void deposit_push(uint64_t gpa, uint64_t bytes);
/** Take the first range out of the pool; false if it is empty. */
bool deposit_pop(uint64_t *gpa, uint64_t *bytes);
/** Bytes of the first range of the pool, 0 if it is empty. */
uint64_t deposit_peek(void);
