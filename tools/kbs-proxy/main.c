/* SPDX-License-Identifier: MIT */
/*
 * kbs-proxy: the host's untrusted pipe between the SVSM and a KBS
 * (docs/KBS.md). It reads request frames (svsm/kbs/frame.h) from the SVSM,
 * sends each as one HTTP request to URL + path (only paths under /kbs/v0/,
 * only GET and POST, no redirects) and answers with the HTTP status and
 * body. It keeps the KBS's session cookie per SVSM connection, which is
 * the one thing the protocol asks of it; it never builds, changes or reads
 * what the SVSM hashes, and it never sees the secret (the KBS encrypts it
 * to the SVSM's key).
 *
 *   kbs-proxy --url URL (--fd N | --listen ADDR:PORT) [--timeout SEC]
 *             [--idle SEC] [--cacert FILE] [--once]
 *
 * --fd serves an inherited connected socket until it closes (svsm-sim
 * starts it so); --listen accepts connections one after another on ADDR
 * (127.0.0.1 unless another address is given) and prints the bound
 * address. Every read from the SVSM has a deadline (--idle, default 60 s),
 * every KBS request one (--timeout, default 30 s). A KBS that cannot be
 * reached, times out or answers more than the frame bound gets status 502
 * with an empty body.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "../../svsm/kbs/sock.h"

#define STATUS_BAD_GATEWAY 502U

struct opts {
	const char *url;
	const char *cacert;
	long timeout_ms;
	int idle_ms;
};

struct body {
	uint8_t *buf;
	size_t len, cap;
	bool overflow;
};

static uint8_t frame_in[KBS_FRAME_HDR + KBS_FRAME_MAX];
static uint8_t frame_out[KBS_FRAME_HDR + KBS_FRAME_MAX];
static uint8_t resp_body[KBS_BODY_MAX];

/* A decimal number in [min, max]; -1 if `s` is not one. */
static long number(const char *s, long min, long max)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);

	return end != s && *end == '\0' && v >= min && v <= max ? v : -1;
}

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t len = size * n;

	if (len > b->cap - b->len) {
		b->overflow = true;
		return 0; /* abort the transfer */
	}
	memcpy(b->buf + b->len, p, len);
	b->len += len;
	return len;
}

/* One HTTP request; the status, or 502 on any failure. */
static unsigned forward(CURL *c, const struct opts *o, enum kbs_method m,
			const char *path, const uint8_t *body, size_t len,
			struct body *out)
{
	struct curl_slist *hdrs = NULL;
	size_t ulen = strlen(o->url) + strlen(path) + 1;
	char *url = malloc(ulen);
	long status = 0;
	CURLcode rc;

	out->len = 0;
	out->overflow = false;
	if (url == NULL) {
		return STATUS_BAD_GATEWAY;
	}
	snprintf(url, ulen, "%s%s", o->url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (m == KBS_POST) {
		hdrs = curl_slist_append(hdrs,
					 "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	rc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	free(url);
	if (rc != CURLE_OK || out->overflow ||
	    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
	    status < 100 || status > 599) {
		fprintf(stderr, "kbs-proxy: %s %s: %s\n",
			m == KBS_POST ? "POST" : "GET", path,
			out->overflow ? "response too large" :
					curl_easy_strerror(rc));
		out->len = 0;
		return STATUS_BAD_GATEWAY;
	}
	return (unsigned)status;
}

static CURL *session(const struct opts *o)
{
	CURL *c = curl_easy_init();

	if (c == NULL) {
		return NULL;
	}
	curl_easy_setopt(c, CURLOPT_COOKIEFILE, ""); /* in-memory jar */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "svsm-kbs-proxy/1");
	if (o->cacert != NULL) {
		curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
	}
	return c;
}

/* Serve one SVSM connection until it closes, idles out or misbehaves. */
static int serve(int fd, const struct opts *o)
{
	CURL *c = session(o);
	struct body b = { resp_body, 0, sizeof(resp_body), false };
	int served = 0;

	if (c == NULL) {
		return -1;
	}
	for (;;) {
		char path[KBS_FRAME_PATH_MAX + 1];
		enum kbs_method m;
		const uint8_t *body;
		size_t n, len;
		unsigned status;

		if (kbs_sock_read_frame(fd, frame_in, sizeof(frame_in), &n,
					o->idle_ms) != 0) {
			break; /* closed, idle or oversized: drop it */
		}
		if (kbs_frame_parse_request(frame_in, n, &m, path, &body,
					    &len) != 0) {
			fprintf(stderr, "kbs-proxy: bad frame, closing\n");
			break;
		}
		status = forward(c, o, m, path, body, len, &b);
		n = kbs_frame_response(frame_out, sizeof(frame_out), status,
				       b.buf, b.len);
		if (n == 0 ||
		    kbs_sock_write(fd, frame_out, n, o->idle_ms) != 0) {
			break;
		}
		served++;
	}
	curl_easy_cleanup(c);
	return served;
}

static int listen_on(const char *addr, int *out)
{
	char host[64];
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd, one = 1;

	if (kbs_sock_addr(addr, &sa, host, sizeof(host)) != 0) {
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, 4) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	printf("kbs-proxy: listening on %s:%u\n", host, ntohs(sa.sin_port));
	fflush(stdout);
	*out = fd;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: kbs-proxy --url URL (--fd N | --listen "
			"ADDR:PORT) [--timeout SEC] [--idle SEC] "
			"[--cacert FILE] [--once]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct opts o = { NULL, NULL, 30000, 60000 };
	const char *listen_addr = NULL;
	bool once = false;
	int fd = -1, lfd, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--once") == 0) {
			once = true;
			continue;
		}
		if (v == NULL) {
			return usage();
		}
		i++;
		if (strcmp(a, "--url") == 0) {
			o.url = v;
		} else if (strcmp(a, "--fd") == 0) {
			fd = (int)number(v, 0, 1 << 20);
		} else if (strcmp(a, "--listen") == 0) {
			listen_addr = v;
		} else if (strcmp(a, "--timeout") == 0 &&
			   number(v, 1, 3600) > 0) {
			o.timeout_ms = 1000L * number(v, 1, 3600);
		} else if (strcmp(a, "--idle") == 0 && number(v, 1, 3600) > 0) {
			o.idle_ms = 1000 * (int)number(v, 1, 3600);
		} else if (strcmp(a, "--cacert") == 0) {
			o.cacert = v;
		} else {
			return usage();
		}
	}
	if (o.url == NULL || (fd < 0) == (listen_addr == NULL) ||
	    (strncmp(o.url, "http://", 7) != 0 &&
	     strncmp(o.url, "https://", 8) != 0)) {
		return usage();
	}
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		return 1;
	}
	if (fd >= 0) {
		serve(fd, &o);
		close(fd);
		curl_global_cleanup();
		return 0;
	}
	if (listen_on(listen_addr, &lfd) != 0) {
		fprintf(stderr, "kbs-proxy: cannot listen on %s\n",
			listen_addr);
		return 1;
	}
	for (;;) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (c < 0) {
			if (errno == EINTR) {
				continue;
			}
			break;
		}
		serve(c, &o);
		close(c);
		if (once) {
			break;
		}
	}
	close(lfd);
	curl_global_cleanup();
	return 0;
}
