# SPDX-License-Identifier: MIT
#
# Formal verification with Frama-C (docs/VERIFICATION.md). Not part of
# `make check`: `make verify` installs its tools (ci/install-deps --verify)
# and runs every job below through verify/fc-gate, which fails on any alarm,
# any unproved goal and any warning, prints one summary line per job and
# keeps the full reports in $(BUILD)/verify/.
#
#   make verify                 every job (today: verify-proto, EVA then WP)
#   make verify-mutants         the proofs reject injected bugs

VERIFY_DIR := $(BUILD)/verify

# The project's freestanding configuration: the kernel's language, defines
# and include directories. Frama-C's own C library headers (which carry
# ACSL contracts for memcpy, memset ...) replace svsm/lib/include and the
# compiler's; verify/include adds the contracts of the outside libraries.
FC_CPP := -std=gnu11 -DSVSM_KERNEL=1 -Iverify/include -Iverify \
	  -Isvsm/include -Isvsm/arch/x86/include
FC_COMMON := -c11 -machdep gcc_x86_64 -warn-unsigned-overflow \
	     -kernel-warn-key typing:implicit-conv-void-ptr=inactive \
	     -cpp-extra-args="$(FC_CPP)"

# EVA: one hostile request through the request loop (verify/eva_proto.c).
FC_EVA_SRCS := verify/eva_proto.c verify/fc_env.c svsm/core/request.c \
	       svsm/core/guest.c svsm/core/reboot.c svsm/core/valmap.c $(sort $(patsubst $(SRCDIR)/%,%,$(wildcard \
	       $(SRCDIR)/svsm/proto/*.c))) svsm/attest/protocol.c \
	       svsm/vtpm/protocol.c
# The functions WP proves (below) are used by EVA through their contracts.
FC_WP_CORE_FCTS := list_capacity,list_hdr_check,page_bytes,page_entry_decode,pvalidate_entry_decode,deposit_entry_decode
FC_WP_VTPM_FCTS := platform_cmd_known,le32,send_decode
FC_EVA := -eva -eva-precision 5 -eva-split-return auto \
	  -eva-builtin kmalloc:Frama_C_malloc,kcalloc:Frama_C_calloc,kfree:Frama_C_free,kfree_sensitive:Frama_C_free

# WP: the contracts written in the parsers' sources (`-wp-fct` lists them),
# on the same program as EVA so that every callee has code or a contract.
FC_WP_TIMEOUT ?= 60
FC_WP := -wp -wp-rte -wp-prover z3,cvc4 -wp-steps 3000000 -wp-timeout $(FC_WP_TIMEOUT) \
	 -wp-auto wp:bitwised,wp:bitrange -wp-par 2 -wp-cache update \
	 -wp-cache-dir $(VERIFY_DIR)/wpcache

# The buddy page allocator (VERIF-2): WP proves the contracts of
# svsm/mm/page_alloc.c's block and buddy computations; EVA runs every
# allocation/free sequence of a small bounded harness (verify/eva_mm.c) and
# checks the preconditions of the list helpers, whose bodies WP proves.
FC_MM_SRCS := verify/eva_mm.c svsm/mm/page_alloc.c
FC_WP_MM_FCTS := block_pages,block_bytes,buddy_index
FC_WP_MM_LIST_FCTS := list_push,list_del,block_split,block_merge,block_mark,block_take
# The harness places its region at a known alignment (verify/eva_mm.c), so
# the descriptors stay precise pointers; -eva-plevel keeps list_push()'s
# writes through a pointer to one of the region's descriptors exact (the
# default 150 locations approximate them into the whole array). EVA must
# never join two sequences' states (the join of two consistent allocator
# states is not one): the slevel is far above the 10000-12000 states the
# busiest statement holds; exceeding it fails the gate, never passes it.
FC_EVA_MM := -eva -eva-precision 5 -eva-plevel 2000 -eva-slevel 100000
# The list helpers' separation of the descriptors from free_list[] and
# free_blocks[] is WP's memory model hypothesis; their contracts state it
# (requires apart), and EVA checks it at every call: not warned twice.
FC_WP_MM_LIST := -wp-no-warn-memory-model -wp-warn-key pedantic-assigns=inactive

FC_GATE = nice -n 10 $(SRCDIR)/verify/fc-gate
export WHY3CONFIG := $(VERIFY_DIR)/why3.conf

HELP += verify|Frama-C: EVA over the protocol decode paths, WP on the parsers (not in check)
HELP += verify-mm-eva|Frama-C: EVA over every bounded page_alloc/page_free sequence, WP on the list helpers
HELP += verify-mutants|inject known bugs into copies of verified code; each must fail verify

.PHONY: verify verify-tools verify-proto verify-mm-wp verify-mm-eva verify-slab \
	verify-pt verify-mutants

verify: verify-proto verify-mm-wp verify-mm-eva verify-slab verify-pt
	@echo "verify: all jobs passed (reports in $(VERIFY_DIR))"

verify-tools:
	$(Q)$(SRCDIR)/ci/install-deps --verify --if-missing
	$(Q)mkdir -p $(VERIFY_DIR)
	$(Q)[ -s $(WHY3CONFIG) ] || why3 config detect >/dev/null 2>&1

# One session, so that a contract EVA cannot decide but WP proves ends
# Valid (Frama-C consolidates the statuses of both). -wp-status-all: WP
# also proves the contracts EVA found valid for the harness's calls (9
# goals more), so each holds for every input, not only the reachable ones.
# FC_SRCDIR: where the sources are read (verify/mutants points it at a copy).
FC_SRCDIR ?= $(SRCDIR)
verify-proto: verify-tools
	$(Q)cd $(FC_SRCDIR) && $(FC_GATE) $(or $(FC_JOB),proto) $(VERIFY_DIR) -- \
		$(FC_COMMON) $(FC_EVA_SRCS) $(FC_EVA) -then $(FC_WP) \
		-wp-fct $(FC_WP_CORE_FCTS),$(FC_WP_VTPM_FCTS) -wp-status-all

verify-mm-wp: verify-tools
	$(Q)cd $(FC_SRCDIR) && $(FC_GATE) $(or $(FC_JOB),mm-wp) $(VERIFY_DIR) -- \
		$(FC_COMMON) $(FC_MM_SRCS) $(FC_WP) -wp-fct $(FC_WP_MM_FCTS)

# One session (as verify-proto): the postconditions EVA cannot decide are
# the ones WP proves. -wp-status-all: WP proves every contract of the listed
# functions for all the states their preconditions allow, also what EVA
# found valid on the harness's calls (block_merge()'s calls of list_del()
# included: its free-list precondition carries them; block_take(), the
# core of mm_pages_get(), has every precondition of its calls in its own
# contract). The second phase proves block_free()'s counters
# postcondition and the quantified preconditions (the free lists well
# formed, their heads, the free blocks' pages, the counters) at the calls
# of block_free() and block_take() from the ghost checks fc_*_check(),
# whose per-descriptor assertions EVA checks (EVA cannot evaluate the
# quantified predicates themselves); list_push()'s preconditions inside
# block_free() stay EVA's. The last one proves the lemmas page_alloc.c
# states (-wp-fct leaves them out); its axioms (the counting function's)
# are assumed.
FC_WP_MM_CHECK := -wp-fct fc_wf_check,fc_list_check,fc_body_check,block_free,block_free_checked,block_take_checked \
	-wp-prop=wf,held,counted,heads,bodies,free_held,free_blocks_moved,free_cnt_moved,@ensures,@invariant,@variant,@assigns,@terminates
verify-mm-eva: verify-tools
	$(Q)cd $(FC_SRCDIR) && $(FC_GATE) $(or $(FC_JOB),mm-eva) $(VERIFY_DIR) -- \
		$(FC_COMMON) $(FC_MM_SRCS) $(FC_EVA_MM) -then $(FC_WP) \
		$(FC_WP_MM_LIST) -wp-fct $(FC_WP_MM_FCTS),$(FC_WP_MM_LIST_FCTS) \
		-wp-status-all -then $(FC_WP_MM_CHECK) \
		-then -wp-fct= -wp-prop=@lemma

verify-mutants: verify-tools
	$(Q)cd $(SRCDIR) && VERIFY_DIR=$(VERIFY_DIR) MAKE="$(MAKE)" \
		nice -n 10 verify/mutants

# ---------------------------------------------------------------------------
# The slab caches (VERIF-2, second half): WP proves the contracts of
# svsm/mm/slab.c (the layout, mm_slab_init(), the object index <-> offset
# maps, the free list's push and pop, the helpers that keep the counters
# equal to the lists); EVA runs alloc/free sequences over a few cache
# layouts with the page allocator's contracts as a pool model
# (verify/eva_slab.c, verify/fc_slab.h). One session, as verify-proto:
# the preconditions of the proved helpers are EVA's at every call.
# -wp-status-all: WP also proves what EVA found valid, which EVA only checks
# for the harness's calls (without it, WP skips those goals and a mutant of
# slab_obj_index() that the harness never exercises survived). The last
# phase proves the lemmas slab.c states (-wp-fct leaves them out).
# pedantic-assigns: the list helpers assign pointers without \from clauses
# (their postconditions say which), as verify-pt.
# -eva-slevel 20000: every alloc/free sequence of the harness keeps its own
# state (up to 7100 at the loop head); joined, the counters and free lists
# of different sequences mix and give alarms (3 at 5000).
FC_SLAB_SRCS := verify/eva_slab.c svsm/mm/slab.c
FC_WP_SLAB_FCTS := order_bytes,slab_pick_order,slab_layout,slab_obj_offset,slab_obj_index,slab_round_up,slab_link_ok,slab_free_push,slab_free_pop,mm_slab_init,partial_push,partial_del,slab_to_partial,slab_spare_take,slab_took,slab_put_back
FC_EVA_SLAB := -eva -eva-precision 5 -eva-slevel 20000

HELP += verify-slab|Frama-C: WP on the slab's layout, init, free list and counters, EVA over alloc/free sequences


verify-slab: verify-tools
	$(Q)cd $(FC_SRCDIR) && $(FC_GATE) $(or $(FC_JOB),slab) $(VERIFY_DIR) -- \
		$(FC_COMMON) $(FC_SLAB_SRCS) $(FC_EVA_SLAB) -then $(FC_WP) \
		-wp-warn-key pedantic-assigns=inactive \
		-wp-fct $(FC_WP_SLAB_FCTS) -wp-status-all \
		-then -wp-fct= -wp-prop=@lemma

# ---------------------------------------------------------------------------
# The page-table walk (VERIF-3): WP proves the contracts of
# svsm/arch/x86/paging.c against the model of verify/fc_pt.h (the tables as
# arrays of 512 entries reached through table_at(); table_alloc() a
# contract), then the model's lemmas. pedantic-assigns: walk() returns a
# pointer whose contract says which entry it is (ensures), not \from what.
# A function with a precondition has all its callers listed or none (a
# precondition proved at some calls and not tried at others is Unknown):
# map_image(), map_physmap() and split_2m() are called only from
# paging_init() and paging_set_shared(), not verified (docs/VERIFICATION.md
# lists those preconditions as assumptions).
FC_PT_SRCS := svsm/arch/x86/paging.c
FC_WP_PT_FCTS := pte_addr,pte_bits,pt_index,pte_set,walk,lookup,pte_clear,unmap_page,unmap_locked,map_page,map_locked,tables_lock,tables_unlock,range_canonical,range_physical,paging_map,paging_unmap,map_image,map_physmap,split_2m

HELP += verify-pt|Frama-C: WP on the page tables' walk, map and unmap (svsm/arch/x86/paging.c)

verify-pt: verify-tools
	$(Q)cd $(FC_SRCDIR) && $(FC_GATE) $(or $(FC_JOB),pt) $(VERIFY_DIR) -- \
		$(FC_COMMON) $(FC_PT_SRCS) $(FC_WP) \
		-wp-warn-key pedantic-assigns=inactive -wp-fct $(FC_WP_PT_FCTS) \
		-then -wp-fct= -wp-prop=@lemma
