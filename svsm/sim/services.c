/* SPDX-License-Identifier: MIT */
/*
 * The hosted build's services: attestation over the PSP channel keyed
 * with VMPCK0 from the SVSM's own secrets page, the KBS client when the
 * machine names a KBS proxy (its resource becomes the vTPM state key), and
 * the vTPM (libtpms) when the machine was configured with one: its NV in
 * memory, or in the persistent encrypted store in a directory (nv_file.c),
 * keyed from a configured secret or the KBS-released key. With a KBS
 * configured and no key released, the vTPM stays off: the guest gets no
 * vTPM rather than one whose state is not the one it had.
 */
#include <string.h>

#include <openssl/evp.h>

#include "svsm/attest.h"
#include "svsm/kbs.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/services.h"
#include "svsm/vtpm.h"
#include "svsm/vtpm_key.h"
#include "svsm/vtpm_store.h"
#include "abi/snp_secrets.h"
#include "../kbs/sock.h"
#include "internal.h"
#include "nv_file.h"

#define KBS_TIMEOUT_MS 30000

static bool attest_on;
static struct vtpm_nv_mem *nv;
static struct vtpm_store *store;
static struct nv_file *store_file;

struct sim_vtpm_state svsm_sim_vtpm_state;

/*
 * The persistent store in svsm_sim_vtpm_state.dir; false if refused. Its
 * key comes from the configured secret, or without one from the key a
 * KBS released at boot (vtpm_state_key_set(), svsm/vtpm_key.h).
 */
static bool open_store(struct vtpm_nv_ops *ops)
{
	const struct sim_vtpm_state *s = &svsm_sim_vtpm_state;
	const struct vtpm_state_key *released = vtpm_state_key();
	struct vtpm_state_key key;

	if (s->secret == NULL && released != NULL) {
		key = *released;
	} else if (vtpm_state_key_derive(s->secret, s->secret_len, &key) != 0) {
		pr_err("vtpm state: the key is unusable (at least %u bytes)\n",
		       VTPM_STATE_SECRET_MIN);
		return false;
	}
	store = nv_file_open(s->dir, &key, &store_file);
	memset(&key, 0, sizeof(key));
	if (store == NULL) {
		return false;
	}
	vtpm_store_ops(store, ops);
	return true;
}

/** See internal.h. */
bool svsm_sim_vtpm_store_stats(struct vtpm_store_stats *out)
{
	if (store == NULL) {
		return false;
	}
	vtpm_store_stats(store, out);
	return true;
}

const struct svsm_sim_kbs *svsm_sim_kbs_boot;
static struct svsm_sim_kbs_result kbs_result;
static bool kbs_ran;

static int kbs_evidence(void *ctx, const uint8_t report_data[64],
			struct snp_attestation_report *report, uint8_t *certs,
			size_t cap, size_t *certs_len)
{
	(void)ctx;
	return attest_svsm_report(report_data, report, certs, cap, certs_len);
}

/* Hand the secret to the vTPM state key; the hosted diagnostic hash. */
static void kbs_use(struct kbs_secret *secret)
{
	unsigned int n = 0;

	kbs_result.secret_len = secret->len;
	if (EVP_Digest(secret->data, secret->len, kbs_result.secret_sha256, &n,
		       EVP_sha256(), NULL) != 1) {
		memset(kbs_result.secret_sha256, 0, 32);
	}
	kbs_result.vtpm_key =
		vtpm_state_key_set(secret->data, secret->len) == 0;
	kbs_secret_wipe(secret);
	if (!kbs_result.vtpm_key) {
		pr_notice("kbs: the resource is not a usable vTPM state key\n");
	}
}

