/* SPDX-License-Identifier: MIT */
/*
 * What `make verify` assumes about everything the analysed code calls but
 * does not contain: one ACSL contract per function, written once. Frama-C
 * merges these contracts with the project's own declarations (the headers
 * are included first), so a signature change breaks the parse here.
 *
 * The machine (svsm/include/svsm/cpu.h, implemented in inline assembly or
 * by the software SNP machine) is assumed to: copy exactly the bytes asked
 * (or report a fault), write only its outputs, and return the documented
 * EAX values. Services outside the analysed files (the vCPU registry, the
 * deposit pool, libtpms, the PSP channel, OpenSSL, the allocator) are
 * assumed to write only what their contracts say. docs/VERIFICATION.md
 * lists these assumptions.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__FRAMAC__)
#include "__fc_builtin.h"
#else
/* For the linters, which lack Frama-C's headers: the builtins used. */
int Frama_C_interval(int min, int max);
void Frama_C_make_unknown(char *p, size_t l);
#endif

#include "svsm/attest.h"
#include "svsm/boot.h"
#include "svsm/cpu.h"
#include "svsm/greq.h"
#include "svsm/log.h"
#include "svsm/manifest.h"
#include "svsm/mm.h"
#include "svsm/physmap.h"
#include "svsm/reboot.h"
#include "svsm/services.h"
#include "svsm/snp.h"
#include "svsm/vcpu.h"
#include "svsm/vtpm.h"

/** Abstract state of the environment: what the stubs read and write. */
extern int fc_env_state;

/* --- svsm/include/svsm/cpu.h (inline assembly / the software machine) --- */

/*
 * The trapped copies (cpu.h) touch guest memory that may fault, and report
 * it: the guest side needs no validity, only the SVSM side does.
 */
/*@ requires \valid((char *)dst + (0 .. len - 1));
    assigns ((char *)dst)[0 .. len - 1] \from ((char *)src_va)[0 .. len - 1];
    assigns \result \from fc_env_state;
    ensures \initialized((char *)dst + (0 .. len - 1));
    ensures \result == 0 || \result == 1;
 */
bool cpu_copy_from_trapped(void *dst, const void *src_va, uint64_t len);

/*@ requires \valid_read((char *)src + (0 .. len - 1));
    requires \initialized((char *)src + (0 .. len - 1));
    assigns ((char *)dst_va)[0 .. len - 1] \from ((char *)src)[0 .. len - 1];
    assigns \result \from fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool cpu_copy_to_trapped(void *dst_va, const void *src, uint64_t len);

/*@ requires \valid(cf);
    assigns *cf, fc_env_state \from indirect:va, size, validate, fc_env_state;
    assigns \result \from indirect:va, size, validate, fc_env_state;
    ensures \initialized(cf) && (*cf == 0 || *cf == 1);
    ensures \result == 0 || \result == 1 || \result == 6;
 */
uint32_t cpu_pvalidate(const void *va, enum cpu_page_size size, bool validate,
		       bool *cf);

/*@ assigns fc_env_state, \result \from indirect:va, size, attrs, fc_env_state; 
    ensures \result == 0 || \result == 1 || \result == 2 || \result == 6;
 */
uint32_t cpu_rmpadjust(const void *va, enum cpu_page_size size, uint64_t attrs);

/*@ assigns fc_env_state \from fc_env_state; */
void cpu_flush_tlb_all(void);

/* --- svsm/include/svsm/lock.h: see its __FRAMAC__ branch --- */

/* --- svsm/include/svsm/log.h --- */

/*@ assigns \nothing; */
void log_printf(enum log_level level, const char *fmt, ...);

/* Reaching panic() from guest input is an error: its precondition fails. */
/*@ requires fc_unreachable: \false;
    assigns \nothing;
    ensures \false;
 */
_Noreturn void panic(const char *fmt, ...);

/* --- svsm/include/svsm/snp.h (GHCB and RMP wrappers) --- */

