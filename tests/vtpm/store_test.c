/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the persistent vTPM store (svsm/vtpm/nv_store.c) over an
 * injectable medium that models a disk: writes stay volatile until a
 * barrier; a crash keeps the durable image plus none, all, or all but a
 * torn last one of the writes since. Every write and every barrier of
 * every commit is failed in turn and followed by each kind of crash: the
 * reopened state must be the old or the new one, never a mix, never
 * refused. Tampering, truncation and a wrong key are refused; deltas stay
 * small; allocation failures change nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/vtpm.h"
#include "svsm/vtpm_key.h"
#include "svsm/vtpm_store.h"

#define ARENA_BYTES (32UL << 20)
#define MEDIUM_MAX (1U << 20)
#define MAX_PENDING 64

/* --- the modelled disk --- */

struct pending {
	uint64_t off;
	size_t len;
	uint8_t *data;
};

struct disk {
	uint8_t *durable, *cache; /* cache: what reads see */
	size_t durable_len, cache_len;
	struct pending p[MAX_PENDING];
	unsigned np;
	unsigned writes, syncs;		/* calls so far */
	unsigned fail_write, fail_sync; /* 1-based call to fail; 0 never */
};

static void *arena;
static struct disk disk;
static struct vtpm_state_key key;

static int d_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct disk *d = ctx;

	if (off > d->cache_len || len > d->cache_len - off) {
		return -1;
	}
	memcpy(buf, d->cache + off, len);
	return 0;
}

static void apply(uint8_t *img, size_t *img_len, uint64_t off,
		  const uint8_t *data, size_t len)
{
	assert_true(off + len <= MEDIUM_MAX);
	memcpy(img + off, data, len);
	if (off + len > *img_len) {
		*img_len = off + len;
	}
}

static int d_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct disk *d = ctx;
	struct pending *p;
	size_t n = len;

	d->writes++;
	if (d->writes == d->fail_write) {
		n = len / 2; /* a torn write that reports its failure */
	}
	assert_true(d->np < MAX_PENDING);
	p = &d->p[d->np++];
	p->off = off;
	p->len = n;
	p->data = malloc(n ? n : 1);
	assert_non_null(p->data);
	memcpy(p->data, buf, n);
	apply(d->cache, &d->cache_len, off, buf, n);
	return n == len ? 0 : -1;
}

static void drop_pending(struct disk *d)
{
	unsigned i;

	for (i = 0; i < d->np; i++) {
		free(d->p[i].data);
	}
	d->np = 0;
}

static int d_sync(void *ctx)
{
	struct disk *d = ctx;
	unsigned i;

	d->syncs++;
	if (d->syncs == d->fail_sync) {
		return -1; /* nothing known about what reached the disk */
	}
	for (i = 0; i < d->np; i++) {
		apply(d->durable, &d->durable_len, d->p[i].off, d->p[i].data,
		      d->p[i].len);
	}
	drop_pending(d);
	return 0;
}

static uint64_t d_size(void *ctx)
{
	return ((struct disk *)ctx)->cache_len;
}

static const struct vtpm_store_io io = {
	.read = d_read,
	.write = d_write,
	.sync = d_sync,
	.size = d_size,
	.ctx = &disk,
};

enum crash {
	CRASH_NONE,
	CRASH_ALL,
	CRASH_TORN_1,
	CRASH_TORN_HALF,
	CRASH_N
};

/* Power loss: the disk keeps what was synced plus what `how` says. */
static void crash(enum crash how)
{
	unsigned i, n = how == CRASH_NONE ? 0 : disk.np;

	for (i = 0; i < n; i++) {
		size_t len = disk.p[i].len;

		if (i == n - 1 && how == CRASH_TORN_1) {
			len = len > 1 ? 1 : 0;
		} else if (i == n - 1 && how == CRASH_TORN_HALF) {
			len /= 2;
		}
		apply(disk.durable, &disk.durable_len, disk.p[i].off,
		      disk.p[i].data, len);
	}
	drop_pending(&disk);
	memcpy(disk.cache, disk.durable, disk.durable_len);
	disk.cache_len = disk.durable_len;
	disk.fail_write = disk.fail_sync = 0;
}

