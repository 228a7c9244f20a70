/* SPDX-License-Identifier: MIT */
/*
 * The software SNP machine's memory: a new machine's memory is all zero
 * when the hosted front end reuses the last one's (machine_hosted.c), and
 * the kernel's write tracking names the pages written (dirty.c).
 */
#include <string.h>
#include <unistd.h>

#if defined(SVSM_ASAN)
#include <sanitizer/asan_interface.h>
#endif

#include "machine_internal.h"
#include "machine_test.h"

/* 256 bytes the last machine left poisoned, as the SVSM's slab does. */
#define POISONED 0x201000ULL

static uint64_t pages_seen;

static void count_page(uint8_t *page)
{
	(void)page;
	pages_seen++;
}

/* Write `n` bytes at `dst` by read(2): the kernel writes, not our code. */
static void kernel_write(uint8_t *dst, const char *s, size_t n)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], s, n), (ssize_t)n);
	assert_int_equal(read(fds[0], dst, n), (ssize_t)n);
	close(fds[0]);
	close(fds[1]);
}

/* Dirty a machine's memory every way a run can, then make a new one. */
static struct snp_machine *dirty_and_renew(void **state, unsigned round)
{
	struct snp_machine *m = *state;
	uint8_t *mem = snp_machine_mem(m);
	uint64_t off;

	/* The SVSM's region of a 64 MiB machine: read, not tracked. */
	snp_machine_hint_busy_top(m, 8ULL << 20);
	/* Every third page of the first half: more regions than one
	 * PAGEMAP_SCAN call returns. */
	for (off = round * TM_PAGE; off < TM_MEM / 2; off += 3 * TM_PAGE) {
		mem[off + (off / TM_PAGE) % TM_PAGE] = (uint8_t)(1 + round);
	}
	memset(mem + TM_MEM / 2 + 5 * TM_PAGE, 0xA5, 3 * TM_PAGE);
	mem[TM_MEM - 1] = 3;		    /* busy top */
	mem[TM_MEM - (8ULL << 20) - 1] = 4; /* just below it */
	kernel_write(mem + TM_MEM / 2 + 99 * TM_PAGE, "kernel", 6);
#if defined(SVSM_ASAN)
	/* As the SVSM's slab leaves its free objects. */
	__asan_poison_memory_region(mem + POISONED, 256);
#endif
	tm_teardown(state);
	assert_int_equal(tm_setup(state), 0);
	m = *state;
	assert_ptr_equal(snp_machine_mem(m), mem); /* kept, not remapped */
	return m;
}

static void assert_all_zero(struct snp_machine *m)
{
	static const uint8_t zero[TM_PAGE];
	uint64_t off;

	for (off = 0; off < TM_MEM; off += TM_PAGE) {
		assert_memory_equal(snp_machine_mem(m) + off, zero, TM_PAGE);
	}
	memset(snp_machine_mem(m) + POISONED, 7, 256); /* unpoisoned */
}

/*
 * Confirm a new machine's memory is all zero and unpoisoned, also when it
 * reuses the memory of the one before it (the hosted front end keeps it:
 * faulting pages in again was most of a boot) however that one wrote it,
 * both where the kernel tracks the writes (dirty.c: only the pages
 * written are cleared) and where it cannot (every page is read).
 */
static void create_memory_zero_tracked(void **state)
{
	unsigned round;

	for (round = 0; round < 3; round++) {
		assert_all_zero(dirty_and_renew(state, round));
	}
	snp_dirty_disable(true);
	for (round = 0; round < 2; round++) {
		assert_all_zero(dirty_and_renew(state, round));
	}
	snp_dirty_disable(false);
	assert_all_zero(dirty_and_renew(state, 0)); /* arms again */
	assert_all_zero(dirty_and_renew(state, 1));
}

/*
 * Confirm the kernel's write tracking names exactly the pages written (a
 * write by the kernel included), where it is available (Linux 6.7 and
 * later).
 */
static void dirty_pages_listed(void **state)
{
	uint64_t tracked = TM_MEM - (8ULL << 20);
	struct snp_machine *m;
	uint8_t *mem;

	dirty_and_renew(state, 0);
	m = dirty_and_renew(state, 1); /* armed over `tracked` bytes */
	mem = snp_machine_mem(m);
	if (snp_dirty_each(mem, tracked, count_page) != 0) {
		skip(); /* no userfaultfd write-protect on this kernel */
	}
	pages_seen = 0; /* what the new machine wrote itself, if anything */
	mem[5 * TM_PAGE] = 1;
	mem[tracked - 1] = 1;
	(void)mem[9 * TM_PAGE]; /* a read is not a write */
	kernel_write(mem + 77 * TM_PAGE, "k", 1);
	assert_int_equal(snp_dirty_each(mem, tracked, count_page), 0);
	assert_int_equal(pages_seen, 3);
	pages_seen = 0; /* protected again: nothing new */
	assert_int_equal(snp_dirty_each(mem, tracked, count_page), 0);
	assert_int_equal(pages_seen, 0);
	mem[5 * TM_PAGE] = 0;
	mem[tracked - 1] = 0;
	mem[77 * TM_PAGE] = 0;
}

int machine_test_memory(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_memory_zero_tracked,
						tm_setup, tm_teardown),
		cmocka_unit_test_setup_teardown(dirty_pages_listed, tm_setup,
						tm_teardown),
	};

	return cmocka_run_group_tests_name("machine_memory", tests, NULL, NULL);
}
