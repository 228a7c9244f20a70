/* SPDX-License-Identifier: MIT */
/*
 * The svsm-sim console's service commands, acting as Linux's tpm_svsm and
 * sev-guest drivers do:
 *
 *   tpm query                 VTPM_QUERY
 *   tpm startup               TPM2_Startup(CLEAR)
 *   tpm random N              TPM2_GetRandom(N), prints the bytes
 *   tpm extend PCR BYTE       TPM2_PCR_Extend(PCR, SHA-256 digest of 32 x BYTE)
 *   tpm read PCR              TPM2_PCR_Read(PCR, SHA-256), prints the value
 *   tpm raw HEX               any command, given as hex bytes; prints the response
 *   attest [DIR]              ATTEST_SERVICES with a fixed nonce; with DIR
 *                             (created if needed), writes report.bin,
 *                             manifest.bin, certs.bin and nonce.bin there
 *                             for `svsm-verify`
 *
 * The buffers live in guest pages at CONSOLE_BUF, validated on first use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "console.h"
#include "tpm2_cmds.h"
#include "svsm/proto.h"
#include "abi/svsm_attest.h"
#include "abi/svsm_ca.h"
#include "abi/svsm_call.h"
#include "abi/svsm_core.h"
#include "abi/svsm_vtpm.h"

#define PAGE 4096ULL
#define CONSOLE_BUF                                                            \
	0x180000ULL /* 8 pages: TPM, report, manifest, nonce, certs */
#define TPM_BUF CONSOLE_BUF
#define REPORT_BUF (CONSOLE_BUF + 1 * PAGE)
#define MANIFEST_BUF (CONSOLE_BUF + 2 * PAGE)
#define NONCE_BUF (CONSOLE_BUF + 3 * PAGE)
#define CERTS_BUF (CONSOLE_BUF + 4 * PAGE)
#define CERTS_PAGES 4U

/* PVALIDATE the console's pages once (ignore-CF: they may be valid). */
static int buffers(struct console *con)
{
	uint64_t list = con->ca_gpa[con->vcpu] + SVSM_CA_OFF_BUFFER;
	struct svsm_list_hdr hdr = { .entry_count = 8 };
	uint8_t *p = svsm_sim_guest_ptr(con->sim, list, 8 + 8 * 8);
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_PVALIDATE),
		.rcx = list,
	};
	unsigned i;

	if (con->buffers_ready) {
		return 0;
	}
	if (p == NULL) {
		return -1;
	}
	memcpy(p, &hdr, sizeof(hdr));
	for (i = 0; i < 8; i++) {
		uint64_t e = SVSM_PVAL_ENTRY(CONSOLE_BUF + i * PAGE,
					     SVSM_PVAL_SIZE_4K, true, true);

		memcpy(p + 8 + 8 * i, &e, 8);
	}
	if (svsm_sim_call(con->sim, con->vcpu, &r) != 0 || (uint32_t)r.rax) {
		printf("could not validate the console's pages at %#llx: %s\n",
		       (unsigned long long)CONSOLE_BUF,
		       svsm_result_name((uint32_t)r.rax));
		return -1;
	}
	con->buffers_ready = true;
	return 0;
}

static void hex(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		printf("%02x", p[i]);
	}
	printf("\n");
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (s[0] != '\0' && s[1] != '\0' && n < cap) {
		char b[3] = { s[0], s[1], '\0' };

		out[n++] = (uint8_t)strtoul(b, NULL, 16);
		s += 2;
	}
	return n;
}

/* Send the complete command `cmd` through VTPM_CMD; response to `resp`. */
static int tpm_send(struct console *con, uint8_t *cmd, size_t len,
		    uint8_t *resp, uint32_t *rlen)
{
	uint8_t *buf = svsm_sim_guest_ptr(con->sim, TPM_BUF, PAGE);
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_VTPM, SVSM_VTPM_CMD),
		.rcx = TPM_BUF,
	};
	uint32_t platform_cmd = SVSM_VTPM_PLAT_SEND_COMMAND, n = (uint32_t)len;

	if (len < 10 || len > PAGE - 9) {
		printf("a TPM command has 10 to %llu bytes\n", PAGE - 9);
		return -1;
	}
	memcpy(buf, &platform_cmd, 4);
	buf[4] = 0;
	memcpy(buf + 5, &n, 4);
	memcpy(buf + 9, cmd, len);
	if (console_call(con, &r) != 0 || (uint32_t)r.rax != 0) {
		return -1;
	}
	memcpy(rlen, buf, 4);
	if (*rlen < 10 || *rlen > PAGE - 4) {
		printf("bad response size %u\n", *rlen);
		return -1;
	}
	memcpy(resp, buf + 4, *rlen);
	printf("TPM response code %#x, %u bytes\n", tpm2_rc(resp, *rlen),
	       *rlen);
	return 0;
}

