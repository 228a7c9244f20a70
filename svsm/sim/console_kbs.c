/* SPDX-License-Identifier: MIT */
/*
 * `svsm-sim kbs`: boot the SVSM with a KBS (docs/KBS.md). The SVSM attests
 * at boot through the proxy, takes the resource as its vTPM state key and
 * reports what happened; this prints the resource's SHA-256, never the
 * resource.
 *
 *   svsm-sim [options] kbs --url URL --resource REPO/TYPE/TAG
 *            [--hash sha384|sha512] [--proxy ADDR:PORT] [--timeout SEC]
 *            [--stats] [--measurement-out FILE]
 *
 * --measurement-out writes the launch measurement (hex) before the SVSM
 * boots and attests: the reference value a relying party would compute
 * from the image (a test KBS reads its allowlist from such a file).
 * Without --proxy it starts tools/kbs-proxy (beside svsm-sim, or
 * $SVSM_KBS_PROXY) on one end of a socket pair; with --proxy it connects to
 * a running proxy at ADDR:PORT. With `svsm-sim --state DIR kbs ...` the
 * released resource is also the key of the persistent vTPM state in DIR:
 * made on first use, opened later, refused (the vTPM stays off) when the
 * key does not open it. Exit status 0 if the resource was released (and,
 * with --state, opened the state), 1 otherwise, 2 for usage errors.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi/svsm_call.h"
#include "abi/svsm_core.h"

#include "console.h"
#include "../kbs/sock.h"

struct kbs_args {
	const char *url, *resource, *proxy, *measurement_out;
	bool sha512, stats;
	unsigned timeout_s;
};

/* A decimal number in [1, max]; 0 if `s` is not one. */
static unsigned long number(const char *s, unsigned long max)
{
	char *end = NULL;
	unsigned long v = strtoul(s, &end, 10);

	return end != s && *end == '\0' && v >= 1 && v <= max ? v : 0;
}

static int kbs_usage(void)
{
	fprintf(stderr, "usage: svsm-sim [options] kbs --url URL --resource "
			"REPO/TYPE/TAG [--hash sha384|sha512] "
			"[--proxy ADDR:PORT] [--timeout SEC] [--stats] "
			"[--measurement-out FILE]\n");
	return 2;
}

static int parse(int argc, char **argv, struct kbs_args *a)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "--stats") == 0) {
			a->stats = true;
			continue;
		}
		if (v == NULL) {
			return -1;
		}
		i++;
		if (strcmp(o, "--url") == 0) {
			a->url = v;
		} else if (strcmp(o, "--resource") == 0) {
			a->resource = v;
		} else if (strcmp(o, "--measurement-out") == 0) {
			a->measurement_out = v;
		} else if (strcmp(o, "--proxy") == 0) {
			a->proxy = v;
		} else if (strcmp(o, "--timeout") == 0 &&
			   number(v, 3600) != 0) {
			a->timeout_s = (unsigned)number(v, 3600);
		} else if (strcmp(o, "--hash") == 0 &&
			   (strcmp(v, "sha384") == 0 ||
			    strcmp(v, "sha512") == 0)) {
			a->sha512 = strcmp(v, "sha512") == 0;
		} else {
			return -1;
		}
	}
	return a->resource != NULL && (a->url != NULL || a->proxy != NULL) ? 0 :
									     -1;
}

