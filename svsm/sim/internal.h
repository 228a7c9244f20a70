/* SPDX-License-Identifier: MIT */
/* Private to svsm/sim (the harness, its entry points and the console). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vtpm_store_stats;

#include "svsm/sim.h"

/* Guest-physical layout the harness builds (see sim.c). */
#define SIM_GUEST_SECRETS_GPA 0x3000ULL
#define SIM_GUEST_CA_GPA 0x4000ULL
#define SIM_GUEST_VMSA_GPA 0x5000ULL
#define SIM_GUEST_RIP 0xFFFFFFF0ULL
#define SIM_GUEST_VMPL 2U
#define SIM_SVSM_MAX_SIZE (16ULL << 20)
#define SIM_SEV_STATUS 0x7ULL /* SEV | SEV-ES | SNP */

void svsm_sim_bsp_entry(uint64_t rdi);
void svsm_sim_ap_entry(uint64_t rdi);

/* Where the booting SVSM keeps its vTPM state (NULL dir: memory); set by
 * svsm_sim_create() for svsm/sim/services.c. */
struct sim_vtpm_state {
	const char *dir;
	const uint8_t *secret;
	size_t secret_len;
};
extern struct sim_vtpm_state svsm_sim_vtpm_state;

/** The persistent store's counters; false without one. */
bool svsm_sim_vtpm_store_stats(struct vtpm_store_stats *out);
/**
 * The KBS the services attest to at boot (sim.c sets it around the boot;
 * services.c reads it), and what came of it.
 */
extern const struct svsm_sim_kbs *svsm_sim_kbs_boot;
const struct svsm_sim_kbs_result *svsm_services_kbs_result(void);