/* Attest to the KBS behind the proxy socket and take the resource. */
static void kbs_boot(const struct svsm_sim_kbs *cfg)
{
	struct kbs_config kc = { .resource = cfg->resource,
				 .hash = cfg->sha512 ? KBS_HASH_SHA512 :
						       KBS_HASH_SHA384 };
	struct kbs_work *w = kmalloc(sizeof(*w));
	struct kbs_sock *sock = kmalloc(sizeof(*sock));
	struct kbs_ops ops = { .exchange = kbs_sock_exchange,
			       .evidence = kbs_evidence };
	struct kbs_secret *slot = kbs_secret_slot();
	enum kbs_err rc = KBS_ERR_CRYPTO;
	const char *msg;
	size_t len;

	memset(&kbs_result, 0, sizeof(kbs_result));
	kbs_ran = true;
	if (w != NULL && sock != NULL && slot != NULL) {
		sock->fd = cfg->fd;
		sock->timeout_ms =
			cfg->timeout_ms ? (int)cfg->timeout_ms : KBS_TIMEOUT_MS;
		ops.ctx = sock;
		rc = attest_on ? kbs_attest(&kc, &ops, w, slot) :
				 KBS_ERR_EVIDENCE;
		kbs_result.auth_req = w->auth_req;
		kbs_result.auth_resp = w->auth_resp;
		kbs_result.attest_req = w->attest_req;
		kbs_result.attest_resp = w->attest_resp;
		kbs_result.resource_resp = w->res_resp;
	}
	kbs_result.status = (int)rc;
	msg = kbs_strerror(rc);
	len = strlen(msg);
	if (len >= sizeof(kbs_result.error)) {
		len = sizeof(kbs_result.error) - 1;
	}
	memcpy(kbs_result.error, msg, len);
	if (rc == KBS_OK) {
		pr_notice("kbs: released %s\n", cfg->resource);
		kbs_use(slot);
	} else {
		pr_notice("kbs: no secret: %s\n", kbs_strerror(rc));
	}
	if (slot != NULL) {
		kbs_secret_wipe(slot);
	}
	kfree_sensitive(w);
	kfree(sock);
}

/** The boot-time KBS result, or NULL if no KBS was configured. */
const struct svsm_sim_kbs_result *svsm_services_kbs_result(void)
{
	return kbs_ran ? &kbs_result : NULL;
}

/** Start attestation and (if asked for) the vTPM. */
void svsm_services_init(const struct svsm_boot_info *info)
{
	struct snp_secrets_page *secrets =
		physmap_va(info->secrets_gpa, sizeof(*secrets));
	struct vtpm_nv_ops ops;

	/* VMPCK0 is wiped at its source: only the channel holds it now. */
	attest_on = attest_init_from_secrets(secrets);
	if (!attest_on) {
		pr_notice("services: attestation is off\n");
	}
	if (svsm_sim_kbs_boot != NULL) {
		kbs_boot(svsm_sim_kbs_boot);
	}
	if (!(info->flags & SVSM_BOOT_VTPM)) {
		return;
	}
	if (kbs_ran && vtpm_state_key() == NULL) {
		pr_notice("services: no vTPM state key: the vTPM stays off\n");
		return;
	}
	if (svsm_sim_vtpm_state.dir != NULL) {
		if (!open_store(&ops)) {
			return;
		}
	} else {
		nv = vtpm_nv_mem_create();
		if (nv == NULL) {
			pr_notice("services: no memory for the vTPM's NV "
				  "store\n");
			return;
		}
		vtpm_nv_mem_ops(nv, &ops);
	}
	if (vtpm_init(&ops) != 0) {
		pr_notice("services: the vTPM did not start\n");
	}
}

/** Stop the services (after the machine stopped running). */
void svsm_services_fini(void)
{
	if (attest_on) {
		attest_fini();
		attest_on = false;
	}
	if (vtpm_running()) {
		vtpm_shutdown();
	}
	if (nv != NULL) {
		vtpm_nv_mem_destroy(nv);
		nv = NULL;
	}
	if (store != NULL) {
		nv_file_close(store_file, store);
		store = NULL;
		store_file = NULL;
	}
	vtpm_state_key_clear();
	if (kbs_secret_slot() != NULL) {
		kbs_secret_wipe(kbs_secret_slot());
	}
	kbs_ran = false;
}

/** The hosted vTPM starts at boot or never: no waiting. */
bool svsm_vtpm_available(void)
{
	return vtpm_running();
}

/** See svsm/services.h. */
bool svsm_vtpm_wait(void)
{
	return vtpm_running();
}

/** True once attestation is ready. */
bool svsm_attest_available(void)
{
	return attest_on;
}