/*@ assigns fc_env_state, \result \from indirect:va, size, fc_env_state; 
    ensures \result == 0 || \result == 1 || \result == 2 || \result == 6;
 */
uint32_t snp_page_revoke(void *va, enum cpu_page_size size);
/*@ assigns fc_env_state, \result \from indirect:va, size, vmpl, fc_env_state; 
    ensures \result == 0 || \result == 1 || \result == 2 || \result == 6;
 */
uint32_t snp_page_grant(void *va, enum cpu_page_size size, unsigned int vmpl);
/*@ assigns fc_env_state, \result \from indirect:va, vmpl, fc_env_state; 
    ensures \result == 0 || \result == 1 || \result == 2 || \result == 6;
 */
uint32_t snp_page_make_vmsa(void *va, unsigned int vmpl);
/* 3 (FAIL_INUSE): the VMSA still runs on some CPU (the reboot's quiesce). */
/*@ assigns fc_env_state, \result \from indirect:va, vmpl, fc_env_state;
    ensures \result == 0 || \result == 1 || \result == 2 || \result == 3 ||
	    \result == 6;
 */
uint32_t snp_page_clear_vmsa(void *va, unsigned int vmpl);
/* page.c: snp_page_clear_vmsa() retried, a bounded number of times, while the
   host's kick has not yet taken the vCPU out of the VMSA. */
/*@ assigns fc_env_state, \result \from indirect:va, vmpl, fc_env_state;
    ensures \result == 0 || \result == 1 || \result == 2 || \result == 3 ||
	    \result == 6;
 */
uint32_t snp_page_clear_vmsa_stopped(void *va, unsigned int vmpl);
/*@ assigns fc_env_state, \result \from gpa, fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool snp_psc_psmash(struct ghcb *ghcb, uint64_t gpa);
/*@ assigns fc_env_state, \result \from apic_id, vmpl, fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool snp_ap_create(struct ghcb *ghcb, uint32_t apic_id, unsigned int vmpl,
		   uint64_t vmsa_gpa, uint64_t sev_features, uint64_t request);
/*@ requires \valid(vmsa);
    assigns vmsa->efer, \result \from vmsa->efer;
 */
uint64_t snp_vmsa_clear_svme(struct sev_vmsa *vmsa);
/*@ requires \valid(vmsa);
    assigns vmsa->efer \from vmsa->efer;
 */
void snp_vmsa_set_svme(struct sev_vmsa *vmsa);
/*@ assigns \result \from fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool snp_guest_sev_features(uint64_t svsm, uint64_t *guest);
/*@ requires \valid(cert_pages) && \valid(fw) && \valid(vmm);
    assigns fc_env_state, *cert_pages, *fw, *vmm, \result
	\from req_gpa, resp_gpa, certs_gpa, *cert_pages, fc_env_state;
    ensures \initialized(fw) && \initialized(vmm) && \initialized(cert_pages);
    ensures \result == 0 || \result == 1;
 */
bool snp_guest_request(uint64_t req_gpa, uint64_t resp_gpa, uint64_t certs_gpa,
		       uint64_t *cert_pages, uint32_t *fw, uint32_t *vmm);

/* --- svsm/include/svsm/vcpu.h: the registry and the deposit pool --- */

/*@ assigns \result \from gpa, len, except_ca, fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool svsm_owns_range(uint64_t gpa, uint64_t len, uint64_t except_ca);
/*@ assigns \result \from gpa, len, fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool svsm_is_deposited(uint64_t gpa, uint64_t len);
/*@ assigns \result \from fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool deposit_ready(void);
/*@ assigns fc_env_state \from gpa, bytes, fc_env_state; */
void deposit_push(uint64_t gpa, uint64_t bytes);
/* A non-empty pool hands out a range the size deposit_peek() announced. */
/*@ requires \valid(gpa) && \valid(bytes);
    assigns fc_env_state, *gpa, *bytes, \result \from fc_env_state;
    ensures \result == 0 || \result == 1;
    ensures \initialized(gpa) && \initialized(bytes);
    ensures *bytes == 4096 || *bytes == 2097152;
    ensures *gpa <= physmap.size - 2097152;
    ensures *gpa % 4096 == 0;
 */