/* Build one of the simple commands; returns its length, 0 if unknown. */
static size_t tpm_build(int argc, char **argv, uint8_t *c)
{
	const char *op = argv[1];
	uint8_t digest[32];

	if (strcmp(op, "startup") == 0) {
		return tpm2_startup_clear(c);
	}
	if (strcmp(op, "random") == 0 && argc >= 3) {
		return tpm2_get_random(c, (uint16_t)strtoul(argv[2], NULL, 0));
	}
	if (strcmp(op, "extend") == 0 && argc >= 4) {
		memset(digest, (int)strtoul(argv[3], NULL, 0), sizeof(digest));
		return tpm2_pcr_extend_sha256(
			c, (uint32_t)strtoul(argv[2], NULL, 0), digest);
	}
	if (strcmp(op, "read") == 0 && argc >= 3) {
		return tpm2_pcr_read_sha256(
			c, (uint32_t)strtoul(argv[2], NULL, 0) % 24);
	}
	if (strcmp(op, "raw") == 0 && argc >= 3) {
		return unhex(argv[2], c, PAGE - 9);
	}
	return 0;
}

/** `tpm ...` (see the file comment). */
int console_tpm(struct console *con, int argc, char **argv)
{
	uint8_t cmd[PAGE], resp[PAGE];
	uint32_t rlen = 0;
	size_t n;

	if (argc < 2) {
		printf("tpm query|startup|random N|extend PCR BYTE|read PCR|"
		       "raw HEX\n");
		return -1;
	}
	if (strcmp(argv[1], "query") == 0) {
		struct svsm_sim_regs r = {
			.rax = SVSM_CALL(SVSM_PROTOCOL_VTPM, SVSM_VTPM_QUERY),
		};

		return console_call(con, &r);
	}
	n = tpm_build(argc, argv, cmd);
	if (n == 0) {
		printf("unknown or incomplete tpm command\n");
		return -1;
	}
	if (buffers(con) != 0 || tpm_send(con, cmd, n, resp, &rlen) != 0) {
		return -1;
	}
	if (strcmp(argv[1], "random") == 0 && rlen >= 12) {
		hex(resp + 12, rlen - 12);
	} else if (strcmp(argv[1], "read") == 0 && rlen >= 32 + 10) {
		hex(resp + rlen - 32, 32);
	} else if (strcmp(argv[1], "raw") == 0) {
		hex(resp, rlen);
	}
	return 0;
}

static int write_blob(const char *dir, const char *name, const void *p,
		      size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n) {
		printf("cannot write %s\n", path);
		if (f != NULL) {
			fclose(f);
		}
		return -1;
	}
	fclose(f);
	return 0;
}

/** `attest [DIR]` (see the file comment). */
int console_attest(struct console *con, int argc, char **argv)
{
	struct svsm_attest_services_req op = {
		.report = { REPORT_BUF, PAGE, 0 },
		.nonce = { NONCE_BUF, 64, 0 },
		.manifest = { MANIFEST_BUF, PAGE, 0 },
		.certs = { CERTS_BUF, CERTS_PAGES * PAGE, 0 },
	};
	uint64_t at = con->ca_gpa[con->vcpu] + SVSM_CA_OFF_BUFFER;
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_ATTEST, SVSM_ATTEST_SERVICES),
		.rcx = at,
	};
	uint8_t *nonce, *report;
	unsigned i;

	if (buffers(con) != 0) {
		return -1;
	}
	nonce = svsm_sim_guest_ptr(con->sim, NONCE_BUF, 64);
	for (i = 0; i < 64; i++) {
		nonce[i] = (uint8_t)i;
	}
	memcpy(svsm_sim_guest_ptr(con->sim, at, sizeof(op)), &op, sizeof(op));
	if (console_call(con, &r) != 0 || (uint32_t)r.rax != 0) {
		return -1;
	}
	report = svsm_sim_guest_ptr(con->sim, REPORT_BUF, 0x4A0);
	printf("report %llu bytes, manifest %llu bytes, certificates %llu "
	       "bytes\nreport_data ",
	       (unsigned long long)r.r8, (unsigned long long)r.rcx,
	       (unsigned long long)r.rdx);
	hex(report + 0x50, 64);
	printf("measurement ");
	hex(report + 0x90, 48);
	if (argc >= 2 && mkdir(argv[1], 0755) != 0 && errno != EEXIST) {
		printf("cannot create %s\n", argv[1]);
		return -1;
	}
	if (argc >= 2 &&
	    (write_blob(argv[1], "report.bin", report, r.r8) != 0 ||
	     write_blob(argv[1], "manifest.bin",
			svsm_sim_guest_ptr(con->sim, MANIFEST_BUF, r.rcx),
			r.rcx) != 0 ||
	     write_blob(argv[1], "certs.bin",
			svsm_sim_guest_ptr(con->sim, CERTS_BUF, r.rdx),
			r.rdx) != 0 ||
	     write_blob(argv[1], "nonce.bin", nonce, 64) != 0)) {
		return -1;
	}
	return 0;
}
