/* SPDX-License-Identifier: MIT */
/*
 * The PSP's launch firmware: SNP_LAUNCH_UPDATE of one page at a time, the
 * launch digest and the secrets page.
 *
 * The digest follows the SNP firmware ABI: each update hashes a 0x70-byte
 * PAGE_INFO record (the current digest, the SHA-384 of the page contents
 * for NORMAL and VMSA pages or zeros otherwise, the record length, the page
 * type, the IMI flag, the VMPL3..1 permissions and the GPA), and the new
 * digest is the SHA-384 of that record.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "machine_internal.h"

#include "abi/snp_secrets.h"

/* PAGE_INFO page types (SNP firmware ABI). */
#define PAGE_TYPE_NORMAL 0x1
#define PAGE_TYPE_VMSA 0x2
#define PAGE_TYPE_ZERO 0x3
#define PAGE_TYPE_UNMEASURED 0x4
#define PAGE_TYPE_SECRETS 0x5
#define PAGE_TYPE_CPUID 0x6

struct page_info {
	uint8_t digest_cur[SNP_MEASUREMENT_SIZE];
	uint8_t contents[SNP_MEASUREMENT_SIZE];
	uint16_t length;
	uint8_t page_type;
	uint8_t imi_page;
	uint8_t vmpl3_perms;
	uint8_t vmpl2_perms;
	uint8_t vmpl1_perms;
	uint8_t rsvd;
	uint64_t gpa;
} __attribute__((packed));

_Static_assert(sizeof(struct page_info) == 0x70, "PAGE_INFO is 0x70 bytes");

#if defined(SVSM_HOSTED)
/*
 * Each boot of a configuration hashes the same records in the same order
 * (hundreds for the zeroed SVSM region), and the hosted tests and fuzzers
 * boot thousands of machines: the n-th record of a boot and the digest it
 * gave are remembered. A record holds the digest before it, so a boot
 * whose n-th record is the same byte for byte has the same history and
 * takes the same digest. Hosted builds only (snp-emu boots once).
 */
#define DIGEST_MEMO 4096U

struct digest_memo {
	struct page_info info;
	uint8_t digest[SNP_MEASUREMENT_SIZE];
	bool valid;
};

static struct digest_memo memo[DIGEST_MEMO];
#endif

static bool sha384(const void *data, size_t len, uint8_t *out)
{
	unsigned int out_len = 0;

	return EVP_Digest(data, len, out, &out_len, EVP_sha384(), NULL) == 1 &&
	       out_len == SNP_MEASUREMENT_SIZE;
}

static uint8_t page_type_of(enum snp_launch_page type)
{
	switch (type) {
	case SNP_LAUNCH_NORMAL:
		return PAGE_TYPE_NORMAL;
	case SNP_LAUNCH_ZERO:
		return PAGE_TYPE_ZERO;
	case SNP_LAUNCH_VMSA:
		return PAGE_TYPE_VMSA;
	case SNP_LAUNCH_SECRETS:
		return PAGE_TYPE_SECRETS;
	case SNP_LAUNCH_CPUID:
		return PAGE_TYPE_CPUID;
	case SNP_LAUNCH_UNMEASURED:
		return PAGE_TYPE_UNMEASURED;
	}
	return 0;
}

/* The digest of `info`, the n-th record of a launch. */
static bool record_digest(unsigned n, const struct page_info *info,
			  uint8_t *digest)
{
#if defined(SVSM_HOSTED)
	struct digest_memo *e = n < DIGEST_MEMO ? &memo[n] : NULL;

	if (e != NULL && e->valid &&
	    memcmp(&e->info, info, sizeof(*info)) == 0) {
		memcpy(digest, e->digest, SNP_MEASUREMENT_SIZE);
		return true;
	}
	if (!sha384(info, sizeof(*info), digest)) {
		return false;
	}
	if (e != NULL) {
		e->info = *info;
		memcpy(e->digest, digest, SNP_MEASUREMENT_SIZE);
		e->valid = true;
	}
	return true;
#else
	(void)n;
	return sha384(info, sizeof(*info), digest);
#endif
}

/*
 * Extend the launch digest by one update of `page` (the contents at `gpa`);
 * false (digest unchanged) on error.
 */
static bool measure(struct snp_machine *m, uint64_t gpa, const uint8_t *page,
		    enum snp_launch_page type)
{
	struct page_info info;
	uint8_t digest[SNP_MEASUREMENT_SIZE];