bool deposit_pop(uint64_t *gpa, uint64_t *bytes);
/*@ assigns \result \from fc_env_state;
    ensures \result == 0 || \result == 4096 || \result == 2097152;
 */
uint64_t deposit_peek(void);

/* --- svsm/include/svsm/services.h, vtpm.h, greq.h, manifest.h --- */

/*@ assigns \result \from fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool svsm_attest_available(void);
/*@ assigns \result \from fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool svsm_vtpm_available(void);
/*@ assigns \result \from fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool svsm_vtpm_wait(void);
/*@ assigns \result \from fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool vtpm_running(void);
/*@ requires \valid_read(cmd + (0 .. cmd_len - 1));
    requires \valid(rsp + (0 .. rsp_cap - 1)) && \valid(rsp_len);
    assigns fc_env_state, rsp[0 .. rsp_cap - 1], *rsp_len, \result
	\from cmd[0 .. cmd_len - 1], fc_env_state;
    ensures \result == 0 || \result == -1;
    ensures \result != 0 ==> *rsp_len == \old(*rsp_len);
    ensures \result == 0 ==> *rsp_len <= rsp_cap &&
			     \initialized(rsp + (0 .. *rsp_len - 1));
 */
int vtpm_send_command(uint8_t locality, const uint8_t *cmd, size_t cmd_len,
		      uint8_t *rsp, size_t rsp_cap, size_t *rsp_len);
/*@ requires \valid_read(svc + (0 .. count - 1));
    requires \valid(out + (0 .. cap - 1));
    assigns out[0 .. cap - 1] \from svc[0 .. count - 1], cap;
    assigns \result \from indirect:svc[0 .. count - 1], indirect:count,
			 indirect:cap;
    ensures \result <= cap ==> \initialized(out + (0 .. \result - 1));
 */
size_t manifest_build(const struct manifest_service *svc, unsigned count,
		      uint8_t *out, size_t cap);
/* The EK public area vtpm_ek_public() hands out. */
extern uint8_t fc_ek_public[512];

/*@ requires \valid(len);
    assigns *len, \result \from type, fc_env_state;
    ensures \result == \null || \result == &fc_ek_public[0];
    ensures *len <= sizeof(fc_ek_public);
 */
const uint8_t *vtpm_ek_public(enum vtpm_ek_type type, size_t *len);

/* The registry lookups return a registered entry (core_vcpu.c checks). */
extern struct svsm_cpu fc_cpus[2];
extern struct guest_vmsa fc_vmsas[4];
/* As svsm/core/vcpu.c: vCPU `apic_id` is svsm.cpus[apic_id]. */
/*@ assigns \result \from svsm.cpus, indirect:apic_id, indirect:svsm.cpu_count;
    behavior known:
      assumes svsm.cpus != \null && apic_id < svsm.cpu_count;
      ensures \result == svsm.cpus + apic_id;
    behavior unknown:
      assumes svsm.cpus == \null || apic_id >= svsm.cpu_count;
      ensures \result == \null;
    complete behaviors;
    disjoint behaviors;
 */
struct svsm_cpu *vcpu_by_apic_id(uint32_t apic_id);
/*@ assigns \result \from gpa, fc_env_state;
    ensures \result == \null || \result == &fc_vmsas[0] ||
	    \result == &fc_vmsas[1] || \result == &fc_vmsas[2] ||
	    \result == &fc_vmsas[3];
 */
struct guest_vmsa *vcpu_find_vmsa(uint64_t gpa);

