/* SPDX-License-Identifier: MIT */
/*
 * The persistent, encrypted vTPM NV store (format and commit protocol in
 * svsm/vtpm_store.h). The committed blobs are cached in a memory store
 * (nv_mem.c); a commit diffs the new blob against the cached one in
 * DIFF_BLOCK-byte blocks and logs only the changed ranges.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/vtpm_store.h"

#define SB_SIZE 84U
#define SB_AAD 56U
#define SB_OFF_NONCE 56U
#define SB_OFF_TAG 68U
#define REC_HDR 32U
#define REC_AAD 20U
#define TAG_LEN 16U
#define NONCE_LEN 12U
#define LOG_BASE 4096ULL
#define DIFF_BLOCK 32U
#define LOG_SLACK (16U << 10)
#define REC_MAX (16U << 20) /* no blob set is this large */
#define NAME_MAX_LEN 31U

static const uint8_t sb_magic[8] = { 'V', 'T', 'P', 'M', 'S', 'B', '0', '1' };
static const uint8_t rec_magic[4] = { 'V', 'T', 'R', '1' };
static const uint64_t sb_off[2] = { 0, 512 };

enum {
	REC_SNAPSHOT = 1,
	REC_DELTA = 2
};
enum {
	DELTA_SET = 0,
	DELTA_REMOVE = 1
};

struct vtpm_store {
	struct vtpm_store_io io;
	struct vtpm_state_key key;
	struct vtpm_nv_mem *cache; /* the committed blobs */
	uint64_t sb_seq;	   /* the live superblock's */
	unsigned sb_slot;	   /* where it is */
	uint64_t log_start, log_end, last_rec;
	bool broken;
	struct vtpm_store_stats stats;
};

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		v |= (uint64_t)p[i] << (8 * i);
	}
	return v;
}

/*
 * AES-256-GCM over `len` bytes (`in` may equal `out`). Sealing writes
 * `tag`; opening checks it. 0, or -1 (a failed tag included).
 */
static int gcm(bool seal, const uint8_t key[32], const uint8_t *nonce,
	       const uint8_t *aad, size_t aad_len, const uint8_t *in,
	       uint8_t *out, size_t len, uint8_t *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t fin[16];
	int n = 0, ok;

	if (c == NULL || len > INT32_MAX || aad_len > INT32_MAX) {
		EVP_CIPHER_CTX_free(c);
		return -1;
	}
	ok = EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce,
			       seal ? 1 : 0) == 1 &&
	     EVP_CipherUpdate(c, NULL, &n, aad, (int)aad_len) == 1 &&
	     (len == 0 || EVP_CipherUpdate(c, out, &n, in, (int)len) == 1);
	if (ok && !seal) {
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
					 tag) == 1;
	}
	ok = ok && EVP_CipherFinal_ex(c, fin, &n) == 1; /* GCM: no bytes */
	if (ok && seal) {
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
					 tag) == 1;
	}
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

static int io_write(struct vtpm_store *st, uint64_t off, const void *buf,
		    size_t len)
{
	st->stats.writes++;
	st->stats.bytes += len;
	return st->io.write(st->io.ctx, off, buf, len);
}

static int io_sync(struct vtpm_store *st)
{
	st->stats.syncs++;
	return st->io.sync(st->io.ctx);
}

/* A superblock for the given log, sealed into `sb`. */
static int sb_build(const struct vtpm_state_key *key, uint8_t sb[SB_SIZE],
		    uint64_t seq, uint64_t start, uint64_t end, uint64_t last)
{
	memset(sb, 0, SB_SIZE);
	memcpy(sb, sb_magic, sizeof(sb_magic));
	put_le(sb + 8, seq, 8);
	put_le(sb + 16, start, 8);
	put_le(sb + 24, end, 8);
	put_le(sb + 32, last, 8);
	memcpy(sb + 40, key->id, sizeof(key->id));
	if (RAND_bytes(sb + SB_OFF_NONCE, NONCE_LEN) != 1) {
		return -1;
	}
	return gcm(true, key->enc, sb + SB_OFF_NONCE, sb, SB_AAD, NULL, NULL, 0,
		   sb + SB_OFF_TAG);
}

