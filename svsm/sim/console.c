/* SPDX-License-Identifier: MIT */
/*
 * svsm-sim: a guest console over libsvsm-sim. Commands come from the
 * command line (separated by `;`) or, without arguments, one per line from
 * stdin:
 *
 *   query PROTOCOL VERSION      SVSM_CORE_QUERY_PROTOCOL
 *   pvalidate GPA [2m] [inval] [ignorecf]  one-entry PVALIDATE list at CA+8
 *   create-vcpu VMSA CA APIC    CREATE_VCPU (a VMSA page is prepared at VMSA)
 *   delete-vcpu VMSA            DELETE_VCPU
 *   remap-ca GPA [VCPU]         REMAP_CA
 *   deposit GPA                 DEPOSIT_MEM of one 4 KiB page
 *   withdraw                    WITHDRAW_MEM into the CA buffer
 *   peek GPA                    print a byte of guest memory (VMPL2 view)
 *   poke GPA VALUE              write a byte of guest memory (VMPL2 view)
 *   call RAX [RCX RDX R8 R9]    a raw call on vCPU 0
 *   vcpu N                      make later calls on vCPU N
 *   tpm ...                     vTPM commands (svsm/sim/console_services.c)
 *   attest [DIR]                an attestation report (ditto)
 *
 * `svsm-sim [options] kbs ...` instead boots the SVSM with a key broker
 * (svsm/sim/console_kbs.c, docs/KBS.md), and `svsm-sim tpm-server --port N
 * [--state DIR --key FILE]` serves the vTPM to TPM software over the mssim
 * protocol (tpm_server.c).
 *
 * Options: --mem MiB, --vcpus N, --no-vtpm, -v (verbose SVSM log),
 * --ark-out FILE (write the simulated ARK, DER, so a KBS can pin it).
 * Numbers take C prefixes (0x...). Exit status: 0, or 1 if a command
 * failed to run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/log.h"
#include "svsm/proto.h"
#include "svsm/sim.h"
#include "abi/sev_status.h"
#include "abi/svsm_ca.h"
#include "abi/svsm_call.h"
#include "abi/svsm_core.h"
#include "abi/vmsa.h"

#include "console.h"

#define MAX_ARGS 8
#define MAX_VCPUS CONSOLE_MAX_VCPUS

/** Make a call on the current vCPU and print its result. */
int console_call(struct console *con, struct svsm_sim_regs *r)
{
	uint64_t rax = r->rax;

	if (svsm_sim_call(con->sim, con->vcpu, r) != 0) {
		printf("call failed: no VMSA on vCPU %u or the VM terminated\n",
		       con->vcpu);
		return -1;
	}
	printf("%s (%#x) rcx=%#llx rdx=%#llx r8=%#llx\n",
	       svsm_result_name((uint32_t)r->rax), (uint32_t)r->rax,
	       (unsigned long long)r->rcx, (unsigned long long)r->rdx,
	       (unsigned long long)r->r8);
	if ((uint32_t)r->rax == 0 &&
	    rax == SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_REMAP_CA)) {
		con->ca_gpa[con->vcpu] = r->rcx;
	}
	return 0;
}

static uint64_t num(const char *s)
{
	return strtoull(s, NULL, 0);
}

static bool has(char **argv, int argc, const char *word)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], word) == 0) {
			return true;
		}
	}
	return false;
}

/* A one-entry list in the current CA's buffer (as Linux builds it). */
static uint64_t ca_list(struct console *con, uint64_t entry)
{
	uint64_t gpa = con->ca_gpa[con->vcpu] + SVSM_CA_OFF_BUFFER;
	uint8_t *p = svsm_sim_guest_ptr(con->sim, gpa, 16);
	struct svsm_list_hdr hdr = { .entry_count = 1 };

	memcpy(p, &hdr, sizeof(hdr));
	memcpy(p + 8, &entry, sizeof(entry));
	return gpa;
}

static void prepare_vmsa(struct console *con, uint64_t gpa)
{
	struct sev_vmsa *v = svsm_sim_guest_ptr(con->sim, gpa, sizeof(*v));

	if (v == NULL || svsm_sim_guest_access(con->sim, 0, gpa, true) != 0) {
		return; /* let the SVSM refuse it */
	}
	memset(v, 0, sizeof(*v));
	v->vmpl = 2;
	v->efer = EFER_SVME;
	v->sev_features =
		SEV_FEATURES_FROM_STATUS(svsm_sim_sev_status(con->sim));
}

