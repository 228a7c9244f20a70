/* SPDX-License-Identifier: MIT */
/*
 * The hosted build's services: attestation over the PSP channel keyed
 * with VMPCK0 from the SVSM's own secrets page, and the vTPM (libtpms)
 * when the machine was configured with one: its NV in memory, or in the
 * persistent encrypted store in a directory (nv_file.c).
 */
#include <string.h>

#include "svsm/attest.h"
#include "svsm/log.h"
#include "svsm/physmap.h"
#include "svsm/services.h"
#include "svsm/vtpm.h"
#include "svsm/vtpm_key.h"
#include "svsm/vtpm_store.h"
#include "abi/snp_secrets.h"
#include "internal.h"
#include "nv_file.h"

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
	if (!(info->flags & SVSM_BOOT_VTPM)) {
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
