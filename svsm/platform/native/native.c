/* SPDX-License-Identifier: MIT */
/*
 * The native platform: a machine without SEV (stock QEMU/KVM). Memory is
 * always valid and private, so validation and page state changes succeed
 * without doing anything; port I/O uses the real instructions. Halting
 * reports the result to QEMU's isa-debug-exit device (port 0xf4), which is
 * harmless where there is no such device.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/platform.h>
#include <x86/asm.h>

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_SUCCESS 0x10
#define DEBUG_EXIT_FAILURE 0x11

/** Native: memory is always valid; succeeds. */
bool native_validate(uint64_t pa, size_t npages, bool valid)
{
	return true;
}

/** Native: memory is never shared; succeeds. */
bool native_page_state(uint64_t pa, size_t npages, bool shared)
{
	return true;
}

/** Native port output. */
void native_outb(uint16_t port, uint8_t v)
{
	outb(port, v);
}

/** Native port input. */
uint8_t native_inb(uint16_t port)
{
	return inb(port);
}

/** Report to isa-debug-exit (0x10 pass, 0x11 fail), then halt. */
_Noreturn void native_halt(bool success)
{
	outl(DEBUG_EXIT_PORT,
	     success ? DEBUG_EXIT_SUCCESS : DEBUG_EXIT_FAILURE);
	halt_forever();
}
