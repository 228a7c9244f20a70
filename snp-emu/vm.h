/* SPDX-License-Identifier: MIT */
/*
 * The SNP VM the emulator runs: created from the IGVM file on the boot CPU,
 * then one vCPU per L1 CPU.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct vm_config {
	const uint8_t *igvm;
	uint64_t igvm_size;
	uint64_t mem_bytes;  /* guest RAM */
	unsigned vcpus;	     /* = L1 CPUs */
	uint64_t l1_ram_top; /* end of L1 RAM below 4 GiB */
	const char *fault;   /* injected fault (`fault=`), or NULL */
	uint64_t bench;	     /* `bench=N`: bare VMRUN round trips first */
};

/** Create the VM and launch the IGVM file; false (reported) on failure. */
bool vm_create(const struct vm_config *cfg);
/** Run vCPU `index` on this L1 CPU; never returns. */
_Noreturn void vm_run_vcpu(unsigned index);
