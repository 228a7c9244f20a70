/* SPDX-License-Identifier: MIT */
/*
 * The model `make verify-pt` proves svsm/arch/x86/paging.c against, and
 * what it assumes about the memory of the tables and the allocator of
 * table pages. Included by paging.c after its globals, under __FRAMAC__
 * only. docs/VERIFICATION.md lists the assumptions:
 *
 * - Every table page but the PML4 lies in fc_pt_mem, memory apart from
 *   paging.c's own variables (no entry points at the PML4: the code never
 *   installs such a recursive entry). Nothing assumes that two physical
 *   addresses give two different pages: the proofs hold even if tables
 *   alias one another.
 * - table_at(pa), paging_table_va(pa) (an integer-to-pointer conversion
 *   through the direct map or the image), returns pt_table(pa), one fixed
 *   table for each pa.
 * - table_alloc() either fails (0) or returns a page-aligned physical
 *   address whose table reads as 512 zero entries; either way it changes
 *   no entry a walk reaches: the page handed out (and zeroed) is no table
 *   in use. This is the allocator's promise (the boot pool, or
 *   page_alloc(): a page not in use), not proved here.
 * - The C-bit, when set, is above bit 11 (pt_cbit_ok, a precondition of
 *   paging_map(), paging_unmap() and creating walks; not proved where
 *   paging_set_cbit() sets it, but svsm/arch/x86/boot.S takes only
 *   positions 32-51 from the CPUID page).
 */
#pragma once

#include <stdint.h>

/* How many table pages the model has: any number works (none is counted). */
#define FC_PT_PAGES 16

/*
 * Bit-level terms of the model, as macros: the provers and WP's bit tactics
 * see the expressions themselves (a logic function's definition they do
 * not open). PT_IDX: the index of va's entry in its level-l table (3:
 * PML4 ... 0: PT); PT_LINK: an entry that links the next table.
 */
#define PT_IDX(va, l) (((va) >> (12 + 9 * (l))) & 0x1ff)
#define PT_PRESENT(e) (((e)&PTE_P) != 0)
#define PT_LINK(e) (((e)&PTE_P) != 0 && ((e)&PTE_PS) == 0)

/*
 * The leaf bits pte_bits() makes of `flags`, as a macro: the provers see
 * the expression itself (a logic function's definition they do not open).
 */
#define PT_BITS(flags)                                                         \
	(((flags)&PTE_SHARED) != 0 ? (flags) & (uint64_t)~PTE_SHARED :         \
				     (flags) | pte_cbit)

/* The memory of every table page but the PML4. */
uint64_t fc_pt_mem[FC_PT_PAGES * 512];

