/* SPDX-License-Identifier: MIT */
/*
 * Time: the TSC, calibrated once against PIT channel 2 (about 10 ms), for
 * delays (AP start-up) and test timing. Good enough for both; there is no
 * timer interrupt.
 */
#include <stdint.h>

#include <x86/asm.h>
#include <x86/time.h>

#define PIT_HZ 1193182UL
#define CALIBRATE_MS 10
/* A PIT that never counts down (missing, or a host that does not forward
 * it on SNP) must not hang the boot: the default rate stays. */
#define CALIBRATE_POLLS 5000000UL

static uint64_t tsc_per_us = 1000;
static uint64_t tsc_start;

/** Calibrate the TSC against PIT channel 2. */
void time_init(void)
{
	uint64_t count = PIT_HZ * CALIBRATE_MS / 1000;
	unsigned long polls = 0;
	uint64_t t0;
	uint64_t t1;

	/* PIT channel 2, mode 0, gate on, speaker off. */
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	t0 = rdtsc();
	while ((inb(0x61) & 0x20) == 0) {
		if (++polls == CALIBRATE_POLLS) {
			tsc_start = t0;
			return;
		}
		cpu_relax();
	}
	t1 = rdtsc();
	if (t1 > t0 && (t1 - t0) / (CALIBRATE_MS * 1000) > 0) {
		tsc_per_us = (t1 - t0) / (CALIBRATE_MS * 1000);
	}
	tsc_start = t0;
}

/** Start the clock at `rate` TSC ticks per microsecond (0: default). */
void time_init_rate(uint64_t rate)
{
	if (rate != 0) {
		tsc_per_us = rate;
	}
	tsc_start = rdtsc();
}

/** Microseconds in `ticks` TSC ticks. */
uint64_t time_tsc_to_us(uint64_t ticks)
{
	return ticks / tsc_per_us;
}

/** Busy-wait `us` microseconds. */
void udelay(unsigned long us)
{
	uint64_t end = rdtsc() + us * tsc_per_us;

	while (rdtsc() < end) {
		cpu_relax();
	}
}

/** Microseconds since `time_init()`. */
uint64_t time_us(void)
{
	return (rdtsc() - tsc_start) / tsc_per_us;
}
