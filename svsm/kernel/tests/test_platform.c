/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of platform selection, the native platform, the
 * command-line parser and secret wiping.
 */
#include <stdint.h>
#include <string.h>

#include <kernel/boot.h>
#include <kernel/ktest.h>
#include <kernel/platform.h>
#include <svsm/secrets.h>

KTEST(platform_classify_probes)
{
	struct platform_probe p = {
		.max_ext_leaf = 0x8000001f,
		.sev_leaf_eax = 0x2,
		.sev_status_valid = true,
		.sev_status = 0x7,
	};

	KTEST_CHECK(platform_classify(&p) == PLATFORM_SNP);
	p.sev_status = 0x3; /* SEV-ES but no SNP */
	KTEST_CHECK(platform_classify(&p) == PLATFORM_NATIVE);
	p.sev_status = 0x7;
	p.sev_status_valid = false;
	KTEST_CHECK(platform_classify(&p) == PLATFORM_NATIVE);
	p.sev_status_valid = true;
	p.sev_leaf_eax = 0;
	KTEST_CHECK(platform_classify(&p) == PLATFORM_NATIVE);
	p.sev_leaf_eax = 0x2;
	p.max_ext_leaf = 0x8000001e;
	KTEST_CHECK(platform_classify(&p) == PLATFORM_NATIVE);
	return true;
}

KTEST(platform_native_under_qemu)
{
	struct platform_probe p;

	platform_probe_cpu(&p);
	KTEST_CHECK(platform_classify(&p) == PLATFORM_NATIVE);
	KTEST_CHECK(platform_get() == PLATFORM_NATIVE);
	KTEST_CHECK(strcmp(platform_name(), "native") == 0);
	/* Validation and page state changes are no-ops that succeed. */
	KTEST_CHECK(platform_validate(0x100000, 4, true));
	KTEST_CHECK(platform_page_state(0x100000, 4, true));
	return true;
}

KTEST(cmdline_parsing)
{
	char saved[CMDLINE_MAX];
	char v[8];
	bool ok = true;

	memcpy(saved, boot_info.cmdline, sizeof(saved));
	memcpy(boot_info.cmdline, "a=1 bb  ccc=long-value d", 25);
	ok = ok && cmdline_has("a") && cmdline_has("bb") && cmdline_has("d");
	ok = ok && !cmdline_has("b") && !cmdline_has("cc");
	ok = ok && cmdline_get("a", v, sizeof(v)) && strcmp(v, "1") == 0;
	ok = ok && cmdline_get("ccc", v, sizeof(v)) &&
	     strcmp(v, "long-va") == 0;
	ok = ok && !cmdline_get("bb", v, sizeof(v));
	ok = ok && !cmdline_get("zz", v, sizeof(v));
	memcpy(boot_info.cmdline, saved, sizeof(saved));
	KTEST_CHECK(ok);
	return true;
}

KTEST(secrets_are_wiped)
{
	static uint8_t key[32];
	unsigned int i;

	memset(key, 0x5a, sizeof(key));
	KTEST_CHECK(secrets_register(key, sizeof(key)));
	KTEST_CHECK(secrets_wipe() >= 1);
	for (i = 0; i < sizeof(key); i++) {
		KTEST_CHECK(key[i] == 0);
	}
	return true;
}
