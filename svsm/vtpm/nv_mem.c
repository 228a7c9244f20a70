/* SPDX-License-Identifier: MIT */
/*
 * A memory-backed NV store for the vTPM: named blobs on the SVSM heap.
 * libtpms stores a handful of blobs, so a short list is enough.
 */
#include <string.h>

#include "svsm/mm.h"
#include "svsm/vtpm.h"

#define NV_NAME_MAX 32

struct nv_blob {
	struct nv_blob *next;
	char name[NV_NAME_MAX];
	uint8_t *data;
	size_t len;
};

struct vtpm_nv_mem {
	struct nv_blob *blobs;
};

static struct nv_blob *nv_find(struct vtpm_nv_mem *mem, const char *name)
{
	struct nv_blob *b;

	for (b = mem->blobs; b != NULL; b = b->next) {
		if (strcmp(b->name, name) == 0) {
			return b;
		}
	}
	return NULL;
}

static int nv_mem_load(void *ctx, const char *name, uint8_t **data, size_t *len)
{
	struct nv_blob *b = nv_find(ctx, name);
	uint8_t *copy;

	if (b == NULL) {
		return 1;
	}
	copy = kmalloc(b->len ? b->len : 1);
	if (copy == NULL) {
		return -1;
	}
	memcpy(copy, b->data, b->len);
	*data = copy;
	*len = b->len;
	return 0;
}

static int nv_mem_store(void *ctx, const char *name, const uint8_t *data,
			size_t len)
{
	struct vtpm_nv_mem *mem = ctx;
	struct nv_blob *b = nv_find(mem, name);
	uint8_t *copy;

	if (strlen(name) >= NV_NAME_MAX) {
		return -1;
	}
	/* Allocate everything first so a failure changes nothing. */
	copy = kmalloc(len ? len : 1);
	if (copy == NULL) {
		return -1;
	}
	memcpy(copy, data, len);
	if (b == NULL) {
		b = kzalloc(sizeof(*b));
		if (b == NULL) {
			kfree(copy);
			return -1;
		}
		memcpy(b->name, name, strlen(name) + 1);
		b->next = mem->blobs;
		mem->blobs = b;
	} else {
		kfree_sensitive(b->data);
	}
	b->data = copy;
	b->len = len;
	return 0;
}

static int nv_mem_remove(void *ctx, const char *name)
{
	struct vtpm_nv_mem *mem = ctx;
	struct nv_blob **link;

	for (link = &mem->blobs; *link != NULL; link = &(*link)->next) {
		struct nv_blob *b = *link;

		if (strcmp(b->name, name) == 0) {
			*link = b->next;
			kfree_sensitive(b->data);
			kfree(b);
			return 0;
		}
	}
	return 1;
}

/** An empty store on the SVSM heap, or NULL. */
struct vtpm_nv_mem *vtpm_nv_mem_create(void)
{
	return kzalloc(sizeof(struct vtpm_nv_mem));
}

/** Wipe and free every blob, then the store. */
void vtpm_nv_mem_destroy(struct vtpm_nv_mem *mem)
{
	if (mem == NULL) {
		return;
	}
	while (mem->blobs != NULL) {
		nv_mem_remove(mem, mem->blobs->name);
	}
	kfree(mem);
}

/** The blob `name` in place (valid until it changes), or NULL. */
const uint8_t *vtpm_nv_mem_peek(struct vtpm_nv_mem *mem, const char *name,
				size_t *len)
{
	struct nv_blob *b = nv_find(mem, name);

	if (b == NULL) {
		return NULL;
	}
	*len = b->len;
	return b->data;
}

/** Call `fn` on every blob until it returns non-zero; returns that. */
int vtpm_nv_mem_each(struct vtpm_nv_mem *mem,
		     int (*fn)(void *ctx, const char *name, const uint8_t *data,
			       size_t len),
		     void *ctx)
{
	struct nv_blob *b;
	int rc;

	for (b = mem->blobs; b != NULL; b = b->next) {
		rc = fn(ctx, b->name, b->data, b->len);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

/** Point `ops` at `mem`. */
void vtpm_nv_mem_ops(struct vtpm_nv_mem *mem, struct vtpm_nv_ops *ops)
{
	ops->load = nv_mem_load;
	ops->store = nv_mem_store;
	ops->remove = nv_mem_remove;
	ops->ctx = mem;
}
