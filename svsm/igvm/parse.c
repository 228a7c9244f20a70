// SPDX-License-Identifier: MIT
/*
 * Checking an IGVM file and walking its headers. igvm_open() checks every
 * rule once (the fixed header, the TLV walk, section order and each
 * directive's fields), so the iterator and the launch can rely on them.
 */
#include <string.h>

#include "igvm_internal.h"

#define MAX_AREAS 64U /* parameter areas one file may declare */

struct area {
	uint32_t index;
	uint64_t size;
	uint32_t inserted_mask; /* platforms that consumed it */
};

/* What igvm_open() tracks while it walks. */
struct walk {
	struct igvm_file *f;
	struct igvm_header h;
	uint32_t platform_types[32]; /* per mask bit: type + 1, 0 unset */
	uint32_t policy_masks;
	uint32_t id_block_masks;
	struct area areas[MAX_AREAS];
	uint32_t area_count;
};

static uint64_t align8(uint64_t v)
{
	return (v + IGVM_HEADER_ALIGN - 1) & ~(uint64_t)(IGVM_HEADER_ALIGN - 1);
}

const uint8_t *igvm_file_bytes(const struct igvm_file *f, uint32_t offset,
			       uint64_t len)
{
	if ((uint64_t)offset > f->size || len > (uint64_t)f->size - offset)
		return NULL;
	return f->data + offset;
}

const char *igvm_type_name(uint32_t type)
{
	switch (type & IGVM_VHT_MASK) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return "SUPPORTED_PLATFORM";
	case IGVM_VHT_GUEST_POLICY:
		return "GUEST_POLICY";
	case IGVM_VHT_RELOCATABLE_REGION:
		return "RELOCATABLE_REGION";
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		return "PAGE_TABLE_RELOCATION_REGION";
	case IGVM_VHT_PARAMETER_AREA:
		return "PARAMETER_AREA";
	case IGVM_VHT_PAGE_DATA:
		return "PAGE_DATA";
	case IGVM_VHT_PARAMETER_INSERT:
		return "PARAMETER_INSERT";
	case IGVM_VHT_VP_CONTEXT:
		return "VP_CONTEXT";
	case IGVM_VHT_REQUIRED_MEMORY:
		return "REQUIRED_MEMORY";
	case IGVM_VHT_VP_COUNT_PARAMETER:
		return "VP_COUNT_PARAMETER";
	case IGVM_VHT_SRAT:
		return "SRAT";
	case IGVM_VHT_MADT:
		return "MADT";
	case IGVM_VHT_MMIO_RANGES:
		return "MMIO_RANGES";
	case IGVM_VHT_SNP_ID_BLOCK:
		return "SNP_ID_BLOCK";
	case IGVM_VHT_MEMORY_MAP:
		return "MEMORY_MAP";
	case IGVM_VHT_ERROR_RANGE:
		return "ERROR_RANGE";
	case IGVM_VHT_COMMAND_LINE:
		return "COMMAND_LINE";
	case IGVM_VHT_SLIT:
		return "SLIT";
	case IGVM_VHT_PPTT:
		return "PPTT";
	case IGVM_VHT_DEVICE_TREE:
		return "DEVICE_TREE";
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		return "ENVIRONMENT_INFO_PARAMETER";
	default:
		return "unknown";
	}
}

const char *igvm_platform_name(uint8_t platform_type)
{
	switch (platform_type) {
	case IGVM_PLATFORM_NATIVE:
		return "NATIVE";
	case IGVM_PLATFORM_VSM_ISOLATION:
		return "VSM_ISOLATION";
	case IGVM_PLATFORM_SEV_SNP:
		return "SEV_SNP";
	case IGVM_PLATFORM_TDX:
		return "TDX";
	case IGVM_PLATFORM_SEV:
		return "SEV";
	case IGVM_PLATFORM_SEV_ES:
		return "SEV_ES";
	default:
		return "unknown";
	}
}

/* The payload size of a known type, 0 for a type the library does not
 * know. */
