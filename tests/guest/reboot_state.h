/* SPDX-License-Identifier: MIT */
/*
 * Snapshots of everything a guest reboot must bring back to its first-boot
 * value: the RMP of all guest memory, the hypervisor's guest VMSAs, the
 * SVSM's vCPU registry and deposit pool, its allocator counters and
 * validated-page map, and the launch pages (secrets page copy, boot CA,
 * boot VMSA).
 */
#pragma once

#include "guest.h"
#include "machine/machine.h"
#include "svsm/mm.h"
#include "svsm/vcpu.h"

#define MAX_CPUS 8U
#define MAX_SLOTS (2U * MAX_CPUS)

struct reboot_state {
	uint64_t pages;
	struct rmp_entry *rmp;
	uint64_t hv_vmsa[MAX_CPUS];
	struct guest_vmsa slots[MAX_SLOTS];
	long guest_slot[MAX_CPUS]; /* index of cpus[i].guest, -1 for none */
	uint64_t deposit_head;
	size_t deposit_pages;
	uint64_t valmap_pages;
	struct mm_stats mm;
	uint8_t secrets[PAGE], ca[PAGE], vmsa[PAGE];
};

/** Take a snapshot (fails the test on allocation failure). */
struct reboot_state *reboot_state_take(struct guest *g);
/** Fail the test, naming the first difference, unless `a` equals `b`. */
void reboot_state_assert_equal(const struct reboot_state *a,
			       const struct reboot_state *b);
void reboot_state_free(struct reboot_state *s);

/** SVSM_REBOOT_EXECUTE on `vcpu`; asserts the harness saw one more reboot. */
void reboot_call(struct guest *g, unsigned vcpu);
