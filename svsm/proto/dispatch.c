/* SPDX-License-Identifier: MIT */
/*
 * The one dispatcher: RAX[63:32] selects the protocol, RAX[31:0] the call.
 * The protocol table below is the single source both dispatch and
 * QUERY_PROTOCOL read, so they cannot drift apart. To add a protocol, add
 * one line to SVSM_PROTOCOLS; its dispatcher is a switch of direct calls.
 */
#include "svsm/proto.h"
#include "internal.h"
#include "abi/svsm_call.h"

#include "svsm/attest.h"
#include "svsm/reboot.h"
#include "svsm/services.h"
#include "svsm/vtpm.h"
#include "svsm/vtpm_proto.h"
#include "abi/svsm_attest.h"
#include "abi/svsm_reboot.h"
#include "abi/svsm_vtpm.h"

/*
 * The services' protocols: present in the table of both builds, served
 * only while the service runs (QUERY_PROTOCOL answers 0 otherwise).
 */
#define SVSM_SERVICE_PROTOCOLS(X)                                              \
	X(SVSM_PROTOCOL_ATTEST, SVSM_ATTEST_VERSION_MIN,                       \
	  SVSM_ATTEST_VERSION_MAX, attest_proto_dispatch,                      \
	  svsm_attest_available())                                             \
	X(SVSM_PROTOCOL_VTPM, SVSM_VTPM_VERSION_MIN, SVSM_VTPM_VERSION_MAX,    \
	  vtpm_proto_dispatch, svsm_vtpm_available())                          \
	X(SVSM_PROTOCOL_REBOOT, SVSM_REBOOT_VERSION_MIN,                       \
	  SVSM_REBOOT_VERSION_MAX, reboot_dispatch, svsm_reboot_available())

/* X(protocol, min version, max version, dispatcher, available now) */
#define SVSM_PROTOCOLS(X)                                                      \
	X(SVSM_PROTOCOL_CORE, SVSM_CORE_VERSION_MIN, SVSM_CORE_VERSION_MAX,    \
	  core_dispatch, true)                                                 \
	SVSM_SERVICE_PROTOCOLS(X)

/** Versions of `protocol` this SVSM serves (from SVSM_PROTOCOLS). */
bool svsm_protocol_versions(uint32_t protocol, uint32_t *min, uint32_t *max)
{
#define X_VERSIONS(id, lo, hi, fn, available)                                  \
	if (protocol == (id) && (available)) {                                 \
		*min = (lo);                                                   \
		*max = (hi);                                                   \
		return true;                                                   \
	}
	SVSM_PROTOCOLS(X_VERSIONS)
#undef X_VERSIONS
	return false;
}

/** Serve one call: the result code, outputs in `out`. */
enum svsm_result svsm_dispatch(const struct svsm_caller *caller,
			       const struct svsm_call_in *in,
			       struct svsm_call_out *out)
{
	uint32_t protocol = SVSM_CALL_GET_PROTOCOL(in->rax);
	uint32_t call = SVSM_CALL_GET_ID(in->rax);

	out->set = 0;
#define X_DISPATCH(id, lo, hi, fn, available)                                  \
	if (protocol == (id) && (available)) {                                 \
		return fn(caller, call, in, out);                              \
	}
	SVSM_PROTOCOLS(X_DISPATCH)
#undef X_DISPATCH
	return SVSM_ERR_UNSUPPORTED_PROTOCOL;
}
