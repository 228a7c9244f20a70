/* SPDX-License-Identifier: MIT */
/* State snapshots around a guest reboot (see reboot_state.h). */
#include <stdlib.h>
#include <string.h>

#include "reboot_state.h"
#include "internal.h"
#include "svsm/mm.h"
#include "svsm/reboot.h"
#include "abi/svsm_reboot.h"

/** Take a snapshot (see reboot_state.h). */
struct reboot_state *reboot_state_take(struct guest *g)
{
	struct snp_machine *m = snp_machine_current();
	struct reboot_state *s = calloc(1, sizeof(*s));
	uint64_t i;

	assert_non_null(s);
	assert_true(g->vcpus <= MAX_CPUS && svsm.vmsa_slots <= MAX_SLOTS);
	s->pages = g->mem / PAGE;
	s->rmp = calloc(s->pages, sizeof(*s->rmp));
	assert_non_null(s->rmp);
	for (i = 0; i < s->pages; i++) {
		s->rmp[i] = *snp_machine_rmp(m, i * PAGE);
	}
	for (i = 0; i < g->vcpus; i++) {
		const struct guest_vmsa *gv = svsm.cpus[i].guest;

		s->hv_vmsa[i] = snp_machine_vmsa_gpa(m, (unsigned)i, 2);
		s->guest_slot[i] = gv == NULL ? -1 : gv - svsm.vmsas;
	}
	memcpy(s->slots, svsm.vmsas, svsm.vmsa_slots * sizeof(*svsm.vmsas));
	s->deposit_head = svsm.deposit_head;
	s->deposit_pages = svsm.deposit_pages;
	s->valmap_pages = valmap_count();
	mm_stats_get(&s->mm);
	s->mm.alloc_attempts = 0; /* counts attempts, not what is held */
	memcpy(s->secrets, gptr(g, SIM_GUEST_SECRETS_GPA, PAGE), PAGE);
	memcpy(s->ca, gptr(g, SIM_GUEST_CA_GPA, PAGE), PAGE);
	memcpy(s->vmsa, gptr(g, SIM_GUEST_VMSA_GPA, PAGE), PAGE);
	return s;
}

/* Slots compared field by field: padding is not state. */
static bool slots_equal(const struct guest_vmsa *a, const struct guest_vmsa *b)
{
	return a->used == b->used && a->vmsa_gpa == b->vmsa_gpa &&
	       a->ca_gpa == b->ca_gpa && a->apic_id == b->apic_id &&
	       a->vmpl == b->vmpl && a->boot == b->boot;
}

static bool rmp_equal(const struct rmp_entry *a, const struct rmp_entry *b)
{
	return a->assigned == b->assigned && a->validated == b->validated &&
	       a->page_2m == b->page_2m && a->vmsa == b->vmsa &&
	       a->guest_shared == b->guest_shared &&
	       memcmp(a->perms, b->perms, sizeof(a->perms)) == 0;
}

/** Compare two snapshots (see reboot_state.h). */
void reboot_state_assert_equal(const struct reboot_state *a,
			       const struct reboot_state *b)
{
	uint64_t i;

	assert_int_equal(a->pages, b->pages);
	for (i = 0; i < a->pages; i++) {
		if (!rmp_equal(&a->rmp[i], &b->rmp[i])) {
			fail_msg("RMP differs at GPA %#llx: validated %d/%d "
				 "vmsa %d/%d perms2 %#x/%#x",
				 (unsigned long long)(i * PAGE),
				 a->rmp[i].validated, b->rmp[i].validated,
				 a->rmp[i].vmsa, b->rmp[i].vmsa,
				 a->rmp[i].perms[2], b->rmp[i].perms[2]);
		}
	}
	assert_memory_equal(a->hv_vmsa, b->hv_vmsa, sizeof(a->hv_vmsa));
	assert_memory_equal(a->guest_slot, b->guest_slot,
			    sizeof(a->guest_slot));
	for (i = 0; i < MAX_SLOTS; i++) {
		assert_true(slots_equal(&a->slots[i], &b->slots[i]));
	}
	assert_int_equal(a->deposit_head, b->deposit_head);
	assert_int_equal(a->deposit_pages, b->deposit_pages);
	assert_int_equal(a->valmap_pages, b->valmap_pages);
	assert_int_equal(a->mm.alloc_bytes, b->mm.alloc_bytes);
	assert_int_equal(a->mm.free_pages, b->mm.free_pages);
	assert_int_equal(a->mm.slab_pages, b->mm.slab_pages);
	assert_memory_equal(&a->mm, &b->mm, sizeof(a->mm));
	assert_memory_equal(a->secrets, b->secrets, PAGE);
	assert_memory_equal(a->ca, b->ca, PAGE);
	assert_memory_equal(a->vmsa, b->vmsa, PAGE);
}

void reboot_state_free(struct reboot_state *s)
{
	if (s != NULL) {
		free(s->rmp);
		free(s);
	}
}

/** SVSM_REBOOT_EXECUTE on `vcpu` (see reboot_state.h). */
void reboot_call(struct guest *g, unsigned vcpu)
{
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_REBOOT, SVSM_REBOOT_EXECUTE),
	};
	unsigned long before = svsm_sim_reboots(g->sim);

	assert_int_equal(svsm_sim_call(g->sim, vcpu, &r), 0);
	assert_int_equal(svsm_sim_reboots(g->sim), before + 1);
	/* The call never returned in the guest: no register was written. */
	assert_int_equal(r.rax,
			 SVSM_CALL(SVSM_PROTOCOL_REBOOT, SVSM_REBOOT_EXECUTE));
}