static void disk_reset(void)
{
	drop_pending(&disk);
	memset(disk.durable, 0, MEDIUM_MAX);
	memset(disk.cache, 0, MEDIUM_MAX);
	disk.durable_len = disk.cache_len = 0;
	disk.writes = disk.syncs = 0;
	disk.fail_write = disk.fail_sync = 0;
}

static int setup(void **state)
{
	uint8_t secret[32];

	(void)state;
	mm_reset();
	arena = aligned_alloc(1UL << 22, ARENA_BYTES);
	if (arena == NULL || !page_alloc_add_region(arena, ARENA_BYTES)) {
		return -1;
	}
	disk.durable = calloc(1, MEDIUM_MAX);
	disk.cache = calloc(1, MEDIUM_MAX);
	memset(secret, 0x42, sizeof(secret));
	if (disk.durable == NULL || disk.cache == NULL ||
	    vtpm_state_key_derive(secret, sizeof(secret), &key) != 0) {
		return -1;
	}
	disk_reset();
	return vtpm_store_format(&io, &key);
}

static int teardown(void **state)
{
	(void)state;
	drop_pending(&disk);
	free(disk.durable);
	free(disk.cache);
	assert_int_equal(mm_allocated_bytes(), 0);
	mm_reset();
	free(arena);
	return 0;
}

static struct vtpm_store *open_ok(void)
{
	enum vtpm_store_err err = VTPM_STORE_ERR_IO;
	struct vtpm_store *st = vtpm_store_open(&io, &key, &err);

	assert_int_equal(err, VTPM_STORE_OK);
	assert_non_null(st);
	return st;
}

/* Blob `name` of `st` equals `want` (NULL: absent). */
static bool blob_is(struct vtpm_store *st, const char *name,
		    const uint8_t *want, size_t want_len)
{
	struct vtpm_nv_ops ops;
	uint8_t *data = NULL;
	size_t len = 0;
	bool same;
	int rc;

	vtpm_store_ops(st, &ops);
	rc = ops.load(ops.ctx, name, &data, &len);
	if (want == NULL) {
		same = rc == 1;
	} else {
		same = rc == 0 && len == want_len &&
		       memcmp(data, want, len) == 0;
	}
	if (rc == 0) {
		kfree(data);
	}
	return same;
}

/* --- the states a sweep moves through --- */

#define BLOB 8000U
#define STEPS 16

/* Step s's blob: mostly the same, `s`-dependent runs changed. */
static void step_blob(unsigned s, uint8_t *b, size_t *len)
{
	unsigned i;

	*len = BLOB + (s % 3) * 100;
	for (i = 0; i < *len; i++) {
		b[i] = (uint8_t)(i * 7);
	}
	if (s >= 2 && s % 8 != 4) { /* mostly whole rewrites */
		for (i = 0; i < *len; i++) {
			b[i] = (uint8_t)(i * 13 + s);
		}
	}
	for (i = 0; i < 40; i++) {
		b[(s * 997 + i) % *len] = (uint8_t)(s + 1);
	}
}

/* Step s: "permall" becomes step_blob(s); odd steps add or drop "extra". */
static int do_step(struct vtpm_store *st, unsigned s)
{
	static const uint8_t extra[100] = { 1, 2, 3 };
	struct vtpm_nv_ops ops;
	uint8_t b[BLOB + 300];
	size_t len;

	vtpm_store_ops(st, &ops);
	if (s % 2 == 1) {
		return s % 4 == 1 ? ops.store(ops.ctx, "extra", extra,
					      sizeof(extra)) :
				    ops.remove(ops.ctx, "extra");
	}
	step_blob(s, b, &len);
	return ops.store(ops.ctx, "permall", b, len);
}

/* The state after steps 0 .. n - 1. */
static bool state_after(struct vtpm_store *st, unsigned n)
{
	static const uint8_t extra[100] = { 1, 2, 3 };
	uint8_t b[BLOB + 300];
	size_t len = 0;
	unsigned last_even = n, last_odd = n;
	bool has_extra;

	while (last_even > 0 && (last_even - 1) % 2 != 0) {
		last_even--;
	}
	while (last_odd > 0 && (last_odd - 1) % 2 != 1) {
		last_odd--;
	}
	if (last_even == 0) {
		return blob_is(st, "permall", NULL, 0);
	}
	step_blob(last_even - 1, b, &len);
	has_extra = last_odd > 0 && (last_odd - 1) % 4 == 1;
	return blob_is(st, "permall", b, len) &&
	       blob_is(st, "extra", has_extra ? extra : NULL, sizeof(extra));
}

