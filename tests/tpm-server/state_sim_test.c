/* SPDX-License-Identifier: MIT */
/*
 * The persistent vTPM state through libsvsm-sim (ASan+UBSan): a machine
 * booted on a state directory with a secret, refused with another one,
 * opened with the key a KBS would release from the same secret (the two
 * ways in meet at svsm/vtpm_key.h), refused without any key; the platform
 * reset only with a vTPM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "svsm/log.h"
#include "svsm/sim.h"
#include "svsm/vtpm_key.h"

static char dir[] = "/tmp/svsm-state-test-XXXXXX";
static uint8_t secret[32];

static struct svsm_sim *boot(const uint8_t *s, size_t len, bool vtpm)
{
	struct svsm_sim_config cfg = { .guest_mem_bytes = 64ULL << 20,
				       .vcpus = 1,
				       .vtpm = vtpm,
				       .vtpm_state_dir = dir,
				       .vtpm_state_secret = s,
				       .vtpm_state_secret_len = len };

	return svsm_sim_create(&cfg);
}

/** Confirm the secret, a KBS-released key and the platform reset. */
static void state_keys(void **state)
{
	struct svsm_sim *sim;
	uint8_t other[32];
	char path[64];

	(void)state;
	memset(secret, 0x5C, sizeof(secret));
	memset(other, 0x5D, sizeof(other));
	/* A new state, made and kept. */
	sim = boot(secret, sizeof(secret), true);
	assert_non_null(sim);
	assert_int_equal(svsm_sim_vtpm_reset(sim), 0);
	svsm_sim_destroy(sim);
	snprintf(path, sizeof(path), "%s/vtpm.state", dir);
	assert_int_equal(access(path, R_OK), 0);
	/* Another secret: refused, the boot fails. */
	assert_null(boot(other, sizeof(other), true));
	/* Too short to be a key. */
	assert_null(boot(secret, VTPM_STATE_SECRET_MIN - 1, true));
	/* No secret and no released key. */
	assert_null(boot(NULL, 0, true));
	/* The key a KBS releases from the same secret opens it. */
	assert_int_equal(vtpm_state_key_set(secret, sizeof(secret)), 0);
	sim = boot(NULL, 0, true);
	assert_non_null(sim);
	svsm_sim_destroy(sim);
	vtpm_state_key_clear();
	assert_int_equal(vtpm_state_key_set(other, sizeof(other)), 0);
	assert_null(boot(NULL, 0, true));
	vtpm_state_key_clear();
	/* Without a vTPM there is nothing to reset. */
	sim = boot(secret, sizeof(secret), false);
	assert_non_null(sim);
	assert_int_equal(svsm_sim_vtpm_reset(sim), -1);
	svsm_sim_destroy(sim);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_keys),
	};
	int rc;

	if (mkdtemp(dir) == NULL) {
		return 1;
	}
	log_level_max = LOG_ERROR; /* the refusals print: expected */
	rc = cmocka_run_group_tests_name("vtpm-state-sim", tests, NULL, NULL);
	rmdir(dir);
	return rc;
}