/** See svsm/vtpm_store.h. */
int vtpm_store_format(const struct vtpm_store_io *io,
		      const struct vtpm_state_key *key)
{
	static const uint8_t zero[LOG_BASE];
	uint8_t sb[SB_SIZE];

	/* An empty log: no record, last record number 0. */
	if (sb_build(key, sb, 1, LOG_BASE, LOG_BASE, 0) != 0 ||
	    io->write(io->ctx, 0, zero, sizeof(zero)) != 0 ||
	    io->write(io->ctx, sb_off[0], sb, sizeof(sb)) != 0) {
		return -1;
	}
	return io->sync(io->ctx);
}

/** See svsm/vtpm_store.h. */
const char *vtpm_store_strerror(enum vtpm_store_err err)
{
	switch (err) {
	case VTPM_STORE_OK:
		return "no error";
	case VTPM_STORE_ERR_IO:
		return "the state could not be read";
	case VTPM_STORE_ERR_SHORT:
		return "the state is truncated";
	case VTPM_STORE_ERR_KEY:
		return "the state was made with another key";
	case VTPM_STORE_ERR_AUTH:
		return "the state fails authentication (tampered or damaged)";
	case VTPM_STORE_ERR_FORMAT:
		return "the state is authentic but malformed";
	case VTPM_STORE_ERR_NOMEM:
		return "out of memory";
	case VTPM_STORE_ERR_NOT_STORE:
		return "no vTPM state superblock found";
	}
	return "unknown error";
}

/* --- opening: superblocks, then replaying the log --- */

struct sb_view {
	bool valid, magic, other_key;
	uint64_t seq, start, end, last;
};

static void sb_check(const struct vtpm_state_key *key,
		     const uint8_t sb[SB_SIZE], struct sb_view *v)
{
	uint8_t tag[TAG_LEN];

	memset(v, 0, sizeof(*v));
	if (memcmp(sb, sb_magic, sizeof(sb_magic)) != 0) {
		return;
	}
	v->magic = true;
	if (memcmp(sb + 40, key->id, sizeof(key->id)) != 0) {
		v->other_key = true;
		return;
	}
	memcpy(tag, sb + SB_OFF_TAG, TAG_LEN);
	if (gcm(false, key->enc, sb + SB_OFF_NONCE, sb, SB_AAD, NULL, NULL, 0,
		tag) != 0) {
		return;
	}
	v->seq = get_le(sb + 8, 8);
	v->start = get_le(sb + 16, 8);
	v->end = get_le(sb + 24, 8);
	v->last = get_le(sb + 32, 8);
	v->valid = true;
}

/* A bounded reader over a decrypted payload. */
struct rd {
	const uint8_t *p;
	size_t len, off;
	bool ok;
};

static uint64_t rd_le(struct rd *r, unsigned n)
{
	uint64_t v;

	if (!r->ok || r->len - r->off < n) {
		r->ok = false;
		return 0;
	}
	v = get_le(r->p + r->off, n);
	r->off += n;
	return v;
}

static const uint8_t *rd_bytes(struct rd *r, size_t n)
{
	const uint8_t *p = r->p + r->off;

	if (!r->ok || r->len - r->off < n) {
		r->ok = false;
		return NULL;
	}
	r->off += n;
	return p;
}

/* A blob name: 1..31 bytes without NUL, copied into `name`. */
static bool rd_name(struct rd *r, char name[NAME_MAX_LEN + 1])
{
	size_t n = (size_t)rd_le(r, 1);
	const uint8_t *p;

	if (n == 0 || n > NAME_MAX_LEN) {
		r->ok = false;
		return false;
	}
	p = rd_bytes(r, n);
	if (p == NULL) {
		return false;
	}
	memcpy(name, p, n);
	name[n] = '\0';
	if (strlen(name) != n) { /* a NUL inside */
		r->ok = false;
		return false;
	}
	return true;
}

static enum vtpm_store_err apply_snapshot(struct vtpm_nv_mem *cache,
					  struct rd *r)
{
	struct vtpm_nv_ops ops;
	uint64_t n = rd_le(r, 4);
	char name[NAME_MAX_LEN + 1];

	vtpm_nv_mem_ops(cache, &ops);
	while (r->ok && n-- > 0) {
		size_t len;
		const uint8_t *data;

		if (!rd_name(r, name)) {
			break;
		}
		len = (size_t)rd_le(r, 4);
		data = rd_bytes(r, len);
		if (data != NULL && ops.store(cache, name, data, len) != 0) {
			return VTPM_STORE_ERR_NOMEM;
		}
	}
	return r->ok && r->off == r->len ? VTPM_STORE_OK :
					   VTPM_STORE_ERR_FORMAT;
}

