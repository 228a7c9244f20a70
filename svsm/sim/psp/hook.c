/* SPDX-License-Identifier: MIT */
/*
 * Plug the PSP model into the software machine's hypervisor: guest
 * requests (0x80000011) and extended guest requests (0x80000012) go to
 * psp_guest_request(); an extended request whose certificate buffer is too
 * small gets the hypervisor's INVALID_LEN with the pages needed, without
 * reaching the firmware, as KVM does.
 */
#include <string.h>

#include "../machine/machine.h"
#include "psp.h"

#define VMM_ERR_INVALID_LEN (1ULL << 32)

/** Serve a guest request the hypervisor checked (see psp.h). */
uint64_t psp_hv_request(struct snp_machine *m, struct psp *psp,
			struct snp_guest_request *req)
{
	uint8_t *mem = snp_machine_mem(m);

	if (req->extended) {
		uint64_t avail = req->certs_pages * 4096;
		size_t need = psp_cert_table(psp, mem + req->certs_gpa, avail);

		if (need > avail) {
			req->certs_pages = (need + 4095) / 4096;
			return VMM_ERR_INVALID_LEN;
		}
	}
	return psp_guest_request(psp, mem + req->req_gpa, mem + req->resp_gpa);
}

static uint64_t guest_request(struct snp_machine *m, void *ctx,
			      struct snp_guest_request *req)
{
	return psp_hv_request(m, ctx, req);
}

/** A PSP keyed with the VMPCKs launched at `secrets_gpa`, handling requests. */
struct psp *psp_attach(struct snp_machine *m, uint64_t secrets_gpa,
		       uint64_t policy)
{
	const struct snp_secrets_page *s;
	struct psp_config cfg;
	struct psp *psp;

	if (secrets_gpa > snp_machine_mem_size(m) - sizeof(*s)) {
		return NULL;
	}
	s = (const void *)(snp_machine_mem(m) + secrets_gpa);
	memcpy(cfg.vmpck, s->vmpck, sizeof(cfg.vmpck));
	memcpy(cfg.measurement, snp_machine_measurement(m),
	       sizeof(cfg.measurement));
	cfg.policy = policy;
	psp = psp_create(&cfg);
	memset(&cfg, 0, sizeof(cfg));
	if (psp != NULL) {
		snp_machine_set_guest_request_handler(m, guest_request, psp);
	}
	return psp;
}

/** Unplug and free the PSP. */
void psp_detach(struct snp_machine *m, struct psp *psp)
{
	snp_machine_set_guest_request_handler(m, NULL, NULL);
	psp_destroy(psp);
}
