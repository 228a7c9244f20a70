// SPDX-License-Identifier: MIT
/*
 * igvm_snp_launch(): the SNP launch digest against values derived by hand
 * from the algorithm (PAGE_INFO steps in QEMU's measurement order), the
 * loader callbacks, the VMSA KVM measures and the QEMU/KVM rules.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "igvm_test_files.h"

#define PT_NORMAL 1
#define PT_VMSA 2
#define PT_ZERO 3
#define PT_UNMEASURED 4
#define PT_SECRETS 5
#define PT_CPUID 6
#define VMSA_GPA 0xFFFFFFFFF000ULL

/* One launch-digest step written from the SNP firmware ABI's PAGE_INFO
 * layout, byte by byte: ld' = SHA-384(ld | contents | u16 0x70 | type |
 * imi 0 | 4 x 0 | u64 gpa); contents = SHA-384(page) for NORMAL/VMSA. */
static void step(uint8_t ld[48], int type, uint64_t gpa, const uint8_t *page)
{
	static const uint8_t zero[4096];
	uint8_t info[0x70];

	memset(info, 0, sizeof(info));
	memcpy(info, ld, 48);
	if (type == PT_NORMAL || type == PT_VMSA)
		SHA384(page ? page : zero, 4096, info + 0x30);
	info[0x60] = 0x70;
	info[0x62] = (uint8_t)type;
	for (int i = 0; i < 8; i++)
		info[0x68 + i] = (uint8_t)(gpa >> (8 * i));
	SHA384(info, sizeof(info), ld);
}

/* The BSP VMSA of t_vmsa() as KVM measures it: the same bytes, plus
 * CR4.MCE (0x40 at 0x148). */
static void measured_vmsa(uint8_t page[4096], uint64_t rip)
{
	t_vmsa(page, rip);
	page[0x148] = 0x40;
}

static int launch(uint8_t *file, size_t len, uint32_t flags, uint32_t vcpus,
		  struct igvm_launch *l, struct igvm_file *f)
{
	int rc;

	assert_int_equal(igvm_open(f, file, len), 0);
	memset(l, 0, sizeof(*l));
	l->mask = T_SNP;
	l->flags = flags;
	l->vcpus = vcpus;
	rc = igvm_snp_launch(f, l, NULL, NULL);
	if (rc)
		print_message("launch: %s\n", f->error);
	return rc;
}

static void test_basic_digest(void **state)
{
	struct igvm_launch l;
	struct igvm_file f;
	uint8_t ld[48] = { 0 }, data[4096], vmsa[4096];
	size_t len;
	uint8_t *file = t_basic_file(&len);

	t_pattern(data);
	measured_vmsa(vmsa, 0x8000000);
	/* The insert acts at once; the pages follow in runs, the VMSA last. */
	step(ld, PT_UNMEASURED, 0x10000, NULL);
	step(ld, PT_NORMAL, 0x1000, data);
	step(ld, PT_NORMAL, 0x2000, NULL); /* QEMU/KVM: a NORMAL zero page */
	step(ld, PT_SECRETS, 0x3000, NULL);
	step(ld, PT_CPUID, 0x4000, NULL);
	step(ld, PT_VMSA, VMSA_GPA, vmsa);

	assert_int_equal(launch(file, len, IGVM_LAUNCH_CHECK_KVM, 1, &l, &f),
			 0);
	assert_memory_equal(l.digest, ld, 48);
	assert_int_equal(l.pages_measured, 6);
	assert_int_equal(l.vmsa_count, 1);
	assert_true(l.has_policy);
	assert_int_equal(l.policy, 0x30000);
	assert_memory_equal(&l.vmsa, vmsa, 4096);
	free(file);
}

static void test_native_zero(void **state)
{
	struct igvm_launch l;
	struct igvm_file f;
	uint8_t ld[48] = { 0 }, data[4096], vmsa[4096];
	size_t len;
	uint8_t *file = t_basic_file(&len);

	t_pattern(data);
	measured_vmsa(vmsa, 0x8000000);
	step(ld, PT_UNMEASURED, 0x10000, NULL);
	step(ld, PT_NORMAL, 0x1000, data);
	step(ld, PT_ZERO, 0x2000, NULL);
	step(ld, PT_SECRETS, 0x3000, NULL);
	step(ld, PT_CPUID, 0x4000, NULL);
	step(ld, PT_VMSA, VMSA_GPA, vmsa);
	assert_int_equal(launch(file, len, IGVM_LAUNCH_NATIVE_ZERO, 1, &l, &f),
			 0);
	assert_memory_equal(l.digest, ld, 48);
	free(file);
}