static enum vtpm_store_err apply_delta(struct vtpm_nv_mem *cache, struct rd *r)
{
	struct vtpm_nv_ops ops;
	char name[NAME_MAX_LEN + 1];
	const uint8_t *old;
	size_t old_len = 0, new_len;
	uint64_t op, nr;
	uint8_t *buf;
	int rc;

	vtpm_nv_mem_ops(cache, &ops);
	if (!rd_name(r, name)) {
		return VTPM_STORE_ERR_FORMAT;
	}
	op = rd_le(r, 1);
	new_len = (size_t)rd_le(r, 4);
	nr = rd_le(r, 4);
	if (!r->ok || op > DELTA_REMOVE || new_len > REC_MAX) {
		return VTPM_STORE_ERR_FORMAT;
	}
	if (op == DELTA_REMOVE) {
		rc = ops.remove(cache, name);
		return rc == 0 && r->off == r->len ? VTPM_STORE_OK :
						     VTPM_STORE_ERR_FORMAT;
	}
	buf = kzalloc(new_len ? new_len : 1);
	if (buf == NULL) {
		return VTPM_STORE_ERR_NOMEM;
	}
	old = vtpm_nv_mem_peek(cache, name, &old_len);
	if (old != NULL) {
		memcpy(buf, old, old_len < new_len ? old_len : new_len);
	}
	while (r->ok && nr-- > 0) {
		size_t off = (size_t)rd_le(r, 4), len = (size_t)rd_le(r, 4);
		const uint8_t *p = rd_bytes(r, len);

		if (p == NULL || off > new_len || len > new_len - off) {
			r->ok = false;
			break;
		}
		memcpy(buf + off, p, len);
	}
	rc = r->ok && r->off == r->len ? 0 : -1;
	if (rc == 0 && ops.store(cache, name, buf, new_len) != 0) {
		kfree_sensitive(buf);
		return VTPM_STORE_ERR_NOMEM;
	}
	kfree_sensitive(buf);
	return rc == 0 ? VTPM_STORE_OK : VTPM_STORE_ERR_FORMAT;
}

/* Read, authenticate and apply the record at `*off`; advance `*off`. */
static enum vtpm_store_err replay_one(struct vtpm_store *st, uint64_t *off,
				      uint64_t *seq)
{
	uint8_t hdr[REC_HDR], tag[TAG_LEN];
	enum vtpm_store_err err;
	struct rd r;
	uint32_t plen;
	uint8_t *buf;
	unsigned type;

	if (st->log_end - *off < REC_HDR + TAG_LEN) {
		return VTPM_STORE_ERR_FORMAT;
	}
	if (st->io.read(st->io.ctx, *off, hdr, REC_HDR) != 0) {
		return VTPM_STORE_ERR_IO;
	}
	plen = (uint32_t)get_le(hdr + 16, 4);
	type = hdr[4];
	if (memcmp(hdr, rec_magic, sizeof(rec_magic)) != 0 || plen > REC_MAX ||
	    st->log_end - *off - REC_HDR - TAG_LEN < plen) {
		return VTPM_STORE_ERR_AUTH;
	}
	buf = kmalloc(plen ? plen : 1);
	if (buf == NULL) {
		return VTPM_STORE_ERR_NOMEM;
	}
	err = VTPM_STORE_ERR_IO;
	if (st->io.read(st->io.ctx, *off + REC_HDR, buf, plen) != 0 ||
	    st->io.read(st->io.ctx, *off + REC_HDR + plen, tag, TAG_LEN) != 0) {
		goto out;
	}
	err = VTPM_STORE_ERR_AUTH;
	if (gcm(false, st->key.enc, hdr + REC_AAD, hdr, REC_AAD, buf, buf, plen,
		tag) != 0) {
		goto out;
	}
	/* Authentic from here: a wrong order is a format error. */
	err = VTPM_STORE_ERR_FORMAT;
	if ((*off != st->log_start && get_le(hdr + 8, 8) != *seq + 1) ||
	    get_le(hdr + 8, 8) == 0 ||
	    (type == REC_SNAPSHOT) != (*off == st->log_start) ||
	    (type != REC_SNAPSHOT && type != REC_DELTA)) {
		goto out;
	}
	r = (struct rd){ .p = buf, .len = plen, .ok = true };
	err = type == REC_SNAPSHOT ? apply_snapshot(st->cache, &r) :
				     apply_delta(st->cache, &r);
	*off += REC_HDR + plen + TAG_LEN;
	*seq = get_le(hdr + 8, 8);
out:
	kfree_sensitive(buf);
	return err;
}