static int cmd_create_vcpu(struct console *con, char **argv)
{
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_CREATE_VCPU),
		.rcx = num(argv[1]),
		.rdx = num(argv[2]),
		.r8 = num(argv[3]),
	};

	prepare_vmsa(con, r.rcx);
	if (console_call(con, &r) != 0) {
		return -1;
	}
	if ((uint32_t)r.rax == 0 && r.r8 < MAX_VCPUS) {
		con->ca_gpa[r.r8] = num(argv[2]);
	}
	return 0;
}

static int cmd_withdraw(struct console *con)
{
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_WITHDRAW_MEM),
		.rcx = con->ca_gpa[con->vcpu] + SVSM_CA_OFF_BUFFER,
	};
	const uint8_t *p;
	uint16_t n;
	unsigned i;

	if (console_call(con, &r) != 0) {
		return -1;
	}
	if ((uint32_t)r.rax != 0) {
		return 0;
	}
	p = svsm_sim_guest_ptr(con->sim, r.rcx, 4096 - 8);
	memcpy(&n, p, sizeof(n));
	for (i = 0; i < n; i++) {
		uint64_t g;

		memcpy(&g, p + 8 + 8 * i, sizeof(g));
		printf("  page %#llx\n", (unsigned long long)g);
	}
	return 0;
}

/* peek (value < 0) or poke a byte as the guest at VMPL2 would. */
static int cmd_peek_poke(struct console *con, uint64_t gpa, int value)
{
	int f = svsm_sim_guest_access(con->sim, con->vcpu, gpa, value >= 0);
	uint8_t *p = svsm_sim_guest_ptr(con->sim, gpa, 1);

	if (f != 0 || p == NULL) {
		printf("fault %d\n", f);
	} else if (value < 0) {
		printf("0x%02x\n", *p);
	} else {
		*p = (uint8_t)value;
		printf("ok\n");
	}
	return 0;
}

/* The registers of a core call that takes RCX only. */
static struct svsm_sim_regs core_regs(uint32_t call, uint64_t rcx)
{
	return (struct svsm_sim_regs){
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, call),
		.rcx = rcx,
	};
}

static int run(struct console *con, int argc, char **argv)
{
	struct svsm_sim_regs r = { 0 };
	const char *cmd = argv[0];
	int i;

	if (strcmp(cmd, "query") == 0 && argc >= 3) {
		r = core_regs(
			SVSM_CORE_QUERY_PROTOCOL,
			SVSM_QUERY_PROTOCOL_ARG(num(argv[1]), num(argv[2])));
	} else if (strcmp(cmd, "pvalidate") == 0 && argc >= 2) {
		r = core_regs(
			SVSM_CORE_PVALIDATE,
			ca_list(con,
				SVSM_PVAL_ENTRY(num(argv[1]),
						has(argv, argc, "2m") ?
							SVSM_PVAL_SIZE_2M :
							SVSM_PVAL_SIZE_4K,
						!has(argv, argc, "inval"),
						has(argv, argc, "ignorecf"))));
	} else if (strcmp(cmd, "create-vcpu") == 0 && argc >= 4) {
		return cmd_create_vcpu(con, argv);
	} else if (strcmp(cmd, "delete-vcpu") == 0 && argc >= 2) {
		r = core_regs(SVSM_CORE_DELETE_VCPU, num(argv[1]));
	} else if (strcmp(cmd, "remap-ca") == 0 && argc >= 2) {
		r = core_regs(SVSM_CORE_REMAP_CA, num(argv[1]));
	} else if (strcmp(cmd, "deposit") == 0 && argc >= 2) {
		r = core_regs(
			SVSM_CORE_DEPOSIT_MEM,
			ca_list(con, num(argv[1]) & SVSM_DEPOSIT_GFN_MASK));
	} else if (strcmp(cmd, "withdraw") == 0) {
		return cmd_withdraw(con);
	} else if (strcmp(cmd, "peek") == 0 && argc >= 2) {
		return cmd_peek_poke(con, num(argv[1]), -1);
	} else if (strcmp(cmd, "poke") == 0 && argc >= 3) {
		return cmd_peek_poke(con, num(argv[1]),
				     (int)(num(argv[2]) & 0xFF));
	} else if (strcmp(cmd, "call") == 0 && argc >= 2) {
		uint64_t *dst[] = { &r.rax, &r.rcx, &r.rdx, &r.r8, &r.r9 };

		for (i = 1; i < argc && i <= 5; i++) {
			*dst[i - 1] = num(argv[i]);
		}
	} else if (strcmp(cmd, "tpm") == 0) {
		return console_tpm(con, argc, argv);
	} else if (strcmp(cmd, "attest") == 0) {
		return console_attest(con, argc, argv);
	} else if (strcmp(cmd, "vcpu") == 0 && argc >= 2) {
		if (num(argv[1]) >= MAX_VCPUS) {
			printf("no vCPU %s\n", argv[1]);
			return -1;
		}
		con->vcpu = (unsigned)num(argv[1]);
		return 0;
	} else {
		printf("unknown or incomplete command: %s\n", cmd);
		return -1;
	}
	return console_call(con, &r);
}