/*@ axiomatic FcPtTable {
      // Which page of fc_pt_mem holds the table at physical pa.
      logic integer pt_page(integer pa);
      axiom pt_page_range: \forall integer pa;
        0 <= pt_page(pa) < FC_PT_PAGES;
    }
    logic uint64_t *pt_table(integer pa) = &fc_pt_mem[pt_page(pa) * 512];

    // The index of va's entry in its level-l table (3: PML4 ... 0: PT).
    // The index of va's entry in its level-l table (3: PML4 ... 0: PT).
    logic integer pt_idx(uint64_t va, integer l) = PT_IDX(va, l);
    // (uint64_t)~x: the complement as C computes it (64 bits).
    logic integer pt_addr{L}(integer e) =
      e & PTE_ADDR_MASK & (uint64_t)~pte_cbit;
    predicate pt_cbit_ok{L} = (pte_cbit & 0xfff) == 0;
    // Where physical addresses end: at the C-bit, or past the address field.
    logic integer pt_pa_limit{L} =
      pte_cbit != 0 ? pte_cbit : PTE_ADDR_MASK + 1;

    // The PML4, always through a pointer: as paging.c reaches it.
    logic uint64_t *pt_root = &kernel_pml4[0];
    // The tables of va's walk at levels 2, 1, 0 (written out: the provers
    // unfold these, a recursive definition sends them in circles).
    logic uint64_t *pt_t2{L}(uint64_t va) =
      pt_table(pt_addr(pt_root[pt_idx(va, 3)]));
    logic uint64_t *pt_t1{L}(uint64_t va) =
      pt_table(pt_addr(pt_t2(va)[pt_idx(va, 2)]));
    logic uint64_t *pt_t0{L}(uint64_t va) =
      pt_table(pt_addr(pt_t1(va)[pt_idx(va, 1)]));
    logic uint64_t *pt_tbl{L}(uint64_t va, integer l) =
      l == 3 ? pt_root :
      l == 2 ? pt_t2(va) : l == 1 ? pt_t1(va) : pt_t0(va);
    logic uint64_t *pt_ent{L}(uint64_t va, integer l) =
      pt_tbl(va, l) + pt_idx(va, l);
    // The walk reaches level l: every entry above it links a table.
    predicate pt_reach{L}(uint64_t va, integer l) =
      (l < 3 ==> PT_LINK(pt_root[pt_idx(va, 3)])) &&
      (l < 2 ==> PT_LINK(pt_t2(va)[pt_idx(va, 2)])) &&
      (l < 1 ==> PT_LINK(pt_t1(va)[pt_idx(va, 1)]));
    // An entry of a table of the model.
    predicate pt_in_tables(uint64_t *p) =
      \subset(p, pt_root + (0 .. 511)) ||
      \subset(p, fc_pt_mem + (0 .. FC_PT_PAGES * 512 - 1));
    // A table of the model: the PML4 or a page of fc_pt_mem.
    predicate pt_is_table(uint64_t *t) =
      t == pt_root ||
      \exists integer k; 0 <= k < FC_PT_PAGES && t == &fc_pt_mem[k * 512];
    // va is mapped by a 4 KiB page whose entry is pt_leaf(va).
    predicate pt_mapped{L}(uint64_t va) =
      pt_reach(va, 0) && PT_PRESENT(*pt_ent(va, 0));
    logic integer pt_leaf{L}(uint64_t va) = *pt_ent(va, 0);
    // va is mapped by a 2 MiB page (the direct map).
    predicate pt_mapped2m{L}(uint64_t va) =
      pt_reach(va, 1) && PT_PRESENT(*pt_ent(va, 1)) &&
      (*pt_ent(va, 1) & PTE_PS) != 0;

    // Every mapping of L1 is in L2, through the same entries.
    predicate pt_kept{L1, L2} =
      \at(pte_cbit, L1) == \at(pte_cbit, L2) &&
      (\forall uint64_t va; pt_mapped{L1}(va) ==>
        pt_mapped{L2}(va) && pt_leaf{L2}(va) == pt_leaf{L1}(va) &&
        \at(pt_ent(va, 0), L2) == \at(pt_ent(va, 0), L1)) &&
      (\forall uint64_t va; pt_mapped2m{L1}(va) ==>
        pt_mapped2m{L2}(va) &&
        \at(*pt_ent(va, 1), L2) == \at(*pt_ent(va, 1), L1));
    // Every 4 KiB mapping of L2 was in L1, with the same leaf.
    predicate pt_no_new{L1, L2} =
      \at(pte_cbit, L1) == \at(pte_cbit, L2) &&
      \forall uint64_t va; pt_mapped{L2}(va) ==>
        pt_mapped{L1}(va) && pt_leaf{L1}(va) == pt_leaf{L2}(va) &&
        \at(pt_ent(va, 0), L2) == \at(pt_ent(va, 0), L1);
    // Every table a walk reaches in L1 has the same entries in L2: the
    // entry of every va at every level the walk reaches is unchanged.
    predicate pt_tables_kept{L1, L2} =
      \at(pte_cbit, L1) == \at(pte_cbit, L2) &&
      (\forall uint64_t va;
        \at(pt_root[pt_idx(va, 3)], L2) == \at(pt_root[pt_idx(va, 3)], L1)) &&
      (\forall uint64_t va; pt_reach{L1}(va, 2) ==>
        \at(\at(pt_t2(va), L1)[pt_idx(va, 2)], L2) ==
        \at(pt_t2(va)[pt_idx(va, 2)], L1)) &&
      (\forall uint64_t va; pt_reach{L1}(va, 1) ==>
        \at(\at(pt_t1(va), L1)[pt_idx(va, 1)], L2) ==
        \at(pt_t1(va)[pt_idx(va, 1)], L1)) &&
      (\forall uint64_t va; pt_reach{L1}(va, 0) ==>
        \at(\at(pt_t0(va), L1)[pt_idx(va, 0)], L2) ==
        \at(pt_t0(va)[pt_idx(va, 0)], L1));
    // L2 is L1 but for the entry at w (of the model's table memory).
    predicate pt_write{L1, L2}(uint64_t *w) =
      \at(pte_cbit, L1) == \at(pte_cbit, L2) &&
      \forall uint64_t *p; p != w ==> \at(*p, L1) == \at(*p, L2);
    lemma pt_write_e3{L1, L2}: \forall uint64_t *w; \forall uint64_t va;
      pt_write{L1, L2}(w) && !PT_PRESENT(\at(*w, L1)) &&
      PT_PRESENT(\at(pt_root[pt_idx(va, 3)], L1)) ==>
      \at(pt_root[pt_idx(va, 3)], L2) == \at(pt_root[pt_idx(va, 3)], L1);
    lemma pt_write_t2{L1, L2}: \forall uint64_t *w; \forall uint64_t va;
      pt_write{L1, L2}(w) && !PT_PRESENT(\at(*w, L1)) &&
      PT_PRESENT(\at(pt_root[pt_idx(va, 3)], L1)) ==>
      \at(pt_t2(va), L2) == \at(pt_t2(va), L1);
    lemma pt_write_e2{L1, L2}: \forall uint64_t *w; \forall uint64_t va;
      pt_write{L1, L2}(w) && !PT_PRESENT(\at(*w, L1)) &&
      PT_PRESENT(\at(pt_root[pt_idx(va, 3)], L1)) &&
      PT_PRESENT(\at(pt_t2(va)[pt_idx(va, 2)], L1)) ==>
      \at(pt_t2(va)[pt_idx(va, 2)], L2) == \at(pt_t2(va)[pt_idx(va, 2)], L1);
    // Writing an entry that was not present keeps every mapping.
    lemma pt_write_kept{L1, L2}: \forall uint64_t *w;
      pt_write{L1, L2}(w) && !PT_PRESENT(\at(*w, L1)) ==> pt_kept{L1, L2};
    lemma pt_kept_trans{L1, L2, L3}:
      pt_kept{L1, L2} && pt_kept{L2, L3} ==> pt_kept{L1, L3};
    // Clearing an entry maps nothing new (the walks through it stop).
    lemma pt_zero_e3{L1, L2}: \forall uint64_t *w; \forall uint64_t va;
      pt_write{L1, L2}(w) && !PT_PRESENT(\at(*w, L2)) &&
      PT_PRESENT(\at(pt_root[pt_idx(va, 3)], L2)) ==>
      \at(pt_root[pt_idx(va, 3)], L2) == \at(pt_root[pt_idx(va, 3)], L1) &&
      \at(pt_t2(va), L2) == \at(pt_t2(va), L1);
    lemma pt_zero_e2{L1, L2}: \forall uint64_t *w; \forall uint64_t va;
      pt_write{L1, L2}(w) && !PT_PRESENT(\at(*w, L2)) &&
      PT_PRESENT(\at(pt_root[pt_idx(va, 3)], L2)) &&
      PT_PRESENT(\at(pt_t2(va)[pt_idx(va, 2)], L2)) ==>
      \at(pt_t2(va)[pt_idx(va, 2)], L2) == \at(pt_t2(va)[pt_idx(va, 2)], L1) &&
      \at(pt_t1(va), L2) == \at(pt_t1(va), L1);
    lemma pt_zero_e1{L1, L2}: \forall uint64_t *w; \forall uint64_t va;
      pt_write{L1, L2}(w) && !PT_PRESENT(\at(*w, L2)) && pt_reach{L2}(va, 1) &&
      PT_PRESENT(\at(pt_t1(va)[pt_idx(va, 1)], L2)) ==>
      \at(pt_t1(va)[pt_idx(va, 1)], L2) == \at(pt_t1(va)[pt_idx(va, 1)], L1) &&
      \at(pt_t0(va), L2) == \at(pt_t0(va), L1);
    lemma pt_zero_no_new{L1, L2}: \forall uint64_t *w;
      pt_write{L1, L2}(w) && !PT_PRESENT(\at(*w, L2)) ==> pt_no_new{L1, L2};
    lemma pt_no_new_trans{L1, L2, L3}:
      pt_no_new{L1, L2} && pt_no_new{L2, L3} ==> pt_no_new{L1, L3};
    // One step of the walk: a linking entry leads to the next table.
    lemma pt_step{L}: \forall uint64_t va; \forall integer l;
      1 <= l <= 3 && pt_reach(va, l) && PT_LINK(*pt_ent(va, l)) ==>
      pt_reach(va, l - 1) &&
      pt_tbl(va, l - 1) == pt_table(pt_addr(*pt_ent(va, l)));
    // A walk that reaches level j passes linking entries above it.
    lemma pt_reach_above{L}: \forall uint64_t va; \forall integer l, j;
      0 <= j < l <= 3 && pt_reach(va, j) ==>
      pt_reach(va, l) && PT_LINK(*pt_ent(va, l));
    // Writing an entry that was not present keeps every walk's way.
    lemma pt_write_reach{L1, L2}: \forall uint64_t *w; \forall uint64_t va; \forall integer l;
      0 <= l <= 3 && pt_write{L1, L2}(w) && !PT_PRESENT(\at(*w, L1)) &&
      pt_reach{L1}(va, l) ==>
      pt_reach{L2}(va, l) && \at(pt_tbl(va, l), L2) == \at(pt_tbl(va, l), L1);
    lemma pt_tk_3{L1, L2}: \forall uint64_t va;
      pt_tables_kept{L1, L2} ==>
      \at(pt_root[pt_idx(va, 3)], L2) == \at(pt_root[pt_idx(va, 3)], L1);
    lemma pt_tk_2{L1, L2}: \forall uint64_t va;
      pt_tables_kept{L1, L2} ==> \at(pt_t2(va), L2) == \at(pt_t2(va), L1);
    lemma pt_tk_1{L1, L2}: \forall uint64_t va;
      pt_tables_kept{L1, L2} && pt_reach{L1}(va, 2) ==>
      \at(pt_t1(va), L2) == \at(pt_t1(va), L1);
    lemma pt_tk_0{L1, L2}: \forall uint64_t va;
      pt_tables_kept{L1, L2} && pt_reach{L1}(va, 1) ==>
      \at(pt_t0(va), L2) == \at(pt_t0(va), L1);
    lemma pt_tables_kept_reach{L1, L2}: \forall uint64_t va; \forall integer l;
      0 <= l <= 3 && pt_tables_kept{L1, L2} && pt_reach{L1}(va, l) ==>
      pt_reach{L2}(va, l) && \at(pt_tbl(va, l), L2) == \at(pt_tbl(va, l), L1) &&
      \at(*pt_ent(va, l), L2) == \at(*pt_ent(va, l), L1);
    // The entry walk() writes for a new table links it.
    lemma pt_link_new: \forall uint64_t pa, c;
      (pa & 0xfff) == 0 && (c & 0xfff) == 0 ==>
      PT_LINK(pa | c | PTE_P | PTE_RW);
    // A cleared entry is not present (the provers lack bit_test(0, 0)).
    lemma pt_present_nonzero: \forall uint64_t e; PT_PRESENT(e) ==> e != 0;
    // A present bit in the leaf bits makes the leaf present.
    lemma pt_or_present: \forall uint64_t a, b;
      PT_PRESENT(b) ==> PT_PRESENT(a | b);

    // The leaf for pa with `bits`. WP's simplifier orders the operands of
    // `|` by name when it unfolds this: `addr` before `bits` gives the
    // order of paging.c's `pa | bits` (z3 does not see `|` commute).
    logic integer pt_entry(integer addr, integer bits) = addr | bits;
    // Pages 0 .. n-1 from va map pa plus their offset with `bits`: each
    // a present 4 KiB leaf of exactly that value.
    predicate pt_maps{L}(uint64_t va, integer pa, integer n, integer bits) =
      \forall uint64_t v; va <= v < va + n * 4096 && (v - va) % 4096 == 0 ==>
        pt_mapped(v) && pt_leaf(v) == pt_entry(pa + (v - va), bits);
    // What the map loop carries: pages mapped stay mapped ...
    lemma pt_maps_kept{L1, L2}: \forall uint64_t va; \forall integer pa, n, bits;
      pt_kept{L1, L2} && pt_maps{L1}(va, pa, n, bits) ==>
      pt_maps{L2}(va, pa, n, bits);
    // ... and the next page, once mapped, joins them.
    lemma pt_maps_next{L}: \forall uint64_t va, v; \forall integer pa, n, bits;
      0 <= n && v == va + n * 4096 && pt_maps(va, pa, n, bits) &&
      pt_maps(v, pa + n * 4096, 1, bits) ==> pt_maps(va, pa, n + 1, bits);
    lemma pt_maps_one{L}: \forall uint64_t va; \forall integer pa, bits;
      pt_mapped(va) && pt_leaf(va) == pt_entry(pa, bits) ==>
      pt_maps(va, pa, 1, bits);

    // No page 0 .. n-1 from va is mapped by a 4 KiB page.
    predicate pt_unmapped{L}(uint64_t va, integer n) =
      \forall uint64_t v; va <= v < va + n * 4096 && (v - va) % 4096 == 0 ==>
        !pt_mapped(v);
    lemma pt_unmapped_no_new{L1, L2}: \forall uint64_t va; \forall integer n;
      pt_no_new{L1, L2} && pt_unmapped{L1}(va, n) ==> pt_unmapped{L2}(va, n);
    lemma pt_unmapped_next{L}: \forall uint64_t va, v; \forall integer n;
      0 <= n && v == va + n * 4096 && pt_unmapped(va, n) &&
      pt_unmapped(v, 1) ==> pt_unmapped(va, n + 1);
    // The same, for every page-aligned v of [va, end).
    predicate pt_unmapped_aligned{L}(uint64_t va, integer end) =
      \forall uint64_t v; v % 4096 == 0 && va <= v < end ==> !pt_mapped(v);
    lemma pt_unmapped_aligned{L}: \forall uint64_t va; \forall integer n;
      va % 4096 == 0 && pt_unmapped(va, n) ==>
      pt_unmapped_aligned(va, va + n * 4096);
    lemma pt_unmapped_one{L}: \forall uint64_t va;
      !pt_mapped(va) ==> pt_unmapped(va, 1);

    // No table entry changed from L1 to L2.
    predicate pt_unchanged{L1, L2} =
      (\forall integer i; 0 <= i < 512 ==>
        \at(pt_root[i], L1) == \at(pt_root[i], L2)) &&
      (\forall integer i; 0 <= i < FC_PT_PAGES * 512 ==>
        \at(fc_pt_mem[i], L1) == \at(fc_pt_mem[i], L2));
 */

/*@ terminates \true;
    assigns \result \from pa;
    ensures \result == pt_table(pa);
    ensures \valid(\result + (0 .. 511)) && pt_is_table(\result);
 */
static uint64_t *table_at(uint64_t pa);

/*@ terminates \true;
    assigns fc_pt_mem[0 .. FC_PT_PAGES * 512 - 1];
    ensures \result == 0 ==> pt_tables_kept{Pre, Post} && pt_kept{Pre, Post};
    ensures \result != 0 ==> (\result & 0xfff) == 0;
    ensures \result != 0 ==>
      \forall integer i; 0 <= i < 512 ==> pt_table(\result)[i] == 0;
    ensures \result != 0 ==> pt_tables_kept{Pre, Post};
    ensures \result != 0 ==> pt_kept{Pre, Post};
 */
static uint64_t table_alloc(void);