static int connect_proxy(const char *addr)
{
	char host[64];
	struct sockaddr_in sa;
	int fd;

	if (kbs_sock_addr(addr, &sa, host, sizeof(host)) != 0 ||
	    sa.sin_port == 0) {
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* kbs-proxy beside this program, unless $SVSM_KBS_PROXY names one. */
static void proxy_path(char *out, size_t cap)
{
	const char *env = getenv("SVSM_KBS_PROXY");
	ssize_t n;
	char *slash;

	if (env != NULL) {
		snprintf(out, cap, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", out, cap - 16);
	if (n <= 0) {
		snprintf(out, cap, "kbs-proxy");
		return;
	}
	out[n] = '\0';
	slash = strrchr(out, '/');
	snprintf(slash ? slash + 1 : out, 16, "kbs-proxy");
}

/* Start the proxy on one end of a socket pair; our end, or -1. */
static int start_proxy(const struct kbs_args *a, pid_t *pid)
{
	char path[PATH_MAX], fdarg[16], tmo[16];
	int sv[2];

	proxy_path(path, sizeof(path));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		return -1;
	}
	*pid = fork();
	if (*pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (*pid == 0) {
		close(sv[0]);
		snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
		snprintf(tmo, sizeof(tmo), "%u", a->timeout_s);
		execl(path, path, "--url", a->url, "--fd", fdarg, "--timeout",
		      tmo, (char *)NULL);
		fprintf(stderr, "svsm-sim: cannot run %s\n", path);
		_exit(127);
	}
	close(sv[1]);
	return sv[0];
}

/* The launch measurement as a hex line in the file named by `ctx`. */
static void write_measurement(const uint8_t m[48], void *ctx)
{
	FILE *f = fopen(ctx, "w");
	unsigned i;

	if (f == NULL) {
		fprintf(stderr, "svsm-sim: cannot write %s\n", (char *)ctx);
		return;
	}
	for (i = 0; i < 48; i++) {
		fprintf(f, "%02x", m[i]);
	}
	fprintf(f, "\n");
	fclose(f);
}

/* Whether the guest finds the vTPM protocol (QUERY_PROTOCOL 2, 1). */
static bool vtpm_offered(struct svsm_sim *sim)
{
	struct svsm_sim_regs r = {
		.rax = SVSM_CALL(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL),
		.rcx = SVSM_QUERY_PROTOCOL_ARG(SVSM_PROTOCOL_VTPM, 1),
	};

	return svsm_sim_call(sim, 0, &r) == 0 && (uint32_t)r.rax == 0 &&
	       r.rcx != 0;
}

static void print_result(const struct svsm_sim_kbs_result *r, bool stats,
			 bool vtpm)
{
	unsigned i;

	printf("vtpm: %s\n", vtpm ? "on" : "off");
	if (stats) {
		printf("auth: request %zu bytes, response %zu bytes\n",
		       r->auth_req, r->auth_resp);
		printf("attest: request %zu bytes, response %zu bytes\n",
		       r->attest_req, r->attest_resp);
		printf("resource: response %zu bytes\n", r->resource_resp);
	}
	if (r->status != 0) {
		fprintf(stderr, "svsm-sim: kbs: %s\n", r->error);
		return;
	}
	printf("secret-bytes: %zu\n", r->secret_len);
	printf("vtpm-state-key: %s\n", r->vtpm_key ? "installed" : "refused");
	printf("secret-sha256: ");
	for (i = 0; i < sizeof(r->secret_sha256); i++) {
		printf("%02x", r->secret_sha256[i]);
	}
	printf("\n");
}

/** `kbs ...` (see the top of this file). */
int console_kbs(const struct svsm_sim_config *cfg, int argc, char **argv,
		const char *ark_out)
{
	struct kbs_args a = { .timeout_s = 30 };
	struct svsm_sim_kbs kbs = { .fd = -1 };
	struct svsm_sim_kbs_result r;
	struct svsm_sim *sim;
	pid_t pid = -1;
	int status = 1;

	if (parse(argc, argv, &a) != 0) {
		return kbs_usage();
	}
	kbs.fd = a.proxy ? connect_proxy(a.proxy) : start_proxy(&a, &pid);
	if (kbs.fd < 0) {
		fprintf(stderr, "svsm-sim: kbs: no connection to the proxy\n");
		return 1;
	}
	kbs.resource = a.resource;
	kbs.sha512 = a.sha512;
	kbs.timeout_ms = (a.timeout_s + 5) * 1000; /* the proxy's, and some */
	if (a.measurement_out != NULL) {
		kbs.launched = write_measurement;
		kbs.ctx = (void *)(uintptr_t)a.measurement_out;
	}
	sim = svsm_sim_create_kbs(cfg, &kbs);
	if (sim == NULL) {
		fprintf(stderr, "svsm-sim: the SVSM did not boot\n");
	} else if (console_write_ark(sim, ark_out) == 0 &&
		   svsm_sim_kbs_result(sim, &r) == 0) {
		bool vtpm = vtpm_offered(sim);

		print_result(&r, a.stats, vtpm);
		status = r.status == 0 && r.vtpm_key ? 0 : 1;
		/* A persistent state the released key cannot open stays
		 * closed: the guest gets no vTPM, never a fresh one. */
		if (status == 0 && cfg->vtpm_state_dir != NULL && !vtpm) {
			fprintf(stderr,
				"svsm-sim: kbs: the vTPM state in %s does not "
				"open with the released key: the vTPM stays "
				"off\n",
				cfg->vtpm_state_dir);
			status = 1;
		}
	}
	svsm_sim_destroy(sim);
	close(kbs.fd);
	if (pid > 0) {
		waitpid(pid, NULL, 0);
	}
	return status;
}