static enum vtpm_store_err replay(struct vtpm_store *st)
{
	uint64_t off = st->log_start, seq = 0;
	enum vtpm_store_err err;

	/* Records are numbered consecutively, the last one last_rec. */
	while (off < st->log_end) {
		err = replay_one(st, &off, &seq);
		if (err != VTPM_STORE_OK) {
			return err;
		}
	}
	return seq == st->last_rec ? VTPM_STORE_OK : VTPM_STORE_ERR_FORMAT;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

/* Pick the newest valid superblock; the reason if there is none. */
static enum vtpm_store_err pick_sb(struct vtpm_store *st)
{
	uint8_t sb[2][SB_SIZE];
	struct sb_view v[2];
	unsigned i, best = 2;

	if (st->io.size(st->io.ctx) < LOG_BASE) {
		return VTPM_STORE_ERR_SHORT;
	}
	for (i = 0; i < 2; i++) {
		if (st->io.read(st->io.ctx, sb_off[i], sb[i], SB_SIZE) != 0) {
			return VTPM_STORE_ERR_IO;
		}
		sb_check(&st->key, sb[i], &v[i]);
		if (v[i].valid && (best == 2 || v[i].seq > v[best].seq)) {
			best = i;
		}
	}
	if (best == 2) {
		if (v[0].other_key || v[1].other_key) {
			return VTPM_STORE_ERR_KEY;
		}
		return v[0].magic || v[1].magic ? VTPM_STORE_ERR_AUTH :
						  VTPM_STORE_ERR_NOT_STORE;
	}
	if (!v[1 - best].valid && !all_zero(sb[1 - best], SB_SIZE)) {
		/* What an interrupted commit leaves; the other one holds. */
		pr_warn("vtpm store: superblock %u is not valid (an "
			"interrupted commit, or damage): using %u (sequence "
			"%llu)\n",
			1 - best, best, (unsigned long long)v[best].seq);
	}
	if (v[best].start < LOG_BASE || v[best].end < v[best].start) {
		return VTPM_STORE_ERR_FORMAT;
	}
	if (v[best].end > st->io.size(st->io.ctx)) {
		return VTPM_STORE_ERR_SHORT;
	}
	st->sb_slot = best;
	st->sb_seq = v[best].seq;
	st->log_start = v[best].start;
	st->log_end = v[best].end;
	st->last_rec = v[best].last;
	return VTPM_STORE_OK;
}

static int stats_sum(void *ctx, const char *name, const uint8_t *data,
		     size_t len)
{
	struct vtpm_store *st = ctx;

	(void)name;
	(void)data;
	st->stats.state_bytes += len;
	return 0;
}

/** See svsm/vtpm_store.h. */
struct vtpm_store *vtpm_store_open(const struct vtpm_store_io *io,
				   const struct vtpm_state_key *key,
				   enum vtpm_store_err *err)
{
	struct vtpm_store *st = kzalloc(sizeof(*st));

