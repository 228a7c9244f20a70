/* SPDX-License-Identifier: MIT */
/*
 * Which pages of kept guest memory were written (hosted front end). A
 * machine's memory is kept for the next machine and must be all zero
 * again by then; the fuzzers boot a machine per input, and reading 16 MiB
 * to find the dozen pages a run wrote was a third of an execution.
 *
 * Linux (6.7 and later) tracks writes for us: a userfaultfd registration
 * in asynchronous write-protect mode makes the kernel itself clear a
 * page's write protection on its first write (no signal, no handler
 * thread; writes by the kernel, e.g. read(2) into the page, count as
 * well), and the PAGEMAP_SCAN ioctl lists the pages written since and
 * protects them again. Where that is missing (older kernels, no
 * userfaultfd permission), snp_dirty_arm() fails and the caller reads
 * every page instead.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/userfaultfd.h>

#include "machine_internal.h"

/* The kernel ABI (linux/userfaultfd.h, linux/fs.h of 6.7), for older
 * headers. */
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

struct snp_page_region {
	uint64_t start, end, categories;
};

struct snp_pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask;
	uint64_t return_mask;
};

#define SNP_PAGE_IS_WRITTEN (1ULL << 1)
#define SNP_PM_SCAN_WP_MATCHING (1ULL << 0)
#define SNP_PM_SCAN_CHECK_WPASYNC (1ULL << 1)
#define SNP_PAGEMAP_SCAN _IOWR('f', 16, struct snp_pm_scan_arg)

#define DIRTY_MAPS 8

static int uffd = -1, pagemap = -1;
static bool unavailable, disabled;
static struct {
	uint8_t *p;
	size_t len;
} armed[DIRTY_MAPS];

/** Test hook: never track (the fallback path), or track again. */
void snp_dirty_disable(bool off)
{
	disabled = off;
}

/* The userfaultfd and pagemap descriptors, opened on first use. */
static bool open_once(void)
{
	struct uffdio_api api = {
		.api = UFFD_API,
		.features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED,
	};

	if (uffd >= 0 || unavailable) {
		return !unavailable;
	}
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (uffd < 0 || pagemap < 0 || ioctl(uffd, UFFDIO_API, &api) != 0) {
		if (uffd >= 0) {
			close(uffd);
		}
		if (pagemap >= 0) {
			close(pagemap);
		}
		uffd = pagemap = -1;
		unavailable = true;
	}
	return !unavailable;
}

static int slot_of(const uint8_t *p, size_t len)
{
	int i;

	for (i = 0; i < DIRTY_MAPS; i++) {
		if (armed[i].p == p && armed[i].len == len) {
			return i;
		}
	}
	return -1;
}

/** The mapping [p, p + len) is no longer tracked (or goes away). */
void snp_dirty_forget(void *p, size_t len)
{
	struct uffdio_range r = { (uintptr_t)p, len };
	int i;

	for (i = 0; i < DIRTY_MAPS; i++) {
		if (armed[i].p == p) {
			armed[i].p = NULL;
			armed[i].len = 0;
			ioctl(uffd, UFFDIO_UNREGISTER, &r);
		}
	}
}

/**
 * Track writes to the first `tracked` bytes of the mapping [p, p + len)
 * (page-aligned, one anonymous mapping) from now on: snp_dirty_each()
 * lists the pages written. False if the kernel cannot (or `tracked` is 0).
 */
bool snp_dirty_arm(void *p, size_t len, size_t tracked)
{
	struct uffdio_register reg = {
		.range = { (uintptr_t)p, tracked },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};
	struct uffdio_writeprotect wp = {
		.range = { (uintptr_t)p, tracked },
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};
	int i;

	snp_dirty_forget(p, len);
	i = slot_of(NULL, 0);
	if (disabled || tracked == 0 || i < 0 || !open_once()) {
		return false;
	}
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) != 0) {
		return false;
	}
	armed[i].p = p;
	armed[i].len = tracked;
	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) != 0) {
		snp_dirty_forget(p, len);
		return false;
	}
	return true;
}

/*
 * One PAGEMAP_SCAN pass over [*start, end): written pages into `vec`,
 * write-protected again if `reprotect`. Returns the regions found (or -1)
 * and moves *start to where the walk ended.
 */
static long scan(uint64_t *start, uint64_t end, struct snp_page_region *vec,
		 size_t n, bool reprotect)
{
	struct snp_pm_scan_arg a = {
		.size = sizeof(a),
		.flags = SNP_PM_SCAN_CHECK_WPASYNC |
			 (reprotect ? SNP_PM_SCAN_WP_MATCHING : 0),
		.start = *start,
		.end = end,
		.vec = (uintptr_t)vec,
		.vec_len = n,
		.category_mask = SNP_PAGE_IS_WRITTEN,
		.return_mask = SNP_PAGE_IS_WRITTEN,
	};
	long r = ioctl(pagemap, SNP_PAGEMAP_SCAN, &a);

	*start = a.walk_end;
	return r;
}

/**
 * Call fn(page) for each page of [p, p + len), as armed, written since it
 * was armed or last passed here, then protect them again (what fn writes
 * does not count). -1 (nothing called) if it is not tracked so.
 */
int snp_dirty_each(void *p, size_t len, void (*fn)(uint8_t *page))
{
	struct snp_page_region vec[64];
	uint64_t start = (uintptr_t)p, end = start + len;
	long n, i;

	if (slot_of(p, len) < 0) {
		return -1;
	}
	while (start < end) {
		uint64_t next = start;

		n = scan(&next, end, vec, sizeof(vec) / sizeof(vec[0]), false);
		if (n < 0) {
			return -1;
		}
		for (i = 0; i < n; i++) {
			uint64_t a;

			for (a = vec[i].start; a < vec[i].end;
			     a += SNP_PAGE_SIZE) {
				fn((uint8_t *)(uintptr_t)a);
			}
		}
		/* What fn wrote is protected again with the rest. */
		if (scan(&start, next, vec, sizeof(vec) / sizeof(vec[0]),
			 true) < 0) {
			return -1;
		}
		start = next;
	}
	return 0;
}