/*
 * A small file and its expected digest: case_begin() starts the file (the
 * two platforms), the test adds directives with t_*() and steps to
 * c->ld, case_end() adds the BSP's VMSA (to the file and to c->ld),
 * launches and compares.
 */
struct dcase {
	struct igvm_writer w;
	uint8_t ld[48];
	uint8_t vmsa[4096], measured[4096];
	struct igvm_launch l;
};

static struct dcase *case_begin(void)
{
	struct dcase *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	t_vmsa(c->vmsa, 0x100000);
	measured_vmsa(c->measured, 0x100000);
	t_begin(&c->w);
	return c;
}

static void case_end(struct dcase *c, uint32_t flags)
{
	struct igvm_file f;
	uint8_t *file;
	size_t len;

	t_vp(&c->w, VMSA_GPA, 0, c->vmsa);
	file = t_finish(&c->w, &len);
	step(c->ld, PT_VMSA, VMSA_GPA, c->measured);
	assert_int_equal(launch(file, len, flags, 1, &c->l, &f), 0);
	assert_memory_equal(c->l.digest, c->ld, 48);
	free(file);
}

/* An insert after a pending run of pages is measured before the run. */
static void test_insert_before_pending_run(void **state)
{
	struct dcase *c = case_begin();
	uint8_t in_order[48] = { 0 }, a[4096], b[4096];

	memset(a, 0xAA, sizeof(a));
	memset(b, 0xBB, sizeof(b));
	t_area(&c->w, 0, 8192);
	t_page(&c->w, 0x1000, IGVM_PAGE_TYPE_NORMAL, 0, a);
	t_page(&c->w, 0x2000, IGVM_PAGE_TYPE_NORMAL, 0, b);
	t_insert(&c->w, 0, 0x10000);
	step(c->ld, PT_UNMEASURED, 0x10000, NULL); /* both pages of the area */
	step(c->ld, PT_UNMEASURED, 0x11000, NULL);
	step(c->ld, PT_NORMAL, 0x1000, a);
	step(c->ld, PT_NORMAL, 0x2000, b);
	case_end(c, 0);

	/* Directive order would give another digest. */
	step(in_order, PT_NORMAL, 0x1000, a);
	step(in_order, PT_NORMAL, 0x2000, b);
	step(in_order, PT_UNMEASURED, 0x10000, NULL);
	step(in_order, PT_UNMEASURED, 0x11000, NULL);
	step(in_order, PT_VMSA, VMSA_GPA, c->measured);
	assert_memory_not_equal(c->l.digest, in_order, 48);
	free(c);
}

/* A GPA gap ends a run: the first page is measured when the second comes. */
static void test_gap_ends_run(void **state)
{
	struct dcase *c = case_begin();
	uint8_t a[4096];

	memset(a, 0x5A, sizeof(a));
	t_area(&c->w, 0, 4096);
	t_page(&c->w, 0x1000, IGVM_PAGE_TYPE_NORMAL, 0, a);
	t_page(&c->w, 0x3000, IGVM_PAGE_TYPE_NORMAL, 0, a);
	t_insert(&c->w, 0, 0x10000);
	step(c->ld, PT_NORMAL, 0x1000, a);
	step(c->ld, PT_UNMEASURED, 0x10000, NULL);
	step(c->ld, PT_NORMAL, 0x3000, a);
	case_end(c, 0);
	free(c);
}