/* A fresh medium taken through steps 0 .. n - 1. */
static struct vtpm_store *prepare(unsigned n)
{
	struct vtpm_store *st;
	unsigned s;

	disk_reset();
	assert_int_equal(vtpm_store_format(&io, &key), 0);
	st = open_ok();
	for (s = 0; s < n; s++) {
		assert_int_equal(do_step(st, s), 0);
	}
	return st;
}

/**
 * Confirm that failing each write and each barrier of every commit, then
 * losing power in every way, leaves the old or the new state.
 */
static void crash_every_write_and_sync(void **state)
{
	struct vtpm_store_stats stats;
	struct vtpm_store *st;
	unsigned s, k, points = 0;

	(void)state;
	for (s = 0; s < STEPS; s++) {
		unsigned w0, y0, nw, ny;

		/* How many writes and barriers this commit makes. */
		st = prepare(s);
		w0 = disk.writes;
		y0 = disk.syncs;
		assert_int_equal(do_step(st, s), 0);
		nw = disk.writes - w0;
		ny = disk.syncs - y0;
		vtpm_store_close(st);
		assert_true(nw >= 4 && ny == 2);
		for (k = 0; k < nw + ny; k++) {
			enum crash how;

			for (how = CRASH_NONE; how < CRASH_N; how++) {
				st = prepare(s);
				if (k < nw) {
					disk.fail_write = disk.writes + k + 1;
				} else {
					disk.fail_sync =
						disk.syncs + k - nw + 1;
				}
				assert_int_equal(do_step(st, s), -1);
				vtpm_store_close(st);
				crash(how);
				st = open_ok();
				assert_true(state_after(st, s) ||
					    state_after(st, s + 1));
				/* Writing on after the crash works (a removal
				 * that made it already finds nothing: 1). */
				assert_true(do_step(st, s) >= 0);
				vtpm_store_close(st);
				st = open_ok();
				assert_true(state_after(st, s + 1));
				vtpm_store_close(st);
				points++;
			}
		}
	}
	/* The sweep went through snapshots (both places) and deltas. */
	st = prepare(STEPS);
	vtpm_store_stats(st, &stats);
	vtpm_store_close(st);
	assert_true(stats.snapshots >= 3);
	assert_true(stats.commits > stats.snapshots + 4);
	assert_true(points > 200);
}

/** Confirm that a failed record write changes nothing and later work. */
static void failed_write_then_continue(void **state)
{
	struct vtpm_store *st = prepare(3);

	(void)state;
	disk.fail_write = disk.writes + 1;
	assert_int_equal(do_step(st, 3), -1);
	assert_false(vtpm_store_broken(st));
	assert_true(state_after(st, 3));
	assert_int_equal(do_step(st, 3), 0);
	assert_true(state_after(st, 4));
	vtpm_store_close(st);
	crash(CRASH_NONE);
	st = open_ok();
	assert_true(state_after(st, 4));
	vtpm_store_close(st);
}

/** Confirm that a failed superblock barrier stops further commits. */
static void failed_superblock_breaks(void **state)
{
	struct vtpm_store *st = prepare(2);

	(void)state;
	disk.fail_sync = disk.syncs + 2;
	assert_int_equal(do_step(st, 2), -1);
	assert_true(vtpm_store_broken(st));
	assert_int_equal(do_step(st, 3), -1);
	vtpm_store_close(st);
}

/* The live log and superblock slot, from the newest superblock (the
 * tests know the layout: seq at 8, log_start at 16, log_end at 24). */
static uint64_t live_log(uint64_t *start, uint64_t *slot)
{
	uint64_t seq[2], st[2], end[2];
	unsigned i, live;

	for (i = 0; i < 2; i++) {
		memcpy(&seq[i], disk.durable + 512 * i + 8, 8);
		memcpy(&st[i], disk.durable + 512 * i + 16, 8);
		memcpy(&end[i], disk.durable + 512 * i + 24, 8);
	}
	live = seq[0] > seq[1] ? 0 : 1;
	*start = st[live];
	*slot = 512 * live;
	return end[live];
}

