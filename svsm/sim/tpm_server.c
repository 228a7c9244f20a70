/* SPDX-License-Identifier: MIT */
/*
 * svsm-sim tpm-server --port N [--state DIR --key FILE] [-v]
 *
 * The SVSM's vTPM as a TPM simulator: the mssim protocol that tpm2-tss's
 * mssim TCTI, swtpm and the TCG reference simulator speak, on 127.0.0.1,
 * command port N and platform port N + 1. Every TPM command takes the
 * guest's path: a VTPM_CMD call (protocol 2) through the Calling Area and
 * the SVSM's request loop, with the same bridge code (tpm_bridge.c,
 * mssim.c) the SNP test guest runs.
 *
 * Clients are served one command at a time from one poll loop, each with
 * its own frame parser: a client that disconnects mid-frame, sends a
 * command number mssim does not have or a frame beyond the parser's limit
 * is dropped, and the others carry on. tpm2-tss opens a new pair of
 * connections per tool call and sends POWER_ON and NV_ON each time: on a
 * powered TPM those are no-ops. POWER_OFF then POWER_ON (or SIGNAL_RESET)
 * is a TPM platform reset (svsm_sim_vtpm_reset()). STOP ends the server.
 * tpm2-tss writes a frame's header and body separately, so every socket
 * acknowledges at once (TCP_QUICKACK, re-armed after each read) and sends
 * without delay (TCP_NODELAY).
 *
 * --state DIR keeps the vTPM's NV in DIR/vtpm.state (svsm/vtpm_store.h),
 * keyed from the 32 bytes in FILE exactly as from a KBS-released secret
 * (svsm/vtpm_key.h). Prints "listening on N" once ready; at exit, the
 * store's counters.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "svsm/log.h"
#include "svsm/vtpm_store.h"
#include "abi/svsm_result.h"
#include "abi/svsm_vtpm.h"
#include "console.h"
#include "internal.h"
#include "tpm_bridge.h"
#include "tpm_host.h"

#define MAX_CLIENTS 32
#define KEY_BYTES 32U

struct server;

/* An answer: u32 size, response, u32 0, or a u32 per platform signal. */
#define OUT_MAX (SVSM_VTPM_BUFFER_SIZE + 16)

struct client {
	struct server *srv;
	int fd;
	bool drop;
	size_t out_len; /* answers are sent in one piece */
	uint8_t out[OUT_MAX];
	struct tpm_bridge bridge;
};

struct server {
	struct svsm_sim *sim;
	uint64_t bitmap;
	bool powered;
	bool stop;
	unsigned long resets, dropped;
	uint8_t page[SVSM_VTPM_BUFFER_SIZE];
	struct client *clients[MAX_CLIENTS];
};