static void test_2m_page_and_unmeasured(void **state)
{
	struct dcase *c = case_begin();
	uint8_t a[4096];

	memset(a, 0x11, sizeof(a));
	t_page(&c->w, 0x200000, IGVM_PAGE_TYPE_NORMAL, IGVM_PAGE_FLAG_2MB,
	       NULL);
	t_page(&c->w, 0x400000, IGVM_PAGE_TYPE_NORMAL,
	       IGVM_PAGE_FLAG_UNMEASURED, a);
	t_page(&c->w, 0x401000, IGVM_PAGE_TYPE_NORMAL, IGVM_PAGE_FLAG_SHARED,
	       a);
	for (uint64_t off = 0; off < 0x200000; off += 0x1000)
		step(c->ld, PT_NORMAL, 0x200000 + off, NULL);
	step(c->ld, PT_UNMEASURED, 0x400000, NULL);
	step(c->ld, PT_NORMAL, 0x401000, a); /* QEMU measures shared pages */
	case_end(c, IGVM_LAUNCH_CHECK_KVM);
	assert_int_equal(c->l.pages_measured, 512 + 3);
	free(c);
}

/* KVM measures one VMSA per vCPU; vCPU 1 uses its own context if any. */
static void test_vcpus(void **state)
{
	struct igvm_writer w;
	struct igvm_launch l;
	struct igvm_file f;
	uint8_t ld[48] = { 0 }, bsp[4096], ap[4096], m_bsp[4096], m_ap[4096];
	uint8_t *file;
	size_t len;

	t_vmsa(bsp, 0x100000);
	t_vmsa(ap, 0x200000);
	measured_vmsa(m_bsp, 0x100000);
	measured_vmsa(m_ap, 0x200000);
	t_begin(&w);
	t_vp(&w, VMSA_GPA, 0, bsp);
	t_vp(&w, VMSA_GPA, 1, ap);
	file = t_finish(&w, &len);

	step(ld, PT_VMSA, VMSA_GPA, m_bsp);
	step(ld, PT_VMSA, VMSA_GPA, m_ap);
	step(ld, PT_VMSA, VMSA_GPA, m_bsp); /* vCPU 2: the BSP's */
	assert_int_equal(launch(file, len, 0, 3, &l, &f), 0);
	assert_memory_equal(l.digest, ld, 48);
	assert_memory_equal(&l.vmsa, m_bsp, 4096); /* the BSP's stays */
	assert_int_equal(launch(file, len, IGVM_LAUNCH_CHECK_KVM, 3, &l, &f),
			 IGVM_E_KVM);
	assert_non_null(strstr(f.error, "a second VMSA"));
	free(file);
}

/*
 * The VMSA of a COCONUT-SVSM launch that sev-snp-measure publishes as
 * measured on SEV-SNP hardware (VMSA_SVSM: 32-bit flat, CR0 0x11, CR4
 * 0x40, EFER 0x1000, DR6/DR7 reset values, RFLAGS 2, XCR0 1), from the
 * fields an IGVM file gives (EFER, CR4, RFLAGS, XCR0 left to KVM).
 */
