// SPDX-License-Identifier: MIT
/*
 * igvm-build: the IGVM image of the SVSM (docs/SNP-BOOT.md).
 *
 *   igvm-build --kernel svsm.elf [--guest GUEST] [--entry ADDR]
 *              [--policy P] [--svsm-base B] [--svsm-size S]
 *              [--sev-features F] [-v] -o OUT.igvm
 *   igvm-build --ovmf-info OVMF.fd
 *
 * GUEST is a PVH ELF or an OVMF image (told apart by the ELF magic). The
 * output is checked with the IGVM library (format and QEMU/KVM rules)
 * before it is written. Exit 0 on success, 1 on a build error, 2 on usage
 * or I/O errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "file_io.h"
#include "igvm/igvm.h"
#include "ovmf_metadata.h"

#define TOOL "igvm-build"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " TOOL " --kernel ELF [options] -o OUT.igvm\n"
		"       " TOOL " --ovmf-info OVMF.fd\n"
		"  --kernel ELF        the SVSM kernel (its \"SVSM\" note names "
		"the SNP entry)\n"
		"  --guest FILE        the VMPL2 guest: a PVH ELF or an OVMF "
		"image\n"
		"  --entry ADDR        the kernel's 32-bit SNP entry (overrides "
		"the note)\n"
		"  --policy P          SNP guest policy (default 0x30000)\n"
		"  --svsm-base B       the SVSM region (default 0x8000000)\n"
		"  --svsm-size S       its size (default 64 MiB)\n"
		"  --sev-features F    SEV_FEATURES beyond SNPActive (default "
		"0)\n"
		"  --ovmf-info FILE    print an OVMF image's SEV metadata\n"
		"  -v, --verbose       print the layout\n"
		"  -o, --output OUT    the IGVM file to write\n");
}

static int number(const char *s, uint64_t *v)
{
	char *end;

	*v = strtoull(s, &end, 0);
	return *s && !*end ? 0 : -1;
}

static int ovmf_info(const char *path)
{
	struct ovmf_metadata m;
	char err[160];
	size_t len;
	uint8_t *img = file_read(TOOL, path, &len);
	int rc;

	if (!img)
		return 2;
	rc = ovmf_metadata_parse(img, len, &m, err, sizeof(err));
	if (rc)
		fprintf(stderr, TOOL ": %s: %s\n", path, err);
	else
		ovmf_metadata_print(&m, stdout);
	free(img);
	return rc ? 1 : 0;
}

/* Opens the result with the library and launches it with the KVM rules. */
static int self_check(const uint8_t *out, size_t len)
{
	struct igvm_launch *l = calloc(1, sizeof(*l));
	struct igvm_file f;
	int rc = -1;

	if (!l)
		return -1;
	if (igvm_open(&f, out, len) ||
	    igvm_platform_mask(&f, IGVM_PLATFORM_SEV_SNP, &l->mask)) {
		fprintf(stderr, TOOL ": the output is invalid: %s\n", f.error);
		goto done;
	}
	l->flags = IGVM_LAUNCH_CHECK_KVM;
	if (igvm_snp_launch(&f, l, NULL, NULL)) {
		fprintf(stderr, TOOL ": the output breaks a rule: %s\n",
			f.error);
		goto done;
	}
	rc = 0;
done:
	free(l);
	return rc;
}

int main(int argc, char **argv)
{
	enum {
		O_KERNEL = 256,
		O_GUEST,
		O_ENTRY,
		O_POLICY,
		O_BASE,
		O_SIZE,
		O_FEAT,
		O_OVMF
	};
	static const struct option longs[] = {
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "guest", required_argument, NULL, O_GUEST },
		{ "entry", required_argument, NULL, O_ENTRY },
		{ "policy", required_argument, NULL, O_POLICY },
		{ "svsm-base", required_argument, NULL, O_BASE },
		{ "svsm-size", required_argument, NULL, O_SIZE },
		{ "sev-features", required_argument, NULL, O_FEAT },
		{ "ovmf-info", required_argument, NULL, O_OVMF },
		{ "verbose", no_argument, NULL, 'v' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct build_opts o = { .policy = 0x30000,
				.svsm_base = SVSM_IGVM_SVSM_BASE,
				.svsm_size = SVSM_IGVM_SVSM_SIZE };
	const char *kernel = NULL, *guest = NULL, *output = NULL;
	uint8_t *kbuf = NULL, *gbuf = NULL, *out = NULL;
	char err[256];
	size_t len = 0;
	int c, rc = 2;

	while ((c = getopt_long(argc, argv, "vo:h", longs, NULL)) != -1) {
		int bad = 0;

		switch (c) {
		case O_KERNEL:
			kernel = optarg;
			break;
		case O_GUEST:
			guest = optarg;
			break;
		case O_ENTRY:
			bad = number(optarg, &o.entry);
			o.has_entry = true;
			break;
		case O_POLICY:
			bad = number(optarg, &o.policy);
			break;
		case O_BASE:
			bad = number(optarg, &o.svsm_base);
			break;
		case O_SIZE:
			bad = number(optarg, &o.svsm_size);
			break;
		case O_FEAT:
			bad = number(optarg, &o.sev_features);
			break;
		case O_OVMF:
			return ovmf_info(optarg);
		case 'v':
			o.verbose = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (bad) {
			fprintf(stderr, TOOL ": bad number %s\n", optarg);
			return 2;
		}
	}
	if (!kernel || !output || optind != argc) {
		usage(stderr);
		return 2;
	}
	kbuf = file_read(TOOL, kernel, &o.kernel_len);
	if (!kbuf)
		goto done;
	o.kernel = kbuf;
	if (guest) {
		gbuf = file_read(TOOL, guest, &o.guest_len);
		if (!gbuf)
			goto done;
		o.guest = gbuf;
	}
	out = build_igvm(&o, &len, NULL, err, sizeof(err));
	if (!out) {
		fprintf(stderr, TOOL ": %s\n", err);
		rc = 1;
		goto done;
	}
	if (self_check(out, len)) {
		rc = 1;
		goto done;
	}
	rc = file_write(TOOL, output, out, len) ? 2 : 0;
	if (!rc && o.verbose)
		printf("igvm-build: wrote %s (%zu bytes)\n", output, len);
done:
	free(out);
	free(gbuf);
	free(kbuf);
	return rc;
}
