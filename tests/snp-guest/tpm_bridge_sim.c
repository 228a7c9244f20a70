/* SPDX-License-Identifier: MIT */
/*
 * svsm-tpm-bridge-sim PORT: the guest's TPM bridge (tpm_bridge.c) over TCP
 * and libsvsm-sim instead of COM2 and an SNP VM. It listens on
 * 127.0.0.1:PORT for the one mssim stream the guest reads from COM2, so
 * tpm-relay.py and tpm2-tools in front of it reach the SVSM's vTPM through
 * protocol 2 exactly as through the guest. One client at a time, each a
 * new stream that starts, as the guest's COM2 does, with a mode byte
 * (ignored here). It prints "ready" once listening and exits 0 after a
 * STOP.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "abi/svsm_vtpm.h"
#include "svsm/sim.h"
#include "tpm_bridge.h"
#include "tpm_host.h"

struct sim_ctx {
	struct svsm_sim *sim;
	int conn;
	bool mode_read; /* the stream's first byte is its mode */
};

static void put(void *opaque, const uint8_t *b, size_t n)
{
	struct sim_ctx *c = opaque;

	while (n > 0 && c->conn >= 0) {
		ssize_t w = send(c->conn, b, n, MSG_NOSIGNAL);

		if (w <= 0) {
			if (w < 0 && errno == EINTR) {
				continue;
			}
			return; /* the client went away: its loss */
		}
		b += w;
		n -= (size_t)w;
	}
}

static uint32_t vtpm_cmd(void *opaque, uint8_t *page)
{
	struct sim_ctx *c = opaque;

	return tpm_host_vtpm_cmd(c->sim, page);
}

static const struct tpm_bridge_ops ops = { .put = put, .vtpm_cmd = vtpm_cmd };

/* Serve clients one after the other until STOP; 0 then, 1 on an error. */
static int serve(struct tpm_bridge *b, struct sim_ctx *c, int lfd)
{
	for (;;) {
		uint8_t buf[512];
		ssize_t n, k;

		if (c->conn < 0) {
			c->conn = accept(lfd, NULL, NULL);
			if (c->conn < 0 && errno != EINTR) {
				return 1;
			}
			c->mode_read = false;
			continue;
		}
		n = recv(c->conn, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			/* A new client starts a new stream. */
			close(c->conn);
			c->conn = -1;
			mssim_init(&b->parser);
			continue;
		}
		for (k = 0; k < n; k++) {
			if (!c->mode_read) {
				c->mode_read = true;
				continue;
			}
			if (tpm_bridge_feed(b, buf[k]) == TPM_BRIDGE_STOP) {
				return 0;
			}
		}
	}
}

int main(int argc, char **argv)
{
	struct svsm_sim_config cfg = { .guest_mem_bytes = 64ULL << 20,
				       .vcpus = 1,
				       .vtpm = true };
	static uint8_t page[SVSM_VTPM_BUFFER_SIZE];
	struct sim_ctx c = { .conn = -1 };
	struct tpm_bridge b;
	uint64_t bitmap = 0;
	unsigned long port;
	int lfd, rc;

	if (argc != 2 || (port = strtoul(argv[1], NULL, 10)) == 0 ||
	    port > 65535) {
		fprintf(stderr, "usage: svsm-tpm-bridge-sim PORT\n");
		return 2;
	}
	c.sim = svsm_sim_create(&cfg);
	if (c.sim == NULL || tpm_host_attach(c.sim, &bitmap) != 0) {
		fprintf(stderr, "svsm-tpm-bridge-sim: no vTPM\n");
		return 1;
	}
	lfd = tpm_host_listen((unsigned)port, 1);
	if (lfd < 0) {
		return 1;
	}
	tpm_bridge_init(&b, &ops, &c, bitmap, page);
	printf("ready\n");
	fflush(stdout);
	rc = serve(&b, &c, lfd);
	printf("stopped after %u TPM commands\n", b.tpm_commands);
	close(lfd);
	if (c.conn >= 0) {
		close(c.conn);
	}
	svsm_sim_destroy(c.sim);
	return rc;
}
