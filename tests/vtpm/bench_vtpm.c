/* SPDX-License-Identifier: MIT */
/*
 * vTPM benchmark: the same TPM 2.0 commands (PCR_Extend, GetRandom, an ECC
 * Quote) through raw TPMLIB_Process, through the vTPM service, and through
 * swtpm over its TCP socket, each reported as a ratio to raw libtpms
 * measured in this same run. The guest-side protocol path is measured by
 * bench_vtpm_proto.c.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libtpms/tpm_library.h>

#include "svsm/mm.h"
#include "svsm/vtpm.h"
#include "bench_measure.h"
#include "tpm2_cmds.h"

#define ARENA (32UL << 20)

static unsigned char *raw_buf;
static uint32_t raw_alloc;
static int swtpm_fd = -1;

static int send_raw(const uint8_t *cmd, size_t len, uint8_t *resp, size_t *rlen)
{
	uint32_t n = 0;

	if (TPMLIB_Process(&raw_buf, &n, &raw_alloc, (unsigned char *)cmd,
			   (uint32_t)len) != 0) {
		return -1;
	}
	memcpy(resp, raw_buf, n);
	*rlen = n;
	return 0;
}

static int send_service(const uint8_t *cmd, size_t len, uint8_t *resp,
			size_t *rlen)
{
	return vtpm_send_command(0, cmd, len, resp, TPM2_MAX, rlen);
}

static int full_io(int fd, void *buf, size_t len, int wr)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = wr ? write(fd, (char *)buf + done, len - done) :
				 read(fd, (char *)buf + done, len - done);
		if (n <= 0) {
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static int send_swtpm(const uint8_t *cmd, size_t len, uint8_t *resp,
		      size_t *rlen)
{
	uint32_t n;

	if (full_io(swtpm_fd, (void *)cmd, len, 1) ||
	    full_io(swtpm_fd, resp, 10, 0)) {
		return -1;
	}
	n = tpm2_be32(resp + 2);
	if (n < 10 || n > TPM2_MAX || full_io(swtpm_fd, resp + 10, n - 10, 0)) {
		return -1;
	}
	*rlen = n;
	return 0;
}

/* Startup + an ECC signing key; returns its handle. */
static uint32_t prepare(bench_send_fn send, int startup)
{
	uint8_t cmd[TPM2_MAX], resp[TPM2_MAX], x[32], y[32];
	size_t len, rlen;
	uint32_t handle;

	if (startup) {
		len = tpm2_startup_clear(cmd);
		if (send(cmd, len, resp, &rlen) || tpm2_rc(resp, rlen)) {
			return 0;
		}
	}
	len = tpm2_create_primary_ecc_sign(cmd, 0x40000001);
	if (send(cmd, len, resp, &rlen) ||
	    tpm2_parse_create_primary_ecc(resp, rlen, &handle, x, y)) {
		return 0;
	}
	return handle;
}

static pid_t start_swtpm(const char *dir, int port)
{
	char server[64], ctrl[64], state[300];
	pid_t pid;

	snprintf(server, sizeof(server), "type=tcp,port=%d", port);
	snprintf(ctrl, sizeof(ctrl), "type=tcp,port=%d", port + 1);
	snprintf(state, sizeof(state), "dir=%s", dir);
	pid = fork();
	if (pid == 0) {
		execlp("swtpm", "swtpm", "socket", "--tpm2", "--server", server,
		       "--ctrl", ctrl, "--tpmstate", state, "--flags",
		       "not-need-init", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int connect_swtpm(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	int i, one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 100; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd >= 0 && connect(fd, (void *)&a, sizeof(a)) == 0) {
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof(one));
			return fd;
		}
		if (fd >= 0) {
			close(fd);
		}
		usleep(20000);
	}
	return -1;
}

struct row {
	const char *name;
	size_t len;
	uint8_t cmd[TPM2_MAX];
	int iters;
};

static void build_rows(struct row *rows, uint32_t key)
{
	static const uint8_t digest[32] = { 1, 2, 3 };
	static const uint8_t nonce[32] = { 9 };

	rows[0].name = "PCR_Extend";
	rows[0].len = tpm2_pcr_extend_sha256(rows[0].cmd, 16, digest);
	rows[0].iters = 2000;
	rows[1].name = "GetRandom(32)";
	rows[1].len = tpm2_get_random(rows[1].cmd, 32);
	rows[1].iters = 2000;
	rows[2].name = "Quote(ECC)";
	rows[2].len = tpm2_quote_ecc(rows[2].cmd, key, nonce);
	rows[2].iters = 100;
}

int main(void)
{
	static struct row rows[3], srows[3];
	struct vtpm_nv_mem *nv;
	struct vtpm_nv_ops ops;
	double raw[3], svc[3], sw[3] = { 0 };
	char dir[] = "/tmp/bench-swtpm-XXXXXX", rm[64];
	void *arena = aligned_alloc(1UL << 22, ARENA);
	int port = 20000 + (getpid() % 20000), i, have_swtpm = 0;
	uint32_t key;
	pid_t pid;

	mm_reset();
	if (arena == NULL || !page_alloc_add_region(arena, ARENA) ||
	    (nv = vtpm_nv_mem_create()) == NULL) {
		return 1;
	}
	vtpm_nv_mem_ops(nv, &ops);
	if (vtpm_init(&ops) != 0 || (key = prepare(send_service, 1)) == 0) {
		fprintf(stderr, "bench-vtpm: vTPM set-up failed\n");
		return 1;
	}
	build_rows(rows, key);
	for (i = 0; i < 3; i++) {
		/* Alternate so that both see the same TPM state and caches. */
		raw[i] = bench_measure(send_raw, rows[i].cmd, rows[i].len,
				       rows[i].iters);
		svc[i] = bench_measure(send_service, rows[i].cmd, rows[i].len,
				       rows[i].iters);
		raw[i] = (raw[i] + bench_measure(send_raw, rows[i].cmd,
						 rows[i].len, rows[i].iters)) /
			 2;
	}
	if (mkdtemp(dir) != NULL && (pid = start_swtpm(dir, port)) > 0) {
		swtpm_fd = connect_swtpm(port);
		if (swtpm_fd >= 0 && (key = prepare(send_swtpm, 1)) != 0) {
			build_rows(srows, key);
			for (i = 0; i < 3; i++) {
				sw[i] = bench_measure(send_swtpm, srows[i].cmd,
						      srows[i].len,
						      srows[i].iters / 4 + 1);
			}
			have_swtpm = 1;
		}
		if (swtpm_fd >= 0) {
			close(swtpm_fd);
		}
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
		if (system(rm) != 0) {
			fprintf(stderr, "bench-vtpm: could not remove %s\n",
				dir);
		}
	}
	printf("bench-vtpm (median of 5 batches, same process):\n");
	for (i = 0; i < 3; i++) {
		printf("  %-14s raw libtpms %8.2f us | vTPM service %8.2f us "
		       "(%.3fx)",
		       rows[i].name, raw[i], svc[i], svc[i] / raw[i]);
		if (have_swtpm) {
			printf(" | swtpm socket %8.2f us (%.1fx)", sw[i],
			       sw[i] / raw[i]);
		}
		printf("\n");
	}
	if (!have_swtpm) {
		printf("  swtpm: not available (install swtpm)\n");
	}
	vtpm_shutdown();
	vtpm_nv_mem_destroy(nv);
	return 0;
}
