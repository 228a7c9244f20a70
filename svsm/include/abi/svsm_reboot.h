/* SPDX-License-Identifier: MIT */
/*
 * The reboot protocol: a guest restart through the SVSM (COCONUT-SVSM PR
 * #808's proposal, not yet in 58019). Call 0, SVSM_REBOOT_EXECUTE, takes
 * RCX = 0 and does not return on success: the guest starts again from its
 * launch state.
 *
 * The protocol number is provisional: 5 is also claimed by the
 * observability protocol proposal (COCONUT PR #1182). It is this one
 * build-time constant (`-DSVSM_PROTOCOL_REBOOT=N`); QUERY_PROTOCOL, the
 * dispatcher and the tests all read it.
 *
 * Export header: stdint types, constants and layouts only.
 */
#ifndef ABI_SVSM_REBOOT_H
#define ABI_SVSM_REBOOT_H

#include <stdint.h>

#ifndef SVSM_PROTOCOL_REBOOT
#define SVSM_PROTOCOL_REBOOT 5U /* provisional, see above */
#endif

#define SVSM_REBOOT_VERSION_MIN 1U
#define SVSM_REBOOT_VERSION_MAX 1U

/* Calls. */
#define SVSM_REBOOT_EXECUTE 0U

/**
 * The reboot service's data in the attestation services manifest (GUID
 * 0cc20f93-afaa-4013-9fb6-9d16fc42ceae): a relying party sees that the
 * guest may be restarted by the SVSM.
 */
struct svsm_reboot_manifest {
	uint32_t version; /* 0 */
	uint32_t flags;	  /* 0 */
};

_Static_assert(sizeof(struct svsm_reboot_manifest) == 8, "reboot manifest");

#endif /* ABI_SVSM_REBOOT_H */
