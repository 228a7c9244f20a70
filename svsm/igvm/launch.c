// SPDX-License-Identifier: MIT
/*
 * The SNP launch of an IGVM file: one walk that loads (through the loader's
 * callbacks) and measures, in the order QEMU (backends/igvm.c) and KVM
 * measure, so the digest equals the MEASUREMENT of an attestation report.
 *
 * QEMU gathers consecutive page directives of one kind at consecutive GPAs
 * into a run and hands the run to the PSP when a page directive that does
 * not continue it arrives or the file ends; every other directive acts at
 * once (a PARAMETER_INSERT is measured before a pending run). KVM measures
 * the vCPUs' VMSAs last, at LAUNCH_FINISH, at GPA 0xFFFFFFFFF000.
 */
#include <string.h>

#include "igvm_internal.h"

#define MAX_AREAS 64U

const uint8_t igvm_zero_page[IGVM_PAGE_SIZE];

int igvm_snp_measure_page(uint8_t ld[SNP_DIGEST_SIZE], uint8_t page_type,
			  uint64_t gpa, const uint8_t *page)
{
	struct snp_page_info info;

	memset(&info, 0, sizeof(info));
	memcpy(info.digest_cur, ld, SNP_DIGEST_SIZE);
	if (page_type == SNP_PAGE_TYPE_NORMAL ||
	    page_type == SNP_PAGE_TYPE_VMSA) {
		if (!SHA384(page ? page : igvm_zero_page, IGVM_PAGE_SIZE,
			    info.contents))
			return -1;
	}
	info.length = sizeof(info);
	info.page_type = page_type;
	info.gpa = gpa;
	if (!SHA384((const uint8_t *)&info, sizeof(info), ld))
		return -1;
	return 0;
}

struct area {
	uint32_t index;
	uint64_t size;
};

/* A run of page directives QEMU has not measured yet. */
struct run {
	uint32_t count;	      /* directives in the run; 0: none */
	uint32_t start_pos;   /* file offset of the first one's TLV */
	uint32_t start_index; /* its header index */
	uint32_t last_index;
	struct igvm_vhs_page_data last;
};

struct launch {
	struct igvm_file *f;
	struct igvm_launch *l;
	const struct igvm_loader_ops *ops;
	void *ctx;
	struct area areas[MAX_AREAS];
	uint32_t area_count;
	struct run run;
	bool vmsa_seen;	  /* an SNP VP context came before (directive order) */
	uint32_t bsp_pos; /* TLV offset of the BSP's VP context; 0: none */
};

static int loader_failed(struct launch *s, const char *what, int rc)
{
	return igvm_fail(s->f, IGVM_E_LOADER, "the loader failed (%s): %u",
			 what, (unsigned)-rc);
}

static int measure(struct launch *s, uint8_t type, uint64_t gpa,
		   const uint8_t *page)
{
	if (igvm_snp_measure_page(s->l->digest, type, gpa, page))
		return igvm_fail(s->f, IGVM_E_LAUNCH, "SHA-384 failed");
	s->l->pages_measured++;
	return 0;
}

/* One 4 KiB page of a PAGE_DATA directive: place it, then measure it. */
static int launch_page(struct launch *s, const struct igvm_vhs_page_data *p,
		       uint64_t gpa, const uint8_t *data)
{
	enum igvm_page_kind kind;
	uint8_t type;
	int rc;

	if (p->data_type == IGVM_PAGE_TYPE_SECRETS) {
		kind = IGVM_PAGE_SECRETS;
		type = SNP_PAGE_TYPE_SECRETS;
	} else if (p->data_type != IGVM_PAGE_TYPE_NORMAL) {
		kind = IGVM_PAGE_CPUID;
		type = SNP_PAGE_TYPE_CPUID;
	} else if (p->flags & IGVM_PAGE_FLAG_UNMEASURED) {
		kind = IGVM_PAGE_UNMEASURED;
		type = SNP_PAGE_TYPE_UNMEASURED;
	} else if (!data) {
		kind = IGVM_PAGE_ZERO;
		type = (s->l->flags & IGVM_LAUNCH_NATIVE_ZERO) ?
			       SNP_PAGE_TYPE_ZERO :
			       SNP_PAGE_TYPE_NORMAL;
	} else {
		kind = IGVM_PAGE_NORMAL;
		type = SNP_PAGE_TYPE_NORMAL;
	}
	if (s->ops && s->ops->page &&
	    (rc = s->ops->page(s->ctx, gpa, kind, p->flags, data)))
		return loader_failed(s, "page", rc);
	return measure(s, type, gpa, data);
}