	*err = VTPM_STORE_ERR_NOMEM;
	if (st == NULL) {
		return NULL;
	}
	st->io = *io;
	st->key = *key;
	st->cache = vtpm_nv_mem_create();
	if (st->cache == NULL) {
		goto fail;
	}
	*err = pick_sb(st);
	if (*err == VTPM_STORE_OK) {
		*err = replay(st);
	}
	if (*err != VTPM_STORE_OK) {
		goto fail;
	}
	vtpm_nv_mem_each(st->cache, stats_sum, st);
	return st;
fail:
	vtpm_store_close(st);
	return NULL;
}

/** See svsm/vtpm_store.h. */
void vtpm_store_close(struct vtpm_store *st)
{
	if (st == NULL) {
		return;
	}
	vtpm_nv_mem_destroy(st->cache);
	kfree_sensitive(st);
}

/* --- commits --- */

/* A growing plaintext payload on the SVSM heap. */
struct wr {
	uint8_t *p;
	size_t len, cap;
	bool ok;
};

static void wr_put(struct wr *w, const void *src, size_t n)
{
	uint8_t *q;
	size_t cap;

	if (!w->ok) {
		return;
	}
	if (w->cap - w->len < n) {
		cap = w->cap ? w->cap : 256;
		while (cap - w->len < n && cap < REC_MAX) {
			cap *= 2;
		}
		q = cap - w->len < n ? NULL : kmalloc(cap);
		if (q == NULL) {
			w->ok = false;
			return;
		}
		if (w->p != NULL) {
			memcpy(q, w->p, w->len);
		}
		kfree_sensitive(w->p);
		w->p = q;
		w->cap = cap;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void wr_le(struct wr *w, uint64_t v, unsigned n)
{
	uint8_t b[8];

	put_le(b, v, n);
	wr_put(w, b, n);
}

static void wr_name(struct wr *w, const char *name)
{
	size_t n = strlen(name);

	wr_le(w, n, 1);
	wr_put(w, name, n);
}

static int snap_blob(void *ctx, const char *name, const uint8_t *data,
		     size_t len)
{
	struct wr *w = ctx;

	wr_name(w, name);
	wr_le(w, len, 4);
	wr_put(w, data, len);
	return w->ok ? 0 : -1;
}

static int count_blob(void *ctx, const char *name, const uint8_t *data,
		      size_t len)
{
	(void)name;
	(void)data;
	(void)len;
	++*(uint32_t *)ctx;
	return 0;
}

static void snapshot_payload(struct vtpm_nv_mem *cache, struct wr *w)
{
	uint32_t n = 0;

	vtpm_nv_mem_each(cache, count_blob, &n);
	wr_le(w, n, 4);
	vtpm_nv_mem_each(cache, snap_blob, w);
}

/* The byte ranges of `new` that differ from `old`, in DIFF_BLOCK blocks. */
static void delta_payload(const char *name, const uint8_t *old, size_t ol,
			  const uint8_t *new, size_t nl, struct wr *w)
{
	size_t count_at, off = 0, n = 0;
	uint8_t b[4];

	wr_name(w, name);
	wr_le(w, DELTA_SET, 1);
	wr_le(w, nl, 4);
	count_at = w->len;
	wr_le(w, 0, 4);
	while (off < nl) {
		size_t start, end;

		/* Skip equal blocks. */
		while (off < nl) {
			size_t k =
				nl - off < DIFF_BLOCK ? nl - off : DIFF_BLOCK;

			if (off + k > ol ||
			    memcmp(old + off, new + off, k) != 0) {
				break;
			}
			off += k;
		}
		if (off >= nl) {
			break;
		}
		start = off;
		/* Take differing blocks. */
		while (off < nl) {
			size_t k =
				nl - off < DIFF_BLOCK ? nl - off : DIFF_BLOCK;

			if (off + k <= ol &&
			    memcmp(old + off, new + off, k) == 0) {
				break;
			}
			off += k;
		}
		end = off;
		wr_le(w, start, 4);
		wr_le(w, end - start, 4);
		wr_put(w, new + start, end - start);
		n++;
	}
	if (w->ok) {
		put_le(b, n, 4);
		memcpy(w->p + count_at, b, 4);
	}
}

/* Seal `w`'s payload as record `seq` of `type` and commit it at `at`. */
static int commit(struct vtpm_store *st, struct wr *w, unsigned type,
		  uint64_t at, uint64_t start)
{
	uint8_t hdr[REC_HDR], tag[TAG_LEN], sb[SB_SIZE];
	uint64_t seq = st->last_rec + 1, end;
	int rc = -1;

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, rec_magic, sizeof(rec_magic));
	hdr[4] = (uint8_t)type;
	put_le(hdr + 8, seq, 8);
	put_le(hdr + 16, w->len, 4);
	end = at + REC_HDR + w->len + TAG_LEN;
	if (RAND_bytes(hdr + REC_AAD, NONCE_LEN) != 1 ||
	    gcm(true, st->key.enc, hdr + REC_AAD, hdr, REC_AAD, w->p, w->p,
		w->len, tag) != 0 ||
	    sb_build(&st->key, sb, st->sb_seq + 1, start, end, seq) != 0) {
		return -1;
	}
	/* Record, barrier: nothing live changed yet. */
	if (io_write(st, at, hdr, REC_HDR) != 0 ||
	    io_write(st, at + REC_HDR, w->p, w->len) != 0 ||
	    io_write(st, end - TAG_LEN, tag, TAG_LEN) != 0 ||
	    io_sync(st) != 0) {
		return -1;
	}
	/* The superblock switches; from here a failure leaves it unknown. */
	if (io_write(st, sb_off[1 - st->sb_slot], sb, SB_SIZE) != 0 ||
	    io_sync(st) != 0) {
		st->broken = true;
		pr_warn("vtpm store: a commit failed half-way; the store "
			"refuses further writes\n");
		return -1;
	}
	st->sb_slot = 1 - st->sb_slot;
	st->sb_seq++;
	st->log_start = start;
	st->log_end = end;
	st->last_rec = seq;
	st->stats.commits++;
	rc = 0;
	return rc;
}

/*
 * Commit the cache's new content: a delta (`w`) appended, or a fresh
 * snapshot when the log has outgrown the state.
 */
static int commit_change(struct vtpm_store *st, struct wr *w)
{
	struct wr snap = { .ok = true };
	uint64_t log_len = st->log_end - st->log_start, at;
	int rc;

	st->stats.state_bytes = 0;
	vtpm_nv_mem_each(st->cache, stats_sum, st);
	if (st->log_start != st->log_end &&
	    log_len + w->len <= 2 * st->stats.state_bytes + LOG_SLACK) {
		return commit(st, w, REC_DELTA, st->log_end, st->log_start);
	}
	snapshot_payload(st->cache, &snap);
	if (!snap.ok) {
		kfree_sensitive(snap.p);
		return -1;
	}
	/* Below the live log if it fits there, else after it. */
	at = LOG_BASE;
	if (LOG_BASE + REC_HDR + snap.len + TAG_LEN > st->log_start) {
		at = (st->log_end + LOG_BASE - 1) & ~(LOG_BASE - 1);
	}
	rc = commit(st, &snap, REC_SNAPSHOT, at, at);
	if (rc == 0) {
		st->stats.snapshots++;
	}
	kfree_sensitive(snap.p);
	return rc;
}

/* Put the cache back as it was before a failed commit. */
static void restore(struct vtpm_store *st, const char *name, uint8_t *old,
		    size_t ol, bool had)
{
	struct vtpm_nv_ops ops;
	int rc;

	vtpm_nv_mem_ops(st->cache, &ops);
	rc = had ? ops.store(st->cache, name, old, ol) :
		   (ops.remove(st->cache, name) < 0 ? -1 : 0);
	if (rc != 0) {
		st->broken = true; /* the cache no longer matches the medium */
	}
}

static int store_load(void *ctx, const char *name, uint8_t **data, size_t *len)
{
	struct vtpm_store *st = ctx;
	struct vtpm_nv_ops ops;

	vtpm_nv_mem_ops(st->cache, &ops);
	return ops.load(st->cache, name, data, len);
}

/* Change blob `name` to `data` (or remove it when `data` is NULL). */
static int store_change(struct vtpm_store *st, const char *name,
			const uint8_t *data, size_t len)
{
	struct vtpm_nv_ops ops;
	struct wr w = { .ok = true };
	uint8_t *old = NULL;
	size_t ol = 0;
	bool had;
	int rc;

	if (st->broken || strlen(name) > NAME_MAX_LEN || name[0] == '\0') {
		return -1;
	}
	vtpm_nv_mem_ops(st->cache, &ops);
	rc = ops.load(st->cache, name, &old, &ol);
	if (rc < 0) {
		return -1;
	}
	had = rc == 0;
	if (data == NULL && !had) {
		return 1;
	}
	if (data != NULL) {
		delta_payload(name, old, ol, data, len, &w);
	} else {
		wr_name(&w, name);
		wr_le(&w, DELTA_REMOVE, 1);
		wr_le(&w, 0, 4);
		wr_le(&w, 0, 4);
	}
	rc = -1;
	if (w.ok && (data != NULL ? ops.store(st->cache, name, data, len) :
				    ops.remove(st->cache, name)) == 0) {
		rc = commit_change(st, &w);
		if (rc != 0 && !st->broken) {
			restore(st, name, old, ol, had);
		}
	}
	kfree_sensitive(w.p);
	kfree_sensitive(old);
	return rc;
}

static int store_store(void *ctx, const char *name, const uint8_t *data,
		       size_t len)
{
	return store_change(ctx, name, data, len);
}

static int store_remove(void *ctx, const char *name)
{
	return store_change(ctx, name, NULL, 0);
}

/** See svsm/vtpm_store.h. */
void vtpm_store_ops(struct vtpm_store *st, struct vtpm_nv_ops *ops)
{
	ops->load = store_load;
	ops->store = store_store;
	ops->remove = store_remove;
	ops->ctx = st;
}

/** See svsm/vtpm_store.h. */
void vtpm_store_stats(const struct vtpm_store *st, struct vtpm_store_stats *out)
{
	*out = st->stats;
}

/** See svsm/vtpm_store.h. */
bool vtpm_store_broken(const struct vtpm_store *st)
{
	return st->broken;
}
