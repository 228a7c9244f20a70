// SPDX-License-Identifier: MIT
/*
 * igvm-measure: check an IGVM file, print its headers, and compute its SNP
 * launch digest as QEMU/KVM and the PSP do (the MEASUREMENT of the guest's
 * attestation reports). See docs/SNP-BOOT.md, "IGVM tools".
 *
 *   igvm-measure [-b] [-q] [--check-kvm] [--native-zero] [--vcpus N]
 *                [--ignore-id-block] [--id-block KEY.pem [-o OUT]] FILE
 *
 * Exit 0 when the file is good, 1 when a check fails (the reason on
 * stderr), 2 on usage or I/O errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_io.h"
#include "id_block.h"
#include "igvm/igvm.h"

#define TOOL "igvm-measure"
#define DEFAULT_POLICY 0x30000ULL

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " TOOL " [options] FILE\n"
		"Checks an IGVM file, prints its headers (one a line) and its "
		"SEV-SNP launch digest.\n"
		"  -b, --bare            print only the digest (hex)\n"
		"  -q, --quiet           do not print the headers\n"
		"      --check-kvm       enforce the QEMU/KVM rules (one VMSA at "
		"0xfffffffff000, last)\n"
		"      --native-zero     measure pages without data as ZERO "
		"pages (not QEMU/KVM)\n"
		"      --vcpus N         vCPUs of the VM: KVM measures one VMSA "
		"each (default 1)\n"
		"      --ignore-id-block do not compare an ID block's digest\n"
		"      --id-block KEY    sign an SNP ID block with the ECDSA "
		"P-384 key in PEM file KEY\n"
		"  -o, --output OUT      with --id-block: write FILE plus the "
		"SNP_ID_BLOCK directive to OUT\n"
		"                        (without -o: print the ID block's "
		"fields)\n"
		"  -h, --help            this text\n");
}

static void hex(FILE *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", p[i]);
}

static const char *page_type_name(uint16_t t)
{
	static const char *const names[] = { "NORMAL", "SECRETS", "CPUID_DATA",
					     "CPUID_XF" };
	return t < 4 ? names[t] : "unknown";
}

static void print_header(const struct igvm_header *h)
{
	printf("%4u %-26s", h->index, igvm_type_name(h->type));
	switch (h->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		printf(" mask 0x%x %s vtl %u version %u shared_gpa 0x%llx",
		       h->u.platform.compatibility_mask,
		       igvm_platform_name(h->u.platform.platform_type),
		       h->u.platform.highest_vtl,
		       h->u.platform.platform_version,
		       (unsigned long long)h->u.platform.shared_gpa_boundary);
		break;
	case IGVM_VHT_GUEST_POLICY:
		printf(" mask 0x%x policy 0x%llx",
		       h->u.policy.compatibility_mask,
		       (unsigned long long)h->u.policy.policy);
		break;
	case IGVM_VHT_PARAMETER_AREA:
		printf(" area %u size 0x%llx data 0x%x",
		       h->u.area.parameter_area_index,
		       (unsigned long long)h->u.area.number_of_bytes,
		       h->u.area.file_offset);
		break;
	case IGVM_VHT_PAGE_DATA:
		printf(" mask 0x%x gpa 0x%llx %s%s%s%s data 0x%x",
		       h->u.page.compatibility_mask,
		       (unsigned long long)h->u.page.gpa,
		       page_type_name(h->u.page.data_type),
		       (h->u.page.flags & IGVM_PAGE_FLAG_2MB) ? " 2M" : "",
		       (h->u.page.flags & IGVM_PAGE_FLAG_UNMEASURED) ?
			       " unmeasured" :
			       "",
		       (h->u.page.flags & IGVM_PAGE_FLAG_SHARED) ? " shared" :
								   "",
		       h->u.page.file_offset);
		break;
	case IGVM_VHT_PARAMETER_INSERT:
		printf(" mask 0x%x gpa 0x%llx area %u",
		       h->u.insert.compatibility_mask,
		       (unsigned long long)h->u.insert.gpa,
		       h->u.insert.parameter_area_index);
		break;
	case IGVM_VHT_VP_CONTEXT:
		printf(" mask 0x%x gpa 0x%llx vp %u data 0x%x",
		       h->u.vp.compatibility_mask,
		       (unsigned long long)h->u.vp.gpa, h->u.vp.vp_index,
		       h->u.vp.file_offset);
		break;
	case IGVM_VHT_REQUIRED_MEMORY:
		printf(" mask 0x%x gpa 0x%llx size 0x%x flags 0x%x",
		       h->u.mem.compatibility_mask,
		       (unsigned long long)h->u.mem.gpa,
		       h->u.mem.number_of_bytes, h->u.mem.flags);
		break;
	case IGVM_VHT_SNP_ID_BLOCK:
		printf(" mask 0x%x ld ", h->u.id_block.compatibility_mask);
		hex(stdout, h->u.id_block.ld, sizeof(h->u.id_block.ld));
		break;
	default:
		if (h->length == sizeof(struct igvm_vhs_parameter))
			printf(" area %u offset 0x%x",
			       h->u.param.parameter_area_index,
			       h->u.param.byte_offset);
		else
			printf(" %u bytes%s", h->length,
			       h->optional ? " (optional)" : "");
		break;
	}
	printf("\n");
}

struct opts {
	int bare, quiet, ignore_id_block;
	unsigned vcpus;
	uint32_t flags;
	const char *id_key, *output, *path;
};

static int parse_args(int argc, char **argv, struct opts *o)
{
	enum {
		OPT_KVM = 256,
		OPT_ZERO,
		OPT_VCPUS,
		OPT_IGNORE,
		OPT_ID
	};
	static const struct option longs[] = {
		{ "bare", no_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "check-kvm", no_argument, NULL, OPT_KVM },
		{ "native-zero", no_argument, NULL, OPT_ZERO },
		{ "vcpus", required_argument, NULL, OPT_VCPUS },
		{ "ignore-id-block", no_argument, NULL, OPT_IGNORE },
		{ "id-block", required_argument, NULL, OPT_ID },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->vcpus = 1;
	while ((c = getopt_long(argc, argv, "bqo:h", longs, NULL)) != -1) {
		char *end;
		unsigned long v;

		switch (c) {
		case 'b':
			o->bare = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case OPT_KVM:
			o->flags |= IGVM_LAUNCH_CHECK_KVM;
			break;
		case OPT_ZERO:
			o->flags |= IGVM_LAUNCH_NATIVE_ZERO;
			break;
		case OPT_VCPUS:
			v = strtoul(optarg, &end, 0);
			if (*end || !v || v > 4096) {
				fprintf(stderr, TOOL ": bad --vcpus %s\n",
					optarg);
				return -1;
			}
			o->vcpus = (unsigned)v;
			break;
		case OPT_IGNORE:
			o->ignore_id_block = 1;
			break;
		case OPT_ID:
			o->id_key = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind + 1 != argc || (o->output && !o->id_key)) {
		usage(stderr);
		return -1;
	}
	o->path = argv[optind];
	return 0;
}

static void print_id_block(const struct igvm_vhs_snp_id_block *b)
{
	printf("id_block.ld           ");
	hex(stdout, b->ld, sizeof(b->ld));
	printf("\nid_block.version      %u\nid_block.guest_svn    %u\n",
	       b->version, b->guest_svn);
	printf("id_auth.id_key_algo   %u\nid_auth.sig.r         ",
	       b->id_key_algorithm);
	hex(stdout, b->id_key_signature.r, 72);
	printf("\nid_auth.sig.s         ");
	hex(stdout, b->id_key_signature.s, 72);
	printf("\nid_auth.key.curve     %u\nid_auth.key.qx        ",
	       b->id_public_key.curve);
	hex(stdout, b->id_public_key.qx, 72);
	printf("\nid_auth.key.qy        ");
	hex(stdout, b->id_public_key.qy, 72);
	printf("\n");
}

/* --id-block: sign, then write OUT or print. */
static int do_id_block(const struct opts *o, const struct igvm_file *f,
		       const struct igvm_launch *l)
{
	struct igvm_vhs_snp_id_block b;
	uint64_t policy = l->has_policy ? l->policy : DEFAULT_POLICY;
	char err[256];
	uint8_t *out;
	size_t len;
	int rc;

	if (id_block_sign(l->digest, policy, l->mask, o->id_key, &b, err,
			  sizeof(err))) {
		fprintf(stderr, TOOL ": %s\n", err);
		return 2;
	}
	if (!o->output) {
		print_id_block(&b);
		return 0;
	}
	out = id_block_add(f, &b, &len, err, sizeof(err));
	if (!out) {
		fprintf(stderr, TOOL ": %s\n", err);
		return 1;
	}
	rc = file_write(TOOL, o->output, out, len) ? 2 : 0;
	free(out);
	if (!rc && !o->bare)
		printf("wrote %s with an SNP_ID_BLOCK (policy 0x%llx)\n",
		       o->output, (unsigned long long)policy);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct igvm_file f;
	struct igvm_launch *l;
	struct igvm_iter it;
	struct igvm_header h;
	uint8_t *buf;
	size_t len;
	int rc = 1;

	if (parse_args(argc, argv, &o))
		return 2;
	buf = file_read(TOOL, o.path, &len);
	if (!buf)
		return 2;
	l = calloc(1, sizeof(*l));
	if (!l) {
		fprintf(stderr, TOOL ": out of memory\n");
		free(buf);
		return 2;
	}
	if (igvm_open(&f, buf, len)) {
		fprintf(stderr, TOOL ": %s: %s\n", o.path, f.error);
		goto out;
	}
	if (!o.bare && !o.quiet) {
		printf("%s: IGVM version %u, %u bytes, %u headers\n", o.path,
		       f.format_version, f.size, f.header_count);
		igvm_iter_start(&it, &f);
		while (igvm_iter_next(&it, &h))
			print_header(&h);
	}
	if (igvm_platform_mask(&f, IGVM_PLATFORM_SEV_SNP, &l->mask)) {
		if (o.bare || o.id_key) {
			fprintf(stderr, TOOL ": %s: no SEV-SNP platform\n",
				o.path);
			goto out;
		}
		printf("no SEV-SNP platform: no launch digest\n");
		rc = 0;
		goto out;
	}
	l->vcpus = o.vcpus;
	l->flags = o.flags;
	if (igvm_snp_launch(&f, l, NULL, NULL)) {
		fprintf(stderr, TOOL ": %s: %s\n", o.path, f.error);
		goto out;
	}
	if (o.bare) {
		hex(stdout, l->digest, sizeof(l->digest));
		printf("\n");
	} else {
		printf("SEV-SNP launch digest (%u vCPU%s, %u pages measured):"
		       "\n",
		       o.vcpus, o.vcpus == 1 ? "" : "s", l->pages_measured);
		hex(stdout, l->digest, sizeof(l->digest));
		printf("\n");
	}
	if (l->has_id_block && !o.ignore_id_block && !o.id_key &&
	    memcmp(l->id_block.ld, l->digest, sizeof(l->digest)) != 0) {
		fprintf(stderr,
			TOOL ": %s: the ID block's digest differs from the "
			     "launch digest: the PSP would refuse the launch\n",
			o.path);
		goto out;
	}
	rc = o.id_key ? do_id_block(&o, &f, l) : 0;
out:
	free(l);
	free(buf);
	return rc;
}