	memset(&info, 0, sizeof(info));
	memcpy(info.digest_cur, m->measurement, sizeof(info.digest_cur));
	if (type == SNP_LAUNCH_NORMAL || type == SNP_LAUNCH_VMSA) {
		if (!sha384(page, SNP_PAGE_SIZE, info.contents)) {
			return false;
		}
	}
	info.length = sizeof(info);
	info.page_type = page_type_of(type);
	info.gpa = gpa;
	if (!record_digest(m->launch_updates, &info, digest)) {
		return false;
	}
	memcpy(m->measurement, digest, sizeof(digest));
	m->launch_updates++;
	return true;
}

/* The PSP fills a fresh secrets page: version, fms, VMPCK0-3. */
static bool fill_secrets(struct snp_machine *m, uint64_t gpa)
{
	struct snp_secrets_page *s;
	uint8_t keys[SNP_VMPCK_COUNT][SNP_VMPCK_SIZE];

	_Static_assert(sizeof(keys) == sizeof(m->vmpck), "VMPCK storage");
	if (RAND_bytes(&keys[0][0], (int)sizeof(keys)) != 1) {
		return false;
	}
	s = (struct snp_secrets_page *)(m->mem + gpa);
	memset(s, 0, sizeof(*s));
	s->version = SNP_MACHINE_SECRETS_VERSION;
	s->fms = SNP_MACHINE_FMS;
	memcpy(s->vmpck, keys, sizeof(keys));
	memcpy(m->vmpck, keys, sizeof(keys));
	m->have_vmpcks = true;
	snp_wipe(keys, sizeof(keys));
	return true;
}

/* The PSP's check of a CPUID page: the entry count it accepts. */
static bool cpuid_ok(const struct snp_machine *m, uint64_t gpa)
{
	uint32_t count;

	memcpy(&count, m->mem + gpa, sizeof(count));
	return count <= SNP_CPUID_MAX_ENTRIES;
}

/** SNP_LAUNCH_UPDATE of one page (see machine.h). */
int snp_machine_launch_page(struct snp_machine *m, uint64_t gpa,
			    enum snp_launch_page type)
{
	struct rmp_entry *e;
	uint8_t saved[SNP_MEASUREMENT_SIZE];

	if (m->launch_finished || (gpa & SNP_PAGE_MASK) != 0 ||
	    !snp_range_ok(m, gpa, SNP_PAGE_SIZE) || page_type_of(type) == 0) {
		return -1;
	}
	e = snp_rmp_at(m, gpa);
	if (e->assigned) {
		return -1;
	}
	if (type == SNP_LAUNCH_CPUID && !cpuid_ok(m, gpa)) {
		return -1;
	}
	if (type == SNP_LAUNCH_SECRETS && m->have_vmpcks) {
		return -1; /* one secrets page per guest */
	}
	memcpy(saved, m->measurement, sizeof(saved));
	/* Only written if needed: the hosted front end tracks the pages
	 * written to find what to clear for the next machine (dirty.c). */
	if (type == SNP_LAUNCH_ZERO) {
		snp_zero_page(m->mem + gpa);
	}
	if (type == SNP_LAUNCH_SECRETS && !fill_secrets(m, gpa)) {
		return -1;
	}
	if (!measure(m, gpa, m->mem + gpa, type)) {
		memcpy(m->measurement, saved, sizeof(saved));
		return -1;
	}
	snp_rmp_set_private(e, false);
	e->validated = true;
	e->vmsa = type == SNP_LAUNCH_VMSA;
	return 0;
}

/** Measure a launch VMSA the hypervisor keeps (see machine.h). */
int snp_machine_launch_ext_vmsa(struct snp_machine *m, uint64_t gpa,
				uint8_t *page)
{
	if (m->launch_finished || (gpa & SNP_PAGE_MASK) != 0 ||
	    snp_range_ok(m, gpa, SNP_PAGE_SIZE) ||
	    (m->ext_vmsa != NULL && gpa != m->ext_vmsa_gpa)) {
		return -1;
	}
	if (!measure(m, gpa, page, SNP_LAUNCH_VMSA)) {
		return -1;
	}
	if (m->ext_vmsa == NULL) {
		m->ext_vmsa = page;
		m->ext_vmsa_gpa = gpa;
	}
	return 0;
}

/** SNP_LAUNCH_FINISH (see machine.h). */
void snp_machine_launch_finish(struct snp_machine *m)
{
	m->launch_finished = true;
}

/** The launch digest. */
const uint8_t *snp_machine_measurement(const struct snp_machine *m)
{
	return m->measurement;
}

/** VMPCK `idx`, or NULL. */
const uint8_t *snp_machine_vmpck(const struct snp_machine *m, unsigned idx)
{
	if (!m->have_vmpcks || idx >= SNP_VMPCK_COUNT) {
		return NULL;
	}
	return m->vmpck[idx];
}