/* The allocator (kmalloc/kcalloc/kfree are replaced by EVA's malloc/free builtins). */
/*@ allocates \result;
    assigns \result \from indirect:size;
    ensures \result == \null || \fresh(\result, size);
 */
void *kmalloc(size_t size);
/*@ allocates \result;
    assigns \result \from indirect:count, indirect:size;
    ensures \result == \null || \fresh(\result, count * size);
 */
void *kcalloc(size_t count, size_t size);
/*@ frees ptr;
    assigns \nothing;
 */
void kfree(void *ptr);
/*@ frees ptr;
    assigns \nothing;
 */
void kfree_sensitive(void *ptr);

/*
 * Reached by WP's whole-program parse only (attestation set-up, the
 * request loop's VMPL switch, slot allocation): contracts so that no
 * function is left with generated assigns.
 */
/*@ requires \valid(ch);
    assigns *ch \from key[0 .. 31], index;
 */
void greq_init(struct greq_channel *ch, const uint8_t key[SNP_VMPCK_SIZE],
	       uint8_t index);
/*@ requires \valid(ch);
    assigns *ch \from *ch;
 */
void greq_disable(struct greq_channel *ch);
/*@ requires \valid(ch) && \valid(out);
    requires \valid_read((const char *)payload + (0 .. len - 1));
    assigns *ch, *out, \result
	\from *ch, type, ((const char *)payload)[0 .. len - 1];
 */
int greq_seal(struct greq_channel *ch, uint8_t type, const void *payload,
	      size_t len, struct snp_guest_msg *out);
/*@ requires \valid(ch) && \valid_read(in) && \valid(len);
    requires \valid((char *)payload + (0 .. cap - 1));
    assigns *ch, ((char *)payload)[0 .. cap - 1], *len, \result
	\from *ch, req_type, *in;
    ensures \result == 0 ==> *len <= cap;
 */
int greq_open(struct greq_channel *ch, uint8_t req_type,
	      const struct snp_guest_msg *in, void *payload, size_t cap,
	      size_t *len);
/*@ assigns \result \from order, fc_env_state; */
void *page_alloc(unsigned int order);
/*@ assigns fc_env_state, \result \from indirect:page, fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool snp_ghcb_prepare(struct ghcb *page);
/*@ assigns fc_env_state, \result \from vmpl, fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool snp_msr_run_vmpl(unsigned int vmpl);
/*@ assigns \result \from fc_env_state;
    ensures \result == \null || \result == &fc_vmsas[0] ||
	    \result == &fc_vmsas[1] || \result == &fc_vmsas[2] ||
	    \result == &fc_vmsas[3];
 */
struct guest_vmsa *vcpu_free_slot(void);

/* --- the reboot protocol (svsm/core/reboot.c) outside the SVSM core --- */

/* Terminating the VM (a reboot failing past its point of no return). */
/*@ assigns \nothing;
    ensures \false;
 */
_Noreturn void snp_terminate(unsigned int set, unsigned int code);

/* The boot information the SVSM started with (boot.c). */
extern const struct svsm_boot_info *fc_boot;
/*@ assigns \result \from fc_boot;
    ensures \result == fc_boot;
 */
const struct svsm_boot_info *svsm_boot_info(void);

/* boot.c: rebuilds the launch pages and registers the boot VMSA. */
/*@ assigns fc_env_state, \result \from indirect:ghcb, fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool svsm_guest_launch(struct ghcb *ghcb);

/* The build's hook (kernel: snp_relaunch.c; hosted: sim/entry.c): the launch
   memory validated and restored as the launch left it. */
/*@ assigns fc_env_state, \result \from indirect:ghcb, fc_env_state;
    ensures \result == 0 || \result == 1;
 */
bool svsm_arch_guest_relaunch(struct ghcb *ghcb);

/*@ assigns fc_env_state, \result \from fc_env_state;
    ensures \result == 0 || \result == -1;
 */
int vtpm_reset(void);
