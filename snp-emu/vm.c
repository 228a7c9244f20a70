/* SPDX-License-Identifier: MIT */
#include "emu.h"
#include "vm.h"
bool vm_create(const struct vm_config *cfg)
{
	(void)cfg;
	return true;
}
_Noreturn void vm_run_vcpu(unsigned index)
{
	emu_printf("cpu %u up", index);
	if (index == 0) {
		emu_exit(EMU_EXIT_PASS);
	}
	for (;;) {
		__asm__ volatile("hlt");
	}
}
