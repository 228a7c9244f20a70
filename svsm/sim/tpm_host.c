/* SPDX-License-Identifier: MIT */
/* Hosted plumbing of the TPM bridge (see tpm_host.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "abi/snp_secrets.h"
#include "abi/svsm_call.h"
#include "abi/svsm_core.h"
#include "abi/svsm_result.h"
#include "abi/svsm_vtpm.h"
#include "tpm_host.h"

/** See tpm_host.h. */
int tpm_host_attach(struct svsm_sim *sim, uint64_t *bitmap)
{
	const struct snp_secrets_page *s =
		svsm_sim_guest_ptr(sim, svsm_sim_secrets_gpa(sim), sizeof(*s));
	struct svsm_list_hdr hdr = { .entry_count = 1 };
	uint64_t e = SVSM_PVAL_ENTRY(TPM_HOST_PAGE_GPA, SVSM_PVAL_SIZE_4K, true,
				     false);
	uint8_t *list = svsm_sim_guest_ptr(sim, s->svsm_caa + 8, 16);
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_PVALIDATE),
		.rcx = s->svsm_caa + 8,
	};

	memcpy(list, &hdr, sizeof(hdr));
	memcpy(list + sizeof(hdr), &e, sizeof(e));
	if (svsm_sim_call(sim, 0, &r) != 0 || (uint32_t)r.rax != SVSM_SUCCESS) {
		return -1;
	}
	r = (struct svsm_sim_regs){ .rax = SVSM_CALL(SVSM_PROTOCOL_VTPM,
						     SVSM_VTPM_QUERY) };
	if (svsm_sim_call(sim, 0, &r) != 0 || (uint32_t)r.rax != SVSM_SUCCESS) {
		return -1;
	}
	*bitmap = r.rcx;
	return 0;
}

/** See tpm_host.h. */
uint32_t tpm_host_vtpm_cmd(struct svsm_sim *sim, uint8_t *page)
{
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_VTPM, SVSM_VTPM_CMD),
		.rcx = TPM_HOST_PAGE_GPA,
	};
	uint8_t *g = svsm_sim_guest_ptr(sim, TPM_HOST_PAGE_GPA,
					SVSM_VTPM_BUFFER_SIZE);

	memcpy(g, page, SVSM_VTPM_BUFFER_SIZE);
	if (svsm_sim_call(sim, 0, &r) != 0) {
		return 0xFFFFFFFFU;
	}
	memcpy(page, g, SVSM_VTPM_BUFFER_SIZE);
	return (uint32_t)r.rax;
}

/** See tpm_host.h. */
int tpm_host_listen(unsigned port, int backlog)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(fd, backlog) != 0) {
		perror("listen");
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	return fd;
}
