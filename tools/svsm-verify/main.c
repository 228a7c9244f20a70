/* SPDX-License-Identifier: MIT */
/*
 * svsm-verify: check an SNP attestation report the way a relying party
 * does, and show what it says.
 *
 *   svsm-verify --report R (--certs TABLE | --ark A --ask S --vcek V)
 *               [--nonce N --manifest M] [--expect-measurement HEX]
 *               [--quiet]
 *
 * --expect-measurement: MEASUREMENT must equal HEX (`igvm-measure -b`).
 *
 * The nonce must be exactly 64 bytes, as the SVSM requires (verify.h).
 *
 * Exit 0 when every requested check passes, 1 when one fails (with the
 * reason), 2 on usage or I/O errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/snp_guest_msg.h"
#include "svsm/manifest.h"
#include "verify.h"

struct blob {
	uint8_t *data;
	size_t len;
};

static int read_file(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "svsm-verify: cannot read %s\n", path);
		if (f) {
			fclose(f);
		}
		return -1;
	}
	b->data = malloc(n ? (size_t)n : 1);
	b->len = (size_t)n;
	if (b->data == NULL || fread(b->data, 1, b->len, f) != b->len) {
		fprintf(stderr, "svsm-verify: cannot read %s\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static void hex(const char *name, const uint8_t *p, size_t n)
{
	size_t i;

	printf("%-18s ", name);
	for (i = 0; i < n; i++) {
		printf("%02x", p[i]);
	}
	printf("\n");
}

static void print_report(const struct snp_attestation_report *r)
{
	printf("%-18s %u\n", "version", r->version);
	printf("%-18s %u\n", "guest_svn", r->guest_svn);
	printf("%-18s 0x%llx\n", "policy", (unsigned long long)r->policy);
	printf("%-18s %u\n", "vmpl", r->vmpl);
	printf("%-18s %u\n", "signature_algo", r->signature_algo);
	printf("%-18s 0x%016llx\n", "platform_version",
	       (unsigned long long)r->platform_version);
	printf("%-18s 0x%016llx\n", "reported_tcb",
	       (unsigned long long)r->reported_tcb);
	hex("report_data", r->report_data, sizeof(r->report_data));
	hex("measurement", r->measurement, sizeof(r->measurement));
	hex("host_data", r->host_data, sizeof(r->host_data));
	hex("report_id", r->report_id, sizeof(r->report_id));
	hex("chip_id", r->chip_id, sizeof(r->chip_id));
}

/* The vTPM EK public area (TPMT_PUBLIC) named by the manifest. */
static void print_ek(const uint8_t *m, size_t len)
{
	static const uint8_t vtpm[16] = SVSM_VTPM_SERVICE_GUID;
	const uint8_t *ek;
	size_t n;

	if (manifest_find(m, len, vtpm, &ek, &n) != 0) {
		printf("%-18s (no vTPM service in the manifest)\n", "vtpm_ek");
		return;
	}
	if (n >= 2) {
		unsigned type = (unsigned)ek[0] << 8 | ek[1];

		printf("%-18s %s, %zu bytes of TPMT_PUBLIC\n", "vtpm_ek_type",
		       type == 0x0001 ? "RSA" :
		       type == 0x0023 ? "ECC" :
					"unknown",
		       n);
	}
	hex("vtpm_ek", ek, n);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "report", required_argument, NULL, 'r' },
		{ "certs", required_argument, NULL, 'c' },
		{ "ark", required_argument, NULL, 'a' },
		{ "ask", required_argument, NULL, 's' },
		{ "vcek", required_argument, NULL, 'v' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "expect-measurement", required_argument, NULL, 'e' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path[128] = { 0 };
	struct blob report = { 0 }, table = { 0 }, ark = { 0 }, ask = { 0 },
		    vcek = { 0 }, nonce = { 0 }, manifest = { 0 };
	struct verify_certs certs;
	char err[256];
	int c, quiet = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'q') {
			quiet = 1;
		} else if (c == '?' || c < 0 || c >= 128) {
			return 2;
		} else {
			path[c] = optarg;
		}
	}
	if (path['r'] == NULL || (path['c'] == NULL && path['v'] == NULL) ||
	    (path['n'] == NULL) != (path['m'] == NULL)) {
		fprintf(stderr,
			"usage: svsm-verify --report FILE (--certs TABLE | "
			"--ark F --ask F --vcek F) [--nonce F --manifest F] "
			"[--expect-measurement HEX] [--quiet]\n");
		return 2;
	}
	if (read_file(path['r'], &report) ||
	    (path['c'] && read_file(path['c'], &table)) ||
	    (path['a'] && read_file(path['a'], &ark)) ||
	    (path['s'] && read_file(path['s'], &ask)) ||
	    (path['v'] && read_file(path['v'], &vcek)) ||
	    (path['n'] && read_file(path['n'], &nonce)) ||
	    (path['m'] && read_file(path['m'], &manifest))) {
		return 2;
	}
	if (table.data) {
		if (verify_split_cert_table(table.data, table.len, &certs, err,
					    sizeof(err))) {
			goto bad;
		}
	} else {
		certs = (struct verify_certs){ ark.data, ask.data, vcek.data,
					       ark.len,	 ask.len,  vcek.len };
	}
	if (verify_chain(&certs, err, sizeof(err)) ||
	    verify_report_signature(report.data, report.len, certs.vcek,
				    certs.vcek_len, err, sizeof(err))) {
		goto bad;
	}
	if (nonce.data &&
	    verify_report_data(report.data, nonce.data, nonce.len,
			       manifest.data, manifest.len, err, sizeof(err))) {
		goto bad;
	}
	if (path['e'] &&
	    verify_measurement(report.data, path['e'], err, sizeof(err))) {
		goto bad;
	}
	if (!quiet) {
		print_report((const void *)report.data);
		if (manifest.data) {
			print_ek(manifest.data, manifest.len);
		}
	}
	printf("OK: chain ARK -> ASK -> VCEK, report signature%s%s verified\n",
	       nonce.data ? ", REPORT_DATA = SHA-512(nonce || manifest)" : "",
	       path['e'] ? ", MEASUREMENT" : "");
	return 0;
bad:
	printf("FAILED: %s\n", err);
	return 1;
}