/* Append `word` and a space to the NUL-terminated `line` (truncating). */
static void append_word(char *line, size_t size, const char *word)
{
	size_t len = strlen(line);
	size_t n = strlen(word);

	if (len + 2 >= size) {
		return;
	}
	if (n > size - len - 2) {
		n = size - len - 2;
	}
	memcpy(line + len, word, n);
	line[len + n] = ' ';
	line[len + n + 1] = '\0';
}

static int run_line(struct console *con, char *line)
{
	char *argv[MAX_ARGS];
	int argc = 0;
	char *p = line;

	while (*p != '\0' && argc < MAX_ARGS) {
		while (*p != '\0' && strchr(" \t\r\n", *p) != NULL) {
			*p++ = '\0';
		}
		if (*p == '\0') {
			break;
		}
		argv[argc++] = p;
		while (*p != '\0' && strchr(" \t\r\n", *p) == NULL) {
			p++;
		}
	}
	if (argc == 0 || argv[0][0] == '#') {
		return 0;
	}
	return run(con, argc, argv);
}

/** Write the ARK certificate to `path` (see console.h). */
int console_write_ark(struct svsm_sim *sim, const char *path)
{
	size_t len = 0;
	const uint8_t *der = svsm_sim_ark_der(sim, &len);
	FILE *f;
	int ok;

	if (path == NULL) {
		return 0;
	}
	f = fopen(path, "wb");
	ok = f != NULL && fwrite(der, 1, len, f) == len;
	if (f != NULL && fclose(f) != 0) {
		ok = 0;
	}
	if (!ok) {
		fprintf(stderr, "svsm-sim: cannot write %s\n", path);
	}
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct svsm_sim_config cfg = { .guest_mem_bytes = 256ULL << 20,
				       .vcpus = 2,
				       .vtpm = true };
	static struct console con;
	const char *ark_out = NULL;
	char line[512];
	int i = 1;
	int status = 0;

	if (argc >= 2 && strcmp(argv[1], "tpm-server") == 0) {
		return tpm_server_main(argc - 1, argv + 1);
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			log_level_max = LOG_VERBOSE;
		} else if (strcmp(argv[i], "--no-vtpm") == 0) {
			cfg.vtpm = false;
		} else if (strcmp(argv[i], "--mem") == 0 && i + 1 < argc) {
			cfg.guest_mem_bytes = num(argv[++i]) << 20;
		} else if (strcmp(argv[i], "--vcpus") == 0 && i + 1 < argc) {
			cfg.vcpus = (unsigned)num(argv[++i]);
		} else if (strcmp(argv[i], "--ark-out") == 0 && i + 1 < argc) {
			ark_out = argv[++i];
		} else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc) {
			/* Persistent vTPM state; its key is the KBS's. */
			cfg.vtpm_state_dir = argv[++i];
		} else {
			fprintf(stderr,
				"usage: svsm-sim [-v] [--mem MiB] [--vcpus N] "
				"[--no-vtpm] [--ark-out FILE] [command ...]\n"
				"       svsm-sim [options] [--state DIR] kbs "
				"--url URL "
				"--resource REPO/TYPE/TAG ...\n");
			return 2;
		}
	}
	if (i < argc && strcmp(argv[i], "kbs") == 0) {
		return console_kbs(&cfg, argc - i, argv + i, ark_out);
	}
	con.sim = svsm_sim_create(&cfg);
	if (con.sim == NULL) {
		fprintf(stderr, "svsm-sim: the SVSM did not boot\n");
		return 1;
	}
	if (console_write_ark(con.sim, ark_out) != 0) {
		svsm_sim_destroy(con.sim);
		return 1;
	}
	/* The boot vCPU's CA, from the secrets page (58019 table 1). */
	memcpy(&con.ca_gpa[0],
	       (uint8_t *)svsm_sim_guest_ptr(
		       con.sim, svsm_sim_secrets_gpa(con.sim), 4096) +
		       0x150,
	       sizeof(uint64_t));
	if (i < argc) {
		/* Arguments: commands separated by ";". */
		line[0] = '\0';
		for (; i <= argc; i++) {
			if (i == argc || strcmp(argv[i], ";") == 0) {
				status |= run_line(&con, line) != 0;
				line[0] = '\0';
				continue;
			}
			append_word(line, sizeof(line), argv[i]);
		}
	} else {
		while (fgets(line, sizeof(line), stdin) != NULL) {
			status |= run_line(&con, line) != 0;
		}
	}
	svsm_sim_destroy(con.sim);
	return status;
}