static void quickack(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

static void flush(struct client *c)
{
	const uint8_t *b = c->out;
	size_t n = c->out_len;

	c->out_len = 0;
	while (n > 0 && !c->drop) {
		ssize_t w = send(c->fd, b, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			c->drop = true; /* gone, or not reading: its loss */
			return;
		}
		b += w;
		n -= (size_t)w;
	}
}

static void put(void *opaque, const uint8_t *b, size_t n)
{
	struct client *c = opaque;

	if (n > OUT_MAX - c->out_len) {
		flush(c);
	}
	if (n > OUT_MAX) {
		c->drop = true; /* the bridge never answers this much */
		return;
	}
	memcpy(c->out + c->out_len, b, n);
	c->out_len += n;
}

static uint32_t vtpm_cmd(void *opaque, uint8_t *page)
{
	struct client *c = opaque;

	if (!c->srv->powered) {
		return SVSM_ERR_INVALID_REQUEST; /* answered TPM_RC_FAILURE */
	}
	return tpm_host_vtpm_cmd(c->srv->sim, page);
}

/* The platform port's signals that concern the whole TPM. */
static bool platform(void *opaque, uint32_t command, uint32_t *answer)
{
	struct client *c = opaque;
	struct server *s = c->srv;

	if (!mssim_command_known(command)) {
		c->drop = true; /* not mssim: garbage */
		*answer = 1;
		return true;
	}
	switch (command) {
	case MSSIM_SIGNAL_POWER_OFF:
		s->powered = false;
		*answer = 0;
		return true;
	case MSSIM_SIGNAL_POWER_ON:
	case MSSIM_SIGNAL_RESET:
		/* On a running TPM, power-on is a no-op (tpm2-tss sends it
		 * for every tool); after power-off, or on RESET, _TPM_Init. */
		*answer = 0;
		if (!s->powered || command == MSSIM_SIGNAL_RESET) {
			*answer = svsm_sim_vtpm_reset(s->sim) == 0 ? 0 : 1;
			s->resets++;
			s->powered = true;
		}
		return true;
	case MSSIM_SIGNAL_NV_OFF:
		*answer = 0; /* NV is always available */
		return true;
	default:
		return false;
	}
}

static const struct tpm_bridge_ops client_ops = {
	.put = put,
	.vtpm_cmd = vtpm_cmd,
	.platform = platform,
};

static void client_add(struct server *s, int lfd)
{
	int one = 1, fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	struct timeval tv = { .tv_sec = 5 };
	struct client *c;
	unsigned i;

	if (fd < 0) {
		return;
	}
	for (i = 0; i < MAX_CLIENTS && s->clients[i] != NULL; i++) {
	}
	c = i < MAX_CLIENTS ? calloc(1, sizeof(*c)) : NULL;
	if (c == NULL) {
		close(fd); /* full: the client retries or fails */
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* A client that stops reading cannot stall the others for long. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	quickack(fd);
	c->srv = s;
	c->fd = fd;
	tpm_bridge_init(&c->bridge, &client_ops, c, s->bitmap, s->page);
	s->clients[i] = c;
}

static void client_close(struct server *s, unsigned i)
{
	close(s->clients[i]->fd);
	free(s->clients[i]);
	s->clients[i] = NULL;
}

/* Feed what the client sent; false when it must go. */
static bool client_read(struct server *s, struct client *c)
{
	uint8_t buf[4096];
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0), k;

	if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
		return true;
	}
	if (n <= 0) {
		return false; /* closed, perhaps mid-frame: the frame goes */
	}
	quickack(c->fd);
	for (k = 0; k < n && !c->drop; k++) {
		enum tpm_bridge_result r = tpm_bridge_feed(&c->bridge, buf[k]);

		if (r == TPM_BRIDGE_TPM || r == TPM_BRIDGE_PLATFORM) {
			flush(c); /* each answer at once, in one piece */
		} else if (r == TPM_BRIDGE_STOP) {
			s->stop = true;
			return false;
		} else if (r == TPM_BRIDGE_IGNORED) {
			/* SESSION_END, or a frame beyond every limit. */
			if (c->bridge.parser.command != MSSIM_SESSION_END) {
				s->dropped++;
			}
			return false;
		}
	}
	if (c->drop) {
		s->dropped++;
	}
	return !c->drop;
}

static int serve(struct server *s, int lfd[2])
{
	struct pollfd pfd[2 + MAX_CLIENTS];
	unsigned map[2 + MAX_CLIENTS];

	while (!s->stop) {
		unsigned i, n = 2;

		pfd[0] = (struct pollfd){ .fd = lfd[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = lfd[1], .events = POLLIN };
		for (i = 0; i < MAX_CLIENTS; i++) {
			if (s->clients[i] != NULL) {
				map[n] = i;
				pfd[n++] = (struct pollfd){
					.fd = s->clients[i]->fd,
					.events = POLLIN,
				};
			}
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR) {
				continue;
			}
			perror("tpm-server: poll");
			return 1;
		}
		for (i = 2; i < n && !s->stop; i++) {
			if (pfd[i].revents != 0 &&
			    !client_read(s, s->clients[map[i]])) {
				client_close(s, map[i]);
			}
		}
		for (i = 0; i < 2 && !s->stop; i++) {
			if (pfd[i].revents & POLLIN) {
				client_add(s, lfd[i]);
			}
		}
	}
	return 0;
}

