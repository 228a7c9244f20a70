/* SPDX-License-Identifier: MIT */
/*
 * A bounded JSON writer into a fixed buffer. Strings are escaped as RFC 8785
 * (JCS) serialises them, so a document written with sorted keys and no
 * whitespace is canonical. Any overflow or misuse sets a sticky error.
 */
#include <string.h>

#include "kbs_internal.h"

/** Start writing into `buf` (`cap` bytes, NUL included). */
void jw_init(struct jw *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	w->first[0] = true;
	w->err = cap == 0;
}

static void put(struct jw *w, const char *s, size_t n)
{
	if (w->err || n >= w->cap - w->len) {
		w->err = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void putc1(struct jw *w, char c)
{
	put(w, &c, 1);
}

/* A value starts: a comma between array elements. */
static void value(struct jw *w)
{
	if (!w->first[w->depth]) {
		putc1(w, ',');
	}
	w->first[w->depth] = false;
}

static void open(struct jw *w, char c)
{
	value(w);
	if (w->depth + 1 >= JW_DEPTH) {
		w->err = true;
		return;
	}
	putc1(w, c);
	w->first[++w->depth] = true;
}

static void close(struct jw *w, char c)
{
	if (w->depth == 0) {
		w->err = true;
		return;
	}
	putc1(w, c);
	w->depth--;
}

/** Begin an object. */
void jw_obj(struct jw *w)
{
	open(w, '{');
}

/** End an object. */
void jw_end_obj(struct jw *w)
{
	close(w, '}');
}

/** Begin an array. */
void jw_arr(struct jw *w)
{
	open(w, '[');
}

/** End an array. */
void jw_end_arr(struct jw *w)
{
	close(w, ']');
}

static void string(struct jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	putc1(w, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

		switch (c) {
		case '"':
			put(w, "\\\"", 2);
			break;
		case '\\':
			put(w, "\\\\", 2);
			break;
		case '\b':
			put(w, "\\b", 2);
			break;
		case '\f':
			put(w, "\\f", 2);
			break;
		case '\n':
			put(w, "\\n", 2);
			break;
		case '\r':
			put(w, "\\r", 2);
			break;
		case '\t':
			put(w, "\\t", 2);
			break;
		default:
			if (c < 0x20) {
				put(w, esc, sizeof(esc));
			} else {
				putc1(w, (char)c);
			}
		}
	}
	putc1(w, '"');
}

/** A member name; the next call writes its value. */
void jw_key(struct jw *w, const char *key)
{
	value(w);
	string(w, key, strlen(key));
	putc1(w, ':');
	/* The member's value follows without a comma. */
	w->first[w->depth] = true;
}

/** A string value. */
void jw_strn(struct jw *w, const char *s, size_t n)
{
	value(w);
	string(w, s, n);
}

/** A NUL-terminated string value. */
void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, strlen(s));
}

/** An unsigned integer value. */
void jw_u64(struct jw *w, uint64_t v)
{
	char d[20];
	size_t n = 0;

	value(w);
	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(w, d + sizeof(d) - n, n);
}

/** null. */
void jw_null(struct jw *w)
{
	value(w);
	put(w, "null", 4);
}

/** Bytes as an array of numbers. */
void jw_bytes(struct jw *w, const uint8_t *p, size_t n)
{
	size_t i;

	jw_arr(w);
	for (i = 0; i < n && !w->err; i++) {
		jw_u64(w, p[i]);
	}
	jw_end_arr(w);
}

/** Bytes as an unpadded base64url string. */
void jw_b64url(struct jw *w, const uint8_t *p, size_t n)
{
	size_t need = (n * 4 + 2) / 3;

	value(w);
	putc1(w, '"');
	if (!w->err && need + 2 < w->cap - w->len) {
		w->len += b64url_encode(p, n, w->buf + w->len, w->cap - w->len);
	} else {
		w->err = true;
	}
	putc1(w, '"');
}

/** Finish: the document must be complete. */
int jw_finish(struct jw *w, size_t *len)
{
	if (w->err || w->depth != 0 || w->len >= w->cap) {
		return -1;
	}
	w->buf[w->len] = '\0';
	*len = w->len;
	return 0;
}