/**
 * Confirm that a flipped bit anywhere is refused or harmless (a dead
 * region), and refused everywhere in the live log.
 */
static void tamper_refused(void **state)
{
	struct vtpm_store *st = prepare(6);
	uint64_t start, slot, end, off;
	unsigned refused = 0;

	(void)state;
	vtpm_store_close(st);
	end = live_log(&start, &slot);
	for (off = 0; off < disk.durable_len; off += 3) {
		enum vtpm_store_err err;

		disk.cache[off] ^= 0x10;
		st = vtpm_store_open(&io, &key, &err);
		if (st != NULL && off >= slot && off < slot + 84) {
			/*
			 * The live superblock damaged looks like a torn
			 * commit: the previous one holds (a rollback the
			 * host could make anyway, with an old copy).
			 */
			assert_true(state_after(st, 5));
			vtpm_store_close(st);
		} else if (st != NULL) {
			assert_int_equal(err, VTPM_STORE_OK);
			assert_true(off < 4096 || off < start || off >= end);
			assert_true(state_after(st, 6));
			vtpm_store_close(st);
		} else {
			assert_int_not_equal(err, VTPM_STORE_OK);
			refused++;
		}
		disk.cache[off] ^= 0x10;
	}
	assert_true(refused >= (end - start) / 3);
}

/** Confirm that every truncation into the live state is refused. */
static void truncation_refused(void **state)
{
	struct vtpm_store *st = prepare(6);
	enum vtpm_store_err err;
	uint64_t start, slot, end, len;

	(void)state;
	vtpm_store_close(st);
	end = live_log(&start, &slot);
	for (len = 0; len < disk.durable_len; len += 97) {
		disk.cache_len = len;
		st = vtpm_store_open(&io, &key, &err);
		if (len < end) {
			assert_null(st);
			assert_true(err == VTPM_STORE_ERR_SHORT ||
				    err == VTPM_STORE_ERR_IO);
		} else {
			assert_non_null(st);
			assert_true(state_after(st, 6));
			vtpm_store_close(st);
		}
	}
}

/** Confirm that another key is named as such, and zeros are no state. */
static void wrong_key_and_blank(void **state)
{
	struct vtpm_state_key other;
	struct vtpm_store *st = prepare(2);
	uint8_t secret[32];
	enum vtpm_store_err err;

	(void)state;
	vtpm_store_close(st);
	memset(secret, 0x43, sizeof(secret));
	assert_int_equal(vtpm_state_key_derive(secret, sizeof(secret), &other),
			 0);
	assert_null(vtpm_store_open(&io, &other, &err));
	assert_int_equal(err, VTPM_STORE_ERR_KEY);
	assert_string_equal(vtpm_store_strerror(err),
			    "the state was made with another key");
	/* Same id, other encryption key: authentication fails. */
	memcpy(other.id, key.id, sizeof(other.id));
	assert_null(vtpm_store_open(&io, &other, &err));
	assert_int_equal(err, VTPM_STORE_ERR_AUTH);
	memset(disk.cache, 0, 8192);
	assert_null(vtpm_store_open(&io, &key, &err));
	assert_int_equal(err, VTPM_STORE_ERR_NOT_STORE);
}

/** Confirm that a small change writes a small record, not the state. */
static void delta_is_small(void **state)
{
	struct vtpm_store_stats a, b;
	struct vtpm_store *st = prepare(1);
	struct vtpm_nv_ops ops;
	uint8_t blob[BLOB + 300];
	size_t len;

	(void)state;
	vtpm_store_ops(st, &ops);
	step_blob(0, blob, &len);
	blob[100] ^= 1;
	vtpm_store_stats(st, &a);
	assert_int_equal(ops.store(ops.ctx, "permall", blob, len), 0);
	vtpm_store_stats(st, &b);
	/* header + name + one 32-byte block + tag, then a superblock */
	assert_true(b.bytes - a.bytes < 200);
	assert_int_equal(b.commits - a.commits, 1);
	assert_int_equal(b.syncs - a.syncs, 2);
	assert_true(a.state_bytes >= BLOB);
	/* The same content again still commits (libtpms asked), tiny. */
	vtpm_store_stats(st, &a);
	assert_int_equal(ops.store(ops.ctx, "permall", blob, len), 0);
	vtpm_store_stats(st, &b);
	assert_true(b.bytes - a.bytes < 170);
	vtpm_store_close(st);
}