/* The key file: exactly KEY_BYTES bytes. 0 or -1 (after saying why). */
static int read_key(const char *path, uint8_t key[KEY_BYTES])
{
	FILE *f = fopen(path, "rb");
	size_t n;
	int extra;

	if (f == NULL) {
		fprintf(stderr, "tpm-server: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(key, 1, KEY_BYTES, f);
	extra = fgetc(f);
	fclose(f);
	if (n != KEY_BYTES || extra != EOF) {
		fprintf(stderr,
			"tpm-server: %s: the key file must hold "
			"exactly %u bytes\n",
			path, KEY_BYTES);
		memset(key, 0, KEY_BYTES);
		return -1;
	}
	return 0;
}

static void print_stats(const struct server *s)
{
	struct vtpm_store_stats st;

	printf("tpm-server: stopped: %lu resets, %lu clients dropped\n",
	       s->resets, s->dropped);
	if (svsm_sim_vtpm_store_stats(&st)) {
		printf("nv store: %llu commits (%llu snapshots), %llu bytes "
		       "in %llu writes, %llu syncs, state %llu bytes\n",
		       (unsigned long long)st.commits,
		       (unsigned long long)st.snapshots,
		       (unsigned long long)st.bytes,
		       (unsigned long long)st.writes,
		       (unsigned long long)st.syncs,
		       (unsigned long long)st.state_bytes);
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: svsm-sim tpm-server --port N "
			"[--state DIR --key FILE] [-v]\n");
	return 2;
}

/** `svsm-sim tpm-server ...` (argv[0] is "tpm-server"). */
int tpm_server_main(int argc, char **argv)
{
	struct svsm_sim_config cfg = { .guest_mem_bytes = 64ULL << 20,
				       .vcpus = 1,
				       .vtpm = true };
	static struct server s;
	uint8_t key[KEY_BYTES];
	const char *key_path = NULL;
	unsigned long port = 0;
	int i, rc, lfd[2];

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			port = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc) {
			cfg.vtpm_state_dir = argv[++i];
		} else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
			key_path = argv[++i];
		} else if (strcmp(argv[i], "-v") == 0) {
			log_level_max = LOG_VERBOSE;
		} else {
			return usage();
		}
	}
	if (port == 0 || port > 65534 ||
	    (cfg.vtpm_state_dir != NULL) != (key_path != NULL)) {
		return usage();
	}
	if (key_path != NULL) {
		if (read_key(key_path, key) != 0) {
			return 1;
		}
		cfg.vtpm_state_secret = key;
		cfg.vtpm_state_secret_len = sizeof(key);
	}
	s.sim = svsm_sim_create(&cfg);
	memset(key, 0, sizeof(key)); /* only the derived key is kept */
	if (s.sim == NULL || tpm_host_attach(s.sim, &s.bitmap) != 0) {
		fprintf(stderr, "tpm-server: the SVSM has no vTPM%s\n",
			cfg.vtpm_state_dir ? " (its state was refused)" : "");
		svsm_sim_destroy(s.sim);
		return 1;
	}
	s.powered = true;
	lfd[0] = tpm_host_listen((unsigned)port, 16);
	lfd[1] = lfd[0] < 0 ? -1 : tpm_host_listen((unsigned)port + 1, 16);
	if (lfd[1] < 0) {
		if (lfd[0] >= 0) {
			close(lfd[0]);
		}
		svsm_sim_destroy(s.sim);
		return 1;
	}
	printf("listening on %lu\n", port);
	fflush(stdout);
	rc = serve(&s, lfd);
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (s.clients[i] != NULL) {
			client_close(&s, (unsigned)i);
		}
	}
	close(lfd[0]);
	close(lfd[1]);
	print_stats(&s);
	svsm_sim_destroy(s.sim);
	return rc;
}