static uint32_t payload_size(uint32_t type)
{
	switch (type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return sizeof(struct igvm_vhs_supported_platform);
	case IGVM_VHT_GUEST_POLICY:
		return sizeof(struct igvm_vhs_guest_policy);
	case IGVM_VHT_RELOCATABLE_REGION:
		return 48;
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		return 32;
	case IGVM_VHT_PARAMETER_AREA:
		return sizeof(struct igvm_vhs_parameter_area);
	case IGVM_VHT_PAGE_DATA:
		return sizeof(struct igvm_vhs_page_data);
	case IGVM_VHT_PARAMETER_INSERT:
		return sizeof(struct igvm_vhs_parameter_insert);
	case IGVM_VHT_VP_CONTEXT:
		return sizeof(struct igvm_vhs_vp_context);
	case IGVM_VHT_REQUIRED_MEMORY:
		return sizeof(struct igvm_vhs_required_memory);
	case IGVM_VHT_SNP_ID_BLOCK:
		return sizeof(struct igvm_vhs_snp_id_block);
	case IGVM_VHT_ERROR_RANGE:
		return 16;
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_SRAT:
	case IGVM_VHT_MADT:
	case IGVM_VHT_MMIO_RANGES:
	case IGVM_VHT_MEMORY_MAP:
	case IGVM_VHT_COMMAND_LINE:
	case IGVM_VHT_SLIT:
	case IGVM_VHT_PPTT:
	case IGVM_VHT_DEVICE_TREE:
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		return sizeof(struct igvm_vhs_parameter);
	default:
		return 0;
	}
}

/* 0 platform, 1 initialization, 2 directives, -1 none. */
static int section_of(uint32_t type)
{
	if (type >= IGVM_VHT_SECTION_PLATFORM_FIRST &&
	    type <= IGVM_VHT_SECTION_PLATFORM_LAST)
		return 0;
	if (type >= IGVM_VHT_SECTION_INIT_FIRST &&
	    type <= IGVM_VHT_SECTION_INIT_LAST)
		return 1;
	if (type >= IGVM_VHT_SECTION_DIRECTIVE_FIRST &&
	    type <= IGVM_VHT_SECTION_DIRECTIVE_LAST)
		return 2;
	return -1;
}

static const char *const section_names[] = { "platform", "initialization",
					     "directive" };