/** Confirm that absent blobs load and remove as 1. */
static void absent_blobs(void **state)
{
	struct vtpm_store *st = prepare(0);
	struct vtpm_nv_ops ops;
	uint8_t *data = NULL;
	size_t len;

	(void)state;
	vtpm_store_ops(st, &ops);
	assert_int_equal(ops.load(ops.ctx, "permall", &data, &len), 1);
	assert_int_equal(ops.remove(ops.ctx, "permall"), 1);
	assert_int_equal(ops.store(ops.ctx, "", (const uint8_t *)"x", 1), -1);
	vtpm_store_close(st);
}

/** Confirm that allocation failures in open and commit change nothing. */
static void alloc_failures(void **state)
{
	struct vtpm_store *st = prepare(4);
	enum vtpm_store_err err;
	unsigned long n, attempts;
	unsigned failed = 0;

	(void)state;
	vtpm_store_close(st);
	attempts = alloc_fault_attempts();
	st = open_ok();
	assert_int_equal(do_step(st, 4), 0);
	attempts = alloc_fault_attempts() - attempts;
	vtpm_store_close(st);
	crash(CRASH_NONE);
	for (n = 1; n <= attempts; n++) {
		alloc_fault_fail_nth(n);
		st = vtpm_store_open(&io, &key, &err);
		if (st == NULL) {
			alloc_fault_fail_nth(0);
			assert_int_equal(err, VTPM_STORE_ERR_NOMEM);
			failed++;
			continue;
		}
		if (do_step(st, 5) != 0) {
			alloc_fault_fail_nth(0);
			assert_true(state_after(st, 5));
			failed++;
		}
		alloc_fault_fail_nth(0);
		vtpm_store_close(st);
		crash(CRASH_NONE);
		st = open_ok();
		assert_true(state_after(st, 5) || state_after(st, 6));
		vtpm_store_close(st);
		/* Back to the state after five steps for the next round. */
		st = prepare(5);
		vtpm_store_close(st);
		crash(CRASH_NONE);
	}
	assert_true(failed > 0);
}

/** Confirm that the vTPM keeps its identity (seeds) across a restart. */
static void vtpm_over_store(void **state)
{
	struct vtpm_store *st = prepare(0);
	struct vtpm_nv_ops ops;
	uint8_t ek[512];
	const uint8_t *pub;
	size_t len, len2;

	(void)state;
	vtpm_store_ops(st, &ops);
	assert_int_equal(vtpm_init(&ops), 0);
	pub = vtpm_ek_public(VTPM_EK_RSA2048, &len);
	assert_non_null(pub);
	assert_true(len <= sizeof(ek));
	memcpy(ek, pub, len);
	vtpm_shutdown();
	vtpm_store_close(st);
	crash(CRASH_NONE); /* only what was synced */
	st = open_ok();
	vtpm_store_ops(st, &ops);
	assert_int_equal(vtpm_init(&ops), 0);
	pub = vtpm_ek_public(VTPM_EK_RSA2048, &len2);
	assert_non_null(pub);
	assert_int_equal(len2, len);
	assert_memory_equal(pub, ek, len);
	vtpm_shutdown();
	vtpm_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(crash_every_write_and_sync,
						setup, teardown),
		cmocka_unit_test_setup_teardown(failed_write_then_continue,
						setup, teardown),
		cmocka_unit_test_setup_teardown(failed_superblock_breaks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(tamper_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(truncation_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(wrong_key_and_blank, setup,
						teardown),
		cmocka_unit_test_setup_teardown(delta_is_small, setup,
						teardown),
		cmocka_unit_test_setup_teardown(absent_blobs, setup, teardown),
		cmocka_unit_test_setup_teardown(alloc_failures, setup,
						teardown),
		cmocka_unit_test_setup_teardown(vtpm_over_store, setup,
						teardown),
	};

	/* Damaged superblocks are reported (pr_warn): expected here. */
	log_level_max = LOG_ERROR;
	return cmocka_run_group_tests_name("vtpm-store", tests, NULL, NULL);
}
