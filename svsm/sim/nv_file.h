/* SPDX-License-Identifier: MIT */
/*
 * The hosted build's medium for the persistent vTPM store: DIR/vtpm.state,
 * read and written in place (pread, pwrite, fdatasync as the barrier) and
 * locked against a second user. A missing state is made by formatting
 * DIR/vtpm.state.tmp, syncing it and renaming it into place (then syncing
 * DIR), so a crash never leaves a half-made state that looks damaged.
 * The kernel will give the same store a block device instead.
 */
#pragma once

#include "svsm/vtpm_key.h"
#include "svsm/vtpm_store.h"

struct nv_file;

/**
 * Open (or create, making `dir` too if absent) the state in `dir` with `key`. NULL after printing why
 * (pr_err); otherwise the store, and `*file` to close it with.
 */
struct vtpm_store *nv_file_open(const char *dir,
				const struct vtpm_state_key *key,
				struct nv_file **file);

/** Close the store, then its file. */
void nv_file_close(struct nv_file *file, struct vtpm_store *st);
