/* SPDX-License-Identifier: MIT */
/*
 * The vTPM's persistent NV store: a `struct vtpm_nv_ops` backend that keeps
 * libtpms' blobs encrypted and authenticated (AES-256-GCM) on a medium it
 * reaches only through `struct vtpm_store_io` (offsets, writes, a barrier):
 * a file in the hosted build (svsm/sim/nv_file.c), a block device later.
 *
 * Medium layout (little-endian):
 *   [0, 128)        superblock slot 0
 *   [512, 640)      superblock slot 1
 *   [4096, ...)     the log: records, each { header (32 B: magic, type,
 *                   sequence number, payload length, GCM nonce),
 *                   ciphertext, GCM tag } with the header as AAD
 * A superblock names the live log [log_start, log_end), the sequence
 * number of its last record and the key id, authenticated by a GCM tag.
 * The live log is one snapshot record (every blob) and then delta records
 * (one blob's changed byte ranges, or its removal).
 *
 * Commit (one `store` or `remove`): append the record past log_end,
 * barrier, write the superblock into the slot not holding the live one with
 * the next sequence number, barrier. A crash before the second barrier
 * leaves the old superblock the newest valid one (a torn new slot fails its
 * tag), so the medium holds the old or the new state, never a mix. When
 * the log outgrows its snapshot, the next commit writes a fresh snapshot
 * instead, at 4096 if it fits below the live log, else after it, so the
 * medium stays within about twice the state plus the log limit.
 *
 * Opening refuses, with a reason, a medium that is too short, whose
 * superblocks are for another key (key id) or fail authentication, whose
 * log is shorter than its superblock says or has a record that fails
 * authentication or is out of sequence. It never starts a fresh TPM on a
 * damaged medium: only `vtpm_store_format()` makes an empty one.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/vtpm.h"
#include "svsm/vtpm_key.h"

/** The medium. Every call returns 0, or -1 on an error. */
struct vtpm_store_io {
	/** Read `len` bytes at `off` (-1 if any lies beyond the end). */
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	/** Write `len` bytes at `off`; durable only after `sync`. */
	int (*write)(void *ctx, uint64_t off, const void *buf, size_t len);
	/** Barrier: every write before it is durable when it returns 0. */
	int (*sync)(void *ctx);
	/** The medium's size in bytes (a file: its length). */
	uint64_t (*size)(void *ctx);
	void *ctx;
};

/** Counters for benchmarks and tests. */
struct vtpm_store_stats {
	uint64_t commits;     /* records committed */
	uint64_t snapshots;   /* of which snapshots */
	uint64_t bytes;	      /* bytes written to the medium */
	uint64_t writes;      /* write calls */
	uint64_t syncs;	      /* barriers */
	uint64_t state_bytes; /* the blobs' total size now */
};

/** Why `vtpm_store_open()` refused (see vtpm_store_strerror()). */
enum vtpm_store_err {
	VTPM_STORE_OK = 0,
	VTPM_STORE_ERR_IO,	  /* the medium could not be read */
	VTPM_STORE_ERR_SHORT,	  /* truncated: shorter than its superblock */
	VTPM_STORE_ERR_KEY,	  /* made with another key */
	VTPM_STORE_ERR_AUTH,	  /* a superblock or record fails its tag */
	VTPM_STORE_ERR_FORMAT,	  /* authentic but not understood */
	VTPM_STORE_ERR_NOMEM,	  /* out of memory */
	VTPM_STORE_ERR_NOT_STORE, /* no superblock at all: not a state */
};

struct vtpm_store;

/** A fixed sentence for `err`. */
const char *vtpm_store_strerror(enum vtpm_store_err err);

/**
 * Write an empty state (no blobs) keyed with `key` onto `io`, from offset
 * 0, and sync. The medium must be new: callers make this atomic (the file
 * backend formats a temporary file and renames it). 0 or -1.
 */
int vtpm_store_format(const struct vtpm_store_io *io,
		      const struct vtpm_state_key *key);

/**
 * Open the state on `io` (copied; its ctx must outlive the store) with
 * `key` (copied). NULL with `*err` set on refusal.
 */
struct vtpm_store *vtpm_store_open(const struct vtpm_store_io *io,
				   const struct vtpm_state_key *key,
				   enum vtpm_store_err *err);

/** Wipe and free (the medium keeps the last committed state). */
void vtpm_store_close(struct vtpm_store *st);

/** Point `ops` at `st`: load, store (a commit), remove (a commit). */
void vtpm_store_ops(struct vtpm_store *st, struct vtpm_nv_ops *ops);

/** The counters since open. */
void vtpm_store_stats(const struct vtpm_store *st,
		      struct vtpm_store_stats *out);

/** True once a commit failed half-way: every later commit fails. */
bool vtpm_store_broken(const struct vtpm_store *st);
