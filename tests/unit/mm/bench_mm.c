/* SPDX-License-Identifier: MIT */
/*
 * bench-mm: the cost of kmalloc/kfree(64) and page_alloc/page_free(order 0)
 * as a ratio to glibc measured in the same run. Prints numbers; asserts
 * nothing about time. The glibc reference for a page is aligned_alloc()
 * of 4 KiB plus a memset (page_alloc() hands out zeroed pages). glibc is
 * told to keep freed memory (no trimming), as our allocator does, so the
 * reference does not pay for page faults.
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svsm/log.h"
#include "svsm/mm.h"

#define REGION (64UL << 20)
#define BATCH 256
#define ROUNDS 9

enum log_level log_level_max = LOG_WARN;

void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void *volatile sink[BATCH];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

enum op {
	OP_KMALLOC,
	OP_MALLOC,
	OP_PAGE,
	OP_MALLOC_PAGE,
};

static void *op_alloc(enum op op)
{
	void *p = NULL;

	switch (op) {
	case OP_KMALLOC:
		p = kmalloc(64);
		break;
	case OP_MALLOC:
		p = malloc(64);
		break;
	case OP_PAGE:
		p = page_alloc(0);
		break;
	case OP_MALLOC_PAGE:
		p = aligned_alloc(4096, 4096);
		if (p) {
			memset(p, 0, 4096);
		}
		break;
	}
	if (!p) {
		panic("bench-mm: allocation failed");
	}
	return p;
}

static void op_free(enum op op, void *p)
{
	switch (op) {
	case OP_KMALLOC:
		kfree(p);
		break;
	case OP_PAGE:
		page_free(p, 0);
		break;
	default:
		free(p);
		break;
	}
}

/* ns per alloc+free pair over one run: immediate pairs or batches. */
static double run_once(enum op op, unsigned long iters, int batched)
{
	double t0 = now_ns();
	unsigned long i;
	size_t j;

	if (!batched) {
		for (i = 0; i < iters; i++) {
			sink[0] = op_alloc(op);
			op_free(op, sink[0]);
		}
	} else {
		for (i = 0; i < iters / BATCH; i++) {
			for (j = 0; j < BATCH; j++) {
				sink[j] = op_alloc(op);
			}
			for (j = 0; j < BATCH; j++) {
				op_free(op, sink[j]);
			}
		}
	}
	return (now_ns() - t0) / (double)iters;
}

/*
 * Runs ours and the reference alternately and keeps the best of each, so
 * both see the same machine load (this host is shared).
 */
static void report(const char *what, enum op ours, enum op ref,
		   unsigned long iters, int batched)
{
	double a = 0, b = 0;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		double ta = run_once(ours, iters, batched);
		double tb = run_once(ref, iters, batched);

		a = (r == 0 || ta < a) ? ta : a;
		b = (r == 0 || tb < b) ? tb : b;
	}
	printf("  %-34s %8.1f ns  glibc %8.1f ns  ratio %5.2f\n", what, a, b,
	       a / b);
}

int main(void)
{
	void *region = aligned_alloc(4UL << 20, REGION);

	if (!region) {
		return 1;
	}
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mm_reset();
	if (!page_alloc_add_region(region, REGION)) {
		return 1;
	}
	printf("bench-mm (best of %d; ratio = svsm / glibc, lower is "
	       "better)\n",
	       ROUNDS);
	report("kmalloc/kfree(64) pair", OP_KMALLOC, OP_MALLOC, 1000000, 0);
	report("kmalloc/kfree(64) batch of 256", OP_KMALLOC, OP_MALLOC, 4000000,
	       1);
	report("page_alloc/page_free(0) pair", OP_PAGE, OP_MALLOC_PAGE, 200000,
	       0);
	report("page_alloc/page_free(0) batch 256", OP_PAGE, OP_MALLOC_PAGE,
	       200000, 1);
	if (mm_allocated_bytes() != 0) {
		fprintf(stderr, "bench-mm: leak\n");
		return 1;
	}
	mm_reset();
	free(region);
	return 0;
}