/* Measures (and places) the pending run. */
static int flush_run(struct launch *s)
{
	struct igvm_iter it;
	struct igvm_header h;
	uint32_t n = s->run.count;
	int rc;

	s->run.count = 0;
	it.f = s->f;
	it.pos = s->run.start_pos;
	it.index = s->run.start_index;
	while (n-- && igvm_iter_next(&it, &h)) {
		const struct igvm_vhs_page_data *p = &h.u.page;
		uint32_t pages = (p->flags & IGVM_PAGE_FLAG_2MB) ?
					 IGVM_PAGE_SIZE_2M / IGVM_PAGE_SIZE :
					 1;

		for (uint32_t i = 0; i < pages; i++) {
			const uint8_t *data = NULL;

			if (p->file_offset)
				data = s->f->data + p->file_offset +
				       (uint64_t)i * IGVM_PAGE_SIZE;
			rc = launch_page(s, p,
					 p->gpa + (uint64_t)i * IGVM_PAGE_SIZE,
					 data);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* QEMU's qigvm_page_attrs_equal() plus contiguity of GPA and index. */
static bool continues_run(const struct run *r, const struct igvm_header *h)
{
	const struct igvm_vhs_page_data *a = &r->last, *b = &h->u.page;
	uint64_t size = (a->flags & IGVM_PAGE_FLAG_2MB) ? IGVM_PAGE_SIZE_2M :
							  IGVM_PAGE_SIZE;

	return r->count && r->last_index + 1 == h->index &&
	       a->flags == b->flags && a->data_type == b->data_type &&
	       a->compatibility_mask == b->compatibility_mask &&
	       (a->file_offset == 0) == (b->file_offset == 0) &&
	       a->gpa + size == b->gpa;
}

static int page_directive(struct launch *s, const struct igvm_header *h)
{
	int rc;

	if (!(h->u.page.compatibility_mask & s->l->mask))
		return 0;
	if ((s->l->flags & IGVM_LAUNCH_CHECK_KVM) && s->vmsa_seen)
		return igvm_fail(s->f, IGVM_E_KVM,
				 "header %u: page data after the VMSA; KVM "
				 "measures the VMSA last, so it must be the "
				 "last page directive",
				 h->index);
	if (!continues_run(&s->run, h)) {
		if ((rc = flush_run(s)))
			return rc;
		s->run.start_pos = h->offset;
		s->run.start_index = h->index;
	}
	s->run.count++;
	s->run.last_index = h->index;
	s->run.last = h->u.page;
	return 0;
}

static const struct area *area_of(const struct launch *s, uint32_t index)
{
	for (uint32_t i = 0; i < s->area_count; i++)
		if (s->areas[i].index == index)
			return &s->areas[i];
	return NULL;
}

static int area_directive(struct launch *s, const struct igvm_header *h)
{
	const struct igvm_vhs_parameter_area *a = &h->u.area;
	const uint8_t *initial = NULL;
	int rc;

	/* igvm_open() allowed at most MAX_AREAS distinct areas. */
	s->areas[s->area_count].index = a->parameter_area_index;
	s->areas[s->area_count].size = a->number_of_bytes;
	s->area_count++;
	if (a->file_offset)
		initial = s->f->data + a->file_offset;
	if (s->ops && s->ops->declare_area &&
	    (rc = s->ops->declare_area(s->ctx, a->parameter_area_index,
				       a->number_of_bytes, initial)))
		return loader_failed(s, "declare_area", rc);
	return 0;
}

static int insert_directive(struct launch *s, const struct igvm_header *h)
{
	const struct igvm_vhs_parameter_insert *p = &h->u.insert;
	const struct area *a;
	int rc;

	if (!(p->compatibility_mask & s->l->mask))
		return 0;
	if ((s->l->flags & IGVM_LAUNCH_CHECK_KVM) && s->vmsa_seen)
		return igvm_fail(s->f, IGVM_E_KVM,
				 "header %u: PARAMETER_INSERT after the VMSA",
				 h->index);
	a = area_of(s, p->parameter_area_index);
	if (!a) /* igvm_open() checked it; keep the walk safe anyway */
		return igvm_fail(s->f, IGVM_E_LAUNCH, "header %u: no area %u",
				 h->index, p->parameter_area_index);
	if (s->ops && s->ops->insert_area &&
	    (rc = s->ops->insert_area(s->ctx, p->parameter_area_index, p->gpa)))
		return loader_failed(s, "insert_area", rc);
	for (uint64_t off = 0; off < a->size; off += IGVM_PAGE_SIZE)
		if ((rc = measure(s, SNP_PAGE_TYPE_UNMEASURED, p->gpa + off,
				  NULL)))
			return rc;
	return 0;
}

static int vp_directive(struct launch *s, const struct igvm_header *h)
{
	const struct igvm_vhs_vp_context *v = &h->u.vp;
	const uint8_t *page = s->f->data + v->file_offset;
	char why[IGVM_ERROR_LEN];

	if (!(v->compatibility_mask & s->l->mask))
		return 0;
	s->l->vmsa_count++;
	s->vmsa_seen = true;
	if (v->vp_index == 0 && !s->bsp_pos)
		s->bsp_pos = h->offset;
	if (!(s->l->flags & IGVM_LAUNCH_CHECK_KVM))
		return 0;
	if (s->l->vmsa_count > 1)
		return igvm_fail(s->f, IGVM_E_KVM,
				 "header %u: a second VMSA; QEMU/KVM set only "
				 "the first vCPU's",
				 h->index);
	if (v->vp_index)
		return igvm_fail(s->f, IGVM_E_KVM,
				 "header %u: the VMSA is for vCPU %u, not the "
				 "BSP",
				 h->index, v->vp_index);
	if (v->gpa != IGVM_KVM_VMSA_GPA)
		return igvm_fail(
			s->f, IGVM_E_KVM,
			"header %u: VMSA at 0x%llx; KVM measures it at "
			"0xfffffffff000",
			h->index, (unsigned long long)v->gpa);
	{
		struct sev_vmsa vmsa;
		memcpy(&vmsa, page, sizeof(vmsa));
		if (vmsa.cr0 != IGVM_KVM_CR0 && vmsa.cr0 != 0x30)
			return igvm_fail(s->f, IGVM_E_KVM,
					 "header %u: VMSA CR0 0x%llx; KVM "
					 "measures 0x31 (or 0x30)",
					 h->index,
					 (unsigned long long)vmsa.cr0);
		if (!(vmsa.sev_features & 1))
			return igvm_fail(s->f, IGVM_E_KVM,
					 "header %u: SEV_FEATURES 0x%llx lacks "
					 "SNPActive",
					 h->index,
					 (unsigned long long)vmsa.sev_features);
	}
	if (igvm_snp_vmsa_check(page, why, sizeof(why)))
		return igvm_fail(s->f, IGVM_E_KVM, "header %u: %s", h->index,
				 why);
	return 0;
}

static int parameter_directive(struct launch *s, const struct igvm_header *h)
{
	int rc;

	if (s->ops && s->ops->fill_param &&
	    (rc = s->ops->fill_param(s->ctx, h->type,
				     h->u.param.parameter_area_index,
				     h->u.param.byte_offset)))
		return loader_failed(s, "fill_param", rc);
	return 0;
}

static int other_directive(struct launch *s, const struct igvm_header *h)
{
	int rc;

	switch (h->type) {
	case IGVM_VHT_GUEST_POLICY:
		if (h->u.policy.compatibility_mask & s->l->mask) {
			s->l->has_policy = true;
			s->l->policy = h->u.policy.policy;
		}
		return 0;
	case IGVM_VHT_REQUIRED_MEMORY:
		if (!(h->u.mem.compatibility_mask & s->l->mask))
			return 0;
		if (s->ops && s->ops->required_memory &&
		    (rc = s->ops->required_memory(s->ctx, h->u.mem.gpa,
						  h->u.mem.number_of_bytes,
						  h->u.mem.flags)))
			return loader_failed(s, "required_memory", rc);
		return 0;
	case IGVM_VHT_SNP_ID_BLOCK:
		if (h->u.id_block.compatibility_mask & s->l->mask) {
			s->l->has_id_block = true;
			s->l->id_block = h->u.id_block;
		}
		return 0;
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
	case IGVM_VHT_MEMORY_MAP:
	case IGVM_VHT_MADT:
	case IGVM_VHT_DEVICE_TREE:
	case IGVM_VHT_SRAT:
	case IGVM_VHT_MMIO_RANGES:
	case IGVM_VHT_COMMAND_LINE:
	case IGVM_VHT_SLIT:
	case IGVM_VHT_PPTT:
		return parameter_directive(s, h);
	default:
		return 0;
	}
}

/* The VP context of vCPU @vp for the platform, or the BSP's. */
static uint32_t vp_context_pos(struct launch *s, uint32_t vp)
{
	struct igvm_iter it;
	struct igvm_header h;

	if (vp == 0)
		return s->bsp_pos;
	igvm_iter_start(&it, s->f);
	while (igvm_iter_next(&it, &h))
		if (h.type == IGVM_VHT_VP_CONTEXT &&
		    (h.u.vp.compatibility_mask & s->l->mask) &&
		    h.u.vp.vp_index == vp)
			return h.offset;
	return s->bsp_pos;
}

/* KVM at LAUNCH_FINISH: every vCPU's VMSA, in vCPU order. */
static int launch_vmsas(struct launch *s)
{
	uint32_t vcpus = s->l->vcpus ? s->l->vcpus : 1;
	int rc;

	if (!s->bsp_pos)
		return igvm_fail(s->f, IGVM_E_LAUNCH,
				 "no SNP VP context for vCPU 0 (the BSP)");
	for (uint32_t vp = 0; vp < vcpus; vp++) {
		struct igvm_iter it = { s->f, vp_context_pos(s, vp), 0 };
		struct igvm_header h;
		struct sev_vmsa *vmsa = &s->l->vmsa;

		if (!igvm_iter_next(&it, &h))
			return igvm_fail(s->f, IGVM_E_LAUNCH,
					 "VP context lost");
		igvm_snp_vmsa_normalize(vmsa, s->f->data + h.u.vp.file_offset);
		if (s->ops && s->ops->vp_context &&
		    (rc = s->ops->vp_context(s->ctx, vp, h.u.vp.gpa, vmsa)))
			return loader_failed(s, "vp_context", rc);
		if ((rc = measure(s, SNP_PAGE_TYPE_VMSA, h.u.vp.gpa,
				  (const uint8_t *)vmsa)))
			return rc;
	}
	/* Leave the BSP's VMSA in l->vmsa. */
	if (vcpus > 1) {
		struct igvm_iter it = { s->f, s->bsp_pos, 0 };
		struct igvm_header h;

		if (igvm_iter_next(&it, &h))
			igvm_snp_vmsa_normalize(
				&s->l->vmsa, s->f->data + h.u.vp.file_offset);
	}
	return 0;
}

static bool mask_is_snp(const struct igvm_file *f, uint32_t mask)
{
	uint32_t snp;

	return igvm_platform_mask(f, IGVM_PLATFORM_SEV_SNP, &snp) == 0 &&
	       mask == snp;
}

int igvm_snp_launch(struct igvm_file *f, struct igvm_launch *l,
		    const struct igvm_loader_ops *ops, void *ctx)
{
	struct launch s;
	struct igvm_iter it;
	struct igvm_header h;
	int rc;

	memset(&s, 0, sizeof(s));
	s.f = f;
	s.l = l;
	s.ops = ops;
	s.ctx = ctx;
	memset(l->digest, 0, sizeof(l->digest));
	l->pages_measured = 0;
	l->vmsa_count = 0;
	l->has_policy = false;
	l->policy = 0;
	l->has_id_block = false;
	memset(&l->id_block, 0, sizeof(l->id_block));
	memset(&l->vmsa, 0, sizeof(l->vmsa));
	f->error[0] = '\0';
	if (!mask_is_snp(f, l->mask))
		return igvm_fail(
			f, IGVM_E_LAUNCH,
			"mask 0x%llx is not the file's SEV-SNP platform",
			(unsigned long long)l->mask);

	igvm_iter_start(&it, f);
	while (igvm_iter_next(&it, &h)) {
		switch (h.type) {
		case IGVM_VHT_PAGE_DATA:
			rc = page_directive(&s, &h);
			break;
		case IGVM_VHT_PARAMETER_AREA:
			rc = area_directive(&s, &h);
			break;
		case IGVM_VHT_PARAMETER_INSERT:
			rc = insert_directive(&s, &h);
			break;
		case IGVM_VHT_VP_CONTEXT:
			rc = vp_directive(&s, &h);
			break;
		default:
			rc = other_directive(&s, &h);
			break;
		}
		if (rc)
			return rc;
	}
	if ((rc = flush_run(&s)))
		return rc;
	if (l->has_policy && !(l->policy & (1ULL << 17)))
		return igvm_fail(
			f, IGVM_E_LAUNCH,
			"guest policy 0x%llx: bit 17 (reserved, must be "
			"1) is clear",
			(unsigned long long)l->policy);
	return launch_vmsas(&s);
}