static void put(uint8_t *p, unsigned off, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static void seg(uint8_t *p, unsigned off, uint16_t sel, uint16_t attr,
		uint32_t limit)
{
	put(p, off, sel, 2);
	put(p, off + 2, attr, 2);
	put(p, off + 4, limit, 4);
}

static void svsm_vmsa_common(uint8_t *p, uint64_t rip)
{
	memset(p, 0, 4096);
	seg(p, 0x00, 16, 0xC93, 0xFFFFFFFF);	 /* ES */
	seg(p, 0x10, 8, 0xC9B, 0xFFFFFFFF);	 /* CS */
	seg(p, 0x20, 16, 0xC93, 0xFFFFFFFF);	 /* SS */
	seg(p, 0x30, 16, 0xC93, 0xFFFFFFFF);	 /* DS */
	seg(p, 0x40, 16, 0xC93, 0xFFFFFFFF);	 /* FS */
	seg(p, 0x50, 0, 0x93, 0xFFFF);		 /* GS */
	seg(p, 0x60, 0, 0, 0xFFFF);		 /* GDTR */
	seg(p, 0x70, 0, 0x82, 0xFFFF);		 /* LDTR */
	seg(p, 0x80, 0, 0, 0xFFFF);		 /* IDTR */
	seg(p, 0x90, 0, 0x8B, 0xFFFF);		 /* TR */
	put(p, 0x158, 0x11, 8);			 /* CR0 */
	put(p, 0x160, 0x400, 8);		 /* DR7 */
	put(p, 0x168, 0xFFFF0FF0, 8);		 /* DR6 */
	put(p, 0x178, rip, 8);			 /* RIP */
	put(p, 0x268, 0x0007040600070406ULL, 8); /* G_PAT */
	put(p, 0x310, 0x800F12, 8);		 /* RDX: EPYC-v4 signature */
	put(p, 0x3B0, 1, 8);			 /* SEV_FEATURES */
}

static void test_vmsa_matches_hardware_vector(void **state)
{
	uint8_t in[4096], want[4096];
	struct sev_vmsa out;

	svsm_vmsa_common(in, 0xFFFFFFF0);
	svsm_vmsa_common(want, 0xFFFFFFF0);
	put(want, 0xD0, 0x1000, 8); /* EFER: KVM sets SVME */
	put(want, 0x148, 0x40, 8);  /* CR4: KVM sets MCE */
	put(want, 0x170, 0x2, 8);   /* RFLAGS */
	put(want, 0x3E8, 0x1, 8);   /* XCR0 */
	igvm_snp_vmsa_normalize(&out, in);
	assert_memory_equal(&out, want, 4096);
	assert_int_equal(igvm_snp_vmsa_check(in, NULL, 0), 0);
}

static void test_vmsa_normalize_rules(void **state)
{
	uint8_t in[4096];
	struct sev_vmsa v, out;
	char err[160];

	memset(&v, 0, sizeof(v));
	v.cr0 = 0x60000011;			 /* CD, NW: KVM clears them */
	v.ss.attrib = 0xC93 | (3 << 5) | 0xF000; /* DPL 3, junk bits */
	v.gdtr.selector = 7;
	v.gdtr.limit = 0x12345;
	v.vmpl = 2; /* not accepted: dropped */
	v.rsp = 0x1234;
	memcpy(in, &v, sizeof(v));
	igvm_snp_vmsa_normalize(&out, in);
	assert_int_equal(out.cr0, 0x11);
	assert_int_equal(out.ss.attrib, (0xC93 | (3 << 5)) & 0xFFF);
	assert_int_equal(out.cpl, 3);
	assert_int_equal(out.gdtr.selector, 0);
	assert_int_equal(out.gdtr.limit, 0x2345);
	assert_int_equal(out.vmpl, 0);
	assert_int_equal(out.rsp, 0x1234);
	assert_int_equal(igvm_snp_vmsa_check(in, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "VMSA byte 0xca is set"));
}

/* ---- loader callbacks ---- */

struct recorder {
	char log[16][64];
	int n;
	int fail_at_gpa; /* page callback fails there (0: never) */
	uint8_t first_byte[16];
	bool data_null[16];
	struct sev_vmsa vmsa;
};

static void rec(struct recorder *r, const char *s)
{
	if (r->n < 16)
		snprintf(r->log[r->n++], sizeof(r->log[0]), "%s", s);
}

static int cb_page(void *ctx, uint64_t gpa, enum igvm_page_kind kind,
		   uint32_t flags, const uint8_t *data)
{
	struct recorder *r = ctx;
	char s[64];

	if (r->fail_at_gpa && gpa == (uint64_t)r->fail_at_gpa)
		return -5;
	r->data_null[r->n] = data == NULL;
	r->first_byte[r->n] = data ? data[0] : 0;
	snprintf(s, sizeof(s), "page %#llx %d", (unsigned long long)gpa, kind);
	rec(r, s);
	return 0;
}

static int cb_area(void *ctx, uint32_t index, uint64_t size,
		   const uint8_t *initial)
{
	char s[64];

	snprintf(s, sizeof(s), "area %u %#llx %d", index,
		 (unsigned long long)size, initial != NULL);
	rec(ctx, s);
	return 0;
}

static int cb_param(void *ctx, uint32_t type, uint32_t index, uint32_t off)
{
	char s[64];

	snprintf(s, sizeof(s), "param %#x %u %u", type, index, off);
	rec(ctx, s);
	return 0;
}

static int cb_insert(void *ctx, uint32_t index, uint64_t gpa)
{
	char s[64];

	snprintf(s, sizeof(s), "insert %u %#llx", index,
		 (unsigned long long)gpa);
	rec(ctx, s);
	return 0;
}

static int cb_vp(void *ctx, uint32_t vp, uint64_t gpa,
		 const struct sev_vmsa *vmsa)
{
	struct recorder *r = ctx;
	char s[64];

	r->vmsa = *vmsa;
	snprintf(s, sizeof(s), "vp %u %#llx", vp, (unsigned long long)gpa);
	rec(r, s);
	return 0;
}

static const struct igvm_loader_ops ops = {
	.page = cb_page,
	.declare_area = cb_area,
	.fill_param = cb_param,
	.insert_area = cb_insert,
	.vp_context = cb_vp,
};

static void test_loader_order(void **state)
{
	static const char *const want[] = {
		"area 0 0x1000 0",  "param 0x307 0 0", "param 0x313 0 4",
		"insert 0 0x10000", "page 0x1000 1",   "page 0x2000 3",
		"page 0x3000 5",    "page 0x4000 6",   "vp 0 0xfffffffff000",
	};
	struct recorder *r = calloc(1, sizeof(*r));
	struct igvm_launch l, measured_only;
	struct igvm_file f;
	uint8_t vmsa[4096];
	size_t len;
	uint8_t *file = t_basic_file(&len);

	assert_non_null(r);
	assert_int_equal(igvm_open(&f, file, len), 0);
	memset(&l, 0, sizeof(l));
	l.mask = T_SNP;
	assert_int_equal(igvm_snp_launch(&f, &l, &ops, r), 0);
	assert_int_equal(r->n, 9);
	for (int i = 0; i < 9; i++)
		assert_string_equal(r->log[i], want[i]);
	assert_false(r->data_null[4]);
	assert_int_equal(r->first_byte[4], 3); /* t_pattern()'s first byte */
	assert_true(r->data_null[5]);	       /* the zero page */
	assert_true(r->data_null[6]);	       /* the secrets page */
	assert_int_equal(r->first_byte[7], 1); /* the CPUID template */
	measured_vmsa(vmsa, 0x8000000);
	assert_memory_equal(&r->vmsa, vmsa, 4096);

	/* Loading and measuring give one digest. */
	assert_int_equal(launch(file, len, 0, 1, &measured_only, &f), 0);
	assert_memory_equal(l.digest, measured_only.digest, 48);

	/* A failing callback stops the launch. */
	memset(r, 0, sizeof(*r));
	r->fail_at_gpa = 0x3000;
	assert_int_equal(igvm_snp_launch(&f, &l, &ops, r), IGVM_E_LOADER);
	assert_non_null(strstr(f.error, "page"));
	assert_int_equal(r->n, 6); /* nothing after the failing page */
	free(r);
	free(file);
}

/* ---- QEMU/KVM rules ---- */

/* Builds a small SNP file whose VMSA is changed by @edit and whose last
 * directives are chosen by @tail. */
enum tail {
	TAIL_NONE,
	TAIL_PAGE,
	TAIL_INSERT,
	TAIL_2ND_VMSA
};

static uint8_t *kvm_file(void (*edit)(struct sev_vmsa *), uint64_t gpa,
			 uint16_t vp, enum tail tail, size_t *len)
{
	struct igvm_writer w;
	uint8_t page[4096];
	struct sev_vmsa v;

	t_vmsa(page, 0x100000);
	memcpy(&v, page, sizeof(v));
	if (edit)
		edit(&v);
	memcpy(page, &v, sizeof(v));
	t_begin(&w);
	t_area(&w, 0, 4096);
	t_page(&w, 0x1000, IGVM_PAGE_TYPE_NORMAL, 0, NULL);
	t_vp(&w, gpa, vp, page);
	if (tail == TAIL_PAGE)
		t_page(&w, 0x2000, IGVM_PAGE_TYPE_NORMAL, 0, NULL);
	if (tail == TAIL_INSERT)
		t_insert(&w, 0, 0x10000);
	if (tail == TAIL_2ND_VMSA)
		t_vp(&w, gpa, 0, page);
	return t_finish(&w, len);
}

static void cr0_11(struct sev_vmsa *v)
{
	v->cr0 = 0x11;
}

static void cpl_3(struct sev_vmsa *v)
{
	v->cpl = 3;
}

static void no_snp(struct sev_vmsa *v)
{
	v->sev_features = 0;
}

static void expect_kvm(void (*edit)(struct sev_vmsa *), uint64_t gpa,
		       uint16_t vp, enum tail tail, const char *msg)
{
	struct igvm_launch l;
	struct igvm_file f;
	size_t len;
	uint8_t *file = kvm_file(edit, gpa, vp, tail, &len);

	assert_int_equal(launch(file, len, IGVM_LAUNCH_CHECK_KVM, 1, &l, &f),
			 IGVM_E_KVM);
	if (!strstr(f.error, msg))
		print_error("error \"%s\", wanted \"%s\"\n", f.error, msg);
	assert_non_null(strstr(f.error, msg));
	free(file);
}

static void test_kvm_rules(void **state)
{
	struct igvm_launch l;
	struct igvm_file f;
	uint8_t *file;
	size_t len;

	file = kvm_file(NULL, VMSA_GPA, 0, TAIL_NONE, &len);
	assert_int_equal(launch(file, len, IGVM_LAUNCH_CHECK_KVM, 1, &l, &f),
			 0);
	free(file);

	expect_kvm(NULL, 0x9000, 0, TAIL_NONE, "KVM measures it at");
	expect_kvm(cr0_11, VMSA_GPA, 0, TAIL_NONE, "VMSA CR0 0x11");
	expect_kvm(cpl_3, VMSA_GPA, 0, TAIL_NONE, "VMSA byte 0xcb is set");
	expect_kvm(no_snp, VMSA_GPA, 0, TAIL_NONE, "lacks SNPActive");
	expect_kvm(NULL, VMSA_GPA, 1, TAIL_NONE, "not the BSP");
	expect_kvm(NULL, VMSA_GPA, 0, TAIL_PAGE, "page data after the VMSA");
	expect_kvm(NULL, VMSA_GPA, 0, TAIL_INSERT,
		   "PARAMETER_INSERT after the VMSA");
	expect_kvm(NULL, VMSA_GPA, 0, TAIL_2ND_VMSA, "a second VMSA");

	/* Without the KVM rules a VMSA elsewhere is measured where it is. */
	file = kvm_file(NULL, 0x9000, 0, TAIL_NONE, &len);
	assert_int_equal(launch(file, len, 0, 1, &l, &f), 0);
	{
		uint8_t ld[48] = { 0 }, m[4096];
		measured_vmsa(m, 0x100000);
		step(ld, PT_NORMAL, 0x1000, NULL);
		step(ld, PT_VMSA, 0x9000, m);
		assert_memory_equal(l.digest, ld, 48);
	}
	free(file);
}

static void test_launch_errors(void **state)
{
	struct igvm_writer w;
	struct igvm_launch l;
	struct igvm_file f;
	uint8_t *file;
	size_t len;

	file = t_basic_file(&len);
	assert_int_equal(igvm_open(&f, file, len), 0);
	memset(&l, 0, sizeof(l));
	l.mask = T_NATIVE;
	assert_int_equal(igvm_snp_launch(&f, &l, NULL, NULL), IGVM_E_LAUNCH);
	assert_non_null(strstr(f.error, "not the file's SEV-SNP platform"));
	free(file);

	t_begin(&w);
	t_page(&w, 0x1000, IGVM_PAGE_TYPE_NORMAL, 0, NULL);
	file = t_finish(&w, &len);
	assert_int_equal(launch(file, len, 0, 1, &l, &f), IGVM_E_LAUNCH);
	assert_non_null(strstr(f.error, "no SNP VP context for vCPU 0"));
	free(file);

	t_begin(&w);
	t_policy(&w, 0x10000);
	file = t_finish(&w, &len);
	assert_int_equal(launch(file, len, 0, 1, &l, &f), IGVM_E_LAUNCH);
	assert_non_null(strstr(f.error, "bit 17"));
	free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_digest),
		cmocka_unit_test(test_native_zero),
		cmocka_unit_test(test_insert_before_pending_run),
		cmocka_unit_test(test_gap_ends_run),
		cmocka_unit_test(test_2m_page_and_unmeasured),
		cmocka_unit_test(test_vcpus),
		cmocka_unit_test(test_vmsa_matches_hardware_vector),
		cmocka_unit_test(test_vmsa_normalize_rules),
		cmocka_unit_test(test_loader_order),
		cmocka_unit_test(test_kvm_rules),
		cmocka_unit_test(test_launch_errors),
	};

	return cmocka_run_group_tests_name("igvm-launch", tests, NULL, NULL);
}