/* "header N (TYPE at 0xOFF): " prefix + message. */
static int bad(struct walk *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int bad(struct walk *w, const char *fmt, ...)
{
	char msg[IGVM_ERROR_LEN];
	va_list ap;

	va_start(ap, fmt);
	igvm_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return igvm_fail(w->f, IGVM_E_FORMAT, "header %u (%s at 0x%llx): %s",
			 w->h.index, igvm_type_name(w->h.type),
			 (unsigned long long)w->h.offset, msg);
}

static uint32_t declared_masks(const struct walk *w)
{
	uint32_t m = 0;

	for (unsigned i = 0; i < 32; i++)
		if (w->platform_types[i])
			m |= 1U << i;
	return m;
}

static int check_mask(struct walk *w, uint32_t mask)
{
	uint32_t declared = declared_masks(w);

	if (!mask)
		return bad(w, "compatibility mask is 0");
	if (mask & ~declared)
		return bad(
			w,
			"compatibility mask 0x%llx names no declared platform",
			(unsigned long long)mask);
	return 0;
}

static bool mask_has_platform(const struct walk *w, uint32_t mask,
			      uint32_t type)
{
	for (unsigned i = 0; i < 32; i++)
		if ((mask & (1U << i)) && w->platform_types[i] == type + 1)
			return true;
	return false;
}

/* File data [off, off + len) must be inside the file, after the headers. */
static int check_data(struct walk *w, const char *what, uint32_t off,
		      uint64_t len)
{
	if (off < w->f->headers_end)
		return bad(w, "%s file offset 0x%llx lies inside the headers",
			   what, (unsigned long long)off);
	if (!igvm_file_bytes(w->f, off, len))
		return bad(
			w,
			"%s data [0x%llx, +0x%llx) runs past the end of the file",
			what, (unsigned long long)off, (unsigned long long)len);
	return 0;
}

static int check_gpa(struct walk *w, uint64_t gpa, uint64_t size,
		     uint64_t align)
{
	if (gpa & (align - 1))
		return bad(w, "gpa 0x%llx is not aligned to 0x%llx",
			   (unsigned long long)gpa, (unsigned long long)align);
	if (size && gpa + size - 1 < gpa)
		return bad(w, "gpa 0x%llx + size 0x%llx wraps",
			   (unsigned long long)gpa, (unsigned long long)size);
	return 0;
}

static struct area *find_area(struct walk *w, uint32_t index)
{
	for (uint32_t i = 0; i < w->area_count; i++)
		if (w->areas[i].index == index)
			return &w->areas[i];
	return NULL;
}

static int check_platform(struct walk *w)
{
	const struct igvm_vhs_supported_platform *p = &w->h.u.platform;
	uint32_t bit;

	if (!p->compatibility_mask ||
	    (p->compatibility_mask & (p->compatibility_mask - 1)))
		return bad(w,
			   "compatibility mask 0x%llx is not exactly one bit",
			   (unsigned long long)p->compatibility_mask);
	bit = (uint32_t)__builtin_ctz(p->compatibility_mask);
	if (w->platform_types[bit])
		return bad(w, "compatibility mask 0x%llx declared twice",
			   (unsigned long long)p->compatibility_mask);
	if (p->platform_type > IGVM_PLATFORM_SEV_ES)
		return bad(w, "unknown platform type %u", p->platform_type);
	for (unsigned i = 0; i < 32; i++)
		if (w->platform_types[i] == p->platform_type + 1U)
			return bad(w, "platform %s declared twice",
				   igvm_platform_name(p->platform_type));
	if (p->platform_version != IGVM_PLATFORM_VERSION)
		return bad(w, "platform version %u, expected 1",
			   p->platform_version);
	if (p->highest_vtl > 2)
		return bad(w, "highest VTL %u above 2", p->highest_vtl);
	w->platform_types[bit] = p->platform_type + 1U;
	w->f->platform_count++;
	w->f->masks |= p->compatibility_mask;
	return 0;
}

static int check_page_data(struct walk *w)
{
	const struct igvm_vhs_page_data *p = &w->h.u.page;
	uint64_t size = (p->flags & IGVM_PAGE_FLAG_2MB) ? IGVM_PAGE_SIZE_2M :
							  IGVM_PAGE_SIZE;
	int rc;

	if ((rc = check_mask(w, p->compatibility_mask)))
		return rc;
	if (p->flags & ~IGVM_PAGE_FLAGS_KNOWN)
		return bad(w, "unknown flags 0x%llx",
			   (unsigned long long)p->flags);
	if (p->data_type > IGVM_PAGE_TYPE_CPUID_XF)
		return bad(w, "unknown data type %u", p->data_type);
	if (p->rsvd)
		return bad(w, "reserved field is %u", p->rsvd);
	if (p->data_type != IGVM_PAGE_TYPE_NORMAL &&
	    (p->flags & (IGVM_PAGE_FLAG_2MB | IGVM_PAGE_FLAG_UNMEASURED |
			 IGVM_PAGE_FLAG_SHARED)))
		return bad(w,
			   "a SECRETS or CPUID page must be a plain 4 KiB "
			   "page (flags 0x%llx)",
			   (unsigned long long)p->flags);
	if ((rc = check_gpa(w, p->gpa, size, size)))
		return rc;
	if (p->file_offset)
		return check_data(w, "page", p->file_offset, size);
	return 0;
}

static int check_area(struct walk *w)
{
	const struct igvm_vhs_parameter_area *a = &w->h.u.area;
	struct area *slot;

	if (!a->number_of_bytes || (a->number_of_bytes & (IGVM_PAGE_SIZE - 1)))
		return bad(w, "size 0x%llx is not a non-zero multiple of 4 KiB",
			   (unsigned long long)a->number_of_bytes);
	if (a->number_of_bytes > 0xFFFFFFFFULL)
		return bad(w, "size 0x%llx above 4 GiB",
			   (unsigned long long)a->number_of_bytes);
	if (find_area(w, a->parameter_area_index))
		return bad(w, "parameter area %u declared twice",
			   a->parameter_area_index);
	if (w->area_count == MAX_AREAS)
		return bad(w, "more than %u parameter areas", MAX_AREAS);
	if (a->file_offset) {
		int rc = check_data(w, "parameter area", a->file_offset,
				    a->number_of_bytes);
		if (rc)
			return rc;
	}
	slot = &w->areas[w->area_count++];
	slot->index = a->parameter_area_index;
	slot->size = a->number_of_bytes;
	slot->inserted_mask = 0;
	return 0;
}

static int check_insert(struct walk *w)
{
	const struct igvm_vhs_parameter_insert *p = &w->h.u.insert;
	struct area *a;
	int rc;

	if ((rc = check_mask(w, p->compatibility_mask)))
		return rc;
	a = find_area(w, p->parameter_area_index);
	if (!a)
		return bad(w, "parameter area %u was not declared before",
			   p->parameter_area_index);
	if (a->inserted_mask & p->compatibility_mask)
		return bad(w,
			   "parameter area %u inserted twice for mask 0x%llx",
			   p->parameter_area_index,
			   (unsigned long long)(a->inserted_mask &
						p->compatibility_mask));
	if ((rc = check_gpa(w, p->gpa, a->size, IGVM_PAGE_SIZE)))
		return rc;
	a->inserted_mask |= p->compatibility_mask;
	return 0;
}

static int check_parameter(struct walk *w)
{
	const struct igvm_vhs_parameter *p = &w->h.u.param;
	struct area *a = find_area(w, p->parameter_area_index);
	uint64_t need = 1;

	if (!a)
		return bad(w, "parameter area %u was not declared before",
			   p->parameter_area_index);
	if (a->inserted_mask)
		return bad(w, "parameter area %u was already inserted",
			   p->parameter_area_index);
	if (w->h.type == IGVM_VHT_VP_COUNT_PARAMETER ||
	    w->h.type == IGVM_VHT_ENVIRONMENT_INFO_PARAMETER)
		need = 4;
	if (p->byte_offset >= a->size || a->size - p->byte_offset < need)
		return bad(w, "byte offset %u does not fit parameter area %u",
			   p->byte_offset, p->parameter_area_index);
	return 0;
}

static int check_vp_context(struct walk *w)
{
	const struct igvm_vhs_vp_context *v = &w->h.u.vp;
	uint64_t len = 1;
	int rc;

	if ((rc = check_mask(w, v->compatibility_mask)))
		return rc;
	if (v->rsvd)
		return bad(w, "reserved field is %u", v->rsvd);
	if ((rc = check_gpa(w, v->gpa, IGVM_PAGE_SIZE, IGVM_PAGE_SIZE)))
		return rc;
	if (!v->file_offset)
		return bad(w, "VP context without data");
	if (mask_has_platform(w, v->compatibility_mask, IGVM_PLATFORM_SEV_SNP))
		len = VMSA_SIZE;
	return check_data(w, "VP context", v->file_offset, len);
}

static int check_required_memory(struct walk *w)
{
	const struct igvm_vhs_required_memory *m = &w->h.u.mem;
	int rc;

	if ((rc = check_mask(w, m->compatibility_mask)))
		return rc;
	if (m->flags & ~IGVM_REQUIRED_MEMORY_VTL2_PROTECTABLE)
		return bad(w, "unknown flags 0x%llx",
			   (unsigned long long)m->flags);
	if (m->rsvd)
		return bad(w, "reserved field is %u", m->rsvd);
	if (!m->number_of_bytes || (m->number_of_bytes & (IGVM_PAGE_SIZE - 1)))
		return bad(w, "size 0x%llx is not a non-zero multiple of 4 KiB",
			   (unsigned long long)m->number_of_bytes);
	return check_gpa(w, m->gpa, m->number_of_bytes, IGVM_PAGE_SIZE);
}

static int check_id_block(struct walk *w)
{
	const struct igvm_vhs_snp_id_block *b = &w->h.u.id_block;
	int rc;

	if ((rc = check_mask(w, b->compatibility_mask)))
		return rc;
	if (w->id_block_masks & b->compatibility_mask)
		return bad(w, "a second ID block for mask 0x%llx",
			   (unsigned long long)b->compatibility_mask);
	for (unsigned i = 0; i < 32; i++)
		if ((b->compatibility_mask & (1U << i)) &&
		    w->platform_types[i] != IGVM_PLATFORM_SEV_SNP + 1U)
			return bad(w, "ID block for a platform that is not "
				      "SEV-SNP");
	w->id_block_masks |= b->compatibility_mask;
	return 0;
}

static int check_policy(struct walk *w)
{
	const struct igvm_vhs_guest_policy *p = &w->h.u.policy;
	int rc;

	if ((rc = check_mask(w, p->compatibility_mask)))
		return rc;
	if (p->rsvd)
		return bad(w, "reserved field is %u", p->rsvd);
	if (w->policy_masks & p->compatibility_mask)
		return bad(w, "a second guest policy for mask 0x%llx",
			   (unsigned long long)p->compatibility_mask);
	w->policy_masks |= p->compatibility_mask;
	return 0;
}

/* Rules for one header's fields. */
static int check_fields(struct walk *w)
{
	switch (w->h.type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return check_platform(w);
	case IGVM_VHT_GUEST_POLICY:
		return check_policy(w);
	case IGVM_VHT_RELOCATABLE_REGION:
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION: {
		uint32_t mask;
		memcpy(&mask, w->h.u.raw, sizeof(mask));
		return check_mask(w, mask);
	}
	case IGVM_VHT_PARAMETER_AREA:
		return check_area(w);
	case IGVM_VHT_PAGE_DATA:
		return check_page_data(w);
	case IGVM_VHT_PARAMETER_INSERT:
		return check_insert(w);
	case IGVM_VHT_VP_CONTEXT:
		return check_vp_context(w);
	case IGVM_VHT_REQUIRED_MEMORY:
		return check_required_memory(w);
	case IGVM_VHT_SNP_ID_BLOCK:
		return check_id_block(w);
	case IGVM_VHT_ERROR_RANGE: {
		uint32_t mask;
		memcpy(&mask, w->h.u.raw + 8, sizeof(mask));
		return check_mask(w, mask);
	}
	default:
		if (payload_size(w->h.type) ==
		    sizeof(struct igvm_vhs_parameter))
			return check_parameter(w);
		return 0; /* an optional header the library does not know */
	}
}

/* Reads the TLV at @pos into @h; the caller has checked that its type and
 * length lie inside the header area. */
static void read_header(const struct igvm_file *f, uint32_t pos, uint32_t index,
			struct igvm_header *h)
{
	struct igvm_var_header vh;
	uint32_t n;

	memcpy(&vh, f->data + pos, sizeof(vh));
	memset(h, 0, sizeof(*h));
	h->type = vh.type & IGVM_VHT_MASK;
	h->optional = (vh.type & IGVM_VHT_OPTIONAL) != 0;
	h->length = vh.length;
	h->offset = pos;
	h->index = index;
	/* Copy no more than the payload, the union and the header area hold
	 * (igvm_open() refuses a payload past the area after reading it). */
	n = vh.length < sizeof(h->u) ? vh.length : (uint32_t)sizeof(h->u);
	if (n > f->headers_end - pos - sizeof(vh))
		n = f->headers_end - pos - (uint32_t)sizeof(vh);
	memcpy(h->u.raw, f->data + pos + sizeof(vh), n);
}

static int check_fixed_header(struct igvm_file *f)
{
	struct igvm_fixed_header_v2 fh;
	uint32_t fixed_size = sizeof(struct igvm_fixed_header);
	uint64_t end;
	uint32_t crc;

	if (f->size < sizeof(struct igvm_fixed_header))
		return igvm_fail(f, IGVM_E_FORMAT,
				 "file of %u bytes is shorter than the IGVM "
				 "fixed header",
				 f->size);
	memset(&fh, 0, sizeof(fh));
	memcpy(&fh, f->data, f->size < sizeof(fh) ? sizeof(fh.v1) : sizeof(fh));
	if (fh.v1.magic != IGVM_MAGIC)
		return igvm_fail(f, IGVM_E_FORMAT,
				 "bad magic 0x%llx (not an IGVM file)",
				 (unsigned long long)fh.v1.magic);
	f->format_version = fh.v1.format_version;
	if (fh.v1.format_version == IGVM_FORMAT_V2) {
		fixed_size = sizeof(fh);
		if (f->size < fixed_size)
			return igvm_fail(f, IGVM_E_FORMAT,
					 "file too short for a version 2 "
					 "header");
		if (fh.architecture != IGVM_ARCH_X64)
			return igvm_fail(f, IGVM_E_FORMAT,
					 "architecture %u is not x64",
					 fh.architecture);
		if (fh.page_size != IGVM_PAGE_SIZE)
			return igvm_fail(f, IGVM_E_FORMAT,
					 "page size %u, expected 4096",
					 fh.page_size);
	} else if (fh.v1.format_version != IGVM_FORMAT_V1) {
		return igvm_fail(f, IGVM_E_FORMAT,
				 "format version %u (supported: 1, 2)",
				 fh.v1.format_version);
	}
	if (fh.v1.total_file_size != f->size)
		return igvm_fail(f, IGVM_E_FORMAT,
				 "total file size %u, but the file has %u "
				 "bytes",
				 fh.v1.total_file_size, f->size);
	if (fh.v1.variable_header_offset < fixed_size ||
	    fh.v1.variable_header_offset % IGVM_HEADER_ALIGN)
		return igvm_fail(f, IGVM_E_FORMAT,
				 "variable header offset %u is below the fixed "
				 "header or not 8-byte aligned",
				 fh.v1.variable_header_offset);
	end = (uint64_t)fh.v1.variable_header_offset +
	      fh.v1.variable_header_size;
	if (end > f->size)
		return igvm_fail(
			f, IGVM_E_FORMAT,
			"variable headers [0x%llx, 0x%llx) run past the end "
			"of the file",
			(unsigned long long)fh.v1.variable_header_offset,
			(unsigned long long)end);
	if (!fh.v1.variable_header_size)
		return igvm_fail(f, IGVM_E_FORMAT, "no variable headers");
	for (uint32_t i = fixed_size; i < fh.v1.variable_header_offset; i++)
		if (f->data[i])
			return igvm_fail(
				f, IGVM_E_FORMAT,
				"non-zero byte at 0x%llx between the fixed "
				"and the variable headers",
				(unsigned long long)i);
	f->headers_start = fh.v1.variable_header_offset;
	f->headers_end = (uint32_t)end;

	/* CRC32 over the fixed header (checksum as 0) and the headers. */
	{
		uint32_t want = fh.v1.checksum;
		fh.v1.checksum = 0;
		crc = igvm_crc32(0, &fh, fixed_size);
		crc = igvm_crc32(crc, f->data + f->headers_start,
				 fh.v1.variable_header_size);
		if (crc != want)
			return igvm_fail(f, IGVM_E_FORMAT,
					 "checksum 0x%llx, computed 0x%llx",
					 (unsigned long long)want,
					 (unsigned long long)crc);
	}
	return 0;
}

int igvm_open(struct igvm_file *f, const void *data, size_t size)
{
	struct walk w;
	uint32_t pos;
	int section = 0;
	int rc;

	memset(f, 0, sizeof(*f));
	if (!data || size > 0xFFFFFFFFU)
		return igvm_fail(f, IGVM_E_FORMAT,
				 "no data, or more than 4 GiB");
	f->data = data;
	f->size = (uint32_t)size;
	if ((rc = check_fixed_header(f)))
		return rc;

	memset(&w, 0, sizeof(w));
	w.f = f;
	for (pos = f->headers_start; pos < f->headers_end;) {
		uint64_t payload_end, next;
		uint32_t want;
		int s;

		w.h.index = f->header_count;
		w.h.offset = pos;
		w.h.type = 0;
		if (f->headers_end - pos < sizeof(struct igvm_var_header))
			return igvm_fail(
				f, IGVM_E_FORMAT,
				"header %u at 0x%llx: truncated type and "
				"length",
				f->header_count, (unsigned long long)pos);
		read_header(f, pos, f->header_count, &w.h);
		payload_end = (uint64_t)pos + sizeof(struct igvm_var_header) +
			      w.h.length;
		if (payload_end > f->headers_end)
			return bad(&w,
				   "payload of %u bytes runs past the "
				   "headers' end 0x%llx",
				   w.h.length,
				   (unsigned long long)f->headers_end);
		next = align8(payload_end);
		for (uint64_t i = payload_end; i < next && i < f->headers_end;
		     i++)
			if (f->data[i])
				return bad(&w,
					   "non-zero padding byte at 0x%llx",
					   (unsigned long long)i);
		s = section_of(w.h.type);
		if (s < 0)
			return bad(&w, "type 0x%llx belongs to no section",
				   (unsigned long long)w.h.type);
		if (s < section)
			return bad(&w, "%s header after the %s section",
				   section_names[s], section_names[section]);
		if (s > 0 && !f->platform_count)
			return bad(&w, "no SUPPORTED_PLATFORM header before "
				       "it");
		section = s;
		want = payload_size(w.h.type);
		if (!want && !w.h.optional)
			return bad(&w,
				   "unknown type 0x%llx not marked optional",
				   (unsigned long long)w.h.type);
		if (want && w.h.length != want)
			return bad(&w, "payload of %u bytes, expected %u",
				   w.h.length, want);
		if (want && (rc = check_fields(&w)))
			return rc;
		f->header_count++;
		pos = next > f->headers_end ? f->headers_end : (uint32_t)next;
	}
	if (!f->platform_count)
		return igvm_fail(f, IGVM_E_FORMAT,
				 "no SUPPORTED_PLATFORM header");
	f->error[0] = '\0';
	return 0;
}

void igvm_iter_start(struct igvm_iter *it, const struct igvm_file *f)
{
	it->f = f;
	it->pos = f->headers_start;
	it->index = 0;
}

bool igvm_iter_next(struct igvm_iter *it, struct igvm_header *h)
{
	uint64_t next;

	if (it->pos >= it->f->headers_end ||
	    it->f->headers_end - it->pos < sizeof(struct igvm_var_header))
		return false;
	read_header(it->f, it->pos, it->index, h);
	next = align8((uint64_t)it->pos + sizeof(struct igvm_var_header) +
		      h->length);
	it->pos =
		next > it->f->headers_end ? it->f->headers_end : (uint32_t)next;
	it->index++;
	return true;
}

int igvm_platform_mask(const struct igvm_file *f, uint8_t platform_type,
		       uint32_t *mask)
{
	struct igvm_iter it;
	struct igvm_header h;

	igvm_iter_start(&it, f);
	while (igvm_iter_next(&it, &h)) {
		if (h.type != IGVM_VHT_SUPPORTED_PLATFORM)
			continue;
		if (h.u.platform.platform_type == platform_type) {
			*mask = h.u.platform.compatibility_mask;
			return 0;
		}
	}
	return IGVM_E_NOPLATFORM;
}
