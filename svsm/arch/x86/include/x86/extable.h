/* SPDX-License-Identifier: MIT */
/*
 * The exception fixup table. An instruction that may fault on purpose (a
 * trapped copy from guest memory, a probing RDMSR) records its address and
 * a continuation address in section `__ex_table`; the trap handler resumes
 * there instead of treating the fault as fatal.
 */
#pragma once

#include <stdint.h>

/** One fixup: a fault at `insn` continues at `fixup`. */
struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};

/* Emit a table entry from inline assembly: `EXTABLE(1b, 2f)`. */
#define EXTABLE(insn, fixup)                                                   \
	".pushsection __ex_table, \"a\"\n\t.balign 8\n\t.quad " #insn          \
	", " #fixup "\n\t.popsection\n\t"

/** The continuation for a fault at `rip`, or 0 if there is none. */
uint64_t extable_lookup(uint64_t rip);
